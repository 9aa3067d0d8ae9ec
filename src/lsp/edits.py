"""Text edits the server offers, computed on code points; the server converts them for the client."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from typing import Optional, Sequence

from pitfalls.source import NOQA

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Edit:
    """Replace lines[line][start:end] ... lines[end_line][:end_character] with `text` (0-based)."""

    line: int
    character: int
    end_line: int
    end_character: int
    text: str


def lines_that_cannot_take_a_comment(source: str) -> set[int]:
    """0-based lines whose end is inside a string or continued with a backslash: a `# noqa`
    there would change the string or break the statement."""
    blocked: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            (start, _), (end, _) = token.start, token.end
            if end > start and token.type != tokenize.NL:
                blocked.update(range(start - 1, end - 1))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # the analysed source parsed; a failure here only means we offer less
    return blocked


def noqa_edit(lines: Sequence[str], line: int, code: str, blocked: set[int]) -> Optional[Edit]:
    """Adds `# noqa: CODE` to a line, or the code to its `# noqa: ...` list."""
    if not 0 <= line < len(lines) or line in blocked:
        return None
    text = lines[line]
    if text.rstrip().endswith("\\"):
        return None
    match = NOQA.search(text)
    if match is not None:
        if not match.group("codes"):
            return None  # a bare `# noqa` silences everything already
        end = match.end("codes")
        return Edit(line, end, line, end, f", {code}")
    content_end = len(text.rstrip())
    return Edit(line, content_end, line, len(text), f"  # noqa: {code}")


def replacement_edit(old_source: str, new_source: str) -> Optional[Edit]:
    """One edit that turns the document into `new_source`: the differing middle only, so the
    client keeps cursors, folds and undo history outside it."""
    if old_source == new_source:
        return None
    start = 0
    limit = min(len(old_source), len(new_source))
    while start < limit and old_source[start] == new_source[start]:
        start += 1
    if 0 < start < len(old_source) and old_source[start - 1] == "\r" and old_source[start] == "\n":
        start -= 1  # never split a \r\n
    end_old, end_new = len(old_source), len(new_source)
    while end_old > start and end_new > start and old_source[end_old - 1] == new_source[end_new - 1]:
        end_old -= 1
        end_new -= 1
    line, character = _position(old_source, start)
    end_line, end_character = _position(old_source, end_old)
    return Edit(line, character, end_line, end_character, new_source[start:end_new])


def _position(source: str, offset: int) -> tuple[int, int]:
    """(line, character) of an offset, counting the line breaks LSP and `ast` count."""
    breaks = list(_LINE_BREAK.finditer(source, 0, offset))
    if not breaks:
        return 0, offset
    return len(breaks), offset - breaks[-1].end()
