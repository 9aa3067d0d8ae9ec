"""PIT701: `functools.lru_cache`/`cache` on a method keeps every instance it is called on alive."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.analyses.signatures import header
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# The decorators whose one cache lives on the function, in the class, with the call's arguments,
# `self` first, as its keys. What each is: "cache" (no size limit), "lru" (`maxsize`, default 128)
# or "alru" (async_lru: the same, for coroutine functions only).
CACHES = {
    "functools.cache": "cache",
    "functools.lru_cache": "lru",
    "backports.functools_lru_cache.lru_cache": "lru",
    "functools32.lru_cache": "lru",
    "async_lru.alru_cache": "alru",
}
# Classes with few instances by design: Enum members (a fixed set, alive as long as the class),
# metaclasses (their instances are classes, kept by the module anyway).
FEW_INSTANCES = frozenset({"enum", "metaclass"})


class CacheOnMethod(Rule):
    code = "PIT701"
    name = "cache-on-method"
    severity = Severity.WARNING
    other_severities = {
        Severity.HAZARD: "for a bounded cache (`maxsize`), or one the class clears",
    }
    needs = ("lru_cache", "functools")
    peer_codes = ("B019", "W1518", "method-cache-max-size-none", "cache-max-size-none")
    summary = "functools.lru_cache or cache on a method keeps every instance it is called on alive"
    message = "'@{decorator}' on '{cls}.{method}' {keeps}"
    bad_example = """\
from functools import lru_cache


class Report:
    def __init__(self, rows):
        self.rows = rows

    @lru_cache(maxsize=None)
    def total(self, column):
        return sum(row[column] for row in self.rows)
"""
    good_example = """\
from functools import lru_cache


class Report:
    def __init__(self, rows):
        self.rows = rows
        self.total = lru_cache(maxsize=None)(self.total)

    def total(self, column):
        return sum(row[column] for row in self.rows)
"""
    example_context = {
        "decorator": "lru_cache(maxsize=None)",
        "method": "total",
        "cls": "Report",
        "keeps": "keeps every 'Report' it is called on alive",
        "bound": "",
        "maxsize": "",
        "header": "def total(self, column):",
        "fixed": "# in __init__, once the decorator is gone:\nself.total = lru_cache(maxsize=None)(self.total)",
    }
    explanation = Explanation(
        variant_key="bound",
        definition="`@$decorator` gives `$method` one cache for the whole class `$cls`, and `self` is part of "
        "every key in it.",
        implication={
            "": "So every `$cls` that ever calls `$method` stays in that cache, with its arguments and results, "
            "for as long as the class exists: dropping your last reference frees nothing.",
            "bounded": "So up to $maxsize recent `$cls` callers of `$method` stay alive after you drop them, until "
            "newer calls push them out.",
        },
        example="@$decorator\n$header",
        layer="The cache can only find a result again by holding on to the instance, so it keeps it. And one "
        "cache serves every instance: its `cache_clear()` empties it for all of them at once, and with a size limit "
        "they push out each other's results.",
        follow_ups=(
            FollowUp(
                "Why isn't the object freed when I delete it?",
                "`del` removes your name, not the cache's key. The cache lives on the function in the class, "
                "and its key tuple holds `self`, so a `weakref` to the object still finds it.",
            ),
            FollowUp(
                "What does `functools.cached_property` do differently?",
                "It stores the value in the instance's own `__dict__`, so the value goes away with the "
                "instance. It fits a method that takes nothing but `self`.",
            ),
            FollowUp(
                "Is a bounded `lru_cache(maxsize=128)` safe then?",
                "It keeps at most 128 objects alive, the most recent callers, so memory stays bounded; big "
                "objects still linger after their last use, and instances evict each other's results.",
            ),
        ),
        fix="Give each instance its own cache, so it goes away with the instance: drop the decorator and "
        "wrap the method in `__init__` (for a method with no arguments, `functools.cached_property` does the "
        "same). Or move the work to a module-level function that takes the values it needs, not `self`.",
        fix_code="$fixed",
        key_points=(
            "`@$decorator` gives `$method` one cache shared by every `$cls`",
            "`self` is part of every key, so the cache keeps instances alive",
            "Fix: a per-instance cache made in `__init__`, or a module-level function",
        ),
        demo="""\
import gc
import weakref
from functools import cached_property, lru_cache


class Report:
    def __init__(self, rows):
        self.rows = rows

    @lru_cache(maxsize=None)
    def total(self, column):
        return sum(row[column] for row in self.rows)


report = Report([{"n": 1}, {"n": 2}])
assert report.total("n") == 3
alive = weakref.ref(report)
del report
gc.collect()
assert alive() is not None  # the cache's key still holds it
assert Report.total.cache_info().currsize == 1  # one cache, on the class
Report.total.cache_clear()  # empties it for every instance at once
assert alive() is None

for _ in range(5):
    Report([{"n": 1}]).total("n")
assert Report.total.cache_info().currsize == 5  # unbounded: all five kept


class Blob:
    pass


class Loader:
    @lru_cache(maxsize=None)
    def load(self, key):
        return Blob()


key = Blob()
result = weakref.ref(Loader().load(key))
argument = weakref.ref(key)
del key
gc.collect()
assert result() is not None and argument() is not None  # its arguments and results too


class Bounded:
    @lru_cache(maxsize=2)
    def double(self, x):
        return 2 * x


first = Bounded()
first.double(1)
kept = weakref.ref(first)
del first
assert kept() is not None
Bounded().double(1)
Bounded().double(1)  # two newer callers push the first out
assert kept() is None


class Fixed:
    def __init__(self, rows):
        self.rows = rows
        self.total = lru_cache(maxsize=None)(self.total)  # a cache per instance

    def total(self, column):
        return sum(row[column] for row in self.rows)

    @cached_property
    def size(self):
        return len(self.rows)


fixed = Fixed([{"n": 1}, {"n": 2}])
assert fixed.total("n") == 3 and fixed.total.cache_info().hits == 0
assert fixed.total("n") == 3 and fixed.total.cache_info().hits == 1
assert fixed.size == 2 and "size" in vars(fixed)  # stored on the instance
gone = weakref.ref(fixed)
del fixed
gc.collect()  # the instance and its own cache form a cycle, which the collector frees
assert gone() is None
""",
        names=("decorator", "method", "cls"),
        flags="`@functools.cache`, `@functools.lru_cache` (bare, called, with any `maxsize`) and async_lru's "
        "`@alru_cache` on an async method, under any import alias, on a method that receives the instance. "
        "An unbounded cache (`cache`, `maxsize=None`) is a warning; a bounded one keeps at most `maxsize` "
        "instances and is a hazard, shown in strict mode.",
        not_flagged=(
            "Static methods, class methods and module-level functions: no instance in the key.",
            "Methods of an Enum (a fixed set of members that live as long as the class), of a metaclass, of a "
            "class made once at module level, or of a singleton or Borg class: the instances live on anyway.",
            "`maxsize=0`: nothing is stored.",
            "A class whose instances can't be hashed (`__eq__` without `__hash__`, a dataclass neither frozen nor "
            "`unsafe_hash`): the cache raises TypeError at the first call instead of keeping anything.",
            "`@functools.cache()` and `@alru_cache` on a plain def: they raise when the class is defined.",
            "A cache whose `cache_clear()` the module calls is a hazard: its lifetime is managed.",
            "`functools.cached_property` and caches made per instance in `__init__`.",
        ),
        references=(
            "https://docs.python.org/3/faq/programming.html#how-do-i-cache-method-calls",
            "https://docs.python.org/3/library/functools.html#functools.lru_cache",
        ),
        prior_art=(
            "flake8-bugbear and ruff B019 cached-instance-method",
            "pylint W1518 method-cache-max-size-none",
        ),
    )

    def finish(self) -> None:
        ctx = self.ctx
        for cls in ctx.class_defs:
            for node in cls.body:
                if isinstance(node, FUNCTIONS) and node.decorator_list:
                    for decorator in node.decorator_list:
                        self._check(cls, node, decorator)

    def _check(self, cls: ast.ClassDef, node: ast.AST, decorator: ast.expr) -> None:
        ctx = self.ctx
        call = decorator if isinstance(decorator, ast.Call) else None
        kind = CACHES.get(ctx.qualified_name(call.func if call is not None else decorator) or "")
        if kind is None:
            return
        if kind == "alru" and not isinstance(node, ast.AsyncFunctionDef):
            return  # async_lru raises RuntimeError for a plain def
        maxsize = _maxsize(kind, call)
        if maxsize == "0":
            return
        method = ctx.classes.method_of(node)
        if method is None or method.receives != "instance":
            return
        facts = method.cls
        if facts.family in FEW_INSTANCES or facts.inherited_family in FEW_INSTANCES:
            return
        if facts.module_instance and not _under_main(ctx, facts.instantiations()[0]):
            return
        if facts.shared_state or facts.one_instance_per_call or _unhashable(facts):
            return
        name = node.name  # type: ignore[attr-defined]
        managed = facts.model.mentions(f"{name}.cache_clear")
        bounded = maxsize is not None
        if bounded:
            keeps = f"keeps up to {maxsize} '{cls.name}' objects alive after their last use"
        else:
            keeps = f"keeps every '{cls.name}' it is called on alive"
        written = ctx.segment(decorator)
        self.report(
            decorator,
            severity=Severity.HAZARD if bounded or managed else None,
            decorator=written,
            method=name,
            cls=cls.name,
            keeps=keeps,
            bound="bounded" if bounded else "",
            maxsize=maxsize or "",
            header=header(node),  # type: ignore[arg-type]
            fixed=_fixed(node, name, written, method.decorators),
        )


def _maxsize(kind: str, call: Optional[ast.Call]) -> Optional[str]:
    """The cache's bound as written ("128" for the default, the expression's text), None when
    unbounded, "0" when nothing is stored or the decorator raises."""
    if kind == "cache":
        return "0" if call is not None else None  # `cache()` raises TypeError: no function given
    if call is None:
        return "128"
    value: Optional[ast.expr] = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "maxsize":
            value = keyword.value
    if value is None:
        return "128"
    if isinstance(value, ast.Constant):
        if value.value is None:
            return None
        if isinstance(value.value, int) and not isinstance(value.value, bool):
            return str(value.value) if value.value > 0 else "0"
    if isinstance(value, (ast.Attribute, ast.Name)):
        return ast.unparse(value)
    return "maxsize"


def _fixed(node: ast.AST, name: str, written: str, decorators: tuple[str, ...]) -> str:
    """The fix's code: `cached_property` for a property, else a cache per instance made in
    `__init__`, in the user's spelling (`lru_cache(maxsize=None)(self.total)`)."""
    if any(d.rpartition(".")[2] == "property" for d in decorators):
        return f"@functools.cached_property  # replaces @property and @{written}\ndef {name}(self):"
    return f"# in __init__, once the decorator is gone:\nself.{name} = {written}(self.{name})"


def _under_main(ctx, call: ast.Call) -> bool:
    """Made in `if __name__ == "__main__":`, a demo that an import never runs: other modules may
    make the instances."""
    for ancestor in ctx.ancestors(call):
        if isinstance(ancestor, ast.If) and isinstance(ancestor.test, ast.Compare):
            test = ancestor.test
            names = [test.left, *test.comparators]
            if any(isinstance(n, ast.Name) and n.id == "__name__" for n in names):
                return True
    return False


def _unhashable(cls) -> bool:
    """Its instances can't be hashed, so the cache raises TypeError at the first call instead of
    keeping them: `__eq__` without `__hash__` in the class (or a base here), or a dataclass with
    `eq` and neither `frozen` nor `unsafe_hash`."""
    for each in cls.mro():
        names = {m.name for m in each.members} | set(each.attributes)
        if "__hash__" in names:
            return False
        if "__eq__" in names:
            return True
    for decorator in cls.node.decorator_list:
        if cls.model.dotted(decorator).rpartition(".")[2] == "dataclass":
            options = {k.arg: k.value for k in getattr(decorator, "keywords", ())}
            on = {key for key, value in options.items() if isinstance(value, ast.Constant) and value.value is True}
            off = {key for key, value in options.items() if isinstance(value, ast.Constant) and value.value is False}
            return "eq" not in off and not on & {"frozen", "unsafe_hash"}
    return False
