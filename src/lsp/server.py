"""The pitfalls language server: diagnostics as you type, the answer on hover, quick fixes.

A thin front end over `pitfalls.source.check_source`, on pygls 2. Analysis runs on one worker
thread so the server keeps answering while a big file is checked; a result is published only if
the document has not changed since the analysis started (a newer version supersedes it).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Optional

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import PositionCodec

from pitfalls import __version__
from pitfalls.depths import DEPTHS
from pitfalls.findings import Finding, Span
from pitfalls_lsp.protocol import Document, Protocol, is_parse_error

if TYPE_CHECKING:
    from pitfalls.config import Config, ConfigCache

FIX_ALL = "source.fixAll.pitfalls"

logger = logging.getLogger("pitfalls_lsp")


# -- settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What the editor may set (initializationOptions, workspace/didChangeConfiguration).

    `select` and `ignore` override the pyproject.toml's when given; None leaves the file's.
    """

    select: Optional[tuple[str, ...]] = None
    ignore: Optional[tuple[str, ...]] = None
    explanation_depth: str = "30"
    docs_url: Optional[str] = None
    debounce_ms: int = 0
    # Hazards are always sent, as hints; strict (or `strict = true` in the pyproject.toml) also
    # lets "fix all" fix them, as `pitfalls fix --strict` does.
    strict: bool = False


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from the editor; a bad value is named in `problems` and left at its default."""
    if isinstance(raw, dict) and isinstance(raw.get("pitfalls"), dict):
        raw = raw["pitfalls"]  # {"pitfalls": {...}}, as VS Code and Neovim send a section
    if raw is None:
        return Settings(), []
    if not isinstance(raw, dict):
        return Settings(), [f"settings must be an object, not {type(raw).__name__}"]
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        if key in ("select", "ignore"):
            if value is None:
                continue
            if isinstance(value, str):
                value = [v for v in value.replace(" ", ",").split(",") if v]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"'{key}' must be a list of codes such as [\"PIT101\"]")
                continue
            codes = tuple(v.strip().upper() for v in value)
            from pitfalls.catalog import SelectionError, select_rules

            try:
                select_rules(codes if key == "select" else None, codes if key == "ignore" else None)
            except SelectionError as exc:
                problems.append(f"'{key}': {exc}")
                continue
            values[key] = codes
        elif key == "explanationDepth":
            if str(value) not in DEPTHS:
                problems.append(f"'explanationDepth' must be 30, 60 or \"full\", not {value!r}")
                continue
            values["explanation_depth"] = str(value)
        elif key == "docsUrl":
            if value is not None and not isinstance(value, str):
                problems.append("'docsUrl' must be a string")
                continue
            values["docs_url"] = value or None
        elif key == "strict":
            if not isinstance(value, bool):
                problems.append(f"'strict' must be true or false, not {value!r}")
                continue
            values["strict"] = value
        elif key == "debounceMs":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 5000:
                problems.append("'debounceMs' must be a whole number of milliseconds from 0 to 5000")
                continue
            values["debounce_ms"] = value
        else:
            problems.append(f"unknown setting '{key}' (ignored)")
    return replace(Settings(), **values), problems


def _given(raw: Any) -> bool:
    """Whether the editor sent settings: not null, `{}`, or an empty "pitfalls" section."""
    if isinstance(raw, dict) and "pitfalls" in raw:
        raw = raw["pitfalls"]
    return raw is not None and raw != {}


# -- analysis --------------------------------------------------------------------------------


@dataclass
class Analysis:
    """One version of one document, checked."""

    uri: str
    version: Optional[int]
    generation: int  # bumped by every settings change
    source: str
    lines: list[str]
    path: str
    rules: tuple = ()
    config: Optional[Config] = None  # the document's [tool.pitfalls] (for a fix's target version)
    strict: bool = False  # "fix all" fixes hazards too
    findings: list[Finding] = field(default_factory=list)
    diagnostics: list[t.Diagnostic] = field(default_factory=list)
    urls: dict[str, Optional[str]] = field(default_factory=dict)
    error: Optional[str] = None  # why the document could not be checked
    problems: list[str] = field(default_factory=list)  # rule and config errors, for the log

    @property
    def result_id(self) -> str:
        return f"{self.version}:{self.generation}"


@dataclass(frozen=True)
class DiagnosticSupport:
    """What the client declared it takes on a diagnostic; a strict client drops a diagnostic
    carrying a field it did not ask for (eglot declares neither `data` nor related information)."""

    data: bool = False
    related_information: bool = False
    code_description: bool = False

    @classmethod
    def declared(cls, text: Optional[t.TextDocumentClientCapabilities]) -> "DiagnosticSupport":
        given = [c for c in (text.publish_diagnostics, text.diagnostic) if c is not None] if text else []
        return cls(*(any(getattr(c, name) for c in given)
                     for name in ("data_support", "related_information", "code_description_support")))


def to_range(span: Span, lines: list[str], codec: PositionCodec) -> t.Range:
    return codec.range_to_client_units(
        lines,
        t.Range(t.Position(span.line - 1, span.column), t.Position(span.end_line - 1, span.end_column)),
    )


class PitfallsServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "pitfalls", __version__, protocol_cls=Protocol, text_document_sync_kind=t.TextDocumentSyncKind.Incremental
        )
        self.settings = Settings()
        self.generation = 0
        self.analyses: dict[str, Analysis] = {}
        self.tasks: dict[str, asyncio.Task] = {}
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="pitfalls-analysis")
        self.pull = False  # the client pulls diagnostics and can be told to pull again
        self.markdown = True
        self.document_changes = False
        self.resolve_edits = False  # the client resolves a code action's edit when it is chosen
        self.configuration_requests = False
        self.diagnostic_support = DiagnosticSupport()
        self.initialization_options: Any = None  # kept while the editor sends no settings of its own
        self.initial_problems: list[str] = []  # in initializationOptions, reported on `initialized`
        self._said: set[str] = set()  # messages already shown, so a keystroke does not repeat them
        self._last_error: dict[str, Optional[str]] = {}

    @cached_property
    def configs(self) -> ConfigCache:
        from pitfalls.config import ConfigCache

        return ConfigCache()

    # -- talking to the user --

    def log(self, message: str, kind: t.MessageType = t.MessageType.Info) -> None:
        self.window_log_message(t.LogMessageParams(type=kind, message=f"pitfalls: {message}"))

    def tell_once(self, message: str, kind: t.MessageType = t.MessageType.Warning) -> None:
        if message not in self._said:
            self._said.add(message)
            self.window_show_message(t.ShowMessageParams(type=kind, message=f"pitfalls: {message}"))
        self.log(message, kind)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Errors outside any request: malformed JSON is answered, the rest is logged."""
        if is_parse_error(error):
            self.protocol.report_parse_error(error)
        try:
            self.log(f"{type(error).__name__}: {error}", t.MessageType.Error)
        except Exception:  # the transport itself failed; nothing left to tell
            logger.warning("%s: %s", type(error).__name__, error)

    # -- documents --

    def open_document(self, uri: str) -> Optional[Document]:
        if self.protocol._workspace is None:
            return None
        return self.workspace.text_documents.get(uri)

    def path_of(self, uri: str) -> str:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path:
            return path
        root = self.workspace.root_path if self.protocol._workspace is not None else None
        return os.path.join(root or os.getcwd(), "untitled.py")

    def schedule(self, uri: str) -> asyncio.Task:
        """Analyses the document's newest version; one task per document coalesces a burst."""
        task = self.tasks.get(uri)
        if task is None or task.done():
            task = asyncio.ensure_future(self._run(uri))
            self.tasks[uri] = task
        return task

    async def current(self, uri: str) -> Optional[Analysis]:
        """The analysis of the document as it is now (None when it is not open)."""
        for _ in range(5):
            document = self.open_document(uri)
            if document is None:
                return None
            analysis = self.analyses.get(uri)
            if analysis is not None and self._is_current(analysis, document):
                return analysis
            await asyncio.shield(self.schedule(uri))
        return self.analyses.get(uri)

    def _is_current(self, analysis: Analysis, document: Document) -> bool:
        return analysis.version == document.version and analysis.generation == self.generation and (
            analysis.source is document.source or analysis.source == document.source
        )

    async def _run(self, uri: str) -> Optional[Analysis]:
        if self.settings.debounce_ms:
            await asyncio.sleep(self.settings.debounce_ms / 1000)
        loop = asyncio.get_running_loop()
        while True:
            document = self.open_document(uri)
            if document is None:
                return None
            version, generation, source = document.version, self.generation, document.source
            analysis = await loop.run_in_executor(
                self.executor, self.analyse, uri, version, generation, source, self.settings
            )
            if self.open_document(uri) is not document or document.version != version or self.generation != generation:
                continue  # superseded while it ran: never publish a stale result
            self.analyses[uri] = analysis
            self._tell(analysis)
            if not self.pull:
                self.publish(analysis)
            return analysis

    def analyse(self, uri: str, version: Optional[int], generation: int, source: str, settings: Settings) -> Analysis:
        """Runs on the worker thread; never raises."""
        from pitfalls.config import DEFAULTS, ConfigError
        from pitfalls.output import rule_url
        from pitfalls.source import check_source, split_lines

        path = self.path_of(uri)
        lines = split_lines(source)
        analysis = Analysis(uri, version, generation, source, lines, path)
        try:
            try:
                config = self.configs.for_file(path)
                excluded = self.configs.excludes(path)
            except ConfigError as exc:
                analysis.problems.append(f"{exc}; using the defaults")
                config, excluded = DEFAULTS, False
            if excluded:
                return analysis  # `exclude`/`extend-exclude` leave it out, as `pitfalls check` does
            analysis.config = config
            config = config.override(settings.select, settings.ignore, settings.strict)
            analysis.rules = config.rules_for(path)
            analysis.strict = config.strict
            report = check_source(source, path, analysis.rules)
            analysis.error = report.error
            analysis.findings = report.findings
            for failure in report.rule_errors:
                analysis.problems.append(
                    f"internal error in {failure.code} on {path}: {type(failure.error).__name__}: {failure.error}"
                )
            base = settings.docs_url or config.docs_url
            codec = self.workspace.position_codec
            for finding in report.findings:
                url = analysis.urls.setdefault(finding.code, rule_url(base, finding.code, finding.name))
                analysis.diagnostics.append(self.diagnostic(finding, lines, codec, uri, url, self.diagnostic_support))
        except Exception as exc:  # a bug of ours: logged, the document shows nothing
            logger.exception("analysis failed")
            analysis.findings, analysis.diagnostics = [], []
            analysis.problems.append(f"internal error on {path}: {type(exc).__name__}: {exc} (please report this)")
        return analysis

    @staticmethod
    def diagnostic(
        finding: Finding, lines: list[str], codec: PositionCodec, uri: str, url: Optional[str], support: DiagnosticSupport
    ) -> t.Diagnostic:
        """`data` is for the client's use only: the server finds a diagnostic's finding in its own state."""
        from pitfalls.output import LEVELS, fix_safety

        related = [
            t.DiagnosticRelatedInformation(t.Location(uri, to_range(r.span, lines, codec)), r.message)
            for r in finding.related
        ] if support.related_information else None
        return t.Diagnostic(
            range=to_range(finding.span, lines, codec),
            message=finding.message,
            severity=t.DiagnosticSeverity(LEVELS[finding.severity].lsp),  # hazards always sent, as hints
            code=finding.code,
            code_description=t.CodeDescription(href=url) if url and support.code_description else None,
            source="pitfalls",
            related_information=related or None,
            data={"name": finding.name, "fixable": finding.fixable, "fixSafety": fix_safety(finding)}
            if support.data else None,
        )

    def _tell(self, analysis: Analysis) -> None:
        for problem in analysis.problems:
            if "internal error" in problem:
                self.log(problem, t.MessageType.Error)
            else:
                self.tell_once(problem)
        if analysis.error != self._last_error.get(analysis.uri):
            self._last_error[analysis.uri] = analysis.error
            if analysis.error:
                self.log(f"{analysis.path}: not checked: {analysis.error}")

    def publish(self, analysis: Analysis) -> None:
        self.text_document_publish_diagnostics(
            t.PublishDiagnosticsParams(analysis.uri, analysis.diagnostics, version=analysis.version)
        )

    def forget(self, uri: str) -> None:
        self.analyses.pop(uri, None)
        self._last_error.pop(uri, None)
        if not self.pull:
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri, []))

    def apply_settings(self, raw: Any) -> None:
        """The editor's settings; none (null or `{}`, as eglot sends when nothing is configured)
        keeps the initializationOptions."""
        if not _given(raw):
            raw = self.initialization_options
        self.settings, problems = parse_settings(raw)
        self.report_settings(problems)
        self.refresh()

    def report_settings(self, problems: list[str]) -> None:
        """A bad value is shown (once); an unknown key only logged: editors send extra keys."""
        for problem in problems:
            if problem.startswith("unknown setting"):
                self.log(problem, t.MessageType.Warning)
            else:
                self.tell_once(f"setting {problem}")

    def refresh(self) -> None:
        """Re-checks every open document (settings or a pyproject.toml changed)."""
        self.generation += 1
        if self.protocol._workspace is None:
            return
        for uri in list(self.workspace.text_documents):
            self.schedule(uri)
        if self.pull:
            self.workspace_diagnostic_refresh(None)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        super().shutdown()


# -- features --------------------------------------------------------------------------------


def create_server() -> PitfallsServer:
    server = PitfallsServer()

    @server.feature(t.INITIALIZE)
    def initialize(ls: PitfallsServer, params: t.InitializeParams) -> None:
        workspace = ls.workspace

        def create_document(doc_uri, source=None, version=None, language_id=None):
            return Document(
                doc_uri, source=source, version=version, language_id=language_id,
                sync_kind=ls._text_document_sync_kind, position_codec=workspace.position_codec,
            )

        workspace._create_text_document = create_document  # LSP line breaks, not str.splitlines
        capabilities = params.capabilities
        text = capabilities.text_document
        space = capabilities.workspace
        ls.pull = bool(
            text and text.diagnostic and space and space.diagnostics and space.diagnostics.refresh_support
        )
        formats = text.hover.content_format if text and text.hover else None
        ls.markdown = formats is None or t.MarkupKind.Markdown in formats
        ls.document_changes = bool(space and space.workspace_edit and space.workspace_edit.document_changes)
        ls.configuration_requests = bool(space and space.configuration)
        action = text.code_action if text else None
        ls.resolve_edits = bool(action and action.data_support and action.resolve_support
                                and "edit" in action.resolve_support.properties)
        ls.diagnostic_support = DiagnosticSupport.declared(text)
        ls.initialization_options = params.initialization_options
        ls.settings, ls.initial_problems = parse_settings(params.initialization_options)

    @server.feature(t.INITIALIZED)
    def initialized(ls: PitfallsServer, params: t.InitializedParams) -> None:
        ls.executor.submit(_warm_up)  # before the first document's analysis, on the same thread
        ls.report_settings(ls.initial_problems)  # said once the client is listening

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PitfallsServer, params: t.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PitfallsServer, params: t.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: PitfallsServer, params: t.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri.endswith("/pyproject.toml"):
            ls.refresh()
            return
        analysis = await ls.current(uri)
        if analysis is not None and not ls.pull:
            ls.publish(analysis)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PitfallsServer, params: t.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(t.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: PitfallsServer, params: t.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if not settings and ls.configuration_requests:  # the client wants us to ask
            try:
                answer = await ls.workspace_configuration_async(
                    t.ConfigurationParams(items=[t.ConfigurationItem(section="pitfalls")])
                )
                settings = answer[0] if answer else None
            except Exception as exc:
                ls.log(f"could not read the editor's settings: {exc}", t.MessageType.Warning)
        ls.apply_settings(settings)

    @server.feature(
        t.TEXT_DOCUMENT_DIAGNOSTIC,
        t.DiagnosticOptions(identifier="pitfalls", inter_file_dependencies=False, workspace_diagnostics=False),
    )
    async def diagnostic(ls: PitfallsServer, params: t.DocumentDiagnosticParams):
        analysis = await ls.current(params.text_document.uri)
        if analysis is None:
            return t.RelatedFullDocumentDiagnosticReport(items=[])
        if params.previous_result_id == analysis.result_id:
            return t.RelatedUnchangedDocumentDiagnosticReport(result_id=analysis.result_id)
        return t.RelatedFullDocumentDiagnosticReport(items=analysis.diagnostics, result_id=analysis.result_id)

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    async def hover(ls: PitfallsServer, params: t.HoverParams) -> Optional[t.Hover]:
        analysis = await ls.current(params.text_document.uri)
        if analysis is None or not analysis.findings or params.position.line >= len(analysis.lines):
            return None
        codec = ls.workspace.position_codec
        where = codec.position_from_client_units(analysis.lines, params.position)
        point = (where.line + 1, where.character)
        hits = [
            (finding, diagnostic)
            for finding, diagnostic in zip(analysis.findings, analysis.diagnostics)
            if (finding.span.line, finding.span.column) <= point <= (finding.span.end_line, finding.span.end_column)
        ]
        if not hits:
            return None
        from pitfalls_lsp.hover import hover_text

        text = hover_text([f for f, _ in hits], ls.settings.explanation_depth, ls.markdown, analysis.urls)
        kind = t.MarkupKind.Markdown if ls.markdown else t.MarkupKind.PlainText
        return t.Hover(contents=t.MarkupContent(kind=kind, value=text), range=hits[0][1].range)

    @server.feature(
        t.TEXT_DOCUMENT_CODE_ACTION,
        t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True),
    )
    async def code_action(ls: PitfallsServer, params: t.CodeActionParams) -> list[t.CodeAction]:
        analysis = await ls.current(params.text_document.uri)
        if analysis is None or analysis.error:
            return []
        codec = ls.workspace.position_codec
        wanted = codec.range_from_client_units(analysis.lines, params.range)
        from pitfalls_lsp.actions import code_actions

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            ls.executor, code_actions, analysis, (wanted.start.line, wanted.start.character),
            (wanted.end.line, wanted.end.character), params.context.only, ls.document_changes, codec, None,
            ls.resolve_edits,
        )

    @server.feature(t.CODE_ACTION_RESOLVE)
    async def resolve_code_action(ls: PitfallsServer, action: t.CodeAction) -> t.CodeAction:
        data = action.data
        if action.edit is not None or not isinstance(data, dict) or not isinstance(data.get("uri"), str):
            return action
        analysis = await ls.current(data["uri"])
        if analysis is None or analysis.error or analysis.version != data.get("version"):
            return action  # the document changed since: no edit rather than a wrong one
        from pitfalls_lsp.actions import resolved_edit

        loop = asyncio.get_running_loop()
        action.edit = await loop.run_in_executor(
            ls.executor, resolved_edit, analysis, data, ls.document_changes, ls.workspace.position_codec
        )
        return action

    return server


def _warm_up() -> None:
    """The analysis stack (rules, configuration, answers, fixes), imported on the worker thread
    once `initialize` is answered: imported before, it delayed the answer by a fifth."""
    import pitfalls_lsp.actions  # noqa: F401  (the rules, configuration and fixing machinery)
    import pitfalls_lsp.hover  # noqa: F401
    import pitfalls.output  # noqa: F401


class _OneLine(logging.Formatter):
    """Server logs on stderr (the editor's log panel): one line each, never a traceback;
    PITFALLS_LSP_DEBUG=1 shows everything."""

    def format(self, record: logging.LogRecord) -> str:
        lines = record.getMessage().strip().splitlines() or [""]
        message = lines[0]
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message += f": {type(error).__name__}: {error}".split("\n")[0]
        return f"pitfalls-lsp: {record.levelname.lower()}: {message}"


def run(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087) -> int:
    """`pitfalls lsp`: serves until `exit` (0 after `shutdown`, 1 without, as LSP says)."""
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("PITFALLS_LSP_DEBUG"):
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    else:
        handler.setFormatter(_OneLine())
        logging.basicConfig(level=logging.WARNING, handlers=[handler])
    server = create_server()
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
    return 0 if server.protocol._shutdown else 1
