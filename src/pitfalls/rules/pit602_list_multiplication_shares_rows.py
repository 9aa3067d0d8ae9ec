"""PIT602: `[[]] * n` repeats one inner object n times, so every row is the same row."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.findings import Severity
from pitfalls.rules._copies import Shared, SharedElementsRule, is_mutable_expr


# Expressions that hand an operand on as their value (or as part of it).
PASS_THROUGH = (ast.IfExp, ast.BoolOp, ast.Tuple, ast.List, ast.ListComp, ast.SetComp, ast.GeneratorExp)
STORING_METHODS = frozenset({"append", "extend", "insert", "add", "setdefault", "update"})


class ListMultiplicationSharesRows(SharedElementsRule):
    code = "PIT602"
    name = "list-multiplication-shares-rows"
    severity = Severity.WARNING
    summary = "Multiplying a list that holds a list, dict or set repeats one object in every slot"
    message = "Every slot of '{expression}' holds the same '{element}' object"
    node_types = (*SharedElementsRule.node_types, ast.BinOp)
    bad_example = """\
grid = [[0] * 3] * 3
grid[0][0] = 1
"""
    good_example = """\
grid = [[0] * 3 for _ in range(3)]
grid[0][0] = 1
"""

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.products: list[tuple[ast.BinOp, ast.expr, ast.expr]] = []  # (product, element, count)

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.BinOp):
            found = self._repeated(node)
            if found is not None and self._kept(node):
                self.products.append((node, *found))
        else:
            super().visit(node)

    def shared_value(self, value: ast.expr) -> Optional[Shared]:
        found = self._repeated(value)
        return Shared(value, found[0]) if found is not None else None

    def _kept(self, product: ast.BinOp) -> bool:
        """Whether the rows outlive the expression: bound, stored, returned or yielded.

        A product used in place is read, not filled in: `product(*[values] * 4)` and
        `zip(*[it] * n)` repeat one object on purpose, `Matrix([[0] * 3] * 3)` copies the
        rows, `lines + [[blank]] * k` pads with read-only rows, `x == [[0] * 4] * 3`
        compares. Only rows that live on in a name, attribute or item invite the row-wise
        changes that make the sharing a bug.
        """
        node: ast.AST = product
        parent = self.ctx.parent(node)
        # Climb through what hands the value on unchanged: `a if c else [[0] * n] * n`,
        # `rows or [[0] * n] * n`, `(grid, n)`, `{"board": ...}`, a comprehension's element.
        while isinstance(parent, PASS_THROUGH) or (
            isinstance(parent, (ast.Dict, ast.DictComp)) and node is not getattr(parent, "key", None)
            and not any(node is key for key in getattr(parent, "keys", ()))
        ):
            if isinstance(parent, ast.IfExp) and node is parent.test:
                return False
            node, parent = parent, self.ctx.parent(parent)
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.AugAssign)):
            return parent.value is node
        if isinstance(parent, ast.Call):
            # `rows.extend([[0] * w] * k)`, `table.append(...)`: stored into a container.
            return isinstance(parent.func, ast.Attribute) and parent.func.attr in STORING_METHODS
        return isinstance(parent, (ast.Return, ast.Yield))

    def _repeated(self, node: ast.expr) -> Optional[tuple[ast.expr, ast.expr]]:
        """(the mutable element, the count) of `[[]] * n`, `n * [{}]`, `([],) * n`; else None."""
        if not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.Mult):
            return None
        if isinstance(node.left, (ast.List, ast.Tuple)):
            sequence, count = node.left, node.right
        elif isinstance(node.right, (ast.List, ast.Tuple)):
            sequence, count = node.right, node.left
        else:
            return None
        if isinstance(count, ast.UnaryOp) and isinstance(count.operand, ast.Constant):
            return None  # `* -1`: an empty list
        if isinstance(count, ast.Constant) and (not isinstance(count.value, int) or count.value <= 1):
            return None  # `* 0` and `* 1` leave at most one copy of each element: nothing is shared
        for element in sequence.elts:
            # `[0] * n`, `[None] * n`, `[()] * n`, `["a"] * n`: immutable elements are safe to
            # share, since "changing" one rebinds the slot. Only a known mutable value counts.
            if not isinstance(element, ast.Starred) and is_mutable_expr(self.ctx, element):
                return element, count
        return None

    def finish(self) -> None:
        segment = self.ctx.segment
        for product, element, count in self.products:
            shared = self.shared.get(product)
            context = {"expression": segment(product), "element": segment(element), "count": segment(count)}
            if shared is not None:
                context["rows"] = shared.name
                if shared.replaced_unknown and not shared.mutations:
                    # `grid = [[]] * n` then `grid[i] = []` for each i: the shared placeholder
                    # is overwritten before anything changes it.
                    continue
            mutations = shared.mutations if shared is not None else []
            related = [(m, f"changes one element of '{context['rows']}', so every slot changes") for m in mutations[:1]]
            if mutations:
                context["mutation"] = segment(mutations[0])
            self.report(
                product,
                severity=Severity.ERROR if mutations else Severity.WARNING,
                related=related,
                **context,
            )
