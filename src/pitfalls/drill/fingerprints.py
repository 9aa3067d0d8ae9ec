"""Stable ids for drill cards: a card is keyed by its rule and a fingerprint of the hit, so a
re-run on changed code finds the same card (and its history) when the hit only moved.

The fingerprint hashes the rule code, the file's *name* (not its folder) and the hit's statement
as tokens: comments, blank lines, indentation and spacing are dropped, the line number is never
part of it. So a hit keeps its card when lines are added above it, when it is re-indented (moved
into a class, out of an `if`), re-formatted (black, a comment added) or when the project is
checked from another folder (`pitfalls drill src/` and `pitfalls drill .` name the file
differently; its name stays). Renaming the file or editing the statement makes a new card.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tokenize

EXAMPLE = "example"  # the fingerprint of a catalog card (a rule's own example)
QUESTION = "question"  # the main question's part; follow-ups are "follow-up:1", "follow-up:2", ...
_SKIPPED = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                      tokenize.ENDMARKER, tokenize.ENCODING})
_STRING_START = frozenset(getattr(tokenize, name) for name in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, name))
_STRING_END = frozenset(getattr(tokenize, name) for name in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, name))
_BLANKS = re.compile(r"\s+")


def normalise(snippet: str) -> str:
    """The statement's tokens joined by one space: `x=[1,2]  # c` and `x = [1, 2]` agree."""
    # Every line flush left: indentation is dropped anyway, and tokenize never meets a dedent that
    # matches no outer level (a segment whose first line lost its indent and the others did not).
    text = "\n".join(line.lstrip() for line in snippet.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    try:
        tokens = _tokens(text)
    except (tokenize.TokenError, SyntaxError):  # an unclosed bracket or string: by lines
        lines = (line.strip() for line in text.split("\n"))
        tokens = [_BLANKS.sub(" ", line) for line in lines if line and not line.startswith("#")]
    return " ".join(tokens)


def _tokens(text: str) -> list[str]:
    """The significant tokens; an f-string (or t-string) is one token, its source text, as it is
    before 3.12: the fingerprint must not change when the user's Python does."""
    lines = (text + "\n").split("\n")
    tokens: list[str] = []
    depth, start = 0, (0, 0)
    for token in tokenize.generate_tokens(io.StringIO(text + "\n").readline):
        if token.type in _STRING_START:
            if depth == 0:
                start = token.start
            depth += 1
        elif token.type in _STRING_END:
            depth -= 1
            if depth == 0:
                tokens.append(_between(lines, start, token.end))
        elif depth == 0 and token.type not in _SKIPPED:
            tokens.append(token.string)
    return tokens


def _between(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    (row, column), (end_row, end_column) = start, end
    if row == end_row:
        return lines[row - 1][column:end_column]
    return "\n".join([lines[row - 1][column:], *lines[row:end_row - 1], lines[end_row - 1][:end_column]])


def fingerprint(code: str, snippet: str, path: str = "") -> str:
    """12 hex digits naming one hit: `code`, the base name of `path`, the normalised statement."""
    name = os.path.basename(path.replace("\\", "/").rstrip("/"))
    key = "\0".join((code.upper(), name, normalise(snippet)))
    return hashlib.blake2b(key.encode("utf-8"), digest_size=6).hexdigest()


def follow_up(number: int) -> str:
    """The part name of the `number`th follow-up (1-based)."""
    return f"follow-up:{number}"


def card_id(code: str, fingerprint: str) -> str:
    """`PIT101:3f2a9c0d1e4b` (a hit) or `PIT101:example` (a catalog card)."""
    return f"{code}:{fingerprint}"
