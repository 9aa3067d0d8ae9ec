"""References: every name load resolved to its binding, in evaluation order, deferred as Python defers."""

from __future__ import annotations

import ast
import sys

import pytest
from model_probe import inspect, load, names, where

from pitfalls.model import Context, ScopeKind


def resolved(source: str, name: str, index: int = 0):
    """(kind, line) of the binding the `index`-th load of `name` reads; None for a builtin."""
    return inspect(source, lambda ctx: where(ctx.resolve(load(ctx, name, index))))


# -- each load resolves to the right binding ----------------------------------------------------


def test_parameter_and_local():
    source = """\
        a = 0
        def f(a):
            b = a
            return a + b
        """
    assert resolved(source, "a") == ("param", 2)
    assert resolved(source, "a", 1) == ("param", 2)
    assert resolved(source, "b") == ("assign", 3)


def test_reference_records_the_scope_it_is_read_in():
    def look(ctx: Context):
        reference = ctx.reference(load(ctx, "a"))
        return reference.scope.kind, reference.scope.node.name, reference.binding.scope.kind

    assert inspect("def f(a):\n    return a\n", look) == (ScopeKind.FUNCTION, "f", ScopeKind.FUNCTION)


def test_global_statement_binds_in_the_module():
    source = """\
        counter = 0
        def bump():
            global counter
            counter = counter + 1
            return counter
        def read():
            return counter
        """

    def look(ctx: Context):
        stores = names(ctx, "counter", store=True)
        inner = ctx.scopes[ctx.tree.body[1]]
        return (
            [b.scope is ctx.module_scope for b in ctx.module_scope.bindings["counter"]],
            "counter" in inner.bindings,
            where(ctx.resolve(load(ctx, "counter", 0))),  # the right side reads the module's
            where(ctx.resolve(load(ctx, "counter", 1))),  # after the assignment: the new one
            where(ctx.resolve(load(ctx, "counter", 2))),  # another function sees it too
            len(stores),
        )

    assert inspect(source, look) == ([True, True], False, ("assign", 1), ("assign", 4), ("assign", 4), 2)


def test_nonlocal_binds_in_the_enclosing_function():
    source = """\
        def outer():
            n = 0
            def inner():
                nonlocal n
                n += 1
                return n
            return inner, n
        """

    def look(ctx: Context):
        outer = ctx.scopes[ctx.tree.body[0]]
        return (
            [where(b) for b in outer.bindings["n"]],
            where(ctx.reference(names(ctx, "n")[3]).binding),  # the read of `n += 1`
            where(ctx.resolve(load(ctx, "n", 0))),  # return n, in inner
            where(ctx.resolve(load(ctx, "n", 1))),  # return inner, n: walked before inner's body
        )

    assert inspect(source, look) == (
        [("assign", 2), ("augassign", 5)], ("assign", 2), ("augassign", 5), ("assign", 2),
    )


def test_class_scope_is_skipped_by_methods_but_seen_by_the_class_body():
    source = """\
        x = "module"
        class C:
            x = "class"
            y = x
            def m(self):
                return x
            z = [x for _ in range(2)]
            w = [_ for _ in x]
        """
    assert resolved(source, "x", 0) == ("assign", 3)  # y = x, in the class body
    assert resolved(source, "x", 1) == ("assign", 1)  # the method skips the class
    assert resolved(source, "x", 2) == ("assign", 1)  # so does a comprehension's element
    assert resolved(source, "x", 3) == ("assign", 3)  # but its first iterable is in the class body


def test_comprehension_targets_are_local_to_the_comprehension():
    source = """\
        i = "outer"
        squares = [i * i for i in range(3) if i]
        after = i
        pairs = {k: v for k, v in {}.items()}
        """

    def look(ctx: Context):
        comp = ctx.tree.body[1].value
        inner = [ctx.resolve(n) for n in names(ctx, "i", store=False)]
        return (
            [b.scope.node is comp for b in inner[:3]],
            [b.kind for b in inner[:3]],
            where(inner[3]),
            where(ctx.resolve(load(ctx, "v"))),
            "i" in ctx.module_scope.bindings and len(ctx.module_scope.bindings["i"]),
        )

    assert inspect(source, look) == ([True, True, True], ["loop"] * 3, ("assign", 1), ("unpack", 4), 1)


def test_walrus_binds_in_the_enclosing_scope():
    source = """\
        def f(xs):
            hits = [y for v in xs if (y := v * 2) > 3]
            return y
        """

    def look(ctx: Context):
        function_scope = ctx.scopes[ctx.tree.body[0]]
        binding = function_scope.bindings["y"][0]
        return (
            binding.kind,
            isinstance(binding.value, ast.BinOp),
            ctx.resolve(load(ctx, "y", 0)) is binding,  # the element, in the comprehension
            ctx.resolve(load(ctx, "y", 1)) is binding,  # return y
            [ctx.scope_of(r.node).kind for r in binding.references],
        )

    assert inspect(source, look) == ("walrus", True, True, True, [ScopeKind.COMPREHENSION, ScopeKind.FUNCTION])


def test_builtins_and_undefined_names_resolve_to_none_but_are_recorded():
    source = """\
        def f(xs):
            return len(xs) + undefined_name
        """

    def look(ctx: Context):
        found = {}
        for name in ("len", "undefined_name"):
            reference = ctx.reference(load(ctx, name))
            found[name] = (reference is not None, reference.binding if reference else "missing")
        return found

    assert inspect(source, look) == {"len": (True, None), "undefined_name": (True, None)}


def test_a_module_binding_shadows_the_builtin():
    source = """\
        def list(x):
            return x
        y = list(3)
        """
    assert resolved(source, "list") == ("function", 1)


def test_import_aliases_are_bindings_with_a_qualified_name():
    source = """\
        import os.path
        from collections import defaultdict as dd
        a = dd(list)
        b = os.path.join
        """

    def look(ctx: Context):
        dd, os = ctx.resolve(load(ctx, "dd")), ctx.resolve(load(ctx, "os"))
        return dd.kind, dd.qualname, os.qualname, ctx.call_name(ctx.tree.body[2].value)

    assert inspect(source, look) == ("import", "collections.defaultdict", "os", "collections.defaultdict")


# -- binding.references and seq -------------------------------------------------------------------


def test_binding_references_are_listed_in_evaluation_order():
    source = """\
        total = 0
        print(total)
        def f():
            return total
        if total:
            total
        """

    def look(ctx: Context):
        binding = ctx.module_scope.bindings["total"][0]
        return [(r.node.lineno, r.scope.kind) for r in binding.references]

    # The function body is walked after the module: its load comes last.
    assert inspect(source, look) == [(2, ScopeKind.MODULE), (5, ScopeKind.MODULE), (6, ScopeKind.MODULE),
                                     (4, ScopeKind.FUNCTION)]


def test_seq_reads_the_right_side_before_binding_the_target():
    source = """\
        x = 1
        x = x + 1
        """

    def look(ctx: Context):
        first, second = ctx.module_scope.bindings["x"]
        read = ctx.reference(load(ctx, "x"))
        return first.seq < read.seq < second.seq, read.binding is first, second.references

    assert inspect(source, look) == (True, True, [])


def test_seq_follows_evaluation_order_not_source_order():
    source = """\
        for item in items:
            use(item)
        d = {k: v for k, v in pairs}
        """

    def look(ctx: Context):
        seq = {}
        for name in ("items", "use", "pairs", "k", "v"):
            seq[name] = ctx.reference(load(ctx, name)).seq
        loop_target = ctx.module_scope.bindings["item"][0].seq
        item_read = ctx.reference(load(ctx, "item")).seq
        comp = ctx.scopes[ctx.tree.body[1].value]
        k_bind = comp.bindings["k"][0].seq
        return (
            seq["items"] < loop_target < seq["use"] < item_read,  # iterable, target, then body
            seq["pairs"] < k_bind < seq["k"] < seq["v"],  # first iterable, target, key, value
        )

    assert inspect(source, look) == (True, True)


def test_augmented_assignment_records_a_load_then_a_binding():
    source = """\
        n = 0
        n += 1
        """

    def look(ctx: Context):
        first, second = ctx.module_scope.bindings["n"]
        node = names(ctx, "n")[1]  # the one Name of `n += 1`, a Store
        reference = ctx.reference(node)
        return (
            isinstance(node.ctx, ast.Store),
            second.kind,
            second.node is node,
            reference is not None and reference.binding is first,
            reference is not None and first.seq < reference.seq < second.seq,
            [r.node for r in first.references] == [node],
        )

    assert inspect(source, look) == (True, "augassign", True, True, True, True)


def test_rebound_between():
    source = """\
        x = 1
        a = x
        x = 2
        b = x
        y = 1
        if cond:
            y = 2
        c = y
        z = 1
        def g():
            z = 5
        d = z
        """

    def look(ctx: Context):
        module = ctx.module_scope
        x1, x2 = module.bindings["x"]
        (y1,) = [b for b in module.bindings["y"] if b.node.lineno == 5]
        (z1,) = module.bindings["z"]
        return (
            ctx.rebound_between(x1, load(ctx, "x", 0)),  # a = x: nothing in between
            ctx.rebound_between(x1, load(ctx, "x", 1)),  # b = x: x = 2 in between
            ctx.rebound_between(x2, load(ctx, "x", 1)),
            ctx.rebound_between(y1, load(ctx, "y")),  # rebound on one path counts
            ctx.rebound_between(z1, load(ctx, "z")),  # another scope's `z` does not
        )

    assert inspect(source, look) == (False, True, False, True, False)


# -- deferred resolution --------------------------------------------------------------------------


def test_a_function_body_sees_a_name_defined_further_down():
    source = """\
        def f():
            return g()
        def g():
            return 1
        """
    assert resolved(source, "g") == ("function", 3)


def test_a_function_body_sees_the_modules_last_binding():
    source = """\
        x = 1
        def f():
            return x
        x = 2
        x = 3
        """
    assert resolved(source, "x") == ("assign", 5)


def test_defaults_and_decorators_resolve_at_def_time():
    source = """\
        x = 1
        deco = first
        @deco
        def f(a=x, *, b: x = x):
            return x
        x = 2
        deco = second
        """

    def look(ctx: Context):
        return (
            [where(ctx.resolve(n)) for n in names(ctx, "x", store=False)],
            where(ctx.resolve(load(ctx, "deco"))),
        )

    # The default, the annotation and the keyword default run at def time; the body at the end.
    assert inspect(source, look) == ([("assign", 1), ("assign", 1), ("assign", 1), ("assign", 6)], ("assign", 2))


def test_a_nested_function_sees_its_enclosing_function_as_it_ends():
    source = """\
        def outer():
            def inner():
                return late
            late = 1
            late = 2
            return inner
        """
    assert resolved(source, "late") == ("assign", 5)


def test_a_lambda_body_is_deferred_too():
    source = """\
        f = lambda: helper()
        def helper():
            return 1
        """
    assert resolved(source, "helper") == ("function", 2)


def test_a_class_body_runs_at_once_and_is_not_deferred():
    source = """\
        class C:
            value = later
        later = 1
        """
    assert resolved(source, "later") is None


# -- binding kinds ----------------------------------------------------------------------------------


def test_binding_kinds():
    source = """\
        import os.path
        from a import b as c
        def f(): pass
        class K: pass
        x: int
        y: int = 1
        for i, (j, k) in z: pass
        with open(p) as fh, q() as (r, s): pass
        try: pass
        except E as err: pass
        (w := 3)
        n = 0
        n += 1
        """

    def look(ctx: Context):
        return {name: [b.kind for b in found] for name, found in ctx.module_scope.bindings.items()}

    assert inspect(source, look) == {
        "os": ["import"], "c": ["import"], "f": ["function"], "K": ["class"], "x": ["annotation"],
        "y": ["assign"], "i": ["unpack"], "j": ["unpack"], "k": ["unpack"], "fh": ["with"],
        "r": ["unpack"], "s": ["unpack"], "err": ["other"], "w": ["walrus"], "n": ["assign", "augassign"],
    }


def test_binding_values():
    source = """\
        a = [1]
        b: list = []
        for loop in range(3): pass
        with open(p) as fh: pass
        """

    def look(ctx: Context):
        values = {}
        for name in ("a", "b", "loop", "fh"):
            value = ctx.module_scope.last(name).value
            values[name] = ast.unparse(value) if value is not None else None
        return values

    assert inspect(source, look) == {"a": "[1]", "b": "[]", "loop": None, "fh": "open(p)"}


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10+")
def test_match_captures_are_bindings_read_in_their_case():
    source = """\
        match v:
            case [x, *rest]:
                a = x, rest
            case {"k": y, **others}:
                b = y, others
            case Point(x=px) as whole:
                c = px, whole
            case _:
                pass
        """

    def look(ctx: Context):
        return {n.id: where(ctx.resolve(n)) for n in ctx.references if n.id != "v"}

    assert inspect(source, look) == {
        "x": ("other", 2), "rest": ("other", 2), "y": ("other", 4), "others": ("other", 4),
        "Point": None, "px": ("other", 6), "whole": ("other", 6),
    }


def test_except_as_is_bound_in_the_handler_body_after_its_type_runs():
    source = """\
        e = ValueError
        try:
            work()
        except e as e:
            handle(e)
        """

    def look(ctx: Context):
        handler = next(n for n in ast.walk(ctx.tree) if isinstance(n, ast.ExceptHandler))
        caught = ctx.resolve(load(ctx, "e", 1))
        return (
            where(ctx.resolve(load(ctx, "e"))),  # the type reads the earlier `e`
            caught is not None and caught.node is handler,
            arm(ctx.branch_of(handler.body[0])) == arm(caught.branch if caught is not None else None),
            ctx.exclusive(caught.node, names(ctx, "work")[0]) if caught is not None else None,
        )

    def arm(branch):
        return None if branch is None else (branch.statement, branch.arm)

    assert inspect(source, look) == (("assign", 1), True, True, False)
