"""The engine and semantic model: one non-recursive walk, scopes and names as Python sees them."""

from __future__ import annotations

import ast
import sys
import textwrap

import pytest

from pitfalls.catalog import ALL_RULES
from pitfalls.engine import analyze
from pitfalls.findings import Severity
from pitfalls.rule import Rule
from pitfalls.source import check_source, split_lines


def model(source: str, probe_type=ast.Call):
    """Runs a probe rule that records, for each node of `probe_type`, what the context says."""
    seen = []

    class Probe(Rule):
        code, name, severity, summary, message = "PIT000", "probe", Severity.INFO, "probe", "probe"
        node_types = (probe_type,)

        def visit(self, node):
            seen.append((node, self.ctx.scope, self.ctx.call_name(node) if isinstance(node, ast.Call) else None))

    source = textwrap.dedent(source)
    analyze(ast.parse(source), split_lines(source), [Probe])
    # Function bodies are walked after the code around them: report in source order.
    return sorted(seen, key=lambda item: (item[0].lineno, item[0].col_offset))


def test_deep_expression_does_not_recurse_on_pythons_stack():
    # 900 terms parse fine and break a recursive ast.NodeVisitor at the default recursion limit.
    source = "x = " + " + ".join(["a"] * 900) + "\ndef f(y=[]):\n    return y\n"
    tree = ast.parse(source)
    with pytest.raises(RecursionError):
        ast.NodeVisitor().visit(tree)
    findings = check_source(source, "deep.py").findings
    assert [(f.code, f.line) for f in findings] == [("PIT101", 2)]


def test_deepest_parseable_nesting_is_analysed_fully():
    depth = 1
    while True:  # find how deep ast.parse goes on this interpreter, then analyse that
        try:
            ast.parse("x = " + "(" * (depth * 2) + "1" + ")" * (depth * 2))
            depth *= 2
        except (RecursionError, MemoryError, SyntaxError):
            break
    source = "x = " + "[" * depth + "1" + "]" * depth + "\ndef f(y={}):\n    return y\n"
    try:
        ast.parse(source)
    except (RecursionError, MemoryError, SyntaxError):
        pytest.skip("nesting limit probe overshot on this interpreter")  # keeps the test honest, not flaky
    assert [f.line for f in check_source(source, "deep.py").findings] == [2]


def test_nesting_deeper_than_the_parser_allows_is_a_one_line_error():
    report = check_source("x = " + "(" * 100_000 + ")" * 100_000, "deeper.py")
    assert report.findings == []
    assert report.error in {"too deeply nested for Python's parser", "syntax error: too many nested parentheses (line 1, column 201)"} or report.error.startswith("syntax error: too many nested")


def test_import_aliases_resolve_to_qualified_names():
    calls = model("""
        import collections as c
        import os.path
        from collections import defaultdict as dd
        from . import sibling
        c.OrderedDict()
        dd(list)
        os.path.join()
        sibling.run()
        len([])
        unknown()
    """)
    assert [name for _, _, name in calls] == [
        "collections.OrderedDict", "collections.defaultdict", "os.path.join", ".sibling.run",
        "builtins.len", None,
    ]


def test_local_binding_shadows_builtin_and_import():
    calls = model("""
        from collections import deque
        def f(list, deque):
            list()
            deque()
        set()
    """)
    assert [name for _, _, name in calls] == [None, None, "builtins.set"]


def test_class_scope_is_skipped_by_methods_but_not_by_its_own_body():
    calls = model("""
        from collections import deque
        class K:
            deque = list
            deque()
            def m(self):
                deque()
    """)
    assert [name for _, _, name in calls] == [None, "collections.deque"]


def test_comprehension_first_iterable_is_evaluated_outside():
    calls = model("""
        def f(items):
            return [g() for g in items(x() for x in h())]
    """)
    scopes = {call.func.id: scope.kind.value for call, scope, _ in calls}
    assert scopes == {"items": "function", "h": "function", "x": "comprehension", "g": "comprehension"}


def test_defaults_and_decorators_are_evaluated_in_the_enclosing_scope():
    calls = model("""
        @deco()
        def f(a=default(), *, b=kw()):
            body()
        g = lambda c=ld(): lbody()
    """)
    assert {call.func.id: scope.kind.value for call, scope, _ in calls} == {
        "deco": "module", "default": "module", "kw": "module", "body": "function", "ld": "module", "lbody": "lambda",
    }


def test_assignment_binds_after_its_value_is_evaluated():
    # `list = list(x)` in a function: the call on the right is still the builtin.
    calls = model("""
        def f(x):
            list = list(x)
            return list()
    """)
    assert [name for _, _, name in calls] == ["builtins.list", None]


def test_global_and_walrus_bind_in_the_right_scope(check):
    findings = check("""
        from collections import deque
        def f():
            global deque
            deque = lambda: 1
        def g(x=deque()):
            x.append(1)
        def h(xs):
            return [y for x in xs if (list := x)]
        def k(z=list()):
            z.append(1)
    """)
    # g's default runs when `def g` runs, before anything calls f: it is still collections.deque
    # (f's `global` rebinds it only when f is called). list is rebound only inside h, so k's
    # default is the builtin.
    assert [f.line for f in findings] == [6, 10]


def test_a_rule_that_raises_does_not_take_down_the_others():
    class Broken(Rule):
        code, name, severity, summary, message = "PIT999", "broken", Severity.ERROR, "broken", "broken"
        node_types = (ast.Name,)

        def visit(self, node):
            raise ValueError("boom")

    source = "def f(x=[]):\n    return x\n"
    result = analyze(ast.parse(source), split_lines(source), [Broken, *ALL_RULES])
    assert [f.code for f in result.findings] == ["PIT101"]
    assert [(e.code, str(e.error)) for e in result.errors] == [("PIT999", "boom")]


def test_parent_links_and_enclosing_nodes():
    source = "class C:\n    def m(self):\n        for x in y:\n            z()\n"
    found = []

    class Probe(Rule):
        code, name, severity, summary, message = "PIT000", "probe", Severity.INFO, "probe", "probe"
        node_types = (ast.Call,)

        def visit(self, node):
            ctx = self.ctx
            found.append((type(ctx.parent(node)).__name__, ctx.enclosing_function(node).name,
                          ctx.enclosing_class(node).name, type(ctx.enclosing(node, (ast.For,))).__name__))

    analyze(ast.parse(source), split_lines(source), [Probe])
    assert found == [("Expr", "m", "C", "For")]


def test_findings_come_out_in_source_order(check):
    findings = check("""
        def late(b={}):
            pass
        early = lambda a=[]: a
    """)
    assert [f.line for f in findings] == sorted(f.line for f in findings)


def test_yield_from_hands_out_elements_so_the_default_is_only_read(check):
    findings = check("""
        def walk(items=[]):
            yield from items
        def keep(items=[]):
            yield items
    """)
    assert [(f.line, f.severity.value, f.context["use"]) for f in findings] == [(2, "hazard", ""), (4, "hazard", "yields")]


def test_an_engine_bug_costs_one_file_and_never_reaches_flake8(tmp_path, monkeypatch):
    import pitfalls.engine
    import pitfalls.source
    from pitfalls.flake8_plugin import Plugin

    def broken(*args, **kwargs):
        raise RuntimeError("walk failed")

    monkeypatch.setattr(pitfalls.source, "analyze", broken)
    report = pitfalls.source.check_source("x = 1\n", "a.py")
    assert report.error is None and [e.code for e in report.rule_errors] == ["engine"]
    monkeypatch.setattr(pitfalls.flake8_plugin, "analyze", broken)
    assert list(Plugin(ast.parse("x = 1\n"), ["x = 1\n"], "a.py").run()) == []
