"""PIT801: a CPU-bound pure-Python function run on threads gets no parallelism under the GIL."""

from __future__ import annotations

import ast
import builtins
import io
import re
import tokenize
from collections import deque
from dataclasses import dataclass, field
from typing import Mapping, Optional, Union

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule
from pitfalls.analyses.calls import (
    Fed,
    argument,
    callable_argument,
    fed_from_call,
    iterated_arguments,
    parameter_sources,
)
from pitfalls.analyses.threads import LAUNCH_WORDS, THREAD_CLASSES, Launch, bound_function, launch_of
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
    iterables: list[tuple[ast.expr, Scope]] = field(default_factory=list)  # and the scope to resolve them in
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


class CpuBoundThreads(Rule):
    code = "PIT801"
    needs = LAUNCH_WORDS  # every launcher it knows
    name = "cpu-bound-threads"
    severity = Severity.WARNING
    summary = "A CPU-bound pure-Python function run on threads gets no parallelism because of the GIL"
    message = (
        "'{function}' is CPU-bound pure Python; threads started here by {launcher} take turns "
        "on the GIL instead of running in parallel"
    )
    node_types = (ast.Call,)  # launches; the rest is decided from the model in finish()
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
        "launch_source": "threading.Thread(target=crunch, args=(10_000_000,))",
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
        self.launches: list[Launch] = []
        self.pending: list[ast.Call] = []  # `self.pool.submit(f)`: decided once the class is known

    def visit(self, node: ast.Call) -> None:
        launch = launch_of(self.ctx, node, instances=False)
        if launch is not None:
            self.launches.append(launch)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Attribute):
            self.pending.append(node)

    def _gather(self, node: Function) -> _Facts:
        """What PIT801 needs of a function's own body, from its function facts."""
        ctx, function = self.ctx, self.ctx.function(node)
        facts = _Facts(node, function.name, ctx.scope_of(node))
        # A coroutine function run on a thread only creates a coroutine object.
        facts.not_plain = function.is_async or bool(function.nodes(*NOT_PLAIN))
        facts.lambdas = [n for n in function.nested if isinstance(n, ast.Lambda)]
        facts.calls = [(call, ctx.scope_of(call)) for call in function.calls]
        facts.iterables = [  # `f(*rows)`, `[*rows]` iterate `rows`
            (n.value, ctx.scope_of(n)) for n in function.nodes(ast.Starred) if isinstance(n.ctx, ast.Load)
        ]
        for loop in function.nodes(*LOOPS):
            if isinstance(loop, ast.GeneratorExp) and not isinstance(ctx.parent(loop), ast.Call):
                continue  # a generator expression that is returned or stored runs nothing here
            if isinstance(loop, ast.While) and all(_idle(statement) for statement in loop.body):
                # `while not done: pass` spins until another thread changes some state: a
                # busy-wait, which wants an Event, not parallel computation that a process
                # pool would speed up. (`for _ in range(n): pass` stays: n steps of work.)
                continue
            facts.loops.append(loop)
            if isinstance(loop, ast.For):
                facts.iterables.append((loop.iter, ctx.scope_of(loop.iter)))
            elif not isinstance(loop, ast.While):
                facts.iterables += [(g.iter, ctx.scope_of(g.iter)) for g in loop.generators]  # type: ignore[attr-defined]
        return facts

    # -- after the walk -----------------------------------------------------------------------

    def finish(self) -> None:
        for call in self.pending:
            launch = launch_of(self.ctx, call)
            if launch is not None:
                self.launches.append(launch)
        if not self.launches:
            return  # no threads, nothing to decide: skip the call-graph work
        for node in self.ctx.function_defs:
            self.facts[node] = self._gather(node)  # type: ignore[arg-type]
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
        iterated = list(facts.iterables)
        for call, scope in facts.calls:
            verdict = self._call(call, scope)
            if verdict == "impure":
                facts.impure = True
                return
            if isinstance(verdict, _Facts):
                facts.callees.append((call, verdict))
                facts.direct.append((call, verdict, scope))
            slot = callable_argument(self.ctx, call, scope)
            for given in [*call.args, *(k.value for k in call.keywords)]:
                if isinstance(given, ast.Starred):
                    given = given.value
                ref = self._reference(given, scope, given is slot)
                if ref == "impure":
                    facts.impure = True
                    return
                if isinstance(ref, _Facts):
                    facts.callees.append((call, ref))
                    facts.passed.append((call, ref, scope))
            iterated += [(argument, scope) for argument in iterated_arguments(self.ctx, call, scope)]
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
        # A decorator replaces the function: only the pure modules' (`functools.lru_cache`) keep it
        # known, and `staticmethod`, which leaves the body as it is.
        for decorator in getattr(facts.node, "decorator_list", ()):
            expr = decorator.func if isinstance(decorator, ast.Call) else decorator
            if self.ctx.qualified_name(expr, facts.outer) == "builtins.staticmethod":
                continue
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
        found = [(a, scope) for a in iterated_arguments(self.ctx, call, scope)]
        slot = callable_argument(self.ctx, call, scope)
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
            fed = fed_from_call(call.args, call.keywords)
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

    def _needed_data(self, callee: _Facts, fed: Fed, scope: Scope, owner: Optional[_Facts]) -> Optional[set[str]]:
        """Whether what `fed` passes for each parameter `callee` iterates is plain data: None if
        not, else the parameters of `owner` it comes from."""
        sources = parameter_sources(callee.node, callee.outer, fed, scope)
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

    def _targets(self, launch: Launch) -> Optional[tuple[str, list[_Facts], Fed]]:
        """The name shown for the target, every definition it may be (None if not all are
        known) and what the launch passes it."""
        target, fed = launch.target, launch.fed
        if isinstance(target, ast.Call) and self.ctx.call_name(target, launch.scope) == "functools.partial":
            if not target.args:
                return None
            bound = fed_from_call(target.args[1:], target.keywords)
            if bound.rest:  # `partial(f, *a)`: positions after it are unknown
                fed = Fed(bound.positional, bound.keywords, bound.rest + fed.positional + fed.rest)
            else:
                fed = Fed(bound.positional + fed.positional, {**bound.keywords, **fed.keywords}, fed.rest)
            target = target.args[0]
        if isinstance(target, ast.Lambda):
            return self.facts[target].name, [self.facts[target]], fed
        if isinstance(target, ast.Attribute):
            # `self.render` (a method no subclass here overrides: the instance is its first
            # argument) or `Cls.helper` (a staticmethod); `obj.method` and `module.func` are
            # not resolved here.
            bound = bound_function(self.ctx, target)
            if bound is None or bound[0] not in self.facts:
                return None
            node, receiver = bound
            if receiver is not None:
                fed = Fed([receiver, *fed.positional], fed.keywords, fed.rest)
            return self.ctx.segment(target), [self.facts[node]], fed
        if not isinstance(target, ast.Name):
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

    def _check(self, launch: Launch, evidence: dict[_Facts, _Evidence]) -> None:
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

    def _explanation_context(self, launch: Launch, name: str, definition: _Facts, why: _Evidence) -> dict[str, str]:
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
            "launch_source": self.ctx.source(launch.call),  # made one line only for an answer
            **self._fix_context(launch, "work" if anonymous else name, definition),
        }

    def _fix_context(self, launch: Launch, name: str, definition: _Facts) -> dict[str, str]:
        """`pool_call`: the launch redone on a process pool, with the user's own arguments;
        `define`: what must move first. A pool pickles a function by its qualified name, so a
        lambda or a nested function cannot travel; only a module-level `def` can."""
        node = definition.node
        define = ""
        if isinstance(node, ast.Lambda):
            arguments = ast.unparse(node.args)
            body = self.ctx.segment(node.body, 60)
            define = f"{LAMBDA_NOTE}\ndef {name}({arguments}):\n    return {body}\n"
        elif definition.outer.kind not in (ScopeKind.MODULE, ScopeKind.CLASS):  # a method travels with its instance
            define = NESTED_NOTE.format(name=name)
        target = launch.target
        if isinstance(target, ast.Call):  # `partial(crunch, n)` pickles if `crunch` does
            shown = self.ctx.segment(target, 50)
        else:
            shown = name
        return {"define": define, "pool_call": self._pool_call(launch, shown)}

    def _pool_call(self, launch: Launch, target: str) -> str:
        call, launcher, segment = launch.call, launch.launcher, self.ctx.segment
        method = launcher.rpartition(".")[2]
        if launcher in THREAD_CLASSES:
            if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                return f"future = pool.submit({target})"
            given = _spelled(segment, argument(call, 3, "args"), argument(call, 4, "kwargs"))
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
                given = _spelled(segment, argument(call, 1, "args"), argument(call, 2, "kwds"))
                return f"future = pool.submit({', '.join([target, *given])})"
            iterable = argument(call, 1, "iterable")
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

    @classmethod
    def elaborate(cls, context: Mapping[str, str]) -> Mapping[str, str]:
        """The launch as the answer's example: its whole source on one line, comments dropped,
        built only when an answer is rendered (tokenizing it on every hit cost flake8 time)."""
        source = context.get("launch_source")
        return {"launch": _one_line(source, 76)} if source is not None else {}


def _one_line(source: str, limit: int) -> str:
    """Source text on one line, comments dropped (a launch split over lines too)."""
    if "\n" not in source:
        return _shorten(" ".join(source.split()), limit)
    lines = source.split("\n")
    try:
        comments = [
            token for token in tokenize.generate_tokens(io.StringIO(source).readline)
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
