"""What the libcst fixers share. Imported only when fixing: detection never loads libcst."""

from __future__ import annotations

import ast
import bisect
import contextvars
from typing import Callable, Iterable, Mapping, Optional, Sequence

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
    change the rebuilt module further (add an import). None when it cannot. Inside `fix_many`
    the edit is recorded in the round's batch instead, and None returned."""
    batch = _BATCH.get()
    if batch is not None:
        if batch.source == source:
            batch.record(span or finding.span, kind, build, then)
        return None
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


def fix_many(fix: Callable[..., Optional[str]], source: str, findings: Sequence[Finding],
             **options: object) -> Optional[tuple[str, int]]:
    """The hits of one round fixed together, for any fixer made of `replace_node`: the module is
    parsed and placed once, each hit's edit recorded (an edit that meets one already taken waits
    for the next round), and all applied in one pass. The fixed source and how many were fixed."""
    try:
        batch = Batch(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    token = _BATCH.set(batch)
    try:
        for finding in findings:
            fix(source, finding, **options)
    finally:
        _BATCH.reset(token)
    return batch.apply()


_BATCH: "contextvars.ContextVar[Optional[Batch]]" = contextvars.ContextVar("pitfalls_fix_batch", default=None)


class Batch:
    """One round's edits to one module, parsed and placed once: where its nodes are (also by the
    line they start on, to find a hit's node without a walk), and the edits taken, none of which
    meets another (a hit whose node meets one waits for the next round, from the new text)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.module = cst.parse_module(source)
        self.where_is = positions(self.module)
        self.by_line: dict[int, list] = {}
        for node, where in self.where_is.items():
            self.by_line.setdefault(where.start.line, []).append((node, where))
        self.changes: dict[cst.CSTNode, cst.CSTNode] = {}
        self.taken: list[tuple[tuple[int, int], tuple[int, int]]] = []  # sorted, none meeting another
        self.thens: list[Callable[[cst.Module], Optional[cst.Module]]] = []

    def covering(self, span: Span, kind: "type | tuple[type, ...]") -> Optional[cst.CSTNode]:
        """The smallest `kind` node around `span`: of those that cover it, one starting on the
        nearest line above (a node inside another starts after it), the smallest on that line."""
        for line in range(span.line, 0, -1):
            found = smallest_of(((n, w) for n, w in self.by_line.get(line, ()) if isinstance(n, kind)), span)
            if found is not None:
                return found
        return None

    def free(self, node: cst.CSTNode) -> bool:
        """Whether `node` meets no edit taken so far (only its neighbours by start can)."""
        place = self._place(node)
        at = bisect.bisect_left(self.taken, place)
        return not ((at > 0 and place[0] <= self.taken[at - 1][1]) or
                    (at < len(self.taken) and self.taken[at][0] <= place[1]))

    def take(self, node: cst.CSTNode, replacement: cst.CSTNode,
             then: Optional[Callable[[cst.Module], Optional[cst.Module]]] = None) -> None:
        """Puts `replacement` in the place of `node` (which must be `free`); `then` changes the
        module after (add an import), once however many edits ask for it."""
        bisect.insort(self.taken, self._place(node))
        self.changes[node] = replacement
        if then is not None and then not in self.thens:
            self.thens.append(then)

    def record(self, span: Span, kind: "type | tuple[type, ...]", build: Callable, then: Optional[Callable]) -> None:
        """`replace_node`'s edit, taken when its node is free and the rebuilt node keeps every comment."""
        best = self.covering(span, kind)
        if best is None or not self.free(best):
            return
        replacement = build(best)
        if replacement is not None and sorted(comments(replacement)) == sorted(comments(best)):
            self.take(best, replacement, then)

    def apply(self) -> Optional[tuple[str, int]]:
        """The fixed source and how many edits it holds, or None when none was taken."""
        if not self.changes:
            return None
        module: Optional[cst.Module] = self.module.visit(_Swap(self.changes))
        for then in self.thens:  # steps made per hit are idempotent (add_import adds nothing twice)
            module = then(module) if module is not None else None
        return (module.code, len(self.changes)) if module is not None else None

    def _place(self, node: cst.CSTNode) -> tuple[tuple[int, int], tuple[int, int]]:
        where = self.where_is[node]
        return (where.start.line, where.start.column), (where.end.line, where.end.column)


class _Swap(cst.CSTTransformer):
    """Puts each changed node's replacement in its place, in one pass over the module."""

    def __init__(self, changes: dict) -> None:
        super().__init__()
        self.changes = changes

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        return self.changes.get(original_node, updated_node)


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
