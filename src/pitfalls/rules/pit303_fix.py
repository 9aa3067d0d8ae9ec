"""PIT303's fix (safe): `title = title` in `__init__` becomes `self.title = title`.

Only for a parameter assigned to itself (a line that does nothing), and only when nothing else
in `__init__` sets the attribute (the finding is fixable only then): the fix stores the value the
line was written to store.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from pitfalls.findings import Finding
from pitfalls.rules._cst import replace_node


def fix(source: str, finding: Finding, **options: object) -> Optional[str]:
    if finding.context.get("variant") not in ("same", "same-unread") or not finding.fixable:
        return None
    receiver, attr = finding.context["receiver"], finding.context["attr"]

    def rebuild(node: cst.CSTNode) -> Optional[cst.CSTNode]:
        if not isinstance(node, cst.Assign) or len(node.targets) != 1:
            return None
        target = node.targets[0]
        if not isinstance(target.target, cst.Name) or target.target.value != attr:
            return None
        return node.with_changes(targets=[target.with_changes(
            target=cst.Attribute(value=cst.Name(receiver), attr=cst.Name(attr)))])

    return replace_node(source, finding, cst.Assign, rebuild)
