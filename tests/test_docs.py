"""docs/rules/ is generated from the rule definitions and must not go stale."""

from __future__ import annotations

from pathlib import Path

from pitfalls.docs_pages import pages

RULES_DIR = Path(__file__).resolve().parent.parent / "docs" / "rules"


def test_rule_docs_are_up_to_date():
    wanted = pages()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in RULES_DIR.glob("*.md")}
    stale = sorted(name for name in wanted if on_disk.get(name) != wanted[name])
    extra = sorted(set(on_disk) - set(wanted))
    assert not stale and not extra, (
        f"stale: {stale}, not a rule any more: {extra}; run `python scripts/generate_docs.py`"
    )


def test_every_page_has_the_parts_of_the_answer():
    for name, content in pages().items():
        if name == "index.md":
            continue
        for heading in ("## What it flags", "## What it deliberately leaves alone", "## The 30-second answer",
                        "## One layer deeper (60 seconds)", "## Follow-up questions", "## Fix", "## References",
                        "## Prior art"):
            assert heading in content, (name, heading)
