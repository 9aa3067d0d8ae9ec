"""PIT601: a shallow copy shares its elements, so mutating a nested element changes the original."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.findings import Severity
from pitfalls.rules._copies import Shared, SharedElementsRule, is_mutable_expr

# Calls whose result is a one-shot iterator or a fresh sequence: `list(...)` of one of these
# materializes new elements that nothing else holds, so there is no original to corrupt.
FRESH_SOURCES = frozenset(
    {
        "builtins.map", "builtins.filter", "builtins.zip", "builtins.range", "builtins.iter",
        "builtins.reversed", "builtins.enumerate", "builtins.open",
    }
)
SHALLOW_COPY_CALLS = frozenset({"builtins.list", "builtins.dict", "copy.copy"})


class ShallowCopyNestedMutation(SharedElementsRule):
    code = "PIT601"
    name = "shallow-copy-nested-mutation"
    severity = Severity.ERROR
    summary = "Mutating an element of a shallow copy also changes the original it was copied from"
    message = "'{mutation}' changes an element '{copy}' still shares with '{original}': {copy_expr} is a shallow copy"
    bad_example = """\
def with_header(table):
    result = table.copy()
    result[0].insert(0, "#")
    return result
"""
    good_example = """\
import copy


def with_header(table):
    result = copy.deepcopy(table)
    result[0].insert(0, "#")
    return result
"""

    def shared_value(self, value: ast.expr) -> Optional[Shared]:
        original = self._shallow_copy_of(value)
        if original is None or not self._still_reachable(original):
            return None
        copied = Shared(value, original)
        if isinstance(value, ast.Dict):
            # `{**a, "k": []}`: the element under "k" is new, not a's.
            for key in value.keys:
                if key is not None:
                    copied.replace(key)
        return copied

    def _shallow_copy_of(self, value: ast.expr) -> Optional[ast.expr]:
        """`a` for `a.copy()`, `a[:]`, `list(a)`, `dict(a)`, `copy.copy(a)`, `[*a]`, `{**a}`."""
        if isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Attribute) and func.attr == "copy" and not value.args and not value.keywords:
                return func.value if self._builtin_like_copy(func.value) else None
            qualname = self.ctx.call_name(value)
            if qualname in SHALLOW_COPY_CALLS and len(value.args) == 1 and not isinstance(value.args[0], ast.Starred):
                if value.keywords and qualname != "builtins.dict":
                    return None
                return value.args[0]
        elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
            piece = value.slice
            if piece.lower is None and piece.upper is None and piece.step is None:
                return value.value
        elif isinstance(value, ast.List):
            starred = [e.value for e in value.elts if isinstance(e, ast.Starred)]
            return starred[0] if len(starred) == 1 else None
        elif isinstance(value, ast.Dict):
            spread = [v for k, v in zip(value.keys, value.values) if k is None]
            return spread[0] if len(spread) == 1 else None
        return None

    def _builtin_like_copy(self, receiver: ast.expr) -> bool:
        """Whether `receiver.copy()` is plausibly the shallow `list/dict/set.copy`.

        Any class may define `copy()`, and matrices, arrays and frames copy their rows (or
        hold no nested containers): `self.copy()` inside such a class, or `x.copy()` where `x`
        is bound here to an instance (`x = DDM(...)`, `x = np.zeros(...)`) is not flagged. A
        parameter, an attribute or a name bound to a list/dict/set value is taken as a
        container.
        """
        if not isinstance(receiver, ast.Name):
            return True
        binding = self.ctx.lookup(receiver.id)
        if binding is None:
            return True
        if binding.kind == "param":
            function = binding.scope.node
            args = getattr(function, "args", None)
            positional = [*args.posonlyargs, *args.args] if args is not None else []
            # The receiver of a method: the instance copies itself, with its own semantics.
            is_receiver = bool(positional) and positional[0] is binding.node
            return not (is_receiver and isinstance(self.ctx.parent(function), ast.ClassDef))
        if binding.kind == "assign" and isinstance(binding.value, ast.Call):
            return is_mutable_expr(self.ctx, binding.value)
        return True

    def _still_reachable(self, original: ast.expr) -> bool:
        """Whether the copied object is one the code can still see change: a name or attribute.

        `list(range(3))`, `list(gen())`, `dict(zip(k, v))`, `sorted(x)[:]` copy a fresh call
        result that nothing else holds, so changing the copy's elements corrupts nothing.
        """
        node = original
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        if not isinstance(node, ast.Name):
            return False
        if node is original:
            binding = self.ctx.lookup(node.id)
            if binding is not None and binding.kind == "assign":
                value = binding.value
                if isinstance(value, ast.GeneratorExp) or self.ctx.call_name(value) in FRESH_SOURCES:
                    return False  # a one-shot iterator: its elements live only in the copy
        return True

    def finish(self) -> None:
        for copied in self.shared.values():
            segment = self.ctx.segment
            for mutation in copied.mutations:
                self.report(
                    mutation,
                    related=[(copied.value, f"'{copied.name}' is a shallow copy of '{segment(copied.source)}' here")],
                    mutation=segment(mutation),
                    copy=copied.name,
                    original=segment(copied.source),
                    copy_expr=segment(copied.value),
                )
