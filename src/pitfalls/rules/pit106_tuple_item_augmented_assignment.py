"""PIT106: `t[0] += [1]` on a tuple raises TypeError, after the list inside was already extended."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.analyses.paths import expected_error, reads_only
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.model.context import AUGMENTED_OPERATORS
from pitfalls.rule import Rule

# Per kind of item, the augmented operators that change it in place (its `__iadd__`, `__ior__`...)
# and what the right side must be for that to work: "iterable", "int", "set", "mapping", "bytes".
IN_PLACE = {
    "list": {"+=": "iterable", "*=": "int"},
    "deque": {"+=": "iterable", "*=": "int"},
    "bytearray": {"+=": "bytes", "*=": "int"},
    "set": {"|=": "set", "&=": "set", "-=": "set", "^=": "set"},
    "dict": {"|=": "mapping"},  # 3.9+
    "defaultdict": {"|=": "mapping"},
    "OrderedDict": {"|=": "mapping"},
    "Counter": {"+=": "mapping", "-=": "mapping", "|=": "mapping", "&=": "mapping"},
}
# The method that changes each kind in place, for the fix (`t[0].extend([1])`).
METHODS = {
    ("list", "+="): "extend", ("deque", "+="): "extend", ("bytearray", "+="): "extend",
    ("set", "|="): "update", ("set", "&="): "intersection_update", ("set", "-="): "difference_update",
    ("set", "^="): "symmetric_difference_update", ("dict", "|="): "update", ("defaultdict", "|="): "update",
    ("OrderedDict", "|="): "update",
}
ADDS = {"list": "extend", "deque": "extend", "bytearray": "extend", "set": "update", "dict": "update",
        "defaultdict": "update", "OrderedDict": "update", "Counter": "update"}
IMMUTABLE = frozenset({"int", "float", "complex", "str", "bytes", "bool", "None", "tuple", "frozenset"})
ANNOTATED = {"List": "list", "Dict": "dict", "Set": "set", "Deque": "deque", "DefaultDict": "defaultdict",
             "Tuple": "tuple", "FrozenSet": "frozenset", "Counter": "Counter", "OrderedDict": "OrderedDict"}
ITERABLE_CALLS = frozenset({"tuple", "range", "sorted", "reversed", "zip", "map", "filter", "enumerate", "list",
                            "set", "dict", "frozenset", "deque"})
# Values that are certainly not tuples, whatever the annotation says.
NOT_TUPLES = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp,
              ast.Constant, ast.JoinedStr, ast.Lambda)


DUNDERS = {"+=": "add", "-=": "sub", "*=": "mul", "@=": "matmul", "/=": "truediv", "//=": "floordiv",
           "%=": "mod", "**=": "pow", "<<=": "lshift", ">>=": "rshift", "|=": "or", "&=": "and", "^=": "xor"}
CHANGED = ("The $kind in `$item` has its own in-place `$op`, so it changes first. Then the store raises "
           "TypeError, and the change stays although the statement failed.")
MAY_CHANGE = ("The $kind in `$item` has its own in-place `$op`, so (when `$value` suits it) it changes first. "
              "Then the store raises TypeError, and the change stays although the statement failed.")
METHOD_FIX = "Call the $kind's own method: it changes the $kind in place and stores nothing into `$name`."
INNER_FIX = ("Bind the $kind to a name first: a name can be rebound, and it is the same object as `$item`, so "
             "the $kind changes and nothing is stored into `$name`.")
MAYBE = ("So it never succeeds: at the latest, the store raises TypeError. If `$item` holds $holder, that changes first, and the change stays "
         "although the statement failed.")
CHANGED_FIRST = ": '{name}' is a tuple, and the {kind} in '{item}' is changed in place first"
MAY_CHANGE_FIRST = CHANGED_FIRST + " (if it takes '{value}')"
TWISTS = {
    "changed": CHANGED_FIRST,
    "changed_inner": CHANGED_FIRST,
    "may_change": MAY_CHANGE_FIRST,
    "may_change_inner": MAY_CHANGE_FIRST,
    "maybe": ": '{name}' is a tuple; if '{item}' holds {holder}, it changes first",
    "maybe_rebuilt": ": '{name}' is a tuple; if '{item}' holds {holder}, it changes first",
    "immutable": ": '{name}' is a tuple, and nothing changes",
    "unsupported": ": {a_kind} has no in-place '{op}' for '{value}' (and '{name}' is a tuple)",
}


class TupleItemAugmentedAssignment(Rule):
    code = "PIT106"
    name = "tuple-item-augmented-assignment"
    severity = Severity.ERROR
    summary = "An augmented assignment to a tuple's item always raises TypeError, and a list inside changes first"
    message = "'{statement}' raises TypeError{twist}"
    node_types = (ast.AugAssign,)
    needs = ("=",)  # any augmented operator has one; a longer list costs more to scan than it saves
    peer_codes = ("E1137", "unsupported-assignment-operation")
    bad_example = """\
pair = ([1, 2], "x")
pair[0] += [3]
"""
    good_example = """\
pair = ([1, 2], "x")
pair[0].extend([3])
"""
    example_context = {
        "statement": "pair[0] += [3]",
        "item": "pair[0]",
        "name": "pair",
        "op": "+=",
        "value": "[3]",
        "index": "0",
        "kind": "list",
        "variant": "changed",
        "twist": ": 'pair' is a tuple, and the list in 'pair[0]' is changed in place first",
        "dunder": "__iadd__",
        "bop": "+",
        "a_kind": "a list",
        "holder": "a list",
        "shown": 'pair = ([1, 2], "x")\npair[0] += [3]',
        "fixed": "pair[0].extend([3])",
    }
    explanation = Explanation(
        definition="`$statement` reads `$item`, applies `$op`, then stores the result back into "
        "`$item`; but `$name` is a tuple, and a tuple's items can't be reassigned.",
        variant_key="variant",
        implication={**{variant: CHANGED for variant in ("changed", "changed_inner")},
                     **{variant: MAY_CHANGE for variant in ("may_change", "may_change_inner")},
            **{variant: MAYBE for variant in ("maybe", "maybe_rebuilt")},
            "immutable": "So it raises TypeError, and nothing changes: $a_kind has no in-place `$op`, so at most "
            "Python computes a new value, which it can't store.",
            "unsupported": "And it fails even earlier: $a_kind has no in-place `$op` that takes `$value`, so it "
            "raises TypeError before anything changes.",
            "": "So it raises TypeError.",
        },
        example="$shown",
        layer="Python runs it in three steps: `x = $item`, then `x $op $value` (the item's own `$dunder` "
        "if it has one, else a plain `$bop` that builds a new object), then `$item = x`. Only the third step "
        "touches the tuple, and it always fails. A list's `__iadd__` extends the list itself, so a list item "
        "has already grown by then.",
        follow_ups=(
            FollowUp(
                "Why does `+=` on a list inside a tuple succeed when the statement fails?",
                "`$item += [1]` compiles to a load of `$item`, an in-place add (INPLACE_ADD before 3.11, "
                "BINARY_OP since) and a STORE_SUBSCR into `$name`. A list's `__iadd__` extends it and "
                "returns it; only STORE_SUBSCR, on the tuple, raises.",
            ),
            FollowUp(
                "How do I change a list held in a tuple without the error?",
                "Call its method: `$item.extend(more)` or `$item.append(x)`; nothing is stored into "
                "`$name`. Or bind it to a name first: `inner = $item`, then `inner += more`. A name can be "
                "rebound, and `inner` is the same list.",
            ),
            FollowUp(
                "Why does `+=` on a tuple of ints change nothing?",
                "An int has no in-place `+=`, so Python falls back to `+`, builds a new int, and then fails "
                "to store it. Only items with an in-place operator change before the error: a list (`+=`, "
                "`*=`), a set (`|=`, `-=`), a dict (`|=`, 3.9+).",
            ),
        ),
        fix={
            **{variant: METHOD_FIX for variant in ("changed", "may_change")},
            **{variant: INNER_FIX for variant in ("changed_inner", "may_change_inner")},
            "maybe": "If `$item` is a list you meant to grow, extend it: that changes it in place and stores "
            "nothing into `$name`. To replace the item instead, build a new tuple.",
            "maybe_rebuilt": "Build a new tuple with the new item. If `$item` holds a mutable object you meant to "
            "change in place, call its own method instead: that stores nothing into `$name`.",
            "immutable": "Build a new tuple with the new item (or keep the values in a list if they change):",
            "unsupported": "To add to the $kind, call its method: it changes the $kind in place and stores "
            "nothing into `$name`.",
            "": "Build a new tuple with the new item.",
        },
        fix_code="$fixed",
        key_points=(
            "`$statement` reads the item, applies `$op`, then stores it back",
            "Storing into a tuple's item always raises `TypeError`",
            "A mutable item, such as a list, may change before the error",
            "Fix: call the item's own method, or build a new tuple",
        ),
        demo='''\
import dis
import sys
from collections import deque

pair = ([1, 2], "x")
try:
    pair[0] += [3]
except TypeError as error:
    assert "does not support item assignment" in str(error)
else:
    raise AssertionError("expected TypeError")
assert pair == ([1, 2, 3], "x")  # the list changed, and the statement raised

# The three steps: load, in-place operation, store into the tuple.
x = pair[0]
x = x.__iadd__([4])
assert x is pair[0] and pair[0] == [1, 2, 3, 4]
try:
    pair.__setitem__(0, x)
except (TypeError, AttributeError):
    pass  # a tuple has no __setitem__
ops = [(i.opname, i.argrepr) for i in dis.get_instructions(compile("pair[0] += [3]", "<s>", "exec"))]
names = [name for name, _ in ops]
assert "STORE_SUBSCR" in names
if sys.version_info >= (3, 11):
    assert ("BINARY_OP", "+=") in ops
else:
    assert "INPLACE_ADD" in names

# The fixes: the list's own method, or a name (which can be rebound).
pair[0].extend([5])
pair[0].append(6)
inner = pair[0]
inner += [7]
assert inner is pair[0] and pair == ([1, 2, 3, 4, 5, 6, 7], "x")

def fails(statement, **names):
    try:
        exec(statement, names)
    except TypeError:
        return True
    return False

# Tuple of immutables: TypeError, nothing changes; a new tuple is the fix.
point = (1, 2)
assert fails("point[0] += 1", point=point) and point == (1, 2)
items = list(point)
items[0] += 1
point = tuple(items)
assert point == (2, 2)
assert fails("point[0:1] += (9,)", point=point) and point == (2, 2)

# Which operators change the item before the TypeError, and which raise first.
table = ([1], {"a": 1}, {1}, deque([1]), bytearray(b"a"))
assert fails("t[0] *= 2", t=table) and table[0] == [1, 1]
assert fails("t[0] |= [2]", t=table) and table[0] == [1, 1]  # list has no |=
assert fails("t[0] += 1", t=table) and table[0] == [1, 1]  # not iterable
assert fails("t[1] += {'b': 2}", t=table) and table[1] == {"a": 1}  # dict has no +=
assert fails("t[1] |= {'b': 2}", t=table) and table[1] == {"a": 1, "b": 2}  # 3.9+
assert fails("t[2] |= {2}", t=table) and table[2] == {1, 2}
assert fails("t[2] -= {1}", t=table) and table[2] == {2}
assert fails("t[2] |= [3]", t=table) and table[2] == {2}  # set's |= takes sets only
assert fails("t[2] += {3}", t=table) and table[2] == {2}
assert fails("t[3] += [2]", t=table) and table[3] == deque([1, 2])
assert fails("t[4] += b'b'", t=table) and table[4] == bytearray(b"ab")
''',
        names=("statement", "name"),
        flags="An augmented assignment (`+=`, `|=`, `*=`...) to an item or slice of a name bound to a "
        "tuple display, to `tuple(...)`, or annotated `tuple`/`Tuple` (a parameter too), or of a tuple "
        "display itself, and `self[i] op= x` in a `NamedTuple` method. The answer says whether the item "
        "changes first: a list with `+=`/`*=`, a set with `|=`/`&=`/`-=`/`^=`, a dict with `|=`.",
        not_flagged=(
            "A name rebound to something else on some path that reaches the statement (`t = list(t)` in "
            "one branch), or bound by a loop, an unpacking or a call we can't see into.",
            "An item of an item (`t[0][1] += 1`), or an attribute (`self.t[0] += 1`): the store goes to the "
            "inner object, or to something whose type we don't know.",
            "A statement inside `pytest.raises(TypeError)`, `assertRaises`, `suppress(TypeError)` or a "
            "`try` whose handler names `TypeError`: a demonstration of this very pitfall.",
            "A plain `t[0] = x`: not an augmented assignment (type checkers report it).",
        ),
        references=(
            "https://docs.python.org/3/faq/programming.html#why-does-a-tuple-i-item-raise-an-exception-when-the-addition-works",
            "https://docs.python.org/3/reference/simple_stmts.html#augmented-assignment-statements",
        ),
        prior_art=("pylint E1137 unsupported-assignment-operation", "mypy: Unsupported target for indexed assignment"),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.candidates: list[ast.AugAssign] = []

    def visit(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Subscript) and isinstance(node.target.value, (ast.Name, ast.Tuple)):
            self.candidates.append(node)

    def finish(self) -> None:
        for node in self.candidates:
            self._check(node)

    def _check(self, node: ast.AugAssign) -> None:
        target = node.target
        assert isinstance(target, ast.Subscript)
        base = target.value
        if isinstance(base, ast.Tuple):
            facts: Optional[tuple] = ("display", base.elts)
            binding = None
        else:
            # A tuple on every path: a binding further down (in a loop, or in another function
            # through `global`) can make the name something else when the statement runs.
            binding = reads_only(self.ctx, base, lambda each: self._tuple_facts(each) is not None)
            if binding is None:
                return
            facts = self._tuple_facts(binding)
        if expected_error(self.ctx, node, "TypeError"):
            return
        op = AUGMENTED_OPERATORS[type(node.op)]
        kind = self._item_kind(facts, target.slice)
        if kind is None:
            return  # a constant index past the end: IndexError, not this pitfall
        variant, fixed = self._variant(kind, op, node, target)
        words = dict(
            statement=self.ctx.segment(node), item=self.ctx.segment(target), name=self.ctx.segment(base),
            op=op, value=self.ctx.segment(node.value), index=self.ctx.segment(target.slice),
            kind=kind or "object", variant=variant, dunder=f"__i{DUNDERS[op]}__", bop=op[:-1], fixed=fixed,
        )
        words["holder"] = _holder(op, node.value)
        words["a_kind"] = ("an " if words["kind"][0] in "aeiouAEIOU" else "a ") + words["kind"]
        words["twist"] = TWISTS[variant].format(**words)
        words["shown"] = self._shown(binding, words["statement"])
        self.report(node, **words)

    # -- is it a tuple? -------------------------------------------------------------------------

    def _tuple_facts(self, binding) -> Optional[tuple]:
        """("display", elements), ("annotation", element annotations, repeated one or None) or
        ("unknown",) when `binding` makes its name a tuple; None otherwise."""
        ctx = self.ctx
        if binding.kind in ("assign", "walrus") and binding.value is not None:
            if isinstance(binding.value, ast.Tuple):
                return ("display", binding.value.elts)
            if ctx.call_name(binding.value, binding.scope) == "builtins.tuple":
                return ("unknown",)
            if isinstance(binding.value, NOT_TUPLES) or ctx.is_mutable_value(binding.value, binding.scope):
                return None  # `t: tuple = []`: the value, not the annotation, is what runs
            annotated = ctx.parent(binding.node)
            if isinstance(annotated, ast.AnnAssign):
                return self._annotated(annotated.annotation, binding.scope)
            for declared in binding.scope.bindings.get(binding.name, ()):
                statement = ctx.parent(declared.node)
                if declared.kind == "annotation" and isinstance(statement, ast.AnnAssign):
                    return self._annotated(statement.annotation, binding.scope)
            return None
        if binding.kind == "param":
            if binding.node.annotation is not None:
                return self._annotated(binding.node.annotation, binding.scope.parent)
            # `self` in a NamedTuple's method. Asked only of a def's first parameter (class facts
            # are not cheap), and only when that def sits in a class body.
            node = binding.scope.node
            first = (*node.args.posonlyargs, *node.args.args)[:1] if isinstance(node, ast.FunctionDef) else ()
            in_class = bool(first) and first[0] is binding.node and binding.scope.parent.kind.name == "CLASS"
            method = ctx.classes.receiver_of(binding) if in_class else None
            if method is not None and method.receives == "instance" and method.cls.family == "namedtuple":
                if method.cls.lookup("__setitem__") is None:
                    return ("unknown",)
        if binding.kind == "augassign":  # `t += (x,)` keeps a tuple a tuple (see `reads_only`)
            return ("unknown",)
        return None

    def _annotated(self, annotation: ast.expr, scope) -> Optional[tuple]:
        if self.ctx.dotted(annotation, scope) not in ("builtins.tuple", "typing.Tuple", "typing_extensions.Tuple"):
            return None
        if not isinstance(annotation, ast.Subscript):
            return ("unknown",)
        inner = annotation.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if len(elements) == 2 and isinstance(elements[1], ast.Constant) and elements[1].value is Ellipsis:
            return ("annotation", [], elements[0])
        return ("annotation", elements, None)

    # -- what the item is, and what the statement does to it --------------------------------------

    def _item_kind(self, facts: tuple, index: ast.expr) -> Optional[str]:
        if isinstance(index, ast.Slice):
            return "tuple"  # a slice of a tuple is a new tuple
        negative = isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub)
        number = index.operand if negative else index  # type: ignore[attr-defined]
        if facts[0] == "unknown" or not isinstance(number, ast.Constant) or type(number.value) is not int:
            return ""
        at = -number.value if negative else number.value
        if facts[0] == "annotation":
            elements, repeated = facts[1], facts[2]
            if repeated is not None:
                return self._annotation_kind(repeated)
            return self._annotation_kind(elements[at]) if -len(elements) <= at < len(elements) else None
        elements = facts[1]
        starred = any(isinstance(e, ast.Starred) for e in elements)
        if not -len(elements) <= at < len(elements):
            return "" if starred else None
        before = elements[: at + 1] if at >= 0 else elements[at:]
        if any(isinstance(e, ast.Starred) for e in before):
            return ""
        return self._value_kind(elements[at], 0)

    def _annotation_kind(self, annotation: ast.expr) -> str:
        name = self.ctx.dotted(annotation).rpartition(".")[2]
        kind = ANNOTATED.get(name, name)
        return kind if kind in IN_PLACE or kind in IMMUTABLE else ""

    def _value_kind(self, value: ast.expr, depth: int) -> str:
        if isinstance(value, ast.Constant):
            return "None" if value.value is None else type(value.value).__name__
        if isinstance(value, (ast.Tuple, ast.JoinedStr)):
            return "tuple" if isinstance(value, ast.Tuple) else "str"
        if isinstance(value, ast.Name) and depth < 2:
            binding = self.ctx.resolve(value)
            if binding is None or binding.kind not in ("assign", "walrus") or binding.value is None:
                return ""
            if any(b.kind != "annotation" and b is not binding for b in binding.scope.bindings.get(value.id, ())):
                return ""
            return self._value_kind(binding.value, depth + 1)
        if isinstance(value, ast.Call):
            name = (self.ctx.call_name(value) or "").rpartition(".")[2]
            return name if name in IN_PLACE or name in IMMUTABLE else ""
        if self.ctx.is_mutable_value(value):
            kind = self.ctx.container_kind(value)
            return kind if kind in IN_PLACE else ""
        return ""

    def _variant(self, kind: str, op: str, node: ast.AugAssign, target: ast.Subscript) -> tuple[str, str]:
        """The answer's variant, and the fixed code."""
        item, value = self.ctx.segment(target, limit=None), self.ctx.segment(node.value, limit=None)
        name = self.ctx.segment(target.value, limit=None)
        rebuilt = f"items = list({name})\nitems[{self.ctx.segment(target.slice, limit=None)}] {op} {value}\n" \
                  f"{name} = tuple(items)"
        if not kind:
            if op == "+=" and _fits("iterable", node.value, "list") != "no":
                return "maybe", f"{item}.extend({value})"
            return "maybe_rebuilt", rebuilt
        if kind in IMMUTABLE:
            return "immutable", rebuilt
        needs = IN_PLACE[kind].get(op)
        fits = _fits(needs, node.value, kind) if needs else "no"
        if fits == "no":
            add = "append" if kind in ("list", "deque") and _fits("iterable", node.value, kind) == "no" else ADDS[kind]
            return "unsupported", f"{item}.{add}({value})"
        variant = "changed" if fits == "yes" else "may_change"
        method = METHODS.get((kind, op))
        if method:
            return variant, f"{item}.{method}({value})"
        return variant + "_inner", f"inner = {item}\ninner {op} {value}"

    def _shown(self, binding, statement: str) -> str:
        """The 30-second example: the tuple's binding (when it is a short assignment) and the statement."""
        if binding is not None and binding.kind in ("assign", "walrus"):
            bound = self.ctx.statement(binding.node)
            line = self.ctx.segment(bound) if bound is not None else ""
            if isinstance(bound, (ast.Assign, ast.AnnAssign)) and len(line) <= 60 and "..." not in line:
                return f"{line}\n{statement}"
        return statement


def _holder(op: str, value: ast.expr) -> str:
    """What an unknown item would have to be for `op` to change it in place before the error."""
    number = isinstance(value, ast.Constant) and isinstance(value.value, (int, float, complex))
    if op == "+=" and not number:
        return "a list"
    if op == "*=" and isinstance(value, ast.Constant) and type(value.value) is int:
        return "a list"
    if op == "|=" and not number:
        return "a set or a dict"
    if op in ("-=", "&=", "^=") and not number:
        return "a set"
    return f"an object with its own in-place {op}, such as a NumPy array"


def _fits(needs: str, value: ast.expr, kind: str) -> str:
    """"yes", "no" or "unknown": whether the in-place operator of `kind` accepts `value`."""
    constant = value.value if isinstance(value, ast.Constant) else Ellipsis
    name = ""
    if isinstance(value, ast.Call):
        func = value.func
        name = getattr(func, "id", None) or getattr(func, "attr", None) or ""
    if needs == "iterable":
        if isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp,
                              ast.GeneratorExp, ast.JoinedStr)) or isinstance(constant, (str, bytes)):
            return "yes"
        if name in ITERABLE_CALLS:
            return "yes"
        return "no" if isinstance(value, ast.Constant) else "unknown"
    if needs == "int":
        if isinstance(constant, int):
            return "yes"
        return "no" if isinstance(value, (ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Set)) else "unknown"
    if needs == "bytes":
        if isinstance(constant, bytes) or name in ("bytes", "bytearray"):
            return "yes"
        return "no" if isinstance(value, (ast.Constant, ast.List, ast.Dict, ast.Set, ast.Tuple)) else "unknown"
    if needs == "set":
        if isinstance(value, (ast.Set, ast.SetComp)) or name in ("set", "frozenset"):
            return "yes"
        return "no" if isinstance(value, (ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.ListComp, ast.DictComp,
                                          ast.GeneratorExp)) else "unknown"
    # "mapping": a dict's `|=` (3.9+), a Counter's arithmetic
    if isinstance(value, (ast.Dict, ast.DictComp)) or name in ("dict", "Counter", "OrderedDict", "defaultdict"):
        return "yes"
    if kind != "Counter" and isinstance(value, ast.Constant):
        return "no"
    return "unknown"
