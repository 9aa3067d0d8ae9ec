"""PIT401: a decorator's wrapper without `functools.wraps` hides the function it wraps."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.model.scopes import Binding
from pitfalls.rule import Rule

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPES = (*FUNCTIONS, ast.Lambda, ast.ClassDef)  # what ends the climb to the enclosing def
DEFS = (*FUNCTIONS, ast.ClassDef)
# What makes a wrapper look like the function it wraps, by the last part of its dotted name
# (`functools.wraps`, `six.wraps`, `update_wrapper`, a project's own `wraps`).
COPIERS = frozenset({"wraps", "update_wrapper"})
COPIED = frozenset({"__name__", "__qualname__", "__doc__", "__wrapped__", "__dict__", "__signature__"})


class WrapperWithoutWraps(Rule):
    code = "PIT401"
    name = "wrapper-without-wraps"
    severity = Severity.WARNING
    other_severities = {
        Severity.HAZARD: "when the inner function has a signature or docstring of its own, or the decorator is "
                         "local to a function",
    }
    needs = ("def ",)
    summary = "A decorator's wrapper without functools.wraps: the decorated function loses its name, " \
        "docstring and signature"
    message = "'{inner}' wraps '{fn}' without functools.wraps: {decorated}"
    fixable = True
    fixer = "pitfalls.rules.pit401_fix:fix"  # safe: only a pass-through wrapper (*args, **kwargs) is fixed
    bad_example = """\
def timed(fn):
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@timed
def load(path):
    return path
"""
    good_example = """\
import functools


def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@timed
def load(path):
    return path
"""
    example_context = {
        "variant": "",
        "outer": "timed",
        "inner": "wrapper",
        "fn": "fn",
        "decorated": "every function decorated with @timed loses its name, docstring and signature",
        "target": "load",
        "wraps": "functools.wraps",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`@$outer` replaces the function it decorates with `$inner`, a new function with its own "
        "name, docstring and signature; nothing copies them from `$fn`.",
        implication={
            "": "So `$target.__name__` is `'$inner'`, its docstring is gone, `help()` and `inspect.signature` "
            "show `(*args, **kwargs)`, and pickle (so a process pool) refuses it as a local object.",
            "adapter": "If `$inner` stands in for `$fn` anywhere (registered by name, shown in logs or help), "
            "it shows its own name and signature; if it is only a callback, that may not matter.",
        },
        example="$target.__name__  # '$inner'",
        layer="`functools.wraps($fn)` is `functools.update_wrapper` as a decorator: it copies `__module__`, "
        "`__name__`, `__qualname__`, `__doc__` and the annotations, updates `__dict__`, and sets `__wrapped__ = "
        "$fn`, which `inspect.signature` follows. Tracebacks still show the wrapper's frame: it copies the "
        "attributes, not the code.",
        follow_ups=(
            FollowUp(
                "What is `__wrapped__` for?",
                "It points at the undecorated function: a test can call `$target.__wrapped__` without the "
                "wrapper's effect, `inspect.unwrap` follows the chain, and `inspect.signature` reads the real "
                "parameters through it.",
            ),
            FollowUp(
                "Where does a decorator that takes arguments put `wraps`?",
                "On the innermost function, the one that replaces the decorated function: the factory returns "
                "the decorator, the decorator returns the wrapper, and only the wrapper needs `@wraps(fn)`.",
            ),
            FollowUp(
                "And a decorator written as a class?",
                "Call `functools.update_wrapper(self, fn)` in `__init__`: the instance then carries the name, "
                "docstring and `__wrapped__`. Methods need `__get__` too, or `self` is never passed.",
            ),
        ),
        fix={
            "": "Decorate `$inner` with `@$wraps($fn)`: the wrapper then takes `$fn`'s name, docstring and "
            "module, and `__wrapped__` leads back to it.",
            "adapter": "If `$inner` stands in for `$fn`, decorate it with `@$wraps($fn)`. When its parameters "
            "differ from `$fn`'s, copy `__name__` and `__doc__` by hand instead, since `wraps` would make "
            "`inspect.signature` show `$fn`'s parameters.",
        },
        fix_code="@$wraps($fn)\ndef $inner(...):",
        key_points=(
            "`@$outer` replaces the function it decorates with `$inner`, a new function",
            "Nothing copies `$fn`'s name, docstring and signature onto `$inner`",
            "Fix: `@$wraps($fn)` on `$inner` copies them and sets `__wrapped__`",
        ),
        demo="""\
import functools
import inspect
import pickle


def timed(fn):
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


def traced(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@timed
def load(path, strict=False):
    "Read the file."
    return path


@traced
def save(path, strict=False):
    "Write the file."
    return path


assert load.__name__ == "wrapper" and load.__doc__ is None
assert str(inspect.signature(load)) == "(*args, **kwargs)"
assert not hasattr(load, "__wrapped__")
try:
    pickle.dumps(load)
except (AttributeError, pickle.PicklingError):
    pass
else:
    raise AssertionError("a local wrapper should not pickle")

assert save.__name__ == "save" and save.__qualname__ == "save" and save.__doc__ == "Write the file."
assert str(inspect.signature(save)) == "(path, strict=False)"
assert save.__wrapped__("p") == "p" and inspect.unwrap(save) is save.__wrapped__
assert pickle.loads(pickle.dumps(save)) is save
assert save.__code__.co_name == "wrapper"  # the code, so the traceback frame, is still the wrapper's
""",
        names=("inner", "fn"),
        flags="A function taking a callable `fn` that defines an inner function calling `fn` and returns it by "
        "name (a decorator, or the decorator a factory returns), when no `wraps`/`update_wrapper` and no "
        "assignment of `__name__`, `__doc__` or `__wrapped__` makes the inner function look like `fn`.",
        not_flagged=(
            "A wrapper decorated with any `wraps(...)` (functools, six, a project's own) or passed to "
            "`update_wrapper`, or whose `__name__`/`__doc__`/`__wrapped__` is set by hand.",
            "A function returned through another call (`staticmethod(inner)`, `property(inner)`) or never "
            "returned, and an inner function that never calls the outer function's parameter.",
            "An inner function that is neither a pass-through (`*args, **kwargs`) nor returned by a function "
            "this module uses as a decorator: an adapter or callback, reported only in strict mode.",
        ),
        references=(
            "https://docs.python.org/3/library/functools.html#functools.wraps",
            "https://docs.python.org/3/library/functools.html#functools.update_wrapper",
        ),
        prior_art=("none of ruff, pylint, flake8-bugbear or Fixit has it; wemake-python-styleguide#1707 deferred it",),
    )

    def finish(self) -> None:
        ctx = self.ctx
        for inner in ctx.function_defs:
            if not isinstance(inner, FUNCTIONS):
                continue
            outer = ctx.parent(inner)
            while outer is not None and not isinstance(outer, SCOPES):
                outer = ctx.parent(outer)
            if isinstance(outer, FUNCTIONS):
                self._check(outer, inner)

    def _check(self, outer: ast.AST, inner: ast.AST) -> None:
        """Asked of every nested def: decided from bindings and references first, so that most
        nested defs (not returned, calling no parameter) never need function facts."""
        ctx = self.ctx
        binding = _binding_of(ctx, inner)
        if binding is None or not self._returned(outer, binding):
            return
        if any(ctx.dotted(d).rpartition(".")[2] in COPIERS for d in inner.decorator_list):  # type: ignore
            return
        if self._copied(binding):
            return
        outer_facts = ctx.function(outer)
        # `cls(...)` in a classmethod makes an instance; a def in a class body used as a
        # decorator there takes the function first, so only a classmethod's receiver is left out.
        receiver = outer_facts.receiver if outer_facts.kind == "classmethod" else None
        params = {p.name for p in outer_facts.parameters if p is not receiver}
        called = {}  # the outer function's parameters the wrapper calls, in order
        for call in ctx.function(inner).calls:
            func = call.func
            if isinstance(func, ast.Name) and func.id in params:
                found = ctx.resolve(func)
                if found is not None and found.kind == "param" and found.scope.node is outer:
                    called.setdefault(func.id, call)
        if not called or self._copies_itself(inner, params) or self._said_why(outer):  # type: ignore[arg-type]
            return
        [fn, *others] = called
        forwards = _forwards(inner, called[fn])  # type: ignore[arg-type]
        applied = self._applied(outer)
        own = bool(others) or ast.get_docstring(inner) is not None  # type: ignore[arg-type]  # its own identity
        plain = (forwards or applied is not None) and not own
        variant = "" if plain and not self._local(outer) else "adapter"
        cls = ctx.parent(outer)
        if applied is None and getattr(outer, "name", "") == "__call__" and isinstance(cls, ast.ClassDef):
            decorator = f"{cls.name}(...)"  # a decorator class: its instances decorate
        elif applied is None:
            decorator = getattr(outer, "name", "decorator")
        else:
            call = self.ctx.parent(applied)
            decorator = applied.id + ("(...)" if isinstance(call, ast.Call) and call.func is applied else "")
        target = self._decorated(applied) or "f"
        self.report(
            self.ctx.name_of(inner),
            severity=None if variant == "" else Severity.HAZARD,
            fixable=forwards and not own,
            variant=variant,
            outer=decorator,
            inner=inner.name,  # type: ignore[attr-defined]
            fn=fn,
            decorated=f"every function decorated with @{decorator} loses its name, docstring and signature"
            if variant == "" else f"where it stands in for '{fn}', it shows its own name and signature",
            target=target,
            wraps=self._wraps_spelling(),
        )

    def _copies_itself(self, inner: ast.FunctionDef, params: set) -> bool:
        """A decorator of the wrapper given the wrapped function (`@proxies(f)`, `@impersonate(f)`):
        a project's own `wraps`."""
        for decorator in inner.decorator_list:
            if isinstance(decorator, ast.Call) and any(
                isinstance(arg, ast.Name) and arg.id in params for arg in decorator.args
            ):
                return True
        return False

    def _said_why(self, outer: ast.AST) -> bool:
        """A comment in the decorator that mentions `wraps`: the author decided (Django's
        "intentionally not using @wraps here for performance reasons")."""
        lines = self.ctx.lines[outer.lineno - 1:outer.end_lineno]  # type: ignore[attr-defined]
        return any("#" in line and "wraps" in line.partition("#")[2] for line in lines)

    def _local(self, outer: ast.AST) -> bool:
        """A decorator made inside a function that does not return it: its functions are local
        to that call, and nothing outside sees their names."""
        around = self.ctx.parent(outer)
        while around is not None and not isinstance(around, SCOPES):
            around = self.ctx.parent(around)
        if not isinstance(around, FUNCTIONS):
            return False
        binding = _binding_of(self.ctx, outer)
        return binding is None or not self._returned(around, binding)

    def _returned(self, outer: ast.AST, binding: Binding) -> bool:
        """`return inner` in the outer function's own body, reading this def."""
        own = self.ctx.scopes.get(outer)
        return any(
            isinstance(self.ctx.parent(reference.node), ast.Return) and reference.scope.frame is own
            for reference in binding.references
        )

    def _copied(self, binding: Binding) -> bool:
        """The def is passed to `update_wrapper`/`wraps(fn)` or has a copied attribute set."""
        ctx = self.ctx
        for reference in binding.references:
            parent = ctx.parent(reference.node)
            if isinstance(parent, ast.Attribute) and parent.attr in COPIED and isinstance(parent.ctx, ast.Store):
                return True
            if isinstance(parent, ast.Attribute) and parent.attr == "__dict__":
                return True
            if isinstance(parent, ast.Call) and reference.node in parent.args:
                callee = parent.func.func if isinstance(parent.func, ast.Call) else parent.func
                if ctx.dotted(callee).rpartition(".")[2] in COPIERS:
                    return True
        return False

    def _applied(self, outer: ast.AST) -> Optional[ast.Name]:
        """Where this module uses `outer` as a decorator (`@outer`), or the factory that returns it
        (`@factory(...)`): the decorator's name as written there."""
        ctx = self.ctx
        candidates = [outer]
        factory = ctx.parent(outer)
        while factory is not None and not isinstance(factory, SCOPES):
            factory = ctx.parent(factory)
        binding = _binding_of(ctx, outer)
        if isinstance(factory, FUNCTIONS) and binding is not None and self._returned(factory, binding):
            candidates.append(factory)
        for function in candidates:
            made = _binding_of(ctx, function)
            for reference in made.references if made is not None else ():
                node: ast.AST = reference.node
                parent = ctx.parent(node)
                if function is not outer:  # the factory: `@factory(...)`
                    if not (isinstance(parent, ast.Call) and parent.func is node):
                        continue
                    node, parent = parent, ctx.parent(parent)
                if isinstance(parent, DEFS) and node in parent.decorator_list:
                    return reference.node
        return None

    def _decorated(self, name: Optional[ast.Name]) -> Optional[str]:
        """The name of a function the module decorates with it."""
        node: Optional[ast.AST] = name
        while node is not None and not isinstance(node, DEFS):
            node = self.ctx.parent(node)
        return getattr(node, "name", None)

    def _wraps_spelling(self) -> str:
        """`wraps` where the module already imports it from functools, else `functools.wraps`."""
        found = self.ctx.module_scope.last("wraps")
        if found is not None and found.kind == "import" and found.qualname == "functools.wraps":
            return "wraps"
        return "functools.wraps"


def _binding_of(ctx, node: ast.AST) -> Optional[Binding]:
    """The binding a def statement makes."""
    for binding in ctx.scope_of(node).bindings.get(node.name, ()):  # type: ignore[attr-defined]
        if binding.node is node:
            return binding
    return None


def _forwards(inner: ast.FunctionDef, call: ast.Call) -> bool:
    """`def wrapper(*args, **kwargs)` calling `fn(*args, **kwargs)` (arguments before them
    allowed, `self` say): it takes whatever the wrapped function takes, so `wraps` tells the truth
    about its signature."""
    args = inner.args
    if args.vararg is None or args.kwarg is None or args.kwonlyargs:
        return False
    star = any(isinstance(a, ast.Starred) and isinstance(a.value, ast.Name) and a.value.id == args.vararg.arg
               for a in call.args)
    double = any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == args.kwarg.arg
                 for k in call.keywords)
    return star and double
