"""PIT304: a method with no parameter for the instance, or one whose body says `self` for it."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.analyses.signatures import header
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Decorators that still hand the method the instance first (the rest may change what it gets).
INSTANCE_DECORATORS = frozenset({"property", "cached_property", "abstractmethod", "overload", "override",
                                 "setter", "getter", "deleter", "wraps", "final"})
# Base classes whose methods are declared without `self` on purpose (zope.interface).
INTERFACE_BASES = frozenset({"zope.interface.Interface", "zope.interface.interface.Interface"})


class MethodMissingSelf(Rule):
    code = "PIT304"
    name = "method-missing-self"
    severity = Severity.ERROR
    other_severities = {
        Severity.HAZARD: "when the method has a decorator pitfalls does not know, which may supply the instance",
    }
    peer_codes = ("E0211", "E0213", "N805", "no-method-argument", "no-self-argument")
    needs = ("class",)
    summary = "A method takes no parameter for the instance, or its body uses self under another name"
    message = "'{method}' of '{cls}' {problem}: '{call}' {consequence}"
    bad_example = """\
class User:
    def __init__(self, name):
        self.name = name

    def get_name():
        return self.name
"""
    good_example = """\
class User:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name
"""
    example_context = {
        "variant": "",
        "method": "get_name",
        "cls": "User",
        "obj": "user",
        "problem": "has no parameter for the instance",
        "call": "user.get_name()",
        "consequence": "raises TypeError",
        "first": "",
        "header": "def get_name():",
        "fixed": "def get_name(self):",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`$obj.$method()` is `$cls.$method($obj)`: Python passes the instance as the first "
        "argument, and the method names it, by convention `self`.",
        implication={
            "": "`$method` has no positional parameter to take it, so every call through an instance raises "
            "`TypeError: ... takes 0 positional arguments but 1 was given`.",
            "renamed": "Here the instance arrives as `$first`, while the body says `self`, a name nothing "
            "defines, so the call raises `NameError: name 'self' is not defined`.",
        },
        example="$header",
        layer="`self` is not a keyword; it is only the first parameter's usual name. A function that "
        "doesn't need the instance says so with `@staticmethod` (no first argument) or `@classmethod` "
        "(the class instead), and then calling it on an instance works too.",
        follow_ups=(
            FollowUp(
                "Why does Python pass `self` explicitly?",
                "A method is a plain function stored on the class; looking it up on an instance binds that "
                "instance as the first argument. Making it a visible parameter keeps that rule simple and "
                "lets `$cls.$method($obj)` work the same.",
            ),
            FollowUp(
                "What's the difference between `@staticmethod` and `@classmethod`?",
                "A staticmethod gets no automatic first argument; a classmethod gets the class, so it works "
                "for subclasses and alternative constructors like `$cls.from_dict(...)`.",
            ),
            FollowUp(
                "What happens if you call `$cls.$method()` on the class instead?",
                "Through the class nothing is bound, so a method without parameters runs, and `$cls.$method($obj)` "
                "passes the instance by hand. Only instance calls add it.",
            ),
        ),
        fix={
            "": "Give it the instance as its first parameter, or mark it `@staticmethod` if it needs none:",
            "renamed": "Name the first parameter `self`, the name the body uses:",
        },
        fix_code="$fixed",
        key_points=(
            "`$obj.$method()` passes the instance as the first argument",
            "The method must take it as its first parameter, by convention `self`",
            "Fix: a first parameter named `self`, or `@staticmethod` if it needs none",
        ),
        demo="""\
class User:
    def __init__(self, name):
        self.name = name

    def get_name():
        return "?"

    def shout(this):
        return self.name.upper()


user = User("ada")
try:
    user.get_name()
except TypeError as error:
    assert "takes 0 positional arguments but 1 was given" in str(error)
else:
    raise AssertionError("expected TypeError")
assert User.get_name() == "?"  # through the class nothing is bound

try:
    user.shout()
except NameError as error:
    assert "name 'self' is not defined" in str(error)
else:
    raise AssertionError("expected NameError")


class Fixed:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name

    @staticmethod
    def version():
        return 2


ada = Fixed("ada")
assert ada.get_name() == Fixed.get_name(ada) == "ada"  # the same call
assert ada.version() == Fixed.version() == 2
""",
        names=("method", "cls"),
        flags="A def in a class body, not a staticmethod or classmethod (nor `__new__`, `__init_subclass__`, "
        "`__class_getitem__`), that takes no parameter for the instance (none at all, or only `*`-keyword "
        "ones), or whose body loads `self`, undefined there, while its first parameter has another name.",
        not_flagged=(
            "A first parameter with another name whose body doesn't say `self` (`def area(this)`): that "
            "works; the name is a style question.",
            "`self` from an enclosing function (a class defined inside a method): a closure, defined.",
            "A def the class body itself calls or decorates with while it is being built.",
            "zope.interface declarations, which omit `self` by design; `*args` takes the instance too.",
            "A method under a decorator we don't know (it may change what the method receives): a hazard, "
            "strict mode only.",
        ),
        references=(
            "https://docs.python.org/3/tutorial/classes.html#method-objects",
            "https://docs.python.org/3/library/functions.html#staticmethod",
        ),
        prior_art=(
            "pylint E0211 no-method-argument, E0213 no-self-argument",
            "pep8-naming N805",
        ),
    )

    def finish(self) -> None:
        ctx = self.ctx
        for cls in ctx.class_defs:
            for node in cls.body:
                if not isinstance(node, FUNCTIONS):
                    continue
                args = node.args
                positional = [*args.posonlyargs, *args.args]
                if positional and positional[0].arg == "self" or args.vararg is not None and not positional:
                    continue  # the usual case, decided from the signature alone
                if positional and "self" not in ctx.source(node):
                    continue  # a renamed receiver the body never contradicts
                facts = ctx.function(node)
                if facts.kind not in ("method", "property") or self._used_in_body(cls, node) or self._interface(cls):
                    continue
                unknown = [d for d in facts.decorators if d.rpartition(".")[2] not in INSTANCE_DECORATORS]
                severity = Severity.HAZARD if unknown else None
                if not positional:
                    self._report(node, cls, "", "has no parameter for the instance", "raises TypeError", "", severity)
                else:
                    selfs = [n for n in facts.nodes(ast.Name) if n.id == "self" and isinstance(n.ctx, ast.Load)]
                    if selfs and ctx.resolve(selfs[0]) is None:
                        self._report(node, cls, "renamed", f"takes the instance as '{positional[0].arg}' but "
                                     "uses 'self'", "raises NameError", positional[0].arg, severity)

    def _interface(self, cls: ast.ClassDef) -> bool:
        return any(self.ctx.qualified_name(base) in INTERFACE_BASES for base in cls.bases)

    def _used_in_body(self, cls: ast.ClassDef, node: ast.AST) -> bool:
        """The class body itself loads the def (calls it, or decorates with it) while it runs."""
        scope = self.ctx.scopes.get(cls)
        binding = next((b for b in (scope.bindings.get(node.name, ()) if scope else ()) if b.node is node), None)  # type: ignore[attr-defined]
        return binding is not None and any(r.scope is scope for r in binding.references)

    def _report(self, node: ast.AST, cls: ast.ClassDef, variant: str, problem: str, consequence: str,
                first: str, severity: Optional[Severity]) -> None:
        name = node.name  # type: ignore[attr-defined]
        obj = _instance_name(cls.name)
        signature = header(node)  # type: ignore[arg-type]
        if variant:
            fixed = signature.replace(f"({first}", "(self", 1)
        else:
            fixed = signature.replace(f"def {name}(", f"def {name}(self, ", 1).replace("(self, )", "(self)")
        self.report(
            self.ctx.name_of(node),
            severity=severity,
            variant=variant,
            method=name,
            cls=cls.name,
            obj=obj,
            problem=problem,
            call=f"{obj}.{name}()",
            consequence=consequence,
            first=first,
            header=signature,
            fixed=fixed,
        )


def _instance_name(cls: str) -> str:
    """`user` for `User`, `http_client` for `HTTPClient`: a name for an instance in the answer."""
    out = []
    for index, char in enumerate(cls):
        if char.isupper() and index and (cls[index - 1].islower() or index + 1 < len(cls) and cls[index + 1].islower()):
            out.append("_")
        out.append(char.lower())
    name = "".join(out).strip("_") or "obj"
    return name if name.isidentifier() and name != cls else "obj"
