"""PIT601: a shallow copy shares its elements, so mutating a nested element changes the original."""

from __future__ import annotations

import ast
from typing import Callable, Optional

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.analyses.copies import Loop, Shared, SharedElementsRule
from pitfalls.model import Binding, Context, Scope

# Calls whose result is a one-shot iterator or a fresh sequence: `list(...)` of one of these
# materializes new elements that nothing else holds, so there is no original to corrupt.
# (Any `itertools.*` call counts too.)
FRESH_SOURCES = frozenset(
    {
        "builtins.map", "builtins.filter", "builtins.zip", "builtins.range", "builtins.iter",
        "builtins.reversed", "builtins.enumerate", "builtins.open", "io.open",
        "csv.reader", "csv.DictReader",
    }
)
SHALLOW_COPY_CALLS = frozenset({"builtins.list", "builtins.dict", "copy.copy"})
# Annotations that say a parameter is a list or a dict (or another container whose `.copy()`
# is shallow), checked on every member of `Optional[...]` / `X | None`.
CONTAINER_ANNOTATIONS = frozenset(
    {
        "builtins.list", "builtins.dict", "typing.List", "typing.Dict", "typing.DefaultDict",
        "typing.OrderedDict", "typing.Deque", "typing.MutableSequence", "typing.MutableMapping",
        "collections.abc.MutableSequence", "collections.abc.MutableMapping",
        "collections.defaultdict", "collections.OrderedDict", "collections.deque",
    }
)
# Methods that lists, dicts, sets and deques have and numpy rows or pandas columns do not (or
# never change in place): an element changed by one of them is a Python container.
CONTAINER_ONLY_METHODS = frozenset(
    {
        "append", "extend", "insert", "remove", "pop", "clear", "add", "discard", "setdefault",
        "popitem", "appendleft", "extendleft", "popleft", "rotate", "difference_update",
        "intersection_update", "symmetric_difference_update",
    }
)

# What is known about the receiver of `x.copy()`.
KNOWN = "known"  # a list/dict value or annotation: report every change of an element
ELEMENTS = "elements"  # an unannotated parameter: report only if an element is a container

Check = Callable[[], bool]  # decided once the whole module has been seen: still report?


def _with_cleared(variants: dict[str, str]) -> dict[str, str]:
    """The same story for a copy whose elements are then cleared: only the fix differs."""
    return {**variants, **{f"{key}-cleared".lstrip("-"): text for key, text in variants.items()}}


def _cleared_or(deep: str, fresh: str) -> dict[str, str]:
    reaches = ("", "index", "loop", "index-rebound", "loop-rebound")
    return {**{r: deep for r in reaches}, **{f"{r}-cleared".lstrip("-"): fresh for r in reaches}}



class ShallowCopyNestedMutation(SharedElementsRule):
    code = "PIT601"
    name = "shallow-copy-nested-mutation"
    severity = Severity.ERROR
    summary = "Mutating an element of a shallow copy also changes the original it was copied from"
    message = "'{mutation}' changes an element that {shared_with} still holds: {copy_expr} is a shallow copy"
    bad_example = """\
def with_header(table: list[list[str]]):
    result = table.copy()
    result[0].insert(0, "#")
    return result
"""
    good_example = """\
import copy


def with_header(table: list[list[str]]):
    result = copy.deepcopy(table)
    result[0].insert(0, "#")
    return result
"""
    example_context = {
        "mutation": 'result[0].insert(0, "#")',
        "copy": "result",
        "original": "table",
        "copy_expr": "table.copy()",
        "deep_copy": "copy.deepcopy(table)",
        "reach": "index",
        "shared_with": "'table'",
    }

    explanation = Explanation(
        definition="`$copy_expr` is a shallow copy: a new outer container that holds the very same "
        "objects as `$original`, not copies of them.",
        variant_key="reach",
        implication=_with_cleared({
            "": "So `$mutation` changes an inner object that `$original` also holds: `$original` "
            "changes as well, the very thing the copy was meant to prevent.",
            "loop": "So `$mutation` changes, in place, every item the loop takes from `$copy`, and "
            "each of those is also held by `$original`: `$original` changes as well, the very thing "
            "the copy was meant to prevent.",
            "index-rebound": "So `$mutation` changes an inner object that the old `$original` also "
            "holds: anyone else who still holds it, a caller for instance, sees the change, the very "
            "thing the copy was meant to prevent.",
            "loop-rebound": "So `$mutation` changes, in place, every item the loop takes from "
            "`$copy`, and each of those is also held by the old `$original`: anyone else who still "
            "holds it, a caller for instance, sees the change, the very thing the copy was meant to "
            "prevent.",
        }),
        example=_with_cleared({
            "": "$copy = $copy_expr\n$mutation",
            "loop": "$copy = $copy_expr\n$loop\n    $mutation",
            "loop-rebound": "$copy = $copy_expr\n$loop\n    $mutation",
        }),
        layer="A common misconception is that some other spelling would copy deeper than "
        "`$copy_expr`. None does: `x.copy()`, `x[:]`, `list(x)`, `dict(x)`, `copy.copy(x)`, "
        "`[*x]` and `{**x}` all make a new container around the same items. Only `copy.deepcopy` "
        "copies the levels below.",
        follow_ups=(
            FollowUp(
                "When is a shallow copy enough?",
                "When nothing below the top level changes in place: the items are immutable, like "
                "numbers, strings or tuples of them, or the code only replaces, adds or removes items "
                "of `$copy` and never changes one. Those operations touch only `$copy`'s own slots.",
            ),
            FollowUp(
                "Why not always use `copy.deepcopy`?",
                "It copies everything reachable, not just the level you change, which costs time and "
                "memory. It also copies objects meant to stay shared, and fails on some, like a "
                "`threading.Lock`. Often one more level is enough, like `[row[:] for row in rows]` for a "
                "list of lists.",
            ),
            FollowUp(
                "How does `copy.deepcopy` handle cycles and shared objects?",
                "It keeps a memo: a dict from the `id` of each object it has copied to the copy. "
                "Meeting the object again returns that copy, so a cycle doesn't recurse forever, and "
                "two references to one list become two references to one new list.",
            ),
        ),
        fix=_cleared_or(
            "Copy every level with `copy.deepcopy`, so `$copy` gets inner objects of its own and "
            "changes to them stay in `$copy`.",
            "Every element of `$copy` that this code changes is emptied first, so a deep copy would copy "
            "contents only to throw them away: give `$copy` fresh, empty elements of its own instead.",
        ),
        fix_code=_cleared_or("import copy\n$copy = $deep_copy", "$fresh_copy"),
        key_points=(
            "`$copy_expr` is a shallow copy: new outer container, same inner objects",
            "An inner object changed in place is changed in the original too",
            "Fix: `copy.deepcopy` copies every level",
        ),
        demo="""\
import copy
import threading

grid = [["a", "b"], ["c"]]
clone = grid.copy()
assert clone is not grid and clone[0] is grid[0]  # a new outer list, the same rows
clone[0].append("extra")
assert grid == [["a", "b", "extra"], ["c"]]  # the original changed too

# Every built-in way to copy goes one level deep, no more.
for shallow in (grid.copy(), grid[:], list(grid), copy.copy(grid), [*grid]):
    assert shallow is not grid and all(s is g for s, g in zip(shallow, grid))
groups = {"admins": ["ann"], "users": ["bob"]}
for shallow in (groups.copy(), dict(groups), copy.copy(groups), {**groups}):
    assert shallow is not groups and all(shallow[k] is groups[k] for k in groups)

# A loop over the copy hands out the original's rows.
for row in list(grid):
    row.append(0)
assert grid == [["a", "b", "extra", 0], ["c", 0]]

# The same name rebound to the copy: the caller's object still changes.
def add_header(rows):
    rows = rows.copy()
    rows[0].insert(0, "#")
    return rows
caller_rows = [["x"], ["y"]]
add_header(caller_rows)
assert caller_rows == [["#", "x"], ["y"]]

# Shallow is enough when only the copy's own slots change, or the items are immutable.
table = [["a"], ["b"]]
mine = table[:]
mine[0] = ["new"]
mine.append(["more"])
del mine[1]
assert table == [["a"], ["b"]]
points = [(1, 2), (3, 4)]
moved = points.copy()
moved[0] = (0, 0)
assert points == [(1, 2), (3, 4)]
nested = [([],)]  # a tuple holding a list is not immutable all the way down
nested.copy()[0][0].append(1)
assert nested == [([1],)]

# deepcopy: independent at every level; one level more also does for a list of lists.
deep = copy.deepcopy(grid)
deep[0].append("mine")
assert deep[0] is not grid[0] and "mine" not in grid[0]
rows = [row[:] for row in grid]
rows[1].append("mine")
assert "mine" not in grid[1]

# Its memo: a shared object stays shared in the copy, and a cycle ends.
inner = [1]
pair = copy.deepcopy([inner, inner])
assert pair[0] is pair[1] and pair[0] is not inner
loop = []
loop.append(loop)
loop_copy = copy.deepcopy(loop)
assert loop_copy[0] is loop_copy and loop_copy is not loop
memo = {}
copy.deepcopy(pair, memo)
assert memo[id(pair)] is not pair and memo[id(pair)] == pair

# Some objects can't be deep-copied at all.
try:
    copy.deepcopy({"lock": threading.Lock()})
except TypeError:
    pass
else:
    raise AssertionError("a lock was deep-copied")

# The fix keeps keys the copy adds.
options = {"paths": ["/usr"]}
merged = {**copy.deepcopy(options), "extra": []}
merged["paths"].append("/tmp")
assert options == {"paths": ["/usr"]} and merged["extra"] == []
""",
        names=("mutation", "copy", "original", "copy_expr"),
        flags="A name bound (by assignment or walrus) to a shallow copy of a list or dict (`a.copy()`, "
        "`a[:]`, `list(a)`, `dict(a)`, `copy.copy(a)` under any import form, `[*a]`, `{**a}`, "
        "`dict(a.items())`, `dict(**a)`, `list(a.values())`) whose element is then changed in place "
        "through it in the same scope: `b[i].append(x)`, `b[i][j] = v`, `b[k].update(...)`, `del b[i][j]`, "
        "`b[i] += [x]`, `b.setdefault(k, []).append(x)` (the config-merge bug), a name bound to an "
        "element (`first = b[0]; first.append(x)`), or the loop variable of `for row in b` (also "
        "`reversed(b)`, `b.values()`, `b.items()`, `enumerate(b)`). When every element changed is "
        "emptied first, the answer gives the copy fresh elements instead of a deep copy, and the fixer "
        "leaves it alone. `x.copy()` counts only when `x` is known "
        "to be a list or dict: a list/dict value, a container annotation, or a `self.x` only ever "
        "assigned one; on an unannotated parameter, only when a list/dict-only method such as "
        "`append` changes the element.",
        not_flagged=(
            "Replacing an element (`b[i] = new`) or changing the copy itself (`b.append(x)`, `b.sort()`, "
            "`del b[0]`): only the copy's own slots change.",
            "An element replaced before it is changed (`b[k] = list(b[k])`), keys the copy adds "
            "itself (`{**a, \"k\": []}`, `dict(a, k=[])`), and elements appended after the copy "
            "(`b.append([]); b[-1].append(1)`): those elements are new. After a replacement "
            "through a non-constant key, any element may be new, so nothing is reported.",
            "`copy.deepcopy(a)`, per-row copies such as `[row[:] for row in a]`, and a name rebound "
            "before the change: nothing is shared any more.",
            "`rows = list(rows)`: the idiom turns any iterable into a list the function owns; it is not "
            "read as a defensive copy (`rows.copy()`, `rows[:]`, `copy.copy(rows)` still count).",
            "Copies of values nothing else holds: `list(range(n))`, `list(make_rows())`, `dict(zip(k, v))`, "
            "`list(csv.reader(f))`, and iterators from `map`, `itertools`, generator expressions or the "
            "module's own generator functions.",
            "`.copy()` on anything not known to be a list or dict: numpy arrays, pandas frames and classes "
            "with their own `copy()` copy their data; an unannotated parameter changed only through "
            "subscripts may be such an array; `.copy(deep=False)` takes arguments no list or dict does.",
            "`set(a)` and `tuple(a)`: not copies of a list or dict.",
            "Changes of an element's attribute (`b[0].children.append(x)`): they change some other object, "
            "too far away to follow.",
            "Changes made inside a nested function: when it runs is unknown.",
        ),
        references=(
            "https://docs.python.org/3/library/copy.html",
            "https://docs.python.org/3/faq/programming.html#how-do-i-copy-an-object-in-python",
        ),
        prior_art=("none known: flake8-bugbear, pylint and ruff have no equivalent",),
    )

    node_types = SharedElementsRule.node_types + (ast.Yield, ast.YieldFrom)
    # The shallow copies' words (`a.copy()`, `copy.copy(a)`, `a[:]`, `list(a)`, `dict(a)`, `[*a]`,
    # `{**a}`): three files in four have none, and every hit starts at a copy.
    needs = ("copy", "[:]", "list(", "dict(", "[*", "{**")
    fixable = True
    fixer = "pitfalls.rules.pit601_fix:fix"
    fix_is_safe = False  # a deep copy also copies what was meant to be shared, and costs more

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.generators: set[ast.AST] = set()  # functions (and lambdas) that yield
        # (class, attribute) -> for each `self.attribute = value` in its methods: a mutable value?
        self.self_assigned: dict[tuple[ast.ClassDef, str], list[bool]] = {}
        self.checks: dict[Shared, list[Check]] = {}  # what only the whole module can tell
        self.elements_only: set[Shared] = set()  # copies of unannotated parameters
        self.statement: Optional[ast.stmt] = None  # the assignment being visited
        self.attribute_stores: list[ast.stmt] = []  # assignments to attributes, noted once asked

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            function = self.ctx.enclosing_function(node)
            if function is not None:
                self.generators.add(function)
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            self.statement = node  # its value has no parent yet: the walk has not reached it
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(type(t) is ast.Attribute or type(t) in (ast.Tuple, ast.List) for t in targets):
                self.attribute_stores.append(node)  # `self.x = ...`: read only if a check asks
        super().visit(node)

    def shared_value(self, value: ast.expr) -> Optional[Shared]:
        kind = type(value)  # the shapes a shallow copy can have, tested before any resolution
        if kind is ast.Call:
            func = value.func  # type: ignore[attr-defined]
            if type(func) is ast.Attribute and func.attr != "copy":
                return None
        elif kind is ast.Subscript:
            if type(value.slice) is not ast.Slice:  # type: ignore[attr-defined]
                return None
        elif kind is not ast.List and kind is not ast.Dict:
            return None
        if self._materializes_itself(value):
            return None
        checks: list[Check] = []
        evidence = KNOWN
        original = self._shallow_copy_of(value)
        if self._is_copy_method(value):
            found = self._receiver_evidence(value.func.value)  # type: ignore[attr-defined]
            if found is None:
                return None
            evidence, check = found
            if check is not None:
                checks.append(check)
        if original is None:
            return None
        reachable = self._still_reachable(original)
        if reachable is False:
            return None
        if reachable is not True:
            checks.append(reachable)
        copied = Shared(value, original)
        if isinstance(value, ast.Dict):
            # `{**a, "k": []}`: the element under "k" is new, not a's.
            for key in value.keys:
                if key is not None:
                    copied.replace(key)
        elif isinstance(value, ast.Call) and self.ctx.call_name(value) == "builtins.dict":
            # `dict(a, k=[])`: likewise, the element under "k" is new.
            for keyword in value.keywords:
                if keyword.arg is not None:
                    copied.replace(ast.Constant(keyword.arg))
        if checks:
            self.checks[copied] = checks
        if evidence == ELEMENTS:
            self.elements_only.add(copied)
        return copied

    @staticmethod
    def _is_copy_method(value: ast.expr) -> bool:
        return (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "copy"
            and not value.args
            and not value.keywords
        )

    def _materializes_itself(self, value: ast.expr) -> bool:
        """`rows = list(rows)`: the idiom turns an iterable into a list, it is not a defensive copy.

        A judgement call: when `rows` already was a list the caller's rows are shared, but the
        idiom is overwhelmingly written to accept any iterable (a generator, a tuple, a
        `dict_keys`), and the function then owns its list. `rows = rows.copy()`, `rows[:]` and
        `copy.copy(rows)` say "copy" and still count. (`tuple(...)` is no copy form here at all.)
        """
        if not (isinstance(value, ast.Call) and len(value.args) == 1 and isinstance(value.args[0], ast.Name)):
            return False
        if self.ctx.call_name(value) != "builtins.list":
            return False
        statement = self.statement
        if statement is None or statement.value is not value:  # type: ignore[attr-defined]
            return False
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        else:
            return False
        name = value.args[0].id
        return any(isinstance(t, ast.Name) and t.id == name for t in targets)

    def _shallow_copy_of(self, value: ast.expr) -> Optional[ast.expr]:
        """`a` for `a.copy()`, `a[:]`, `list(a)`, `dict(a)`, `copy.copy(a)`, `[*a]`, `{**a}`."""
        if isinstance(value, ast.Call):
            if self._is_copy_method(value):
                return value.func.value  # type: ignore[attr-defined]
            qualname = self.ctx.call_name(value)
            if qualname == "builtins.dict" and not value.args:
                spread = [k.value for k in value.keywords if k.arg is None]
                return spread[0] if len(spread) == 1 else None  # `dict(**a)`
            if qualname in SHALLOW_COPY_CALLS and len(value.args) == 1 and not isinstance(value.args[0], ast.Starred):
                if value.keywords and qualname != "builtins.dict":
                    return None
                view = _view_of(value.args[0], "items" if qualname == "builtins.dict" else "values")
                return view if view is not None else value.args[0]  # `dict(a.items())`, `list(a.values())`
        elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
            piece = value.slice
            if piece.lower is None and piece.upper is None and piece.step is None:
                return value.value
        elif isinstance(value, ast.List):
            starred = [e.value for e in value.elts if isinstance(e, ast.Starred)]
            return starred[0] if len(starred) == 1 else None
        elif isinstance(value, ast.Dict):
            spread = [v for k, v in zip(value.keys, value.values) if k is None]
            return spread[0] if len(spread) == 1 else None
        return None

    def _receiver_evidence(self, receiver: ast.expr) -> Optional[tuple[str, Optional[Check]]]:
        """What says `receiver.copy()` is the shallow `list.copy`/`dict.copy`; None: nothing does.

        Any class may define `copy()`, and numpy arrays and pandas frames copy their data
        (`out = m.copy(); out[i][j] = 0` changes only `out`). So a name counts only when it is
        bound here to a list/dict value or annotated as a list/dict type, and `self.x` only when
        every binding of `x` the class makes is a list/dict value. Any other attribute, call
        result or a name bound to an instance (`x = np.zeros(...)`, `m = Matrix(...)`) may be
        anything: not flagged. An unannotated parameter is as unknown, except that an element
        changed by a method only Python containers have (`copy[k].append(x)`) shows the
        elements, and so almost surely the container, are plain lists and dicts; a numpy row or
        a pandas column is changed by subscript stores, which alone are not reported there.
        """
        if isinstance(receiver, ast.Attribute):
            owner = self._receiver_class(receiver.value)
            if owner is None:
                return None
            cls, attr = owner, receiver.attr
            return KNOWN, lambda: self._class_holds_container(cls, attr)
        if not isinstance(receiver, ast.Name):
            return None
        binding = self.ctx.lookup(receiver.id)
        if binding is None:
            return None
        if binding.kind in ("assign", "walrus"):
            statement = self.ctx.parent(binding.node)
            if self.ctx.is_mutable_value(binding.value, binding.scope):
                return KNOWN, None
            if isinstance(statement, ast.AnnAssign) and self._container_annotation(statement.annotation):
                return KNOWN, None
            return None
        if binding.kind != "param" or not isinstance(binding.node, ast.arg):
            return None
        annotation = binding.node.annotation
        if annotation is not None:
            return (KNOWN, None) if self._container_annotation(annotation) else None
        if self._receiver_class(receiver) is not None:
            return None  # `self.copy()`: the instance copies itself, with its own semantics
        return ELEMENTS, None

    def _container_annotation(self, annotation: ast.expr) -> bool:
        """`list`, `dict[str, list]`, `List[...]`, `Optional[MutableMapping]`, `"dict | None"`..."""
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return False
        members = [annotation]
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            members = [annotation.left, annotation.right]
        elif isinstance(annotation, ast.Subscript) and self.ctx.qualified_name(annotation.value) in (
            "typing.Optional", "typing.Union",
        ):
            inner = annotation.slice
            members = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        members = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
        if not members:
            return False
        for member in members:
            if isinstance(member, ast.Subscript):
                member = member.value
            if self.ctx.qualified_name(member) not in CONTAINER_ANNOTATIONS:
                return False
        return True

    def _receiver_class(self, node: ast.expr) -> Optional[ast.ClassDef]:
        """The class of which `node` is the first parameter (`self`) of a method, if it is one."""
        if not isinstance(node, ast.Name):
            return None
        binding = self.ctx.resolve(node)  # what the walk recorded there, else looked up now
        if binding is None or binding.kind != "param":
            return None
        function = binding.scope.node
        args = getattr(function, "args", None)
        positional = [*args.posonlyargs, *args.args] if args is not None else []
        if not positional or positional[0] is not binding.node:
            return None
        owner = self.ctx.parent(function)
        return owner if isinstance(owner, ast.ClassDef) else None

    def _note_self_attributes(self, node: ast.stmt) -> None:
        """Remember `self.x = value` in methods: is every value given to `x` a list/dict/set?"""
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return  # `self.x: list[int]` alone binds nothing
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
        for target in targets:
            unpacked = isinstance(target, (ast.Tuple, ast.List))
            for item in target.elts if unpacked else [target]:  # type: ignore[attr-defined]
                if isinstance(item, ast.Attribute):
                    cls = self._receiver_class(item.value)
                    if cls is not None:
                        mutable = not unpacked and self.ctx.is_mutable_value(node.value)  # type: ignore[attr-defined]
                        self.self_assigned.setdefault((cls, item.attr), []).append(mutable)

    def _class_holds_container(self, cls: ast.ClassDef, attr: str) -> bool:
        while self.attribute_stores:  # asked after the walk: each store's names are resolved
            self._note_self_attributes(self.attribute_stores.pop())
        scope = self.ctx.scopes.get(cls)
        values = [
            binding.kind == "assign" and self.ctx.is_mutable_value(binding.value, binding.scope)
            for binding in (scope.bindings.get(attr, []) if scope is not None else [])
            if binding.kind != "annotation"
        ]
        values += self.self_assigned.get((cls, attr), [])
        return bool(values) and all(values)

    def _still_reachable(self, original: ast.expr) -> "bool | Check":
        """Whether the copied object is one the code can still see change: a name or attribute.

        `list(range(3))`, `list(gen())`, `dict(zip(k, v))`, `sorted(x)[:]` copy a fresh call
        result that nothing else holds, so changing the copy's elements corrupts nothing; so
        does `list(reader)` when `reader` is bound to such an iterator (`csv.reader(f)`, `map`,
        `itertools.*`, a generator expression, a call of one of the module's generator
        functions): each element is made as the copy pulls it. Whether a function yields may be
        known only further down, hence a check for `finish()`.
        """
        node = original
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        if not isinstance(node, ast.Name):
            return False
        if node is original:
            binding = self.ctx.lookup(node.id)
            if binding is not None and binding.kind in ("assign", "walrus", "with"):
                value = binding.value
                if isinstance(value, ast.GeneratorExp):
                    return False
                qualname = self.ctx.call_name(value, binding.scope)
                if qualname is not None and (qualname in FRESH_SOURCES or qualname.startswith("itertools.")):
                    return False  # a one-shot iterator: its elements live only in the copy
                if isinstance(value, ast.Call):
                    return self._unless_generator(value, binding.scope)
        return True

    def _unless_generator(self, call: ast.Call, scope: Scope) -> "bool | Check":
        """A check that `call` is not a call of a generator function of this module."""
        func = call.func
        if isinstance(func, ast.Name):
            name = func.id
            return lambda: not self._is_generator(self.ctx.lookup(name, scope))
        if isinstance(func, ast.Attribute):
            cls = self._receiver_class(func.value)
            if cls is not None:
                method = func.attr
                return lambda: not self._is_generator(self._class_member(cls, method))
        return True

    def _class_member(self, cls: ast.ClassDef, name: str) -> Optional[Binding]:
        scope = self.ctx.scopes.get(cls)
        return scope.last(name) if scope is not None else None

    def _is_generator(self, binding: Optional[Binding]) -> bool:
        return binding is not None and binding.kind == "function" and binding.node in self.generators

    def finish(self) -> None:
        for copied in self.shared.values():
            if not copied.mutations or not all(check() for check in self.checks.get(copied, ())):
                continue
            if copied in self.elements_only and not any(
                isinstance(m, ast.Call) and m.func.attr in CONTAINER_ONLY_METHODS  # type: ignore[attr-defined]
                for m in copied.mutations
            ):
                continue
            segment = self.ctx.segment
            # Elements only emptied (then refilled): fresh empty ones do, not a deep copy.
            cleared = self._only_emptied(copied)
            for mutation in copied.mutations:
                context = {
                    "mutation": segment(mutation, 80),
                    "copy": copied.name,
                    "original": segment(copied.source),
                    "copy_expr": segment(copied.value),
                    "deep_copy": self._deep_copy(copied),
                }
                found = self._loop_of_mutation(copied, mutation)
                if found is not None:
                    keyword = "async for" if isinstance(found, ast.AsyncFor) else "for"
                    context["loop"] = f"{keyword} {segment(found.target)} in {segment(found.iter)}:"
                # What the explanation says depends on how the element is reached, and on
                # whether the copy took the original's own name (`rows = rows.copy()`).
                reach = "loop" if found is not None else "index"
                rebound = context["copy"] == context["original"]
                context["reach"] = reach + ("-rebound" if rebound else "") + ("-cleared" if cleared else "")
                if cleared:
                    context["fresh_copy"] = self._fresh_copy(copied)
                original = context["original"]
                context["shared_with"] = f"the object '{original}' named before" if rebound else f"'{original}'"
                self.report(
                    mutation,
                    related=[(copied.value, f"'{copied.name}' is a shallow copy of '{segment(copied.source)}' here")],
                    fixable=_fixable_copy(copied.value) and not cleared,
                    **context,
                )

    def _loop_of_mutation(self, copied: Shared, mutation: ast.AST) -> Optional[Loop]:
        """The loop over `copied` whose element variable `mutation` changes in place, if any."""
        root = _root(mutation)
        if root is None or root == copied.name:
            return None
        for ancestor in self.ctx.ancestors(mutation):
            entry = self.loops.get(ancestor)  # type: ignore[call-overload]
            if entry is not None and entry[1] is copied and entry[0] == root:
                return ancestor  # type: ignore[return-value]
        return None

    def _only_emptied(self, copied: Shared) -> bool:
        """Every element changed is first emptied (`row.clear()`, `del row[:]`), then maybe
        refilled: none of the original's contents is kept."""
        emptied: set[str] = set()
        for mutation in sorted(copied.mutations, key=lambda m: (m.lineno, m.col_offset)):  # type: ignore[attr-defined]
            element = _element(mutation)
            if element is None:
                return False
            key = self.ctx.segment(element, limit=None)
            if _empties(mutation):
                emptied.add(key)
            elif key not in emptied:
                return False
        return bool(emptied)

    def _fresh_copy(self, copied: Shared) -> str:
        """Code that gives the copy new, empty elements where it empties the original's: in a
        loop, every element (`[type(row)() for row in a]`); by key, that element, replaced
        rather than cleared (`b[k] = type(b[k])()`), the other elements left as they are."""
        original, name = self.ctx.segment(copied.source), copied.name
        if any(self._loop_of_mutation(copied, m) is not None for m in copied.mutations):
            if self.ctx.call_name(copied.value) == "builtins.dict" or isinstance(copied.value, ast.Dict):
                return f"{name} = {{key: type(value)() for key, value in {original}.items()}}"
            return f"{name} = [type(item)() for item in {original}]"
        lines = [f"{name} = {self.ctx.segment(copied.value)}"]
        for mutation in copied.mutations:
            element = _element(mutation)
            if _empties(mutation) and element is not None:
                text = self.ctx.segment(element, limit=None)
                line = f"{text} = type({text})()  # instead of emptying the shared one"
                if line not in lines:
                    lines.append(line)
        return "\n".join(lines)

    def _deep_copy(self, copied: Shared) -> str:
        """The fix's expression: `copy.deepcopy(a)`, keeping keys the copy adds (`{**a, "k": []}`)."""
        segment = self.ctx.segment
        deep = f"copy.deepcopy({segment(copied.source)})"
        value = copied.value
        if isinstance(value, ast.Dict) and len(value.keys) > 1:
            pairs = zip(value.keys, value.values)
            items = [f"**{deep}" if k is None else f"{segment(k)}: {segment(v)}" for k, v in pairs]
            return "{" + ", ".join(items) + "}"
        if isinstance(value, ast.Call) and value.keywords:
            keywords = ", ".join(
                f"**{segment(k.value)}" if k.arg is None else f"{k.arg}={segment(k.value)}" for k in value.keywords
            )
            return f"{segment(value.func)}({deep}, {keywords})"
        return deep


def _view_of(node: ast.expr, method: str) -> Optional[ast.expr]:
    """`a` for `a.items()` (method "items") or `a.values()`: a view whose items hold a's values."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method
            and not node.args and not node.keywords):
        return node.func.value
    return None


def _empties(change: ast.AST) -> bool:
    """`row.clear()`, `b[0].clear()`, `del row[:]`: the element is emptied."""
    if isinstance(change, ast.Call):
        return isinstance(change.func, ast.Attribute) and change.func.attr == "clear" and not change.args
    if isinstance(change, ast.Delete):
        return all(isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Slice) and t.slice.lower is None
                   and t.slice.upper is None and t.slice.step is None for t in change.targets)
    return False


def _element(change: ast.AST) -> Optional[ast.expr]:
    """The element a change changes: `row` in `row.append(x)`, `b[0]` in `b[0][1] = v`."""
    if isinstance(change, ast.Call) and isinstance(change.func, ast.Attribute):
        return change.func.value
    target = change.target if isinstance(change, ast.AugAssign) else next(
        (t for t in getattr(change, "targets", ()) if isinstance(t, ast.Subscript)), None
    )
    return target.value if isinstance(target, ast.Subscript) else None


def _root(change: ast.AST) -> Optional[str]:
    """The name an in-place change starts from: `row` for `row.append(x)`, `row[j] = v`, `del row[j]`."""
    if isinstance(change, ast.Call):
        node = change.func.value  # type: ignore[attr-defined]
    elif isinstance(change, ast.AugAssign):
        node = change.target
    elif isinstance(change, (ast.Assign, ast.Delete)):
        node = next((t for t in change.targets if isinstance(t, ast.Subscript)), change.targets[0])
    else:
        node = change
    while isinstance(node, ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _fixable_copy(node: ast.AST) -> bool:
    """The copies pit601_fix rewrites: `x.copy()`, `copy.copy(x)`, `list(x)`, `dict(x)`,
    `set(x)` and `x[:]`."""
    if isinstance(node, ast.Subscript):
        part = node.slice
        return isinstance(part, ast.Slice) and part.lower is None and part.upper is None and part.step is None
    if not isinstance(node, ast.Call) or node.keywords:
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "copy":
        module_copy = isinstance(func.value, ast.Name) and func.value.id == "copy"
        return len(node.args) == (1 if module_copy else 0)
    return (
        isinstance(func, ast.Name) and func.id in ("list", "dict", "set")
        and len(node.args) == 1 and not isinstance(node.args[0], ast.Starred)
    )
