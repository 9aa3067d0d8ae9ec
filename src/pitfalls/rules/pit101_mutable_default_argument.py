"""PIT101: a mutable default argument is created once, at `def` time, and shared by every call."""

from __future__ import annotations

import ast
from typing import Optional, Union

from pitfalls.findings import Severity
from pitfalls.rule import Rule

# Methods that change a list, dict, set, deque or bytearray in place.
MUTATING_METHODS = frozenset(
    {
        "append", "extend", "insert", "remove", "pop", "clear", "add", "discard", "update",
        "setdefault", "popitem", "sort", "reverse", "appendleft", "extendleft", "popleft",
        "rotate", "difference_update", "intersection_update", "symmetric_difference_update",
        "__setitem__", "__delitem__", "__iadd__",
    }
)

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]


class _Default:
    """A parameter with a mutable default, and the first thing that makes it a certain bug."""

    __slots__ = ("function", "param", "node", "use", "use_node")

    def __init__(self, function: Function, param: str, node: ast.expr) -> None:
        self.function = function
        self.param = param
        self.node = node
        self.use: Optional[str] = None  # "mutates", "returns", "yields" or "stores"
        self.use_node: Optional[ast.AST] = None


class MutableDefaultArgument(Rule):
    code = "PIT101"
    name = "mutable-default-argument"
    severity = Severity.WARNING
    summary = "A list, dict or set used as a default argument is shared by every call"
    message = "Default {default} of '{param}' is created once and shared by every call of '{function}'"
    node_types = (
        ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
        ast.Call, ast.Subscript, ast.AugAssign, ast.Return, ast.Yield, ast.Assign,
    )
    bad_example = """\
def add_item(item, collection=[]):
    collection.append(item)
    return collection
"""
    good_example = """\
def add_item(item, collection=None):
    if collection is None:
        collection = []
    collection.append(item)
    return collection
"""

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.defaults: dict[tuple[ast.AST, str], _Default] = {}

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            self._collect(node)
        elif self.defaults:  # the common case, no mutable default in sight, costs nothing
            self._use(node)

    def _collect(self, function: Function) -> None:
        args = function.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        for arg, default in pairs:
            if self.ctx.is_mutable_value(default):
                self.defaults[(function, arg.arg)] = _Default(function, arg.arg, default)

    def _param(self, node: Optional[ast.AST]) -> Optional[_Default]:
        """The tracked default whose parameter `node` names, if it still holds the default."""
        if not isinstance(node, ast.Name):
            return None
        binding = self.ctx.lookup(node.id)
        if binding is None or binding.kind != "param":
            return None  # rebound (`items = list(items)`) before this use: no longer shared
        return self.defaults.get((binding.scope.node, node.id))

    def _use(self, node: ast.AST) -> None:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in MUTATING_METHODS:
                self._mark(self._param(func.value), "mutates", node)
        elif isinstance(node, ast.Subscript):
            if not isinstance(node.ctx, ast.Load):
                self._mark(self._param(node.value), "mutates", node)
        elif isinstance(node, ast.AugAssign):
            self._mark(self._param(node.target), "mutates", node)
        elif isinstance(node, ast.Return):
            self._mark(self._param(node.value), "returns", node)
        elif isinstance(node, ast.Yield):  # not `yield from`: that hands out the elements
            self._mark(self._param(node.value), "yields", node)
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in node.targets):
                self._mark(self._param(node.value), "stores", node)

    @staticmethod
    def _mark(default: Optional[_Default], use: str, node: ast.AST) -> None:
        if default is not None and default.use is None:
            default.use, default.use_node = use, node

    def finish(self) -> None:
        for default in self.defaults.values():
            function = default.function
            body = function.body
            if isinstance(function, ast.Lambda) and isinstance(body, ast.Name) and body.id == default.param:
                default.use, default.use_node = "returns", body  # `lambda acc=[]: acc`
            name = "lambda" if isinstance(function, ast.Lambda) else function.name
            related = []
            context = {"function": name, "param": default.param, "default": self.ctx.segment(default.node)}
            if default.use_node is not None:
                related.append((default.use_node, f"'{default.param}' {default.use} the shared default here"))
                context["use"] = default.use
                context["use_line"] = self.ctx.segment(default.use_node)
            self.report(
                default.node,
                severity=Severity.ERROR if default.use else Severity.WARNING,
                related=related,
                **context,
            )
