"""Turning a file into checked findings: decode (PEP 263, BOM), parse once, analyze, noqa."""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

from pitfalls.engine import RuleError, analyze, gc_paused
from pitfalls.findings import Finding
from pitfalls.rule import Rule

# The line breaks `ast` counts (str.splitlines also splits on \f, \v, \x1c and more).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# flake8's grammar: `# noqa`, `# NOQA`, `# noqa: PIT101`, `# noqa:PIT101,PIT6`, `# noqa: RUF012`.
NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?", re.IGNORECASE)
# pylint's own: `# pylint: disable=dangerous-default-value` (or W0102) at the end of a line, and
# `# pylint: disable-next=...` on the line before.
PYLINT = re.compile(r"#\s*pylint:\s*disable(?P<next>-next)?\s*=\s*(?P<names>[\w\-]+(?:\s*,\s*[\w\-]+)*)")


# A whole file silenced: `# pitfalls: noqa`, or for some codes `# pitfalls: noqa: PIT101, PIT6`,
# on a line of its own (ruff's `# ruff: noqa`, flake8's `# flake8: noqa`).
FILE_NOQA = re.compile(r"^\s*#\s*pitfalls:\s*noqa(?:\s*:\s*(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?\s*$",
                       re.IGNORECASE)


class SourceError(Exception):
    """A file that cannot be checked; the message is one line and names no internals."""


def decode(data: bytes) -> str:
    """Decode as Python does: a BOM or PEP 263 cookie, else UTF-8."""
    return decode_with_encoding(data)[0]


def decode_with_encoding(data: bytes) -> tuple[str, str]:
    """The text, and the encoding that writes it back as it was ("utf-8-sig" keeps a BOM)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding" not in str(exc):  # unknown or conflicting cookie
            raise SourceError(str(exc).rstrip(".")) from None
        encoding = "utf-8"  # undecodable first lines: the decode below names the byte
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise SourceError(
            f"cannot decode as {encoding}: byte 0x{data[exc.start]:02x} at line {line}, column {column}; "
            "add a coding cookie or save it as UTF-8"
        ) from None
    return (text[1:] if text.startswith("\ufeff") else text), encoding


def parse(source: str, path: str) -> ast.Module:
    if "\0" in source:  # CPython versions disagree on the exception; say it one way
        line = source.count("\n", 0, source.index("\0")) + 1
        raise SourceError(f"cannot parse: a NUL byte at line {line}")
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" and the like: not ours to say
            warnings.simplefilter("ignore")
            return ast.parse(source, filename=path)
    except SyntaxError as exc:
        where = f" (line {exc.lineno}, column {exc.offset})" if exc.lineno else ""
        raise SourceError(f"syntax error: {exc.msg}{where}") from None
    except (RecursionError, MemoryError):
        raise SourceError("too deeply nested for Python's parser") from None
    except ValueError as exc:  # defensive: older CPythons raised ValueError for some inputs
        raise SourceError(f"cannot parse: {exc}") from None


def split_lines(source: str) -> list[str]:
    if "\r" not in source:  # the common case, ten times faster than the pattern
        return source.split("\n")
    return _LINE_BREAK.split(source)


def file_exemption(lines: Sequence[str]) -> Optional[tuple[str, ...]]:
    """The codes a file-level `# pitfalls: noqa` silences: () for every code, None when the file
    has no such line. Only a comment line counts, so the words in a string do not."""
    candidates = [number for number, line in enumerate(lines, 1) if "noqa" in line and FILE_NOQA.match(line)]
    if not candidates:
        return None  # the common case, decided from the text alone
    comments = _comment_lines("\n".join(line.rstrip("\r\n") for line in lines))
    codes: Optional[list[str]] = None
    for number in candidates:
        if comments is not None and number not in comments:
            continue  # inside a string
        found = FILE_NOQA.match(lines[number - 1])
        if not found.group("codes"):  # type: ignore[union-attr]
            return ()
        codes = (codes or []) + [c for c in re.split(r"[,\s]+", found.group("codes").upper()) if c]  # type: ignore
    return tuple(codes) if codes is not None else None


def _comment_lines(text: str) -> Optional[set[int]]:
    """The lines holding a comment token, or None if the text does not tokenize."""
    try:
        return {token.start[0] for token in tokenize.generate_tokens(io.StringIO(text).readline)
                if token.type == tokenize.COMMENT}
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None


def exempt(finding: Finding, exemption: Optional[tuple[str, ...]]) -> bool:
    return exemption is not None and (not exemption or any(finding.code.startswith(c) for c in exemption))


def is_suppressed(finding: Finding, lines: Sequence[str], peers: Sequence[str] = (),
                  ranges: Optional[Mapping[int, tuple[int, int]]] = None) -> bool:
    """`# noqa` on the finding's first line silences it; `# noqa: CODES` silences those codes;
    and what `peer_silenced` says. With `ranges` (`noqa_ranges`), a `# noqa` on any line of the
    multi-line string or continued line the finding starts in counts too, as in flake8."""
    return silencer(finding, lines, peers, ranges) is not None


def silencer(finding: Finding, lines: Sequence[str], peers: Sequence[str] = (),
             ranges: Optional[Mapping[int, tuple[int, int]]] = None) -> Optional[str]:
    """The comment that silences `finding` and its line (`'# noqa: PIT101' on line 3`), or None."""
    if not 1 <= finding.line <= len(lines):
        return None
    for number in _noqa_lines(finding.line, len(lines), ranges):
        match = NOQA.search(lines[number - 1])
        if match is not None:
            codes = match.group("codes")
            if not codes or any(finding.code.startswith(c) for c in re.split(r"[,\s]+", codes.upper()) if c):
                return f"'{match.group(0).strip()}' on line {number}"
    return _peer_comment(finding, lines, peers, ranges)


def peer_silenced(finding: Finding, lines: Sequence[str], peers: Sequence[str]) -> bool:
    """Whether the author already silenced a peer's code for the same pitfall (`peers`,
    Rule.peer_codes): a `# noqa` naming one on the finding's line, or a pylint disable naming
    one there or on the first line of its statement (where pylint reports: a def's `def` line)."""
    return _peer_comment(finding, lines, peers) is not None


def _noqa_lines(line: int, count: int, ranges: Optional[Mapping[int, tuple[int, int]]]) -> list[int]:
    """The lines whose `# noqa` counts for a finding on `line`: it, then the rest of its range."""
    first, last = ranges.get(line, (line, line)) if ranges else (line, line)
    return [line, *(n for n in range(first, min(last, count) + 1) if n != line)]


def noqa_ranges(lines: Sequence[str]) -> dict[int, tuple[int, int]]:
    """flake8's reading of a `# noqa` on code over several lines: the lines of one multi-line
    string, or of one line continued with a backslash, form a range, and a `# noqa` on any of
    them counts for all (ruff writes it on the last). Each line of a range of two or more lines
    maps to (first, last); {} when the text does not tokenize."""
    ranges: dict[int, tuple[int, int]] = {}
    first, last = 0, -1
    try:
        for token in tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first = token.start[0] if last < 0 else min(first, token.start[0])
            last = max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                if last > first:
                    ranges.update(dict.fromkeys(range(first, last + 1), (first, last)))
                first, last = 0, -1
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return {}
    return ranges


def _peer_comment(finding: Finding, lines: Sequence[str], peers: Sequence[str],
                  ranges: Optional[Mapping[int, tuple[int, int]]] = None) -> Optional[str]:
    if not peers or not 1 <= finding.line <= len(lines):
        return None
    wanted = {p.upper() for p in peers}
    for number in _noqa_lines(finding.line, len(lines), ranges):
        match = NOQA.search(lines[number - 1])
        if match is not None and match.group("codes"):
            if wanted & set(re.split(r"[,\s]+", match.group("codes").upper())):
                return f"'{match.group(0).strip()}' on line {number}"
    for line in {finding.line, finding.statement_line or finding.line}:
        for number, following in ((line, False), (line - 1, True)):
            if 1 <= number <= len(lines) and "pylint" in lines[number - 1]:
                for found in PYLINT.finditer(lines[number - 1]):
                    names = {n.strip().upper() for n in found.group("names").split(",")}
                    if bool(found.group("next")) == following and wanted & names:
                        return f"'{found.group(0).strip()}' on line {number}"
    return None


@dataclass
class FileReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    error: Optional[str] = None  # why the file could not be checked
    rule_errors: list[RuleError] = field(default_factory=list)


def check_source(source: str, path: str, rules: Optional[Sequence[type[Rule]]] = None,
                 silenced: bool = False) -> FileReport:
    """`rules` None: every rule in the catalog. `silenced`: keep what noqa comments silence."""
    if rules is None:
        # Imported here, not at the top: the catalog sits above this module in the module map
        # (DESIGN.md), and importing it for decoding, lines or noqa need not load every rule.
        from pitfalls.catalog import ALL_RULES

        rules = ALL_RULES
    lines = split_lines(source)
    with gc_paused():
        try:
            tree = parse(source, path)
        except SourceError as exc:
            return FileReport(path, error=str(exc))
        try:
            result = analyze(tree, lines, rules, path, text=source)
        except Exception as exc:  # a bug of the engine itself (a rule's is caught inside): this file only
            return FileReport(path, rule_errors=[RuleError("engine", exc)])
        del tree  # freed now, by reference counting, before the collector runs again
    if silenced:
        return FileReport(path, result.findings, rule_errors=result.errors)
    if not result.findings:  # most files: nothing to silence
        return FileReport(path, rule_errors=result.errors)
    silencers = Silencers(lines, rules)
    findings = [f for f in result.findings if silencers.why(f) is None]
    return FileReport(path, findings, rule_errors=result.errors)


class Silencers:
    """What silences a finding in one text: a whole-file `# pitfalls: noqa`, or a comment (our
    `# noqa`, a peer's code for the same pitfall). The ranges of multi-line code are read only
    when a hit is not silenced on its own line and the text has a `noqa` at all."""

    def __init__(self, lines: Sequence[str], rules: Sequence[type[Rule]]):
        self.lines = lines
        self.peers = {rule.code: rule.peer_codes for rule in rules}
        self.exemption = file_exemption(lines)
        self.ranges: Optional[dict[int, tuple[int, int]]] = None

    def why(self, finding: Finding) -> Optional[str]:
        """None, or what silences it: `"file"` for the whole-file comment, else the comment."""
        if exempt(finding, self.exemption):
            return "file"
        peers = self.peers.get(finding.code, ())
        found = silencer(finding, self.lines, peers)
        if found is None:
            if self.ranges is None:
                self.ranges = noqa_ranges(self.lines) if any("noqa" in line for line in self.lines) else {}
            if finding.line in self.ranges:
                found = silencer(finding, self.lines, peers, self.ranges)
        return found


def read_source(path: str) -> tuple[bytes, str, str]:
    """(bytes, text, encoding) of a file; the encoding writes it back as it was (BOM included)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None
    text, encoding = decode_with_encoding(data)
    return data, text, encoding


def check_file(path: str, rules: Optional[Sequence[type[Rule]]] = None) -> FileReport:
    try:
        _, source, _ = read_source(path)
    except SourceError as exc:
        return FileReport(path, error=str(exc))
    return check_source(source, path, rules)
