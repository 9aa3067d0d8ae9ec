"""PIT502's fix (safe): `any([x for x in xs])` becomes `any(x for x in xs)`; `set([...])` a set
comprehension. The rule offers it only when the comprehension calls nothing that may act (a
generator computes fewer items for `any`/`all`), and keeps `sum`'s start and `key=`/`default=`,
parenthesizing the generator when it is not the only argument.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from pitfalls.findings import Finding
from pitfalls.rules._cst import replace_node

COMPREHENSIONS = (cst.ListComp, cst.SetComp)


def fix(source: str, finding: Finding, **options: object) -> Optional[str]:
    if not finding.fixable:
        return None
    return replace_node(source, finding, cst.Call, _rebuild)


def _rebuild(call: cst.CSTNode) -> Optional[cst.BaseExpression]:
    if not isinstance(call, cst.Call) or not call.args or not isinstance(call.args[0].value, COMPREHENSIONS):
        return None
    comp = call.args[0].value
    if comp.lpar:
        return None  # `any(([...]))`: leave odd spellings to the user
    if isinstance(call.func, cst.Name) and call.func.value == "set":
        if len(call.args) != 1:
            return None
        # `set([...])` -> `{...}`, keeping what was written around the call.
        return cst.SetComp(comp.elt, comp.for_in, lpar=call.lpar, rpar=call.rpar)
    # The brackets become parentheses where the generator needs them (not the only argument) or
    # where they hold a comment or a line break, which stay where they were.
    left, right = (comp.lbracket, comp.rbracket) if isinstance(comp, cst.ListComp) else (comp.lbrace, comp.rbrace)
    after, before = left.whitespace_after, right.whitespace_before
    spaced = not (_blank(after) and _blank(before))
    # `any(x for x in xs,)` does not parse: a trailing comma keeps the parentheses too.
    alone = len(call.args) == 1 and not spaced and call.args[0].comma is cst.MaybeSentinel.DEFAULT
    generator = cst.GeneratorExp(
        comp.elt, comp.for_in,
        lpar=[] if alone else [cst.LeftParen(whitespace_after=after)],
        rpar=[] if alone else [cst.RightParen(whitespace_before=before)],
    )
    first = call.args[0].with_changes(value=generator)
    return call.with_changes(args=[first, *call.args[1:]])


def _blank(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(whitespace, cst.SimpleWhitespace)
