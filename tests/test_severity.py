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


# -- what a rule says it reports, and what every format says of one hit --------------------------

# One hit of each severity of PIT103 (error, warning, hazard) and of PIT502 (warning, info, hazard).
TIERS = """\
def tidy(counts, names, rows):
    counts = dict(counts)
    for key in counts:
        del counts[key]
    names = list(names)
    for name in names:
        names.remove(name)
    queue = [1]
    for job in queue:
        queue.append(job)
    found = any([row > 0 for row in rows])
    total = sum([row for row in rows])
    order = sorted([row for row in rows])
    return found, total, order
"""
TIER_LINES = {4: "error", 7: "warning", 10: "hazard", 11: "warning", 12: "info", 13: "hazard"}
# What SARIF, GitHub and GitLab call each severity (docs/ci.md).
LEVEL_NAMES = {
    "error": ("error", "error", "major"),
    "warning": ("warning", "warning", "minor"),
    "info": ("note", "notice", "info"),
    "hazard": ("note", "notice", "info"),
}


def _fixture_severities() -> dict[str, set[str]]:
    from conftest import fixture_files
    from pitfalls.source import check_file

    found: dict[str, set[str]] = {}
    for path in fixture_files():
        for f in check_file(str(path)).findings:
            found.setdefault(f.code, set()).add(f.severity.value)
    return found


def test_every_rule_declares_exactly_the_severities_its_fixture_hits_have():
    from pitfalls.catalog import ALL_RULES

    found = _fixture_severities()
    declared = {rule.code: {s.value for s in rule.severities()} for rule in ALL_RULES}
    assert declared == found
    assert all(when for rule in ALL_RULES for when in rule.other_severities.values())  # each says when


def _check(tmp_path, fmt: str) -> str:
    from conftest import cli_runner
    from pitfalls.cli import cli

    (tmp_path / "tiers.py").write_text(TIERS, encoding="utf-8")
    result = cli_runner().invoke(cli, ["check", "--strict", "--no-cache", "--format", fmt, str(tmp_path / "tiers.py")])
    assert result.exit_code == 1, result.output
    return result.stdout


def test_every_format_gives_each_hit_the_same_severity(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    as_json = {item["line"]: item["severity"] for item in json.loads(_check(tmp_path, "json"))}
    assert as_json == TIER_LINES
    sarif = json.loads(_check(tmp_path, "sarif"))["runs"][0]
    github = {
        int(line.split(",line=")[1].split(",")[0]): line[2:].split(" ")[0]
        for line in _check(tmp_path, "github").splitlines()
    }
    gitlab = {item["location"]["positions"]["begin"]["line"]: item["severity"]
              for item in json.loads(_check(tmp_path, "gitlab"))}
    for result in sarif["results"]:
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert (result["level"], github[line], gitlab[line]) == LEVEL_NAMES[TIER_LINES[line]], line
    assert len(sarif["results"]) == len(github) == len(gitlab) == len(TIER_LINES)


def test_the_rule_listing_sarif_and_the_docs_name_every_severity(tmp_path, monkeypatch):
    from conftest import cli_runner
    from pitfalls.cli import cli
    from pitfalls.docs_pages import pages

    monkeypatch.chdir(tmp_path)
    listing = {line.split()[0]: line.split()[2] for line in cli_runner().invoke(cli, ["rules"]).stdout.splitlines()}
    assert listing["PIT103"] == "error/warning/hazard" and listing["PIT502"] == "warning/info/hazard"
    assert listing["PIT602"] == "error/hazard"  # every hit is one of those two: never a warning
    items = {item["code"]: item for item in json.loads(cli_runner().invoke(cli, ["rules", "--format", "json"]).stdout)}
    whens = {s["severity"]: s["when"] for s in items["PIT502"]["severities"]}
    assert list(whens) == ["warning", "info", "hazard"] and "`sum`" in whens["info"] and "`sorted`" in whens["hazard"]
    drivers = {rule["id"]: rule for rule in json.loads(_check(tmp_path, "sarif"))["runs"][0]["tool"]["driver"]["rules"]}
    page = pages()
    for code in ("PIT103", "PIT502", "PIT602"):
        first = items[code]["severities"][0]["severity"]
        assert items[code]["severity"] == first
        assert drivers[code]["defaultConfiguration"]["level"] == LEVEL_NAMES[first][0]
        severity_line = next(line for line in page[f"{code}.md"].splitlines() if "Severity:" in line)
        for s in items[code]["severities"]:
            assert f"**{s['severity']}**" in severity_line and s["when"] in severity_line
        row = next(line for line in page["index.md"].splitlines() if f"[{code}]" in line)
        assert f"| {listing[code].replace('/', ' / ')} |" in row
