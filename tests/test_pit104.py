"""PIT104: which receivers are certain, the answer for each use, and the claims run for real."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.source import check_source


def hits(source: str):
    return [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT104"]


@pytest.mark.parametrize(
    "source, severity, says",
    [
        ("def f(xs):\n    ys = list(xs)\n    best = ys.sort()\n    return best\n", Severity.ERROR,
         ["`best` is `None`, not the list", "ys.sort()\n    best = ys", "`sorted(ys)` returns a new sorted list"]),
        ("def f(xs: list):\n    return xs.append(1)\n", Severity.ERROR, ["`f` returns `None`"]),
        ("def f(xs):\n    for x in xs.sort(key=len):\n        print(x)\n", Severity.ERROR,
         ["iterates over `None`", "`sorted(xs, key=len)`"]),
        ("def f(a, b):\n    return a.sort() == b.sort()\n", Severity.ERROR, ["`None == None` is always true"]),
        ("def f():\n    parts = []\n    parts.append(1).append(2)\n", Severity.ERROR, ["raises `AttributeError`"]),
        ("import random\ndef f(cards):\n    deck = random.shuffle(cards)\n    return deck\n", Severity.ERROR,
         ["`random.shuffle(cards)` changes `cards` in place"]),
        ("def f(node, child):\n    node = node.append(child)\n    return node\n", Severity.HAZARD, ["`node` is `None`"]),
    ],
)
def test_each_use_is_told_what_happens(source, severity, says):
    [finding] = hits(source)[:1]
    assert finding.severity is severity
    answer = answer_for(finding)
    text = answer.answer_30s + "\n" + answer.fix
    for words in says:
        assert words in text or words in " ".join(text.split()), words


def test_the_suggested_fix_runs_and_keeps_the_sorted_list():
    source = "def top(scores):\n    ranked = list(scores)\n    best = ranked.sort(reverse=True)\n    return best[:2]\n"
    [finding] = hits(source)
    fixed = source.replace("best = ranked.sort(reverse=True)",
                           answer_for(finding).fix_code.replace("\n", "\n    "))
    namespace: dict = {}
    exec(compile(fixed, "fixed.py", "exec"), namespace)  # noqa: S102  (the answer's own code)
    assert namespace["top"]([1, 3, 2]) == [3, 2]
    before: dict = {}
    exec(compile(source, "before.py", "exec"), before)  # noqa: S102
    with pytest.raises(TypeError):
        before["top"]([1, 3, 2])


@pytest.mark.parametrize(
    "source",
    [
        "def f(seen, xs):\n    return [x for x in xs if x not in seen and not seen.add(x)]\n",
        "def f(seen, xs):\n    return {x for x in xs if x in seen or seen.add(x)}\n",
        "def f(cursor):\n    return cursor.sort('name', -1)\n",
        "class L(list):\n    def push(self, x):\n        return self.append(x)\n",
        "async def f(m):\n    return await m.remove(1)\n",
        "def f(xs: list) -> None:\n    return xs.clear()\n",
        "def f(model):\n    n = model.update(name='x')\n    return n\n",
    ],
)
def test_deliberate_or_foreign_uses_are_left_alone(source):
    assert hits(source) == []
