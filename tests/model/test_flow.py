"""Order and branches, asked lazily: loops around a node, the next statement, exclusive arms, scopes."""

from __future__ import annotations

import ast
import sys

import pytest
from model_probe import func, inspect, load, names, nodes, on_line, where

from pitfalls.model import Context, ScopeKind

needs_match = pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10+")
needs_try_star = pytest.mark.skipif(sys.version_info < (3, 11), reason="except* needs Python 3.11+")


def loops_of_calls(source: str) -> dict[str, list[str]]:
    """For each call of a plain name, the loops around it as 'Type@line', innermost first."""

    def look(ctx: Context):
        return {
            call.func.id: [f"{type(loop).__name__}@{loop.lineno}" for loop in ctx.loops_around(call)]
            for call in nodes(ctx, ast.Call) if isinstance(call.func, ast.Name)
        }

    return inspect(source, look)


# -- loops_around ---------------------------------------------------------------------------------


def test_loops_around_for_and_while_bodies_innermost_first():
    source = """\
        before()
        for x in iterable():
            in_for()
            while test():
                in_while()
        after()
        """
    assert loops_of_calls(source) == {
        "before": [],
        "iterable": [],  # the loop's own iterable runs once
        "in_for": ["For@2"],
        "test": ["While@4", "For@2"],  # a while's test runs each time round
        "in_while": ["While@4", "For@2"],
        "after": [],
    }


def test_loops_around_a_for_target_is_not_inside():
    def look(ctx: Context):
        target = ctx.tree.body[0].target
        return ctx.loops_around(target.value), ctx.loops_around(target.slice)

    assert inspect("for d[key()] in xs:\n    pass\n", look) == ([], [])


def test_loops_around_the_else_of_a_loop_runs_once():
    source = """\
        for x in xs:
            body()
        else:
            for_else()
        while cond():
            pass
        else:
            while_else()
        """
    assert loops_of_calls(source) == {"body": ["For@1"], "for_else": [], "cond": ["While@5"], "while_else": []}


def test_loops_around_async_for():
    source = """\
        async def main(stream):
            async for item in stream.items():
                handle(item)
            return [await fetch(x) async for x in stream]
        """

    def look(ctx: Context):
        handle = on_line(ctx, ast.Call, 3)
        fetch = on_line(ctx, ast.Call, 4)
        return [type(n).__name__ for n in ctx.loops_around(handle)], [type(n).__name__ for n in ctx.loops_around(fetch)]

    assert inspect(source, look) == (["AsyncFor"], ["ListComp"])


def test_loops_around_comprehensions():
    source = """\
        rows = [cell(y) for x in first() if keep(x) for y in second(x)]
        total = sum(part(v) for v in parts())
        table = {key(k): value(k) for k in keys()}
        seen = {member(s) for s in [inner(t) for t in items()]}
        """
    assert loops_of_calls(source) == {
        "cell": ["ListComp@1"],
        "first": [],  # the first iterable is evaluated outside the comprehension
        "keep": ["ListComp@1"],
        "second": ["ListComp@1"],  # later iterables run once per earlier element
        "sum": [],
        "part": ["GeneratorExp@2"],
        "parts": [],
        "key": ["DictComp@3"],
        "value": ["DictComp@3"],
        "keys": [],
        "member": ["SetComp@4"],
        "inner": ["ListComp@4"],  # the first iterable of the set is outside it
        "items": [],
    }


def test_loops_around_stop_at_def_lambda_and_class_bodies():
    source = """\
        for x in xs:
            def f():
                body()
            g = lambda: lam()
            class C:
                attr = cls()
        """
    assert loops_of_calls(source) == {"body": [], "lam": [], "cls": []}


def test_loops_around_defaults_decorators_and_bases_run_each_time_round():
    source = """\
        for x in xs:
            @deco()
            def f(default=make()):
                pass
            g = lambda d=lamdefault(): d
            class C(base()):
                pass
        """
    # Evaluated where the def or class is, like scope_of says: once per iteration.
    assert loops_of_calls(source) == {"deco": ["For@1"], "make": ["For@1"], "lamdefault": ["For@1"], "base": ["For@1"]}


def test_loops_around_in_a_function_inside_a_loop_body():
    source = """\
        def f():
            for a in range(3):
                [b for b in a]
        """

    def look(ctx: Context):
        element = load(ctx, "b")
        return [type(n).__name__ for n in ctx.loops_around(element)], ctx.in_loop(func(ctx, "f"))

    assert inspect(source, look) == (["ListComp", "For"], False)


# -- next_statement ---------------------------------------------------------------------------


def test_next_statement_in_its_own_block():
    source = """\
        a = 1
        if a:
            b = 2
            c = 3
        else:
            d = 4
        try:
            e = 5
        except E:
            f = 6
            g = 7
        finally:
            h = 8
        i = 9
        """

    def look(ctx: Context):
        by_line = {s.lineno: s for s in nodes(ctx, ast.stmt)}
        nexts = {}
        for line, statement in by_line.items():
            after = ctx.next_statement(statement)
            nexts[line] = after.lineno if after is not None else None
        return nexts

    assert inspect(source, look) == {
        1: 2, 2: 7, 3: 4, 4: None, 6: None, 7: 14, 8: None, 10: 11, 11: None, 13: None, 14: None,
    }


def test_next_statement_after_an_elif_is_none():
    def look(ctx: Context):
        elif_ = ctx.tree.body[0].orelse[0]
        return ctx.next_statement(elif_), ctx.next_statement(ctx.tree.body[0]).lineno

    assert inspect("if a:\n    x\nelif b:\n    y\nz\n", look) == (None, 5)


@needs_match
def test_next_statement_in_a_match_case():
    source = """\
        match v:
            case 1:
                a = 1
                b = 2
            case _:
                c = 3
        d = 4
        """

    def look(ctx: Context):
        a, b, c = (on_line(ctx, ast.Assign, line) for line in (3, 4, 6))
        return ctx.next_statement(a) is b, ctx.next_statement(b), ctx.next_statement(c), ctx.next_statement(ctx.tree.body[0]).lineno

    assert inspect(source, look) == (True, None, None, 7)


# -- exclusive --------------------------------------------------------------------------------


def exclusive_pairs(source: str, calls: list[str]) -> dict[tuple[str, str], bool]:
    """ctx.exclusive for every pair of the named calls (each called once in the snippet)."""

    def look(ctx: Context):
        by_name = {c.func.id: c for c in nodes(ctx, ast.Call) if isinstance(c.func, ast.Name)}
        return {
            (a, b): ctx.exclusive(by_name[a], by_name[b])
            for i, a in enumerate(calls) for b in calls[i + 1:]
        }

    return inspect(source, look)


def test_exclusive_if_elif_else():
    source = """\
        if test():
            body()
            body2()
        elif other():
            elif_body()
        else:
            else_body()
        after()
        """
    found = exclusive_pairs(source, ["test", "body", "body2", "other", "elif_body", "else_body", "after"])
    assert {pair for pair, value in found.items() if value} == {
        ("body", "other"), ("body", "elif_body"), ("body", "else_body"),
        ("body2", "other"), ("body2", "elif_body"), ("body2", "else_body"),
        ("elif_body", "else_body"),
    }


def test_exclusive_nested_if():
    source = """\
        if a:
            if b:
                inner_if()
            else:
                inner_else()
            shared()
        else:
            outer_else()
        """
    found = exclusive_pairs(source, ["inner_if", "inner_else", "shared", "outer_else"])
    assert found == {
        ("inner_if", "inner_else"): True,
        ("inner_if", "shared"): False,
        ("inner_if", "outer_else"): True,
        ("inner_else", "shared"): False,
        ("inner_else", "outer_else"): True,
        ("shared", "outer_else"): True,
    }


def test_exclusive_try_handlers_and_else():
    source = """\
        try:
            body()
        except ValueError:
            first()
        except (KeyError, TypeError):
            second()
        else:
            otherwise()
        finally:
            cleanup()
        """
    found = exclusive_pairs(source, ["body", "first", "second", "otherwise", "cleanup"])
    assert {pair for pair, value in found.items() if value} == {
        ("first", "second"), ("first", "otherwise"), ("second", "otherwise"),
    }  # the body may have run halfway before a handler; the finally always runs


@needs_try_star
def test_exclusive_except_star_handlers_can_both_run():
    source = """\
        try:
            body()
        except* ValueError:
            first()
        except* TypeError:
            second()
        else:
            otherwise()
        """
    # One exception group can hold both: every matching except* clause runs, once each.
    found = exclusive_pairs(source, ["body", "first", "second", "otherwise"])
    assert {pair for pair, value in found.items() if value} == {("first", "otherwise"), ("second", "otherwise")}


@needs_match
def test_exclusive_match_cases():
    source = """\
        match subject():
            case [x]:
                one()
            case {"k": y} if guard():
                two()
            case _:
                three()
        """
    found = exclusive_pairs(source, ["subject", "one", "two", "three"])
    assert {pair for pair, value in found.items() if value} == {("one", "two"), ("one", "three"), ("two", "three")}


@needs_match
def test_a_failed_guard_is_not_exclusive_with_later_cases():
    source = """\
        match subject():
            case [x]:
                one()
            case {"k": y} if guard():
                two()
            case _:
                three()
        """
    # The guard runs, fails, and the next case is tried: guard() and three() run in one pass.
    found = exclusive_pairs(source, ["one", "guard", "two", "three"])
    assert {pair for pair, value in found.items() if value} == {("one", "guard"), ("one", "two"), ("one", "three"),
                                                               ("two", "three")}


def test_a_handlers_type_expression_is_not_exclusive_with_later_handlers():
    source = """\
        try:
            body()
        except first_types():
            first()
        except KeyError:
            second()
        else:
            otherwise()
        """
    # The first handler's expression is evaluated, does not match, and the second handler runs.
    found = exclusive_pairs(source, ["first_types", "first", "second", "otherwise"])
    assert {pair for pair, value in found.items() if value} == {
        ("first_types", "otherwise"), ("first", "second"), ("first", "otherwise"), ("second", "otherwise"),
    }


def test_exclusive_does_not_cross_into_a_function_body():
    source = """\
        if a:
            def f():
                in_def()
        else:
            other()
        """
    assert exclusive_pairs(source, ["in_def", "other"]) == {("in_def", "other"): False}


# -- the lookup that branches power -----------------------------------------------------------


def test_lookup_skips_the_binding_of_a_sibling_branch():
    source = """\
        def f(a, n, flag):
            if a is None:
                a = [0] * n
            elif flag:
                a = [a] * n
            return a
        """

    def look(ctx: Context):
        return [where(ctx.resolve(n)) for n in names(ctx, "a", store=False)]

    # `a is None`, the `a` of the elif (the parameter, not the list), then the latest binding.
    assert inspect(source, look) == [("param", 1), ("param", 1), ("assign", 5)]


def test_lookup_skips_a_sibling_branch_at_module_level_and_in_comprehensions():
    source = """\
        a = None
        if a is None:
            a = [0]
        else:
            b = [a for _ in range(3)]
            c = a
        """

    def look(ctx: Context):
        return [where(ctx.resolve(n)) for n in names(ctx, "a", store=False)]

    assert inspect(source, look) == [("assign", 1), ("assign", 1), ("assign", 1)]


def test_lookup_in_handlers_and_else():
    source = """\
        try:
            x = 1
        except A:
            x = 2
        except B:
            first = x
        else:
            second = x
        """

    def look(ctx: Context):
        return [where(ctx.resolve(n)) for n in names(ctx, "x", store=False)]

    # A handler does not see another handler's binding; the else does not see any handler's.
    assert inspect(source, look) == [("assign", 2), ("assign", 2)]


def test_lookup_in_a_loop_sees_a_sibling_branch_of_an_earlier_iteration():
    source = """\
        def f(items):
            last = None
            for item in items:
                if last is None:
                    last = []
                else:
                    last.append(item)
            return last
        """

    def look(ctx: Context):
        return where(ctx.resolve(load(ctx, "last", 1)))

    # The else runs only after a pass through the if arm, which made `last` a list.
    assert inspect(source, look) == ("assign", 5)


# -- scope_of ----------------------------------------------------------------------------------


def test_scope_of_defaults_decorators_annotations_and_bases():
    source = """\
        class Outer(Base, metaclass=Meta):
            @deco
            def method(self, a: Ann = default, *, k=kwdefault) -> Ret:
                return body
            f = lambda p=lamdefault: lambody
        """

    def look(ctx: Context):
        kinds = {}
        for name in ("Base", "Meta", "deco", "Ann", "default", "kwdefault", "Ret", "body", "lamdefault", "lambody"):
            kinds[name] = ctx.scope_of(load(ctx, name)).kind.value
        return kinds

    assert inspect(source, look) == {
        "Base": "module", "Meta": "module",
        "deco": "class", "Ann": "class", "default": "class", "kwdefault": "class", "Ret": "class",
        "body": "function",
        "lamdefault": "class", "lambody": "lambda",
    }


def test_scope_of_comprehension_first_iterable_outside_rest_inside():
    source = """\
        def f(matrix):
            return [cell for row in matrix if row for cell in row]
        """

    def look(ctx: Context):
        comp = nodes(ctx, ast.ListComp)[0]
        comp_scope = ctx.scopes[comp]
        row_loads = names(ctx, "row", store=False)
        return (
            ctx.scope_of(load(ctx, "matrix")) is ctx.scopes[func(ctx, "f")],
            [ctx.scope_of(n) is comp_scope for n in row_loads],  # the condition and the second iterable
            ctx.scope_of(load(ctx, "cell")) is comp_scope,
            ctx.scope_of(comp) is ctx.scopes[func(ctx, "f")],
            comp_scope.kind,
            comp_scope.frame is ctx.scopes[func(ctx, "f")],
        )

    assert inspect(source, look) == (True, [True, True], True, True, ScopeKind.COMPREHENSION, True)


def test_scope_of_agrees_with_the_scope_each_reference_was_recorded_in():
    source = """\
        import functools
        def outer(n, cache={}):
            @functools.wraps(n)
            def inner(x=[i for i in range(n)], *a: int):
                return {k: x for k in a}
            class K(dict, key=lambda v: v + n):
                size = n
            return inner, K
        """

    def look(ctx: Context):
        mismatched, read = [], set()
        for node in nodes(ctx, ast.Name):
            reference = ctx.reference(node)
            if reference is not None:
                read.add(node.id)
                if ctx.scope_of(node) is not reference.scope:
                    mismatched.append((node.id, node.lineno))
        return mismatched, read

    mismatched, read = inspect(source, look)
    assert mismatched == []
    assert read == {"functools", "n", "i", "range", "int", "x", "k", "a", "dict", "v", "inner", "K"}
