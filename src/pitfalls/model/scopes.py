"""Scopes, bindings, references and branches: the records of the model, filled in by the walk."""

from __future__ import annotations

import ast
import builtins
import enum
from typing import Optional

BUILTIN_NAMES = frozenset(dir(builtins))

FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
LOOP_NODES = (ast.For, ast.AsyncFor, ast.While)
COMPREHENSION_NODES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


# Children in evaluation order where it differs from `_fields` order, so that a name is
# bound only after the expression that binds it has been seen (`x = x + 1`, `for x in xs`).
EVALUATION_ORDER: dict[type, tuple[str, ...]] = {
    ast.Assign: ("value", "targets", "type_comment"),
    ast.AnnAssign: ("annotation", "value", "target"),
    ast.NamedExpr: ("value", "target"),
    ast.For: ("iter", "target", "body", "orelse"),
    ast.AsyncFor: ("iter", "target", "body", "orelse"),
    ast.comprehension: ("iter", "target", "ifs"),
    ast.withitem: ("context_expr", "optional_vars"),
    ast.DictComp: ("generators", "key", "value"),
    ast.ListComp: ("generators", "elt"),
    ast.SetComp: ("generators", "elt"),
    ast.GeneratorExp: ("generators", "elt"),
}
# Fields never worth a visit: expression contexts and operator singletons.
_SKIP = frozenset({"ctx", "op", "ops"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def fields(cls: type) -> tuple[str, ...]:
    """A node type's child fields in the order Python evaluates them (contexts and operators left out)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = EVALUATION_ORDER.get(cls) or tuple(f for f in cls._fields if f not in _SKIP)
        _FIELDS[cls] = fields
    return fields


class ScopeKind(enum.Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"


class Branch:
    """One arm of an `if`, `try` or `match` the walk is inside of; `parent` is the arm around it.

    Arms: `if` body 0, `else`/`elif` 1; `match` case i (0-based): its pattern and guard 2i, its
    body 2i + 1; `try` body 0, handler i (1-based): its type 2i - 1, its body 2i; `else` -1. A
    `finally` is no arm: it runs whatever happened.
    """

    __slots__ = ("statement", "arm", "parent")

    def __init__(self, statement: ast.stmt, arm: int, parent: Optional["Branch"]) -> None:
        self.statement = statement
        self.arm = arm
        self.parent = parent


def exclusive(first: Optional[Branch], second: Optional[Branch]) -> bool:
    """Whether code in arm `first` and code in arm `second` can never both run in one pass."""
    return parting(first, second) is not None


def parting(first: Optional[Branch], second: Optional[Branch]) -> Optional[ast.stmt]:
    """The statement at which arms `first` and `second` part ways for good, or None.

    They part for good in arms that exclude each other: the two sides of an `if`, two `match`
    cases, two `except` handlers, a handler and the `else` of a `try`. The `try` body is never
    exclusive with its handlers (it may have run halfway), nor two `except*` handlers (one
    exception group can run both).
    """
    if first is None or second is None or first is second:
        return None
    arms: dict[ast.stmt, int] = {}
    branch: Optional[Branch] = first
    while branch is not None:
        arms[branch.statement] = branch.arm
        branch = branch.parent
    branch = second
    while branch is not None:
        arm = arms.get(branch.statement)
        if arm is not None:
            if arm == branch.arm:
                return None  # same arm of the innermost statement they share
            statement = branch.statement
            kind = type(statement).__name__
            if kind in ("Try", "TryStar"):
                return statement if _handlers_part(arm, branch.arm, kind == "TryStar") else None
            if kind == "Match":  # case i: pattern and guard 2i, body 2i + 1
                return statement if _arms_part(arm // 2, arm % 2 == 1, branch.arm // 2, branch.arm % 2 == 1) else None
            return statement
        branch = branch.parent
    return None


def _handlers_part(first: int, second: int, star: bool) -> bool:
    """`try` arms: body 0, `else` -1, handler i's type 2i - 1 and body 2i."""
    if 0 in (first, second):
        return False  # the body may have run halfway before any handler
    if -1 in (first, second):
        return True  # `else` runs only when no handler does
    if star:
        return False  # one exception group may run every handler
    return _arms_part((first + 1) // 2, first % 2 == 0, (second + 1) // 2, second % 2 == 0)


def _arms_part(first: int, first_body: bool, second: int, second_body: bool) -> bool:
    """Handlers or cases tried in turn: two bodies exclude each other; a test (handler type,
    case pattern or guard) excludes the bodies before it, whose match ends the search."""
    if first_body and second_body:
        return True
    if first_body:
        return first < second
    if second_body:
        return second < first
    return False


class Binding:
    """One place where a name is bound.

    `kind`: import, function, class, assign, augassign, annotation, param, loop, unpack, with,
    walrus, other (except ... as, match captures). `value` is the bound expression for a plain
    `name = value` (also annotated, walrus and `with ... as name`); `qualname` is the dotted name
    an import binds (`dd` after `from collections import defaultdict as dd` is
    `collections.defaultdict`). `seq` orders every bind and reference of the file in evaluation
    order; `references` are the loads resolved to this binding, in that order.
    """

    __slots__ = ("name", "node", "scope", "kind", "value", "qualname", "seq", "branch", "references")

    def __init__(self, name: str, node: ast.AST, scope: "Scope", kind: str, value: Optional[ast.expr] = None,
                 qualname: Optional[str] = None, seq: int = 0, branch: Optional[Branch] = None) -> None:
        self.name = name
        self.node = node
        self.scope = scope
        self.kind = kind
        self.value = value
        self.qualname = qualname
        self.seq = seq
        self.branch = branch
        self.references: list[Reference] = []

    def __repr__(self) -> str:
        return f"Binding({self.name!r}, {self.kind}, line {getattr(self.node, 'lineno', '?')}, seq {self.seq})"


class Reference:
    """A load of a name, resolved to the binding it reads (None: a builtin or undefined name).

    A load in a function body is resolved as Python resolves it when the function is called:
    against the enclosing scopes as they are once the module (or enclosing function) has run.
    """

    __slots__ = ("node", "scope", "binding", "seq", "branch")

    def __init__(self, node: ast.Name, scope: "Scope", binding: Optional[Binding], seq: int,
                 branch: Optional[Branch]) -> None:
        self.node = node
        self.scope = scope
        self.binding = binding
        self.seq = seq
        self.branch = branch


class Scope:
    __slots__ = ("kind", "node", "parent", "bindings", "globals", "nonlocals")

    def __init__(self, kind: ScopeKind, node: ast.AST, parent: Optional["Scope"]) -> None:
        self.kind = kind
        self.node = node
        self.parent = parent
        self.bindings: dict[str, list[Binding]] = {}
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()

    def __repr__(self) -> str:
        return f"Scope({self.kind.value}, {getattr(self.node, 'name', type(self.node).__name__)})"

    def add(self, binding: Binding) -> None:
        found = self.bindings.get(binding.name)
        if found is None:
            self.bindings[binding.name] = [binding]
        else:
            found.append(binding)

    def last(self, name: str) -> Optional[Binding]:
        found = self.bindings.get(name)
        return found[-1] if found else None

    @property
    def frame(self) -> "Scope":
        """The scope whose code runs this one: a comprehension runs in place, in its enclosing frame."""
        scope = self
        while scope.kind is ScopeKind.COMPREHENSION and scope.parent is not None:
            scope = scope.parent
        return scope
