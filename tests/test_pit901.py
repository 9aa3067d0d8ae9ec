"""PIT901: the answer names the user's list and test, and each tier is told what is true of it."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.source import check_source


def findings(source: str, path: str = "x.py"):
    return [f for f in check_source(textwrap.dedent(source), path).findings if f.code == "PIT901"]


@pytest.mark.parametrize(
    "source, severity, says",
    [
        ("def f(rows, names):\n    known = [n.lower() for n in names]\n"
         "    return [r for r in rows if r.key in known]\n",
         Severity.INFO, ["`r.key in known`", "`known` is a list", "known_set = set(known)", "O(1) on average"]),
        ("def f(items):\n    seen = []\n    for item in items:\n        if item not in seen:\n"
         "            seen.append(item)\n    return seen\n",
         Severity.HAZARD, ["`item not in seen`", "n²/2", "Keep a set next to the list"]),
        ("def f(text, words):\n    stop = text.split()\n    for w in words:\n        if w in stop:\n"
         "            print(w)\n", Severity.INFO, ["`w in stop`", "m × n"]),
    ],
)
def test_each_variant_is_told_what_is_true_of_it(source, severity, says):
    [finding] = findings(source)
    answer = answer_for(finding)
    assert finding.severity is severity
    text = " ".join((answer.answer_30s + answer.answer_60s + answer.fix).split())
    for words in says:
        assert words in text, words


def test_test_files_are_hazards():
    source = "def test_it(rows, names):\n    known = list(names)\n    assert all(r in known for r in rows)\n"
    assert findings(source)[0].severity is Severity.INFO
    assert findings(source, "tests/test_rows.py")[0].severity is Severity.HAZARD


def test_the_set_gives_the_same_answers():
    """The advice keeps behaviour: a set made once answers every test as the list did."""
    rows, names = ["b", "x", "a", "a"], ["a", "b", "b"]
    known = list(names)
    known_set = set(known)
    assert [r for r in rows if r in known] == [r for r in rows if r in known_set]
    assert [r for r in rows if r not in known] == [r for r in rows if r not in known_set]
