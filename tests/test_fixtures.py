"""Every fixture fires exactly on its marked lines, as a hazard exactly where marked `(hazard)`: a
finding on an unmarked line fails too."""

from __future__ import annotations

import pytest

from conftest import annotate, expected_markers, expected_tiers, fixture_files
from pitfalls.findings import Severity
from pitfalls.source import check_file


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_fixture_fires_exactly_where_marked(path):
    source = path.read_text(encoding="utf-8")
    report = check_file(str(path))
    assert report.error is None and not report.rule_errors, (report.error, report.rule_errors)
    found = {(f.line, f.code, f.severity is Severity.HAZARD) for f in report.findings}
    expected = expected_tiers(source)
    assert found == expected, (
        f"\nmissing: {sorted(expected - found)}\nunexpected: {sorted(found - expected)}\n"
        f"{path.name} as it should be annotated:\n{annotate(source, found)}"
    )


def test_every_rule_has_a_fixture():
    from pitfalls.catalog import ALL_RULES

    marked = {code for path in fixture_files() for _, code in expected_markers(path.read_text(encoding="utf-8"))}
    assert {rule.code for rule in ALL_RULES} <= marked
