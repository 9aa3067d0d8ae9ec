"""PIT105's fix (safe): `x in ("abc")` becomes `x in ("abc",)`, the tuple the line was written as.

Not for a string read as its characters (`ch in ("aeiou")`): there the code may mean what it does,
and only its author knows whether the parentheses or the missing comma are the mistake.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from pitfalls.findings import Finding
from pitfalls.rules._cst import replace_node

STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)


def fix(source: str, finding: Finding, **options: object) -> Optional[str]:
    if finding.context.get("variant") in ("chars", "for-chars"):
        return None
    return replace_node(source, finding, STRINGS, _rebuild)


def _rebuild(node: cst.CSTNode) -> Optional[cst.BaseExpression]:
    if not isinstance(node, STRINGS) or not node.lpar:
        return None
    inner = node.with_changes(lpar=[], rpar=[])
    return cst.Tuple([cst.Element(inner, comma=cst.Comma())], lpar=node.lpar, rpar=node.rpar)
