"""The bundled example the README's Quickstart runs shows each headline pitfall once."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import cli_runner
from pitfalls.cli import cli
from pitfalls.source import check_file

EXAMPLE = Path(__file__).parent.parent / "examples" / "inventory.py"


def test_example_shows_the_six_headline_rules_once_each():
    report = check_file(str(EXAMPLE))
    assert report.error is None and not report.rule_errors
    assert sorted(f.code for f in report.findings) == ["PIT101", "PIT301", "PIT601", "PIT602", "PIT603", "PIT801"]


REFERENCES = EXAMPLE.with_name("references.py")


def test_the_references_example_shows_each_mutability_rule_once_naming_its_code():
    report = check_file(str(REFERENCES))
    assert report.error is None and not report.rule_errors
    found = {f.code: f.message for f in report.findings}
    assert sorted(f.code for f in report.findings) == ["PIT102", "PIT103", "PIT104", "PIT105", "PIT106"]
    for code, name in {"PIT102": "log_event", "PIT103": "counts", "PIT104": "ranked", "PIT105": '("GET")',
                       "PIT106": "user[1]"}.items():
        assert name in found[code], (code, found[code])


def test_the_scope_and_classes_example_shows_each_rule_of_issue_16_once():
    report = check_file(str(EXAMPLE.with_name("scope_and_classes.py")))
    assert report.error is None and not report.rule_errors
    found = {f.code: f.message for f in report.findings}
    assert sorted(f.code for f in report.findings) == ["PIT201", "PIT202", "PIT302", "PIT303", "PIT304"]
    for code, name in {"PIT201": "label", "PIT202": "requests_served", "PIT302": "Order", "PIT303": "title",
                       "PIT304": "shelf"}.items():
        assert name in found[code], (code, found[code])


def test_the_generators_and_memory_example_shows_each_rule_of_issue_17_once():
    report = check_file(str(EXAMPLE.with_name("generators_and_memory.py")))
    assert report.error is None and not report.rule_errors
    found = {f.code: f.message for f in report.findings}
    assert sorted(f.code for f in report.findings) == ["PIT401", "PIT501", "PIT502", "PIT503", "PIT701", "PIT702"]
    for code, name in {"PIT401": "@timed", "PIT501": "log.readlines()", "PIT502": "seconds > limit",
                       "PIT503": "errors", "PIT701": "PriceList", "PIT702": "Upload.active"}.items():
        assert name in found[code], (code, found[code])


def test_the_threads_and_complexity_example_shows_each_rule_of_issue_18_once():
    report = check_file(str(EXAMPLE.with_name("threads_and_complexity.py")))
    assert report.error is None and not report.rule_errors
    found = {f.code: f.message for f in report.findings}
    assert sorted(f.code for f in report.findings) == ["PIT802", "PIT901", "PIT902", "PIT903"]
    for code, name in {"PIT802": "requests_served", "PIT901": "known", "PIT902": "queue.pop(0)",
                       "PIT903": "self.text"}.items():
        assert name in found[code], (code, found[code])


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


SHOP = Path(__file__).parent.parent / "examples" / "shop"


def shop_findings(monkeypatch, cwd: Path, *paths: str) -> set[tuple[str, int, str]]:
    """(path from the shop's root, line, code) of each hit of `pitfalls check` run in `cwd`."""
    monkeypatch.chdir(cwd)
    result = cli_runner().invoke(cli, ["check", "--format", "json", *paths])
    assert result.exit_code == 1, result.output
    return {
        (Path(f["path"]).resolve().relative_to(SHOP.resolve()).as_posix(), f["line"], f["code"])
        for f in json.loads(result.stdout)
    }


def test_the_shop_project_gives_the_same_hits_from_its_root_and_from_a_subdirectory(monkeypatch):
    from_root = shop_findings(monkeypatch, SHOP)
    assert from_root == {
        ("src/shop/cart.py", 5, "PIT301"),
        ("src/shop/cart.py", 15, "PIT101"),
        ("src/shop/stock.py", 5, "PIT602"),
        ("src/shop/stock.py", 12, "PIT603"),
        ("tests/test_cart.py", 21, "PIT603"),  # its PIT101 is per-file-ignored; migrations/ is excluded
    }
    assert shop_findings(monkeypatch, SHOP / "src" / "shop", "../..") == from_root
    # Checking only a subdirectory, from inside it, still applies the project's tests/* ignore.
    in_tests = shop_findings(monkeypatch, SHOP / "tests")
    assert in_tests == {hit for hit in from_root if hit[0].startswith("tests/")}
    # The excluded migration holds a hit that a run without the project's config does see.
    monkeypatch.chdir(SHOP)
    assert "migrations/0001_initial.py:1:" in cli_runner().invoke(cli, ["check", "--isolated"]).stdout
