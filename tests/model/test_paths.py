"""analyses/paths.py: which kind of binding a load reads on every path, and expected errors."""

from __future__ import annotations

import ast

from model_probe import inspect, nodes, where

from pitfalls.analyses.paths import exits_after, expected_error, reads_only
from pitfalls.model import Context


def tuple_read(source: str, name: str = "t", index: int = -1):
    """What `reads_only` says of the `index`-th load of `name`, with tuple displays as 'alike'."""

    def look(ctx: Context):
        alike = lambda b: isinstance(b.value, ast.Tuple) or b.kind == "augassign"  # noqa: E731
        loads = [n for n in nodes(ctx, ast.Name) if n.id == name and isinstance(n.ctx, ast.Load)]
        return where(reads_only(ctx, loads[index], alike))

    return inspect(source, look)


def test_every_binding_alike():
    assert tuple_read("t = (1,)\nif c:\n    t = (2,)\nprint(t)\n") == ("assign", 3)


def test_an_earlier_binding_of_the_block_wins_over_one_before_it():
    assert tuple_read("t = [1]\nt = (1,)\nprint(t)\n") == ("assign", 2)


def test_a_branch_that_may_not_run_is_not_enough():
    assert tuple_read("t = [1]\nif c:\n    t = (1,)\nprint(t)\n") is None
    assert tuple_read("if c:\n    t = [1]\nelse:\n    t = (1,)\nprint(t)\n") is None


def test_a_rebinding_later_in_a_loop_comes_round_again():
    source = "t = (1,)\nfor x in y:\n    print(t)\n    t = [x]\n"
    assert tuple_read(source) is None
    assert tuple_read("t = (1,)\nfor x in y:\n    print(t)\nt = [1]\n", index=0) == ("assign", 1)


def test_a_rebinding_from_a_nested_function_can_come_any_time():
    source = "def f():\n    t = (1,)\n    def g():\n        nonlocal t\n        t = [1]\n    g()\n    print(t)\n"
    assert tuple_read(source) is None


def test_an_augmented_assignment_is_alike_only_when_all_else_is():
    assert tuple_read("t = (1,)\nt += (2,)\nprint(t)\n") == ("augassign", 2)
    assert tuple_read("t = [1]\nt += [2]\nprint(t)\n") is None


def test_expected_error():
    source = """\
        import pytest
        with pytest.raises(TypeError):
            a()
        with pytest.raises(ValueError):
            b()
        try:
            c()
        except (KeyError, TypeError):
            pass
        try:
            d()
        except Exception:
            pass
        """

    def look(ctx: Context):
        return {call.func.id: expected_error(ctx, call, "TypeError")
                for call in nodes(ctx, ast.Call) if isinstance(call.func, ast.Name)}

    assert inspect(source, look) == {"a": True, "b": False, "c": True, "d": False}




def leaves(source: str, breaks: bool = False) -> bool:
    """`exits_after` from the call `a()` to the call `b()` (or to the loop around `a()`)."""

    def look(ctx: Context):
        calls = {n.func.id: n for n in nodes(ctx, ast.Call) if isinstance(n.func, ast.Name)}
        if breaks:
            loop = next(n for n in nodes(ctx, ast.For) if n.iter.id == "outer")
            return exits_after(ctx, calls["a"], loop, breaks=True)
        return exits_after(ctx, calls["a"], ctx.tree, before=calls["b"])

    return inspect(source, look)


def test_control_leaves_only_by_what_comes_before_the_later_node():
    assert leaves("def f():\n    return a()\n    b()\n")
    assert leaves("def f():\n    a()\n    return 1\n    b()\n")
    assert not leaves("def f():\n    a()\n    b()\n    return 1\n")
    assert leaves("def f(c):\n    if c:\n        a()\n        raise E\n    b()\n")
    assert not leaves("def f(c):\n    if c:\n        a()\n        if d:\n            return\n    b()\n")
    assert leaves("def f(c):\n    a()\n    if c:\n        return 1\n    else:\n        raise E\n    b()\n")


def test_a_break_leaves_only_its_own_loop():
    assert leaves("for x in outer:\n    a()\n    break\n", breaks=True)
    assert not leaves("for x in outer:\n    for y in inner:\n        a()\n        break\n", breaks=True)
    assert leaves("for x in outer:\n    try:\n        a()\n    finally:\n        break\n", breaks=True)
    assert not leaves("for x in outer:\n    try:\n        a()\n    finally:\n        print()\n", breaks=True)
