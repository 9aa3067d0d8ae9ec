"""The command line's report formats: text, JSON, SARIF 2.1.0, GitHub workflow commands and
GitLab Code Quality.

Every format is a function of the reports (and the `Style` for text), so what `check` prints
and what it writes to `--output-file` are the same bytes. The language server has its own
shapes (LSP diagnostics) built from the same findings.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Sequence
from urllib.parse import quote

from pitfalls.findings import Finding, Severity
from pitfalls.source import FileReport


@dataclass(frozen=True)
class Style:
    """How the text format looks: colour (the command decides: a terminal, NO_COLOR empty) and
    `--show-source`, with `sources`: texts already read, by report path (standard input's), which
    the disk may not hold. `docs_url` is the configured `docs-url`, for the rule links of SARIF."""

    color: bool = False
    show_source: bool = False
    docs_url: Optional[str] = None
    sources: Optional[Mapping[str, str]] = None


@dataclass(frozen=True)
class Level:
    """What each output calls a severity: text's colour, SARIF's `level`, GitHub's workflow
    command, GitLab's `severity`, and the LSP DiagnosticSeverity (1 error, 2 warning,
    3 information, 4 hint). JSON says the severity itself."""

    color: str
    sarif: str
    github: str
    gitlab: str
    lsp: int


# The one mapping of our severities to every format's levels.
LEVELS = {
    Severity.ERROR: Level("red", sarif="error", github="error", gitlab="major", lsp=1),
    Severity.WARNING: Level("yellow", sarif="warning", github="warning", gitlab="minor", lsp=2),
    Severity.INFO: Level("cyan", sarif="note", github="notice", gitlab="info", lsp=3),
    # The mildest level everywhere; an editor's hint is greyed and kept out of the problems list.
    Severity.HAZARD: Level("blue", sarif="note", github="notice", gitlab="info", lsp=4),
}


def finding_dict(path: str, finding: Finding) -> dict[str, Any]:
    """The JSON shape of DESIGN.md: lines and columns 1-based, columns in characters."""
    span = finding.span
    return {
        "path": path,
        "line": span.line,
        "column": span.column + 1,
        "end_line": span.end_line,
        "end_column": span.end_column + 1,
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "fixable": finding.fixable,
        "fix_safety": fix_safety(finding),
        "related": [
            {"path": path, "line": r.span.line, "column": r.span.column + 1, "message": r.message}
            for r in finding.related
        ],
    }


def fix_safety(finding: Finding) -> Optional[str]:
    """"safe", "unsafe" (behaviour can change for some caller), or None: no fix for this hit."""
    if not finding.fixable:
        return None
    from pitfalls.catalog import BY_CODE

    return "safe" if BY_CODE[finding.code].fix_is_safe else "unsafe"


def rule_url(base: Optional[str], code: str, name: str) -> Optional[str]:
    """`docs-url` is a template with {code}/{name}, or the folder holding our PITxxx.md pages."""
    if not base:
        return None
    if "{code}" in base or "{name}" in base:
        return base.replace("{code}", code).replace("{name}", name)
    return f"{base.rstrip('/')}/{code}.md"


# -- text --------------------------------------------------------------------------------------

_FIX_NOTE = {None: "", "safe": " (fixable)", "unsafe": " (fixable with --unsafe-fixes)"}


def render_text(reports: Sequence[FileReport], style: Style = Style()) -> str:
    import click

    def paint(text: str, **how: Any) -> str:
        return click.style(text, **how) if style.color else text

    out = []
    for report in reports:
        lines = _source_lines(report.path, style.sources or {}) if style.show_source and report.findings else None
        for f in report.findings:
            color = LEVELS[f.severity].color
            out.append(
                f"{paint(report.path, bold=True)}:{f.line}:{f.column + 1}: "
                f"{paint(f.code, fg=color, bold=True)} {f.message}{paint(_FIX_NOTE[fix_safety(f)], dim=True)}\n"
            )
            if lines is not None and f.line <= len(lines):
                line = lines[f.line - 1]
                end = f.span.end_column if f.span.end_line == f.line else len(line)
                width = max(1, _columns(line[:end]) - _columns(line[:f.column]))
                out.append(f"{line}\n{_pad(line[:f.column])}{paint('^' * width, fg=color)}\n")
    return "".join(out)


def _source_lines(path: str, sources: Mapping[str, str]) -> Optional[list[str]]:
    from pitfalls.source import SourceError, read_source, split_lines

    try:
        return split_lines(sources[path] if path in sources else read_source(path)[1])
    except (SourceError, OSError):  # gone since it was checked: the line is a nicety
        return None


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 0 if unicodedata.combining(char) else 1


def _columns(text: str) -> int:
    """How many terminal columns `text` takes from the start of a line (tab stops every 8)."""
    column = 0
    for char in text:
        column = (column // 8 + 1) * 8 if char == "\t" else column + _width(char)
    return column


def _pad(prefix: str) -> str:
    """Blank space as wide as `prefix` on a terminal; tabs stay tabs so the caret lines up."""
    return "".join("\t" if char == "\t" else " " * _width(char) for char in prefix)


def render_statistics(reports: Sequence[FileReport]) -> str:
    """Counts per code, most frequent first (flake8's --statistics, with the rule's name)."""
    counts = Counter((f.code, f.name) for report in reports for f in report.findings)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{count:>5}  {code}  {name}\n" for (code, name), count in ordered)


# -- JSON --------------------------------------------------------------------------------------

def render_json(reports: Sequence[FileReport], style: Style = Style()) -> str:
    items = [finding_dict(_readable(report.path), f) for report in reports for f in report.findings]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


# -- GitHub Actions workflow commands ------------------------------------------------------------


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _repo_path(path: str) -> str:
    """A relative path as GitHub and SARIF want it: normalised, with forward slashes."""
    return os.path.normpath(path).replace(os.sep, "/")


def _readable(text: str) -> str:
    """A file name that was not UTF-8 on disk, made printable (U+FFFD for each bad byte)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def render_github(reports: Sequence[FileReport], style: Style = Style()) -> str:
    """`::warning file=…,line=…,col=…::…`: each hit an annotation on the pull request's diff."""
    out = []
    for report in reports:
        path = _github_property(_repo_path(report.path))
        if report.error:
            out.append(f"::error file={path},title=pitfalls::{_github_data(f'could not check: {report.error}')}\n")
        for f in report.findings:
            span = f.span
            where = f"file={path},line={span.line},col={span.column + 1},endLine={span.end_line},endColumn={span.end_column + 1}"
            title = _github_property(f"{f.code} {f.name}")
            out.append(f"::{LEVELS[f.severity].github} {where},title={title}::{_github_data(f.message)}\n")
    return "".join(out)


# -- SARIF 2.1.0 ---------------------------------------------------------------------------------

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _artifact(path: str) -> dict[str, str]:
    """Relative to %SRCROOT% (the directory `check` ran in); a path outside it as a file URI."""
    relative = _repo_path(path)
    if os.path.isabs(relative) or relative == ".." or relative.startswith("../"):
        return {"uri": "file://" + quote(os.fsencode(os.path.abspath(path)), safe="/")}
    return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": "%SRCROOT%"}


def _region(span: Any) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.column + 1,
        "endLine": span.end_line,
        "endColumn": span.end_column + 1,
    }


def _sarif_location(path: str, span: Any, message: Optional[str] = None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": _artifact(path),
            "region": _region(span),
        }
    }
    if message:
        location["message"] = {"text": message}
    return location


def _sarif_rule(rule: type, docs_url: Optional[str]) -> dict[str, Any]:
    """A rule's metadata from its explanation: GitHub code scanning shows `help` beside each
    alert, so the answer a reviewer reads there is the one `pitfalls explain` gives."""
    from pitfalls import answer_output
    from pitfalls.answers import rule_answer
    from pitfalls.explanation import prose_and_code

    answer = rule_answer(rule)
    item = answer_output.Item(f"{rule.code} {rule.name}: {rule.summary}", answer, rule.explanation)
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": prose_and_code(answer.answer_30s)[0].strip()},
        "help": {
            "text": answer_output.render_text([item], "full", color=False),
            "markdown": answer_output.render_markdown([item], "full"),
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity].sarif},
        "properties": {"tags": ["correctness", "python"], "precision": "high"},
    }
    url = rule_url(docs_url, rule.code, rule.name)
    if url:
        descriptor["helpUri"] = url
    return descriptor


def render_sarif(reports: Sequence[FileReport], style: Style = Style()) -> str:
    """One run; URIs relative to %SRCROOT% (the directory `check` ran in), columns in code points."""
    from pitfalls import __version__
    from pitfalls.answers import answer_for
    from pitfalls.catalog import ALL_RULES
    from pitfalls.explanation import prose_and_code

    index = {rule.code: number for number, rule in enumerate(ALL_RULES)}
    results = []
    notifications = []
    for report in reports:
        if report.error:
            notifications.append({
                "level": "error",
                "message": {"text": f"could not check {_readable(report.path)}: {report.error}"},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact(report.path)}}],
            })
        for failure in report.rule_errors:
            notifications.append({
                "level": "error",
                "message": {"text": f"internal error in {failure.code} on {_readable(report.path)}: "
                                    f"{type(failure.error).__name__}: {failure.error}"},
                "associatedRule": {"id": failure.code},
            })
        for f in report.findings:
            answer = prose_and_code(answer_for(f).answer_30s)[0].strip()
            result: dict[str, Any] = {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": LEVELS[f.severity].sarif,
                "message": {"text": f"{f.message}\n\n{answer}"},  # the alert says why, about this code
                "locations": [_sarif_location(report.path, f.span)],
            }
            if f.related:
                result["relatedLocations"] = [
                    {"id": number, **_sarif_location(report.path, r.span, r.message)}
                    for number, r in enumerate(f.related)
                ]
            if f.fixable:
                result["properties"] = {"fixSafety": fix_safety(f)}
            results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "pitfalls",
                "version": __version__,
                "rules": [_sarif_rule(rule, style.docs_url) for rule in ALL_RULES],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + quote(os.fsencode(os.path.join(os.getcwd(), "")))}},
        "invocations": [{
            "executionSuccessful": not any(report.rule_errors for report in reports),
            "toolExecutionNotifications": notifications,
        }],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# -- GitLab Code Quality (the Code Climate subset GitLab reads) ----------------------------------------


def render_gitlab(reports: Sequence[FileReport], style: Style = Style()) -> str:
    """A `codequality` report. The fingerprint leaves the line out, so a hit that only moves is
    the same hit to GitLab's comparison of a merge request with its target branch."""
    import hashlib

    issues = []
    seen: Counter = Counter()
    for report in reports:
        path = _readable(_repo_path(report.path))
        for f in report.findings:
            key = (path, f.code, f.message)
            seen[key] += 1
            digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8")).hexdigest()
            issues.append({
                "description": f"{f.code} {f.message}",
                "check_name": f.code,
                "fingerprint": digest,
                "severity": LEVELS[f.severity].gitlab,
                "location": {
                    "path": path,
                    "positions": {
                        "begin": {"line": f.span.line, "column": f.span.column + 1},
                        "end": {"line": f.span.end_line, "column": f.span.end_column + 1},
                    },
                },
            })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Sequence[FileReport], Style], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
    "gitlab": render_gitlab,
}
