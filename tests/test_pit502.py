"""PIT502: each variant's answer says what is true of it, and the fix keeps what the call returns."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.fixing import fix_all, fix_finding
from pitfalls.source import check_source


def only(source: str):
    [finding] = [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT502"]
    return finding, answer_for(finding)


@pytest.mark.parametrize(
    "source, severity, says, fixable",
    [
        ("def f(xs):\n    return any([x > 0 for x in xs])\n", Severity.WARNING,
         ["`any()` cannot stop at the first true one", "`x > 0` runs for every item", "any(x > 0 for x in xs)"], True),
        ("def f(xs):\n    return all([x.ok for x in xs])\n", Severity.WARNING,
         ["`all()` cannot stop at the first false one"], True),
        ("def f(forms):\n    return all([form.is_valid() for form in forms])\n", Severity.HAZARD,
         ["If that is on purpose (each one must run), keep the list"], False),
        ("def f(xs):\n    return sum([x * x for x in xs], 10)\n", Severity.INFO,
         ["one item at a time", "sum((x * x for x in xs), 10)"], True),
        ("def f(xs):\n    return max([len(x) for x in xs], default=0)\n", Severity.INFO,
         ["max((len(x) for x in xs), default=0)"], True),
        ("def f(xs):\n    return set([x.name for x in xs])\n", Severity.INFO,
         ["thrown away", "`{x.name for x in xs}` builds the set directly"], True),
        ("def f(xs):\n    return tuple([x + 1 for x in xs])\n", Severity.HAZARD,
         ["often faster", "only for very large inputs"], False),
    ],
)
def test_each_variant_is_told_what_is_true_of_it(source, severity, says, fixable):
    finding, answer = only(source)
    assert finding.severity is severity and finding.fixable is fixable
    text = " ".join((answer.answer_30s + answer.fix).split())
    for words in says:
        assert words in text, words


def run(program: str) -> str:
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout


PROGRAM = """\
seen = []
def positive(n):
    return n > 0
numbers = [3, -1, 4, 0]
print(
    any([n > 0 for n in numbers]),
    all([n > 0 for n in numbers]),
    sum([n for n in numbers], 100),
    min([n for n in numbers if n > 10], default=-5),
    max([n for n in numbers], key=abs),
    sorted(set([n % 2 for n in numbers])),
    any(  # a comment
        [n > 3 for n in numbers],  # kept
    ),
)
"""


def test_the_fix_keeps_every_result():
    fixed = fix_all(PROGRAM, lambda text: check_source(text, "p.py").findings)
    assert "[n" not in fixed and "# a comment" in fixed and "# kept" in fixed
    assert "sum((n for n in numbers), 100)" in fixed and "{n % 2 for n in numbers}" in fixed
    assert run(fixed) == run(PROGRAM) == "True False 106 -5 4 [0, 1] True\n"


@pytest.mark.parametrize(
    "source",
    [
        "def f(xs, check):\n    return all([check(x) for x in xs])\n",  # the calls may be wanted
        "def f(xs):\n    return any([(y := x) for x in xs]), y\n",  # the walrus is read after
    ],
)
def test_the_fix_is_refused_when_items_may_act(source):
    finding, _ = only(source)
    assert not finding.fixable and fix_finding(source, finding) is None


def test_join_is_left_alone_because_the_list_is_faster():
    assert not [f for f in check_source('x = "".join([s for s in "abc"])\n', "x.py").findings if f.code == "PIT502"]
