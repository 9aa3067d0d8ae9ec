"""Unified diffs of a fix (`pitfalls fix --diff`) that stay fast when a fix changes thousands of
lines: difflib's matcher alone took 11 s on a file with 5,000 fixed hits (it is quadratic when
many lines repeat, as `return x` does), while the fix itself took less.

Lines that occur once in each text anchor the two texts (the patience diff's idea: a def's first
line, say), the longest run of anchors in the same order splits them into small regions, and
difflib matches each region on its own. The output is difflib's `unified_diff` format.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from typing import Iterator, Sequence

Opcode = tuple[str, int, int, int, int]


def unified_diff(old: str, new: str, name: str, context: int = 3) -> str:
    a, b = old.splitlines(True), new.splitlines(True)
    out: list[str] = []
    for group in _Matcher(a, b).get_grouped_opcodes(context):
        if not out:
            out += [f"--- a/{name}\n", f"+++ b/{name}\n"]
        out.append(f"@@ -{_range(group[0][1], group[-1][2])} +{_range(group[0][3], group[-1][4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in a[i1:i2]]
                continue
            out += ["-" + line for line in a[i1:i2]]
            out += ["+" + line for line in b[j1:j2]]
    return "".join(out)


def _range(start: int, stop: int) -> str:
    """difflib's `start,length` of a hunk, 1-based; an empty range names the line before it."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + (1 if length else 0)},{length}"


class _Matcher(difflib.SequenceMatcher):
    """difflib's matcher, run region by region between the anchors."""

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        super().__init__(None, a, b, autojunk=False)  # only get_grouped_opcodes is used, on ours

    def get_opcodes(self) -> list[Opcode]:  # type: ignore[override]
        a, b = self.a, self.b
        codes: list[Opcode] = []
        i = j = 0
        for ai, bj in [*_anchors(a, b), (len(a), len(b))]:
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a[i:ai], b[j:bj], autojunk=False).get_opcodes():
                _add(codes, (tag, i + i1, i + i2, j + j1, j + j2))
            if ai < len(a):
                _add(codes, ("equal", ai, ai + 1, bj, bj + 1))
            i, j = ai + 1, bj + 1
        return codes


def _add(codes: list[Opcode], code: Opcode) -> None:
    """Appends, merged into the last one when both are equal runs that touch."""
    if codes and codes[-1][0] == code[0] == "equal" and codes[-1][2] == code[1] and codes[-1][4] == code[3]:
        codes[-1] = ("equal", codes[-1][1], code[2], codes[-1][3], code[4])
    elif code[1] < code[2] or code[3] < code[4]:
        codes.append(code)


def _anchors(a: Sequence[str], b: Sequence[str]) -> Iterator[tuple[int, int]]:
    """Pairs (i, j) of lines found once in `a` and once in `b`, the longest chain of them rising in
    both (patience sorting)."""
    in_a, in_b = Counter(a), Counter(b)
    where_b = {line: j for j, line in enumerate(b) if in_b[line] == 1}
    pairs = [(i, where_b[line]) for i, line in enumerate(a) if in_a[line] == 1 and line in where_b]
    tops: list[int] = []  # the j ending the best chain of each length
    ends: list[int] = []  # which pair that is
    before: list[int] = []  # each pair's predecessor in its chain
    for index, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tops, j)
        before.append(ends[at - 1] if at else -1)
        if at == len(tops):
            tops.append(j)
            ends.append(index)
        else:
            tops[at], ends[at] = j, index
    chain, index = [], ends[-1] if ends else -1
    while index >= 0:
        chain.append(pairs[index])
        index = before[index]
    return reversed(chain)
