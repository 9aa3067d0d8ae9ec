"""PIT603: `dict.fromkeys(keys, [])` gives every key the same list, not a list each."""

from __future__ import annotations

import ast

from pitfalls.findings import Severity
from pitfalls.rule import Rule
from pitfalls.rules._copies import is_mutable_expr

# `defaultdict.fromkeys` and `OrderedDict.fromkeys` are the inherited `dict.fromkeys`: the same
# one value for every key. (`Counter.fromkeys` raises NotImplementedError, so it is not here.)
FROMKEYS = frozenset(
    {"builtins.dict.fromkeys", "collections.OrderedDict.fromkeys", "collections.defaultdict.fromkeys"}
)


class MutableFromkeysValue(Rule):
    code = "PIT603"
    name = "mutable-fromkeys-value"
    severity = Severity.ERROR
    summary = "dict.fromkeys with a list, dict or set value gives every key the same object"
    message = "'{call}' gives every key of '{keys}' the same '{value}' object"
    node_types = (ast.Call,)
    bad_example = """\
def group(names):
    groups = dict.fromkeys(names, [])
    groups[names[0]].append(1)
    return groups
"""
    good_example = """\
def group(names):
    groups = {name: [] for name in names}
    groups[names[0]].append(1)
    return groups
"""

    def visit(self, node: ast.Call) -> None:
        # With one argument every value is None; an immutable value is safe to share.
        if len(node.args) != 2 or not isinstance(node.func, ast.Attribute) or node.func.attr != "fromkeys":
            return
        if self.ctx.call_name(node) not in FROMKEYS:
            return
        keys, value = node.args
        if isinstance(keys, ast.Starred) or isinstance(value, ast.Starred):
            return
        if is_mutable_expr(self.ctx, value):
            self.report(
                node,
                call=self.ctx.segment(node.func),
                keys=self.ctx.segment(keys),
                value=self.ctx.segment(value),
            )
