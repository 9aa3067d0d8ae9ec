"""PIT401's fix (safe): `@functools.wraps(fn)` on the wrapper, and the import in the module's style.

Only a pass-through wrapper (`*args, **kwargs`) is fixed: its signature is the wrapped function's
by design, so what `wraps` makes `inspect.signature` say is true. `wraps` joins an existing
`from functools import ...`; otherwise the module gets `import functools`. Refused when that name
means something else in the module.
"""

from __future__ import annotations

import ast
import functools
from typing import Optional

import libcst as cst

from pitfalls.findings import Finding
from pitfalls.rules._cst import add_import, binding_sites, replace_node


def fix(source: str, finding: Finding, **options: object) -> Optional[str]:
    fn = finding.context.get("fn")
    if not finding.fixable or not fn:
        return None
    style = _style(source)
    if style is None:
        return None
    spelling, then = style
    decorator = cst.Decorator(cst.parse_expression(f"{spelling}({fn})"))

    def rebuild(node: cst.CSTNode) -> Optional[cst.CSTNode]:
        if not isinstance(node, cst.FunctionDef):
            return None
        return node.with_changes(decorators=[decorator, *node.decorators])

    return replace_node(source, finding, cst.FunctionDef, rebuild, then=then)


@functools.lru_cache(maxsize=2)  # the same module for every hit of a round (`_cst.fix_many`)
def _style(source: str) -> Optional[tuple]:
    """How this module spells `wraps`, and what it must import for it (None: a name clash)."""
    tree = ast.parse(source)
    wraps_sites = binding_sites(tree, "wraps")
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "functools" and not statement.level:
            if any(a.name == "*" for a in statement.names):
                break
            if any(a.name == "wraps" and a.asname is None for a in statement.names):
                return ("wraps", None) if wraps_sites == [statement] else None
            if not wraps_sites:
                return "wraps", _extend
            break
    plain = [n for n in tree.body if isinstance(n, ast.Import) and any(a.name == a.asname or (a.name == "functools"
             and a.asname is None) for a in n.names)]
    if any(site not in plain for site in binding_sites(tree, "functools")):
        return None
    return "functools.wraps", lambda module: add_import(module, "import functools")


def _extend(module: cst.Module) -> Optional[cst.Module]:
    """Adds `wraps` to the first `from functools import ...` of the module."""
    body = list(module.body)
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        found = statement.body[0]
        if isinstance(found, cst.ImportFrom) and not found.relative and isinstance(found.module, cst.Name) \
                and found.module.value == "functools" and not isinstance(found.names, cst.ImportStar):
            names = list(found.names)
            if any(isinstance(a.name, cst.Name) and a.name.value == "wraps" and a.asname is None for a in names):
                return module  # already there
            last = names[-1]
            names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            names.append(cst.ImportAlias(cst.Name("wraps")))
            body[index] = statement.with_changes(body=[found.with_changes(names=names), *statement.body[1:]])
            return module.with_changes(body=body)
    return None
