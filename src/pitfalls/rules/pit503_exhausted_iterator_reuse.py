"""PIT503: a one-shot iterator consumed twice: the second pass sees nothing."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.analyses.paths import exits_after
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.model.scopes import Binding, ScopeKind
from pitfalls.rule import Rule

# What makes a one-shot iterator, by qualified name (an open file too; `itertools.*` below).
ONE_SHOT = frozenset({
    "builtins.map", "builtins.filter", "builtins.zip", "builtins.reversed", "builtins.iter",
    "builtins.enumerate", "builtins.open", "io.open", "csv.reader", "csv.DictReader",
})
# A tuple of iterators, not one; and endless ones, which no pass reads to the end.
NOT_ONE_SHOT = frozenset({"itertools.tee", "itertools.count", "itertools.cycle", "itertools.repeat"})
# The last parts of the dotted one-shot makers (`itertools.chain`, `csv.reader`, `io.open`): a call
# of any other method is not looked at.
ATTRIBUTES = frozenset({
    "reader", "DictReader", "open", "chain", "islice", "starmap", "accumulate", "compress", "dropwhile",
    "takewhile", "filterfalse", "groupby", "pairwise", "product", "permutations", "combinations",
    "combinations_with_replacement", "zip_longest", "batched", "from_iterable",
})
# Calls that read their first argument to the end, and what they give when it is exhausted.
CONSUMERS = {
    "builtins.list": "gives `[]`", "builtins.tuple": "gives `()`", "builtins.set": "gives `set()`",
    "builtins.frozenset": "gives `frozenset()`", "builtins.sorted": "gives `[]`", "builtins.dict": "gives `{}`",
    "builtins.sum": "gives `0`", "builtins.min": "raises `ValueError`", "builtins.max": "raises `ValueError`",
    "collections.Counter": "gives an empty Counter", "collections.deque": "gives an empty deque",
}
# Consumers that may stop early: a second pass, not a first (what is left may be the point).
PARTIAL = {"builtins.any": "gives `False`", "builtins.all": "gives `True`"}
LOOPS = (ast.For, ast.AsyncFor)


class ExhaustedIteratorReuse(Rule):
    code = "PIT503"
    name = "exhausted-iterator-reuse"
    severity = Severity.ERROR
    other_severities = {
        Severity.HAZARD: "when the second pass sits in a branch inside the loop",
    }
    peer_codes = ("W4801", "looping-through-iterator")
    summary = "A generator, map, zip or file is consumed twice: the second pass sees nothing"
    message = "'{name}' is {what} {first}, so {second} {said}"
    bad_example = """\
def report(lines):
    errors = (line for line in lines if "ERROR" in line)
    count = sum(1 for _ in errors)
    first = list(errors)
    return count, first
"""
    good_example = """\
def report(lines):
    errors = [line for line in lines if "ERROR" in line]
    count = sum(1 for _ in errors)
    first = list(errors)
    return count, first
"""
    example_context = {
        "variant": "",
        "name": "errors",
        "what": "a generator expression",
        "first": "already read to the end on line 3",
        "second": "'list(errors)'",
        "result": "gives `[]`",
        "said": "gives '[]'",
        "first_code": "sum(1 for _ in errors)",
        "second_code": "list(errors)",
        "source": '(line for line in lines if "ERROR" in line)',
        "line": "3",
        "listed": '[line for line in lines if "ERROR" in line]',
        "loop_code": "",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`$name` is $what, an iterator: it hands out each item once and stays exhausted; "
        "a second pass does not start over.",
        implication={
            "": "So `$first_code` on line $line takes every item, and `$second_code` finds none: it $result.",
            "nested": "So the first time round the loop, `$second_code` takes every item; every later time it "
            "finds none: it $result.",
        },
        example={
            "": "$name = $source\n$first_code  # takes every item\n$second_code  # $said",
            "nested": "$name = $source\n$loop_code\n    $second_code  # takes every item once, then none",
        },
        layer="A list is an iterable: each `for` asks it for a fresh iterator. A generator, `map`, `zip` or a file "
        "is its own iterator (`iter(it) is it`), so a second pass carries on where the first stopped, at the "
        "end. Nothing raises: an exhausted iterator looks like an empty one.",
        follow_ups=(
            FollowUp(
                "How do you go over it twice, then?",
                "Make a list once (`$name = list(...)`) if it fits in memory, or build the iterator again before "
                "the second pass. `itertools.tee` suits two passes that advance side by side; run one to the "
                "end first and it stores every item anyway.",
            ),
            FollowUp(
                "Why is no error raised?",
                "An iterator ends by raising `StopIteration`, which `for`, `list()` and `sum()` take as the normal "
                "end. An exhausted iterator raises it at once, which looks exactly like empty input.",
            ),
            FollowUp(
                "When is a generator the wrong choice?",
                "When you need the items twice, their count, indexing or a reusable result: use a list. A "
                "generator wins when the data is large or endless and read once, in order.",
            ),
        ),
        fix={
            "": "Make it a list once, `$name = $listed`, when it fits in memory; otherwise build the iterator "
            "again before the second pass.",
            "nested": "Make it a list before the loop, `$name = $listed`, or build the iterator inside the loop so "
            "each pass gets a fresh one.",
        },
        fix_code="$name = $listed",
        key_points=(
            "`$name` is an iterator: it hands out each item once",
            "A second pass finds it exhausted: no items, and no error",
            "Fix: make it a list once, or build a new iterator for each pass",
        ),
        demo="""\
import itertools
import os
import tempfile

errors = (line for line in ["ERROR a", "ok", "ERROR b"] if "ERROR" in line)
assert sum(1 for _ in errors) == 2
assert list(errors) == []  # exhausted: no error, just nothing
assert iter(errors) is errors

for make, empty in ((lambda: map(str, [1, 2]), []), (lambda: zip("ab", "cd"), []),
                    (lambda: enumerate("ab"), []), (lambda: reversed([1, 2]), []),
                    (lambda: iter([1, 2]), []), (lambda: filter(None, [1, 0, 2]), [])):
    it = make()
    assert list(it) != [] and list(it) == empty

gen = (n for n in [1, 2])
list(gen)
assert sum(gen) == 0 and any(gen) is False and all(gen) is True and (1 in gen) is False
assert sorted(gen) == [] and tuple(gen) == () and set(gen) == set() and "".join(map(str, gen)) == ""
try:
    max(gen)
except ValueError:
    pass
else:
    raise AssertionError("max of an exhausted iterator should raise")

def nested():
    seen = []
    row = (n for n in [1, 2])
    for _ in range(3):
        seen.append(list(row))
    return seen
assert nested() == [[1, 2], [], []]

rows = [1, 2]  # a list is an iterable, not an iterator: each pass starts over
assert list(rows) == list(rows) == [1, 2] and iter(rows) is not rows

a, b = itertools.tee(n for n in [1, 2])
assert list(a) == [1, 2] and list(b) == [1, 2]

with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
    handle.write("x\\ny\\n")
try:
    with open(handle.name) as f:
        assert [line for line in f] == ["x\\n", "y\\n"] and [line for line in f] == []
        f.seek(0)
        assert len(list(f)) == 2  # a file starts over only when told to
finally:
    os.remove(handle.name)
""",
        names=("name",),
        flags="A name bound to a generator expression, a call of a generator function of the module, `map`, "
        "`filter`, `zip`, `reversed`, `iter`, `enumerate`, `itertools.*`, `csv.reader` or an open file, read "
        "to the end (a `for`, a comprehension, `list`/`tuple`/`set`/`sorted`/`sum`/`min`/`max`, `join`, `*`) "
        "and then read again with no new value in between; or read to the end inside a loop that does not "
        "make it again.",
        not_flagged=(
            "A first pass that may stop early (`break`, `return` in the loop, `any`, `all`, `in`, `next`): "
            "the second pass gets the rest, often on purpose.",
            "`zip`, `map` or `filter` over it: zip stops at its shortest input, and the others are lazy.",
            "A second pass inside the first loop's own body (`for x in it: rest = list(it)`), one on another "
            "branch of an `if`, one after the first pass's `return`, and a rebinding in between.",
            "A file rewound with `seek`, or any other use of the name between the two passes (it may be reset).",
            "A loop that iterates the same iterator around the inner pass (pairing items), and one that leaves "
            "right after the inner pass (`break`, `return`).",
        ),
        references=(
            "https://docs.python.org/3/glossary.html#term-iterator",
            "https://docs.python.org/3/library/stdtypes.html#iterator-types",
        ),
        prior_art=("pylint W4801 looping-through-iterator (only an iterator consumed in a nested loop)",),
    )

    def finish(self) -> None:
        ctx = self.ctx
        for scope in ctx.scopes.values():
            if scope.kind not in (ScopeKind.FUNCTION, ScopeKind.MODULE):
                continue
            for bindings in scope.bindings.values():
                for binding in bindings:
                    value = binding.value
                    if type(value) is ast.Call:
                        func = value.func  # a method call (`self.get()`) cannot make one, bar a few
                        if type(func) is ast.Attribute and func.attr not in ATTRIBUTES:
                            continue
                    elif type(value) is not ast.GeneratorExp:
                        continue
                    what = self._one_shot(binding)
                    if what is not None and binding.references:
                        self._check(binding, what)

    def _one_shot(self, binding: Binding) -> Optional[str]:
        """What kind of one-shot iterator the binding makes, or None."""
        value = binding.value
        if binding.kind not in ("assign", "walrus", "with", "annotation") or value is None:
            return None
        if isinstance(value, ast.GeneratorExp):
            return "a generator expression"
        if not isinstance(value, ast.Call):
            return None
        name = self.ctx.call_name(value)
        if name in ONE_SHOT or (name and name.startswith("itertools.") and name not in NOT_ONE_SHOT):
            if name in ("builtins.open", "io.open"):
                return "an open file"
            kind = f"{name.rpartition('.')[2]} object" if name.startswith("builtins.") else f"{name} iterator"
            return ("an " if kind[0] in "aeiou" else "a ") + kind
        if isinstance(value.func, ast.Name):
            found = self.ctx.resolve(value.func)
            node = found.node if found is not None and found.kind == "function" else None
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.decorator_list \
                    and self._yields(node) and self.ctx.function(node).is_generator:
                return f"a generator from {node.name}()"
        return None

    def _yields(self, node: ast.AST) -> bool:
        """The def's text says `yield`: a cheap test before its facts are asked for."""
        lines = self.ctx.lines[node.lineno - 1:node.end_lineno]  # type: ignore[attr-defined]
        return any("yield" in line for line in lines)

    def _use(self, node: ast.Name) -> tuple[str, str]:
        """How a load of the name uses the iterator: ("full" | "partial" | "other", what it gives
        when exhausted)."""
        ctx = self.ctx
        parent = ctx.parent(node)
        if isinstance(parent, LOOPS) and parent.iter is node:
            stops = any(
                isinstance(n, (ast.Break, ast.Return)) and not self._inner_loop(n, parent)
                for statement in parent.body for n in ast.walk(statement)
            )
            return ("partial" if stops else "full"), "runs zero times"
        if isinstance(parent, ast.comprehension) and parent.iter is node:
            return "full", "gives nothing"
        if isinstance(parent, ast.Starred):
            return "full", "gives nothing"
        if isinstance(parent, ast.YieldFrom):
            return "full", "yields nothing"
        if isinstance(parent, ast.Call) and parent.args and parent.args[0] is node:
            if isinstance(parent.func, ast.Attribute) and parent.func.attr == "join" and len(parent.args) == 1:
                return "full", "gives `''`"
            name = ctx.call_name(parent)
            if name in CONSUMERS:
                return "full", CONSUMERS[name]
            if name in PARTIAL:
                return "partial", PARTIAL[name]
            if name == "builtins.next":  # one item: the rest is still there for the next pass
                return "partial", "gives its default" if len(parent.args) > 1 else "raises `StopIteration`"
        if isinstance(parent, ast.Compare) and node in parent.comparators:
            index = parent.comparators.index(node)
            if isinstance(parent.ops[index], (ast.In, ast.NotIn)):
                return "partial", "is `False`" if isinstance(parent.ops[index], ast.In) else "is `True`"
        return "other", ""

    def _inner_loop(self, node: ast.AST, loop: ast.AST) -> bool:
        """`node` sits in a loop or function nested inside `loop` (its `break` is not `loop`'s)."""
        return self.ctx.loops_around(node)[:1] != [loop]

    def _check(self, binding: Binding, what: str) -> None:
        ctx = self.ctx
        if any(r.scope.frame is not binding.scope for r in binding.references):
            return  # a nested function reads it too: it may take items at any time
        first = None
        for reference in binding.references:
            node = reference.node
            use, result = self._use(node)
            if first is not None:
                if use == "other" or ctx.rebound_between(binding, node):
                    return  # rewound (`f.seek(0)`), passed on, or a new value: nothing certain
                if self._after(first, node):
                    self._report(binding, what, node, result, first=first)
                    return
                continue
            if use == "full":
                loop = self._loop_again(binding, node)
                if loop is not None:
                    self._report(binding, what, node, result, loop=loop)
                    return
                first = node
            elif use == "other":
                return

    def _after(self, first: ast.Name, second: ast.Name) -> bool:
        """`second` runs after `first` has read everything: not inside the first loop's body, not on
        another branch, and not after the first pass's `return`."""
        ctx = self.ctx
        owner = ctx.parent(first)
        if isinstance(owner, (*LOOPS, ast.Call)) and owner in ctx.ancestors(second):
            return False  # inside the first loop, or an argument evaluated before the call reads it
        if isinstance(owner, ast.comprehension) and ctx.parent(owner) in ctx.ancestors(second):
            return False
        if ctx.exclusive(first, second):
            return False
        common = set(ctx.ancestors(second))
        within = next((a for a in ctx.ancestors(first) if a in common), None)
        return within is not None and not exits_after(ctx, first, within, before=second)

    def _loop_again(self, binding: Binding, node: ast.Name) -> Optional[ast.AST]:
        """A loop that runs this full pass again without making the iterator again: one around the
        use but not around the binding, that neither iterates the same name nor leaves right after."""
        ctx = self.ctx
        around_binding = set(ctx.loops_around(binding.node))
        others = [b.node for b in binding.scope.bindings.get(binding.name, ()) if b is not binding]
        for loop in ctx.loops_around(node):
            if loop in around_binding:
                return None
            if any(loop in ctx.ancestors(other) for other in others):
                return None  # made again somewhere in the loop: it may be fresh each time round
            if isinstance(loop, ast.While) or isinstance(loop, LOOPS) and not self._same(loop.iter, binding):
                if not exits_after(ctx, node, loop, breaks=True):
                    return loop
                return None
            if not isinstance(loop, (ast.While, *LOOPS)):
                return None  # a comprehension around it: its own pass, handled as one
        return None

    def _same(self, node: ast.expr, binding: Binding) -> bool:
        return isinstance(node, ast.Name) and self.ctx.resolve(node) is binding

    def _report(self, binding: Binding, what: str, node: ast.Name, result: str,
                first: Optional[ast.Name] = None, loop: Optional[ast.AST] = None) -> None:
        ctx = self.ctx
        source = ctx.segment(binding.value) if binding.value is not None else binding.name
        generator = isinstance(binding.value, ast.GeneratorExp) and source.startswith("(") and source.endswith(")")
        second = self._shown(node)
        if loop is not None:
            kind = "while" if isinstance(loop, ast.While) else "for"
            line = str(loop.lineno)  # type: ignore[attr-defined]
            told = f"read to the end inside the '{kind}' loop on line {line}"
            severity = Severity.HAZARD if self._branch_inside(node, loop) else None
            variant, first_code, after = "nested", second, " from the second time round"
            if isinstance(loop, ast.While):
                loop_code = f"while {ctx.segment(loop.test)}:"
            else:
                loop_code = f"for {ctx.segment(loop.target)} in {ctx.segment(loop.iter)}:"  # type: ignore[attr-defined]
        else:
            assert first is not None
            line = str(first.lineno)
            told = f"already read to the end on line {line}"
            severity, variant, first_code, after, loop_code = None, "", self._shown(first), "", ""
        self.report(
            node,
            severity=severity,
            variant=variant,
            name=binding.name,
            what=what,
            first=told,
            second=f"'{second}'",
            result=result,
            said=result.replace("`", "'") + after,
            first_code=first_code,
            second_code=second,
            loop_code=loop_code,
            source=source,
            line=line,
            listed=f"[{source[1:-1]}]" if generator else f"list({source})",
        )

    def _branch_inside(self, node: ast.AST, loop: ast.AST) -> bool:
        """`node` is in an `if` arm within `loop` (`if first: rows = list(it)`): maybe run once."""
        for ancestor in self.ctx.ancestors(node):
            if ancestor is loop:
                return False
            if isinstance(ancestor, (ast.If, ast.IfExp)) or isinstance(ancestor, ast.ExceptHandler):
                return True
        return False

    def _shown(self, node: ast.Name) -> str:
        """What reads the name, as code: the loop header, or the comprehension, call or comparison."""
        ctx = self.ctx
        parent = ctx.parent(node)
        if isinstance(parent, LOOPS):
            return f"for {ctx.segment(parent.target)} in {node.id}"
        if isinstance(parent, (ast.comprehension, ast.Starred, ast.YieldFrom)):
            parent = ctx.parent(parent) or parent
            call = ctx.parent(parent)
            if isinstance(parent, ast.GeneratorExp) and isinstance(call, ast.Call) and call.args == [parent]:
                parent = call  # `sum(1 for _ in it)`: the call reads it
        return ctx.segment(parent) if parent is not None else node.id
