"""Code actions: "Fix PITxxx", "Ignore PITxxx on this line", and "fix all" on save.

Imported once `initialize` is answered (with the fixing machinery it is a share of the start-up);
a fixer itself, which may import libcst, only when a fix is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from lsprotocol import types as t
from pygls.workspace import PositionCodec

from pitfalls.catalog import BY_CODE
from pitfalls.config import DEFAULTS, target_version
from pitfalls.findings import Finding, shown
from pitfalls.fixing import fix_all, fix_finding
from pitfalls.noqa_edit import CommentPlaces, comment_places
from pitfalls.source import check_source
from pitfalls_lsp import edits
from pitfalls_lsp.server import FIX_ALL

if TYPE_CHECKING:
    from pitfalls_lsp.server import Analysis


def _kind_wanted(kind: str, only: Optional[list[str]]) -> bool:
    return only is None or any(kind == k or kind.startswith(f"{k}.") for k in only)


def _workspace_edit(analysis: Analysis, edit: edits.Edit, document_changes: bool, codec: PositionCodec) -> t.WorkspaceEdit:
    text_edit = t.TextEdit(
        codec.range_to_client_units(
            analysis.lines, t.Range(t.Position(edit.line, edit.character), t.Position(edit.end_line, edit.end_character))
        ),
        edit.text,
    )
    if document_changes:
        identifier = t.OptionalVersionedTextDocumentIdentifier(uri=analysis.uri, version=analysis.version)
        return t.WorkspaceEdit(document_changes=[t.TextDocumentEdit(identifier, [text_edit])])
    return t.WorkspaceEdit(changes={analysis.uri: [text_edit]})


def _fix_edit(analysis: Analysis, finding: Optional[Finding], document_changes: bool, codec: PositionCodec,
              rules: Optional[dict] = None) -> Optional[t.WorkspaceEdit]:
    """The edit that fixes one finding, or makes every safe fix (`finding` None); None when
    nothing would change (the fixer declines)."""
    target = target_version(analysis.config or DEFAULTS, analysis.path)
    if finding is not None:
        fix = fix_finding(analysis.source, finding, rules, target)
        fixed = fix.source if fix else analysis.source
    else:
        fixed = fix_all(
            analysis.source,
            lambda source: shown(check_source(source, analysis.path, analysis.rules).findings, analysis.strict),
            rules=rules, target_version=target, findings=shown(analysis.findings, analysis.strict),
        )
    edit = edits.replacement_edit(analysis.source, fixed)
    return _workspace_edit(analysis, edit, document_changes, codec) if edit else None


def _fix_title(finding: Finding, safe: bool) -> str:
    return f"Fix {finding.code}: {finding.name.replace('-', ' ')}" + ("" if safe else " (unsafe)")


def _span(finding: Finding) -> list:
    return [finding.code, finding.span.line, finding.span.column, finding.span.end_line, finding.span.end_column]


def code_actions(
    analysis: Analysis,
    start: tuple[int, int],
    end: tuple[int, int],
    only: Optional[list[str]],
    document_changes: bool,
    codec: PositionCodec,
    rules: Optional[dict] = None,
    lazy: bool = False,
) -> list[t.CodeAction]:
    """The actions for the findings touching [start, end] (0-based lines, code points).

    `lazy` (a client that resolves an action's edit when it is chosen): a fix comes without its
    edit, only `data` naming it, and `resolved_edit` makes the edit; the first fix imports libcst,
    so listing the actions stays cheap. An ignore action is cheap and always carries its edit."""
    known = rules or BY_CODE
    actions: list[t.CodeAction] = []
    places: list[Optional[CommentPlaces]] = []  # where comments can go, read when an ignore is first offered

    def fix_action(title: str, kind: str, finding: Optional[Finding], **fields: Any) -> Optional[t.CodeAction]:
        if lazy:
            fix = _span(finding) if finding else "all"
            return t.CodeAction(title=title, kind=kind, data={"uri": analysis.uri, "version": analysis.version,
                                                              "fix": fix}, **fields)
        edit = _fix_edit(analysis, finding, document_changes, codec, rules)
        return t.CodeAction(title=title, kind=kind, edit=edit, **fields) if edit else None

    quick = _kind_wanted(t.CodeActionKind.QuickFix, only)
    for finding, diagnostic in zip(analysis.findings, analysis.diagnostics):
        span = finding.span
        if not ((span.line - 1, span.column) <= end and start <= (span.end_line - 1, span.end_column)) or not quick:
            continue
        rule = known.get(finding.code)
        if finding.fixable and rule is not None and rule.fixer:
            actions.append(fix_action(_fix_title(finding, rule.fix_is_safe), t.CodeActionKind.QuickFix, finding,
                                      diagnostics=[diagnostic], is_preferred=rule.fix_is_safe))
        if not places:
            places.append(comment_places(analysis.source))
        noqa = edits.noqa_edit(analysis.lines, span.line - 1, finding.code, places[0])
        if noqa is not None:
            actions.append(t.CodeAction(
                title=f"Ignore {finding.code} on this line", kind=t.CodeActionKind.QuickFix,
                diagnostics=[diagnostic], edit=_workspace_edit(analysis, noqa, document_changes, codec),
            ))
    if only is not None and _kind_wanted(FIX_ALL, only) and any(
        f.fixable and getattr(known.get(f.code), "fix_is_safe", False) for f in shown(analysis.findings, analysis.strict)
    ):
        actions.append(fix_action("Fix all safely fixable pitfalls", FIX_ALL, None))
    return [action for action in actions if action is not None]


def resolved_edit(
    analysis: Analysis, data: dict, document_changes: bool, codec: PositionCodec
) -> Optional[t.WorkspaceEdit]:
    """The edit of an action `code_actions` listed lazily, on the document `data` names (its
    version checked by the caller); None when the finding is gone or its fixer declines."""
    fix = data.get("fix")
    if fix == "all":
        return _fix_edit(analysis, None, document_changes, codec)
    finding = next((f for f in analysis.findings if _span(f) == fix), None)
    return _fix_edit(analysis, finding, document_changes, codec) if finding else None
