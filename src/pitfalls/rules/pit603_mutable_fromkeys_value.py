"""PIT603: `dict.fromkeys(keys, [])` gives every key the same list, not a list each."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.analyses.copies import (
    FRESH_VALUES, IN_PLACE_CHANGES, Shared, SharedElementsRule, binding_of, element_aliases_changed, route_to,
)
from pitfalls.analyses.mutation import MUTATING_METHODS, is_mutable_expr, uses_of

# `defaultdict.fromkeys` and `OrderedDict.fromkeys` are the inherited `dict.fromkeys`: the same
# one value for every key. (`Counter.fromkeys` raises NotImplementedError, so it is not here.)
FROMKEYS = frozenset(
    {"builtins.dict.fromkeys", "collections.OrderedDict.fromkeys", "collections.defaultdict.fromkeys"}
)
# The dict types whose `fromkeys` that is, by qualified name, and the fix's form for each.
DICT_TYPES = {
    "builtins.dict": "builtins.dict.fromkeys",
    "collections.OrderedDict": "collections.OrderedDict.fromkeys",
    "collections.defaultdict": "collections.defaultdict.fromkeys",
    "typing.OrderedDict": "collections.OrderedDict.fromkeys",
    "typing.DefaultDict": "collections.defaultdict.fromkeys",
    "typing.Dict": "builtins.dict.fromkeys",
}


class MutableFromkeysValue(SharedElementsRule):
    code = "PIT603"
    needs = ("fromkeys",)
    name = "mutable-fromkeys-value"
    severity = Severity.ERROR
    peer_codes = ("RUF024",)  # bugbear/ruff, pylint: a line silenced for them is not reported
    summary = "dict.fromkeys with a list, dict or set value gives every key the same object"
    message = "'{call}' gives every key of '{keys}' the same '{value}' object"
    method_names = MUTATING_METHODS | {"fromkeys"}
    other_severities = {
        Severity.HAZARD: "when the dict is kept but nothing changes a value in place",
    }
    fixable = True
    fixer = "pitfalls.rules.pit603_fix:fix"  # safe: each slot gets the object it was meant to
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
    example_context = {
        "fix_form": "dict",
        "call": "dict.fromkeys",
        "keys": "names",
        "value": "[]",
        "kind": "list",
        "op": ".append(x)",
        "fixed": "{key: [] for key in names}",
        "fresh": "[]",
        "change": "`append` or item assignment",
        "use": "mutates",
        "target": "groups",
        "line": "groups = dict.fromkeys(names, [])",
        "dname": "groups",
        "probe": "Compare identities",
        "mutation": "groups[names[0]].append(1)",
        "via": "",
        "fixed_line": "groups = {key: [] for key in names}",
    }

    explanation = Explanation(
        definition="`$call($keys, $value)` evaluates `$value` once and stores that one $kind under every "
        "key, not a new $kind per key.",
        variant_key="use",
        implication={
            "mutates": "So `$mutation` changes that one $kind, and every key of `$target` shows the change.",
            "holds": "So `$target[key]$op` for one key changes that shared $kind, and every key of "
            "`$target` sees it.",
            "returns": "`$function` returns it, so the first $change a caller makes through one key shows "
            "up under every key in `$keys`.",
            "": "So the first $change through one key shows up under every key in `$keys`.",
        },
        example={"": "$line", "mutates": "$line\n$via$mutation"},
        layer="If you don't need every key up front, `defaultdict($kind)` builds a fresh $kind the first "
        "time each key is used. The catch: even reading a missing key with `d[key]` adds it, so a typo "
        "quietly grows the dict.",
        follow_ups=(
            FollowUp(
                "Why doesn't `$call($keys, 0)` have this problem?",
                "Every key does share that one `0`, but an int can't change. `$dname[key] += 1` computes a new "
                "int and rebinds just that key, so the others still hold `0`. Sharing only bites when the "
                "shared value changes in place.",
            ),
            FollowUp(
                "Why doesn't `fromkeys` copy the value for each key?",
                "Assignment in Python never copies, and `fromkeys` is just `for key in keys: d[key] = "
                "value`. The docs say so: every value refers to a single instance, so use a dict "
                "comprehension when you want distinct ones.",
            ),
            FollowUp(
                "How would you confirm that all the values are one object?",
                "$probe: `$dname[a] is $dname[b]` is `True` for any two keys, and "
                "`len({id(v) for v in $dname.values()})` is 1. "
                "`==` won't do: separate empty lists compare equal too.",
            ),
        ),
        fix="Build the dict with a comprehension, which evaluates `$fresh` once per key, so every key "
        "gets its own $kind.",
        fix_code="$fixed_line",
        key_points=(
            "`$value` is evaluated once; every key gets that one $kind",
            "A change through one key shows up under every key",
            "Fix: a dict comprehension, which builds a new $kind per key",
        ),
        demo="""\
from collections import Counter, OrderedDict, defaultdict

categories = ["fruit", "veg", "dairy"]
index = dict.fromkeys(categories, [])
assert index["fruit"] is index["veg"] is index["dairy"]  # one list under every key
assert len({id(v) for v in index.values()}) == 1
index["fruit"].append("apple")
assert index == {"fruit": ["apple"], "veg": ["apple"], "dairy": ["apple"]}
assert dict.fromkeys(categories, []) == {key: [] for key in categories}  # == can't tell

fixed = {key: [] for key in categories}  # [] runs once per key
assert fixed["fruit"] is not fixed["veg"]
fixed["fruit"].append("apple")
assert fixed == {"fruit": ["apple"], "veg": [], "dairy": []}

counts = dict.fromkeys(categories, 0)  # one shared 0, harmlessly
assert counts["fruit"] is counts["veg"]
counts["fruit"] += 1  # rebinds just that key
assert counts == {"fruit": 1, "veg": 0, "dairy": 0}

empty = []
named = {key: empty.copy() for key in categories}
assert named["fruit"] is not named["veg"] and named["fruit"] is not empty

ordered = OrderedDict.fromkeys(categories, [])  # subclasses inherit the classmethod
assert type(ordered) is OrderedDict and ordered["fruit"] is ordered["veg"]
ordered_fixed = OrderedDict((key, []) for key in categories)
assert list(ordered_fixed) == categories and ordered_fixed["fruit"] is not ordered_fixed["veg"]
shared = defaultdict.fromkeys(categories, set())
assert shared.default_factory is None and shared["fruit"] is shared["veg"]
shared_fixed = defaultdict(None, {key: set() for key in categories})
assert shared_fixed.default_factory is None and shared_fixed["fruit"] is not shared_fixed["veg"]
try:
    Counter.fromkeys(categories, 0)
except NotImplementedError:
    pass
else:
    raise AssertionError("Counter.fromkeys is expected to raise")

lazy = defaultdict(list)  # a fresh list per key, made on first use
lazy["fruit"].append("apple")
lazy["veg"]  # only reading a missing key...
assert lazy == {"fruit": ["apple"], "veg": []}  # ...still added it
assert lazy["fruit"] is not lazy["veg"]
assert lazy.get("dairy") is None and "dairy" not in lazy
""",
        names=("call", "keys", "value"),
        flags="`dict.fromkeys(keys, value)`, and the same classmethod on `OrderedDict` and `defaultdict` "
        "under any import alias, when the value is a list, dict or set display or comprehension, a "
        "repetition such as `[0] * n`, a call of a mutable container type, or a name bound to one of those.",
        not_flagged=(
            "One argument, or an immutable value (`None`, `0`, `''`, `()`, `frozenset()`): nothing can "
            "change the shared value.",
            "A value not known to be mutable, such as a parameter or a call result.",
            "`Counter.fromkeys`: it raises `NotImplementedError`.",
            "`fromkeys` on any other object, or on a local class named `dict`: not the builtin classmethod.",
            "Starred arguments (`dict.fromkeys(*args)`): which one is the value is unknown.",
        ),
        references=(
            "https://docs.python.org/3/library/stdtypes.html#dict.fromkeys",
            "https://docs.python.org/3/library/collections.html#collections.defaultdict",
        ),
        prior_art=("ruff RUF024 mutable-fromkeys-value",),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.calls: list[tuple[ast.Call, dict[str, str]]] = []  # each hit, with its words
        self.by_call: dict[ast.Call, Shared] = {}

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "fromkeys":
            self._fromkeys(node)
            return
        super().visit(node)

    def shared_value(self, value: ast.expr) -> Optional[Shared]:
        if isinstance(value, ast.Call) and self._method(value) and len(value.args) == 2:
            if is_mutable_expr(self.ctx, value.args[1]):
                shared = self.by_call[value] = Shared(value, value.args[1])
                return shared
        return None

    def _method(self, call: ast.Call) -> Optional[str]:
        """`builtins.dict.fromkeys` (or OrderedDict's, defaultdict's) for a `fromkeys` call on
        `dict`, `{}`, `dict()`, an import alias, a name bound to a dict type on every path
        (`except ImportError: OrderedDict = dict`) or a dict subclass of this module."""
        if not isinstance(call.func, ast.Attribute) or call.func.attr != "fromkeys":
            return None
        return _fromkeys_of(self.ctx, call.func.value, 0)

    def _fromkeys(self, node: ast.Call) -> None:
        # With one argument every value is None; an immutable value is safe to share.
        if len(node.args) != 2:
            return
        method = self._method(node)
        if method is None:
            return
        keys, value = node.args
        if isinstance(keys, ast.Starred) or isinstance(value, ast.Starred):
            return
        if is_mutable_expr(self.ctx, value):
            form = _fix_form(self.ctx, node.func.value, method)  # type: ignore[attr-defined]
            fresh = isinstance(value, FRESH_VALUES)
            words = dict(
                fix_form=form if fresh else "",
                fixable="yes" if form and fresh else "",
                call=self.ctx.segment(node.func),
                keys=self.ctx.segment(keys),
                value=self.ctx.segment(value),
                **self._answer_words(node, keys, value, method),
            )
            self.calls.append((node, words))

    def finish(self) -> None:
        for node, words in self.calls:
            shared = self.by_call.get(node)
            mutations = list(shared.mutations) if shared is not None else []
            if shared is not None and shared.replaced_unknown and not mutations:
                continue  # every value replaced (`for k in keys: d[k] = []`) before any use
            site = self.ctx.parent(node)
            target = None
            if isinstance(site, ast.Assign) and len(site.targets) == 1:
                target = site.targets[0]
            elif isinstance(site, (ast.AnnAssign, ast.NamedExpr)):
                target = site.target
            binding = binding_of(self.ctx, target) if target is not None else None
            if binding is not None and shared is not None:
                mutations.extend(element_aliases_changed(self.ctx, binding))
                for reference in binding.references:
                    # `d.setdefault(k, []).append(x)`: a key already there hands back the shared value.
                    mutations.extend(use.node for use in uses_of(self.ctx, reference.node) if use.element)
                if not mutations and _only_compared(self.ctx, binding):
                    continue
            fixable = bool(words.pop("fixable"))
            related = [(m, "changes the one value every key shares") for m in mutations[:1]]
            if mutations:
                words["use"] = "mutates"
                words["mutation"] = self.ctx.segment(mutations[0], limit=None)
                words["via"] = route_to(self.ctx, mutations[0], words.get("target", ""))
            self.report(
                node,
                severity=Severity.ERROR if mutations else Severity.HAZARD,
                related=related,
                fixable=fixable,
                **words,
            )

    def _answer_words(self, node: ast.Call, keys: ast.expr, value: ast.expr, method: str) -> dict[str, str]:
        """The explanation's context: the kind shared, where the dict goes, and the rewrite."""
        kind = self.ctx.container_kind(value)
        fresh = f"{self.ctx.segment(value, limit=None)}.copy()" if isinstance(value, ast.Name) else self.ctx.segment(value, limit=None)
        pairs = f"key in {self.ctx.segment(keys, limit=None)}"
        cls = self.ctx.segment(node.func.value, limit=None)  # type: ignore[attr-defined]
        if method == "builtins.dict.fromkeys":
            fixed = f"{{key: {fresh} for {pairs}}}"
        elif method == "collections.OrderedDict.fromkeys":
            fixed = f"{cls}((key, {fresh}) for {pairs})"
        else:  # `defaultdict.fromkeys` makes one with no default factory
            fixed = f"{cls}(None, {{key: {fresh} for {pairs}}})"
        shown = self.ctx.segment(node, limit=None)
        site = self.ctx.parent(node)
        words = {"kind": kind, "op": KEY_CHANGES.get(kind, ".update(x)"), "fixed": fixed, "fresh": fresh}
        words["change"] = IN_PLACE_CHANGES.get(kind, "in-place change")
        if isinstance(site, ast.Assign) and len(site.targets) == 1 and isinstance(site.targets[0], ast.Name):
            words.update(use="holds", target=site.targets[0].id)
        elif isinstance(site, (ast.AnnAssign, ast.NamedExpr)) and isinstance(site.target, ast.Name):
            words.update(use="holds", target=site.target.id)
        elif isinstance(site, ast.Return):
            function = self.ctx.enclosing_function(site)
            words.update(use="returns", function=getattr(function, "name", None) or self.ctx.segment(function))
        # The example is the user's statement, or just the call inside a compound one.
        line = self.ctx.segment(site, limit=None) if isinstance(site, (ast.Assign, ast.AnnAssign, ast.Return)) else shown
        words["line"] = line
        named = words.get("target")
        words["dname"] = named or "d"
        words["probe"] = "Compare identities" if named else f"Compare identities after `d = {shown}`"
        words["fixed_line"] = line.replace(shown, fixed, 1) if shown in line else fixed
        return words


def _fromkeys_of(ctx, node: ast.expr, depth: int) -> Optional[str]:
    """Whose `fromkeys` `node.fromkeys` is (a key of FROMKEYS), or None."""
    if isinstance(node, ast.Dict):
        return "builtins.dict.fromkeys"
    if isinstance(node, ast.Call) and not node.args and not node.keywords:
        made = _fromkeys_of(ctx, node.func, depth)  # `dict().fromkeys`, `OrderedDict().fromkeys`
        return made
    name = ctx.qualified_name(node)
    if name in DICT_TYPES:
        return DICT_TYPES[name]
    if not isinstance(node, ast.Name) or depth > 3:
        return None
    binding = ctx.resolve(node)
    if binding is None:
        return None
    if binding.kind == "class":
        return _subclass_fromkeys(ctx, binding.node, depth)
    # A name bound to a dict type on every path: `try: from collections import OrderedDict` /
    # `except ImportError: OrderedDict = dict`.
    found = None
    for each in binding.scope.bindings.get(node.id, ()):
        if each.kind == "import" and each.qualname in DICT_TYPES:
            method = DICT_TYPES[each.qualname]
        elif each.kind == "assign" and isinstance(each.value, (ast.Name, ast.Attribute)):
            method = DICT_TYPES.get(ctx.qualified_name(each.value, each.scope) or "")
        else:
            return None
        if method is None:
            return None
        found = found or method
    return found


def _fix_form(ctx, receiver: ast.expr, method: str) -> str:
    """How pit603_fix may rewrite the call: "dict" (a dict comprehension) when the receiver is
    `dict`, `{}` or `dict()`; "ordered" (`Name((key, v) for key in keys)`) when it names
    `OrderedDict`, or a name that is it or `dict` on every path; "" otherwise (a subclass may
    take other arguments, and `defaultdict` needs its factory)."""
    if isinstance(receiver, (ast.Dict, ast.Call)):
        return "dict" if method == "builtins.dict.fromkeys" else ""
    if ctx.qualified_name(receiver) == "builtins.dict":
        return "dict"
    if isinstance(receiver, ast.Name):
        binding = ctx.resolve(receiver)
        if binding is not None and binding.kind == "class":
            return ""
    return "ordered" if method in ("collections.OrderedDict.fromkeys", "builtins.dict.fromkeys") else ""


def _subclass_fromkeys(ctx, cls: ast.AST, depth: int) -> Optional[str]:
    """`class Registry(dict): ...` without its own `fromkeys`: the inherited classmethod."""
    if not isinstance(cls, ast.ClassDef):
        return None
    if any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign)) and
           "fromkeys" in (getattr(item, "name", None), *[getattr(t, "id", None) for t in getattr(item, "targets", ())])
           for item in cls.body):
        return None
    for base in cls.bases:
        found = _fromkeys_of(ctx, base, depth + 1)
        if found:
            return found
    return None


def _only_compared(ctx, binding) -> bool:
    """Every load of the dict is an operand of a comparison (`d == expected`), in a function (a
    module-level dict may be imported and changed elsewhere)."""
    if binding.scope.kind.name in ("MODULE", "CLASS") or not binding.references:
        return False
    return all(isinstance(ctx.parent(reference.node), ast.Compare) for reference in binding.references)


# One key's value changed in place, as code after `groups[key]`.
KEY_CHANGES = {
    "list": ".append(x)",
    "deque": ".append(x)",
    "bytearray": ".append(x)",
    "set": ".add(x)",
    "dict": "[x] = 1",
    "defaultdict": "[x] = 1",
    "OrderedDict": "[x] = 1",
    "Counter": "[x] += 1",
}
