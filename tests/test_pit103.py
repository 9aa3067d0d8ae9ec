"""PIT103: each variant's answer says what really happens, and the code does what it says."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.source import check_source


def hits(source: str):
    return [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT103"]


@pytest.mark.parametrize(
    "source, severity, says",
    [
        ("def f(d: dict):\n    for k in d:\n        del d[k]\n", Severity.ERROR,
         ["dictionary changed size during iteration", "for k in list(d):"]),
        ("def f(s: set):\n    for x in s:\n        s.add(x + 1)\n", Severity.ERROR, ["Set changed size during iteration"]),
        ("def f(xs: list):\n    for x in xs:\n        xs.remove(x)\n", Severity.WARNING,
         ["the loop skips it", "for x in xs[:]:"]),
        ("def f(xs):\n    for x in xs:\n        xs.pop()\n", Severity.WARNING,
         ["If `xs` is a list, the loop skips the item after each removed one"]),
        ("def f(todo: list):\n    for x in todo:\n        todo.append(x)\n", Severity.HAZARD,
         ["visits every item added during the loop", "a deque and `while`"]),
        ("def f(d: dict):\n    for k in d:\n        d[k + '!'] = 1\n", Severity.HAZARD,
         ["if `d[k + '!'] = 1` adds a key that wasn't there"]),
    ],
)
def test_each_variant_is_told_what_happens(source, severity, says):
    [finding] = hits(source)
    assert finding.severity is severity
    answer = answer_for(finding)
    text = " ".join((answer.answer_30s + " " + answer.fix + " " + answer.fix_code).split())
    for words in say(says):
        assert words in text, words


def say(words):
    return [" ".join(w.split()) for w in words]


def test_the_claims_hold_when_run():
    skipped = [1, 2, 2, 3]
    for n in skipped:
        if n == 2:
            skipped.remove(n)
    assert skipped == [1, 2, 3]
    counts = {"a": 0, "b": 1}
    with pytest.raises(RuntimeError, match="dictionary changed size during iteration"):
        for key in counts:
            del counts[key]
    counts = {"a": 0, "b": 1}
    for key in list(counts):  # the answer's fix
        del counts[key]
    assert counts == {}


def test_a_rebinding_in_the_loop_or_a_change_after_it_ends_is_not_reported():
    assert hits("def f(xs: list):\n    for x in xs:\n        xs = xs[1:]\n        xs.remove(x)\n") == []
    assert hits("def f(xs: list):\n    for x in xs:\n        xs.remove(x)\n        break\n") == []
    assert hits("def f(xs: list):\n    for x in xs:\n        pass\n    xs.remove(1)\n") == []
