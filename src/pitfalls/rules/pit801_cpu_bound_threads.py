"""PIT801: a CPU-bound pure-Python function run on threads gets no parallelism under the GIL."""

from __future__ import annotations

import ast
import builtins
import io
import re
import tokenize
from collections import deque
from dataclasses import dataclass, field
from typing import Optional, Union

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule
from pitfalls.model import BUILTIN_NAMES, Binding, Context, Scope, ScopeKind

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]

# Modules whose functions run pure Python (or C that keeps the GIL) and never block on I/O.
PURE_MODULES = frozenset({"math", "operator", "itertools", "functools", "statistics", "collections"})

# Builtins that compute. Left out on purpose: I/O (`print`, `open`, `input`, `breakpoint`,
# `help`), code loading (`exec`, `eval`, `compile`, `__import__`) and attribute access by
# name (`getattr`, `hasattr`, `setattr`, `delattr`, `vars`), which may run any property.
PURE_BUILTINS = frozenset(
    {
        "abs", "all", "any", "ascii", "bin", "bool", "bytearray", "bytes", "callable", "chr",
        "complex", "dict", "divmod", "enumerate", "filter", "float", "format", "frozenset",
        "hash", "hex", "id", "int", "isinstance", "issubclass", "iter", "len", "list", "map",
        "max", "memoryview", "min", "next", "object", "oct", "ord", "pow", "range", "repr",
        "reversed", "round", "set", "slice", "sorted", "str", "sum", "tuple", "type", "zip",
    }
    | {  # raising is pure too: `raise ValueError(...)` calls the exception class
        name
        for name, value in vars(builtins).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    }
)

# Calls that call a function they are given, and where it goes (position, keyword): an
# unknown callable there (`map(fetch, urls)` with `fetch` a parameter) is an unknown call.
HIGHER_ORDER: dict[str, tuple[Optional[int], str]] = {
    "builtins.map": (0, "func"), "builtins.filter": (0, "function"),
    "builtins.sorted": (None, "key"), "builtins.min": (None, "key"), "builtins.max": (None, "key"),
    "functools.reduce": (0, "function"), "functools.partial": (0, "func"),
    "itertools.starmap": (0, "function"), "itertools.takewhile": (0, "predicate"),
    "itertools.dropwhile": (0, "predicate"), "itertools.filterfalse": (0, "function"),
    "itertools.accumulate": (1, "func"), "itertools.groupby": (1, "key"),
    "collections.defaultdict": (0, "default_factory"),
}
HIGHER_ORDER_METHODS: dict[str, tuple[Optional[int], str]] = {"sort": (None, "key")}

# Calls that iterate arguments (or hand their elements on): `for x in stream`, `list(stream)`,
# `sum(stream)`, `"".join(stream)` and `enumerate(stream)` all call the stream's `__next__`,
# which on a pipe, a file, a socket's file or a queue's iterator blocks on I/O. The slice of
# positional arguments iterated, by qualified name.
ITERATING: dict[str, tuple[int, Optional[int]]] = {
    **{
        f"builtins.{name}": (0, 1)
        for name in ("list", "tuple", "set", "frozenset", "sorted", "sum", "any", "all", "enumerate",
                     "reversed", "next", "dict", "min", "max", "iter")
    },
    "builtins.zip": (0, None), "builtins.map": (1, None), "builtins.filter": (1, 2),
    **{
        f"itertools.{name}": (0, 1)
        for name in ("cycle", "islice", "tee", "pairwise", "permutations", "combinations",
                     "combinations_with_replacement", "accumulate", "groupby", "batched")
    },
    "itertools.chain": (0, None), "itertools.chain.from_iterable": (0, 1), "itertools.product": (0, None),
    "itertools.zip_longest": (0, None), "itertools.compress": (0, 2), "itertools.starmap": (1, 2),
    "itertools.takewhile": (1, 2), "itertools.dropwhile": (1, 2), "itertools.filterfalse": (1, 2),
    "functools.reduce": (1, 2), "math.fsum": (0, 1), "math.prod": (0, 1),
    "collections.Counter": (0, 1), "collections.deque": (0, 1), "collections.OrderedDict": (0, 1),
    "collections.defaultdict": (1, 2),
}
# `min(a, b)`, `max(a, b)` compare two values and `iter(f, sentinel)` calls f: only their
# one-argument forms iterate.
ONE_ARGUMENT_ITERATING = frozenset({"builtins.min", "builtins.max", "builtins.iter"})
# Methods (of a plain list/str/set/dict receiver) that iterate every positional argument.
ITERATING_METHODS = frozenset(
    {
        "join", "extend", "update", "union", "intersection", "difference", "symmetric_difference",
        "intersection_update", "difference_update", "symmetric_difference_update", "issubset",
        "issuperset", "isdisjoint", "fromkeys",
    }
)

# Calls whose result is a plain list/dict/set/str/number/deque: its methods are pure.
PURE_CONSTRUCTORS = frozenset(
    {
        "builtins.list", "builtins.dict", "builtins.set", "builtins.frozenset", "builtins.tuple",
        "builtins.str", "builtins.bytes", "builtins.bytearray", "builtins.int", "builtins.float",
        "builtins.complex", "builtins.bool", "builtins.sorted", "builtins.range",
        "collections.Counter", "collections.deque", "collections.defaultdict",
        "collections.OrderedDict", "collections.ChainMap",
    }
)
PURE_VALUES = (
    ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set,
    ast.ListComp, ast.SetComp, ast.DictComp,
)

THREAD_CLASSES = frozenset({"threading.Thread"})
THREAD_EXECUTORS = frozenset({"concurrent.futures.ThreadPoolExecutor", "concurrent.futures.thread.ThreadPoolExecutor"})
THREAD_POOLS = frozenset({"multiprocessing.pool.ThreadPool", "multiprocessing.dummy.Pool"})
EVENT_LOOPS = frozenset({"asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop"})
EXECUTOR_METHODS = frozenset({"submit", "map"})
POOL_METHODS = frozenset(
    {"map", "map_async", "imap", "imap_unordered", "starmap", "starmap_async", "apply", "apply_async"}
)

# The implication's common end: what taking turns on the GIL costs.
_TURNS = " so the threads from `$launcher` take turns: no faster than one thread, often a little slower."

# The fix's first line when the target cannot go to a process pool as it stands: the pool
# pickles a function by its qualified name, which a lambda or a nested function lacks.
LAMBDA_NOTE = "# at module level, as a process pool pickles functions by name"
NESTED_NOTE = "# move `{name}` to module level: a process pool pickles functions by name"

# The runnable proof of the explanation (tests/test_explanations.py runs it).
DEMO = """\
import sys
import threading
import time

# True on a default build; False on a free-threaded build (python3.13t and later) running
# without the GIL. `sys._is_gil_enabled` exists from 3.13; older versions always have the GIL.
gil_enabled = getattr(sys, "_is_gil_enabled", lambda: True)()
assert hasattr(sys, "_is_gil_enabled") == (sys.version_info >= (3, 13))


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def run_on_threads(target, args, count):
    threads = [threading.Thread(target=target, args=args) for _ in range(count)]
    cpu, wall = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.process_time() - cpu, time.perf_counter() - wall


# Pure-Python work on 4 threads: CPU time (all threads together) over wall time is how many
# cores were busy on average. Under the GIL only one thread runs bytecode at a time, so it
# stays near 1 however many cores the machine has.
cpu, wall = run_on_threads(crunch, (1_000_000,), 4)
if gil_enabled:
    assert cpu / wall < 1.5, (cpu, wall)

# Waiting is different: a thread releases the GIL while it sleeps (or waits on a socket, a
# file or a pipe), so 4 threads sleeping 0.2 s each are done in about 0.2 s, not 0.8 s.
_, wall = run_on_threads(time.sleep, (0.2,), 4)
assert wall < 0.6, wall
"""

LOOPS = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# A function doing any of these is not a plain CPU-bound function: it is a generator or a
# coroutine (a thread running it only creates the object), it waits on a context manager
# (locks, files, sockets), or it runs the import machinery.
NOT_PLAIN = (ast.Await, ast.Yield, ast.YieldFrom, ast.With, ast.AsyncWith, ast.AsyncFor, ast.Import, ast.ImportFrom)


@dataclass(eq=False)
class _Facts:
    """What one function or lambda does in its own body (nested defs have their own facts)."""

    node: Function
    name: str  # a lambda bound by `name = lambda ...` goes by that name
    outer: Scope  # where its decorators are evaluated
    not_plain: bool = False
    loops: list[ast.AST] = field(default_factory=list)
    calls: list[tuple[ast.Call, Scope]] = field(default_factory=list)
    # What it iterates and the scope to resolve it in; with a comprehension as third item, in
    # that comprehension's own scope instead (created only after the comprehension is seen).
    iterables: list[tuple[ast.expr, Optional[Scope], Optional[ast.AST]]] = field(default_factory=list)
    lambdas: list[ast.Lambda] = field(default_factory=list)
    # Filled in by finish():
    impure: bool = False
    callees: list[tuple[ast.Call, "_Facts"]] = field(default_factory=list)
    # Calls of a module function (`crunch(n)`) and calls passing one (`map(norm, rows)`).
    direct: list[tuple[ast.Call, "_Facts", Scope]] = field(default_factory=list)
    passed: list[tuple[ast.Call, "_Facts", Scope]] = field(default_factory=list)
    # Module functions whose results it iterates (`ROWS = build()` at module level).
    sources: list["_Facts"] = field(default_factory=list)
    # Parameters it iterates: pure only if every caller (and launch site) passes plain data.
    needs: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Evidence:
    """Why a function is CPU-bound: the loop (or recursive call) and, if reached through a call, that call."""

    loop: ast.AST
    header: str
    owner: str
    recursion: bool = False
    via: Optional[tuple[ast.Call, str]] = None


@dataclass
class _Fed:
    """What a call hands a function: positional and keyword arguments whose place is known, and
    `rest`: expressions (`*args`, `args=some_tuple`, `pool.starmap`'s iterable) whose values may
    land in any parameter."""

    positional: list[ast.expr]
    keywords: dict[str, ast.expr]
    rest: list[ast.expr]


@dataclass(frozen=True)
class _Launch:
    call: ast.Call
    launcher: str
    target: ast.expr
    scope: Scope
    fed: _Fed


class CpuBoundThreads(Rule):
    code = "PIT801"
    needs = ("Thread", "dummy", "to_thread", "run_in_executor")  # every launcher it knows
    name = "cpu-bound-threads"
    severity = Severity.WARNING
    summary = "A CPU-bound pure-Python function run on threads gets no parallelism because of the GIL"
    message = (
        "'{function}' is CPU-bound pure Python; threads started here by {launcher} take turns "
        "on the GIL instead of running in parallel"
    )
    node_types = (
        ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Call,
        *LOOPS, *NOT_PLAIN, ast.Starred,
    )
    bad_example = """\
import threading


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


threads = [threading.Thread(target=crunch, args=(10_000_000,)) for _ in range(4)]
for thread in threads:
    thread.start()
"""
    good_example = """\
from concurrent.futures import ProcessPoolExecutor


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


if __name__ == "__main__":
    with ProcessPoolExecutor() as pool:
        results = list(pool.map(crunch, [10_000_000] * 4))
"""
    example_context = {
        "function": "crunch",
        "launcher": "threading.Thread",
        "loop": "for i in range(n)",
        "target": "`crunch`",
        "why": "loops",
        "owner": "crunch",
        "launch": "threading.Thread(target=crunch, args=(10_000_000,))",
        "define": "",
        "pool_call": "future = pool.submit(crunch, 10_000_000)",
    }

    explanation = Explanation(
        definition="In CPython a thread needs the GIL, the global interpreter lock, to run Python code, "
        "so pure-Python work on several threads runs one thread at a time.",
        variant_key="why",
        implication={
            "": "$target only computes in a pure-Python loop and never waits on I/O," + _TURNS,
            "recurses": "$target only computes, recursing in pure Python, and never waits on I/O," + _TURNS,
            "calls": "$target works in `$owner`, whose pure-Python loop never waits on I/O," + _TURNS,
            "calls-recursive": "$target works in `$owner`, whose pure-Python recursion never waits on I/O,"
            + _TURNS,
        },
        example="$launch",
        layer="CPython 3.13 added an optional free-threaded build, `python3.13t` (PEP 703), that runs "
        "without the GIL, so threads like these do run in parallel; 3.14 made it officially supported "
        "(PEP 779). The default builds of 3.9 to 3.14 still have the GIL, and even the free-threaded one "
        "turns it back on when you import an extension not marked as safe; `sys._is_gil_enabled()` tells "
        "you whether it is on.",
        follow_ups=(
            FollowUp(
                "So when do threads help in Python?",
                "When they wait: CPython releases the GIL while a thread blocks on a socket, a file, a pipe "
                "or `time.sleep`. They also help with C code that releases it while it works, such as "
                "`hashlib` on large data, `zlib` and many numpy operations; this rule leaves those alone.",
            ),
            FollowUp(
                "Why a process pool and not threads?",
                "Each worker process has its own interpreter and GIL, so calls of $target run on separate "
                "cores at once. The cost: pickling arguments and results, and slow worker start-up. Where "
                "workers start by importing your module (Windows, macOS, Linux from 3.14), create the pool under "
                "`if __name__ == \"__main__\":`.",
            ),
            FollowUp(
                "What about asyncio?",
                "asyncio runs on one thread, switching tasks only at `await`, so it overlaps waiting, not "
                "computing; CPU work there stalls the event loop. `asyncio.to_thread` moves it to a thread, "
                "which keeps the loop responsive but still runs under the GIL; a process pool given to "
                "`run_in_executor` runs it in parallel.",
            ),
        ),
        fix="Run $target in a `concurrent.futures.ProcessPoolExecutor` instead: each worker process has "
        "its own interpreter and GIL, so separate calls run on separate cores at once.",
        fix_code="${define}\nwith ProcessPoolExecutor() as pool:\n    $pool_call",
        demo=DEMO,
        names=("function", "launcher"),
        flags="A function or lambda of this module run on threads (`threading.Thread(target=...)`, "
        "`ThreadPoolExecutor` `submit` or `map`, a `multiprocessing.pool.ThreadPool` or "
        "`multiprocessing.dummy.Pool` method, `asyncio.to_thread`, or `loop.run_in_executor` with a thread "
        "executor) whose work is a pure-Python loop or recursion: it calls only builtins, `math`, "
        "`operator`, `itertools`, `functools`, `statistics`, `collections` and this module's own CPU-bound "
        "functions, and iterates only plain data. Reported at the launch, with the loop as related information.",
        not_flagged=(
            "Functions that wait: `print`, `open`, `time.sleep`, sockets, `requests`, `subprocess`, a lock "
            "taken with `with`. A waiting thread releases the GIL, which is what threads are good for.",
            "C code that releases the GIL while it works: `hashlib`, `zlib`, numpy. Threads can run it in parallel.",
            "A call the rule cannot see into: another module's function, an unknown import, a class, a "
            "method of a parameter or other unknown object (it may be a queue, a socket or a file), a "
            "function under an unknown decorator.",
            "Iterating what may be a stream: a pipe such as `proc.stdout`, `sys.stdin`, an open file, "
            "`iter(q.get, None)`, an unknown function's result, or a parameter the launch does not give "
            "plain data. Each step may block on I/O (draining a pipe is a classic good use of a thread).",
            "Spin-waits such as `while not done: pass`: they want a `threading.Event`, not more cores.",
            "Generator functions, coroutines and functions that only return a generator expression: the "
            "thread only creates the object. Functions with no loop and no recursion: too little work.",
            "Targets not resolved here: methods (`self.run`, `Worker().run`), imported functions, "
            "parameters, loop variables; and `threading.Timer`.",
            "Process pools (`ProcessPoolExecutor`, `multiprocessing.Pool`), and an executor that may be one "
            "(passed in, or a process pool on some path): each process has its own GIL, so that is the fix.",
        ),
        references=(
            "https://docs.python.org/3/glossary.html#term-global-interpreter-lock",
            "https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor",
            "https://peps.python.org/pep-0703/",
            "https://peps.python.org/pep-0779/",
            "https://docs.python.org/3/howto/free-threading-python.html",
        ),
        prior_art=("none known: flake8-bugbear, pylint and ruff have no equivalent",),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.facts: dict[ast.AST, _Facts] = {}
        self.launches: list[_Launch] = []

    # -- during the walk ----------------------------------------------------------------------

    def _owner(self) -> Optional[_Facts]:
        """The function or lambda whose body is being walked (comprehensions belong to it)."""
        scope: Optional[Scope] = self.ctx.scope
        while scope is not None and scope.kind is ScopeKind.COMPREHENSION:
            scope = scope.parent
        if scope is None or scope.kind not in (ScopeKind.FUNCTION, ScopeKind.LAMBDA):
            return None
        return self.facts.get(scope.node)

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            # Seen before its own scope is pushed: ctx.scope is still the enclosing one.
            facts = _Facts(node, self._function_name(node), self.ctx.scope)
            # A coroutine function run on a thread only creates a coroutine object.
            facts.not_plain = isinstance(node, ast.AsyncFunctionDef)
            self.facts[node] = facts
            owner = self._owner()
            if owner is not None and isinstance(node, ast.Lambda):
                owner.lambdas.append(node)
            return
        if isinstance(node, ast.Call):
            self._launch(node)
        owner = self._owner()
        if owner is None:
            return
        if isinstance(node, ast.Call):
            owner.calls.append((node, self.ctx.scope))
        elif isinstance(node, NOT_PLAIN):
            owner.not_plain = True
        elif isinstance(node, ast.Starred):
            if isinstance(node.ctx, ast.Load):  # `f(*rows)`, `[*rows]` iterate `rows`
                owner.iterables.append((node.value, self.ctx.scope, None))
        elif isinstance(node, LOOPS):
            if isinstance(node, ast.GeneratorExp) and not isinstance(self.ctx.parent(node), ast.Call):
                return  # a generator expression that is returned or stored runs nothing here
            if isinstance(node, ast.While) and all(_idle(statement) for statement in node.body):
                # `while not done: pass` spins until another thread changes some state: a
                # busy-wait, which wants an Event, not parallel computation that a process
                # pool would speed up, so the message's "take turns on the GIL instead of
                # running in parallel" does not describe it. Not evidence of CPU-bound work.
                # (`for _ in range(n): pass` stays: it does n steps of work, however empty.)
                return
            owner.loops.append(node)
            if isinstance(node, ast.For):
                owner.iterables.append((node.iter, self.ctx.scope, None))
            elif not isinstance(node, ast.While):
                # Only the first iterable is evaluated in the enclosing scope; the others see
                # the comprehension's own targets (`for row in grid for x in row`).
                for index, generator in enumerate(node.generators):  # type: ignore[attr-defined]
                    owner.iterables.append((generator.iter, self.ctx.scope, node if index else None))

    def _function_name(self, node: Function) -> str:
        if not isinstance(node, ast.Lambda):
            return node.name
        parent = self.ctx.parent(node)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            return parent.targets[0].id
        return "lambda"

    def _launch(self, call: ast.Call) -> None:
        """Remember a call that runs a function on a thread; its target is resolved in finish()."""
        ctx = self.ctx
        qualified = ctx.call_name(call)
        target: Optional[ast.expr] = None
        launcher = ""
        fed = _Fed([], {}, [])
        if qualified in THREAD_CLASSES:
            launcher = qualified
            target = _argument(call, 1, "target")
            # Thread(group, target, name, args, kwargs): `Thread(*spec)` may put anything anywhere.
            fed = _fed_from_displays(_argument(call, 3, "args"), _argument(call, 4, "kwargs"))
            fed.rest += [a.value for a in call.args if isinstance(a, ast.Starred)]
            fed.rest += [k.value for k in call.keywords if k.arg is None]
        elif qualified == "asyncio.to_thread":
            launcher, target = qualified, _argument(call, 0, "func")
            fed = _fed_from_call(call.args[1:], [k for k in call.keywords if k.arg != "func"])
        elif isinstance(call.func, ast.Attribute):
            method, receiver = call.func.attr, call.func.value
            kind = self._receiver_kind(receiver)
            if kind == "executor" and method in EXECUTOR_METHODS:
                launcher, target = f"executor.{method}", _argument(call, 0, "fn")
                if method == "submit":
                    fed = _fed_from_call(call.args[1:], [k for k in call.keywords if k.arg != "fn"])
                else:  # map(fn, *iterables): the i-th parameter gets the i-th iterable's elements
                    fed = _fed_from_call(call.args[1:], [])
            elif kind == "pool" and method in POOL_METHODS:
                launcher, target = f"ThreadPool.{method}", _argument(call, 0, "func")
                if method.startswith("apply"):  # apply(func, args=(), kwds={})
                    fed = _fed_from_displays(_argument(call, 1, "args"), _argument(call, 2, "kwds"))
                else:
                    iterable = _argument(call, 1, "iterable")
                    items = [iterable] if iterable is not None else []
                    if method.startswith("starmap"):  # each element is a tuple of arguments
                        fed = _Fed([], {}, items)
                    else:
                        fed = _Fed(items, {}, [])
            elif kind == "loop" and method == "run_in_executor" and call.args:
                executor = call.args[0]
                # None is the loop's default executor, a ThreadPoolExecutor.
                if (isinstance(executor, ast.Constant) and executor.value is None) or (
                    self._receiver_kind(executor) == "executor"
                ):
                    launcher, target = "loop.run_in_executor", _argument(call, 1, "func")
                    fed = _fed_from_call(call.args[2:], [])
        if target is not None:
            self.launches.append(_Launch(call, launcher, target, ctx.scope, fed))

    def _receiver_kind(self, expr: ast.expr) -> Optional[str]:
        """"executor", "pool" or "loop" for a thread pool or event loop, created here or bound to a name.

        Resolved now, not in finish(): the binding that counts is the one visible at the call.
        A name counts only if every binding of it so far is the same kind (a name that may hold a
        ProcessPoolExecutor on some path is not flagged); attributes (`self.pool`) are not tracked.
        """
        if isinstance(expr, ast.Call):
            return _creation_kind(self.ctx.call_name(expr))
        if not isinstance(expr, ast.Name):
            return None
        binding = self.ctx.lookup(expr.id)
        if binding is None:
            return None
        kinds = set()
        for each in binding.scope.bindings.get(expr.id, ()):
            value = each.value if each.kind in ("assign", "with", "walrus") else None
            kinds.add(_creation_kind(self.ctx.call_name(value, each.scope)) if isinstance(value, ast.Call) else None)
        return kinds.pop() if len(kinds) == 1 else None

    # -- after the walk -----------------------------------------------------------------------

    def finish(self) -> None:
        if not self.launches:
            return  # no threads, nothing to decide: skip the call-graph work
        for facts in self.facts.values():
            self._classify(facts)
        self._propagate_impurity()
        evidence = self._evidence()
        for launch in self.launches:
            self._check(launch, evidence)

    def _classify(self, facts: _Facts) -> None:
        """Sort the function's calls into pure, impure and calls of this module's functions."""
        if facts.not_plain or not self._pure_decorators(facts):
            facts.impure = True
            return
        iterated: list[tuple[ast.expr, Scope]] = []
        for iterable, scope, comprehension in facts.iterables:
            if comprehension is not None:
                scope = self.ctx.scopes.get(comprehension, scope)
            if scope is not None:
                iterated.append((iterable, scope))
        for call, scope in facts.calls:
            verdict = self._call(call, scope)
            if verdict == "impure":
                facts.impure = True
                return
            if isinstance(verdict, _Facts):
                facts.callees.append((call, verdict))
                facts.direct.append((call, verdict, scope))
            slot = self._callable_argument(call, scope)
            for argument in [*call.args, *(k.value for k in call.keywords)]:
                if isinstance(argument, ast.Starred):
                    argument = argument.value
                ref = self._reference(argument, scope, argument is slot)
                if ref == "impure":
                    facts.impure = True
                    return
                if isinstance(ref, _Facts):
                    facts.callees.append((call, ref))
                    facts.passed.append((call, ref, scope))
            iterated += [(argument, scope) for argument in self._iterated_arguments(call, scope)]
        # Iteration calls the iterable's `__next__`: on a pipe, a file or a queue's iterator
        # that blocks on I/O (`for line in proc.stdout` is the classic good use of a thread).
        # Only plain data is pure to iterate; a parameter is, if every caller passes plain data.
        # (Unpacking `x, y = point` and `x in items` are not counted: a pipe there is rare.)
        needs = self._plain_data(iterated, facts)
        if needs is None:
            facts.impure = True
        else:
            facts.needs |= needs

    def _pure_decorators(self, facts: _Facts) -> bool:
        # A decorator replaces the function: only the pure modules' (`functools.lru_cache`) keep it known.
        for decorator in getattr(facts.node, "decorator_list", ()):
            expr = decorator.func if isinstance(decorator, ast.Call) else decorator
            if self._module_ref(expr, facts.outer) != "pure":
                return False
        return True

    def _call(self, call: ast.Call, scope: Scope) -> Union[str, _Facts]:
        """"pure", "impure" or the facts of the module's function it calls."""
        func = call.func
        if isinstance(func, ast.Lambda):
            return self.facts[func]
        if isinstance(func, ast.Name):
            return self._name_callable(func.id, scope)
        if isinstance(func, ast.Attribute):
            module = self._module_ref(func, scope)
            if module is not None:
                return module
            # A method call: pure only on a literal or on a name only ever bound (here or at
            # module level) to a plain list/dict/str/... display or constructor. On anything
            # else (a parameter, a loop variable, `self`, the result of another call) it is a
            # method of an unknown object, which may be a queue, a socket or a file.
            receiver = func.value
            if isinstance(receiver, PURE_VALUES):
                return "pure"
            if isinstance(receiver, ast.Name) and self._plain_value_name(receiver.id, scope):
                return "pure"
        return "impure"  # `handlers[i]()`, `make()()`, a method of an unknown object

    def _name_callable(self, name: str, scope: Scope) -> Union[str, _Facts]:
        bindings = self._bindings(name, scope)
        if not bindings:
            return _module_verdict("builtins." + name) if name in BUILTIN_NAMES else "impure"
        verdicts = [self._binding_callable(b) for b in bindings]
        if "impure" in verdicts:
            return "impure"
        # Every path calls pure code; the last definition stands for the module's function.
        return next((v for v in reversed(verdicts) if isinstance(v, _Facts)), "pure")

    def _binding_callable(self, binding: Binding) -> Union[str, _Facts]:
        if binding.kind == "function":
            return self.facts.get(binding.node, "impure")
        if binding.kind == "import" and binding.qualname:
            return _module_verdict(binding.qualname)
        if binding.kind == "assign" and isinstance(binding.value, ast.Lambda):
            return self.facts.get(binding.value, "impure")
        if binding.kind == "assign" and isinstance(binding.value, (ast.Name, ast.Attribute)):
            module = self._module_ref(binding.value, binding.scope)  # `sqrt = math.sqrt`
            if module is not None:
                return module
        return "impure"  # a class (its __init__ is unknown), a parameter, anything assigned

    def _bindings(self, name: str, scope: Scope) -> list[Binding]:
        """Every binding of `name` in the scope that resolves it (all paths, not just the last)."""
        binding = self.ctx.lookup(name, scope)
        if binding is None:
            return []
        return list(binding.scope.bindings.get(name, [binding]))

    def _module_ref(self, expr: ast.expr, scope: Scope) -> Optional[str]:
        """"pure"/"impure" for a name or attribute reached through an import or builtin, else None."""
        if not isinstance(expr, (ast.Name, ast.Attribute)):
            return None
        qualified = self.ctx.qualified_name(expr, scope)
        return _module_verdict(qualified) if qualified else None

    def _reference(self, expr: ast.expr, scope: Scope, called: bool) -> Union[str, _Facts, None]:
        """What a call's argument adds: a function of this module it may call, "impure", or nothing.

        `called` is true for the argument a higher-order call calls (`map(f, ...)`, `key=f`):
        there an unknown callable is an unknown call; elsewhere an unknown name is just data.
        """
        if isinstance(expr, ast.Lambda):
            return self.facts.get(expr)
        module = self._module_ref(expr, scope)
        if module == "impure":
            return "impure"  # `map(time.sleep, ...)`, `partial(requests.get, ...)`, `len(sys.argv)`
        if module == "pure":
            return None
        if isinstance(expr, ast.Name):
            bindings = self._bindings(expr.id, scope)
            if any(b.kind == "function" or (b.kind == "assign" and isinstance(b.value, ast.Lambda)) for b in bindings):
                return self._name_callable(expr.id, scope)
            return "impure" if called else None
        if isinstance(expr, ast.Call):
            return None  # `key=operator.itemgetter(1)`: that call is judged as a call of its own
        return "impure" if called else None  # `map(self.fetch, urls)`, `key=table[k]`

    def _callable_argument(self, call: ast.Call, scope: Scope) -> Optional[ast.expr]:
        """The argument a higher-order call calls, if it is one."""
        if isinstance(call.func, ast.Attribute) and call.func.attr in HIGHER_ORDER_METHODS:
            position, keyword = HIGHER_ORDER_METHODS[call.func.attr]
        else:
            qualified = self.ctx.call_name(call, scope)
            if qualified == "builtins.iter" and len(call.args) == 2:
                return call.args[0]  # `iter(queue.get, None)`, `iter(pipe.readline, b"")` call it
            if qualified not in HIGHER_ORDER:
                return None
            position, keyword = HIGHER_ORDER[qualified]
        return _argument(call, position, keyword)

    def _iterated_arguments(self, call: ast.Call, scope: Scope) -> list[ast.expr]:
        """The arguments a pure call iterates (`sum(xs)`, `enumerate(xs)`, `"".join(xs)`)."""
        func = call.func
        if isinstance(func, ast.Attribute) and self._module_ref(func, scope) is None:
            # A method of a plain value (it is impure on anything else).
            return [a for a in call.args if not isinstance(a, ast.Starred)] if func.attr in ITERATING_METHODS else []
        qualified = self.ctx.call_name(call, scope)
        if qualified is None:
            return []
        if qualified.startswith("statistics."):
            start, stop = 0, 1  # mean(data), median(data), ...
        elif qualified in ITERATING:
            start, stop = ITERATING[qualified]
        else:
            return []
        if qualified in ONE_ARGUMENT_ITERATING and len(call.args) != 1:
            return []
        # Starred arguments are iterated anyway (recorded where they are seen).
        return [a for a in call.args[start:stop] if not isinstance(a, ast.Starred)]

    def _plain_data(self, start: list[tuple[ast.expr, Scope]], owner: Optional[_Facts]) -> Optional[set[str]]:
        """Whether the values of these expressions are plain data, all the way down: iterating
        them, or anything they hold, runs no code that may block. None if not; else the
        parameters of `owner` (the function being judged) they come from, which its callers
        must pass plain data for. At a launch site `owner` is None and parameters are unknown.

        Plain data: constants, displays and comprehensions of plain data, arithmetic on it,
        names only ever bound to it (a loop variable is what its loop iterates), and the results
        of pure calls on it. Not: attributes (`proc.stdout`, `self.rows`), `open(...)`, any
        other call, a name bound by `with`, an import from a module not known to be pure.
        """
        ctx = self.ctx
        work = list(start)
        seen: set[int] = set()
        needs: set[str] = set()
        while work:
            expr, scope = work.pop()
            if id(expr) in seen:
                continue
            seen.add(id(expr))
            if isinstance(expr, (ast.Constant, ast.JoinedStr, ast.Compare)):
                continue
            if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
                work += [(e, scope) for e in expr.elts]
            elif isinstance(expr, ast.Dict):
                work += [(e, scope) for e in (*expr.keys, *expr.values) if e is not None]
            elif isinstance(expr, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                inner = ctx.scopes.get(expr)
                if inner is None:
                    return None
                work += [(e, inner) for e in (getattr(expr, n, None) for n in ("elt", "key", "value")) if e is not None]
                work += [(g.iter, scope if i == 0 else inner) for i, g in enumerate(expr.generators)]
            elif isinstance(expr, ast.BinOp):
                work += [(expr.left, scope), (expr.right, scope)]
            elif isinstance(expr, ast.UnaryOp):
                work.append((expr.operand, scope))
            elif isinstance(expr, ast.BoolOp):
                work += [(e, scope) for e in expr.values]
            elif isinstance(expr, ast.IfExp):
                work += [(expr.body, scope), (expr.orelse, scope)]
            elif isinstance(expr, (ast.Subscript, ast.Starred, ast.NamedExpr)):
                work.append((expr.value, scope))  # `rows[i]`, `rows[1:]` hold what `rows` holds
            elif isinstance(expr, ast.Attribute):
                if self._module_ref(expr, scope) != "pure":
                    return None  # `proc.stdout`, `self.rows`, `sys.stdin`: an unknown object
            elif isinstance(expr, ast.Name):
                module = self._module_ref(expr, scope)
                if module is not None:
                    if module == "impure":
                        return None
                    continue
                bindings = self._bindings(expr.id, scope)
                if not bindings:
                    return None
                for binding in bindings:
                    found = self._bound_data(binding, owner)
                    if found is None:
                        return None
                    if isinstance(found, str):
                        needs.add(found)
                    else:
                        work += found
            elif isinstance(expr, ast.Call):
                found = self._call_data(expr, scope, owner)
                if found is None:
                    return None
                work += found
            else:
                return None  # a lambda, an await, ...: not data
        return needs

    def _bound_data(
        self, binding: Binding, owner: Optional[_Facts]
    ) -> Union[None, str, list[tuple[ast.expr, Scope]]]:
        """What a binding gives its name: the expressions to check, the name of a parameter of
        `owner`, or None for something that is not data."""
        kind, scope = binding.kind, binding.scope
        if kind == "param":
            # A parameter of the function being judged: its callers decide. A parameter of an
            # enclosing function (a closure) or of the launching function is unknown.
            return binding.name if owner is not None and scope.node is owner.node else None
        if kind in ("assign", "walrus") and binding.value is not None:
            return [(binding.value, scope)]
        if kind == "annotation":
            return []  # `rows: list[int]` binds nothing
        if kind == "augassign":
            parent = self.ctx.parent(binding.node)
            return [(parent.value, scope)] if isinstance(parent, ast.AugAssign) else None
        if kind == "import" and binding.qualname:
            return [] if _module_verdict(binding.qualname) == "pure" else None
        if kind in ("loop", "unpack"):
            # `for x in rows`, `for i, (a, b) in enumerate(pairs)`, `a, b = pair`: what was unpacked.
            node: ast.AST = binding.node
            parent = self.ctx.parent(node)
            while isinstance(parent, (ast.Tuple, ast.List, ast.Starred)):
                node, parent = parent, self.ctx.parent(parent)
            if isinstance(parent, ast.For) and parent.target is node:
                return [(parent.iter, scope)]
            if isinstance(parent, ast.Assign) and any(t is node for t in parent.targets):
                return [(parent.value, scope)]
            if isinstance(parent, ast.comprehension) and parent.target is node:
                comprehension = self.ctx.parent(parent)
                first = getattr(comprehension, "generators", [None])[0] is parent
                return [(parent.iter, (scope.parent or scope) if first else scope)]
        return None  # a function, a class, `with ... as`, `except ... as`: not plain data

    def _call_data(
        self, call: ast.Call, scope: Scope, owner: Optional[_Facts]
    ) -> Optional[list[tuple[ast.expr, Scope]]]:
        """The expressions a call's result holds or iterates, or None if it may not be plain data."""
        verdict = self._call(call, scope)
        if verdict == "impure":
            return None  # `open(path)`, `make_socket().makefile()`, an unknown function's result
        arguments = [a.value if isinstance(a, ast.Starred) else a for a in call.args]
        arguments += [k.value for k in call.keywords]
        if isinstance(verdict, _Facts):
            # A function of this module: its result is plain if it is pure, and if what it is
            # given is (`ident(stream)` may hand the stream back).
            if verdict.impure:
                return None
            if owner is not None and verdict is not owner:
                owner.sources.append(verdict)
            return [(a, scope) for a in arguments]
        found = [(a, scope) for a in self._iterated_arguments(call, scope)]
        slot = self._callable_argument(call, scope)
        ref = self._reference(slot, scope, True) if slot is not None else None
        if ref == "impure":
            return None  # `map(fetch, urls)`, `iter(q.get, None)`: iterating it calls unknown code
        if isinstance(ref, _Facts):
            # `map(total, rows)`: this module's function gets what the other arguments hold.
            if ref.impure:
                return None
            if owner is not None and ref is not owner:
                owner.sources.append(ref)
            found += [(a, scope) for a in arguments if a is not slot]
        if isinstance(call.func, ast.Attribute) and self._module_ref(call.func, scope) is None:
            found.append((call.func.value, scope))  # `rows.copy()` holds what `rows` holds
        # Anything else pure (`range(n)`, `len(xs)`, `math.sqrt(x)`) makes new plain data.
        return found

    def _plain_value_name(self, name: str, scope: Scope) -> bool:
        bindings = self._bindings(name, scope)
        if not bindings:
            return False
        for binding in bindings:
            if binding.kind == "augassign" or (binding.kind == "annotation" and binding.value is None):
                continue  # `s += "x"` keeps a str a str; a bare annotation binds nothing
            if binding.kind not in ("assign", "walrus"):
                return False  # a parameter, a loop variable, `with ... as`: an unknown object
            value = binding.value
            if isinstance(value, PURE_VALUES):
                continue
            if isinstance(value, ast.Call) and self.ctx.call_name(value, binding.scope) in PURE_CONSTRUCTORS:
                continue
            return False
        return True

    def _propagate_impurity(self) -> None:
        """A function is impure if it calls (or defines a lambda that is) impure, or iterates
        what may not be plain data; a parameter it hands on to one that iterates it is iterated
        too. Iterate to a fixed point (both only grow)."""
        pending = [f for f in self.facts.values() if not f.impure]
        changed = True
        while changed:
            changed = False
            for facts in pending:
                if facts.impure:
                    continue
                needs = self._handed_on(facts)
                if (
                    needs is None
                    or any(c.impure for _, c in facts.callees)
                    or any(self.facts[lam].impure for lam in facts.lambdas)
                    or any(source.impure for source in facts.sources)
                ):
                    facts.impure = changed = True
                elif not needs <= facts.needs:
                    facts.needs |= needs
                    changed = True

    def _handed_on(self, facts: _Facts) -> Optional[set[str]]:
        """The parameters of `facts` that reach a parameter its callees iterate, or None if
        something else that may not be plain data does."""
        needs: set[str] = set()
        for call, callee, scope in facts.direct:
            if not callee.needs:
                continue
            fed = _fed_from_call(call.args, call.keywords)
            found = self._needed_data(callee, fed, scope, facts)
            if found is None:
                return None
            needs |= found
        for call, callee, scope in facts.passed:
            if not callee.needs:
                continue
            # `map(norm, rows)`, `sorted(xs, key=measure)`: what the callee gets comes from the
            # call's other arguments, so they all must be plain data.
            others = [
                (a.value if isinstance(a, ast.Starred) else a, scope)
                for a in [*call.args, *(k.value for k in call.keywords)]
                if not (isinstance(a, ast.Lambda) and self.facts.get(a) is callee)
                and not (isinstance(a, ast.Name) and self._name_callable(a.id, scope) is callee)
            ]
            found = self._plain_data(others, facts)
            if found is None:
                return None
            needs |= found
        return needs

    def _needed_data(self, callee: _Facts, fed: _Fed, scope: Scope, owner: Optional[_Facts]) -> Optional[set[str]]:
        """Whether what `fed` passes for each parameter `callee` iterates is plain data: None if
        not, else the parameters of `owner` it comes from."""
        sources = _parameter_sources(callee, fed, scope)
        if sources is None:
            return None
        needs: set[str] = set()
        for name in sorted(callee.needs):
            given = sources.get(name)
            if given is None:
                return None  # no argument and no default: a TypeError, or passed in a way not followed
            found = self._plain_data(given, owner)
            if found is None:
                return None
            needs |= found
        return needs

    def _evidence(self) -> dict[_Facts, _Evidence]:
        pure = [f for f in self.facts.values() if not f.impure]
        found: dict[_Facts, _Evidence] = {}
        for facts in pure:
            if facts.loops:
                loop = facts.loops[0]
                found[facts] = _Evidence(loop, self._header(loop), facts.name)
        for facts in pure:
            if facts not in found:
                call = self._recursive_call(facts)
                if call is not None:
                    found[facts] = _Evidence(call, self.ctx.segment(call), facts.name, recursion=True)
        changed = True
        while changed:  # a function that calls a CPU-bound function of this module is CPU-bound too
            changed = False
            for facts in pure:
                if facts in found:
                    continue
                for call, callee in facts.callees:
                    if callee in found:
                        inner = found[callee]
                        found[facts] = _Evidence(inner.loop, inner.header, inner.owner, inner.recursion,
                                                 (call, callee.name))
                        changed = True
                        break
        return found

    @staticmethod
    def _recursive_call(facts: _Facts) -> Optional[ast.Call]:
        """The call through which `facts` reaches itself again, if any (a breadth-first search of the call graph)."""
        for call, callee in facts.callees:
            seen = {id(callee)}
            queue = deque([callee])
            while queue:
                current = queue.popleft()
                if current is facts:
                    return call
                for _, nxt in current.callees:
                    if id(nxt) not in seen:
                        seen.add(id(nxt))
                        queue.append(nxt)
        return None

    def _header(self, loop: ast.AST) -> str:
        segment = self.ctx.segment
        if isinstance(loop, ast.For):
            return f"for {segment(loop.target, 30)} in {segment(loop.iter, 40)}"
        if isinstance(loop, ast.While):
            return f"while {segment(loop.test, 50)}"
        return segment(loop)

    def _targets(self, launch: _Launch) -> Optional[tuple[str, list[_Facts], _Fed]]:
        """The name shown for the target, every definition it may be (None if not all are
        known) and what the launch passes it."""
        target, fed = launch.target, launch.fed
        if isinstance(target, ast.Call) and self.ctx.call_name(target, launch.scope) == "functools.partial":
            if not target.args:
                return None
            bound = _fed_from_call(target.args[1:], target.keywords)
            if bound.rest:  # `partial(f, *a)`: positions after it are unknown
                fed = _Fed(bound.positional, bound.keywords, bound.rest + fed.positional + fed.rest)
            else:
                fed = _Fed(bound.positional + fed.positional, {**bound.keywords, **fed.keywords}, fed.rest)
            target = target.args[0]
        if isinstance(target, ast.Lambda):
            return self.facts[target].name, [self.facts[target]], fed
        if not isinstance(target, ast.Name):
            # `obj.method`, `self.run`, `module.func`: a method or another module's function,
            # whose body is not resolved here.
            return None
        found = []
        for binding in self._bindings(target.id, launch.scope):
            if binding.kind == "function":
                node = binding.node
            elif binding.kind == "assign" and isinstance(binding.value, ast.Lambda):
                node = binding.value
            else:
                return None  # imported, a parameter, a class: not a function of this module
            found.append(self.facts[node])
        return (target.id, found, fed) if found else None

    def _check(self, launch: _Launch, evidence: dict[_Facts, _Evidence]) -> None:
        targets = self._targets(launch)
        if targets is None:
            return
        name, definitions, fed = targets
        if not all(d in evidence for d in definitions):
            return  # some definition does I/O, calls unknown code, or never loops
        for definition in definitions:
            # `pump(proc.stdout)` iterates a pipe, `crunch([1, 2, 3])` a list: a function that
            # iterates a parameter is CPU-bound only if the launch shows it is given plain data.
            if definition.needs and self._needed_data(definition, fed, launch.scope, None) is None:
                return
        why = evidence[definitions[-1]]
        related: list[tuple[ast.AST, str]] = []
        if why.via is not None:
            related.append((why.via[0], f"'{name}' calls CPU-bound '{why.via[1]}' here"))
        if why.recursion:
            related.append((why.loop, f"'{why.owner}' recurses here in pure Python, holding the GIL"))
        else:
            related.append((why.loop, f"'{why.owner}' loops here in pure Python, holding the GIL"))
        self.report(
            launch.call,
            related=related,
            function=name,
            launcher=launch.launcher,
            loop=why.header,
            **self._explanation_context(launch, name, definitions[-1], why),
        )

    def _explanation_context(self, launch: _Launch, name: str, definition: _Facts, why: _Evidence) -> dict[str, str]:
        """The finding's names for the 30-second answer (`explanation` below): how to call the
        target, where its time goes, the launch as code, and the fix's code."""
        if why.via is not None:
            kind = "calls-recursive" if why.recursion else "calls"
        else:
            kind = "recurses" if why.recursion else "loops"
        anonymous = name == "lambda"
        return {
            "target": "the lambda" if anonymous else f"`{name}`",
            "why": kind,
            "owner": why.owner,
            "launch": self._one_line(launch.call, 76),
            **self._fix_context(launch, "work" if anonymous else name, definition),
        }

    def _fix_context(self, launch: _Launch, name: str, definition: _Facts) -> dict[str, str]:
        """`pool_call`: the launch redone on a process pool, with the user's own arguments;
        `define`: what must move first. A pool pickles a function by its qualified name, so a
        lambda or a nested function cannot travel; only a module-level `def` can."""
        node = definition.node
        define = ""
        if isinstance(node, ast.Lambda):
            arguments = ast.unparse(node.args)
            body = self.ctx.segment(node.body, 60)
            define = f"{LAMBDA_NOTE}\ndef {name}({arguments}):\n    return {body}\n"
        elif definition.outer.kind is not ScopeKind.MODULE:
            define = NESTED_NOTE.format(name=name)
        target = launch.target
        if isinstance(target, ast.Call):  # `partial(crunch, n)` pickles if `crunch` does
            shown = self.ctx.segment(target, 50)
        else:
            shown = name
        return {"define": define, "pool_call": self._pool_call(launch, shown)}

    def _pool_call(self, launch: _Launch, target: str) -> str:
        call, launcher, segment = launch.call, launch.launcher, self.ctx.segment
        method = launcher.rpartition(".")[2]
        if launcher in THREAD_CLASSES:
            if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                return f"future = pool.submit({target})"
            given = _spelled(segment, _argument(call, 3, "args"), _argument(call, 4, "kwargs"))
            return f"future = pool.submit({', '.join([target, *given])})"
        if launcher.startswith("executor."):
            rest = [segment(a, 40) for a in call.args[1:]] + [
                segment(k, 40) for k in call.keywords if k.arg not in ("fn",)
            ]
            if method == "map":
                return f"results = list(pool.map({', '.join([target, *rest])}))"
            return f"future = pool.submit({', '.join([target, *rest])})"
        if launcher.startswith("ThreadPool."):
            if method.startswith("apply"):
                given = _spelled(segment, _argument(call, 1, "args"), _argument(call, 2, "kwds"))
                return f"future = pool.submit({', '.join([target, *given])})"
            iterable = _argument(call, 1, "iterable")
            items = segment(iterable, 40) if iterable is not None else "inputs"
            if method.startswith("starmap"):
                return f"futures = [pool.submit({target}, *args) for args in {items}]"
            return f"results = list(pool.map({target}, {items}))"
        if launcher == "asyncio.to_thread":
            rest = [segment(a, 40) for a in call.args[1:]]
            keywords = [segment(k, 40) for k in call.keywords if k.arg != "func"]
            if keywords:  # run_in_executor takes no keyword arguments
                target = f"functools.partial({', '.join([target, *keywords])})"
            return f"result = await asyncio.get_running_loop().run_in_executor({', '.join(['pool', target, *rest])})"
        # loop.run_in_executor(None, f, *args): the same call with the pool as executor
        receiver = segment(call.func.value, 40) if isinstance(call.func, ast.Attribute) else "loop"
        rest = [segment(a, 40) for a in call.args[2:]]
        return f"result = await {receiver}.run_in_executor({', '.join(['pool', target, *rest])})"

    def _one_line(self, node: ast.AST, limit: int) -> str:
        """The node's whole source on one line, comments dropped (a launch split over lines too)."""
        span = self.ctx.index.span(node)
        if span.line == span.end_line:
            return self.ctx.segment(node, limit)
        lines = list(self.ctx.lines[span.line - 1 : span.end_line])
        lines[-1] = lines[-1][: span.end_column]
        lines[0] = lines[0][span.column :]
        try:
            comments = [
                token for token in tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline)
                if token.type == tokenize.COMMENT
            ]
        except (tokenize.TokenError, SyntaxError):
            comments = []
        for token in comments:
            row, (start, end) = token.start[0] - 1, (token.start[1], token.end[1])
            lines[row] = lines[row][:start] + lines[row][end:]
        text = " ".join(" ".join(lines).split())
        text = re.sub(r"([(\[{]) ", r"\1", text)  # `Thread( target=...` once the lines are joined
        text = re.sub(r" ([)\]}])", r"\1", text)
        return _shorten(text, limit)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _spelled(segment, args: Optional[ast.expr], kwargs: Optional[ast.expr]) -> list[str]:
    """`args=(a, b), kwargs={"k": v}` (of Thread or apply) as the arguments of a plain call."""
    given: list[str] = []
    if isinstance(args, (ast.Tuple, ast.List)):
        given += [segment(e, 40) for e in args.elts]
    elif args is not None:
        given.append("*" + segment(args, 40))
    if isinstance(kwargs, ast.Dict) and all(
        isinstance(k, ast.Constant) and isinstance(k.value, str) for k in kwargs.keys
    ):
        given += [f"{k.value}={segment(v, 40)}" for k, v in zip(kwargs.keys, kwargs.values)]  # type: ignore[union-attr]
    elif kwargs is not None and not (isinstance(kwargs, ast.Constant) and kwargs.value is None):
        given.append("**" + segment(kwargs, 40))
    return given


def _argument(call: ast.Call, position: Optional[int], keyword: str) -> Optional[ast.expr]:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is None or len(call.args) <= position:
        return None
    if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return None  # `Thread(*args)`: which argument lands where is not known
    return call.args[position]


def _creation_kind(qualified: Optional[str]) -> Optional[str]:
    if qualified in THREAD_EXECUTORS:
        return "executor"
    if qualified in THREAD_POOLS:
        return "pool"
    if qualified in EVENT_LOOPS:
        return "loop"
    return None


def _module_verdict(qualified: str) -> str:
    module, _, rest = qualified.partition(".")
    if module == "builtins":
        return "pure" if rest.partition(".")[0] in PURE_BUILTINS else "impure"
    return "pure" if module in PURE_MODULES else "impure"


def _idle(statement: ast.stmt) -> bool:
    """`pass`, `continue` or a bare constant (`...`): a statement that does nothing."""
    return isinstance(statement, (ast.Pass, ast.Continue)) or (
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
    )


def _spread(items: list[ast.expr]) -> tuple[list[ast.expr], list[ast.expr]]:
    """Positional arguments up to the first `*x`, and everything from there on (whose place is unknown)."""
    for index, item in enumerate(items):
        if isinstance(item, ast.Starred):
            return items[:index], [i.value if isinstance(i, ast.Starred) else i for i in items[index:]]
    return list(items), []


def _fed_from_call(args: list[ast.expr], keywords: list[ast.keyword]) -> _Fed:
    positional, rest = _spread(args)
    named = {k.arg: k.value for k in keywords if k.arg is not None}
    rest += [k.value for k in keywords if k.arg is None]  # `**options`
    return _Fed(positional, named, rest)


def _fed_from_displays(args: Optional[ast.expr], kwargs: Optional[ast.expr]) -> _Fed:
    """`args=(a, b), kwargs={"k": v}` as given to Thread or apply; anything but displays goes to rest."""
    fed = _Fed([], {}, [])
    if isinstance(args, (ast.Tuple, ast.List)):
        fed.positional, fed.rest = _spread(args.elts)
    elif args is not None:
        fed.rest.append(args)  # `args=params`: the tuple's items may go anywhere
    if isinstance(kwargs, ast.Dict):
        for key, value in zip(kwargs.keys, kwargs.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                fed.keywords[key.value] = value
            else:
                fed.rest.append(value)
    elif kwargs is not None and not (isinstance(kwargs, ast.Constant) and kwargs.value is None):
        fed.rest.append(kwargs)
    return fed


def _parameter_sources(
    callee: _Facts, fed: _Fed, scope: Scope
) -> Optional[dict[str, list[tuple[ast.expr, Scope]]]]:
    """What each parameter of `callee` may get (defaults included, evaluated where the function
    is defined), or None if the arguments do not fit (the call raises TypeError)."""
    args = callee.node.args
    names = [a.arg for a in (*args.posonlyargs, *args.args)]
    keyword_names = {a.arg for a in (*args.args, *args.kwonlyargs)}
    sources: dict[str, list[tuple[ast.expr, Scope]]] = {}
    for name, expr in zip(names, fed.positional):
        sources[name] = [(expr, scope)]
    extra = fed.positional[len(names):]
    if args.vararg is not None:
        sources[args.vararg.arg] = [(e, scope) for e in extra]
    elif extra and not fed.rest:
        return None
    leftover = []
    for key, expr in fed.keywords.items():
        if key in keyword_names:
            sources.setdefault(key, []).append((expr, scope))
        else:
            leftover.append((expr, scope))
    if args.kwarg is not None:
        sources[args.kwarg.arg] = leftover
    elif leftover and not fed.rest:
        return None
    positional_defaults = zip(names[len(names) - len(args.defaults):], args.defaults)
    keyword_defaults = ((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)
    for name, default in (*positional_defaults, *keyword_defaults):
        sources.setdefault(name, [(default, callee.outer)])
    if fed.rest:
        every = [*names, *(a.arg for a in args.kwonlyargs)]
        every += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
        for name in every:
            sources.setdefault(name, []).extend((expr, scope) for expr in fed.rest)
    return sources
