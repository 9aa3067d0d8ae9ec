"""Function facts: what a def or lambda is (kind, decorators, parameters) and does in its own body."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterable, Optional, Union

from pitfalls.model.scopes import COMPREHENSION_NODES, FUNCTION_NODES, Binding, ScopeKind, fields

if TYPE_CHECKING:
    from pitfalls.model.context import Context

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]

LOOPS = (ast.For, ast.AsyncFor, ast.While, *COMPREHENSION_NODES)
# Decorators that make the first parameter something other than the instance.
KIND_DECORATORS = {"staticmethod": "staticmethod", "classmethod": "classmethod", "property": "property",
                   "abstractstaticmethod": "staticmethod", "abstractclassmethod": "classmethod",
                   "cached_property": "property", "abstractproperty": "property"}
# Methods that receive the class without a decorator.
IMPLICIT_CLASSMETHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})


_NESTED = (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)  # bodies with facts of their own

class Parameter:
    """One parameter: `kind` is posonly, positional, vararg, kwonly or kwarg."""

    __slots__ = ("name", "node", "kind", "default", "annotation")

    def __init__(self, node: ast.arg, kind: str, default: Optional[ast.expr]) -> None:
        self.name = node.arg
        self.node = node
        self.kind = kind
        self.default = default
        self.annotation = node.annotation

    def __repr__(self) -> str:
        return f"Parameter({self.name!r}, {self.kind})"


class FunctionFacts:
    """Computed on first ask (`ctx.function(node)`), from the tree and the model's references.

    "Own body" is the function's statements (or the lambda's expression) and the comprehensions
    in them, but not the bodies of nested defs, lambdas and classes, which have facts of their
    own; their decorators, defaults and bases are evaluated here, so they are part of it.
    Node lists are in evaluation order, as the walk visits them (`nodes` of several types: in
    source order).
    """

    def __init__(self, ctx: "Context", node: Function) -> None:
        self.ctx = ctx
        self.node = node
        self.is_lambda = isinstance(node, ast.Lambda)
        self.is_async = isinstance(node, ast.AsyncFunctionDef)
        self.name = node.name if not isinstance(node, ast.Lambda) else _lambda_name(ctx, node)
        # Resolved through the references the walk recorded where the def ran.
        self.decorators: tuple[str, ...] = tuple(ctx.dotted(d) for d in getattr(node, "decorator_list", ()))
        self.parameters = _parameters(node.args)
        outer = ctx.parent(node)
        self.in_class = isinstance(outer, ast.ClassDef)
        self.kind = self._kind()
        self._nodes: dict[type, list[ast.AST]] = {}
        self.nested: list[ast.AST] = []  # defs, lambdas and classes defined in the own body
        self._scan()

    def __repr__(self) -> str:
        return f"FunctionFacts({self.name!r}, {self.kind})"

    # -- what it is --------------------------------------------------------------------------

    def _kind(self) -> str:
        if self.is_lambda:
            return "lambda"
        if not self.in_class:
            return "function"
        for dotted in self.decorators:
            kind = KIND_DECORATORS.get(dotted.rpartition(".")[2])
            if kind is not None:
                return kind
        if self.name in IMPLICIT_CLASSMETHODS:
            return "classmethod"
        return "method"

    @property
    def positional(self) -> list[Parameter]:
        return [p for p in self.parameters if p.kind in ("posonly", "positional")]

    @property
    def receiver(self) -> Optional[Parameter]:
        """The first positional parameter of a method or classmethod (`self`, `cls`), if any."""
        if self.kind not in ("method", "classmethod", "property"):
            return None
        positional = self.positional
        return positional[0] if positional else None

    def parameter(self, name: str) -> Optional[Parameter]:
        return next((p for p in self.parameters if p.name == name), None)

    # -- what it does in its own body --------------------------------------------------------

    def nodes(self, *types: type) -> list[ast.AST]:
        """The own body's nodes of these types, in source order."""
        if len(types) == 1:
            return list(self._nodes.get(types[0], ()))
        found = [n for t in types for n in self._nodes.get(t, ())]
        found.sort(key=_position)
        return found

    @property
    def calls(self) -> list[ast.Call]:
        return self.nodes(ast.Call)  # type: ignore[return-value]

    @property
    def returns(self) -> list[ast.Return]:
        return self.nodes(ast.Return)  # type: ignore[return-value]

    @property
    def yields(self) -> list[ast.AST]:
        return self.nodes(ast.Yield, ast.YieldFrom)

    @property
    def awaits(self) -> list[ast.Await]:
        return self.nodes(ast.Await)  # type: ignore[return-value]

    @property
    def loops(self) -> list[ast.AST]:
        return self.nodes(*LOOPS)

    @property
    def is_generator(self) -> bool:
        return bool(self.yields)

    @property
    def is_recursive(self) -> bool:
        """Calls itself by name in its own body."""
        return any(
            isinstance(call.func, ast.Name) and self.ctx.resolve(call.func) is self.binding
            for call in self.calls
        ) if self.binding is not None else False

    @property
    def binding(self) -> Optional[Binding]:
        """The binding the def makes (None for a lambda not assigned to a name)."""
        scope = self.ctx.scope_of(self.node)
        for binding in scope.bindings.get(self.name, ()):
            if binding.node is self.node or binding.value is self.node:
                return binding
        return None

    @property
    def free_variables(self) -> dict[str, Binding]:
        """Names the own body reads from an enclosing function's scope (a closure's cells)."""
        own = self.ctx.scopes.get(self.node)
        found: dict[str, Binding] = {}
        for name in self._nodes.get(ast.Name, ()):
            reference = self.ctx.reference(name)  # type: ignore[arg-type]
            binding = reference.binding if reference is not None else None
            if binding is None or binding.scope.frame is own:
                continue
            if binding.scope.kind in (ScopeKind.FUNCTION, ScopeKind.LAMBDA, ScopeKind.COMPREHENSION):
                found.setdefault(binding.name, binding)
        return found

    def _scan(self) -> None:
        node = self.node
        stack: list[ast.AST] = [node.body] if isinstance(node, ast.Lambda) else list(reversed(node.body))
        nodes = self._nodes
        while stack:
            current = stack.pop()
            nodes.setdefault(type(current), []).append(current)
            if isinstance(current, _NESTED):
                self.nested.append(current)
                children: Iterable[ast.AST] = _outer_parts(current)
            else:
                children = _children(current)
            stack.extend(reversed(list(children)))


def _children(node: ast.AST) -> list[ast.AST]:
    """The node's children in evaluation order, as the walk visits them."""
    found: list[ast.AST] = []
    for name in fields(type(node)):
        value = getattr(node, name, None)
        if type(value) is list:
            found.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


def _outer_parts(node: ast.AST) -> list[ast.AST]:
    """What a nested def, lambda or class evaluates where it is defined."""
    parts: list[ast.AST] = list(getattr(node, "decorator_list", ()))
    if isinstance(node, ast.ClassDef):
        parts += [*node.bases, *(k.value for k in node.keywords)]
    else:
        args = node.args  # type: ignore[attr-defined]
        parts += [d for d in (*args.defaults, *args.kw_defaults) if d is not None]
        if not isinstance(node, ast.Lambda):
            parts += [a.annotation for a in _all_args(args) if a.annotation is not None]
            if node.returns is not None:  # type: ignore[attr-defined]
                parts.append(node.returns)  # type: ignore[attr-defined]
    return parts


def _all_args(args: ast.arguments) -> list[ast.arg]:
    return [a for a in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg) if a is not None]


def _parameters(args: ast.arguments) -> list[Parameter]:
    positional = [*args.posonlyargs, *args.args]
    defaults: list[Optional[ast.expr]] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    found = [
        Parameter(arg, "posonly" if index < len(args.posonlyargs) else "positional", default)
        for index, (arg, default) in enumerate(zip(positional, defaults))
    ]
    if args.vararg is not None:
        found.append(Parameter(args.vararg, "vararg", None))
    found += [Parameter(arg, "kwonly", default) for arg, default in zip(args.kwonlyargs, args.kw_defaults)]
    if args.kwarg is not None:
        found.append(Parameter(args.kwarg, "kwarg", None))
    return found


def _lambda_name(ctx: "Context", node: ast.Lambda) -> str:
    """A lambda bound by `name = lambda ...` goes by that name."""
    parent = ctx.parent(node)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return "lambda"


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
