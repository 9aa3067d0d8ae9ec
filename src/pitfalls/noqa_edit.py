"""Adding `# noqa: CODES` where findings are: `pitfalls check --add-noqa` on whole files, and the
editor's "Ignore PIT101 on this line". The comment goes at the end of the line a finding starts
on, or, when that line ends inside a string or with a backslash, of the last line of that code:
the lines the noqa reader looks at (`source.is_suppressed`)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence

from pitfalls.findings import Finding
from pitfalls.source import NOQA, noqa_ranges, split_lines

# Python 3.12+ tokenizes an f-string (3.14 a t-string) as pieces; a line between its start and
# its end is inside it, even where a replacement field's code sits.
_STRING_STARTS = {getattr(tokenize, name) for name in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, name)}
_STRING_ENDS = {getattr(tokenize, name) for name in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, name)}
# The codes of an existing `# noqa: ...`, as far as they look like codes: words after them
# (a reason) stay where they are.
_WORD = r"(?:[A-Z]+[0-9]*|[A-Za-z]+[0-9]+)(?!\w)"
_CODES = re.compile(rf"{_WORD}(?:[,\s]+{_WORD})*")

INSIDE_STRING = "its line ends inside a string"
BACKSLASH = "its line ends with a backslash"
NOQA_IN_STRING = "a '# noqa' in a string comes first on its line"


@dataclass(frozen=True)
class CommentPlaces:
    """Where comments are, and where none can go, by 1-based line."""

    comments: Mapping[int, int]  # the column where the line's comment starts
    blocked: Mapping[int, str]  # why a comment at the end of the line would change the code
    ranges: Mapping[int, tuple[int, int]] = field(default_factory=dict)  # source.noqa_ranges

    def line_for(self, number: int) -> int:
        """Where a `# noqa` for a hit starting on line `number` goes: that line, or when it ends
        inside a string or with a backslash, the last line of that code (where flake8 and our
        reader also look, and ruff puts it)."""
        return self.ranges.get(number, (number, number))[1] if number in self.blocked else number


def comment_places(source: str) -> Optional[CommentPlaces]:
    """None when the text does not tokenize: then no line can safely take a comment."""
    lines = split_lines(source)
    comments: dict[int, int] = {}
    blocked: dict[int, str] = {}
    starts: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline):
            (first, column), (last, _) = token.start, token.end
            if token.type == tokenize.COMMENT:
                comments[first] = column
            elif token.type in _STRING_STARTS:
                starts.append(first)
            elif token.type in _STRING_ENDS:
                first = starts.pop()
                if not starts:
                    blocked.update(dict.fromkeys(range(first, last), INSIDE_STRING))
            elif token.type == tokenize.STRING and not starts:
                blocked.update(dict.fromkeys(range(first, last), INSIDE_STRING))
    except (tokenize.TokenError, SyntaxError, IndentationError, IndexError):
        return None
    for number, line in enumerate(lines, 1):
        if line.endswith("\\") and number not in comments and number not in blocked:
            blocked[number] = BACKSLASH
    return CommentPlaces(comments, blocked, noqa_ranges(lines) if blocked else {})


def with_noqa(line: str, codes: Iterable[str], comment: Optional[int]) -> Optional[str]:
    """`line` (without its line break) silenced for `codes`: its `# noqa: ...` extended (codes
    sorted, each once, a reason after them kept) or `  # noqa: CODES` appended, as ruff does.
    `comment` is the column where the line's comment starts. None when the first `# noqa` on
    the line is not in its comment (in a string): that is the one the reader would read."""
    match = NOQA.search(line)
    if match is None:
        return f"{line.rstrip()}  # noqa: {', '.join(sorted(set(codes)))}"
    if comment is None or match.start() < comment:
        return None
    if not match.group("codes"):
        return line  # a bare `# noqa` silences everything already
    written = _CODES.match(line, match.start("codes"))
    end = written.end() if written else match.start("codes")
    existing = re.split(r"[,\s]+", written.group()) if written else []
    known = {code.upper() for code in existing}
    merged = sorted(existing + [code for code in dict.fromkeys(codes) if code.upper() not in known], key=str.upper)
    rest = line[end:]
    return f"{line[:match.start()]}# noqa: {', '.join(merged)}{' ' if rest[:1].isalnum() else ''}{rest}"


@dataclass
class Added:
    text: str
    lines: int = 0  # the lines that got a new or longer `# noqa`
    skipped: list[tuple[Finding, str]] = field(default_factory=list)  # hits left, and why


def add_noqa(source: str, findings: Sequence[Finding]) -> Added:
    """`source` with a `# noqa` for every finding on the line it starts on, or on the last line of
    the multi-line string or continued line it starts in."""
    if not findings:
        return Added(source)
    pieces = re.split(r"(\r\n|\r|\n)", source)  # lines at even indexes, their breaks between
    places = comment_places(source)
    result = Added(source)
    by_line: dict[int, list[Finding]] = {}
    for finding in findings:
        by_line.setdefault(places.line_for(finding.line) if places else finding.line, []).append(finding)
    for number, hits in sorted(by_line.items()):
        index = 2 * (number - 1)
        why = _why_not(places, number, len(pieces) // 2 + 1)
        silenced = None if why or places is None else with_noqa(pieces[index], [f.code for f in hits],
                                                                 places.comments.get(number))
        if silenced is None:
            result.skipped.extend((f, why or NOQA_IN_STRING) for f in hits)
        elif silenced != pieces[index]:
            pieces[index] = silenced
            result.lines += 1
    result.text = "".join(pieces)
    return result


def _why_not(places: Optional[CommentPlaces], number: int, count: int) -> Optional[str]:
    if places is None:
        return "the file could not be tokenized"
    if not 1 <= number <= count:
        return "the file changed while it was being checked"
    return places.blocked.get(number)


def add_noqa_to_file(path: str, findings: Sequence[Finding]) -> tuple[Added, Optional[str]]:
    """Adds the comments to a file and writes it: atomically, in its own encoding and line
    breaks, only if nobody changed it meanwhile and its code (the tree) is the same. What was
    added, and why the file was not written (None when it was, or needed nothing)."""
    from pitfalls.fixing import FileFix, write_atomically
    from pitfalls.source import SourceError, read_source

    try:
        data, text, encoding = read_source(path)
    except SourceError as exc:
        return Added(""), str(exc)
    added = add_noqa(text, findings)
    if not added.lines:
        return added, None
    before = _tree(text)
    if before is None or _tree(added.text) != before:
        return Added(text), "adding the comments would change the code; not written (please report this)"
    return added, write_atomically(FileFix(path, original=text, fixed=added.text, encoding=encoding, data=data))


def _tree(source: str) -> Optional[str]:
    try:
        return ast.dump(ast.parse(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
