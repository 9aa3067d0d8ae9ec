"""PIT903: each variant gets the tier and the words that are true of it, and the suggested fix
(collect, then join once) builds the same string as the loop it replaces."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.catalog import BY_CODE
from pitfalls.findings import Severity
from pitfalls.source import check_source

RULE = BY_CODE["PIT903"]


def hits(code: str):
    report = check_source(textwrap.dedent(code), "example.py", [RULE])
    return [f for f in report.findings if f.code == "PIT903"]


# (code, the variant reported, the words its answer must hold)
CASES = [
    ("def f(rows):\n    s = ''\n    for r in rows:\n        s += r\n    return s\n", "local",
     "grows a function's local string in place"),
    ("def f(rows):\n    s = b''\n    for r in rows:\n        s += r\n    return s\n", "bytes",
     "bytes are never grown in place"),
    ("class A:\n    def __init__(self):\n        self.s = ''\n    def f(self, rows):\n"
     "        for r in rows:\n            self.s += r\n", "attribute", "the object still holds the old string"),
    ("def f(rows):\n    d = {}\n    d['k'] = ''\n    for r in rows:\n        d['k'] += r\n", "item",
     "the container still holds"),
    ("S = ''\ndef f(rows):\n    global S\n    for r in rows:\n        S += r\n", "global", "`global` name"),
    ("s = ''\nfor r in open('x'):\n    s += r\n", "module", "gone since 3.11"),
    ("def f(rows):\n    s = ''\n    def g():\n        nonlocal s\n        for r in rows:\n            s += r\n"
     "    g()\n", "nonlocal", "`nonlocal` name since 3.11"),
    ("def f(rows):\n    s = ''\n    for r in rows:\n        s = s + r + ','\n    return s\n", "chain",
     "`s + r` is a new string"),
    ("def f(rows):\n    s = ''\n    for r in rows:\n        s = r + s\n    return s\n", "prepend",
     "a piece put in front"),
    ("def f(rows):\n    s = ''\n    seen = []\n    for r in rows:\n        s += r\n        seen.append(s)\n", "shared",
     "`seen.append(s)` keeps a second reference"),
]


@pytest.mark.parametrize("code, variant, words", CASES, ids=[case[1] for case in CASES])
def test_each_variant_is_told_what_is_true_of_it(code, variant, words):
    (finding,) = hits(code)
    assert finding.context["variant"] == variant
    assert finding.severity is (Severity.HAZARD if variant == "local" else Severity.INFO)
    answer = answer_for(finding)
    assert words in answer.answer_30s, answer.answer_30s
    assert "s" in finding.message


@pytest.mark.parametrize("code", [
    "def f(w):\n    s = ''\n    for _ in range(3):\n        s += w\n",
    "def f(groups):\n    for g in groups:\n        s = ''\n        s += g\n",
    "def f(rows, s=''):\n    for r in rows:\n        s += r\n",
    "def f(rows):\n    s = []\n    for r in rows:\n        s += [r]\n",
    "def f(rows):\n    s = bytearray()\n    for r in rows:\n        s += r\n",
    "def f(rows):\n    s = b''\n    for r in rows:\n        s += r  # pylint: disable=consider-using-join\n",
    "def f(rows):\n    s = b''\n    for r in rows:\n        s += r  # noqa: R1713\n",
])
def test_not_reported(code):
    assert hits(code) == []


@pytest.mark.parametrize("code, call", [
    ("def build(rows):\n    s = 'head:'\n    for r in rows:\n        s += r.upper()\n    return s\n", "build"),
    ("def build(rows):\n    s = b'>'\n    for r in rows:\n        s += r\n    return s\n", "build"),
    ("def build(rows):\n    s = '.'\n    for r in rows:\n        s = r + s\n    return s\n", "build"),
])
def test_the_fix_builds_the_same_value(code, call):
    (finding,) = hits(code)
    fix = answer_for(finding).fix_code
    lines = code.splitlines()
    loop = next(i for i, line in enumerate(lines) if line.strip().startswith("for "))
    fixed = "\n".join(lines[:loop] + textwrap.indent(fix, "    ").splitlines() + lines[loop + 2:]) + "\n"
    rows = [b"ab", b"cd", b"ef"] if "b'" in code else ["ab", "cd", "ef"]
    before, after = {}, {}
    exec(code, before)
    exec(fixed, after)
    assert before[call](rows) == after[call](rows)
    assert ".join(" in fixed
