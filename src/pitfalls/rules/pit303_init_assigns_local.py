"""PIT303: `name = name` in `__init__`, or a local the class reads as `self.name`: `self.` forgotten."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class InitAssignsLocal(Rule):
    code = "PIT303"
    name = "init-assigns-local"
    severity = Severity.WARNING
    other_severities = {
        Severity.HAZARD: "when a base class from another module may set the attribute",
    }
    peer_codes = ("PLW0127", "FURB160", "W0127", "self-assigning-variable")
    needs = ("__init__",)
    summary = "__init__ assigns a local variable where it meant self.<name>, so the instance never gets it"
    message = "'{statement}' in '{cls}.__init__' binds a local '{attr}'{then}"
    fixable = True
    fixer = "pitfalls.rules.pit303_fix:fix"  # safe: only when nothing else in __init__ binds self.<name>
    bad_example = """\
class Book:
    def __init__(self, title):
        title = title

    def label(self):
        return self.title.upper()
"""
    good_example = """\
class Book:
    def __init__(self, title):
        self.title = title

    def label(self):
        return self.title.upper()
"""
    example_context = {
        "variant": "same",
        "statement": "title = title",
        "cls": "Book",
        "attr": "title",
        "receiver": "self",
        "then": ": 'self.title' in 'label' raises AttributeError",
        "reader": "label",
        "fixed": "self.title = title",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="Inside a method a bare name is a local variable: `$statement` binds `$attr` in "
        "`__init__`'s own namespace, which is gone when `__init__` returns. Only `$receiver.$attr = ...` "
        "stores it on the instance.",
        implication={
            "": "Nothing in `$cls` keeps the value.",
            "same": "`$statement` just assigns the parameter to itself, so the instance never gets `$attr`, "
            "and `$receiver.$attr` in `$reader` raises `AttributeError`.",
            "same-unread": "`$statement` just assigns the parameter to itself, so the instance never gets "
            "`$attr`; the line does nothing.",
            "local": "The local is never read in `__init__`, and `$receiver.$attr` in `$reader` raises "
            "`AttributeError`, because nothing ever sets it on the instance.",
        },
        example="def __init__($receiver, ...):\n    $statement",
        layer="Python has no implicit `this`: inside a method, names go through local, enclosing, global "
        "and built-in scopes (LEGB), never the instance. That's why every attribute access in a method "
        "spells out `$receiver.`.",
        follow_ups=(
            FollowUp(
                "Why doesn't Python just look the name up on the instance?",
                "Because a method is an ordinary function: its names follow LEGB, and the instance is only its "
                "first argument. Spelling `$receiver.$attr` keeps it clear which names are attributes.",
            ),
            FollowUp(
                "Where would the error show up?",
                "Not in `__init__`: creating the object works. It fails later, at the first `$receiver.$attr` "
                "read, with `AttributeError: '$cls' object has no attribute '$attr'`.",
            ),
            FollowUp(
                "Could a class attribute hide the mistake?",
                "Yes: if `$cls` also had `$attr = None` in its body, `$receiver.$attr` would quietly read that "
                "default instead of failing, which is harder to notice.",
            ),
        ),
        fix="Store it on the instance:",
        fix_code="$fixed",
        key_points=(
            "A name assigned in a method is a local, gone when it returns",
            "Only `$receiver.$attr = ...` stores the value on the instance",
            "Fix: store it on the instance, `$receiver.$attr = ...`",
        ),
        demo="""\
class Book:
    def __init__(self, title):
        title = title

    def label(self):
        return self.title.upper()


book = Book("dune")
try:
    book.label()
except AttributeError as error:
    assert "'Book' object has no attribute 'title'" in str(error)
else:
    raise AssertionError("expected AttributeError")
assert vars(book) == {}  # __init__ stored nothing


class Fixed:
    def __init__(self, title):
        self.title = title

    def label(self):
        return self.title.upper()


assert Fixed("dune").label() == "DUNE" and vars(Fixed("x")) == {"title": "x"}


class Hidden:
    title = None

    def __init__(self, title):
        title = title


assert Hidden("dune").title is None  # the class attribute hides the slip
""",
        names=("statement", "attr"),
        flags="In a class's `__init__`: `name = name` where `name` is a parameter (a no-op), or a local that "
        "`__init__` never reads while another method reads `self.<name>` that nothing in the class (or a "
        "class attribute) sets. A hazard (strict mode) when a base class from another module may set it.",
        not_flagged=(
            "A local that `__init__` reads (a temporary), or that no method reads as `self.<name>`.",
            "`self.<name>` set anywhere in the class, or a class attribute or method of that name.",
            "`name = name` outside `__init__`, or in a nested function.",
            "An `__init__` that stores its locals wholesale (`vars(self).update(locals())`), and "
            "`path = self.path` (the attribute read into a local).",
        ),
        references=(
            "https://docs.python.org/3/tutorial/classes.html#python-scopes-and-namespaces",
            "https://docs.python.org/3/tutorial/classes.html#random-remarks",
        ),
        prior_art=("pylint W0127 self-assigning-variable", "ruff PLW0127, refurb FURB160 (without __init__'s context)"),
    )

    def finish(self) -> None:
        ctx = self.ctx
        for cls in ctx.class_defs:
            init = next((s for s in cls.body if isinstance(s, FUNCTIONS) and s.name == "__init__"), None)
            scope = ctx.scopes.get(init) if init is not None else None
            args = init.args.posonlyargs + init.args.args if init is not None else []  # type: ignore[union-attr]
            if scope is None or not args:
                continue
            receiver = args[0].arg
            facts = None  # class facts only for a candidate: most __init__ read every local they bind
            calls_locals: Optional[bool] = None  # asked only for a candidate too
            for name, bindings in scope.bindings.items():
                if name == receiver:
                    continue
                for binding in bindings:
                    statement = ctx.parent(binding.node)
                    if binding.kind != "assign" or not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
                        continue
                    same = isinstance(binding.value, ast.Name) and binding.value.id == name and any(
                        b.kind == "param" for b in bindings)
                    unread = not any(b.references for b in bindings if b.kind != "param")
                    value = binding.value
                    if not same and not unread or isinstance(value, ast.Attribute) and value.attr == name:
                        continue  # `path = self.path`: the attribute read into a local on purpose
                    if calls_locals is None:
                        calls_locals = any(ctx.call_name(call) == "builtins.locals" for call in ctx.function(init).calls)
                    if calls_locals:
                        break  # `vars(self).update(locals())`: every local becomes an attribute
                    facts = facts or ctx.class_facts(cls)
                    self._judge(cls, facts, statement, name, receiver, same)

    def _judge(self, cls: ast.ClassDef, facts, statement: ast.Assign, name: str, receiver: str, same: bool) -> None:
        methods = facts.instance_methods
        family = facts.mro()  # the class and its bases in this module
        stored = any(m.stores(name) for c in family for m in c.instance_methods) or any(
            name in c.attributes or c.method(name) is not None for c in family)
        readers = [m.name for m in methods if m.loads(name)]
        local = {c.node for c in family}
        foreign = any(not (isinstance(base, ast.Name) and base.id == "object") and not any(
            getattr(node, "name", None) == getattr(base, "id", None) for node in local) for base in cls.bases)
        if same:
            variant = "same" if readers and not stored else "same-unread"
            severity: Optional[Severity] = None
        elif readers and not stored:
            variant = "local"
            severity = Severity.HAZARD if foreign else None
        else:
            return
        reader = readers[0] if readers else ""
        then = f": '{receiver}.{name}' in '{reader}' raises AttributeError" if variant != "same-unread" else \
            " and does nothing"
        init_stores = any(m.name == "__init__" and m.stores(name) for m in methods)
        self.report(
            statement,
            severity=severity,
            fixable=same and not init_stores,
            variant=variant,
            statement=self.ctx.segment(statement),
            cls=cls.name,
            attr=name,
            receiver=receiver,
            then=then,
            reader=reader,
            fixed=f"{receiver}.{name} = {self.ctx.segment(statement.value)}",
        )
