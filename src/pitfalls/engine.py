"""Parse once, walk once, dispatch every node to the rules that want it."""

from __future__ import annotations

import ast
import contextlib
import gc
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from pitfalls.findings import Finding
from pitfalls.rule import Rule
from pitfalls.model.context import Context
from pitfalls.model.scopes import fields as _fields
from pitfalls.model.scopes import COMPREHENSION_NODES, FUNCTION_NODES, Branch, Scope, ScopeKind

_ENTER, _LEAVE, _PUSH, _POP, _BRANCH, _CASE, _BIND = 0, 1, 2, 3, 4, 5, 6

@dataclass(frozen=True)
class RuleError:
    """A rule that raised on a file: its other findings are dropped, the rest still run."""

    code: str
    error: BaseException


@dataclass
class Result:
    findings: list[Finding]
    errors: list[RuleError]


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector rescans every live AST node each time it runs, which makes
    big files quadratic (250,000 lines: 9.6 s with it, 3.2 s without). Parsing and analysis make
    no garbage that must go before the file is done, so it waits until then."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def analyze(
    tree: ast.Module, lines: Sequence[str], rules: Sequence[type[Rule]], path: str = "<unknown>",
    text: Optional[str] = None,
) -> Result:
    """Run `rules` over an already parsed module. Never parses; never raises for a rule's bug.
    `text`: the source, when the caller has it (else joined from `lines` if a rule asks)."""
    with gc_paused():
        return _analyze(tree, lines, rules, path, text)


def _analyze(tree: ast.Module, lines: Sequence[str], rules: Sequence[type[Rule]], path: str,
             text: Optional[str]) -> Result:
    ctx = Context(tree, lines, path)
    active = []
    asked: dict[tuple[str, ...], bool] = {}  # rules needing the same words (PIT801, PIT802) ask once
    for rule in rules:
        if rule.needs:  # a rule that cannot fire in this file costs nothing
            text = "\n".join(lines) if text is None else text
            plain = rule.wanted.__func__ is Rule.wanted.__func__  # type: ignore[attr-defined]
            found = asked.get(rule.needs) if plain else None
            if found is None:
                found = rule.wanted(text)
                if plain:
                    asked[rule.needs] = found
            if not found:
                continue
        active.append(rule(ctx))
    failed: dict[str, RuleError] = {}
    enter: dict[type, list[tuple[Rule, Callable[[ast.AST], None]]]] = {}
    leave: dict[type, list[tuple[Rule, Callable[[ast.AST], None]]]] = {}
    by_method: dict[str, list[tuple[Rule, Callable[[ast.AST], None]]]] = {}
    for rule in active:
        for node_type in rule.node_types:
            enter.setdefault(node_type, []).append((rule, rule.visit))
        for node_type in rule.leave_types:
            leave.setdefault(node_type, []).append((rule, rule.leave))
        if ast.Call not in rule.node_types:  # a rule that takes every call gets each once
            for method in rule.method_names:
                by_method.setdefault(method, []).append((rule, rule.visit))

    def call(handlers: list[tuple[Rule, Callable[[ast.AST], None]]], node: ast.AST) -> None:
        for rule, handler in handlers:
            if failed and rule.code in failed:
                continue
            try:
                handler(node)
            except Exception as exc:  # a bug in one rule must not take down the others
                failed[rule.code] = RuleError(rule.code, exc)

    plan: dict[type, tuple] = {}
    hooks = dict(_MODEL_ENTER)
    if by_method:
        # Calls by method name: one dictionary lookup of `node.func.attr` per call, instead of
        # every rule that cares about `pop` or `sort` looking at every call.
        def on_call(ctx: Context, node: ast.Call, parent: Optional[ast.AST]) -> None:
            func = node.func
            if type(func) is ast.Attribute:
                handlers = by_method.get(func.attr)
                if handlers:
                    call(handlers, node)

        hooks[ast.Call] = on_call

    _walk(ctx, enter, leave, call, plan, hooks)
    for rule in active:
        if rule.code not in failed:
            try:
                rule.finish()
            except Exception as exc:
                failed[rule.code] = RuleError(rule.code, exc)
    findings = [f for rule in active if rule.code not in failed for f in rule.findings]
    findings.sort(key=Finding.sort_key)
    enter.clear()
    leave.clear()
    by_method.clear()
    hooks.clear()
    for rule in active:
        rule.release()
    ctx.release()
    return Result(findings, list(failed.values()))


def _walk(ctx: Context, enter: dict, leave: dict, call: Callable, plan: dict, hooks: dict) -> None:
    """Depth-first, on an explicit stack: no recursion, however deep the tree nests.

    Per node type, one `plan` entry says everything the loop needs (the model's hook, the rules'
    handlers, whether to come back on leaving, how its scope or branches split, its child fields
    in reverse), so a node costs one dictionary lookup; nodes that cannot have children push
    nothing. A function or lambda body is deferred until the code around it has been walked
    (pyflakes' `deferFunction`): the module, or the enclosing function, is then complete, as it
    is when the function is called. Its decorators, defaults and annotations are walked in place.
    A `leave` of a def or lambda therefore comes before its body is walked.
    """
    parents, load = ctx.parents, ctx.load
    stack: list[tuple[int, Any, Optional[ast.AST]]] = [(_ENTER, ctx.tree, None)]
    deferred: list[tuple[ast.AST, Optional[ast.AST], Scope, Pairs]] = []
    pop, push = stack.pop, stack.append
    node_type = ast.AST
    next_deferred = 0
    name_enter, name_leave = enter.get(_Name), leave.get(_Name)  # asked once, not per name
    # Leaves nothing looks at (a constant, `pass`): given their parent where they are met, never
    # pushed, popped and planned; a seventh of a module's nodes are constants.
    inert = frozenset(t for t in _INERT if t not in enter and t not in leave and t not in hooks)
    while True:
        while stack:
            op, node, parent = pop()
            if op == _ENTER:
                cls = type(node)
                if parent is not None:
                    parents[node] = parent
                if cls is _Name and type(node.ctx) is _Load:
                    # The commonest node, short-cut past the plan: a load resolved to its binding.
                    load(node)
                    if name_enter:
                        call(name_enter, node)
                    if name_leave:
                        call(name_leave, node)
                    continue
                entry = plan.get(cls)
                if entry is None:
                    entry = plan[cls] = (
                        hooks.get(cls), enter.get(cls), cls in leave, _SCOPED.get(cls), _BRANCHING.get(cls),
                        () if cls in _LEAVES else tuple(reversed(_fields(cls))),
                    )
                hook, handlers, has_leave, scoped, branching, fields = entry
                if hook is not None:
                    hook(ctx, node, parent)
                if handlers:
                    call(handlers, node)
                if has_leave:
                    push((_LEAVE, node, parent))
                if scoped is not None:
                    outer, inner = scoped(node, parents)
                    # A def's name is bound once its decorators and defaults have run, a
                    # class's once its body has: `class Foo(Foo)` reads the earlier Foo.
                    if cls in _DEFERRED:
                        deferred.append((node, parent, ctx.scope, inner))
                        if cls is not ast.Lambda:
                            push((_BIND, node, parent))
                    else:
                        if cls is ast.ClassDef:
                            push((_BIND, node, parent))
                        push((_POP, node, parent))
                        for child, child_parent in reversed(inner):
                            push((_ENTER, child, child_parent))
                        push((_PUSH, node, parent))
                    for child, child_parent in reversed(outer):
                        push((_ENTER, child, child_parent))
                elif branching is not None:
                    branching(node, push, ctx.branch)
                else:
                    for name in fields:  # reversed, so that they pop in order
                        value = getattr(node, name, None)
                        if type(value) is list:
                            for item in reversed(value):
                                if type(item) in inert:
                                    parents[item] = node
                                elif isinstance(item, node_type):
                                    push((_ENTER, item, node))
                        elif type(value) in inert:
                            parents[value] = node
                        elif isinstance(value, node_type):
                            push((_ENTER, value, node))
            elif op == _BRANCH:
                ctx.branch = node
            elif op == _CASE:  # a case's test (parent 0) or body (1): its arm of the `match`
                match = parents[node]
                index = next(i for i, case in enumerate(match.cases) if case is node)
                around = ctx.branch.parent if parent and ctx.branch is not None else ctx.branch
                ctx.branch = Branch(match, 2 * index + parent, around)  # type: ignore[operator]
            elif op == _BIND:
                ctx.bind(node.name, node, _BOUND_AS.get(type(node), "function"))
            elif op == _LEAVE:
                call(leave[type(node)], node)
            elif op == _PUSH:
                _push_scope(ctx, node)
            else:
                ctx.scope = ctx.scope.parent or ctx.module_scope
        if next_deferred == len(deferred):
            break
        node, parent, scope, inner = deferred[next_deferred]
        deferred[next_deferred] = None  # type: ignore[call-overload]  # let the pairs go
        next_deferred += 1
        ctx.scope, ctx.branch = scope, None
        push((_POP, node, parent))
        for child, child_parent in reversed(inner):
            push((_ENTER, child, child_parent))
        push((_PUSH, node, parent))
    ctx.scope, ctx.branch = ctx.module_scope, None


_Name, _Load = ast.Name, ast.Load

# Leaves that are given their parent without a visit when no rule or hook asks for them.
_INERT = (ast.Constant, ast.Pass)

# Node types that never hold another node (contexts and operators are skipped as fields).
_LEAVES = frozenset({ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal, ast.alias})


Pairs = list[tuple[ast.AST, ast.AST]]


def _children(node: ast.AST, fields: tuple[str, ...]) -> Pairs:
    out: Pairs = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            out.extend((item, node) for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            out.append((value, node))
    return out


# -- scopes: what a scope-making node evaluates outside (defaults, bases) and inside (body) ----
# Each returns (outer, inner) as (child, parent) pairs.


def _function_parts(node: ast.AST, parents: dict) -> tuple[Pairs, Pairs]:
    outer = _children(node, ("decorator_list", "type_params", "args", "returns"))
    return outer, _children(node, ("body",))


def _lambda_parts(node: ast.AST, parents: dict) -> tuple[Pairs, Pairs]:
    return _children(node, ("args",)), _children(node, ("body",))


def _class_parts(node: ast.AST, parents: dict) -> tuple[Pairs, Pairs]:
    outer = _children(node, ("decorator_list", "type_params", "bases", "keywords"))
    return outer, _children(node, ("body",))


def _comprehension_parts(node: ast.AST, parents: dict) -> tuple[Pairs, Pairs]:
    # Only the first iterable is evaluated in the enclosing scope; the first `comprehension`
    # node is therefore split (and not dispatched itself), the later ones are walked whole.
    first, *rest = node.generators  # type: ignore[attr-defined]
    parents[first] = node
    inner: Pairs = [(first.target, first), *((cond, first) for cond in first.ifs)]
    inner += [(gen, node) for gen in rest]
    inner += _children(node, ("key", "value", "elt"))
    return [(first.iter, first)], inner


_SCOPED: dict[type, Callable[[ast.AST, dict], tuple[Pairs, Pairs]]] = {
    ast.FunctionDef: _function_parts,
    ast.AsyncFunctionDef: _function_parts,
    ast.Lambda: _lambda_parts,
    ast.ClassDef: _class_parts,
    **{cls: _comprehension_parts for cls in COMPREHENSION_NODES},
}


_DEFERRED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda})
# The binding kind of a name bound by a `_BIND` step (a def's, a class's, a handler's `as`).
_BOUND_AS = {ast.ClassDef: "class", ast.ExceptHandler: "other"}

# -- branches: the arms of an `if`, `try` or `match`, for `exclusive` (see model/scopes.Branch) --
# Each pushes the node's children with a marker before each arm that sets `ctx.branch`, and one
# after them all that restores the branch around the statement. An empty arm pushes nothing.

Push = Callable[[tuple], None]


def _push_if(node: ast.If, push: Push, around: Optional[Branch]) -> None:
    push((_BRANCH, around, None))
    if node.orelse:
        for child in reversed(node.orelse):
            push((_ENTER, child, node))
        push((_BRANCH, Branch(node, 1, around), None))
    for child in reversed(node.body):
        push((_ENTER, child, node))
    push((_BRANCH, Branch(node, 0, around), None))
    push((_ENTER, node.test, node))


def _push_try(node: ast.Try, push: Push, around: Optional[Branch]) -> None:
    for child in reversed(node.finalbody):
        push((_ENTER, child, node))
    push((_BRANCH, around, None))
    if node.orelse:
        for child in reversed(node.orelse):
            push((_ENTER, child, node))
        push((_BRANCH, Branch(node, -1, around), None))
    for handler in reversed(node.handlers):  # each sets its own arm (_push_handler)
        push((_ENTER, handler, node))
    for child in reversed(node.body):
        push((_ENTER, child, node))
    push((_BRANCH, Branch(node, 0, around), None))


def _push_handler(node: ast.ExceptHandler, push: Push, around: Optional[Branch]) -> None:
    """A handler's type is evaluated whether or not it matches (like an `elif` test): it has an
    arm of its own, apart from the body's (see scopes.Branch). `around` is the try body's arm:
    the handler's arms hang off its parent."""
    statement = around.statement if around is not None else None
    handlers = getattr(statement, "handlers", ())
    index = next((i for i, h in enumerate(handlers, 1) if h is node), 0)
    outer = around.parent if around is not None else None
    push((_BRANCH, around, None))
    for child in reversed(node.body):
        push((_ENTER, child, node))
    if node.name:
        push((_BIND, node, None))  # `except E as e`: `e` is bound in the body's arm, once E has run
    if index:
        push((_BRANCH, Branch(statement, 2 * index, outer), None))  # type: ignore[arg-type]
    if node.type is not None:
        push((_ENTER, node.type, node))
        if index:
            push((_BRANCH, Branch(statement, 2 * index - 1, outer), None))  # type: ignore[arg-type]


def _push_match(node: ast.AST, push: Push, around: Optional[Branch]) -> None:
    push((_BRANCH, around, None))
    for case in reversed(node.cases):  # type: ignore[attr-defined]  # each sets its own arm
        push((_ENTER, case, node))
    push((_ENTER, node.subject, node))  # type: ignore[attr-defined]


def _push_case(node: ast.AST, push: Push, around: Optional[Branch]) -> None:
    """A case's pattern and guard run whether or not it matches: they have an arm of their own,
    apart from the body's. `around` is the arm around the `match`."""
    push((_BRANCH, around, None))
    for child in reversed(node.body):  # type: ignore[attr-defined]
        push((_ENTER, child, node))
    push((_CASE, node, 1))
    if node.guard is not None:  # type: ignore[attr-defined]
        push((_ENTER, node.guard, node))  # type: ignore[attr-defined]
    push((_ENTER, node.pattern, node))  # type: ignore[attr-defined]
    push((_CASE, node, 0))


_BRANCHING: dict[type, Callable[[Any, Push, Optional[Branch]], None]] = {
    ast.If: _push_if, ast.Try: _push_try, ast.ExceptHandler: _push_handler,
}
if hasattr(ast, "TryStar"):
    _BRANCHING[ast.TryStar] = _push_try
if hasattr(ast, "Match"):
    _BRANCHING[ast.Match] = _push_match
    _BRANCHING[ast.match_case] = _push_case


def _push_scope(ctx: Context, node: ast.AST) -> None:
    if isinstance(node, FUNCTION_NODES):
        kind = ScopeKind.FUNCTION
    elif isinstance(node, ast.Lambda):
        kind = ScopeKind.LAMBDA
    elif isinstance(node, ast.ClassDef):
        kind = ScopeKind.CLASS
    else:
        kind = ScopeKind.COMPREHENSION
    scope = Scope(kind, node, ctx.scope)
    ctx.scopes[node] = scope
    ctx.scope = scope
    if kind is ScopeKind.FUNCTION or kind is ScopeKind.LAMBDA:
        args = node.args  # type: ignore[attr-defined]
        for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
            if arg is not None:
                ctx.bind(arg.arg, arg, "param")


# -- the semantic model's own hooks, run before any rule sees the node ------------------------


def _on_name(ctx: Context, node: ast.Name, parent: Optional[ast.AST]) -> None:
    if type(node.ctx) is not ast.Store:
        ctx.load(node)  # `del name` needs the binding too (loads are inlined in the walk)
        return
    kind, value, scope = "unpack", None, None
    if isinstance(parent, ast.Assign):
        if any(t is node for t in parent.targets):
            kind, value = "assign", parent.value
    elif isinstance(parent, ast.AnnAssign):
        kind, value = ("assign" if parent.value is not None else "annotation"), parent.value
    elif isinstance(parent, ast.AugAssign):
        kind = "augassign"
        ctx.load(node)  # `n += 1` reads `n` first
    elif isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)):
        kind = "loop" if parent.target is node else "unpack"
    elif isinstance(parent, ast.withitem):
        kind, value = "with", parent.context_expr
    elif isinstance(parent, ast.NamedExpr):
        kind, value = "walrus", parent.value
        scope = ctx.scope
        while scope.kind is ScopeKind.COMPREHENSION and scope.parent is not None:
            scope = scope.parent  # the walrus binds in the enclosing non-comprehension scope
    ctx.bind(node.id, node, kind, value, scope=scope)


def _on_import(ctx: Context, node: ast.Import, parent: Optional[ast.AST]) -> None:
    for alias in node.names:
        if alias.asname:
            ctx.bind(alias.asname, node, "import", qualname=alias.name)
        else:
            top = alias.name.partition(".")[0]
            ctx.bind(top, node, "import", qualname=top)


def _on_import_from(ctx: Context, node: ast.ImportFrom, parent: Optional[ast.AST]) -> None:
    module = "." * (node.level or 0) + (node.module or "")
    for alias in node.names:
        if alias.name == "*":
            continue
        qualname = f"{module}.{alias.name}" if module and not module.endswith(".") else module + alias.name
        ctx.bind(alias.asname or alias.name, node, "import", qualname=qualname)


def _on_def(ctx: Context, node: ast.AST, parent: Optional[ast.AST]) -> None:
    # Only listed here; the name is bound later (`_BIND` in the walk).
    (ctx.class_defs if isinstance(node, ast.ClassDef) else ctx.function_defs).append(node)


def _on_lambda(ctx: Context, node: ast.AST, parent: Optional[ast.AST]) -> None:
    ctx.function_defs.append(node)


def _on_global(ctx: Context, node: ast.Global, parent: Optional[ast.AST]) -> None:
    ctx.scope.globals.update(node.names)


def _on_nonlocal(ctx: Context, node: ast.Nonlocal, parent: Optional[ast.AST]) -> None:
    ctx.scope.nonlocals.update(node.names)


def _on_named_node(ctx: Context, node: ast.AST, parent: Optional[ast.AST]) -> None:
    # Match captures carry the bound name as a string (`except ... as name`: see _push_handler).
    name = getattr(node, "name", None) or getattr(node, "rest", None)
    if name:
        ctx.bind(name, node, "other")


_MODEL_ENTER: dict[type, Callable[[Context, ast.AST, Optional[ast.AST]], None]] = {
    ast.Name: _on_name,  # type: ignore[dict-item]
    ast.Import: _on_import,  # type: ignore[dict-item]
    ast.ImportFrom: _on_import_from,  # type: ignore[dict-item]
    ast.FunctionDef: _on_def,
    ast.AsyncFunctionDef: _on_def,
    ast.ClassDef: _on_def,
    ast.Lambda: _on_lambda,
    ast.Global: _on_global,  # type: ignore[dict-item]
    ast.Nonlocal: _on_nonlocal,  # type: ignore[dict-item]
}
for _match_node in ("MatchAs", "MatchStar", "MatchMapping"):
    if hasattr(ast, _match_node):
        _MODEL_ENTER[getattr(ast, _match_node)] = _on_named_node
