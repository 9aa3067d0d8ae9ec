"""What holds on every path to a statement: which kind of binding a load reads there, and
whether an exception it raises is expected by the code around it."""

from __future__ import annotations

import ast
from typing import Callable, Optional

from pitfalls.model import Context
from pitfalls.model.scopes import Binding

# Context managers that expect an exception named in their arguments (pytest, unittest, contextlib).
EXPECTING = frozenset({"raises", "assertRaises", "assertRaisesRegex", "suppress"})


def reads_only(ctx: Context, use: ast.Name, alike: Callable[[Binding], bool]) -> Optional[Binding]:
    """The binding `use` resolves to, when every value it may read there comes from a binding
    `alike` accepts (asked after the walk, when every binding of the name is known); else None.

    True when every binding of the name in its scope is alike; otherwise the one it resolves to
    must be alike, in the same function as the load, and run first on every path to it: a
    parameter, or an earlier statement of a block that holds the load's statement, with nothing
    rebinding the name in between, no other binding in a loop around the load (it comes round
    again) and none from a nested function (`nonlocal`, `global`: any time). An augmented
    assignment (`t += x`) is alike when what it adds to is, so it needs every other binding alike.
    """
    binding = ctx.resolve(use)
    if binding is None or not alike(binding):
        return None
    foreign = [b for b in binding.scope.bindings.get(binding.name, ())
               if b is not binding and b.kind != "annotation" and not alike(b)]
    if not foreign:
        return binding
    if binding.kind == "augassign" or any(ctx.scope_of(b.node).frame is not binding.scope for b in foreign):
        return None
    reference = ctx.reference(use)
    if reference is None or reference.scope.frame is not binding.scope or ctx.rebound_between(binding, use):
        return None
    statement = ctx.statement(use)
    if statement is None or binding.kind != "param" and not runs_before(ctx, ctx.statement(binding.node), statement):
        return None
    loops = ctx.loops_around(statement)
    if any(loop in ctx.ancestors(b.node) for b in foreign for loop in loops):
        return None
    return binding


def parameter_rebound(ctx: Context, use: ast.Name, alike: Callable[[Binding], bool]) -> Optional[Binding]:
    """The binding `use` resolves to when it is the parameter's one rebinding, made by a statement
    at the top level of the function body (`aliases = list(aliases)`), and `alike` accepts it: every
    load after it reads that value. (`reads_only` refuses here: the parameter is not alike.)"""
    binding = ctx.resolve(use)
    if binding is None or binding.kind != "assign" or not alike(binding):
        return None
    others = [b for b in binding.scope.bindings.get(binding.name, ()) if b is not binding]
    statement = ctx.statement(binding.node)
    if not others or any(b.kind != "param" for b in others) or statement is None:
        return None
    function = ctx.parent(statement)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or statement not in function.body:
        return None
    return binding


def runs_before(ctx: Context, first: Optional[ast.stmt], statement: ast.stmt) -> bool:
    """`first` runs before `statement` whenever `statement` runs: it is an earlier statement of a
    block that holds `statement` or a statement around it (within one function)."""
    if first is None:
        return False
    block = ctx.parent(first)
    for current in (statement, *ctx.ancestors(statement)):
        if current is block:
            return False
        if ctx.parent(current) is block:
            for field in ("body", "orelse", "finalbody"):
                statements = getattr(block, field, None) or ()
                if first in statements and current in statements:
                    return statements.index(first) < statements.index(current)
            return False
    return False


def exits_after(ctx: Context, node: ast.AST, within: ast.AST, breaks: bool = False,
                before: Optional[ast.AST] = None) -> bool:
    """Whether, once `node` has run, control always leaves before getting back out to `within`
    (an ancestor), or before reaching `before` (a later node in `within`): `node`'s statement is
    a `return`/`raise`, or a block holding it goes on to one first (an `if` whose every arm does
    counts). With `breaks`, a `break` of the loop `within` counts too."""
    later = set(ctx.ancestors(before)) | {before} if before is not None else set()
    current = ctx.statement(node)
    crossed_loop = False
    while current is not None and current is not within and current not in later:
        if isinstance(current, (ast.Return, ast.Raise)):
            return True
        parent = ctx.parent(current)
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)) and parent is not within:
            crossed_loop = True  # a `break` from here on leaves this loop, not `within`
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and current in block:
                for statement in block[block.index(current) + 1:]:
                    if statement in later:
                        return False  # `before` comes first
                    if _terminates(statement, breaks and not crossed_loop):
                        return True
        if isinstance(parent, ast.Try) and current not in parent.finalbody and any(
            _terminates(statement, breaks and not crossed_loop) for statement in parent.finalbody
        ):
            return True  # a `finally` that leaves, whatever the `try` did
        current = parent  # type: ignore[assignment]
    return False


def _terminates(statement: ast.stmt, breaks: bool) -> bool:
    if isinstance(statement, (ast.Return, ast.Raise)) or (breaks and isinstance(statement, ast.Break)):
        return True
    if isinstance(statement, ast.If):
        return bool(statement.orelse) and all(
            any(_terminates(s, breaks) for s in arm) for arm in (statement.body, statement.orelse)
        )
    return False


def expected_error(ctx: Context, node: ast.AST, error: str) -> bool:
    """Whether `node` runs inside `pytest.raises(<error>)`, `assertRaises`, `suppress` (the error,
    `Exception` or `BaseException` among their arguments) or the body of a `try` with a handler
    naming `error`, in the same function: code that raises it on purpose, a test or a demo."""
    names = {error, "Exception", "BaseException"}
    child: ast.AST = node
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(ancestor, (ast.With, ast.AsyncWith)):
            for item in ancestor.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and _name(call.func) in EXPECTING and any(
                    _names(argument) & names for argument in call.args
                ):
                    return True
        elif isinstance(ancestor, ast.Try) or type(ancestor).__name__ == "TryStar":
            if child in ancestor.body and any(  # type: ignore[attr-defined]
                handler.type is not None and error in _names(handler.type)
                for handler in ancestor.handlers  # type: ignore[attr-defined]
            ):
                return True
        child = ancestor
    return False


def _name(node: ast.AST) -> Optional[str]:
    return getattr(node, "attr", None) or getattr(node, "id", None)


def _names(node: ast.AST) -> set[str]:
    """The last parts of the names in an exception expression (`(TypeError, errors.Bad)`)."""
    found = set()
    for each in ast.walk(node):
        name = _name(each) if isinstance(each, (ast.Name, ast.Attribute)) else None
        if name:
            found.add(name)
    return found
