"""PIT103: a loop that adds to or removes from the very container it iterates."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.analyses.mutation import binding_container, uses_of, value_container
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

# Changes of size, by what they do to a list (a dict or set raises on either).
ADDS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "augassign", "appendleft",
                  "extendleft", "heappush", "insort", "insort_left", "insort_right"})
REMOVES = frozenset({"remove", "pop", "clear", "discard", "popitem", "popleft", "delete", "difference_update",
                     "intersection_update", "symmetric_difference_update", "heappop"})
VIEWS = frozenset({"keys", "values", "items"})
# Augmented assignments that change the container itself (`+=` on a list extends it in place).
IN_PLACE_OPERATORS = {
    "list": (ast.Add, ast.Mult), "deque": (ast.Add,), "dict": (ast.BitOr,),
    "set": (ast.BitOr, ast.BitAnd, ast.Sub, ast.BitXor),
}
# Attributes of the standard library known to be a list or dict.
MODULE_ATTRIBUTES = {"sys.meta_path": "list", "sys.path_hooks": "list", "sys.path": "list", "sys.argv": "list",
                     "sys.modules": "dict", "os.environ": "dict"}
# A method that says what its receiver is, when nothing else does.
IMPLIED = {"add": "set", "discard": "set", "popitem": "dict", "setdefault": "dict", "append": "list",
           "extend": "list", "insert": "list"}


class MutateWhileIterating(Rule):
    code = "PIT103"
    name = "mutate-while-iterating"
    severity = Severity.ERROR
    other_severities = {
        Severity.WARNING: "when it removes from a list (items are skipped) or from a container of unknown type",
        Severity.HAZARD: "when it only adds to a list (often a work queue), stores a dict key that may be new, or "
                         "the loop stops right after the change",
    }
    peer_codes = ("B909", "W4701", "E4702", "E4703", "modified-iterating-list", "modified-iterating-dict",
                  "modified-iterating-set")
    summary = "A loop adds to or removes from the list, dict or set it is iterating over"
    message = "'{mutation}' changes the size of '{name}' while 'for {target} in {iterated}' iterates it: {consequence}"
    node_types = (ast.For,)
    bad_example = """\
def drop_empty(stock):
    counts = dict(stock)
    for item in counts:
        if counts[item] == 0:
            del counts[item]
    return counts
"""
    good_example = """\
def drop_empty(stock):
    counts = dict(stock)
    for item in list(counts):
        if counts[item] == 0:
            del counts[item]
    return counts
"""
    example_context = {
        "variant": "dict",
        "mutation": "del counts[item]",
        "name": "counts",
        "kind": "dict",
        "target": "item",
        "iterated": "counts",
        "consequence": "the next step raises RuntimeError",
        "copy": "list(counts)",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`for $target in $iterated` walks `$name` while the loop body changes its size with "
        "`$mutation`.",
        implication={
            "": "Python's iterators don't expect that.",
            "dict": "A dict's iterator checks its size on every step, so the step after the change raises "
            "`RuntimeError: dictionary changed size during iteration`.",
            "new-key": "A dict's iterator checks its size on every step, so if `$mutation` adds a key that "
            "wasn't there, the next step raises `RuntimeError`; replacing an existing key's value is fine.",
            "set": "A set's iterator checks its size on every step, so the step after the change raises "
            "`RuntimeError: Set changed size during iteration`.",
            "deque": "A deque's iterator checks for changes, so the next step raises `RuntimeError: deque "
            "mutated during iteration`.",
            "remove": "A list iterator only counts positions: after a removal the next item slides into "
            "the current slot, and the loop skips it.",
            "unknown": "If `$name` is a list, the loop skips the item after each removed one; if it is a dict "
            "or set, the next step raises `RuntimeError`.",
            "add": "A list iterator only counts positions, so it also visits every item added during the "
            "loop; if each pass adds one, the loop never ends.",
        },
        example="for $target in $iterated:\n    $mutation",
        layer="Iterating over a copy separates what you walk from what you change: `for $target in "
        "$copy:` walks a snapshot while `$name` changes. For removal, building the result is often "
        "clearer: a comprehension keeps the items you want. A list that grows while it is walked is "
        "sometimes a deliberate work queue; `collections.deque` with `while queue:` says so.",
        follow_ups=(
            FollowUp(
                "Why does a dict raise but a list doesn't?",
                "A dict or set iterator records the size when it starts and checks it on each step, because "
                "a resize moves entries around. A list iterator is just an index into the list, so it keeps "
                "going and silently skips or repeats items.",
            ),
            FollowUp(
                "Is changing values while iterating a dict also a problem?",
                "No: `$name[key] = new_value` for a key that is already there keeps the size, and the loop is "
                "fine. Only adding or removing keys changes the size.",
            ),
            FollowUp(
                "What if you break right after the change?",
                "Then the iterator never takes another step, so nothing goes wrong: removing one item and "
                "breaking out at once is safe, and pitfalls does not flag it.",
            ),
        ),
        fix={
            "": "Iterate over a snapshot, so the change can't disturb the loop; if the loop must also see what "
            "it adds, keep a queue of work instead (`while todo: item = todo.pop()`):",
            "remove": "Iterate over a snapshot, so the change can't disturb the loop (or build the list you "
            "want with a comprehension):",
            "add": "If it is a work queue, say so with a deque and `while`; otherwise iterate over a snapshot:",
        },
        fix_code="for $target in $copy:\n    $mutation",
        key_points=(
            "`$mutation` changes the size of `$name` while the loop walks it",
            "A dict, set or deque raises `RuntimeError`; a list skips or revisits items",
            "Fix: iterate over a snapshot, or keep a queue of work",
        ),
        demo="""\
from collections import deque

counts = {"apple": 0, "pear": 2}
try:
    for item in counts:
        if counts[item] == 0:
            del counts[item]
except RuntimeError as error:
    assert "changed size during iteration" in str(error)
else:
    raise AssertionError("expected RuntimeError")

counts = {"apple": 0, "pear": 2}
for item in list(counts):  # a snapshot of the keys
    if counts[item] == 0:
        del counts[item]
assert counts == {"pear": 2}

for item in counts:  # replacing a value keeps the size
    counts[item] = counts[item] + 1
assert counts == {"pear": 3}

tags = {"a"}
try:
    for tag in tags:
        tags.add(tag + "!")
except RuntimeError as error:
    assert "changed size during iteration" in str(error)
else:
    raise AssertionError("expected RuntimeError")

queue = deque([1])
try:
    for n in queue:
        queue.append(n)
except RuntimeError as error:
    assert "mutated during iteration" in str(error)
else:
    raise AssertionError("expected RuntimeError")

numbers = [1, 2, 2, 3]
for n in numbers:
    if n == 2:
        numbers.remove(n)
assert numbers == [1, 2, 3]  # the second 2 slid into the checked slot and was skipped

numbers = [1, 2, 2, 3]
for n in numbers[:]:
    if n == 2:
        numbers.remove(n)
assert numbers == [1, 3]
assert [n for n in [1, 2, 2, 3] if n != 2] == [1, 3]

work = [1]
seen = []
for item in work:  # a list grows under its own loop: every added item is visited
    seen.append(item)
    if item < 4:
        work.append(item + 1)
assert seen == [1, 2, 3, 4]

names = ["a", "b"]
for name in names:
    if name == "a":
        names.remove(name)
        break  # no further step: safe
assert names == ["b"]
""",
        names=("mutation", "iterated"),
        flags="Inside `for x in c:` (c a name, or an attribute such as `self.items`; `c.keys()`, `c.values()` "
        "and `c.items()` count as c), a statement that adds to or removes from c: `append`, `extend`, "
        "`insert`, `remove`, `pop`, `clear`, `add`, `discard`, `update`, `setdefault`, `popitem`, "
        "`del c[...]`, `c += ...`, or `c[k] = v` on a dict for a key other than the loop's own. An error "
        "for a dict, set or deque (RuntimeError), a warning for a list losing items (they are skipped); a "
        "hazard (strict mode) for a list that only grows, which is often a work queue.",
        not_flagged=(
            "A loop over a copy: `c[:]`, `list(c)`, `c.copy()`, `dict(c)`, `sorted(c)`, `tuple(c)`, "
            "`set(c)`.",
            "A change directly followed by `break`, `return` or `raise` (in the same block, for the same "
            "loop): the iterator takes no further step.",
            "`d[k] = v` where `k` is the key the loop is on: the size doesn't change.",
            "A change inside a nested function or lambda (it runs later, if at all), or after `c` was "
            "rebound to another object in the loop.",
            "Changing an element (`c[i].append(x)`) or a list item in place (`c[i] = x`): no size change.",
        ),
        references=(
            "https://docs.python.org/3/reference/compound_stmts.html#the-for-statement",
            "https://docs.python.org/3/library/stdtypes.html#dictionary-view-objects",
        ),
        prior_art=(
            "flake8-bugbear / ruff B909 loop-iterator-mutation (opinionated, off by default)",
            "pylint W4701 modified-iterating-list, E4702 modified-iterating-dict, E4703 modified-iterating-set",
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.loops: list[ast.For] = []
        self.foreign = False

    def visit(self, node: ast.For) -> None:
        self.loops.append(node)

    def finish(self) -> None:
        for loop in self.loops:
            found = self._iterated(loop.iter)
            if found is None:
                continue
            root, attribute, view = found
            kind = "dict" if view else self._kind(root, attribute)
            found_loads = self._loads(loop, root, attribute, kind)
            if found_loads is None:
                continue
            loads, grown = found_loads
            self.foreign = attribute is not None and kind is None  # `self.headers` of a type we can't see
            for statement in grown:  # `items += more`, `tags |= new`: the container itself, in place
                if not self._ends_loop(loop, statement):
                    self._report(loop, statement, "augassign", kind)
            for load in loads:
                for use in uses_of(self.ctx, load):
                    if use.element or use.how in ("lookup", "item-augassign", "sort", "reverse", "rotate"):
                        continue
                    if use.how == "store" and (kind != "dict" or self._own_key(loop, use.node)):
                        continue  # an item replaced, or the dict's key the loop is on
                    if use.how == "update" and self._own_keys(loop, use.node):
                        continue  # `d.update({key: ...})` with the loop's key: no new key
                    if self._ends_loop(loop, use.node) or self._moves(use.node):
                        continue
                    self._report(loop, use.node, use.how, kind or IMPLIED.get(use.how))

    def _iterated(self, node: ast.expr) -> Optional[tuple[ast.Name, Optional[str], bool]]:
        """(the name, the attribute or None, whether a dict view) of `c`, `obj.c`, `c.items()`."""
        view = False
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "enumerate" \
                and len(node.args) == 1 and self.ctx.qualified_name(node.func) == "builtins.enumerate":
            node = node.args[0]  # `enumerate(c)` steps c's own iterator
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in VIEWS:
            if node.args or node.keywords:
                return None
            node, view = node.func.value, True
        if isinstance(node, ast.Name):
            return node, None, view
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return node.value, node.attr, view
        return None

    def _loads(self, loop: ast.For, root: ast.Name, attribute: Optional[str], kind: Optional[str]
               ) -> Optional[tuple[list[ast.AST], list[ast.AST]]]:
        """The loads of the iterated object inside the loop's body, and its augmented assignments
        there (in place for a known list, dict or set); None when the loop rebinds it (then a later
        change may be to another object)."""
        binding = self.ctx.resolve(root)
        if binding is None:
            return None
        body = set(loop.body)
        loads: list[ast.AST] = []
        grown: list[ast.AST] = []
        if attribute is None:
            for other in binding.scope.bindings.get(root.id, ()):
                if other is binding or not self._inside(other.node, loop, body):
                    continue
                statement = self.ctx.parent(other.node)
                if other.kind == "augassign" and kind in ("list", "set", "dict", "deque") and isinstance(
                        statement, ast.AugAssign) and isinstance(statement.op, IN_PLACE_OPERATORS[kind]):
                    grown.append(statement)
                else:
                    return None
        for reference in binding.references:
            node = reference.node
            if not self._inside(node, loop, body) or self.ctx.enclosing_function(node) is not \
                    self.ctx.enclosing_function(loop):
                continue
            if attribute is not None:
                parent = self.ctx.parent(node)
                if not isinstance(parent, ast.Attribute) or parent.attr != attribute:
                    continue
                if not isinstance(parent.ctx, ast.Load):
                    return None  # `self.items = ...` in the loop: another object from then on
                node = parent
            loads.append(node)
        return loads, grown

    def _inside(self, node: ast.AST, loop: ast.For, body: set) -> bool:
        return any(ancestor in body for ancestor in self.ctx.ancestors(node)) or node in body

    def _kind(self, root: ast.Name, attribute: Optional[str]) -> Optional[str]:
        ctx = self.ctx
        if attribute is None:
            binding = ctx.resolve(root)
            return binding_container(ctx, binding) if binding is not None else None
        known = MODULE_ATTRIBUTES.get(f"{ctx.qualified_name(root)}.{attribute}")
        if known is not None:
            return known
        cls = ctx.enclosing_class(root)
        if cls is None:
            return None
        facts = ctx.class_facts(cls)
        # `self.items` where every store of it in the class (and its class-body value) is one kind.
        methods = facts.instance_methods
        if not any(method.binding is not None and method.binding is ctx.resolve(root) for method in methods):
            return None  # not the instance
        values = [a.value for a in (facts.attributes.get(attribute),) if a is not None]
        for method in methods:
            for store in method.stores(attribute):
                parent = ctx.parent(store.node)
                values.append(parent.value if isinstance(parent, (ast.Assign, ast.AnnAssign)) else None)
        kinds = {value_container(ctx, value, facts.scope) if value is not None else None for value in values}
        return kinds.pop() if len(kinds) == 1 else None

    def _own_key(self, loop: ast.For, store: ast.AST) -> bool:
        """`d[k] = v` where `k` is the loop's key (`for k in d`, `for k, v in d.items()`)."""
        key = store.slice if isinstance(store, ast.Subscript) else None
        target = loop.target
        if isinstance(target, ast.Tuple) and target.elts:
            target = target.elts[0]
        return isinstance(key, ast.Name) and isinstance(target, ast.Name) and key.id == target.id

    def _own_keys(self, loop: ast.For, call: ast.AST) -> bool:
        """`d.update({key: v})` whose every key is the loop's own."""
        args = getattr(call, "args", [])
        if len(args) != 1 or not isinstance(args[0], ast.Dict) or getattr(call, "keywords", None):
            return False
        return bool(args[0].keys) and all(
            key is not None and self._own_key(loop, ast.Subscript(value=args[0], slice=key)) for key in args[0].keys
        )

    def _moves(self, change: ast.AST) -> bool:
        """`c.insert(0, c.pop(j))`: one item moved within the list, whose size stays the same."""
        if not isinstance(change, ast.Call) or not isinstance(change.func, ast.Attribute):
            return False
        receiver = self.ctx.segment(change.func.value)
        parent = self.ctx.parent(change)
        if change.func.attr == "pop" and isinstance(parent, ast.Call):
            outer = parent
        elif change.func.attr in ("insert", "append") and change.args:
            outer, change = change, change.args[-1]  # type: ignore[assignment]
        else:
            return False
        func = outer.func
        return (isinstance(func, ast.Attribute) and func.attr in ("insert", "append") and outer.args
                and outer.args[-1] is change and self.ctx.segment(func.value) == receiver
                and isinstance(change, ast.Call) and isinstance(change.func, ast.Attribute)
                and change.func.attr == "pop" and self.ctx.segment(change.func.value) == receiver)

    def _until_unchanged(self, loop: ast.For) -> bool:
        """The loop runs again and again inside `while changed:` until nothing changes: an item
        it skipped comes round on the next pass."""
        outer = self.ctx.parent(loop)
        return isinstance(outer, ast.While) and isinstance(outer.test, ast.Name)

    def _ends_loop(self, loop: ast.For, change: ast.AST) -> bool:
        """The change's statement is followed, in its block, by `break` (for this loop), `return` or
        `raise`, with nothing in between that could step the iterator."""
        statement = self.ctx.statement(change)
        if isinstance(statement, (ast.Return, ast.Raise)):
            return True  # `return mapping.pop(key)`
        while statement is not None:
            statement = self.ctx.next_statement(statement)
            if isinstance(statement, (ast.Return, ast.Raise)):
                return True
            if isinstance(statement, ast.Break):
                loops = self.ctx.loops_around(statement)
                return bool(loops) and loops[0] is loop
            if statement is None or any(isinstance(n, ast.Continue) for n in ast.walk(statement)):
                return False  # a `continue` in between may step the iterator again
        return False

    def _report(self, loop: ast.For, change: ast.AST, how: str, kind: Optional[str]) -> None:
        ctx = self.ctx
        if kind == "dict" and how == "store":  # only a new key changes the size
            variant, severity = "new-key", Severity.HAZARD
            consequence = "if the key is new, the next step raises RuntimeError"
        elif kind in ("dict", "set", "deque"):
            variant, severity = kind, Severity.ERROR
            consequence = "the next step raises RuntimeError"
        elif kind == "list" and how not in ADDS:
            variant, severity = "remove", Severity.HAZARD if self._until_unchanged(loop) else Severity.WARNING
            consequence = "the item after each removed one is skipped"
        elif how in REMOVES:
            # An attribute of a type we can't see may iterate a snapshot of its own (an
            # `email.message.Message` rebuilds its header list on `del`): strict mode only.
            quiet = self._until_unchanged(loop) or self.foreign
            variant, severity = "unknown", Severity.HAZARD if quiet else Severity.WARNING
            consequence = "a list skips the item after each removed one, a dict or set raises RuntimeError"
        elif how in ADDS:
            variant, severity = "add", Severity.HAZARD
            consequence = "the loop also visits what it adds, and may never end"
        else:
            return
        statement = ctx.statement(change)
        mutation = ctx.segment(statement if isinstance(statement, (ast.Expr, ast.Delete, ast.AugAssign, ast.Assign))
                               else change)
        iterated = ctx.segment(loop.iter)
        container = loop.iter
        while isinstance(container, ast.Call):  # `enumerate(c)`, `c.items()`: c
            container = container.args[0] if isinstance(container.func, ast.Name) else container.func.value  # type: ignore[attr-defined]
        name = ctx.segment(container)
        self.report(
            change,
            severity=severity,
            related=[(loop.iter, "the loop iterates this")],
            variant=variant,
            mutation=mutation,
            name=name,
            kind=kind or "container",
            target=ctx.segment(loop.target),
            iterated=iterated,
            consequence=consequence,
            copy=f"list({iterated})" if kind != "list" or iterated != name else f"{name}[:]",
        )

