"""Column conversion in one place: `ast` counts UTF-8 bytes, everything we report counts characters."""

from __future__ import annotations

import ast
from typing import Sequence

from pitfalls.findings import Span


class LineIndex:
    """Converts `ast` positions (1-based line, UTF-8 byte column) into character columns."""

    __slots__ = ("_lines",)

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines

    def char_column(self, line: int, byte_col: int) -> int:
        if byte_col <= 0 or not 1 <= line <= len(self._lines):
            return max(byte_col, 0)
        text = self._lines[line - 1]
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))

    def span(self, node: ast.AST) -> Span:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None)
        col = self.char_column(line, node.col_offset)  # type: ignore[attr-defined]
        end = self.char_column(end_line, end_col) if end_col is not None else col
        return Span(line, col, end_line, end)

