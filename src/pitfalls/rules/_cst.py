"""What the libcst fixers share. Imported only when fixing: detection never loads libcst."""

from __future__ import annotations

import ast
from typing import Callable, Iterable, Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from pitfalls.findings import Finding, Span

# Expressions that build a new object each time they run: re-running one per slot or per key
# gives every slot its own object. A name, attribute or subscript would still share one.
FRESH = (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp, cst.Call, cst.BinaryOperation)


def replace_node(
    source: str,
    finding: Finding,
    kind: "type | tuple[type, ...]",
    build: Callable[[cst.CSTNode], Optional[cst.CSTNode]],
    span: Optional[Span] = None,
    then: Optional[Callable[[cst.Module], Optional[cst.Module]]] = None,
) -> Optional[str]:
    """Rebuilds the smallest `kind` node that covers `span` (default: the finding's); `then` may
    change the rebuilt module further (add an import). None when it cannot."""
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    best = smallest_covering(module, span or finding.span, kind)
    if best is None:
        return None
    replacement = build(best)
    if replacement is None or sorted(comments(replacement)) != sorted(comments(best)):
        return None  # a comment would be lost: leave the code to the user
    module = module.deep_replace(best, replacement)
    if then is not None:
        module = then(module)
    return module.code if module is not None else None


def smallest_covering(module: cst.Module, span: Span, kind: "type | tuple[type, ...]") -> Optional[cst.CSTNode]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    start, end = (span.line, span.column), (span.end_line, span.end_column)
    best, best_size = None, None
    for node, where in wrapper.resolve(PositionProvider).items():
        if not isinstance(node, kind):
            continue
        node_start, node_end = (where.start.line, where.start.column), (where.end.line, where.end.column)
        if node_start <= start and end <= node_end:
            size = (node_end[0] - node_start[0], node_end[1] - node_start[1])
            if best_size is None or size < best_size:
                best, best_size = node, size
    return best


def add_import(module: cst.Module, name: str) -> cst.Module:
    """`import name` at the top: before the first import, else after the docstring and
    `__future__` imports. Nothing when the module already imports it."""
    body = list(module.body)
    position = 0
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        small = statement.body[0]
        if isinstance(small, cst.Import) and any(
            alias.asname is None and isinstance(alias.name, cst.Name) and alias.name.value == name for alias in small.names
        ):
            return module
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            is_future = isinstance(small, cst.ImportFrom) and getattr(small.module, "value", None) == "__future__"
            if not is_future:
                break
        elif not (index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString)):
            break
        position = index + 1
    line = cst.SimpleStatementLine([cst.Import([cst.ImportAlias(cst.Name(name))])])
    body.insert(position, line)
    return module.with_changes(body=body)


def comments(node: cst.CSTNode) -> list[str]:
    found: list[str] = []

    class Comments(cst.CSTVisitor):
        def visit_Comment(self, comment: cst.Comment) -> None:
            found.append(comment.value)

    node.visit(Comments())
    return found


def names_in(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

    node.visit(Names())
    return found


def free_name(candidates: Iterable[str], taken: set[str]) -> str:
    for name in candidates:
        if name not in taken:
            return name
    index = 0
    while f"_{index}" in taken:
        index += 1
    return f"_{index}"


def module_binds(source: str, name: str) -> bool:
    """Whether the module defines `name` anywhere (then `range` or `dict` is not the builtin)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, ast.arg) and node.arg == name:
            return True
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == name:
            return True
    return False


def bare(node: cst.BaseExpression) -> cst.BaseExpression:
    """Without its own parentheses, unless it needs them as a call argument."""
    if isinstance(node, (cst.Tuple, cst.GeneratorExp)) or not getattr(node, "lpar", None):
        return node
    return node.with_changes(lpar=[], rpar=[])


def as_iterable(node: cst.BaseExpression) -> cst.BaseExpression:
    """Parenthesised where a comprehension's `in` needs it (`in (a if c else b)`)."""
    needs = isinstance(node, (cst.IfExp, cst.Lambda, cst.NamedExpr, cst.Yield, cst.Tuple))
    if needs and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node
