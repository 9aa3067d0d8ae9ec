"""Shared helpers: fixture markers and running pitfalls on source text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# A trailing `# PIT101` (or `# PIT101 PIT602`) marks a line where a finding must start, reported
# by default; `# PIT101 (hazard)` one that is a hazard, reported only in strict mode.
_ONE = r"PIT\d{3}(?:\s*\(hazard\))?"
MARKER = re.compile(rf"#\s*({_ONE}(?:[\s,]+{_ONE})*)\s*$")
_CODE = re.compile(r"(PIT\d{3})(\s*\(hazard\))?")


def expected_markers(source: str, strict: bool = True) -> set[tuple[int, str]]:
    """(line, code) of every marker; `strict=False`: only those reported by default."""
    return {(line, code) for line, code, hazard in expected_tiers(source) if strict or not hazard}


def expected_tiers(source: str) -> set[tuple[int, str, bool]]:
    """(line, code, whether a hazard) of every marker."""
    expected = set()
    for number, line in enumerate(source.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            expected.update((number, code, bool(hazard)) for code, hazard in _CODE.findall(match.group(1)))
    return expected


def annotate(source: str, found: set) -> str:
    """The source with markers where findings were, for a readable failure: `found` holds
    (line, code) or (line, code, whether a hazard)."""
    out = []
    for number, line in enumerate(source.splitlines(), start=1):
        bare = MARKER.sub("", line).rstrip()
        codes = sorted(code + (" (hazard)" if hazard else "") for n, code, *hazard in found if n == number
                       for hazard in [bool(hazard and hazard[0])])
        out.append(f"{number:4} {bare}  # {' '.join(codes)}" if codes else f"{number:4} {bare}")
    return "\n".join(out)


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*.py") if not p.name.endswith(".fixed.py"))


@pytest.fixture
def check():
    """check(source) -> list of findings for a snippet, with all rules."""
    import textwrap

    from pitfalls.source import check_source

    def run(source: str, path: str = "snippet.py"):
        report = check_source(textwrap.dedent(source), path)
        assert report.error is None, report.error
        assert not report.rule_errors, report.rule_errors
        return report.findings

    return run


def cli_runner():
    """A CliRunner with stderr apart from stdout on every click (8.1 mixes them unless asked)."""
    from click.testing import CliRunner

    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 always keeps them apart and has no such argument
        return CliRunner()


@pytest.fixture(autouse=True)
def _cache_outside_the_repository(tmp_path_factory, monkeypatch):
    """`pitfalls check` caches results at the project root; tests keep theirs apart."""
    monkeypatch.setenv("PITFALLS_CACHE_DIR", str(tmp_path_factory.mktemp("pitfalls_cache")))
