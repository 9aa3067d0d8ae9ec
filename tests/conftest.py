"""Shared helpers: fixture markers and running pitfalls on source text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# A trailing `# PIT101` (or `# PIT101 PIT602`) marks a line where a finding must start.
MARKER = re.compile(r"#\s*(PIT\d{3}(?:[\s,]+PIT\d{3})*)\s*$")


def expected_markers(source: str) -> set[tuple[int, str]]:
    expected = set()
    for number, line in enumerate(source.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            expected.update((number, code) for code in re.split(r"[\s,]+", match.group(1)))
    return expected


def annotate(source: str, found: set[tuple[int, str]]) -> str:
    """The source with markers where findings were, for a readable failure."""
    out = []
    for number, line in enumerate(source.splitlines(), start=1):
        bare = MARKER.sub("", line).rstrip()
        codes = sorted(code for n, code in found if n == number)
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
