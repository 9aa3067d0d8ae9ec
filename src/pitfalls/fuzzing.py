"""One property for generated programs, shared by the test suite and scripts/fuzz.py: the
engine never raises on a program that parses, and the command line, the flake8 plugin and the
language server report the same findings for it."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.catalog import ALL_RULES
from pitfalls.engine import analyze
from pitfalls.source import check_source, split_lines


def agree(source: str, server: Optional[object] = None) -> None:
    """Raises AssertionError (with the program) when the property does not hold."""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        report = check_source(source, "generated.py")
        assert report.error and "\n" not in report.error, (source, report.error)
        return
    report = check_source(source, "generated.py")
    assert report.error is None and not report.rule_errors, (source, report.error, report.rule_errors)
    ours = sorted((f.line, f.column, f.code) for f in report.findings)

    from pitfalls.flake8_plugin import Plugin
    from pitfalls.source import is_suppressed

    lines = split_lines(source)
    tree = ast.parse(source)  # the engine never changes a tree, so both runs may share it
    everything = analyze(tree, lines, ALL_RULES).findings
    # flake8 gets every finding and applies noqa itself; check applies noqa.
    plugin = sorted((line, column, text.split()[0]) for line, column, text, _ in
                    Plugin(tree, [line + "\n" for line in lines], "generated.py").run())
    assert plugin == sorted((f.line, f.column, f.code) for f in everything), (source, plugin)
    assert ours == sorted((f.line, f.column, f.code) for f in everything if not is_suppressed(f, lines)), source

    if server is not None:  # the language server's analysis of the same text, in process
        from pitfalls_lsp.server import Settings

        analysis = server.analyse("file:///generated.py", 1, 0, source, Settings())  # type: ignore[attr-defined]
        assert not analysis.problems, (source, analysis.problems)
        assert analysis.error == report.error, source
        assert sorted((f.line, f.column, f.code) for f in analysis.findings) == ours, source


