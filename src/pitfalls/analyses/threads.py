"""Thread launches: the calls that run a function on a thread, with their target and arguments."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from pitfalls.analyses.calls import Fed, argument, fed_from_call, fed_from_displays
from pitfalls.model import Context, Scope

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


@dataclass(frozen=True)
class Launch:
    """A call that runs `target` on a thread: `launcher` names how (`threading.Thread`,
    `executor.submit`, `ThreadPool.map`, `asyncio.to_thread`, `loop.run_in_executor`), `fed` what
    it passes the target, `scope` where the call is evaluated."""

    call: ast.Call
    launcher: str
    target: ast.expr
    scope: Scope
    fed: Fed


def launch_of(ctx: Context, call: ast.Call, instances: bool = True) -> Optional[Launch]:
    """The launch `call` is, if it is one. Asked during the walk, when the call is visited, a pool
    bound to a name counts in the kind it has there; a pool held on the instance (`self.pool`)
    needs the whole class: ask with `instances=False` then, and again after the walk."""
    qualified = ctx.call_name(call)
    target: Optional[ast.expr] = None
    launcher = ""
    fed = Fed([], {}, [])
    if qualified in THREAD_CLASSES:
        launcher = qualified
        target = argument(call, 1, "target")
        # Thread(group, target, name, args, kwargs): `Thread(*spec)` may put anything anywhere.
        fed = fed_from_displays(argument(call, 3, "args"), argument(call, 4, "kwargs"))
        fed.rest += [a.value for a in call.args if isinstance(a, ast.Starred)]
        fed.rest += [k.value for k in call.keywords if k.arg is None]
    elif qualified == "asyncio.to_thread":
        launcher, target = qualified, argument(call, 0, "func")
        fed = fed_from_call(call.args[1:], [k for k in call.keywords if k.arg != "func"])
    elif isinstance(call.func, ast.Attribute):
        method, receiver = call.func.attr, call.func.value
        kind = receiver_kind(ctx, receiver, instances)
        if kind == "executor" and method in EXECUTOR_METHODS:
            launcher, target = f"executor.{method}", argument(call, 0, "fn")
            if method == "submit":
                fed = fed_from_call(call.args[1:], [k for k in call.keywords if k.arg != "fn"])
            else:  # map(fn, *iterables): the i-th parameter gets the i-th iterable's elements
                fed = fed_from_call(call.args[1:], [])
        elif kind == "pool" and method in POOL_METHODS:
            launcher, target = f"ThreadPool.{method}", argument(call, 0, "func")
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
                launcher, target = "loop.run_in_executor", argument(call, 1, "func")
                fed = fed_from_call(call.args[2:], [])
    if target is None:
        return None
    return Launch(call, launcher, target, ctx.scope_of(call), fed)


def receiver_kind(ctx: Context, expr: ast.expr, instances: bool = True) -> Optional[str]:
    """"executor", "pool" or "loop": a thread pool or event loop created here, bound to a name, or
    held on the instance (`self.pool`).

    A name counts only if every binding of it so far is the same kind (a name that may hold a
    ProcessPoolExecutor on some path is not a thread pool); `self.pool` only if every method of
    the class (and its module relatives) that sets `self.pool` gives it that kind.
    """
    if isinstance(expr, ast.Call):
        return creation_kind(ctx.call_name(expr))
    if isinstance(expr, ast.Attribute):
        return _attribute_kind(ctx, expr) if instances else None
    if not isinstance(expr, ast.Name):
        return None
    binding = ctx.lookup(expr.id)
    if binding is None:
        return None
    kinds = set()
    for each in binding.scope.bindings.get(expr.id, ()):
        value = each.value if each.kind in ("assign", "with", "walrus") else None
        kinds.add(creation_kind(ctx.call_name(value, each.scope)) if isinstance(value, ast.Call) else None)
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
