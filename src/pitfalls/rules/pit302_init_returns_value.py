"""PIT302: `__init__` that returns a value or yields: every instantiation raises TypeError."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.analyses.signatures import header
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
NONE_BUILTINS = frozenset({"builtins.print", "builtins.exec", "builtins.setattr", "builtins.delattr"})


class InitReturnsValue(Rule):
    code = "PIT302"
    name = "init-returns-value"
    severity = Severity.ERROR
    other_severities = {
        Severity.HAZARD: "for `return` of a call that may give `None`",
    }
    peer_codes = ("E0101", "PLE0101", "B037", "return-in-init")
    needs = ("__init__",)
    summary = "__init__ returns a value or yields, so creating an instance raises TypeError"
    message = "{what} in '{cls}.__init__': {cls}(...) raises TypeError{when}"
    bad_example = """\
class Order:
    def __init__(self, items):
        self.items = list(items)
        return len(self.items)
"""
    good_example = """\
class Order:
    def __init__(self, items):
        self.items = list(items)
        self.count = len(self.items)
"""
    example_context = {
        "variant": "return",
        "header": "def __init__(self, items):",
        "what": "'return len(self.items)'",
        "cls": "Order",
        "when": "",
        "statement": "return len(self.items)",
        "type": "int",
        "error": "TypeError: __init__() should return None, not 'int'",
        "value": "len(self.items)",
        "fixed": "self.result = len(self.items)",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`$cls(...)` first calls `__new__`, which makes the object, then `__init__` to set it up, "
        "and it insists that `__init__` returns `None`.",
        implication={
            "": "So whenever `$statement` runs, `$cls(...)` raises `$error`.",
            "call": "So if `$value` returns anything but `None`, `$cls(...)` raises `TypeError: __init__() "
            "should return None`; returning it adds nothing even when it is `None`.",
            "yield": "The `yield` makes `__init__` a generator function: calling it returns a generator, not "
            "`None`, so every `$cls(...)` raises `TypeError: __init__() should return None, not 'generator'`, "
            "and none of its body runs.",
            "async": "`async def` makes `__init__` return a coroutine, not `None`, so every `$cls(...)` raises "
            "`TypeError: __init__() should return None, not 'coroutine'`.",
        },
        example="class $cls:\n    $header\n        $statement",
        layer="`__init__` doesn't create the object and can't replace it: `$cls(...)` always returns what "
        "`__new__` made. To hand back a different object (a cached instance, a subclass), override "
        "`__new__` or add a classmethod factory; to report something, store it on `self`.",
        follow_ups=(
            FollowUp(
                "What's the difference between `__new__` and `__init__`?",
                "`__new__` receives the class and returns the new instance; `__init__` receives that instance "
                "as `self` and fills it in. `__init__` runs only if `__new__` returned an instance of the class.",
            ),
            FollowUp(
                "Can `__init__` return early?",
                "Yes: a bare `return` or `return None` is fine, because the result is still `None`. Only a "
                "value, a `yield`, or `async def` breaks it.",
            ),
            FollowUp(
                "How would you return a cached instance instead?",
                "In `__new__`: look the key up in a class-level dict and return the existing object, or use a "
                "classmethod such as `$cls.get(key)` that keeps the cache, so `__init__` stays a plain setup.",
            ),
        ),
        fix={
            "": "Keep the value on the instance instead, and let `__init__` end without a value:",
            "yield": "Build the values eagerly and keep them, or move the generator to a method of its own:",
            "async": "Keep `__init__` synchronous; do the awaiting in an `async` classmethod factory "
            "that builds the object and then awaits its setup:",
        },
        fix_code="$fixed",
        key_points=(
            "`$cls(...)` calls `__new__` to make the object, then `__init__` to set it up",
            "`__init__` must return `None`, or `$cls(...)` raises `TypeError`",
            "Fix: let `__init__` end without a value; keep results on the instance",
        ),
        demo="""\
class Order:
    def __init__(self, items):
        self.items = list(items)
        return len(self.items)


try:
    Order([1, 2])
except TypeError as error:
    assert str(error) == "__init__() should return None, not 'int'"
else:
    raise AssertionError("expected TypeError")


class Lazy:
    def __init__(self):
        self.started = True
        yield 1


try:
    Lazy()
except TypeError as error:
    assert "not 'generator'" in str(error)
else:
    raise AssertionError("expected TypeError")


class Early:
    def __init__(self, items):
        self.items = items
        if not items:
            return  # a bare return is fine
        self.first = items[0]


assert Early([]).items == [] and Early([3]).first == 3


class Fixed:
    def __init__(self, items):
        self.items = list(items)
        self.count = len(self.items)


assert Fixed([1, 2]).count == 2


class Cached:
    _seen = {}

    def __new__(cls, key):
        if key not in cls._seen:
            cls._seen[key] = super().__new__(cls)
        return cls._seen[key]


assert Cached("a") is Cached("a")

import gc
import warnings


class Awaits:
    async def __init__(self):
        self.x = 1


with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)  # the coroutine is never awaited
    try:
        Awaits()
    except TypeError as error:
        assert "not 'coroutine'" in str(error)
    else:
        raise AssertionError("expected TypeError")
    gc.collect()
""",
        names=("cls",),
        flags="In a class's own `__init__` (not a nested function): `return` with a value other than `None`, "
        "`yield` or `yield from`, or `async def __init__`. A return of a call that may give `None` "
        "(`return self.setup()`) is a hazard (strict mode), unless the call is a method of the same class "
        "that returns a value, which is an error.",
        not_flagged=(
            "A bare `return` or `return None`: the result is `None`.",
            "`return super().__init__(...)` or a base's `__init__`: it returns `None`.",
            "A `return` or `yield` inside a nested function or lambda in `__init__`.",
            "A method of the same class that never returns a value (`return self._setup()`).",
        ),
        references=(
            "https://docs.python.org/3/reference/datamodel.html#object.__init__",
            "https://docs.python.org/3/reference/datamodel.html#object.__new__",
        ),
        prior_art=(
            "pylint E0101 return-in-init",
            "ruff PLE0101 return-in-init",
            "flake8-bugbear B037 (also flags `return None`)",
        ),
    )

    def finish(self) -> None:
        ctx = self.ctx
        for cls in ctx.class_defs:
            for init in (s for s in cls.body if isinstance(s, FUNCTIONS) and s.name == "__init__"):
                if not isinstance(init, ast.AsyncFunctionDef) and not _returns_or_yields(ctx.source(init)):
                    continue  # most __init__ have neither word: no need to scan the body
                self.header = header(init, focus="self")
                facts = ctx.function(init)
                if isinstance(init, ast.AsyncFunctionDef):
                    self._hit(init, cls, "async", "'async def __init__'", "self.x = ...", "coroutine",
                              fixed="@classmethod\nasync def create(cls):\n    obj = cls()\n    await obj.setup()\n"
                              "    return obj")
                    continue
                for node in facts.yields:
                    statement = ctx.statement(node)
                    self._hit(node, cls, "yield", f"'{ctx.segment(node)}'", ctx.segment(statement or node), "generator")
                    break  # one `yield` makes the whole function a generator
                else:
                    for ret in facts.returns:
                        self._return(ret, cls)

    def _return(self, ret: ast.Return, cls: ast.ClassDef) -> None:
        value = ret.value
        if value is None or isinstance(value, ast.Constant) and value.value is None:
            return
        severity: Optional[Severity] = None
        variant = ""
        if isinstance(value, ast.Call):
            gives = self._gives_value(value, cls)
            if gives is False:
                return  # `super().__init__(...)`, or a method of this class that returns nothing
            if gives is None:
                severity, variant = Severity.HAZARD, "call"
        shown = self.ctx.segment(ret)
        type_name = _type_name(value)
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and variant != "call":
            type_name = BUILTIN_RESULTS.get(self.ctx.qualified_name(value.func) or "", "...")
        self._hit(ret, cls, variant or "return", f"'{shown}'", shown, type_name, severity,
                  value=self.ctx.segment(value), fixed=f"self.result = {self.ctx.segment(value)}")

    def _gives_value(self, call: ast.Call, cls: ast.ClassDef) -> Optional[bool]:
        """Whether the call returns something other than None: False for an `__init__` (its own
        base's) or a method of this class without a valued return, True for a method of this class
        that returns one, None when unknown."""
        func = call.func
        if isinstance(func, ast.Name):
            name = self.ctx.qualified_name(func) or ""
            if name in NONE_BUILTINS:
                return False
            return True if name.startswith("builtins.") else None
        if not isinstance(func, ast.Attribute):
            return None
        if func.attr == "__init__":
            return False
        receiver = func.value
        if isinstance(receiver, ast.Name) and receiver.id == "self":
            method = next((s for s in cls.body if isinstance(s, FUNCTIONS) and s.name == func.attr), None)
            if method is None or isinstance(method, ast.AsyncFunctionDef):
                return None if method is None else True
            facts = self.ctx.function(method)
            if facts.yields:
                return True
            return any(r.value is not None and not (isinstance(r.value, ast.Constant) and r.value.value is None)
                       for r in facts.returns)
        return None

    def _hit(self, node: ast.AST, cls: ast.ClassDef, variant: str, what: str, statement: str, type_name: str,
             severity: Optional[Severity] = None, value: str = "", fixed: str = "") -> None:
        when = {"": " whenever it runs", "call": " if that call gives anything but None"}.get(variant, "")
        if variant == "return":
            when = ""
        self.report(
            node,
            severity=severity,
            variant=variant,
            what=what,
            cls=cls.name,
            header=self.header,
            when=when,
            statement=statement,
            type=type_name,
            error="TypeError: __init__() should return None" + (f", not '{type_name}'" if type_name != "..." else ""),
            value=value,
            fixed=fixed or "self.values = [...]  # or a method that yields",
        )


# What a builtin call returns, as the TypeError names it.
BUILTIN_RESULTS = {f"builtins.{n}": n for n in ("int", "str", "list", "dict", "set", "tuple", "bool", "float",
                                                  "bytes", "frozenset", "object")}
BUILTIN_RESULTS.update({"builtins.len": "int", "builtins.sorted": "list", "builtins.repr": "str",
                        "builtins.sum": "int", "builtins.isinstance": "bool", "builtins.hash": "int"})


def _returns_or_yields(text: str) -> bool:
    return "return" in text or "yield" in text


def _type_name(value: ast.expr) -> str:
    """The type a literal return value has, as the TypeError names it ("int"), or "..."."""
    if isinstance(value, ast.Constant):
        return type(value.value).__name__
    kinds = {ast.List: "list", ast.ListComp: "list", ast.Dict: "dict", ast.DictComp: "dict", ast.Set: "set",
             ast.SetComp: "set", ast.Tuple: "tuple", ast.JoinedStr: "str", ast.Lambda: "function"}
    return kinds.get(type(value), "...")
