"""PIT202: the UnboundLocalError happens, and the declaration the answer suggests removes it."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.source import check_source


def hits(source: str):
    return [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT202"]


@pytest.mark.parametrize(
    "source, call, declare",
    [
        ("counter = 0\ndef bump():\n    counter += 1\n    return counter\n", "bump()", "global counter"),
        ("def outer():\n    total = 0\n    def add(n):\n        total += n\n        return total\n    return add\n",
         "outer()(2)", "nonlocal total"),
        ("x = 1\ndef show():\n    seen = x\n    x = 5\n    return seen\n", "show()", "global x"),
    ],
)
def test_it_raises_and_the_suggested_declaration_fixes_it(source, call, declare):
    [finding] = hits(source)
    answer = answer_for(finding)
    assert f"    {declare}\n" in answer.fix_code + "\n"
    before: dict = {}
    exec(compile(source, "before.py", "exec"), before)  # noqa: S102  (the user's own code)
    with pytest.raises(UnboundLocalError):
        eval(call, before)  # noqa: S307
    header = finding.context["header"]
    fixed = source.replace(header + "\n", f"{header}\n{' ' * (source.index(header) - source.rfind(chr(10), 0, source.index(header)) - 1 + 4)}{declare}\n")
    after: dict = {}
    exec(compile(fixed, "after.py", "exec"), after)  # noqa: S102
    eval(call, after)  # noqa: S307


def test_a_shadowed_builtin_is_told_it_hides_the_builtin():
    [finding] = hits("def f(values):\n    list = list(values)\n    return list\n")
    text = " ".join(answer_for(finding).answer_30s.split())
    assert "the built-in `list` is hidden for the whole function" in text
