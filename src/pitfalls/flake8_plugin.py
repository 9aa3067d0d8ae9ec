"""flake8 adapter: reuses the tree flake8 already parsed and yields (line, col, text, type)."""

from __future__ import annotations

import ast
import sys
from typing import Any, Iterator, Sequence

from pitfalls import __version__
from pitfalls.catalog import ALL_RULES, BY_CODE
from pitfalls.engine import analyze
from pitfalls.findings import shown
from pitfalls.source import exempt, file_exemption, peer_silenced


class Plugin:
    name = "pitfalls"
    version = __version__
    strict = False  # --pitfalls-strict: hazards too

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--pitfalls-strict", action="store_true", parse_from_config=True,
            help="pitfalls: also report hazards (a trap set that nothing in the module springs yet).",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        cls.strict = bool(getattr(options, "pitfalls_strict", False))

    def __init__(self, tree: ast.Module, lines: Sequence[str], filename: str = "<unknown>") -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        # flake8 filters by --select/--ignore and handles noqa itself; we drop hazards (unless
        # strict) and lines already silenced for the peers' code (`# noqa: B006`).
        try:
            result = analyze(self.tree, self.lines, ALL_RULES, self.filename)
        except Exception as exc:  # a bug of the engine itself: raising would abort flake8's whole run
            print(f"{self.filename}: pitfalls internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            return
        exemption = file_exemption(self.lines)
        for finding in shown(result.findings, self.strict):
            if exempt(finding, exemption) or peer_silenced(finding, self.lines, BY_CODE[finding.code].peer_codes):
                continue
            yield finding.line, finding.column, f"{finding.code} {finding.message}", type(self)
        for failure in result.errors:
            # Raising here would abort flake8's whole run; say it once and carry on.
            print(
                f"{self.filename}: pitfalls internal error in {failure.code}: "
                f"{type(failure.error).__name__}: {failure.error}",
                file=sys.stderr,
            )
