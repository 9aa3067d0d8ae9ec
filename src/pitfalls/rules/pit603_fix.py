"""PIT603's fix (safe): `dict.fromkeys(keys, [])` becomes `{key: [] for key in keys}`, and
`OrderedDict.fromkeys(keys, [])` becomes `OrderedDict((key, []) for key in keys)`.

Only when the value builds a new object each time it runs; `dict.fromkeys(keys, empty)` is left
alone (a comprehension over `empty` would still share it), and so is `defaultdict.fromkeys`.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from pitfalls.findings import Finding
from pitfalls.rules._cst import FRESH, as_iterable, free_name, names_in, replace_node


def fix(source: str, finding: Finding, **options: object) -> Optional[str]:
    form = finding.context.get("fix_form")
    if form not in ("dict", "ordered"):
        return None
    return replace_node(source, finding, cst.Call, lambda node: _rebuild(node, form))


def _rebuild(node: cst.Call, form: str) -> Optional[cst.BaseExpression]:
    func = node.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "fromkeys" and len(node.args) == 2):
        return None
    keys, value = node.args
    if keys.keyword or value.keyword or keys.star or value.star or not isinstance(value.value, FRESH):
        return None
    key = free_name(("key", "k", "key_"), names_in(value.value))
    loop = cst.CompFor(target=cst.Name(key), iter=as_iterable(keys.value))
    if form == "dict":
        return cst.DictComp(key=cst.Name(key), value=value.value, for_in=loop, lpar=node.lpar, rpar=node.rpar)
    pair = cst.Tuple([cst.Element(cst.Name(key), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                      cst.Element(value.value)])
    pairs = cst.GeneratorExp(elt=pair, for_in=loop, lpar=[], rpar=[])  # the call's parentheses suffice
    return node.with_changes(func=func.value, args=[cst.Arg(pairs)])
