"""PIT602: `[[]] * n` repeats one inner object n times, so every row is the same row."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.analyses.copies import (
    FRESH_VALUES, IN_PLACE_CHANGES, Shared, SharedElementsRule, binding_of, element_aliases_changed, kept_beyond, route_to,
)
from pitfalls.analyses.mutation import is_mutable_expr
from pitfalls.model import Context


# Expressions that hand an operand on as their value (or as part of it).
PASS_THROUGH = (ast.IfExp, ast.BoolOp, ast.Tuple, ast.List, ast.ListComp, ast.SetComp, ast.GeneratorExp)
STORING_METHODS = frozenset({"append", "extend", "insert", "add", "setdefault", "update"})


class ListMultiplicationSharesRows(SharedElementsRule):
    code = "PIT602"
    name = "list-multiplication-shares-rows"
    severity = Severity.ERROR
    summary = "Multiplying a list that holds a list, dict or set repeats one object in every slot"
    message = "{shares}"
    node_types = (*SharedElementsRule.node_types, ast.BinOp)
    needs = ("*",)  # and more: see wanted()
    fixable = True
    fixer = "pitfalls.rules.pit602_fix:fix"

    @classmethod
    def wanted(cls, text: str) -> bool:
        """A display multiplied, on either side: `[[0] * n] * m`, `([],) * n`, `n * [{}]`. One scan
        from `*` to `*` (eight substring searches cost more than the rule's own visits)."""
        at = text.find("*")
        while at >= 0:
            if text[at - 1:at] in ("]", ")") or text[at - 2:at] in ("] ", ") ") or \
                    text[at + 1:at + 2] in ("[", "(") or text[at + 1:at + 3] in (" [", " ("):
                return True
            at = text.find("*", at + 1)
        return False  # safe: each slot gets the object it was meant to
    bad_example = """\
grid = [[0] * 3] * 3
grid[0][0] = 1
"""
    good_example = """\
grid = [[0] * 3 for _ in range(3)]
grid[0][0] = 1
"""
    example_context = {
        "expression": "[[0] * 3] * 3",
        "element": "[0] * 3",
        "count": "3",
        "times": "3",
        "shares": "Every slot of '[[0] * 3] * 3' holds the same '[0] * 3' object",
        "rows": "grid",
        "mutation": "grid[0][0] = 1",
        "kind": "list",
        "fixed": "[[0] * 3 for _ in range(3)]",
        "shown": "[[0] * 3] * 3",
        "line": "grid = [[0] * 3] * 3",
        "fixed_line": "grid = [[0] * 3 for _ in range(3)]",
        "slot": "row",
        "change": "`append` or item assignment",
        "fresh": "[0] * 3",
        "cost": "",
        "via": "",
        "probe": "`grid[0] is grid[1]`",
        "use": "mutates",
    }

    explanation = Explanation(
        definition="`$shown` doesn't make $times separate ${kind}s: it repeats a reference to one "
        "$kind, `$element`, $times times.",
        variant_key="use",
        implication={
            "mutates": "So `$mutation` changes that one $kind, and every $slot of `$rows` shows the change.",
            "loop": "So `$mutation` changes the same $kind on every pass of the loop, and every $slot of "
            "`$rows` ends up with all of the changes.",
            "returns": "`$function` returns the result, so the first $change a caller makes to one $slot "
            "shows up in every $slot.",
            "yields": "`$function` yields the result, so the first $change the consumer makes to one $slot "
            "shows up in every $slot.",
            "holds": "Nothing here changes that $kind yet, but `$target` keeps the result, so the first $change "
            "to one $slot will show up in every $slot.",
            "": "So the first $change to one $slot will show up in every $slot.",
        },
        example={
            "": "$line",
            "mutates": "$line\n$via$mutation",
            "loop": "$line\n$loop\n    $mutation",
        },
        layer="A flat `[0] * n` shares its one `0` the same way, and there it's harmless: an int can't "
        "change, so assigning to one slot puts a new object there instead of changing the shared one. "
        "Repetition always copies references; only a mutable element makes that visible.",
        follow_ups=(
            FollowUp(
                "How would you show that the ${slot}s are one object?",
                "Compare identity: $probe is `True`, and `id()` gives the same number for "
                "both. `==` can't tell, because it compares contents: a list built with a comprehension "
                "is equal to the multiplied one.",
            ),
            FollowUp(
                "Does `copy.deepcopy` give you independent ${slot}s?",
                "No. `deepcopy` keeps a memo of what it has already copied, so the shared $kind is copied "
                "once and the new list repeats that one copy. It preserves aliasing on purpose; build "
                "separate ${slot}s instead.",
            ),
            FollowUp(
                "Is repeating one object ever what you want?",
                "Yes, when it is read, not filled in. `zip(*[iter(items)] * 3)` repeats one iterator so "
                "`zip` takes three consecutive items for each tuple: the usual chunking idiom.",
            ),
        ),
        fix="Build the ${slot}s in a comprehension: it runs `$fresh` once per pass, so every $slot gets "
        "its own $kind.$cost",
        fix_code="$fixed_line",
        key_points=(
            "`$shown` repeats a reference to one $kind",
            "A change to one $slot shows up in every $slot",
            "Fix: a comprehension builds a new $kind on each pass",
        ),
        demo="""\
import copy

grid = [[0] * 3] * 3
assert grid[0] is grid[1] is grid[2]  # one row, three references
assert id(grid[0]) == id(grid[1])
grid[0][0] = 1
assert grid == [[1, 0, 0], [1, 0, 0], [1, 0, 0]]  # one change shows up in every row
grid[1].append(7)
assert all(row == [1, 0, 0, 7] for row in grid)

tables = [{}] * 3  # dicts and sets share the same way
tables[0]["k"] = 1
assert tables[2] == {"k": 1}

buckets = [set()] * 3
for i, bucket in enumerate(buckets):
    bucket.add(i)  # every pass changes the same set
assert all(bucket == {0, 1, 2} for bucket in buckets)

fixed = [[0] * 3 for _ in range(3)]  # the comprehension runs [0] * 3 three times
assert fixed[0] is not fixed[1] and fixed[1] is not fixed[2]
fixed[0][0] = 1
assert fixed == [[1, 0, 0], [0, 0, 0], [0, 0, 0]]
assert [[0] * 3] * 3 == [[0] * 3 for _ in range(3)]  # == can't tell them apart

row = [0, 0]
table = [row.copy() for _ in range(3)]  # a named row needs a copy per slot
assert table[0] is not table[1] and table[0] is not row and table[0] == row
assert (lambda e: e[0] is not e[1])(tuple([] for _ in range(2)))
mixed = [item for _ in range(2) for item in (0, [])]
assert mixed == [0, [], 0, []] and mixed[1] is not mixed[3]

zeros = [0] * 3  # ints are shared too, harmlessly
assert zeros[0] is zeros[1]
zeros[0] = 1  # rebinds one slot
assert zeros == [1, 0, 0]

clone = copy.deepcopy([[0] * 3] * 3)  # deepcopy keeps the aliasing
assert clone[0] is clone[1]
clone[0][0] = 1
assert clone == [[1, 0, 0]] * 3

items = iter(range(6))  # one iterator repeated on purpose
assert list(zip(*[items] * 3)) == [(0, 1, 2), (3, 4, 5)]
""",
        names=("shown", "count"),
        flags="A list or tuple repeated with `*` (`[[]] * n`, `n * [{}]`, `([],) * n`) whose element is a "
        "list, dict or set display or comprehension, a repetition such as `[0] * m`, a call of a mutable "
        "container type, or a name bound to one of those, when the result is kept: assigned, stored, "
        "returned, yielded or added to a list. It is an error when code then changes an element in place, "
        "through the name or a loop over it, and a hazard (strict mode) otherwise.",
        not_flagged=(
            "Immutable elements (`[0] * n`, `[None] * n`, `[()] * n`, `['a'] * n`, `[frozenset()] * n`): "
            "the slots are shared, but nothing can change them.",
            "Counts of 0, 1 or a negative literal: at most one copy of each element, so nothing is shared.",
            "Elements not known to be mutable, such as a parameter, a call result or a name rebound to one.",
            "Products used in place rather than kept: call arguments (`Matrix([[0] * 3] * 3)` may copy the "
            "rows; `zip(*[it] * n)` repeats one object on purpose), padding in `lines + [[blank]] * k`, "
            "comparisons and conditions.",
            "A list whose shared placeholders are all replaced (`slots[i] = []` in a loop) before anything "
            "changes them.",
            "A call of a local function that shadows a builtin, such as `def list(): ...`.",
        ),
        references=(
            "https://docs.python.org/3/faq/programming.html#how-do-i-create-a-multidimensional-list",
            "https://docs.python.org/3/library/stdtypes.html#common-sequence-operations",
            "https://docs.python.org/3/library/copy.html",
        ),
        prior_art=("wemake-python-styleguide WPS435 ListMultiplyViolation (flags every list multiplication)",),
    )

    other_severities = {
        Severity.HAZARD: "when the rows are kept but nothing changes one in place",
    }

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # (product, element, count, where the rows are kept, the element's kind and the rewrite)
        self.products: list[tuple[ast.BinOp, ast.expr, ast.expr, ast.AST, dict[str, str]]] = []
        self.by_product: dict[ast.BinOp, Shared] = {}  # the tracked rows, by their product

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.BinOp):
            found = self._repeated(node)
            site = self._site(node) if found is not None else None
            if site is not None:
                element, count = found
                # Done now, in the product's scope: `[row] * n` looks `row` up.
                words = {"kind": self.ctx.container_kind(element), "fixed": _rebuilt(self.ctx, node, count)}
                self.products.append((node, element, count, site, words))
        else:
            super().visit(node)

    def shared_value(self, value: ast.expr) -> Optional[Shared]:
        product = self._unwrapped(value)
        found = self._repeated(product)
        if found is None:
            return None
        shared = self.by_product[product] = Shared(value, found[0])  # type: ignore[index]
        return shared

    def _unwrapped(self, value: ast.expr) -> ast.expr:
        """`list([[]] * n)` and `tuple(...)` copy the slots, not the rows: the product inside."""
        while (
            isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords
            and self.ctx.call_name(value) in ("builtins.list", "builtins.tuple")
        ):
            value = value.args[0]
        return value

    def _site(self, product: ast.BinOp) -> Optional[ast.AST]:
        """Where the rows outlive the expression (the assignment, `return`, `yield`, lambda
        body, default or storing call), or None when they don't.

        A product used in place is read, not filled in: `product(*[values] * 4)` and
        `zip(*[it] * n)` repeat one object on purpose, `Matrix([[0] * 3] * 3)` copies the
        rows, `lines + [[blank]] * k` pads with read-only rows, `x == [[0] * 4] * 3`
        compares. Only rows that live on in a name, attribute or item invite the row-wise
        changes that make the sharing a bug. `list(...)` and `tuple(...)` around them copy the
        slots and keep the rows.
        """
        node: ast.AST = product
        parent = self.ctx.parent(node)
        # Climb through what hands the value on unchanged: `a if c else [[0] * n] * n`,
        # `rows or [[0] * n] * n`, `(grid, n)`, `{"board": ...}`, a comprehension's element.
        while True:
            if isinstance(parent, PASS_THROUGH) or (
                isinstance(parent, (ast.Dict, ast.DictComp)) and node is not getattr(parent, "key", None)
                and not any(node is key for key in getattr(parent, "keys", ()))
            ):
                if isinstance(parent, ast.IfExp) and node is parent.test:
                    return None
            elif (
                isinstance(parent, ast.Call) and len(parent.args) == 1 and parent.args[0] is node
                and not parent.keywords and self.ctx.call_name(parent) in ("builtins.list", "builtins.tuple")
            ):
                pass
            else:
                break
            node, parent = parent, self.ctx.parent(parent)
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.AugAssign)):
            return parent if parent.value is node else None
        if isinstance(parent, ast.Call):
            # `rows.extend([[0] * w] * k)`, `table.append(...)`: stored into a container.
            stores = isinstance(parent.func, ast.Attribute) and parent.func.attr in STORING_METHODS
            return parent if stores else None
        if isinstance(parent, ast.Lambda):
            call = self.ctx.parent(parent)
            if isinstance(call, ast.Call) and parent in call.args and (
                (self.ctx.dotted(call.func) or "").rpartition(".")[2].lower().endswith("raises")
            ):
                return None  # `raises(TypeError, lambda: [[1]] * A)`: run to see it fail
            return parent if parent.body is node else None
        if isinstance(parent, ast.arguments):
            return parent  # a default: every call that leaves it out gets these rows
        return parent if isinstance(parent, (ast.Return, ast.Yield)) else None

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
        for product, element, count, site, words in self.products:
            shared = self.by_product.get(product)
            context = {"expression": segment(product), "element": segment(element), "count": segment(count)}
            context["times"] = context["count"] if context["count"].isdigit() else f"`{context['count']}`"
            sequence = product.left if isinstance(product.left, (ast.List, ast.Tuple)) else product.right
            elements = len(sequence.elts)  # type: ignore[attr-defined]
            if elements > 1:
                context["shares"] = (
                    f"The {context['count']} copies in '{context['expression']}' share each of its "
                    f"{elements} elements: every copy holds the same '{context['element']}' object"
                )
            else:
                context["shares"] = f"Every slot of '{context['expression']}' holds the same '{context['element']}' object"
            mutations = list(shared.mutations) if shared is not None else []
            if shared is not None and shared.replaced_unknown and not mutations:
                # `grid = [[]] * n` then `grid[i] = []` for each i: the shared placeholder
                # is overwritten before anything changes it.
                continue
            target = _kept_in(site)
            binding = binding_of(self.ctx, target) if _single_target(site) else None
            if binding is not None:
                if shared is not None:
                    mutations.extend(element_aliases_changed(self.ctx, binding))
                if not mutations and not kept_beyond(self.ctx, binding):
                    continue  # rows only read where they are made: nothing shares them further
            context["rows"] = shared.name if shared is not None and shared.name else (
                _text(self.ctx, target) if isinstance(target, (ast.Name, ast.Attribute)) else ""
            )
            related = [
                (m, f"changes one element of '{context['rows']}', so every slot changes") for m in mutations[:1]
            ]
            if mutations:
                context["mutation"] = segment(mutations[0], limit=None)
            context.update(self._answer_words(product, element, site, words, shared, mutations))
            self.report(
                product,
                severity=Severity.ERROR if mutations else Severity.HAZARD,
                related=related,
                fixable=_fixable(product),
                **context,
            )

    def _answer_words(
        self, product: ast.BinOp, element: ast.expr, site: ast.AST, words: dict[str, str], shared: Optional[Shared],
        mutations: list[ast.AST],
    ) -> dict[str, str]:
        """The explanation's context: what is kept where, and the rewrite, in the user's names."""
        shown = self.ctx.segment(product, limit=None)
        if isinstance(site, ast.arguments):
            line = _header(self.ctx, self.ctx.parent(site))
        elif isinstance(site, ast.Lambda):
            line = self.ctx.segment(site, limit=None)
        else:
            line = self.ctx.segment(self.ctx.statement(site) if isinstance(site, ast.Call) else site, limit=None)
        if isinstance(site, ast.NamedExpr):
            line = line if line.startswith("(") else f"({line})"
        fixed, kind = words["fixed"], words["kind"]
        words = {
            **words,
            "shown": shown,
            "line": line,
            "fixed_line": line.replace(shown, fixed, 1) if shown in line else fixed,
            "slot": "row" if kind == "list" else "slot",
            "change": IN_PLACE_CHANGES.get(kind, "in-place change"),
            "fresh": _fresh(self.ctx, element),
            "cost": _cost(self.ctx, element, product),
            "probe": _probe(self.ctx, product, site, shown),
        }
        if mutations:
            loop = self._loop_around(mutations[0], shared) if shared is not None else None
            if loop is not None:
                prefix = "async for" if isinstance(loop, ast.AsyncFor) else "for"
                words["use"] = "loop"
                words["loop"] = f"{prefix} {self.ctx.segment(loop.target, limit=None)} in {self.ctx.segment(loop.iter, limit=None)}:"
            else:
                words["use"] = "mutates"
                words["via"] = route_to(self.ctx, mutations[0], shared.name if shared is not None else "")
        elif isinstance(site, (ast.Return, ast.Yield, ast.Lambda)):
            words["use"] = "yields" if isinstance(site, ast.Yield) else "returns"
            function = site if isinstance(site, ast.Lambda) else self.ctx.enclosing_function(site)
            words["function"] = getattr(function, "name", None) or self.ctx.segment(function)
        else:
            words["use"] = "holds"
            words["target"] = _text(self.ctx, _kept_in(site))
        return words

    def _loop_around(self, change: ast.AST, shared: Shared) -> Optional[ast.AST]:
        """The loop over the rows whose element `change` changes (`for bucket in buckets:`), if any."""
        root = _root_name(change)
        for ancestor in self.ctx.ancestors(change):
            variable, tracked = self.loops.get(ancestor, ("", None))
            if tracked is shared and variable == root:
                return ancestor
        return None


def _fresh(ctx: Context, element: ast.expr) -> str:
    """An expression that builds a new element each time it runs: `[0] * m`, `set()`, `row.copy()`."""
    text = ctx.segment(element, limit=None)
    return f"{text}.copy()" if isinstance(element, ast.Name) else text


def _rebuilt(ctx: Context, product: ast.BinOp, count: ast.expr) -> str:
    """The product rewritten so every element is built anew: `[[0] * m for _ in range(n)]`."""
    sequence = product.left if isinstance(product.left, (ast.List, ast.Tuple)) else product.right
    assert isinstance(sequence, (ast.List, ast.Tuple))
    times = f"range({ctx.segment(count, limit=None)})"
    items = [_fresh(ctx, e) if is_mutable_expr(ctx, e) else ctx.segment(e, limit=None) for e in sequence.elts]
    if len(items) == 1:
        body = f"{items[0]} for _ in {times}"
    else:
        body = f"item for _ in {times} for item in ({', '.join(items)})"
    return f"[{body}]" if isinstance(sequence, ast.List) else f"tuple({body})"


def _probe(ctx: Context, product: ast.BinOp, site: ast.AST, shown: str) -> str:
    """Code that shows two slots are one object, in the user's names: `rows[0] is rows[1]`."""
    sequence = product.left if isinstance(product.left, (ast.List, ast.Tuple)) else product.right
    step = len(sequence.elts)  # type: ignore[attr-defined]
    target = _kept_in(site)
    if isinstance(site, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and isinstance(target, (ast.Name, ast.Attribute)) \
            and ctx.segment(site.value, limit=None) == shown:
        name = _text(ctx, target)
        return f"`{name}[0] is {name}[{step}]`"
    if isinstance(site, ast.arguments) and isinstance(target, ast.Name):
        return f"`{target.id}[0] is {target.id}[{step}]` (for a call that leaves `{target.id}` out)"
    return f"`rows[0] is rows[{step}]` after `rows = {shown}`"


def _cost(ctx: Context, element: ast.expr, product: ast.BinOp) -> str:
    """What the comprehension costs when each row is itself a repetition (`[0] * m`): the
    shared form allocated one row, the fixed one allocates a row per slot."""
    if not (isinstance(element, ast.BinOp) and isinstance(element.op, ast.Mult)):
        return ""
    width = element.right if isinstance(element.left, (ast.List, ast.Tuple)) else element.left
    if isinstance(width, ast.Constant) and isinstance(width.value, int) and width.value < 1000:
        return ""  # short rows: the copies cost little
    sequence = product.left if isinstance(product.left, (ast.List, ast.Tuple)) else product.right
    count = product.right if sequence is product.left else product.left
    return (
        f" That costs memory the shared form never used: `{ctx.segment(product, limit=None)}` allocated one "
        f"row, the comprehension allocates `{ctx.segment(count, limit=None)}` of them, so with large sizes (10,000 "
        "rows of 10,000 zeros: 100 million slots, about 800 MB of pointers on a 64-bit build) check that "
        "you need separate rows; a shared row that is only ever read is safe to keep, with a comment saying so."
    )


def _header(ctx: Context, function: Optional[ast.AST]) -> str:
    """The `def` line(s) up to the body, or the lambda, whose parameter defaults are quoted."""
    if isinstance(function, ast.Lambda) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ctx.segment(function, limit=None) if function is not None else ""
    first, body = function.lineno, function.body[0].lineno
    lines = ctx.lines[first - 1 : max(body - 1, first)]
    return "\n".join(lines).strip()


def _text(ctx: Context, node: ast.AST) -> str:
    if isinstance(node, ast.Name) and not hasattr(node, "lineno"):
        return node.id  # a parameter, named by `_parameter`
    return ctx.segment(node, limit=None)


def _single_target(site: ast.AST) -> bool:
    return isinstance(site, (ast.AnnAssign, ast.NamedExpr)) or (isinstance(site, ast.Assign) and len(site.targets) == 1)


def _kept_in(site: ast.AST) -> ast.AST:
    """What keeps the rows at `site`: the assigned name or attribute, the list extended, the
    parameter whose default they are."""
    if isinstance(site, ast.arguments):
        return _parameter(site)
    if isinstance(site, ast.Assign):
        return site.targets[0]
    if isinstance(site, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
        return site.target
    if isinstance(site, ast.Call) and isinstance(site.func, ast.Attribute):
        return site.func.value
    return site


def _parameter(arguments: ast.arguments) -> ast.AST:
    """The parameter whose default is a repetition (the first such, in order)."""
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
    pairs += [(arg, default) for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults) if default]
    for arg, default in pairs:
        if isinstance(default, ast.BinOp) or isinstance(default, ast.Call):
            return ast.Name(id=arg.arg, ctx=ast.Load())
    return arguments


def _root_name(change: ast.AST) -> str:
    """The name an in-place change goes through: `bucket` in `bucket.add(1)` or `row[0] = 1`."""
    node = change
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    elif isinstance(node, (ast.Assign, ast.Delete)):
        node = node.targets[0]
    elif isinstance(node, ast.AugAssign):
        node = node.target
    while isinstance(node, ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _fixable(product: ast.BinOp) -> bool:
    """What pit602_fix can rewrite: one element in a list display, which builds a new object each
    time it runs (re-running `row` would still share `row`)."""
    for sequence in (product.left, product.right):
        if isinstance(sequence, ast.List) and len(sequence.elts) == 1 and isinstance(sequence.elts[0], FRESH_VALUES):
            return True
    return False
