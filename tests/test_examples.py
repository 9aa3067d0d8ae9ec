"""The bundled example the README's Quickstart runs shows each headline pitfall once."""

from __future__ import annotations

from pathlib import Path

from pitfalls.source import check_file

EXAMPLE = Path(__file__).parent.parent / "examples" / "inventory.py"


def test_example_shows_the_six_headline_rules_once_each():
    report = check_file(str(EXAMPLE))
    assert report.error is None and not report.rule_errors
    assert sorted(f.code for f in report.findings) == ["PIT101", "PIT301", "PIT601", "PIT602", "PIT603", "PIT801"]


def test_example_messages_name_the_users_identifiers():
    messages = {f.code: f.message for f in check_file(str(EXAMPLE)).findings}
    for code, names in {
        "PIT101": ["collection", "add_item"],
        "PIT301": ["shelves", "Warehouse", "stock"],
        "PIT601": ["clone", "grid"],
        "PIT602": ["[[0] * cols] * rows"],
        "PIT603": ["categories"],
        "PIT801": ["count_primes"],
    }.items():
        for name in names:
            assert name in messages[code], (code, messages[code])
