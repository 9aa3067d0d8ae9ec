"""Text edits the server offers, computed on code points; the server converts them for the client."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional, Sequence

from pitfalls.noqa_edit import CommentPlaces, with_noqa

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Edit:
    """Replace lines[line][start:end] ... lines[end_line][:end_character] with `text` (0-based)."""

    line: int
    character: int
    end_line: int
    end_character: int
    text: str


def noqa_edit(lines: Sequence[str], line: int, code: str, places: Optional[CommentPlaces]) -> Optional[Edit]:
    """Adds `# noqa: CODE` for a hit on a line (0-based): to that line, or to the last line of
    the multi-line string or continued line it starts in; or the code to its `# noqa: ...` list.
    None where a comment would change the code or one silences it already."""
    if places is None or not 0 <= line < len(lines):
        return None
    line = places.line_for(line + 1) - 1
    if not 0 <= line < len(lines) or line + 1 in places.blocked:
        return None
    silenced = with_noqa(lines[line], [code], places.comments.get(line + 1))
    edit = replacement_edit(lines[line], silenced) if silenced is not None else None
    return replace(edit, line=line, end_line=line) if edit is not None else None


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
