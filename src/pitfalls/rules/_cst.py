"""What the libcst fixers share. Imported only when fixing: detection never loads libcst."""

from __future__ import annotations

import ast
from typing import Callable, Iterable, Mapping, Optional

import libcst as cst
import libcst.matchers as m
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

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


def positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Where each node is: the costly part of a fix, so a fixer that looks twice resolves once."""
    return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


def smallest_covering(
    module: cst.Module,
    span: Span,
    kind: "type | tuple[type, ...]",
    where_is: Optional[Mapping[cst.CSTNode, CodeRange]] = None,
) -> Optional[cst.CSTNode]:
    where_is = where_is if where_is is not None else positions(module)
    return smallest_of(((node, where) for node, where in where_is.items() if isinstance(node, kind)), span)


def smallest_of(candidates: Iterable[tuple[cst.CSTNode, CodeRange]], span: Span) -> Optional[cst.CSTNode]:
    """The smallest of the (node, where) candidates whose range covers `span`."""
    start, end = (span.line, span.column), (span.end_line, span.end_column)
    best, best_size = None, None
    for node, where in candidates:
        node_start, node_end = (where.start.line, where.start.column), (where.end.line, where.end.column)
        if node_start <= start and end <= node_end:
            size = (node_end[0] - node_start[0], node_end[1] - node_start[1])
            if best_size is None or size < best_size:
                best, best_size = node, size
    return best


def is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _imports(statement: cst.CSTNode) -> Optional[cst.BaseSmallStatement]:
    if isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], (cst.Import, cst.ImportFrom)):
        return statement.body[0]
    return None


def _names(found: cst.BaseSmallStatement) -> set[str]:
    if isinstance(found.names, cst.ImportStar):  # type: ignore[attr-defined]
        return set()
    return {cst.Module([]).code_for_node(a.name) for a in found.names if a.asname is None}  # type: ignore[attr-defined]


def _provides(found: Optional[cst.BaseSmallStatement], wanted: cst.BaseSmallStatement) -> bool:
    """Whether an existing import already binds every name `wanted` would (`import copy`;
    `from typing import List, Optional` covers `from typing import Optional`)."""
    if found is None or type(found) is not type(wanted):
        return False
    if isinstance(wanted, cst.ImportFrom):
        module = cst.Module([]).code_for_node
        if found.relative or wanted.relative or not found.module or module(found.module) != module(wanted.module):  # type: ignore
            return False
    return _names(wanted) <= _names(found)


def _is_future(statement: cst.CSTNode) -> bool:
    found = _imports(statement)
    return isinstance(found, cst.ImportFrom) and getattr(found.module, "value", None) == "__future__"


def add_import(module: cst.Module, line: str) -> cst.Module:
    """Adds an import statement (`import copy`, `from typing import Optional`) at the top: before
    the first import, else after the docstring and `__future__` imports. Nothing when the module
    already has that statement."""
    wanted = cst.parse_statement(line)
    body = list(module.body)
    if any(_provides(_imports(statement), wanted.body[0]) for statement in body):  # type: ignore[attr-defined]
        return module
    position = 1 if body and is_docstring(body[0]) else 0
    while position < len(body) and _is_future(body[position]):
        position += 1
    following = body[position] if position < len(body) else None
    if following is not None and _imports(following) is None and not following.leading_lines:
        # Not glued to the code after it: PEP 8's blank lines, two before a def or class.
        blank = 2 if isinstance(following, (cst.FunctionDef, cst.ClassDef)) else 1
        body[position] = following.with_changes(leading_lines=[cst.EmptyLine()] * blank)
    body.insert(position, wanted)
    return module.with_changes(body=body)


def binding_sites(tree: ast.AST, name: str) -> list[ast.AST]:
    """Every place that binds `name` where a function or the module would see it: assignments,
    parameters, definitions, imports. A method or attribute in a class body is not one (a method
    named `copy` does not hide the module `copy` from the functions)."""
    members = {id(n) for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for n in c.body}
    sites = []
    for node in ast.walk(tree):
        if id(node) in members:
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name:
            sites.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            sites.append(node)
        elif isinstance(node, ast.arg) and node.arg == name:
            sites.append(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and any(
            (a.asname or a.name.split(".")[0]) == name for a in node.names
        ):
            sites.append(node)
    return sites


def names_in(node: cst.CSTNode) -> set[str]:
    return {name.value for name in m.findall(node, m.Name())}  # type: ignore[union-attr]


def comments(node: cst.CSTNode) -> list[str]:
    return [comment.value for comment in m.findall(node, m.Comment())]  # type: ignore[union-attr]


def free_name(candidates: Iterable[str], taken: set[str]) -> str:
    for name in candidates:
        if name not in taken:
            return name
    index = 0
    while f"_{index}" in taken:
        index += 1
    return f"_{index}"


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
