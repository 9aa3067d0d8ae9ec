"""Thread launches: the calls that run a function on a thread, with their target and arguments."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from pitfalls.analyses.calls import Fed, all_bindings, argument, fed_from_call, fed_from_displays, partial_parts
from pitfalls.model import Binding, Context, Scope

THREAD_CLASSES = frozenset({"threading.Thread"})
THREAD_EXECUTORS = frozenset({"concurrent.futures.ThreadPoolExecutor", "concurrent.futures.thread.ThreadPoolExecutor"})
THREAD_POOLS = frozenset({"multiprocessing.pool.ThreadPool", "multiprocessing.dummy.Pool"})
EVENT_LOOPS = frozenset({"asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop"})
EXECUTOR_METHODS = frozenset({"submit", "map"})
POOL_METHODS = frozenset(
    {"map", "map_async", "imap", "imap_unordered", "starmap", "starmap_async", "apply", "apply_async"}
)
# Words of which a file must hold one to launch a thread in a way listed here.
LAUNCH_WORDS = ("Thread", "dummy", "to_thread", "run_in_executor")
# The last part of a launching call's name: a cheap test before any resolution.
LAUNCH_NAMES = frozenset({"Thread", "to_thread", "run_in_executor", *EXECUTOR_METHODS, *POOL_METHODS})
# Where each launcher takes its target: (position, keyword).
TARGET_ARGUMENTS = {
    "threading.Thread": (1, "target"), "asyncio.to_thread": (0, "func"), "executor": (0, "fn"),
    "ThreadPool": (0, "func"), "loop.run_in_executor": (1, "func"),
}
Run = tuple[ast.AST, Fed]  # a def or lambda a launch may run, and what it is given


@dataclass(frozen=True)
class Launch:
    """A call that runs `target` on a thread: `launcher` names how (`threading.Thread`,
    `executor.submit`, `ThreadPool.map`, `asyncio.to_thread`, `loop.run_in_executor`), `fed` what
    it passes the target, `scope` where the call is evaluated.

    `runs`: every def or lambda of this module the target may run (one per path of a name), each
    with what it gets (a `partial`'s arguments and a bound method's instance first), or None if
    the target is not known to be one (an import, a parameter, `obj.method`, a method a subclass
    here overrides). `name` is how a finding names the target: `crunch`, `self.render_rows`,
    `lambda` (an anonymous one), or as written when unknown. The records hold nodes, not
    function facts (`ctx.function(node)`), so that the copy cached on the context makes no cycle.
    """

    call: ast.Call
    launcher: str
    target: ast.expr
    scope: Scope
    fed: Fed
    runs: Optional[tuple[Run, ...]] = None
    name: str = ""


def launches(ctx: Context) -> list[Launch]:
    """Every thread launch of the file, found once the walk is over; the rules that consume
    launches (PIT801, PIT802, PIT201) share the one list (`Context.computed`)."""
    return ctx.computed(_find_launches)


def _find_launches(ctx: Context) -> list[Launch]:
    found = []
    for node in ctx.parents:  # every node the walk met, in walk order
        if type(node) is ast.Call:
            func = node.func
            if type(func) is ast.Name or (type(func) is ast.Attribute and func.attr in LAUNCH_NAMES):
                launch = launch_of(ctx, node)
                if launch is not None:
                    found.append(launch)
    return found


def launch_of(ctx: Context, call: ast.Call) -> Optional[Launch]:
    """The launch `call` is, if it is one (asked after the walk: a pool held on the instance,
    `self.pool`, needs the whole class). A pool bound to a name counts in the kind it has at the
    call: every binding of the name made before it must create the same kind of pool."""
    qualified = ctx.call_name(call)
    launcher = ""
    fed = Fed([], {}, [])
    if qualified in THREAD_CLASSES:
        launcher = qualified
        # Thread(group, target, name, args, kwargs): `Thread(*spec)` may put anything anywhere.
        fed = fed_from_displays(argument(call, 3, "args"), argument(call, 4, "kwargs"))
        fed.rest += [a.value for a in call.args if isinstance(a, ast.Starred)]
        fed.rest += [k.value for k in call.keywords if k.arg is None]
    elif qualified == "asyncio.to_thread":
        launcher = qualified
        fed = fed_from_call(call.args[1:], [k for k in call.keywords if k.arg != "func"])
    elif isinstance(call.func, ast.Attribute):
        method, receiver = call.func.attr, call.func.value
        kind = receiver_kind(ctx, receiver) if method in LAUNCH_NAMES else None
        if kind == "executor" and method in EXECUTOR_METHODS:
            launcher = f"executor.{method}"
            if method == "submit":
                fed = fed_from_call(call.args[1:], [k for k in call.keywords if k.arg != "fn"])
            else:  # map(fn, *iterables): the i-th parameter gets the i-th iterable's elements
                fed = fed_from_call(call.args[1:], [])
        elif kind == "pool" and method in POOL_METHODS:
            launcher = f"ThreadPool.{method}"
            if method.startswith("apply"):  # apply(func, args=(), kwds={})
                fed = fed_from_displays(argument(call, 1, "args"), argument(call, 2, "kwds"))
            else:
                iterable = argument(call, 1, "iterable")
                items = [iterable] if iterable is not None else []
                # starmap: each element is a tuple of arguments
                fed = Fed([], {}, items) if method.startswith("starmap") else Fed(items, {}, [])
        elif kind == "loop" and method == "run_in_executor" and call.args:
            executor = call.args[0]
            # None is the loop's default executor, a ThreadPoolExecutor.
            if (isinstance(executor, ast.Constant) and executor.value is None) or (
                receiver_kind(ctx, executor) == "executor"
            ):
                launcher = "loop.run_in_executor"
                fed = fed_from_call(call.args[2:], [])
    target = target_argument(call, launcher) if launcher else None
    if target is None:
        return None
    scope = ctx.scope_of(call)
    resolved = resolve_target(ctx, target, fed, scope)
    if resolved is None:
        return Launch(call, launcher, target, scope, fed, None, ctx.segment(target))
    return Launch(call, launcher, target, scope, fed, tuple(resolved[1]), resolved[0])


def target_argument(call: ast.Call, launcher: str) -> Optional[ast.expr]:
    """The argument a launch by `launcher` runs (also on a launch re-parsed from its source)."""
    position, keyword = TARGET_ARGUMENTS.get(launcher) or TARGET_ARGUMENTS[launcher.partition(".")[0]]
    return argument(call, position, keyword)


def resolve_target(
    ctx: Context, target: ast.expr, fed: Fed, scope: Scope, seen: tuple[Binding, ...] = ()
) -> Optional[tuple[str, list[Run]]]:
    """The name of a launch's target and every def or lambda of this module it may run, each
    with what it gets (see Launch.runs); None if not all are known. Followed: `partial(f, ...)`,
    `self.method` and `Cls.static` (bound_function), names bound to any of these or to a def or
    lambda (`job = partial(crunch, n)`, `render = self.render`), on every path of the name."""
    wrapped = partial_parts(ctx, target, scope)
    if wrapped is not None:
        target, fed = wrapped[0], wrapped[1].then(fed)
    elif isinstance(target, ast.Call):
        return None
    if isinstance(target, ast.Lambda):
        return ctx.function(target).name, [(target, fed)]
    if isinstance(target, ast.Attribute):
        bound = bound_function(ctx, target)
        if bound is None:
            return None  # `obj.method`, `module.func`, a method a subclass here overrides
        node, receiver = bound
        return ctx.segment(target), [(node, fed if receiver is None else Fed([receiver], {}, []).then(fed))]
    if not isinstance(target, ast.Name):
        return None
    runs: list[Run] = []
    for binding in all_bindings(ctx, target.id, scope):
        if binding.kind == "function":
            runs.append((binding.node, fed))
            continue
        if binding.kind != "assign" or binding.value is None or binding in seen:
            return None  # imported, a parameter, a class: not a function of this module
        found = resolve_target(ctx, binding.value, fed, binding.scope, (*seen, binding))
        if found is None:
            return None
        runs += found[1]
    return (target.id, runs) if runs else None


def receiver_kind(ctx: Context, expr: ast.expr) -> Optional[str]:
    """"executor", "pool" or "loop": a thread pool or event loop created here, bound to a name, or
    held on the instance (`self.pool`).

    A name counts only if every binding of it made before this use is the same kind (a name that
    may hold a ProcessPoolExecutor on some path is not a thread pool); `self.pool` only if every
    method of the class (and its module relatives) that sets `self.pool` gives it that kind.
    """
    if isinstance(expr, ast.Call):
        return creation_kind(ctx.call_name(expr))
    if isinstance(expr, ast.Attribute):
        return _attribute_kind(ctx, expr)
    if not isinstance(expr, ast.Name):
        return None
    binding = ctx.resolve(expr)
    if binding is None:
        return None
    reference = ctx.reference(expr)
    kinds = set()
    for each in binding.scope.bindings.get(expr.id, ()):
        if reference is not None and each.seq > reference.seq:
            continue  # bound after this use
        value = each.value if each.kind in ("assign", "with", "walrus") else None
        kinds.add(creation_kind(ctx.call_name(value)) if isinstance(value, ast.Call) else None)
    return kinds.pop() if len(kinds) == 1 else None


def _attribute_kind(ctx: Context, expr: ast.Attribute) -> Optional[str]:
    method = ctx.classes.instance_of(expr.value)
    if method is None:
        return None
    cls = method.cls
    family = {c for c in cls.mro()} | set(cls.mro()[0].subclasses())
    kinds = set()
    for relative in family:
        for member in relative.instance_methods:
            for store in member.stores(expr.attr):
                statement = ctx.parent(store.node)
                value = getattr(statement, "value", None) if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
                kinds.add(creation_kind(ctx.call_name(value)) if isinstance(value, ast.Call) else None)
    return kinds.pop() if len(kinds) == 1 else None


def creation_kind(qualified: Optional[str]) -> Optional[str]:
    if qualified in THREAD_EXECUTORS:
        return "executor"
    if qualified in THREAD_POOLS:
        return "pool"
    if qualified in EVENT_LOOPS:
        return "loop"
    return None


def bound_function(ctx: Context, target: ast.expr) -> Optional[tuple[ast.AST, Optional[ast.expr]]]:
    """The def a bound-method target runs, and the instance it is bound to: `self.render` (a method
    of the class that no subclass of the module overrides) gives the def and `self`; `Cls.helper`
    (a staticmethod) gives the def and None. Anything else: None."""
    if not isinstance(target, ast.Attribute):
        return None
    model = ctx.classes
    method = model.instance_of(target.value)
    if method is not None:
        found = next((c.method(target.attr) for c in method.cls.mro() if c.method(target.attr) is not None), None)
        if found is None or found.receives != "instance":
            return None
        if any(c.method(target.attr) is not None for c in method.cls.subclasses()):
            return None  # `self.render` may run a subclass's override
        return found.node, target.value
    cls = model.class_of(target.value) if isinstance(target.value, ast.Name) else None
    if cls is not None:
        found = cls.method(target.attr)
        if found is not None and found.receives == "none" and found.receiver is None or (
            found is not None and any(d.rpartition(".")[2] == "staticmethod" for d in found.decorators)
        ):
            return found.node, None
    return None
