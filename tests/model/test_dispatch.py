"""Dispatch by method name: a rule asking for `pop` calls gets exactly the `x.pop(...)` calls."""

from __future__ import annotations

import ast
import textwrap

from pitfalls.engine import analyze
from pitfalls.findings import Severity
from pitfalls.rule import Rule
from pitfalls.source import split_lines

SOURCE = """\
stack = [1, 2]
stack.pop()
d = {}
d.pop("k", None).pop()
pop()
stack.popitem()
handle = stack.pop
getattr(stack, "pop")()
def f(self):
    return self.items.pop(0)
g = lambda q: q.pop()
class C:
    first = [q.pop() for q in queues]
    stack.sort()
"""


def dispatched(source: str, *methods: frozenset) -> list[list[tuple[int, int, str, str]]]:
    """For one probe rule per set of method names: (line, col, source, scope kind) of each visit."""
    seen: list[list[tuple[int, int, str, str]]] = [[] for _ in methods]
    rules = []
    for index, names in enumerate(methods):

        class Probe(Rule):
            code, name, severity, summary, message = f"PIT90{index}", "probe", Severity.INFO, "probe", "probe"
            method_names = names
            slot = index

            def visit(self, node: ast.AST) -> None:
                seen[self.slot].append(
                    (node.lineno, node.col_offset, ast.unparse(node), self.ctx.scope.kind.value)
                )

        rules.append(Probe)
    source = textwrap.dedent(source)
    result = analyze(ast.parse(source), split_lines(source), rules)
    assert result.errors == []
    return seen


def test_only_calls_of_the_named_method_reach_the_rule():
    (pops,) = dispatched(SOURCE, frozenset({"pop"}))
    # In evaluation order: the module first (an outer call before the call it is made on,
    # a comprehension in a class body at once), function and lambda bodies after it.
    assert pops == [
        (2, 0, "stack.pop()", "module"),
        (4, 0, "d.pop('k', None).pop()", "module"),
        (4, 0, "d.pop('k', None)", "module"),
        (13, 13, "q.pop()", "comprehension"),
        (10, 11, "self.items.pop(0)", "function"),
        (11, 14, "q.pop()", "lambda"),
    ]


def test_each_rule_gets_its_own_methods():
    pops, sorts, both = dispatched(SOURCE, frozenset({"pop"}), frozenset({"sort"}), frozenset({"sort", "popitem"}))
    assert len(pops) == 6
    assert sorts == [(14, 4, "stack.sort()", "class")]
    assert [text for _, _, text, _ in both] == ["stack.popitem()", "stack.sort()"]


def test_no_call_by_that_name_no_visit():
    (seen,) = dispatched("x = [1]\nx.append(2)\nprint(x.pop)\n", frozenset({"pop"}))
    assert seen == []


def test_a_rule_that_also_wants_every_call_sees_each_call_once():
    seen: list[str] = []

    class Probe(Rule):
        code, name, severity, summary, message = "PIT900", "probe", Severity.INFO, "probe", "probe"
        node_types = (ast.Call,)
        method_names = frozenset({"pop"})

        def visit(self, node: ast.AST) -> None:
            seen.append(ast.unparse(node))

    source = "x.pop()\nf()\n"
    assert analyze(ast.parse(source), split_lines(source), [Probe]).errors == []
    assert seen == ["x.pop()", "f()"]


def test_a_computed_fact_runs_once_per_file_and_is_shared_by_the_rules_that_ask():
    runs: list[str] = []

    def calls_named_pop(ctx) -> list:
        runs.append(ctx.path)
        return [n for n in ctx.parents if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "pop"]

    seen: list[int] = []

    def asking(code: str) -> type:
        class Asks(Rule):
            name, severity, summary, message = "asks", Severity.INFO, "asks", "asks"

            def finish(self) -> None:
                seen.append(len(self.ctx.computed(calls_named_pop)))

        Asks.code = code
        return Asks

    class Silent(Rule):
        code, name, severity, summary, message = "PIT992", "silent", Severity.INFO, "silent", "silent"

    analyze(ast.parse(SOURCE), split_lines(SOURCE), [asking("PIT990"), asking("PIT991")], path="a.py")
    expected = sum(isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "pop" for n in ast.walk(ast.parse(SOURCE)))
    assert runs == ["a.py"] and seen == [expected, expected] and expected > 0
    analyze(ast.parse(SOURCE), split_lines(SOURCE), [Silent], path="b.py")
    assert runs == ["a.py"]  # no rule asked: never computed
