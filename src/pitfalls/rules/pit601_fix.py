"""PIT601's fix (unsafe): the shallow copy becomes `copy.deepcopy(...)`, adding `import copy`.

Unsafe because a deep copy also copies what the code may have meant to share (objects held by
the elements, caches, handles), and costs more. The copy is the related location of the finding
(the finding itself is where the copy's element is changed).
"""

from __future__ import annotations

import ast
import functools
from typing import Optional

import libcst as cst

from pitfalls.findings import Finding
from pitfalls.rules._cst import add_import, bare, binding_sites, replace_node

_CONSTRUCTORS = {"list", "dict", "set"}


def fix(source: str, finding: Finding, **options: object) -> Optional[str]:
    if not finding.fixable or not finding.related or _copy_means_something_else(source):
        # Not fixable: a copy whose elements are only emptied wants fresh ones, not a deep copy.
        return None
    return replace_node(
        source, finding, (cst.Call, cst.Subscript), _rebuild, span=finding.related[0].span,
        then=lambda module: add_import(module, "import copy"),
    )


@functools.lru_cache(maxsize=2)  # the same module for every hit of a round (`_cst.fix_many`)
def _copy_means_something_else(source: str) -> bool:
    """True when the name `copy` is bound anywhere other than by a module-level `import copy`."""
    tree = ast.parse(source)
    plain = {id(n) for n in tree.body if isinstance(n, ast.Import) and any(a.name == "copy" and a.asname is None for a in n.names)}
    return any(id(site) not in plain for site in binding_sites(tree, "copy"))


def _copied(node: cst.CSTNode) -> Optional[cst.BaseExpression]:
    """What `node` makes a shallow copy of, or None."""
    if isinstance(node, cst.Subscript):
        [element] = node.slice if len(node.slice) == 1 else [None]
        if element is not None and isinstance(element.slice, cst.Slice):
            piece = element.slice
            if piece.lower is None and piece.upper is None and piece.step is None:
                return node.value
        return None
    if not isinstance(node, cst.Call):
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value == "copy":
        if not node.args and not (isinstance(func.value, cst.Name) and func.value.value == "copy"):
            return func.value  # `rows.copy()`
        if isinstance(func.value, cst.Name) and func.value.value == "copy" and len(node.args) == 1:
            return node.args[0].value  # `copy.copy(rows)`
    if isinstance(func, cst.Name) and func.value in _CONSTRUCTORS and len(node.args) == 1:
        arg = node.args[0]
        if not arg.keyword and not arg.star:
            # `list(rows)` may turn a tuple or an iterator into a list: keep that, deep.
            return node.with_changes(lpar=[], rpar=[])
    return None


def _rebuild(node: cst.CSTNode) -> Optional[cst.BaseExpression]:
    original = _copied(node)
    if original is None:
        return None
    return cst.Call(
        func=cst.Attribute(cst.Name("copy"), cst.Name("deepcopy")),
        args=[cst.Arg(bare(original))],
        lpar=node.lpar,
        rpar=node.rpar,
    )
