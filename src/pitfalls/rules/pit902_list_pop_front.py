"""PIT902: `L.pop(0)` / `L.insert(0, x)` in a loop shifts every element each time: O(n²)."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.analyses.mutation import LIST_RESULT_METHODS, binding_container, value_container
from pitfalls.analyses.paths import parameter_rebound, reads_only
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

DEQUE_WAY = {"pop": "popleft()", "insert": "appendleft({item})"}


class ListPopFront(Rule):
    code = "PIT902"
    name = "list-pop-front"
    severity = Severity.INFO
    other_severities = {
        Severity.HAZARD: "for a receiver of unknown type, a pop behind an `if` or in a `for`, a loop that trims a "
                         "few items, and in a test file",
    }
    needs = ("pop(0", "insert(0")
    summary = "`L.pop(0)` or `L.insert(0, x)` in a loop shifts every element on each call"
    message = "'{call}' in a loop shifts every element of '{receiver}' each time; a deque does it in O(1)"
    method_names = frozenset({"pop", "insert"})
    bad_example = """\
def walk(graph, start):
    queue = [start]
    while queue:
        node = queue.pop(0)
        queue.extend(graph[node])
"""
    good_example = """\
from collections import deque

def walk(graph, start):
    queue = deque([start])
    while queue:
        node = queue.popleft()
        queue.extend(graph[node])
"""
    example_context = {
        "call": "queue.pop(0)",
        "receiver": "queue",
        "method": "pop",
        "deque_call": "queue.popleft()",
        "known": "list",
    }
    explanation = Explanation(
        definition="A list keeps its items side by side in one block of memory, so `$call` shifts every "
        "item of `$receiver` behind the front by one place: O(n) for each call.",
        variant_key="method",
        implication={
            "": "Done once per pass of the loop, that is about n²/2 moves for n items, O(n²): 10 times "
            "the items, about 100 times the work.",
        },
        example="$call",
        layer="Only the front is slow: `pop()` and `append(x)` at the end are O(1). A `collections.deque` "
        "is O(1) at both ends, but it has no slicing, and its docs say indexing slows to O(n) in the middle.",
        follow_ups=(
            FollowUp(
                "When does this matter?",
                "When `$receiver` can be long: draining 2,000 items moves about two million. For a "
                "handful of items it is a handful of moves, so the list is fine.",
            ),
            FollowUp(
                "Can I keep the list?",
                "Yes: walk it with an index (`i += 1`) instead of popping, or reverse it once and "
                "`pop()` from the end, which is O(1).",
            ),
        ),
        fix="Make `$receiver` a `collections.deque` where it is built, and call `$deque_call`: O(1) at "
        "the front.",
        fix_code="$deque_call",
        key_points=(
            "`$call` shifts every item of `$receiver` behind the front: O(n)",
            "Once per pass of the loop, that is O(n²) for n items",
            "Fix: make `$receiver` a `collections.deque`, O(1) at both ends",
        ),
        demo="""\
from collections import deque

queue = [10, 20, 30, 40]
before = {item: queue.index(item) for item in queue}
assert queue.pop(0) == 10 and queue == [20, 30, 40]
assert all(queue.index(item) == before[item] - 1 for item in queue)  # every item behind moved one place
queue = [2, 3]
queue.insert(0, 0)
assert queue == [0, 2, 3]
assert queue.pop() == 3  # the end is cheap: nothing moves

fast = deque([1, 2, 3])
assert fast.popleft() == 1 and list(fast) == [2, 3]  # same result as pop(0)
fast.appendleft(0)
assert list(fast) == [0, 2, 3]  # same as insert(0, 0)
assert fast[1] == 2  # indexing works
try:
    fast[0:2]
except TypeError:
    pass  # but a deque has no slicing
else:
    raise AssertionError("deque slicing is expected to raise")

order = []
graph = {"a": ["b", "c"], "b": ["d"], "c": [], "d": []}
todo = deque(["a"])
while todo:
    node = todo.popleft()
    order.append(node)
    todo.extend(graph[node])
assert order == ["a", "b", "c", "d"]  # breadth first, as with the list

def moves(n):  # draining n items with pop(0): the k-th call moves the n - k left behind
    return sum(n - k for k in range(1, n + 1))
assert moves(1000) == 1000 * 999 // 2  # about n²/2
assert 1_900_000 < moves(2000) < 2_100_000  # about two million for 2,000 items
assert 99 < moves(10_000) / moves(1000) < 101  # 10 times the items, about 100 times the work

items = [3, 4, 5]
i = 0
seen = []
while i < len(items):  # keep the list: walk it with an index
    seen.append(items[i])
    i += 1
assert seen == [3, 4, 5] and items == [3, 4, 5]
""",
        names=("call", "receiver"),
        flags="`L.pop(0)` and `L.insert(0, x)` inside a `for`/`while` loop or a comprehension, where `L` "
        "is a name bound to a list in the same scope (a list display or comprehension, `list(...)`, "
        "`sorted(...)`, `.split()`, `.readlines()`), or `self.x` when every assignment of it in the class "
        "is a list. Other receivers of unknown type are hazards (strict mode only), as are hits in test files.",
        not_flagged=(
            "A `collections.deque` (`pop(0)` is not even its method), a dict or a set: `d.pop(0)` takes the "
            "key `0`, O(1).",
            "A call outside any loop: once is O(n), not O(n²).",
            "`pop()`, `pop(-1)`, `pop(i)` with another index, and `insert(i, x)` elsewhere than the front.",
        ),
        references=(
            "https://docs.python.org/3/tutorial/datastructures.html#using-lists-as-queues",
            "https://docs.python.org/3/library/collections.html#collections.deque",
            "https://wiki.python.org/moin/TimeComplexity",
        ),
        prior_art=("no peer in ruff, pylint, bugbear or perflint; the Python tutorial (lists as queues)",),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.calls: list[ast.Call] = []

    def visit(self, node: ast.AST) -> None:
        if not isinstance(node, ast.Call) or node.keywords or not isinstance(node.func, ast.Attribute):
            return
        method = node.func.attr
        arity = 1 if method == "pop" else 2
        if len(node.args) != arity or not _is_zero(node.args[0]) or any(isinstance(a, ast.Starred) for a in node.args):
            return
        if self.ctx.loops_around(node):
            self.calls.append(node)

    def finish(self) -> None:
        for node in self.calls:
            self._decide(node)

    def _decide(self, node: ast.Call) -> None:
        method = node.func.attr  # type: ignore[attr-defined]
        receiver = node.func.value  # type: ignore[attr-defined]
        kind = self._kind(receiver)
        if kind is not None and kind != "list":
            return  # a deque, dict, set or bytearray: not a list's shift (or not even a shift)
        severity = Severity.INFO if kind == "list" else Severity.HAZARD
        if kind is None and not isinstance(receiver, (ast.Name, ast.Attribute)):
            return
        if self.ctx.in_test_file or not self._runs_per_item(node, receiver, method):
            severity = Severity.HAZARD
        shown = self.ctx.segment(receiver)
        item = self.ctx.segment(node.args[1]) if method == "insert" else ""
        self.report(
            node,
            severity=severity,
            call=self.ctx.segment(node),
            receiver=shown,
            method=method,
            deque_call=f"{shown}.{DEQUE_WAY[method].format(item=item)}",
            known=kind or "",
        )

    def _runs_per_item(self, node: ast.Call, receiver: ast.expr, method: str) -> bool:
        """The shapes where the list grows with the data and the call runs once per item: a
        `pop(0)` draining the list (`while queue:` with the list in the test), an `insert(0, x)`
        straight in the body of a `for` loop (each item put in front). Elsewhere (behind an `if`,
        in a loop that runs a few times) the list is usually short: a hazard."""
        loop = self.ctx.loops_around(node)[0]
        if method == "pop":
            if not isinstance(loop, ast.While):
                return False
            if node is loop.test or loop.test in self.ctx.ancestors(node):
                return False  # `while not lines.pop(0).startswith("---")`: skips a header
            shown = self.ctx.segment(receiver, limit=None)
            tested = [n for n in ast.walk(loop.test) if isinstance(n, (ast.Name, ast.Attribute))
                      and self.ctx.segment(n, limit=None) == shown]
            # `while lines and not lines[0]:` trims a few leading items, it does not drain.
            return bool(tested) and not any(isinstance(self.ctx.parent(n), ast.Subscript) for n in tested)
        statement = self.ctx.statement(node)
        return isinstance(loop, (ast.For, ast.AsyncFor)) and statement in loop.body

    def _kind(self, receiver: ast.expr) -> Optional[str]:
        """"list" (or another container word) when the receiver is known to be one, else None."""
        ctx = self.ctx
        if isinstance(receiver, ast.Name):
            binding = reads_only(ctx, receiver, lambda b: _container(ctx, b) is not None)
            if binding is None:
                binding = parameter_rebound(ctx, receiver, lambda b: _container(ctx, b) is not None)
            return _container(ctx, binding) if binding is not None else None
        if (isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name)
                and receiver.value.id == "self"):
            return self._attribute_kind(receiver)
        return _value_kind(ctx, receiver, None)

    def _attribute_kind(self, receiver: ast.Attribute) -> Optional[str]:
        """The container every `self.x = ...` of the enclosing class stores, or None."""
        cls = self.ctx.enclosing_class(receiver)
        if cls is None:
            return None
        kinds = set()
        for method in self.ctx.class_facts(cls).instance_methods:
            for name, node, _ in method.assignments():
                if name != receiver.attr:
                    continue
                store = self.ctx.parent(node)
                if isinstance(store, (ast.Assign, ast.AnnAssign)) and store.value is not None:
                    kinds.add(_value_kind(self.ctx, store.value, None))
                else:
                    kinds.add(None)
        return kinds.pop() if len(kinds) == 1 else None


def _container(ctx, binding) -> Optional[str]:
    found = binding_container(ctx, binding)
    if found is None and binding.kind in ("assign", "walrus") and binding.value is not None:
        found = _value_kind(ctx, binding.value, binding.scope)
    return found


def _value_kind(ctx, value: ast.expr, scope) -> Optional[str]:
    found = value_container(ctx, value, scope)
    if found is None and isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr in LIST_RESULT_METHODS and ctx.call_name(value, scope) in (None, f"builtins.str.{value.func.attr}"):
            return "list"
    if found is None and isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        if isinstance(value.left, (ast.List, ast.ListComp)) or isinstance(value.right, (ast.List, ast.ListComp)):
            return "list"
    return found


def _is_zero(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == 0
