"""Findings as text or JSON: the CLI's formats (the other front ends have their own)."""

from __future__ import annotations

import json
from typing import Any, Sequence

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
        "related": [
            {"path": path, "line": r.span.line, "column": r.span.column + 1, "message": r.message}
            for r in finding.related
        ],
    }


def render_text(reports: Sequence[FileReport]) -> str:
    return "".join(
        f"{report.path}:{f.line}:{f.column + 1}: {f.code} {f.message}\n"
        for report in reports
        for f in report.findings
    )


def render_json(reports: Sequence[FileReport]) -> str:
    items = [finding_dict(report.path, f) for report in reports for f in report.findings]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


FORMATS = {"text": render_text, "json": render_json}
