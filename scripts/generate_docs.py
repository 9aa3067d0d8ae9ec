"""Writes docs/rules/*.md from the rule definitions. Run after changing a rule's text:

    python scripts/generate_docs.py

tests/test_docs.py fails while the committed pages differ from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from pitfalls.docs_pages import pages

RULES_DIR = Path(__file__).resolve().parent.parent / "docs" / "rules"


def main() -> None:
    RULES_DIR.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    for stale in RULES_DIR.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, content in wanted.items():
        (RULES_DIR / name).write_text(content, encoding="utf-8")
    print(f"wrote {len(wanted)} pages to {RULES_DIR}")


if __name__ == "__main__":
    main()
