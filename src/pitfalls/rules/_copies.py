"""What PIT601-PIT603 share: mutable values, in-place changes of elements, and a tracker of both."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Optional, Union

from pitfalls.rule import Rule
from pitfalls.rules.pit101_mutable_default_argument import MUTATING_METHODS
from pitfalls.semantic import Binding, Context

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


def is_mutable_expr(ctx: Context, node: Optional[ast.AST], follow_names: bool = True) -> bool:
    """A "mutable value" (RULES.md, with list repetitions), or a name bound to one of them.

    A name counts only when its latest visible binding is a plain assignment of such a value:
    a parameter or a call result may be anything, and guessing would cost precision.
    """
    if ctx.is_mutable_value(node):
        return True
    if follow_names and isinstance(node, ast.Name):
        binding = ctx.lookup(node.id)
        if binding is not None and binding.kind == "assign":
            return is_mutable_expr(ctx, binding.value, follow_names=False)
    return False


@dataclass(frozen=True)
class Change:
    """An object changed in place at `node`, reached from the name `root` through `path`.

    `b[i].append(x)` changes `b[i]`: root `b`, path `(i,)`. `b[i][j] = v` changes `b[i]`
    too. `b[k] = v` and `b.append(x)` change `b` itself: path `()`, and `item` is the key `k`
    of a store (None for a call, a delete or `+=`).
    """

    node: ast.AST
    root: ast.Name
    path: tuple[ast.expr, ...]
    item: Optional[ast.expr] = None


def _reach(node: ast.expr) -> Optional[tuple[ast.Name, tuple[ast.expr, ...]]]:
    """`b[i][j]` -> (b, (i, j)); anything but a chain of subscripts on a name -> None."""
    keys: list[ast.expr] = []
    while isinstance(node, ast.Subscript):
        keys.append(node.slice)
        node = node.value
    if not isinstance(node, ast.Name):
        # `b[i].attr.append()` changes some other object that b[i] refers to: too far to tell.
        return None
    return node, tuple(reversed(keys))


def in_place_change(ctx: Context, node: ast.AST) -> Optional[Change]:
    """The in-place change `node` makes (a Call, a Subscript in Store/Del context, an AugAssign)."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in MUTATING_METHODS:
            reached = _reach(func.value)
            if reached:
                return Change(node, *reached)
    elif isinstance(node, ast.Subscript):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            reached = _reach(node.value)
            if reached:
                parent = ctx.parent(node)
                stored = isinstance(node.ctx, ast.Store) and not isinstance(parent, ast.AugAssign)
                # Report the statement (`grid[i][j] = v`), which says what happens, when there is one.
                where = parent if isinstance(parent, (ast.Assign, ast.AugAssign, ast.Delete)) else node
                return Change(where, *reached, item=node.slice if stored else None)
    elif isinstance(node, ast.AugAssign):
        # `x += [..]` extends a list in place (and `|=` updates a dict or set); `x += 1` on a
        # number or string makes a new object, so only a mutable right side counts.
        if isinstance(node.target, (ast.Name, ast.Subscript)) and is_mutable_expr(ctx, node.value):
            reached = _reach(node.target)
            if reached:
                return Change(node, *reached)
    return None


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
    if isinstance(source, ast.Name):
        return target.id, source  # type: ignore[union-attr]
    return None


def _key(node: ast.expr) -> str:
    return ast.dump(node)


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
        return key is None or _key(key) not in self.replaced


class SharedElementsRule(Rule):
    """Tracks names bound to containers with shared elements and the in-place changes of those.

    Subclasses say which assigned values share their elements (`shared_value`) and decide in
    `finish()`. Only the latest binding of a name in the same scope counts: a rebinding in
    between, or a change made from a nested function, is not followed.
    """

    node_types: tuple[type[ast.AST], ...] = (
        ast.Assign, ast.AnnAssign, ast.Call, ast.Subscript, ast.AugAssign, ast.For, ast.AsyncFor,
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.shared: dict[ast.expr, Shared] = {}  # by the bound value node
        self.loops: dict[Loop, tuple[str, Shared]] = {}  # loop -> (element variable, container)

    def shared_value(self, value: ast.expr) -> Optional[Shared]:  # pragma: no cover - overridden
        return None

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
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
            return
        tracked = self._tracked(change.root)
        if tracked is not None:
            if change.path:
                if tracked.still_shared(change.path[0]):
                    tracked.mutations.append(change.node)
            elif change.item is not None:
                tracked.replace(change.item)
            return
        # `row.append(x)`, `row[j] = v`: row is an element of a tracked container.
        loop = self._loop_of(change.root)
        if loop is not None:
            variable, tracked = loop
            if variable == change.root.id and tracked.still_shared(None):
                tracked.mutations.append(change.node)

    def _binding(self, name: ast.Name) -> Optional[Binding]:
        binding = self.ctx.lookup(name.id)
        if binding is None or binding.scope is not self.ctx.scope:
            return None  # bound in an enclosing scope: when the change runs is unknown
        return binding

    def _tracked(self, name: ast.Name) -> Optional[Shared]:
        binding = self._binding(name)
        if binding is None or binding.kind != "assign" or binding.value is None:
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
