"""PIT501's fix (safe): `for line in f.readlines():` becomes `for line in f:`.

Iterating a file yields exactly the lines `readlines()` returns, line endings kept. The rule
offers the fix only when nothing else reads or moves the file inside or after the loop, and not
in a generator expression (which may run after the file is closed).
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from pitfalls.findings import Finding
from pitfalls.rules._cst import replace_node


def fix(source: str, finding: Finding, **options: object) -> Optional[str]:
    if not finding.fixable or finding.context.get("variant") != "":
        return None
    return replace_node(source, finding, cst.Call, _rebuild)


def _rebuild(node: cst.CSTNode) -> Optional[cst.BaseExpression]:
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "readlines" and not node.args):
        return None
    receiver = node.func.value
    if node.lpar:  # `(f.readlines())` keeps its own parentheses
        receiver = receiver.with_changes(lpar=[*node.lpar, *receiver.lpar], rpar=[*receiver.rpar, *node.rpar])
    return receiver
