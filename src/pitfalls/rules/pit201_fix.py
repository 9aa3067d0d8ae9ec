"""PIT201's fix (safe): `lambda: print(name)` made in a loop becomes `lambda name=name: print(name)`.

Only for a lambda with plain parameters and none of that name: the default is evaluated when
the lambda is made, so each one keeps the value of its own iteration, which is what the loop meant.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from pitfalls.findings import Finding
from pitfalls.rules._cst import replace_node


def fix(source: str, finding: Finding, **options: object) -> Optional[str]:
    if not finding.fixable:
        return None
    var = finding.context["var"]

    def rebuild(node: cst.CSTNode) -> Optional[cst.CSTNode]:
        if not isinstance(node, cst.Lambda):
            return None
        params = node.params
        if params.star_arg != cst.MaybeSentinel.DEFAULT or params.kwonly_params or params.star_kwarg \
                or params.posonly_params or any(p.default is not None for p in params.params) \
                or any(p.name.value == var for p in params.params):
            return None
        added = cst.Param(cst.Name(var), default=cst.Name(var), equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
        existing = [p.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for p in params.params]
        new_params = params.with_changes(params=[*existing, added])
        whitespace = node.whitespace_after_lambda
        if not params.params:
            whitespace = cst.SimpleWhitespace(" ")
        return node.with_changes(params=new_params, whitespace_after_lambda=whitespace)

    return replace_node(source, finding, cst.Lambda, rebuild)
