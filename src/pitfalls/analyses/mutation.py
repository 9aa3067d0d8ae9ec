"""In-place mutation: the one vocabulary of what changes a list, dict or set, and its detector."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from pitfalls.model import Context

# Methods that change a list, dict, set, deque or bytearray in place.
MUTATING_METHODS = frozenset(
    {
        "append", "extend", "insert", "remove", "pop", "clear", "add", "discard", "update",
        "setdefault", "popitem", "sort", "reverse", "appendleft", "extendleft", "popleft",
        "rotate", "difference_update", "intersection_update", "symmetric_difference_update",
        "__setitem__", "__delitem__", "__iadd__",
    }
)
# Functions that mutate the container passed as their first argument.
MUTATING_FUNCTIONS = frozenset(
    {
        "heapq.heappush", "heapq.heappop", "heapq.heapify", "heapq.heappushpop", "heapq.heapreplace",
        "bisect.insort", "bisect.insort_left", "bisect.insort_right",
    }
)
# Mutations that only take out (as opposed to adding or replacing).
REMOVALS = frozenset(
    {"pop", "remove", "discard", "clear", "popitem", "popleft", "heappop", "__delitem__",
     "difference_update", "intersection_update", "delete"}
)


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
