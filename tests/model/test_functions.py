"""Function facts: what a def or lambda is (kind, decorators, parameters) and does in its own body."""

from __future__ import annotations

import ast
from typing import Callable, TypeVar

from model_probe import func, inspect, nodes, where

from pitfalls.model import Context
from pitfalls.model.functions import FunctionFacts

T = TypeVar("T")


def facts_of(source: str, name: str, ask: Callable[[FunctionFacts, Context], T]) -> T:
    """ask(facts, ctx) for the def called `name` (or the first lambda, for name='<lambda>')."""

    def look(ctx: Context):
        node = nodes(ctx, ast.Lambda)[0] if name == "<lambda>" else func(ctx, name)
        return ask(ctx.function(node), ctx)

    return inspect(source, look)


def kinds(source: str) -> dict[str, str]:
    """name -> kind for every def and lambda, in source order ('lambda@line' for anonymous ones)."""

    def look(ctx: Context):
        found = {}
        for node in sorted(ctx.function_defs, key=lambda n: (n.lineno, n.col_offset)):
            facts = ctx.function(node)
            found[facts.name if facts.name != "lambda" else f"lambda@{node.lineno}"] = facts.kind
        return found

    return inspect(source, look)


# -- what it is ---------------------------------------------------------------------------------


def test_kinds_of_functions_and_methods():
    source = """\
        import functools
        def plain(): pass
        class C:
            def method(self): pass
            @classmethod
            def cm(cls): pass
            @staticmethod
            def sm(x): pass
            @property
            def prop(self): pass
            @functools.cached_property
            def cached(self): pass
            def __new__(cls): pass
            def __init_subclass__(cls, **kw): pass
            def outer(self):
                def nested(arg): pass
                return lambda: nested
        """
    assert kinds(source) == {
        "plain": "function", "method": "method", "cm": "classmethod", "sm": "staticmethod",
        "prop": "property", "cached": "property", "__new__": "classmethod",
        "__init_subclass__": "classmethod", "outer": "method", "nested": "function", "lambda@17": "lambda",
    }


def test_receiver_is_the_first_positional_of_a_method():
    source = """\
        class C:
            def m(this, a): pass
            @classmethod
            def c(klass, /, a): pass
            @staticmethod
            def s(a): pass
            def star(*args): pass
        def f(a): pass
        """

    def look(ctx: Context):
        receivers = {}
        for name in ("m", "c", "s", "star", "f"):
            receiver = ctx.function(func(ctx, name)).receiver
            receivers[name] = receiver.name if receiver is not None else None
        return receivers

    assert inspect(source, look) == {"m": "this", "c": "klass", "s": None, "star": None, "f": None}


def test_async_and_generator():
    source = """\
        def gen():
            yield 1
        def gen_from():
            yield from range(3)
        async def agen():
            await thing()
            yield 2
        async def coro():
            await thing()
        def outer():
            def inner():
                yield 3
            return [x for x in range(3)]
        lam = lambda: (yield)
        """

    def look(ctx: Context):
        found = {}
        for node in ctx.function_defs:
            facts = ctx.function(node)
            found[facts.name] = (facts.is_async, facts.is_generator, len(facts.yields), len(facts.awaits))
        return found

    assert inspect(source, look) == {
        "gen": (False, True, 1, 0),
        "gen_from": (False, True, 1, 0),
        "agen": (True, True, 1, 1),
        "coro": (True, False, 0, 1),
        "outer": (False, False, 0, 0),  # its nested def's yield is not its own
        "inner": (False, True, 1, 0),
        "lam": (False, True, 1, 0),
    }


def test_name_of_a_lambda_assigned_to_a_name():
    source = """\
        square = lambda x: x * x
        pairs = sorted(items, key=lambda kv: kv[1])
        a = b = lambda: 0
        """

    def look(ctx: Context):
        return [ctx.function(node).name for node in nodes(ctx, ast.Lambda)]

    assert inspect(source, look) == ["square", "lambda", "lambda"]


def test_binding_of_a_def_and_of_a_named_lambda():
    source = """\
        def f(): pass
        g = lambda: 0
        h = sorted(xs, key=lambda v: v)
        """

    def look(ctx: Context):
        return (
            where(ctx.function(func(ctx, "f")).binding),
            where(ctx.function(nodes(ctx, ast.Lambda)[0]).binding),
            ctx.function(nodes(ctx, ast.Lambda)[1]).binding,
        )

    assert inspect(source, look) == (("function", 1), ("assign", 2), None)


# -- decorators and parameters -------------------------------------------------------------------


def test_decorators_by_qualified_name_through_import_aliases():
    source = """\
        import functools as ft
        from functools import wraps as w
        from contextlib import contextmanager
        @ft.lru_cache(maxsize=None)
        @w(other)
        @contextmanager
        @app.route("/")
        @local
        def f(): pass
        """
    assert facts_of(source, "f", lambda facts, ctx: facts.decorators) == (
        "functools.lru_cache", "functools.wraps", "contextlib.contextmanager", "app.route", "local",
    )


def test_decorators_resolve_in_the_scope_of_the_def():
    source = """\
        def outer():
            import contextlib as cl
            @cl.contextmanager
            def inner():
                yield
            return inner
        class C:
            from functools import cached_property as cp
            @cp
            def value(self):
                return 1
        """

    def look(ctx: Context):
        inner, value = ctx.function(func(ctx, "inner")), ctx.function(func(ctx, "value"))
        return inner.decorators, value.decorators, value.kind

    assert inspect(source, look) == (("contextlib.contextmanager",), ("functools.cached_property",), "property")


def test_parameters_with_kinds_defaults_and_annotations():
    source = """\
        def f(a, /, b: int = 1, *args: str, c, d: "D" = None, **kw) -> bool:
            pass
        """

    def ask(facts, ctx):
        rows = []
        for p in facts.parameters:
            rows.append((
                p.name, p.kind,
                ast.unparse(p.default) if p.default is not None else None,
                ast.unparse(p.annotation) if p.annotation is not None else None,
            ))
        return rows, [p.name for p in facts.positional], facts.parameter("kw").kind, facts.parameter("zz")

    rows, positional, kw_kind, missing = facts_of(source, "f", ask)
    assert rows == [
        ("a", "posonly", None, None),
        ("b", "positional", "1", "int"),
        ("args", "vararg", None, "str"),
        ("c", "kwonly", None, None),
        ("d", "kwonly", "None", "'D'"),
        ("kw", "kwarg", None, None),
    ]
    assert positional == ["a", "b"]
    assert (kw_kind, missing) == ("kwarg", None)


def test_lambda_parameters():
    source = "f = lambda x, y=2, *r, k=3: x\n"
    rows = facts_of(source, "<lambda>", lambda facts, ctx: [
        (p.name, p.kind, p.default.value if p.default is not None else None) for p in facts.parameters
    ])
    assert rows == [("x", "positional", None), ("y", "positional", 2), ("r", "vararg", None), ("k", "kwonly", 3)]


# -- what it does in its own body ---------------------------------------------------------------


def test_returns_loops_and_calls_of_the_own_body():
    source = """\
        def f(items):
            for item in items:
                check(item)
            while cond():
                pass
            @decorate(arg())
            def nested(default=make()):
                hidden()
                for x in y:
                    return x
            squares = [sq(i) for i in items]
            g = lambda v=lam_default(): lam_body()
            class K(base()):
                attr = in_class()
            if items:
                return squares
            return None
        """

    def ask(facts, ctx):
        calls = [ast.unparse(c.func) for c in facts.calls]
        return (
            [r.lineno for r in facts.returns],
            [type(n).__name__ for n in facts.loops],
            calls,
            [type(n).__name__ for n in facts.nested],
        )

    returns, loops, calls, nested = facts_of(source, "f", ask)
    assert returns == [16, 17]
    assert loops == ["For", "While", "ListComp"]
    # Nested bodies are excluded; what a nested def or class evaluates where it stands is included.
    assert calls == ["check", "cond", "decorate", "arg", "make", "sq", "lam_default", "base"]
    assert nested == ["FunctionDef", "Lambda", "ClassDef"]


def test_is_recursive():
    source = """\
        def fact(n):
            return 1 if n < 2 else n * fact(n - 1)
        def once(n):
            def fact(n):
                return n
            return fact(n)
        """

    def look(ctx: Context):
        return ctx.function(func(ctx, "fact")).is_recursive, ctx.function(func(ctx, "once")).is_recursive

    assert inspect(source, look) == (True, False)


def test_free_variables_are_names_read_from_enclosing_functions():
    source = """\
        CONSTANT = 1
        def outer(n):
            total = 0
            unused = 2
            def inner(x):
                nonlocal total
                total += x
                return [x + n + CONSTANT + k for k in range(total)]
            return inner
        def make(step):
            return lambda value: value + step
        """

    def look(ctx: Context):
        inner = ctx.function(func(ctx, "inner")).free_variables
        lam = ctx.function(nodes(ctx, ast.Lambda)[0]).free_variables
        outer = ctx.function(func(ctx, "outer")).free_variables
        outer_scope = ctx.scopes[func(ctx, "outer")]
        return (
            sorted(inner), all(b.scope is outer_scope for b in inner.values()),
            {k: where(b) for k, b in lam.items()}, outer,
        )

    inner, from_outer, lam, outer = inspect(source, look)
    # Globals, builtins, the own parameters and the comprehension's variable are not free.
    assert (inner, from_outer) == (["n", "total"], True)
    assert lam == {"step": ("param", 10)}
    assert outer == {}


def test_a_comprehension_variable_read_by_a_lambda_is_free():
    source = """\
        callbacks = [lambda: i for i in range(3)]
        def g(n):
            return [lambda: n + j for j in range(n)]
        """

    def look(ctx: Context):
        return [sorted(ctx.function(node).free_variables) for node in nodes(ctx, ast.Lambda)]

    # A comprehension is a function scope: the lambdas close over its variable (the late-binding
    # closure pitfall); `(lambda: i).__code__.co_freevars == ('i',)`.
    assert inspect(source, look) == [["i"], ["j", "n"]]
