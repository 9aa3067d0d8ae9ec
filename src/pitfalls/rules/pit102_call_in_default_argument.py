"""PIT102: `def f(at=time.time())` reads the clock once, when the def runs, not on every call."""

from __future__ import annotations

import ast
from typing import Iterator, Optional

from pitfalls.analyses.signatures import header
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

# Calls whose value changes from one call to the next, by what they give (RULES.md's list, with
# the nanosecond twins and the `secrets` module, which are the same trap).
VOLATILE = {
    **dict.fromkeys(("datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today"), "time"),
    "datetime.date.today": "date",
    **dict.fromkeys(("time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns",
                     "time.perf_counter", "time.perf_counter_ns"), "time"),
    **dict.fromkeys(("uuid.uuid1", "uuid.uuid4"), "id"),
    "os.getpid": "process id",
    "os.urandom": "random value",
}
RANDOM_MODULES = ("random.", "secrets.")
# Classes and state functions of those modules: a generator object is shared on purpose.
NOT_RANDOM = frozenset({"Random", "SystemRandom", "seed", "getstate", "setstate"})
# Field families, and how each spells a default made per instance.
FACTORIES = {
    "dataclass": "field(default_factory={})",
    "pydantic": "Field(default_factory={})",
    "attrs": "field(factory={})",
    "msgspec": "msgspec.field(default_factory={})",
}


class CallInDefaultArgument(Rule):
    code = "PIT102"
    name = "call-in-default-argument"
    severity = Severity.WARNING
    other_severities = {
        Severity.HAZARD: "when the function never reads the parameter, or the def is made again on every call of "
                         "the function around it",
    }
    peer_codes = ("B008",)
    # `datetime.now()` and `date.today()` need a `datetime` import (its "time"); "random" is in "urandom".
    needs = ("time", "uuid", "random", "secrets", "getpid")
    summary = "A default that reads the clock, a random source or a new id is computed once, at def time"
    message = "'{call}' runs once, when '{owner}' is defined: {every} gets that same {what}"
    bad_example = """\
import time


def log_event(name, at=time.time()):
    return f"{at:.0f} {name}"
"""
    good_example = """\
import time


def log_event(name, at=None):
    if at is None:
        at = time.time()
    return f"{at:.0f} {name}"
"""
    example_context = {
        "variant": "time",
        "call": "time.time()",
        "owner": "log_event",
        "param": "at",
        "what": "time",
        "every": "every call that leaves out 'at'",
        "holder": "function",
        "define": "`def log_event` runs",
        "line": "def log_event(name, at=time.time()):",
        "fixed_line": "def log_event(name, at=None):\n    if at is None:\n        at = time.time()",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="A default is evaluated once, when $define, and stored on the $holder. So `$call` "
        "runs then, once, and `$param` keeps that one value.",
        implication={
            "": "Every call that leaves `$param` out gets that same $what.",
            "time": "An hour later, a call of `$owner` that leaves `$param` out still gets the time it was "
            "defined, usually when the module was imported.",
            "id": "Every call that leaves `$param` out gets the same id: the ids that were meant to be "
            "unique collide.",
            "random value": "Every call that leaves `$param` out gets the same \"random\" value.",
            "process id": "A forked child process that calls `$owner` without `$param` gets its parent's pid.",
            "field": "Every `$owner` built without `$param` gets that same $what: the one from when the "
            "class was defined.",
        },
        example="$line",
        layer="It is the same rule that makes a `[]` default shared: defaults live in `__defaults__` "
        "(or on the class), built once. Here nothing is mutated; the value is simply stale. A call whose "
        "value never changes (`timedelta(seconds=30)`) or a framework marker such as FastAPI's "
        "`Depends()` is fine there, which is why only calls like `$call` are flagged.",
        follow_ups=(
            FollowUp(
                "How would you show it?",
                "Call `$owner` twice without `$param` and compare: the two values are equal. The frozen "
                "value is also right there in `$owner.__defaults__` (a dataclass keeps it on the class).",
            ),
            FollowUp(
                "How do you test code that needs the current time?",
                "Let the caller pass it, as the `None` default allows, or take a clock: `clock=time.time` "
                "(the function, not its result) and call `clock()` inside. A test passes a fake clock.",
            ),
            FollowUp(
                "What if the import-time value is what you want?",
                "Then say so: compute it once at module level, `STARTED = time.time()`, and default to "
                "`STARTED`. Same behaviour, and nobody reads it as a bug.",
            ),
        ),
        fix={
            "": "Default to `None` and make the call in the body, so it runs on every call:",
            "field": "Give the field a factory, so each new `$owner` makes the call:",
        },
        fix_code="$fixed_line",
        key_points=(
            "A default is evaluated once, when $define, not on each call",
            "`$call` runs just then, once, so `$param` keeps that one value",
            "Fix: a `None` default or a factory, so the call runs each time",
        ),
        demo="""\
import dataclasses
import time
import uuid


def log_event(name, at=time.time()):
    return at


first = log_event("a")
time.sleep(0.01)
assert log_event("b") == first  # the same time, however late the call
assert log_event.__defaults__ == (first,)


def new_id(value=uuid.uuid4()):
    return value


assert new_id() == new_id()  # one id for every call


def fixed(name, at=None):
    if at is None:
        at = time.time()
    return at


earlier = fixed("a")
time.sleep(0.01)
assert fixed("b") > earlier  # a fresh reading per call
assert fixed("c", at=5.0) == 5.0


def clocked(clock=time.time):
    return clock()


assert clocked(lambda: 42.0) == 42.0 and clocked() > earlier


@dataclasses.dataclass
class Event:
    at: float = time.time()


assert Event().at == Event().at == Event.at


@dataclasses.dataclass
class FixedEvent:
    at: float = dataclasses.field(default_factory=time.time)


one = FixedEvent()
time.sleep(0.01)
assert FixedEvent().at > one.at
""",
        names=("call", "param"),
        flags="A default argument (positional, keyword-only or lambda, annotated or not), or a dataclass, "
        "attrs, pydantic or msgspec field default, that calls `datetime.now/utcnow/today`, "
        "`date.today`, `time.time/monotonic/perf_counter` (and their `_ns` twins), `uuid.uuid1/uuid4`, "
        "a function of `random` or `secrets`, `os.urandom` or `os.getpid`, through any import alias, "
        "anywhere in the default expression (`time.time() + 60`). A warning when the function reads the "
        "parameter; a hazard (strict mode) when it never does, or when the def is made inside another function "
        "(made again, with a fresh default, on every call of that function).",
        not_flagged=(
            "Any other call: `Depends()`, `Query()`, `Option()`, `timedelta(...)`, `Path.home()` are "
            "deliberate or do not change between calls.",
            "`random.Random()` and `random.SystemRandom()`: a generator object shared on purpose.",
            "A call inside a lambda or generator expression in the default: it runs later, each time.",
            "A plain class attribute (not a field): it is the class's own value, set once on purpose.",
        ),
        references=(
            "https://docs.python.org/3/reference/compound_stmts.html#function-definitions",
            "https://docs.python.org/3/library/dataclasses.html#default-factory-functions",
        ),
        prior_art=(
            "flake8-bugbear / ruff B008 function-call-in-default-argument (every call)",
        ),
    )

    def finish(self) -> None:
        ctx = self.ctx
        for function in ctx.function_defs:
            args = function.args  # type: ignore[attr-defined]
            if not args.defaults and not any(args.kw_defaults):
                continue
            positional = [*args.posonlyargs, *args.args][len(args.posonlyargs) + len(args.args) - len(args.defaults):]
            pairs = [*zip(positional, args.defaults), *zip(args.kwonlyargs, args.kw_defaults)]
            for arg, default in pairs:
                for call, what in self._volatile(default):
                    self._report_default(function, arg, default, call, what)
        for cls in ctx.class_defs:
            fields = [s for s in cls.body if isinstance(s, ast.AnnAssign) and s.value is not None
                      and isinstance(s.target, ast.Name) and not self._classvar(s.annotation)]
            found = [(s, call, what) for s in fields for call, what in self._volatile(s.value)]  # type: ignore[arg-type]
            if found and ctx.class_facts(cls).family in FACTORIES:
                for statement, call, what in found:
                    self._report_field(cls, statement, call, what, FACTORIES[ctx.class_facts(cls).family])

    def _classvar(self, annotation: ast.expr) -> bool:
        """`ClassVar[...]`: the class's own value, not a field."""
        node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        return (self.ctx.qualified_name(node) or "").rpartition(".")[2] == "ClassVar"

    def _volatile(self, default: Optional[ast.expr]) -> Iterator[tuple[ast.Call, str]]:
        """The calls in `default` that run when it is evaluated and give a new value each time."""
        if default is None or isinstance(default, (ast.Constant, ast.Name)):
            return
        stack: list[ast.AST] = [default]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Lambda):
                continue  # its body runs later, on each call
            if isinstance(node, ast.GeneratorExp):
                stack.append(node.generators[0].iter)  # only the first iterable runs now
                continue
            if isinstance(node, ast.Call):
                name = self.ctx.call_name(node, self.ctx.scope_of(node)) or ""
                what = VOLATILE.get(name)
                if what is None and name.startswith(RANDOM_MODULES) and name.count(".") == 1:
                    what = None if name.partition(".")[2] in NOT_RANDOM else "random value"
                if what is not None:
                    yield node, what
                    continue  # `randint(0, now().year)`: one frozen value, reported once
            stack.extend(reversed(list(ast.iter_child_nodes(node))))

    def _report_default(self, function: ast.AST, arg: ast.arg, default: ast.expr, call: ast.Call, what: str) -> None:
        scope = self.ctx.scopes.get(function)
        binding = scope.bindings.get(arg.arg, [None])[0] if scope is not None else None
        read = binding is not None and bool(binding.references)
        # A def or lambda inside another function is made again on every call of that function, so its
        # default is fresh each time; often a start time captured on purpose (strict mode only).
        recreated = self.ctx.enclosing_function(function) is not None
        facts = self.ctx.function(function)
        if isinstance(function, ast.Lambda):
            define, owner = "the `lambda` expression runs", facts.name or "the lambda"
        else:
            define, owner = f"`def {facts.name}` runs", facts.name
        fixed = header(function, none_for=arg.arg, function_name=owner)  # type: ignore[arg-type]
        indent = "    "
        body = f"\n{indent}return {self.ctx.segment(function.body)}" if isinstance(function, ast.Lambda) else ""
        self.report(
            call,
            severity=None if read and not recreated else Severity.HAZARD,
            variant="time" if what == "date" else what,
            call=self.ctx.segment(call),
            owner=owner,
            param=arg.arg,
            what=what,
            every=f"every call that leaves out '{arg.arg}'",
            holder="function",
            define=define,
            line=self._line(function, arg.arg),
            fixed_line=f"{fixed}\n{indent}if {arg.arg} is None:\n{indent * 2}{arg.arg} = "
            f"{self.ctx.segment(default, limit=None)}{body}",
        )

    def _report_field(self, cls: ast.ClassDef, statement: ast.AnnAssign, call: ast.Call, what: str,
                      factory_form: str) -> None:
        name = statement.target.id  # type: ignore[union-attr]
        value = statement.value
        factory = self.ctx.segment(call.func) if value is call and not call.args and not call.keywords else (
            f"lambda: {self.ctx.segment(value, limit=None)}")  # type: ignore[arg-type]
        annotation = self.ctx.segment(statement.annotation)
        self.report(
            call,
            variant="field",
            call=self.ctx.segment(call),
            owner=cls.name,
            param=name,
            what=what,
            every=f"every '{cls.name}' built without '{name}'",
            holder="class",
            define=f"`class {cls.name}` runs",
            line=self.ctx.segment(statement),
            fixed_line=f"{name}: {annotation} = {factory_form.format(factory)}",
        )

    def _line(self, function: ast.AST, param: str) -> str:
        if isinstance(function, ast.Lambda):
            return self.ctx.segment(function)
        return header(function, focus=param)  # type: ignore[arg-type]
