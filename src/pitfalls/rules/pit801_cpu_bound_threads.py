"""PIT801: a CPU-bound pure-Python function run on threads gets no parallelism under the GIL."""

from __future__ import annotations

import ast
import builtins
from collections import deque
from dataclasses import dataclass, field
from typing import Optional, Union

from pitfalls.findings import Severity
from pitfalls.rule import Rule
from pitfalls.semantic import BUILTIN_NAMES, Binding, Context, Scope, ScopeKind

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
    iterables: list[tuple[ast.expr, Scope]] = field(default_factory=list)
    lambdas: list[ast.Lambda] = field(default_factory=list)
    # Filled in by finish():
    impure: bool = False
    callees: list[tuple[ast.Call, "_Facts"]] = field(default_factory=list)


@dataclass(frozen=True)
class _Evidence:
    """Why a function is CPU-bound: the loop (or recursive call) and, if reached through a call, that call."""

    loop: ast.AST
    header: str
    owner: str
    recursion: bool = False
    via: Optional[tuple[ast.Call, str]] = None


@dataclass(frozen=True)
class _Launch:
    call: ast.Call
    launcher: str
    target: ast.expr
    scope: Scope


class CpuBoundThreads(Rule):
    code = "PIT801"
    name = "cpu-bound-threads"
    severity = Severity.WARNING
    summary = "A CPU-bound pure-Python function run on threads gets no parallelism because of the GIL"
    message = (
        "'{function}' is CPU-bound pure Python; threads started here by {launcher} take turns "
        "on the GIL instead of running in parallel"
    )
    node_types = (
        ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Call,
        *LOOPS, *NOT_PLAIN,
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
        elif isinstance(node, LOOPS):
            if isinstance(node, ast.GeneratorExp) and not isinstance(self.ctx.parent(node), ast.Call):
                return  # a generator expression that is returned or stored runs nothing here
            owner.loops.append(node)
            if isinstance(node, ast.For):
                owner.iterables.append((node.iter, self.ctx.scope))
            elif not isinstance(node, ast.While):
                for generator in node.generators:  # type: ignore[attr-defined]
                    owner.iterables.append((generator.iter, self.ctx.scope))

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
        if qualified in THREAD_CLASSES:
            launcher = qualified
            target = _argument(call, 1, "target")
        elif qualified == "asyncio.to_thread":
            launcher, target = qualified, _argument(call, 0, "func")
        elif isinstance(call.func, ast.Attribute):
            method, receiver = call.func.attr, call.func.value
            kind = self._receiver_kind(receiver)
            if kind == "executor" and method in EXECUTOR_METHODS:
                launcher, target = f"executor.{method}", _argument(call, 0, "fn")
            elif kind == "pool" and method in POOL_METHODS:
                launcher, target = f"ThreadPool.{method}", _argument(call, 0, "func")
            elif kind == "loop" and method == "run_in_executor" and call.args:
                executor = call.args[0]
                # None is the loop's default executor, a ThreadPoolExecutor.
                if (isinstance(executor, ast.Constant) and executor.value is None) or (
                    self._receiver_kind(executor) == "executor"
                ):
                    launcher, target = "loop.run_in_executor", _argument(call, 1, "func")
        if target is not None:
            self.launches.append(_Launch(call, launcher, target, ctx.scope))

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
        for iterable, scope in facts.iterables:
            # `for line in sys.stdin`, `for row in some_module.rows`: iteration that may do I/O.
            if self._module_ref(iterable, scope) == "impure":
                facts.impure = True
                return
        for call, scope in facts.calls:
            verdict = self._call(call, scope)
            if verdict == "impure":
                facts.impure = True
                return
            if isinstance(verdict, _Facts):
                facts.callees.append((call, verdict))
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
            if qualified not in HIGHER_ORDER:
                return None
            position, keyword = HIGHER_ORDER[qualified]
        return _argument(call, position, keyword)

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
        """A function is impure if it calls (or defines a lambda that is) impure: iterate to a fixed point."""
        pending = [f for f in self.facts.values() if not f.impure]
        changed = True
        while changed:
            changed = False
            for facts in pending:
                if facts.impure:
                    continue
                if any(c.impure for _, c in facts.callees) or any(self.facts[lam].impure for lam in facts.lambdas):
                    facts.impure = changed = True

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

    def _targets(self, launch: _Launch) -> Optional[tuple[str, list[_Facts]]]:
        """The name shown for the target and every definition it may be, or None if not all are known."""
        target = launch.target
        if isinstance(target, ast.Call) and self.ctx.call_name(target, launch.scope) == "functools.partial":
            if not target.args:
                return None
            target = target.args[0]
        if isinstance(target, ast.Lambda):
            return self.facts[target].name, [self.facts[target]]
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
        return (target.id, found) if found else None

    def _check(self, launch: _Launch, evidence: dict[_Facts, _Evidence]) -> None:
        targets = self._targets(launch)
        if targets is None:
            return
        name, definitions = targets
        if not all(d in evidence for d in definitions):
            return  # some definition does I/O, calls unknown code, or never loops
        why = evidence[definitions[-1]]
        related: list[tuple[ast.AST, str]] = []
        if why.via is not None:
            related.append((why.via[0], f"'{name}' calls CPU-bound '{why.via[1]}' here"))
        if why.recursion:
            related.append((why.loop, f"'{why.owner}' recurses here in pure Python, holding the GIL"))
        else:
            related.append((why.loop, f"'{why.owner}' loops here in pure Python, holding the GIL"))
        self.report(launch.call, related=related, function=name, launcher=launch.launcher, loop=why.header)


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
