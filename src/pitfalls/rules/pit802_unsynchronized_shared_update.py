"""PIT802: a read-modify-write of shared state in code run on several threads, with no lock held."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.analyses.threads import LAUNCH_WORDS, Launch, launches
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.model import ScopeKind
from pitfalls.model.classes import ClassFacts
from pitfalls.rule import Rule

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
LOCKS = frozenset({
    "threading.Lock", "threading.RLock", "threading.Semaphore", "threading.BoundedSemaphore",
    "threading.Condition", "multiprocessing.Lock", "multiprocessing.RLock",
})
LOCK_WORDS = ("lock", "mutex")
THREAD_LOCAL = frozenset({"threading.local", "_threading_local.local"})
# Launches that run their target many times at once, whatever the code around them.
MANY = ("executor.map", "ThreadPool.")


class UnsynchronizedSharedUpdate(Rule):
    code = "PIT802"
    name = "unsynchronized-shared-update"
    severity = Severity.WARNING
    other_severities = {
        Severity.HAZARD: "for a function launched once",
    }
    needs = LAUNCH_WORDS
    summary = "A function run on several threads updates shared state (`n += 1`) with no lock held: updates are lost"
    message = "'{statement}' in '{function}', run on {threads}, reads and writes {state} with no lock held: {lost}"
    bad_example = """\
import threading

hits = 0


def record():
    global hits
    hits += 1


threads = [threading.Thread(target=record) for _ in range(8)]
"""
    good_example = """\
import threading

hits = 0
hits_lock = threading.Lock()


def record():
    global hits
    with hits_lock:
        hits += 1


threads = [threading.Thread(target=record) for _ in range(8)]
"""
    example_context = {
        "variant": "",
        "statement": "hits += 1",
        "function": "record",
        "threads": "several threads at once",
        "state": "the global 'hits'",
        "lost": "two threads can read the same value and one update is lost",
        "target": "hits",
        "lock": "hits_lock",
        "launch": "threading.Thread(target=record)",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`$statement` is three steps, not one: read `$target`, compute the new value, store it. Another "
        "thread can run between the read and the store.",
        implication={
            "": "`$function` runs on several threads at once (`$launch`), so two of them can read the same "
            "`$target`, both add, and one store overwrites the other: an update is lost, silently.",
            "single": "`$launch` starts `$function` on one thread here; if it is started again while it runs, or "
            "other code writes `$target` too, two writers can read the same value and one update is lost.",
        },
        example="$statement  # read, add, store: a thread may run in between",
        layer="The GIL does not make it atomic: it keeps one bytecode at a time, but `$statement` is several, and "
        "CPython may switch threads between them. On a GIL build that switch is rare, so tests pass; on the "
        "free-threaded build (3.13t and later), or when the value's `__add__` or a key's `__hash__` is Python "
        "code, updates go missing readily.",
        follow_ups=(
            FollowUp(
                "Isn't the GIL enough?",
                "No. The GIL makes single bytecodes safe for the interpreter's own state, not your read-modify-write: "
                "`$statement` reads, adds and stores in separate instructions (`dis` shows them), and a thread may "
                "run in between. The free-threaded build has no GIL at all.",
            ),
            FollowUp(
                "What are the alternatives to a lock?",
                "Give each thread its own result and combine them after `join()` (or return values from "
                "`executor.map`), send updates through a `queue.Queue` to one writer, or use "
                "`itertools.count()` whose `next()` is one C call on a GIL build.",
            ),
            FollowUp(
                "How would you show the bug in a test?",
                "Widen the window: give the value an `__add__` that waits on a `threading.Barrier(2)`, so both "
                "threads read before either stores; the count comes out one short every time.",
            ),
        ),
        fix={
            "": "Hold one lock for the whole update: create `$lock = threading.Lock()` next to `$target` and write "
            "`with $lock: $statement`; every writer must take the same lock.",
            "single": "If `$function` can run on two threads at once, or other code writes `$target`, hold one "
            "lock for every update: `with $lock: $statement`.",
        },
        fix_code="with $lock:\n    $statement",
        key_points=(
            "`$statement` is three steps: read, compute, store",
            "Another thread can run between the read and the store",
            "Two threads can read the same value, and one update is lost",
            "Fix: hold one lock around every update, `with $lock:`",
        ),
        demo="""\
import dis
import threading


class Counter:
    hits = 0


def record(counter):
    counter.hits += 1  # read, add, store


steps = [i.opname for i in dis.get_instructions(record)]
assert any(op.startswith("LOAD_ATTR") for op in steps) and "STORE_ATTR" in steps  # separate steps

both_read = threading.Barrier(2)


class Slow(int):
    def __add__(self, other):
        both_read.wait()  # hold each thread between its read and its store until both have read
        return Slow(int(self) + other)


def on_two_threads(target, counter):
    threads = [threading.Thread(target=target, args=(counter,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


counter = Counter()
counter.hits = Slow(0)
on_two_threads(record, counter)
assert counter.hits == 1  # two increments, one lost

lock = threading.Lock()
waiting = threading.Barrier(2, timeout=0.2)


class Patient(int):
    def __add__(self, other):
        try:
            waiting.wait()  # with the lock held, the other thread cannot get here
        except threading.BrokenBarrierError:
            pass
        return Patient(int(self) + other)


def record_locked(counter):
    with lock:
        counter.hits += 1


counter.hits = Patient(0)
on_two_threads(record_locked, counter)
assert counter.hits == 2  # the lock spans the read and the store: nothing lost
""",
        names=("statement", "function"),
        flags="In a function of this module run on threads (as PIT801 finds them: `Thread(target=...)`, "
        "`submit`/`map` of a thread pool, `to_thread`, `run_in_executor`, bound methods included), an "
        "augmented assignment or `x = x + ...` to a `global`/`nonlocal` name, an attribute of `self` or of a "
        "module-level object, or an item of a module-level or `self` container, outside every `with <lock>:`.",
        not_flagged=(
            "Updates under `with lock:` (a name bound to `threading.Lock`/`RLock`/`Semaphore`/`Condition`, or "
            "named like a lock), and functions that call `acquire()` themselves or carry a decorator.",
            "Local variables, parameters, `threading.local()` data, and `self` of an instance made for one "
            "thread (`Thread(target=Worker().run)`).",
            "A target started once, on one thread, is reported only in strict mode: there is one writer, unless "
            "something else writes too.",
        ),
        references=(
            "https://docs.python.org/3/library/threading.html#lock-objects",
            "https://docs.python.org/3/glossary.html#term-global-interpreter-lock",
            "https://docs.python.org/3/howto/free-threading-python.html",
        ),
        prior_art=("pylint W2101 useless-with-lock is the only neighbour (a lock created in the `with` itself)",),
    )

    def finish(self) -> None:
        found = [launch for launch in launches(self.ctx) if launch.runs is not None]
        counts: dict[ast.AST, int] = {}
        for launch in found:
            for node, _ in launch.runs or ():
                counts[node] = counts.get(node, 0) + (2 if self._many(launch) else 1)
        done: set[ast.AST] = set()
        hits: list[tuple] = []
        for launch in found:
            for node, fed in launch.runs or ():
                if node in done or not isinstance(node, FUNCTIONS) or node.decorator_list:
                    continue
                done.add(node)
                receiver = fed.positional[0] if fed.positional else None
                hits += self._updates(node, launch, receiver, counts[node] > 1)
        # Two thread targets writing the same state are two writers, each run once or not: the same
        # words of the same owner (`self.done` of two unrelated classes is two objects' attribute).
        writers: dict[str, list[tuple[ast.AST, object]]] = {}
        for statement, function, _, (words, owner), _ in hits:
            writers.setdefault(words, []).append((function, owner))
        for statement, function, launch, state, many in hits:
            others = sorted({getattr(f, "name", "lambda") for f, owner in writers[state[0]]
                             if f is not function and _one_owner(owner, state[1])})
            threads = "several threads at once" if many else "a thread"
            if others:
                threads += f", while '{others[0]}' writes it on another"
            self._report(statement, function, launch, state[0], many or bool(others), threads)

    def _many(self, launch: Launch) -> bool:
        return launch.launcher.startswith(MANY) or bool(self.ctx.loops_around(launch.call))

    def _updates(self, function: ast.AST, launch: Launch, receiver: Optional[ast.expr], many: bool) -> list[tuple]:
        """The unlocked read-modify-writes of shared state in `function`'s own body."""
        ctx = self.ctx
        facts = ctx.function(function)
        if any(isinstance(c.func, ast.Attribute) and c.func.attr == "acquire" for c in facts.calls):
            return []  # takes a lock by hand: which statements it covers is not followed
        own_self = facts.positional[0].name if facts.positional and facts.kind == "method" else None
        shared_self = own_self is not None and receiver is not None and not isinstance(receiver, ast.Call)
        found = []
        for statement in facts.nodes(ast.AugAssign, ast.Assign):
            target = self._updated(statement)  # type: ignore[arg-type]
            if target is None:
                continue
            state = self._shared(target, function, own_self if shared_self else None)
            if state is not None and not self._locked(statement, function):
                found.append((statement, function, launch, state, many))
        return found

    def _report(self, statement: ast.stmt, function: ast.AST, launch: Launch, state: str, many: bool,
                threads: str) -> None:
        ctx = self.ctx
        target = statement.target if isinstance(statement, ast.AugAssign) else statement.targets[0]  # type: ignore
        name = ctx.segment(target)
        self.report(
            statement,
            severity=None if many else Severity.HAZARD,
            variant="" if many else "single",
            statement=ctx.segment(statement),
            function=getattr(function, "name", "lambda"),
            threads=threads,
            state=state,
            lost="two threads can read the same value and one update is lost" if many
            else "a second writer would lose updates",
            target=name,
            lock=_lock_name(name),
            launch=ctx.segment(launch.call),
        )

    def _updated(self, statement: ast.stmt) -> Optional[ast.expr]:
        """The target a statement reads and writes back: `x += 1`, `x = x + 1`, `d[k] = d.get(k, 0) + 1`."""
        if isinstance(statement, ast.AugAssign):
            return statement.target
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.value, ast.BinOp):
            target = statement.targets[0]
            if not isinstance(target, (ast.Name, ast.Attribute, ast.Subscript)):
                return None
            wanted = ast.dump(target).replace("Store()", "Load()")  # as the right side reads it
            for side in (statement.value.left, statement.value.right):
                if ast.dump(side) == wanted or _get_of(side, target):
                    return target
        return None

    def _shared(self, target: ast.expr, function: ast.AST, own_self: Optional[str]) -> Optional[tuple[str, object]]:
        """What shared state `target` is, in words, and what owns it (the scope of the name, the
        class of the method whose instance it is); None if it is not shared between threads."""
        ctx = self.ctx
        scope = ctx.scopes.get(function)
        if isinstance(target, ast.Name):
            if scope is not None and target.id in scope.globals:
                return f"the global '{target.id}'", ctx.module_scope
            if scope is not None and target.id in scope.nonlocals:
                binding = ctx.lookup(target.id, scope)
                return f"the enclosing function's '{target.id}'", binding.scope if binding is not None else scope
            return None
        base = target.value
        while isinstance(base, (ast.Attribute, ast.Subscript)):
            base = base.value
        if not isinstance(base, ast.Name):
            return None
        if base.id == own_self:
            method = ctx.classes.method_of(function)
            owner = method.cls if method is not None else function
            if isinstance(target, ast.Subscript):
                return f"'{ctx.segment(target.value)}' of the one instance the threads share", owner
            return f"the instance's '{target.attr}'", owner  # type: ignore[attr-defined]
        binding = ctx.resolve(base)
        if binding is None or binding.kind not in ("assign", "annotation"):
            return None  # a parameter, an import, a loop variable: not known to be shared
        if binding.scope is ctx.module_scope:
            where = "module-level"
        elif scope is not None and binding.scope is not scope and binding.scope.kind is ScopeKind.FUNCTION:
            where = "enclosing function's"
        else:
            return None
        if ctx.call_name(binding.value) in THREAD_LOCAL:
            return None  # each thread sees its own attributes
        return f"the {where} '{ctx.segment(target)}'", binding.scope

    def _locked(self, statement: ast.stmt, function: ast.AST) -> bool:
        """Inside a `with` over a lock, within the function."""
        for ancestor in self.ctx.ancestors(statement):
            if ancestor is function:
                return False
            if isinstance(ancestor, (ast.With, ast.AsyncWith)) and any(
                self._is_lock(item.context_expr) for item in ancestor.items
            ):
                return True
        return False

    def _is_lock(self, expr: ast.expr) -> bool:
        node = expr.func if isinstance(expr, ast.Call) else expr
        text = self.ctx.segment(node).lower()
        if any(word in text for word in LOCK_WORDS):
            return True
        if isinstance(node, ast.Name):
            binding = self.ctx.resolve(node)
            value = binding.value if binding is not None else None
            return self.ctx.call_name(value) in LOCKS if isinstance(value, ast.Call) else False
        return False


def _one_owner(first: object, second: object) -> bool:
    """Whether two owners of state in the same words own the same state: the same scope, or two
    classes of which one instance may be both (one derives from the other, or a class from both)."""
    if isinstance(first, ClassFacts) and isinstance(second, ClassFacts):
        return bool({first, *first.subclasses()} & {second, *second.subclasses()})
    return first is second


def _get_of(side: ast.expr, target: ast.expr) -> bool:
    """`d.get(k, ...)` for a target `d[k]`."""
    if not (isinstance(target, ast.Subscript) and isinstance(side, ast.Call) and isinstance(side.func, ast.Attribute)):
        return False
    if side.func.attr != "get" or not side.args:
        return False
    return ast.unparse(side.func.value) == ast.unparse(target.value) and \
        ast.unparse(side.args[0]) == ast.unparse(target.slice)


def _lock_name(name: str) -> str:
    """A lock's name from the state's: `self.hits` -> `self._lock`, `counts[key]` -> `counts_lock`."""
    if name.startswith("self."):
        return "self._lock"
    for separator in ("[", "("):
        name = name.split(separator)[0]
    return (name.rpartition(".")[2] or "state") + "_lock"
