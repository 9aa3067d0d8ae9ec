"""PIT602's fix (safe): `[[0] * m] * n` becomes `[[0] * m for _ in range(n)]`.

Only when the repeated element builds a new object each time it runs (a display, a
comprehension, a call): re-running it per slot is then exactly the intent. `[row] * n` is left
alone, because `[row for _ in range(n)]` would still share `row`.
"""

from __future__ import annotations

import ast
import functools
from typing import Optional

import libcst as cst

from pitfalls.findings import Finding
from pitfalls.rules._cst import FRESH, bare, binding_sites, free_name, names_in, replace_node


@functools.lru_cache(maxsize=2)  # the same module for every hit of a round (`_cst.fix_many`)
def _range_rebound(source: str) -> bool:
    return bool(binding_sites(ast.parse(source), "range"))


def fix(source: str, finding: Finding, **options: object) -> Optional[str]:
    if _range_rebound(source):
        return None  # `range` is not the builtin here
    return replace_node(source, finding, cst.BinaryOperation, _rebuild)


def _rebuild(node: cst.BinaryOperation) -> Optional[cst.BaseExpression]:
    if not isinstance(node.operator, cst.Multiply):
        return None
    for sequence, count in ((node.left, node.right), (node.right, node.left)):
        if not isinstance(sequence, cst.List) or sequence.lpar or len(sequence.elements) != 1:
            continue
        element = sequence.elements[0]
        if isinstance(element, cst.StarredElement) or not isinstance(element.value, FRESH):
            continue
        name = free_name(("_", "_i", "_j", "_row"), names_in(element.value))
        loop = cst.CompFor(
            target=cst.Name(name),
            iter=cst.Call(cst.Name("range"), [cst.Arg(bare(count))]),
        )
        return cst.ListComp(
            elt=element.value, for_in=loop, lbracket=sequence.lbracket, rbracket=sequence.rbracket,
            lpar=node.lpar, rpar=node.rpar,
        )
    return None
