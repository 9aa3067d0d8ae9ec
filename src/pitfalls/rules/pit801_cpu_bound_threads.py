"""PIT801: a CPU-bound pure-Python function run on threads gets no parallelism under the GIL."""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import Mapping, Optional, Union

from pitfalls.analyses.calls import (
    Callee, Fed, all_bindings, plain_container, binding_sources, callable_argument, callees, cycle, fed_from_call, iterated_arguments,
    parameter_sources, value_parts,
)
from pitfalls.analyses.mutation import changed_parameter
from pitfalls.analyses.launch_code import executor_call, one_line, parsed, text_segment
from pitfalls.analyses.threads import LAUNCH_WORDS, Launch, launches
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.model import Scope, ScopeKind
from pitfalls.rule import Rule

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]

# Modules whose functions run pure Python (or C that keeps the GIL) and never block on I/O.
PURE_MODULES = frozenset({"math", "operator", "itertools", "functools", "statistics", "collections"})

# Builtins that compute. Left out on purpose: I/O (`print`, `open`, `input`, `breakpoint`,
# `help`), code loading (`exec`, `eval`, `compile`, `__import__`) and attribute access by
# name (`getattr`, `hasattr`, `setattr`, `delattr`, `vars`), which may run any property.
PURE_BUILTINS = frozenset(
    """abs all any ascii bin bool bytearray bytes callable chr complex dict divmod enumerate filter float
    format frozenset hash hex id int isinstance issubclass iter len list map max memoryview min next
    object oct ord pow range repr reversed round set slice sorted str sum tuple type zip""".split()
    + ["NoneType", "ellipsis"]  # the types of `None` and `...`, whose methods are pure too
    # Raising is pure too: `raise ValueError(...)` calls the exception class.
    + [name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)]
)

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

# Launchers that start work once per input.
MANY_METHODS = frozenset({"map", "map_async", "imap", "imap_unordered", "starmap", "starmap_async"})
LOOPS = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# A function doing any of these is not a plain CPU-bound function: it is a generator or a
# coroutine (a thread running it only creates the object), it waits on a context manager
# (locks, files, sockets), or it runs the import machinery.
NOT_PLAIN = (ast.Await, ast.Yield, ast.YieldFrom, ast.With, ast.AsyncWith, ast.AsyncFor, ast.Import, ast.ImportFrom)


@dataclass(eq=False)
class _Facts:
    """What PIT801 knows of one function or lambda's own body, and once classified, its verdict."""

    node: Function
    name: str  # a lambda bound by `name = lambda ...` goes by that name
    outer: Scope  # where its decorators are evaluated
    impure: bool = False
    loops: list[ast.AST] = field(default_factory=list)
    iterables: list[tuple[ast.expr, Scope]] = field(default_factory=list)  # and the scope to resolve them in
    # This module's functions it calls (`crunch(n)`) or passes to a call (`map(norm, rows)`: passed).
    callees: list[tuple[ast.Call, "_Facts", Scope, bool]] = field(default_factory=list)
    # Impure if one of these is: the lambdas it defines, the functions whose results it iterates.
    taints: list[ast.AST] = field(default_factory=list)
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
    other_severities = {
        Severity.HAZARD: "for a single launch: nothing takes turns yet",
    }
    message = "'{function}' is CPU-bound pure Python; {effect}"
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
        "launches": "many",
        "effect": "on a build with the GIL, the threads started here by threading.Thread take turns instead of "
        "running in parallel",
    }

    explanation = Explanation(
        definition="In CPython's default build a thread needs the GIL, the global interpreter lock, to run "
        "Python code, so pure-Python work on several threads runs one thread at a time.",
        variant_key="why",
        implication={
            "": "$target only computes in a pure-Python loop and never waits on I/O, $turns",
            "recurses": "$target only computes, recursing in pure Python, and never waits on I/O, $turns",
            "calls": "$target works in `$owner`, whose pure-Python loop never waits on I/O, $turns",
            "calls-recursive": "$target works in `$owner`, whose pure-Python recursion never waits on I/O, $turns",
        },
        example="$launch",
        layer="The free-threaded build (`python3.13t`, supported from 3.14) has no GIL, and there such "
        "threads do run in parallel unless an extension module turns the GIL back on; "
        "`sys._is_gil_enabled()` tells you which you are running.",
        follow_ups=(
            FollowUp(
                "So when do threads help in Python?",
                "When they wait: CPython releases the GIL while a thread blocks on a socket, a file, a pipe "
                "or `time.sleep`. They also help with C code that releases it while it works, such as "
                "`hashlib` on large data, `zlib` and many numpy operations.",
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
        fix="$fix_advice",
        fix_code="${define}\nwith ProcessPoolExecutor() as pool:\n    $pool_call",
        key_points=(
            "In CPython's default build the GIL runs Python code one thread at a time",
            "Pure-Python work on several threads is no faster than on one",
            "Fix: a `ProcessPoolExecutor`, whose worker processes each have their own GIL",
        ),
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
            "Targets not resolved here: a method of anything but `self` or its class (`worker.run`, "
            "`Worker().run`), a method a subclass here overrides, imported functions, parameters, loop "
            "variables; and `threading.Timer`.",
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

    # -- after the walk -----------------------------------------------------------------------

    def finish(self) -> None:
        found = [launch for launch in launches(self.ctx) if launch.runs is not None]
        if not found:
            return  # no thread runs a function of this module: nothing to decide
        self.facts: dict[ast.AST, _Facts] = {}
        self.pending: list[_Facts] = []  # met, not classified yet
        for launch in found:
            for node, _ in launch.runs:  # type: ignore[union-attr]
                self._facts(node)
        while self.pending:
            # Classify the functions the launches reach, settle, then ask what the launches pass:
            # that may reach functions not met yet (`submit(total, build())`), which go round again.
            while self.pending:
                self._classify(self.pending.pop())
            self._propagate_impurity()
            # `pump(proc.stdout)` iterates a pipe, `crunch([1, 2, 3])` a list: a function that
            # iterates a parameter is CPU-bound only if the launch shows it is given plain data.
            plain = [
                all(f.impure or not f.needs or self._needed_data(f, fed, launch.scope, None) is not None
                    for f, fed in ((self.facts[node], fed) for node, fed in launch.runs))  # type: ignore[union-attr]
                for launch in found
            ]
        evidence = self._evidence()
        hits = [
            launch for launch, given in zip(found, plain)
            if given and all(self.facts[node] in evidence for node, _ in launch.runs)  # type: ignore[union-attr]
        ]  # the others: some definition does I/O, calls unknown code, or never loops
        for launch in hits:
            self._check(launch, evidence, hits)

    def _facts(self, node: ast.AST) -> _Facts:
        """What PIT801 needs of a function's own body, from its function facts, gathered when
        the function is first met (it is classified after)."""
        if node in self.facts:
            return self.facts[node]
        ctx, function = self.ctx, self.ctx.function(node)
        facts = self.facts[node] = _Facts(node, function.name, ctx.scope_of(node))  # type: ignore[arg-type]
        self.pending.append(facts)
        # A decorator replaces the function: only the pure modules' (`functools.lru_cache`) keep it
        # known, and `staticmethod`, which leaves the body as it is.
        decorators = [d.func if isinstance(d, ast.Call) else d for d in getattr(node, "decorator_list", ())]
        # A coroutine function run on a thread only creates a coroutine object.
        facts.impure = function.is_async or bool(function.nodes(*NOT_PLAIN)) or any(
            q != "builtins.staticmethod" and (q is None or _module_verdict(q) != "pure")
            for q in (ctx.qualified_name(d, facts.outer) for d in decorators)
        )
        facts.taints = [n for n in function.nested if isinstance(n, ast.Lambda)]
        facts.iterables = [  # `f(*rows)`, `[*rows]` iterate `rows`
            (n.value, ctx.scope_of(n)) for n in function.nodes(ast.Starred) if isinstance(n.ctx, ast.Load)
        ]
        # `dst[a:b] = piece` on an object not known to be a list or dict may be a numpy array,
        # whose copy runs in C with the GIL released: not pure Python.
        if not facts.impure and any(
            isinstance(n.ctx, (ast.Store, ast.Del)) and not plain_container(ctx, n.value)
            for n in function.nodes(ast.Subscript)
        ):
            facts.impure = True
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

    def _classify(self, facts: _Facts) -> None:
        """Sort the function's calls into pure, impure and calls of this module's functions."""
        if facts.impure:
            return
        ctx, iterated = self.ctx, list(facts.iterables)
        for call in ctx.function(facts.node).calls:
            scope = ctx.scope_of(call)
            slot = callable_argument(ctx, call, scope)
            given = [a.value if isinstance(a, ast.Starred) else a for a in [*call.args, *(k.value for k in call.keywords)]]
            # What it calls, then what its arguments add (a function it passes: `map(norm, rows)`).
            found = [self._verdict(callees(ctx, call.func, scope)), *(self._reference(g, scope, g is slot) for g in given)]
            if "impure" in found:
                facts.impure = True
                return
            facts.callees += [(call, f, scope, index > 0) for index, f in enumerate(found) if isinstance(f, _Facts)]
            iterated += [(argument, scope) for argument in iterated_arguments(ctx, call, scope)]
        # Iteration calls the iterable's `__next__`: on a pipe, a file or a queue's iterator
        # that blocks on I/O (`for line in proc.stdout` is the classic good use of a thread).
        # Only plain data is pure to iterate; a parameter is, if every caller passes plain data.
        # (Unpacking `x, y = point` and `x in items` are not counted: a pipe there is rare.)
        needs = self._plain_data(iterated, facts)
        if needs is None:
            facts.impure = True
        else:
            facts.needs |= needs

    def _verdict(self, found: list[Callee]) -> Union[str, _Facts]:
        """"impure" if any path may call impure or unknown code; else the facts of the last
        function of this module among them (it stands for the module's function), else "pure".
        A method is pure only on a value of a plain type (a literal, a name only ever bound to a
        list/dict/str/... display or constructor): anything else (a parameter, a loop variable,
        `self`, another call's result) is an unknown object, maybe a queue, a socket or a file."""
        verdict: Union[str, _Facts] = "pure"
        for callee in found:
            if callee.node is not None:
                verdict = self._facts(callee.node)
            elif callee.qualified is None or _module_verdict(callee.qualified) == "impure":
                return "impure"  # a class (its __init__ is unknown), a parameter, I/O
        return verdict

    def _reference(self, expr: ast.expr, scope: Scope, called: bool) -> Union[str, _Facts, None]:
        """What a call's argument adds: a function of this module it may call, "impure", or nothing.

        `called` is true for the argument a higher-order call calls (`map(f, ...)`, `key=f`):
        there an unknown callable is an unknown call; elsewhere an unknown name is just data.
        """
        if isinstance(expr, ast.Call):
            return None  # `key=operator.itemgetter(1)`: that call is judged as a call of its own
        found = callees(self.ctx, expr, scope)
        if any(c.node is not None for c in found):
            return self._verdict(found)
        if all(c.qualified is not None for c in found):
            # `map(time.sleep, ...)`, `partial(requests.get, ...)`, `len(sys.argv)`: impure
            return "impure" if self._verdict(found) == "impure" else None
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
        ctx, work = self.ctx, list(start)
        seen: set[int] = set()
        needs: set[str] = set()
        while work:
            expr, scope = work.pop()
            if id(expr) in seen:
                continue
            seen.add(id(expr))
            parts = value_parts(ctx, expr, scope)  # `rows[i]`, `[a, b]`, `n * 2`: what they hold
            qualified = ctx.qualified_name(expr, scope) if isinstance(expr, (ast.Name, ast.Attribute)) else None
            if parts is not None:
                work += parts
            elif qualified is not None:
                if _module_verdict(qualified) == "impure":
                    return None  # `sys.stdin`, `socket.socket`
            elif isinstance(expr, ast.Name):
                bindings = all_bindings(ctx, expr.id, scope)
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
                return None  # `proc.stdout`, `self.rows`, a lambda, an await: not data
        return needs

    def _bound_data(self, binding, owner: Optional[_Facts]) -> Union[None, str, list[tuple[ast.expr, Scope]]]:
        """What a binding gives its name: the expressions to check, the name of a parameter of
        `owner`, or None for something that is not data (a def, a class, `with ... as`)."""
        if binding.kind == "param":
            # A parameter of the function being judged: its callers decide. A parameter of an
            # enclosing function (a closure) or of the launching function is unknown.
            return binding.name if owner is not None and binding.scope.node is owner.node else None
        if binding.kind == "import":
            return [] if binding.qualname and _module_verdict(binding.qualname) == "pure" else None
        return binding_sources(self.ctx, binding)

    def _call_data(
        self, call: ast.Call, scope: Scope, owner: Optional[_Facts]
    ) -> Optional[list[tuple[ast.expr, Scope]]]:
        """The expressions a call's result holds or iterates, or None if it may not be plain data."""
        verdict = self._verdict(callees(self.ctx, call.func, scope))
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
                owner.taints.append(verdict.node)
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
                owner.taints.append(ref.node)
            found += [(a, scope) for a in arguments if a is not slot]
        if isinstance(call.func, ast.Attribute) and self.ctx.qualified_name(call.func, scope) is None:
            found.append((call.func.value, scope))  # `rows.copy()` holds what `rows` holds
        # Anything else pure (`range(n)`, `len(xs)`, `math.sqrt(x)`) makes new plain data.
        return found

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
                    or any(callee.impure for _, callee, _, _ in facts.callees)
                    or any(self._facts(node).impure for node in facts.taints)
                ):
                    facts.impure = changed = True
                elif not needs <= facts.needs:
                    facts.needs |= needs
                    changed = True

    def _handed_on(self, facts: _Facts) -> Optional[set[str]]:
        """The parameters of `facts` that reach a parameter its callees iterate, or None if
        something else that may not be plain data does."""
        needs: set[str] = set()
        for call, callee, scope, passed in facts.callees:
            if not callee.needs:
                continue
            if passed:
                # `map(norm, rows)`, `sorted(xs, key=measure)`: what the callee gets comes from
                # the call's other arguments, so they all must be plain data.
                others = [
                    (a.value if isinstance(a, ast.Starred) else a, scope)
                    for a in [*call.args, *(k.value for k in call.keywords)]
                    if not (isinstance(a, (ast.Lambda, ast.Name)) and self._reference(a, scope, True) is callee)
                ]
                found = self._plain_data(others, facts)
            else:
                found = self._needed_data(callee, fed_from_call(call.args, call.keywords), scope, facts)
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
            # No argument and no default: a TypeError, or passed in a way not followed.
            found = self._plain_data(given, owner) if given is not None else None
            if found is None:
                return None
            needs |= found
        return needs

    def _evidence(self) -> dict[_Facts, _Evidence]:
        met = (self.facts.get(node) for node in self.ctx.function_defs)  # in the module's order
        pure = [f for f in met if f is not None and not f.impure]
        found: dict[_Facts, _Evidence] = {}
        for facts in pure:
            if facts.loops:
                found[facts] = _Evidence(facts.loops[0], self._header(facts.loops[0]), facts.name)
        for facts in pure:
            call = None if facts in found else cycle(facts, lambda f: [(c, g) for c, g, _, _ in f.callees])
            if call is not None:
                found[facts] = _Evidence(call, self.ctx.segment(call), facts.name, recursion=True)
        changed = True
        while changed:  # a function that calls a CPU-bound function of this module is CPU-bound too
            changed = False
            for facts in pure:
                via = None if facts in found else next(((c, g) for c, g, _, _ in facts.callees if g in found), None)
                if via is not None:
                    inner = found[via[1]]
                    found[facts] = _Evidence(inner.loop, inner.header, inner.owner, inner.recursion, (via[0], via[1].name))
                    changed = True
        return found

    def _header(self, loop: ast.AST) -> str:
        segment = self.ctx.segment
        if isinstance(loop, ast.For):
            return f"for {segment(loop.target, 30)} in {segment(loop.iter, 40)}"
        return f"while {segment(loop.test, 50)}" if isinstance(loop, ast.While) else segment(loop)

    def _check(self, launch: Launch, evidence: dict[_Facts, _Evidence], hits: list[Launch]) -> None:
        runs = [self.facts[node] for node, _ in launch.runs]  # type: ignore[union-attr]
        last, name = runs[-1], launch.name
        why = evidence[last]
        related = [(why.via[0], f"'{name}' calls CPU-bound '{why.via[1]}' here")] if why.via else []
        doing = "recurses" if why.recursion else "loops"
        related.append((why.loop, f"'{why.owner}' {doing} here in pure Python, holding the GIL"))
        # The finding's names for the answer; its code (the launch on one line, the fix) is
        # built from `launch_source` by `elaborate`, only when an answer is rendered.
        context = {
            "target": "the lambda" if name == "lambda" else f"`{name}`",
            "why": ("calls-recursive" if why.recursion else "calls") if why.via else doing,
            "owner": why.owner,
            "launch_source": self.ctx.source(launch.call),
        }
        # Several threads (a loop, a comprehension, `map`, or more than one such launch in the
        # same scope) take turns on the GIL: a warning. One launch gains nothing from the thread
        # but loses nothing either, unless other Python threads run meanwhile: a hazard.
        loops = self.ctx.loops_around(launch.call)
        many = bool(loops) or launch.launcher.rpartition(".")[2] in MANY_METHODS or any(
            other is not launch and other.scope is launch.scope for other in hits
        )
        context["launches"] = "many" if many else "one"
        loop = loops[0] if loops else None
        fed = launch.runs[-1][1]  # type: ignore[index]
        if isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and [
            getattr(a, "id", None) for a in fed.positional
        ] == [loop.target.id] and not fed.keywords and not fed.rest:
            context["map_over"] = self.ctx.segment(loop.iter, 50)  # `for n in sizes: Thread(args=(n,))`
        shared = changed_parameter(self.ctx, last.node)
        if shared:
            context["shares"] = shared
        if isinstance(last.node, ast.Lambda):
            context["lambda_source"] = self.ctx.source(last.node)
        elif last.outer.kind not in (ScopeKind.MODULE, ScopeKind.CLASS):
            context["nested"] = "yes"  # a method travels with its instance; a nested def cannot
        effect = (
            f"on a build with the GIL, the threads started here by {launch.launcher} take turns instead of "
            "running in parallel"
            if many else
            f"run on one thread by {launch.launcher}, it is no faster, and on a build with the GIL it takes "
            "turns with every other Python thread"
        )
        self.report(launch.call, severity=None if many else Severity.HAZARD, related=related, function=name,
                    launcher=launch.launcher, loop=why.header, effect=effect, **context)

    @classmethod
    def elaborate(cls, context: Mapping[str, str]) -> Mapping[str, str]:
        """The answer's words and code, built from the finding's context only when an answer is
        rendered: `turns` (what several threads, or one, cost), `fix_advice`, `launch` on one
        line, `pool_call` (the launch on a process pool) and `define`: what must move first, as
        a pool pickles a function by name (a lambda or nested def cannot travel)."""
        source = context.get("launch_source")
        if source is None:
            return {}
        name = "work" if context["function"] == "lambda" else context["function"]
        target, launcher = context.get("target", f"`{name}`"), context["launcher"]
        many = context.get("launches", "many") == "many"
        turns = (
            f"so the threads from `{launcher}` take turns: no faster than one thread, often a little slower."
            if many else
            f"so running it on the one thread `{launcher}` starts makes it no faster, and while it runs "
            "it takes turns on the GIL with every other Python thread."
        )
        shares = context.get("shares", "")
        if shares:
            advice = (
                f"A process pool would hand each call a pickled copy of `{shares}`, so what {target} changes "
                f"in `{shares}` would be lost. Make the work a module-level function of its inputs that returns "
                "its result, run it in one `ProcessPoolExecutor` created once and reused, and apply the "
                "results in the caller."
            )
        else:
            advice = f"Run {target} in a `concurrent.futures.ProcessPoolExecutor`, created once and reused: " + (
                "each worker process has its own interpreter and GIL, so separate calls run on separate cores at once."
                if many else
                "the worker process has its own interpreter and GIL, so the work runs on another core while "
                "your threads go on."
            )
        define = ""
        if "lambda_source" in context:
            node, text = parsed(context["lambda_source"])
            body = text_segment(text, node.body, 60)  # type: ignore[attr-defined]
            define = f"{LAMBDA_NOTE}\ndef {name}({ast.unparse(node.args)}):\n    return {body}\n"  # type: ignore[attr-defined]
        elif "nested" in context:
            define = NESTED_NOTE.format(name=name)
        if shares:
            define = f"# return results instead of changing `{shares}`: the pool gets a copy" + (
                "\n" + define if define else "")
        if "map_over" in context:
            pool_call = f"results = list(pool.map({name}, {context['map_over']}))"
        else:
            pool_call = executor_call(source, launcher, name)
        return {"launch": one_line(source, 76), "define": define, "pool_call": pool_call, "turns": turns,
                "fix_advice": advice}


def _module_verdict(qualified: str) -> str:
    module, _, rest = qualified.partition(".")
    pure = rest.partition(".")[0] in PURE_BUILTINS if module == "builtins" else module in PURE_MODULES
    return "pure" if pure else "impure"


def _idle(statement: ast.stmt) -> bool:
    """`pass`, `continue` or a bare constant (`...`): a statement that does nothing."""
    return isinstance(statement, (ast.Pass, ast.Continue)) or (
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
    )
