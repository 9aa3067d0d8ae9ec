"""The semantic model every rule shares: parents, scopes, bindings and import-aware names."""

from __future__ import annotations

import ast
import builtins
import enum
from dataclasses import dataclass, field
from typing import Iterator, Optional, Sequence

from pitfalls.positions import LineIndex

BUILTIN_NAMES = frozenset(dir(builtins))

# What RULES.md calls a "mutable value" when it is called.
MUTABLE_CALLS = frozenset(
    {
        "builtins.list",
        "builtins.dict",
        "builtins.set",
        "builtins.bytearray",
        "collections.deque",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.Counter",
    }
)
MUTABLE_DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)

FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
LOOP_NODES = (ast.For, ast.AsyncFor, ast.While)
COMPREHENSION_NODES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class ScopeKind(enum.Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"


@dataclass(eq=False)
class Binding:
    """One place where a name is bound.

    `value` is the bound expression for a plain `name = value` (also annotated, walrus and
    `with ... as name`); `qualname` is the dotted name an import binds (`dd` after
    `from collections import defaultdict as dd` is `collections.defaultdict`).
    """

    name: str
    node: ast.AST
    scope: "Scope"
    kind: str  # import, function, class, assign, augassign, annotation, param, loop, with, ...
    value: Optional[ast.expr] = None
    qualname: Optional[str] = None


@dataclass(eq=False)
class Scope:
    kind: ScopeKind
    node: ast.AST
    parent: Optional["Scope"]
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)

    def add(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)

    def last(self, name: str) -> Optional[Binding]:
        found = self.bindings.get(name)
        return found[-1] if found else None


def _no_subscription(rule: object, node_type: type) -> None:
    return None


class Context:
    """Everything one file's rules share. Filled in by the engine during its single walk."""

    def __init__(self, tree: ast.Module, lines: Sequence[str], path: str) -> None:
        self.tree = tree
        self.lines = lines
        self.path = path
        self.index = LineIndex(lines)
        self.parents: dict[ast.AST, ast.AST] = {}
        self.module_scope = Scope(ScopeKind.MODULE, tree, None)
        self.scope = self.module_scope
        self.subscribe = _no_subscription  # set by the engine for the walk
        self.scopes: dict[ast.AST, Scope] = {tree: self.module_scope}

    def release(self) -> None:
        """Breaks the model's reference cycles (scopes and their bindings, rules and their
        handlers) once the file is done, so the file's tree is freed at once, without waiting
        for the cyclic garbage collector (which the engine keeps paused; see engine.gc_paused)."""
        for scope in self.scopes.values():
            scope.bindings.clear()
            scope.parent = None
        self.scopes.clear()
        self.parents.clear()
        self.subscribe = _no_subscription

    # -- structure --------------------------------------------------------------------------

    def parent(self, node: ast.AST) -> Optional[ast.AST]:
        return self.parents.get(node)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        parents = self.parents
        node = parents.get(node)  # type: ignore[assignment]
        while node is not None:
            yield node
            node = parents.get(node)  # type: ignore[assignment]

    def enclosing(self, node: ast.AST, types: tuple[type, ...]) -> Optional[ast.AST]:
        """The nearest ancestor of one of `types`."""
        for anc in self.ancestors(node):
            if isinstance(anc, types):
                return anc
        return None

    def enclosing_function(self, node: ast.AST) -> Optional[ast.AST]:
        return self.enclosing(node, FUNCTION_NODES + (ast.Lambda,))

    def enclosing_class(self, node: ast.AST) -> Optional[ast.ClassDef]:
        """The nearest class `node` is inside of, however deep (methods, nested functions)."""
        found = self.enclosing(node, (ast.ClassDef,))
        return found if isinstance(found, ast.ClassDef) else None

    def segment(self, node: ast.AST, limit: Optional[int] = 60) -> str:
        """The node's source on one line, shortened to `limit` characters (None: in full).

        A node that spans lines is re-printed by `ast.unparse`, which drops comments and
        line breaks; a tree too deep for it falls back to the first line.
        """
        span = self.index.span(node)
        if span.line == span.end_line:
            text = self.lines[span.line - 1][span.column : span.end_column]
        else:
            try:
                text = ast.unparse(node)
            except RecursionError:
                text = self.lines[span.line - 1][span.column :].rstrip() + " ..."
        text = " ".join(text.split())
        return text if limit is None or len(text) <= limit else text[: limit - 3] + "..."

    def container_kind(self, node: Optional[ast.AST]) -> str:
        """A mutable value in a word: list, dict, set, deque, Counter... ("object" if unknown).

        A name is followed to the value of its latest plain assignment.
        """
        if isinstance(node, ast.Name):
            binding = self.lookup(node.id)
            if binding is not None and binding.kind == "assign" and binding.value is not None:
                node = binding.value
        if isinstance(node, (ast.List, ast.ListComp, ast.BinOp)):
            return "list"
        if isinstance(node, (ast.Dict, ast.DictComp)):
            return "dict"
        if isinstance(node, (ast.Set, ast.SetComp)):
            return "set"
        name = self.call_name(node) if isinstance(node, ast.Call) else None
        return name.rpartition(".")[2] if name else "object"

    # -- names ------------------------------------------------------------------------------

    def lookup(self, name: str, scope: Optional[Scope] = None) -> Optional[Binding]:
        """The latest binding of `name` visible from `scope` (Python's LEGB, class scopes skipped)."""
        start = scope or self.scope
        current: Optional[Scope] = start
        if name in start.globals:
            return self.module_scope.last(name)
        while current is not None:
            if current is start or current.kind is not ScopeKind.CLASS:
                found = current.last(name)
                if found is not None:
                    return found
            current = current.parent
        return None

    def qualified_name(self, node: ast.AST, scope: Optional[Scope] = None) -> Optional[str]:
        """`collections.defaultdict` for `dd`, `c.defaultdict`, `defaultdict`... through imports.

        A name that is neither imported nor bound anywhere but is a builtin resolves to
        `builtins.<name>`; a local variable resolves to nothing.
        """
        attrs: list[str] = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        binding = self.lookup(node.id, scope)
        if binding is None:
            if node.id not in BUILTIN_NAMES:
                return None
            base = "builtins." + node.id
        elif binding.kind == "import" and binding.qualname:
            base = binding.qualname
        else:
            return None
        if attrs:
            return base + "." + ".".join(reversed(attrs))
        return base

    def call_name(self, node: ast.AST, scope: Optional[Scope] = None) -> Optional[str]:
        """The qualified name of the function a Call calls, or None."""
        if isinstance(node, ast.Call):
            return self.qualified_name(node.func, scope)
        return None

    def is_mutable_value(self, node: Optional[ast.AST], scope: Optional[Scope] = None) -> bool:
        """A list/dict/set display or comprehension, a call of a mutable container type, or a
        list built by repetition (`[0] * n`, `n * [None]`), which is a new list like a display."""
        if isinstance(node, MUTABLE_DISPLAYS):
            return True
        if isinstance(node, ast.Call):
            return self.call_name(node, scope) in MUTABLE_CALLS
        return (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mult)
            and (isinstance(node.left, (ast.List, ast.ListComp)) or isinstance(node.right, (ast.List, ast.ListComp)))
        )

    # -- bindings (called by the engine) ----------------------------------------------------

    def bind(self, name: str, node: ast.AST, kind: str, value: Optional[ast.expr] = None,
             qualname: Optional[str] = None, scope: Optional[Scope] = None) -> Binding:
        target = self._binding_scope(name, scope or self.scope)
        binding = Binding(name, node, target, kind, value, qualname)
        target.add(binding)
        return binding

    def _binding_scope(self, name: str, scope: Scope) -> Scope:
        if name in scope.globals:
            return self.module_scope
        if name in scope.nonlocals:
            current = scope.parent
            while current is not None:
                if current.kind is ScopeKind.FUNCTION and name in current.bindings:
                    return current
                current = current.parent
        return scope
