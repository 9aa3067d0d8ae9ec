"""Findings as text or JSON: the CLI's formats (the other front ends have their own)."""

from __future__ import annotations

import json
from typing import Any, Optional, Sequence

from pitfalls.findings import Finding
from pitfalls.source import FileReport


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
    from pitfalls.rules import BY_CODE

    return "safe" if BY_CODE[finding.code].fix_is_safe else "unsafe"


_FIX_NOTE = {None: "", "safe": " (fixable)", "unsafe": " (fixable with --unsafe-fixes)"}


def render_text(reports: Sequence[FileReport]) -> str:
    return "".join(
        f"{report.path}:{f.line}:{f.column + 1}: {f.code} {f.message}{_FIX_NOTE[fix_safety(f)]}\n"
        for report in reports
        for f in report.findings
    )


def render_json(reports: Sequence[FileReport]) -> str:
    items = [finding_dict(report.path, f) for report in reports for f in report.findings]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


FORMATS = {"text": render_text, "json": render_json}
