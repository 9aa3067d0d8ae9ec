"""Severities: every one renders in every format, and hazards are shown only in strict mode."""

from __future__ import annotations

import json

import pytest

from pitfalls.findings import Finding, Severity, Span, shown
from pitfalls.output import FORMATS, Style
from pitfalls.source import FileReport

def finding(severity: Severity, line: int = 1) -> Finding:
    return Finding("PIT101", "mutable-default-argument", severity, Span(line, 8, line, 10), "a message")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_severity_renders_in_every_format(fmt, tmp_path):
    path = tmp_path / "a.py"
    path.write_text("def f(x=[]):\n    x.append(1)\n" * 4, encoding="utf-8")
    report = FileReport(str(path), [finding(s, n) for n, s in enumerate(Severity, 1)])
    text = FORMATS[fmt]([report], Style(color=True, show_source=True))
    assert text.count("PIT101") >= len(Severity)


def test_machine_formats_name_a_hazard_as_the_mildest_level(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("def f(x=[]):\n    return x\n", encoding="utf-8")
    report = FileReport(str(path), [finding(Severity.HAZARD)])
    assert json.loads(FORMATS["json"]([report], Style()))[0]["severity"] == "hazard"
    assert json.loads(FORMATS["gitlab"]([report], Style()))[0]["severity"] == "info"
    sarif = json.loads(FORMATS["sarif"]([report], Style()))
    assert sarif["runs"][0]["results"][0]["level"] == "note"
    assert FORMATS["github"]([report], Style()).startswith("::notice ")


def test_shown_drops_hazards_unless_strict():
    findings = [finding(s) for s in Severity]
    assert [f.severity for f in shown(findings, strict=False)] == [Severity.ERROR, Severity.WARNING, Severity.INFO]
    assert shown(findings, strict=True) == findings
