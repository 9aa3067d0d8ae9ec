"""Containers whose elements are shared with another object (copies, repetition), and a tracker of them."""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass, field
from typing import Optional, Union

from pitfalls.analyses.mutation import MUTATING_METHODS, in_place_change, uses_of
from pitfalls.model import Binding, Context
from pitfalls.rule import Rule

Loop = Union[ast.For, ast.AsyncFor]

# How one element of each kind gets changed in place, in words for the explanations.
IN_PLACE_CHANGES = {
    "list": "`append` or item assignment",
    "deque": "`append`",
    "bytearray": "`append` or item assignment",
    "set": "`add`",
    "dict": "item assignment",
    "defaultdict": "item assignment",
    "OrderedDict": "item assignment",
    "Counter": "item assignment",
}


# Expressions that build a new object each time they run, so a fix may re-run one per slot or
# per key (rules/_cst.py has the same list in libcst's node types, for the fixers).
FRESH_VALUES = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp, ast.Call, ast.BinOp)


def loop_element(ctx: Context, loop: Loop) -> Optional[tuple[str, ast.Name]]:
    """For `for row in b`, `b.values()`, `k, row in b.items()`, `i, row in enumerate(b)`: (row, b)."""
    target, source = loop.target, loop.iter
    if isinstance(target, ast.Name):
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and not source.args:
            if source.func.attr != "values":
                return None
            source = source.func.value
    elif isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name):
        if not isinstance(source, ast.Call) or len(source.args) > 1 or source.keywords:
            return None
        if isinstance(source.func, ast.Attribute) and source.func.attr == "items" and not source.args:
            source = source.func.value
        elif ctx.qualified_name(source.func) == "builtins.enumerate" and source.args:
            source = source.args[0]
        else:
            return None
        target = target.elts[1]
    else:
        return None
    if (isinstance(source, ast.Call) and len(source.args) == 1 and not source.keywords
            and ctx.qualified_name(source.func) == "builtins.reversed"):
        source = source.args[0]  # `for row in reversed(b)`: the same elements, last first
    if isinstance(source, ast.Name):
        return target.id, source  # type: ignore[union-attr]
    return None


def _key(node: ast.expr) -> str:
    return ast.dump(node)


def _negative(node: ast.expr) -> bool:
    """`-1`, `-n`: an index counted from the end, where appended elements go."""
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)


# Calls on the copy itself that add elements of its own: at the end, or anywhere.
APPENDS = frozenset({"append", "extend"})
INSERTS = frozenset({"insert", "appendleft", "extendleft"})


def _is_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)
    )


@dataclass(eq=False)
class Shared:
    """A name bound to a container whose elements are shared with other objects."""

    value: ast.expr  # the bound expression: the copy, the multiplication
    source: ast.expr  # what the elements are shared with: the copied original, the repeated element
    name: str = ""
    replaced: set[str] = field(default_factory=set)  # keys whose element was replaced (`b[k] = v`)
    replaced_unknown: bool = False  # an element was replaced through a non-constant key
    grown: bool = False  # elements were appended after the copy: `b[-1]` may be one of them
    mutations: list[ast.AST] = field(default_factory=list)  # in-place changes of shared elements

    def replace(self, key: ast.expr) -> None:
        self.replaced.add(_key(key))
        if not _is_constant(key):
            self.replaced_unknown = True

    def still_shared(self, key: Optional[ast.expr]) -> bool:
        """Whether the element under `key` (None: any element, as in a loop) may still be shared."""
        # After `b[k] = list(b[k])` (or `b[i] = []` in a loop over indices) the element is a
        # new object: changing it affects nothing else. A non-constant key may have replaced
        # any element, so from then on nothing is claimed.
        if self.replaced_unknown:
            return False
        if self.grown and key is not None and _negative(key):
            return False  # `b.append([]); b[-1].append(1)`: the copy's own element
        return key is None or _key(key) not in self.replaced


class SharedElementsRule(Rule):
    """Tracks names bound to containers with shared elements and the in-place changes of those.

    Subclasses say which assigned values share their elements (`shared_value`) and decide in
    `finish()`. Only the latest binding of a name in the same scope counts: a rebinding in
    between, or a change made from a nested function, is not followed.
    """

    node_types: tuple[type[ast.AST], ...] = (
        ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Subscript, ast.AugAssign, ast.For, ast.AsyncFor,
    )
    method_names = MUTATING_METHODS  # the calls that can change an element in place

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.shared: dict[ast.expr, Shared] = {}  # by the bound value node
        self.loops: dict[Loop, tuple[str, Shared]] = {}  # loop -> (element variable, container)

    def shared_value(self, value: ast.expr) -> Optional[Shared]:  # pragma: no cover - overridden
        return None

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if names and node.value is not None:
                found = self.shared.get(node.value) or self.shared_value(node.value)
                if found is not None:
                    found.name = found.name or names[0]
                    self.shared[node.value] = found
        if not self.shared:
            return  # the common case: nothing tracked, nothing to look for
        if isinstance(node, (ast.For, ast.AsyncFor)):
            element = loop_element(self.ctx, node)
            if element is not None:
                tracked = self._tracked(element[1])
                if tracked is not None:
                    self.loops[node] = (element[0], tracked)
            return
        change = in_place_change(self.ctx, node)
        if change is None:
            self._through_setdefault(node)
            return
        tracked = self._tracked(change.root)
        if tracked is not None:
            if change.path:
                if tracked.still_shared(change.path[0]):
                    tracked.mutations.append(change.node)
            elif change.item is not None:
                tracked.replace(change.item)
            elif isinstance(change.node, ast.Call):
                method = change.node.func.attr  # type: ignore[attr-defined]
                if method in APPENDS:
                    tracked.grown = True
                elif method in INSERTS:
                    tracked.replaced_unknown = True  # any index may now hold a new element
            return
        # `first = b[0]` then `first.append(x)`: an element reached through a name.
        element = self._element_alias(change.root)
        if element is not None and not change.path:
            tracked, key = element
            if tracked.still_shared(key):
                tracked.mutations.append(change.node)
            return
        # `row.append(x)`, `row[j] = v`: row is an element of a tracked container.
        loop = self._loop_of(change.root)
        if loop is not None:
            variable, tracked = loop
            if variable == change.root.id and tracked.still_shared(None):
                tracked.mutations.append(change.node)

    def _through_setdefault(self, node: ast.AST) -> None:
        """`b.setdefault(k, []).append(x)`: when `k` is already in `b`, its element is the
        original's (the config-merge bug)."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in self.method_names):
            return
        inner = node.func.value
        if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "setdefault"
                and isinstance(inner.func.value, ast.Name) and inner.args):
            tracked = self._tracked(inner.func.value)
            if tracked is not None and tracked.still_shared(inner.args[0]):
                tracked.mutations.append(node)

    def _element_alias(self, name: ast.Name) -> Optional[tuple[Shared, ast.expr]]:
        """For a name bound to `b[k]` (`first = b[0]`, walrus too) where `b` is tracked: (b, k)."""
        binding = self._binding(name)
        value = binding.value if binding is not None and binding.kind in ("assign", "walrus") else None
        if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)
                and not isinstance(value.slice, ast.Slice)):
            return None
        container = self.ctx.resolve(value.value)
        if container is None or container.kind not in ("assign", "walrus") or container.value is None:
            return None
        tracked = self.shared.get(container.value)
        return (tracked, value.slice) if tracked is not None else None

    def _binding(self, name: ast.Name) -> Optional[Binding]:
        binding = self.ctx.lookup(name.id)
        if binding is None or binding.scope is not self.ctx.scope:
            return None  # bound in an enclosing scope: when the change runs is unknown
        return binding

    def _tracked(self, name: ast.Name) -> Optional[Shared]:
        binding = self._binding(name)
        if binding is None or binding.kind not in ("assign", "walrus") or binding.value is None:
            return None
        return self.shared.get(binding.value)

    def _loop_of(self, name: ast.Name) -> Optional[tuple[str, Shared]]:
        binding = self._binding(name)
        if binding is None or binding.kind not in ("loop", "unpack"):
            return None  # rebound since the loop (`row = list(row)`): a new object
        parent = self.ctx.parent(binding.node)
        if isinstance(parent, ast.Tuple):
            parent = self.ctx.parent(parent)
        return self.loops.get(parent) if isinstance(parent, (ast.For, ast.AsyncFor)) else None


# Builtins that only read the object passed to them (the rows or the dict stay where they are).
READING_BUILTINS = frozenset(
    "builtins." + name
    for name in (
        "len", "print", "str", "repr", "sum", "min", "max", "any", "all", "enumerate", "zip", "sorted",
        "reversed", "iter", "id", "isinstance", "bool", "format", "hash", "set", "frozenset", "map", "filter",
    )
)
# Methods of a list or dict that read it and return nothing that holds its elements.
READING_METHODS = frozenset({"index", "count", "keys", "__len__", "__contains__", "get"})


def binding_of(ctx: Context, target: ast.AST) -> Optional[Binding]:
    """The binding made by the Name `target` (an assignment's or a walrus's)."""
    if not isinstance(target, ast.Name):
        return None
    # Where it is evaluated, or the module (`global`), first: looking through every scope for
    # each target made a module of 5,000 functions quadratic. The rest (a `nonlocal`, a walrus
    # in a comprehension) after.
    near = (ctx.scope_of(target), ctx.module_scope)
    for scope in itertools.chain(near, (s for s in ctx.scopes.values() if s not in near)):
        for binding in scope.bindings.get(target.id, ()):
            if binding.node is target:
                return binding
    return None


def kept_beyond(ctx: Context, binding: Binding, depth: int = 0) -> bool:
    """Whether the object bound by `binding` outlives the code that reads it here: the name is
    module- or class-level (importable), or some load returns, yields, stores or passes it on
    (to anything but a builtin that only reads). Loads that index it, loop over it, compare it,
    test it or take its length only read it. An alias (`other = rows`) is followed."""
    if binding.scope.kind.name in ("MODULE", "CLASS") or depth > 3:
        return True
    for reference in binding.references:
        node: ast.AST = reference.node
        parent = ctx.parent(node)
        if isinstance(parent, ast.Starred):
            node, parent = parent, ctx.parent(parent)
        if isinstance(parent, ast.Subscript) and parent.value is node:
            continue  # `rows[i]`: one element, read (changes are tracked apart)
        if isinstance(parent, ast.Attribute):
            call = ctx.parent(parent)
            if isinstance(call, ast.Call) and call.func is parent and (
                parent.attr in READING_METHODS or parent.attr in MUTATING_METHODS
            ):
                continue
            if parent.attr in ("values", "items") and isinstance(call, ast.Call):
                continue  # iterated, not kept (a loop's variable is tracked apart)
            return True
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
            continue
        if isinstance(parent, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.While, ast.Assert, ast.IfExp)):
            if not isinstance(parent, (ast.BoolOp, ast.IfExp)) or _only_tested(ctx, parent, node):
                continue
            return True
        if isinstance(parent, ast.FormattedValue):
            continue
        if isinstance(parent, ast.Call) and node is not parent.func:
            if ctx.call_name(parent) in READING_BUILTINS and node in parent.args:
                continue
            return True
        if isinstance(parent, (ast.Assign, ast.NamedExpr)) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            alias = binding_of(ctx, targets[0]) if len(targets) == 1 else None
            if alias is not None and not kept_beyond(ctx, alias, depth + 1):
                continue
            return True
        if isinstance(parent, ast.Delete):
            continue
        return True
    return False


def _only_tested(ctx: Context, parent: ast.AST, node: ast.AST) -> bool:
    """`rows if c else x` hands `rows` on; `x if rows else y` only tests it."""
    if isinstance(parent, ast.IfExp):
        return parent.test is node
    return isinstance(ctx.parent(parent), (ast.If, ast.While, ast.Assert, ast.UnaryOp))


def element_aliases_changed(ctx: Context, binding: Binding, depth: int = 0) -> list[ast.AST]:
    """In-place changes of an element reached through an alias: `first = rows[0]` then
    `first.append(1)`, or `other = rows` then `other[0].append(1)`."""
    found: list[ast.AST] = []
    if depth > 3:
        return found
    for reference in binding.references:
        node: ast.AST = reference.node
        parent = ctx.parent(node)
        element = False
        if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Load):
            node, parent, element = parent, ctx.parent(parent), True
        if not (isinstance(parent, (ast.Assign, ast.NamedExpr)) and parent.value is node):
            continue
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        alias = binding_of(ctx, targets[0]) if len(targets) == 1 else None
        if alias is None:
            continue
        if not element:
            found.extend(element_aliases_changed(ctx, alias, depth + 1))
            for use in _alias_uses(ctx, alias):
                if use.element:
                    found.append(use.node)
            continue
        for use in _alias_uses(ctx, alias):
            if use.how != "lookup":
                found.append(use.node)
    return found


def _alias_uses(ctx: Context, alias: Binding) -> list:
    uses = []
    for reference in alias.references:
        uses.extend(uses_of(ctx, reference.node))
    return uses


def route_to(ctx: Context, change: ast.AST, name: str) -> str:
    """For an answer's example: the line that leads from `name` to the object `change` changes,
    when the change goes through another name (`first = rows[0]` before `first.append(1)`, or
    `for bucket in index.values():` before an indented `bucket.append(1)`); "" otherwise."""
    node: ast.AST = change
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    elif isinstance(node, (ast.Assign, ast.Delete)):
        node = node.targets[0]
    elif isinstance(node, ast.AugAssign):
        node = node.target
    while isinstance(node, ast.Subscript):
        node = node.value
    if not isinstance(node, ast.Name) or node.id == name:
        return ""
    binding = ctx.resolve(node)
    parent = ctx.parent(binding.node) if binding is not None else None
    if isinstance(parent, ast.Tuple):
        parent = ctx.parent(parent)
    if isinstance(parent, (ast.Assign, ast.NamedExpr)):
        return ctx.segment(ctx.statement(parent) if isinstance(parent, ast.NamedExpr) else parent, limit=None) + "\n"
    if isinstance(parent, (ast.For, ast.AsyncFor)):
        head = "async for" if isinstance(parent, ast.AsyncFor) else "for"
        return f"{head} {ctx.segment(parent.target, limit=None)} in {ctx.segment(parent.iter, limit=None)}:\n    "
    return ""
