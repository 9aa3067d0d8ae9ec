"""PIT101's fix (unsafe): `def add(item, bucket=[])` becomes `def add(item, bucket=None)` with
`if bucket is None: bucket = []` as the body's first statement (after the docstring).

Unsafe because a caller that passes `None` on purpose now gets a new list, and code that used
the shared default as a memo loses it. An annotation `list[int]` becomes `list[int] | None`, or
`Optional[list[int]]` (with the import) when the code must run on Python before 3.10 and has no
`from __future__ import annotations`. Not fixed (the rule marks the hit not fixable): lambdas; a `def` whose body is on its own
line's end (`def f(x=[]): return x`), which cannot take a statement before it; state kept on
purpose (a None default would throw it away); a default naming something the function binds
(`lnum=[lnum]` in a nested def would then read the parameter); a function for which `None` already
means something (it tests `param is None`, or a call in the module passes None).
"""

from __future__ import annotations

import io
import tokenize
from typing import Optional, Sequence

import libcst as cst

from pitfalls.findings import Finding
from pitfalls.rules._cst import Batch, add_import, comments, is_docstring

_OLD_PYTHONS = ("py37", "py38", "py39")


def fix(source: str, finding: Finding, target_version: Optional[str] = None, **options: object) -> Optional[str]:
    fixed = fix_many(source, [finding], target_version)
    return fixed[0] if fixed is not None else None


def fix_many(source: str, findings: Sequence[Finding], target_version: Optional[str] = None,
             **options: object) -> Optional[tuple[str, int]]:
    """Every finding whose function no other fixed finding's function holds or shares, in one parse
    and one pass over the module (`_cst.Batch`; the rest wait for the next round): `pitfalls fix`
    on a file with thousands of hits parses it a few times, not once per hit. The fixed source
    and how many of the findings it fixed."""
    if not any(f.fixable for f in findings):
        return None  # refused by the rule: state kept on purpose, a name the parameter would shadow, None meaningful
    try:
        batch = Batch(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    lines = source.splitlines()
    for finding in findings:
        planned = _plan(batch, lines, finding, target_version) if finding.fixable else None
        if planned is not None and batch.free(planned[0]):
            function, new_function, needs_import = planned
            batch.take(function, new_function, _import_optional if needs_import else None)
    return batch.apply()


def _import_optional(module: cst.Module) -> cst.Module:
    return add_import(module, "from typing import Optional")


def _plan(batch: Batch, lines: list[str], finding: Finding,
          target_version: Optional[str]) -> Optional[tuple[cst.FunctionDef, cst.FunctionDef, bool]]:
    """The def holding the finding's default, the def as fixed, and whether `Optional` is needed."""
    module, where_is = batch.module, batch.where_is
    function = batch.covering(finding.span, (cst.FunctionDef, cst.Lambda))
    default = batch.covering(finding.span, cst.BaseExpression)
    if not isinstance(function, cst.FunctionDef) or not isinstance(function.body, cst.IndentedBlock):
        return None
    params = function.params
    ordered = [*params.posonly_params, *params.params, *params.kwonly_params]
    param = next((p for p in ordered if p.default is not None and p.default is default), None)
    if param is None:  # `([],)` or `(v for v in vs)`: libcst's position leaves the parentheses out
        param = next((p for p in ordered if p.default is not None and _within(where_is[p.default], finding)), None)
    if param is None:
        return None
    name = param.name.value
    annotation = param.annotation
    needs_optional_import = False
    if annotation is not None:
        widened = _or_none(annotation.annotation, module, target_version)
        if widened is None:
            return None
        annotation_expr, needs_optional_import = widened
        annotation = annotation.with_changes(annotation=annotation_expr)
    default_line = lines[where_is[param.default].start.line - 1]
    indent = len(default_line) - len(default_line.lstrip(" "))
    default_code = _reindented(module.code_for_node(param.default), indent - where_is[function].start.column)
    try:
        check = cst.parse_statement(f"if {name} is None:\n    {name} = {default_code}\n")
    except cst.ParserSyntaxError:
        return None
    new_param = param.with_changes(default=cst.Name("None"), annotation=annotation)
    body = list(function.body.body)
    position = _insertion_point(body, [p.name.value for p in ordered[: ordered.index(param)]])
    body.insert(position, check)
    new_function = function.with_changes(
        params=_replace_param(params, param, new_param),
        body=function.body.with_changes(body=body),
    )
    # Only the parameter changed and one statement came in: a comment of the default is kept if
    # they hold it (comparing the whole defs would walk each one twice).
    if sorted(comments(new_param) + comments(check)) != sorted(comments(param)):
        return None
    return function, new_function, needs_optional_import


def _reindented(code: str, deeper: int) -> str:
    """A default written over several lines, moved into the body's `if` block: its continuation
    lines keep where they stood against the line the default starts on. libcst gives them
    relative to the `def`'s block (`deeper` columns more than that line's own indentation), and
    adds the statement's indentation back to a line that starts with the `if` block's own. Left
    as written when a string spans lines."""
    lines = code.split("\n")
    if len(lines) == 1 or _string_spans_lines(code):
        return code
    deeper = max(deeper, 0)
    margin = " " * deeper
    moved = ("    " + (line[deeper:] if line.startswith(margin) else line.lstrip()) if line.strip() else line
             for line in lines[1:])
    return "\n".join([lines[0], *moved])


def _string_spans_lines(code: str) -> bool:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(f"({code})").readline))
    except (tokenize.TokenError, SyntaxError):
        return True
    return any(t.type == tokenize.STRING and "\n" in t.string for t in tokens) or any(
        t.type == getattr(tokenize, "FSTRING_MIDDLE", -1) and "\n" in t.string for t in tokens
    )


def _within(where, finding: Finding) -> bool:
    span = finding.span
    return (span.line, span.column) <= (where.start.line, where.start.column) and (
        (where.end.line, where.end.column) <= (span.end_line, span.end_column)
    )


def _replace_param(params: cst.Parameters, old: cst.Param, new: cst.Param) -> cst.Parameters:
    def swap(items):
        return [new if p is old else p for p in items]

    return params.with_changes(
        posonly_params=swap(params.posonly_params), params=swap(params.params), kwonly_params=swap(params.kwonly_params)
    )


def _insertion_point(body: list, earlier_params: list[str]) -> int:
    """After the docstring and after the `if p is None:` checks of the parameters before this one,
    so that several fixed parameters keep their order."""
    position = 0
    if body and is_docstring(body[0]):
        position = 1
    while position < len(body) and _none_check_of(body[position]) in earlier_params:
        position += 1
    return position


def _none_check_of(statement: cst.CSTNode) -> Optional[str]:
    """`p` for a statement `if p is None: ...`."""
    if not isinstance(statement, cst.If) or not isinstance(statement.test, cst.Comparison):
        return None
    test = statement.test
    if (
        isinstance(test.left, cst.Name)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Is)
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    ):
        return test.left.value
    return None


def _or_none(
    annotation: cst.BaseExpression, module: cst.Module, target_version: Optional[str]
) -> Optional[tuple[cst.BaseExpression, bool]]:
    """The annotation widened to admit None, and whether `Optional` must be imported."""
    if isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
        return None  # a string annotation: rewriting inside the string is left to the user
    if _admits_none(annotation):
        return annotation, False
    postponed = any(
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.ImportFrom)
        and getattr(statement.body[0].module, "value", None) == "__future__"
        and any(getattr(alias.name, "value", None) == "annotations" for alias in statement.body[0].names)
        for statement in module.body
    )
    if target_version not in _OLD_PYTHONS or postponed:
        union = cst.BinaryOperation(
            left=annotation, operator=cst.BitOr(cst.SimpleWhitespace(" "), cst.SimpleWhitespace(" ")),
            right=cst.Name("None"),
        )
        return union, False
    optional = cst.Subscript(cst.Name("Optional"), [cst.SubscriptElement(cst.Index(annotation))])
    return optional, True


def _admits_none(annotation: cst.BaseExpression) -> bool:
    """`Optional[X]`, `Union[X, None]`, `X | None`, `Any`, `object` or `None` at the top level."""
    def name(node: cst.BaseExpression) -> str:
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, cst.Attribute):
            return node.attr.value
        return ""

    if name(annotation) in ("Any", "object", "None"):
        return True
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return _admits_none(annotation.left) or _admits_none(annotation.right)
    if isinstance(annotation, cst.Subscript):
        if name(annotation.value) == "Optional":
            return True
        if name(annotation.value) == "Union":
            return any(
                isinstance(element.slice, cst.Index) and _admits_none(element.slice.value)
                for element in annotation.slice
            )
    return False
