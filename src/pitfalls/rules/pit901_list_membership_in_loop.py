"""PIT901: `x in L` inside a loop, where `L` is a list built from data: O(n) per test."""

from __future__ import annotations

import ast

from pitfalls.analyses.mutation import LIST_RESULT_METHODS, uses_of
from pitfalls.analyses.paths import parameter_rebound, reads_only
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

# Calls that build a new list from data, by qualified name, and methods that return one.
LIST_CALLS = frozenset({"builtins.list", "builtins.sorted"})
UNHASHABLE = (ast.List, ast.ListComp, ast.Dict, ast.DictComp, ast.Set, ast.SetComp)


class ListMembershipInLoop(Rule):
    code = "PIT901"
    name = "list-membership-in-loop"
    severity = Severity.INFO
    other_severities = {
        Severity.HAZARD: "when the loop adds to the list, the left side is a tuple, or in a test file",
    }
    needs = (" in ",)
    peer_codes = ("PLR6201", "R6201", "use-set-for-membership")
    summary = "`x in L` inside a loop scans the list `L` each time; a set looks up by hash"
    message = "'{test}' scans the list '{name}' on every pass of the loop; a set made once looks up in O(1)"
    node_types = (ast.Compare,)
    bad_example = """\
def keep_known(rows, names):
    known = [name.lower() for name in names]
    return [row for row in rows if row.key in known]
"""
    good_example = """\
def keep_known(rows, names):
    known = {name.lower() for name in names}
    return [row for row in rows if row.key in known]
"""
    example_context = {"test": "row.key in known", "name": "known", "left": "row.key", "changed": ""}
    explanation = Explanation(
        definition="`$name` is a list, so `$test` compares `$left` with its items one by one until one "
        "is equal: O(n) for each test.",
        variant_key="changed",
        implication={
            "": "The test runs once per pass of the loop, so m passes over n items cost up to m × n "
            "comparisons. A set finds an item by its hash: O(1) on average.",
            "yes": "The loop also adds to `$name`, so it grows as the loop runs: up to n²/2 comparisons "
            "for n items. A set finds an item by its hash: O(1) on average.",
        },
        example="$test",
        layer="A set needs hashable items (strings, numbers, tuples; not lists or dicts), and it forgets "
        "order and duplicates, which `in` never needed. For a handful of items a scan is a handful of "
        "comparisons, so a short list is fine.",
        follow_ups=(
            FollowUp(
                "Why not always use a set?",
                "Building it costs O(n) once, so it pays when you test more than a few times. Keep the list "
                "too if you also need its order or its duplicates.",
            ),
            FollowUp(
                "Is `in` on a tuple any faster?",
                "No: a tuple is scanned item by item just like a list. Only sets, frozensets and dict keys "
                "look up by hash.",
            ),
        ),
        fix={
            "": "Build a set once, before the loop (`${name}_set = set($name)`), and test against it; "
            "keep `$name` if you need its order.",
            "yes": "Keep a set next to the list (`${name}_set`), add to both, and test against the set.",
        },
        fix_code={"": "${name}_set = set($name)  # once, before the loop",
                  "yes": "${name}_set = set($name)  # add to it wherever $name grows"},
        key_points=(
            "`$name` is a list: `in` compares items one by one, O(n)",
            "Once per pass of the loop, that is up to m × n comparisons",
            "Fix: build a set once, before the loop: it finds items by hash",
        ),
        demo="""\
class Key:
    compared = 0
    def __init__(self, value):
        self.value = value
    def __eq__(self, other):
        Key.compared += 1
        return self.value == other.value
    def __hash__(self):
        return hash(self.value)

items = [Key(i) for i in range(1000)]
Key.compared = 0
assert Key(999) in items
assert Key.compared == 1000  # the list compared every item until it found the last
Key.compared = 0
assert Key(-1) not in items
assert Key.compared == 1000  # and every item to say no

lookup = set(items)  # O(n) once
Key.compared = 0
assert Key(999) in lookup and Key(-1) not in lookup
assert Key.compared <= 2  # the hash led straight to the one candidate

Key.compared = 0
hits = [k for k in (Key(i) for i in range(0, 2000, 2)) if k in items]  # 1000 tests in a loop
assert len(hits) == 500 and Key.compared > 500 * 1000  # m × n: over half a million comparisons
Key.compared = 0
hits = [k for k in (Key(i) for i in range(0, 2000, 2)) if k in lookup]
assert len(hits) == 500 and Key.compared <= 1000  # about one each

Key.compared = 0
assert Key(999) in tuple(items) and Key.compared == 1000  # a tuple is scanned the same way
Key.compared = 0
assert Key(999) in dict.fromkeys(items) and Key.compared <= 2  # dict keys look up by hash
Key.compared = 0
assert Key(4) in items[:5] and Key.compared == 5  # a short list: a handful of comparisons

assert (3 in (1, 2, 3)) and ([1] in [[0], [1]])
try:
    set([[0], [1]])  # lists can't go in a set
except TypeError:
    pass
else:
    raise AssertionError("expected TypeError")
assert set(["b", "a", "b"]) == {"a", "b"}  # order and duplicates go; membership stays the same
""",
        names=("test", "name"),
        flags="`x in L` and `x not in L` inside a `for`/`while` loop or a comprehension, where `L` is a "
        "name bound in the same function (or module) to a list built from data: a list comprehension, "
        "`list(...)`, `sorted(...)`, `.split()`, `.splitlines()`, `.readlines()`, or an empty list filled by "
        "`append`/`extend` before the loop. When the loop itself adds to `L` it is a hazard (strict mode "
        "only), as is every hit in a test file.",
        not_flagged=(
            "Literal lists and tuples (`x in [\"a\", \"b\"]`, `x in (1, 2)`, or a name bound only to one): "
            "short and fixed.",
            "A parameter or attribute: its type and size are unknown.",
            "A list rebuilt inside the loop (each test sees a new list: a set would cost as much), or "
            "rebound in it.",
            "A list of lists or dicts (`[[a, b] for ...]`): its items can't go in a set.",
            "A test outside any loop: it runs once.",
        ),
        references=(
            "https://wiki.python.org/moin/TimeComplexity",
            "https://docs.python.org/3/reference/expressions.html#membership-test-operations",
        ),
        prior_art=("ruff PLR6201 / pylint R6201 literal-membership (a literal right side only)",),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.tests: list[tuple[ast.Compare, ast.expr, ast.Name, list]] = []

    def visit(self, node: ast.AST) -> None:
        for index, (op, right) in enumerate(zip(node.ops, node.comparators)):  # type: ignore[attr-defined]
            if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, ast.Name):
                loops = self.ctx.loops_around(node)
                if loops:
                    left = node.left if index == 0 else node.comparators[index - 1]  # type: ignore[attr-defined]
                    self.tests.append((node, left, right, loops))

    def finish(self) -> None:
        for node, left, right, loops in self.tests:
            self._decide(node, left, right, loops)

    def _decide(self, node: ast.Compare, left: ast.expr, right: ast.Name, loops: list) -> None:
        ctx = self.ctx
        alike = lambda b: b.kind in ("assign", "walrus")  # noqa: E731
        binding = reads_only(ctx, right, alike) or parameter_rebound(ctx, right, alike)
        if binding is None or binding.value is None:
            return
        above = set(ctx.ancestors(binding.node))
        if loops[0] in above:
            return  # built inside the loop: each list is tested once per build
        # The loops that run the test again over the same list (those around the binding don't).
        loop = [each for each in loops if each not in above][-1]
        if not self._from_data(binding):
            return
        changed = False
        around = set(ctx.ancestors(node))
        for reference in binding.references:
            # A change in the loop, or one the loop feeds: `keys.extend(k for k in new if k not in keys)`.
            for use in uses_of(ctx, reference.node):
                if use.how != "lookup" and not use.element and (use.node in around or loop in ctx.ancestors(use.node)):
                    changed = True
        if any(b is not binding and loop in ctx.ancestors(b.node)
               for b in binding.scope.bindings.get(binding.name, ())):
            return  # rebound in the loop
        # `(sql, params) in rows`: the rows are tuples that may hold lists, which a set refuses.
        tuples = isinstance(left, ast.Tuple)
        severity = Severity.HAZARD if changed or tuples or ctx.in_test_file else Severity.INFO
        self.report(
            node,
            severity=severity,
            test=ctx.segment(node),
            name=right.id,
            left=ctx.segment(left),
            changed="yes" if changed else "",
        )

    def _from_data(self, binding) -> bool:
        """The list is built from data (not a short literal), and its items can go in a set."""
        value = binding.value
        if isinstance(value, ast.ListComp):
            # `[2**8 - 2**i for i in range(9)]`: a fixed handful, a literal spelled another way.
            return not isinstance(value.elt, UNHASHABLE) and not all(_fixed(g.iter) for g in value.generators)
        if isinstance(value, ast.Call):
            if isinstance(value.func, ast.Attribute) and value.func.attr in LIST_RESULT_METHODS:
                if isinstance(value.func.value, ast.Constant):
                    return False  # `"log1p log2".split()`: a short literal list, spelled another way
                return self.ctx.call_name(value, binding.scope) in (None, f"builtins.str.{value.func.attr}")
            if self.ctx.call_name(value, binding.scope) in LIST_CALLS and value.args:
                first = value.args[0]
                return not isinstance(first, (ast.List, ast.Tuple, ast.Constant, *UNHASHABLE[1:]))
            return False
        if isinstance(value, ast.List) and not value.elts:
            # `found = []` filled by `append`/`extend` (elsewhere than in this loop, checked later).
            return any(self._filled(reference.node) for reference in binding.references)
        return False

    def _filled(self, node: ast.Name) -> bool:
        parent = self.ctx.parent(node)
        if not isinstance(parent, ast.Attribute) or parent.attr not in ("append", "extend", "insert"):
            return False
        call = self.ctx.parent(parent)
        if not isinstance(call, ast.Call) or not self.ctx.loops_around(call):
            return False
        added = call.args[-1] if call.args else None
        return added is not None and not (parent.attr == "append" and isinstance(added, UNHASHABLE))


def _fixed(node: ast.expr) -> bool:
    """A literal of constants, or `range()` of constants: the same few items every run."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
        return all(isinstance(a, ast.Constant) for a in node.args) and not node.keywords
    return isinstance(node, ast.Constant)
