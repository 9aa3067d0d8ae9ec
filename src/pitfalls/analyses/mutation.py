"""In-place mutation: the one vocabulary of what changes a list, dict or set, and its detector."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from pitfalls.model import Context
from pitfalls.model.scopes import Binding
from pitfalls.model.vocabulary import MUTATING_FUNCTIONS, MUTATING_METHODS, REMOVALS

__all__ = [
    "MUTATING_FUNCTIONS", "MUTATING_METHODS", "REMOVALS", "Change", "Use", "binding_container", "in_place_change",
    "is_mutable_expr", "uses_of", "value_container",
]

# The built-in containers a call or an annotation names, by qualified name.
CONTAINERS = {
    "builtins.list": "list", "builtins.sorted": "list", "typing.List": "list", "builtins.dict": "dict",
    "typing.Dict": "dict", "collections.OrderedDict": "dict", "collections.defaultdict": "dict",
    "collections.Counter": "dict", "builtins.set": "set", "typing.Set": "set", "collections.deque": "deque",
    "builtins.bytearray": "bytearray",
}


# Methods whose result is a new list whatever they are called on (`line.split()`, `f.readlines()`).
LIST_RESULT_METHODS = frozenset({"split", "rsplit", "splitlines", "readlines"})


def value_container(ctx: Context, value: ast.expr, scope=None) -> Optional[str]:
    """"list", "dict", "set", "deque" or "bytearray" when `value` certainly makes one (a display, a
    comprehension, `list(...)`, `sorted(...)`, `deque()`...), else None."""
    if isinstance(value, (ast.List, ast.ListComp)):
        return "list"
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return "dict"
    if isinstance(value, (ast.Set, ast.SetComp)):
        return "set"
    if isinstance(value, ast.Call):
        return CONTAINERS.get(ctx.call_name(value, scope) or "")
    return None


def binding_container(ctx: Context, binding: Binding) -> Optional[str]:
    """The built-in container a binding holds: its assigned value's, or a parameter's annotation's."""
    if binding.kind in ("assign", "walrus") and binding.value is not None:
        return value_container(ctx, binding.value, binding.scope)
    if binding.kind == "param" and isinstance(binding.node, ast.arg) and binding.node.annotation is not None:
        annotation = binding.node.annotation
        base = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        return CONTAINERS.get(ctx.qualified_name(base, binding.scope) or "")
    return None


def is_mutable_expr(ctx: Context, node: Optional[ast.AST], follow_names: bool = True) -> bool:
    """A "mutable value" (RULES.md, with list repetitions), or a name bound to one of them.

    A name counts only when its latest visible binding is a plain assignment of such a value:
    a parameter or a call result may be anything, and guessing would cost precision.
    """
    if ctx.is_mutable_value(node):
        return True
    if follow_names and isinstance(node, ast.Name):
        binding = ctx.lookup(node.id)
        if binding is not None and binding.kind in ("assign", "walrus"):
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


# -- bottom-up: what the code around an expression does with the object it evaluates to -------


@dataclass(frozen=True)
class Use:
    """`how`: the mutating method or function (`append`, `heappush`), "store", "delete",
    "augassign" (`x += v`), "item-augassign" (`x[k] += v`), or "lookup" (`x[k]`, `k in x`,
    `x.get(k)`), done at `node` (the Call, Subscript, AugAssign or Compare). `element`: it is an
    element of the object that changes (`x[k].append(v)`, `x[i][j] = v`, and `x.setdefault(k,
    []).append(v)`, which has no `keys`); `keys` are the subscripts on the way down to it."""

    how: str
    node: ast.AST
    element: bool = False
    keys: tuple[ast.expr, ...] = ()


def uses_of(ctx: Context, node: ast.AST, methods: frozenset = MUTATING_METHODS) -> list[Use]:
    """What is done, in place, with the object `node` evaluates to (`self.tags`, `Foo.registry`):
    changed (by one of `methods`, an item store or delete, `+=`, a MUTATING_FUNCTION), an element
    of it changed, or looked up by key. A read that does none of these gives nothing."""
    parents = ctx.parents
    parent = parents.get(node)
    if isinstance(parent, ast.Attribute):
        call = parents.get(parent)
        if isinstance(call, ast.Call) and call.func is parent:
            if parent.attr in methods:
                element = _element_use(ctx, call, (), methods) if parent.attr == "setdefault" else []
                return [Use(parent.attr, call), *element]
            if parent.attr == "get":
                return [Use("lookup", call)]
    elif isinstance(parent, ast.Subscript) and parent.value is node:
        if not isinstance(parent.ctx, ast.Load):
            return [Use(_item_change(ctx, parent), parent)]
        top, keys = parent, [parent.slice]
        while True:
            up = parents.get(top)
            if not (isinstance(up, ast.Subscript) and up.value is top and isinstance(up.ctx, ast.Load)):
                break
            top = up
            keys.append(up.slice)
        return [Use("lookup", parent), *_element_use(ctx, top, tuple(keys), methods)]
    elif isinstance(parent, ast.AugAssign) and parent.target is node:
        return [Use("augassign", parent)]
    elif isinstance(parent, ast.Compare):
        if any(r is node and isinstance(o, (ast.In, ast.NotIn)) for o, r in zip(parent.ops, parent.comparators)):
            return [Use("lookup", parent)]
    elif isinstance(parent, ast.Call) and parent.args and parent.args[0] is node:
        function = _mutating_function(ctx, parent)
        if function:
            return [Use(function, parent)]
    return []


def _element_use(ctx: Context, top: ast.AST, keys: tuple[ast.expr, ...], methods: frozenset) -> list[Use]:
    """The change made to `top`, itself an element (`x[k]`, `x.setdefault(k, [])`)."""
    parent = ctx.parents.get(top)
    call = ctx.parents.get(parent) if isinstance(parent, ast.Attribute) else None
    if isinstance(call, ast.Call) and call.func is parent and parent.attr in methods:  # type: ignore[union-attr]
        return [Use(parent.attr, call, True, keys)]  # type: ignore[union-attr]
    if isinstance(parent, ast.Subscript) and parent.value is top and not isinstance(parent.ctx, ast.Load):
        return [Use(_item_change(ctx, parent), parent, True, keys)]
    if isinstance(parent, ast.Call) and parent.args and parent.args[0] is top:
        function = _mutating_function(ctx, parent)
        if function:
            return [Use(function, parent, True, keys)]
    return []


def _item_change(ctx: Context, subscript: ast.Subscript) -> str:
    if isinstance(subscript.ctx, ast.Del):
        return "delete"
    parent = ctx.parents.get(subscript)
    return "item-augassign" if isinstance(parent, ast.AugAssign) and parent.target is subscript else "store"


_MUTATING_FUNCTION_NAMES = frozenset(name.rpartition(".")[2] for name in MUTATING_FUNCTIONS)


def _mutating_function(ctx: Context, call: ast.Call) -> Optional[str]:
    """`heappush` for `heapq.heappush(...)` or an imported `heappush(...)` (MUTATING_FUNCTIONS)."""
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if last not in _MUTATING_FUNCTION_NAMES and not isinstance(func, ast.Name):
        return None
    found = ctx.qualified_name(func)  # the name as the walk saw it
    return found.rpartition(".")[2] if found in MUTATING_FUNCTIONS else None


def changed_parameter(ctx: Context, node: ast.AST) -> str:
    """The first parameter (`self` included) of the def or lambda `node` whose object it changes
    in place or sets an attribute on, or "": state it shares with its caller (a process pool
    would hand it a copy; a thread changes the caller's own object)."""
    scope = ctx.scopes.get(node)
    for bindings in (scope.bindings.values() if scope is not None else ()):
        for binding in bindings:
            if binding.kind != "param":
                continue
            for reference in binding.references:
                parent = ctx.parent(reference.node)
                stored = isinstance(parent, ast.Attribute) and not isinstance(parent.ctx, ast.Load)
                if stored or any(use.how != "lookup" for use in uses_of(ctx, reference.node)):
                    return binding.name
    return ""
