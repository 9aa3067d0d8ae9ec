"""PIT104: `x = items.sort()` keeps the `None` an in-place method returns, not the sorted list."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.analyses.mutation import binding_container, value_container
from pitfalls.analyses.paths import reads_only
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

# The methods that change a built-in container in place and return None, per kind.
LIST_METHODS = frozenset({"sort", "reverse", "append", "extend", "insert", "remove", "clear"})
IN_PLACE = {
    "list": LIST_METHODS,
    "deque": frozenset({"reverse", "append", "appendleft", "extend", "extendleft", "insert", "remove", "clear",
                        "rotate"}),
    "bytearray": frozenset({"reverse", "append", "extend", "insert", "remove", "clear"}),
    "dict": frozenset({"update", "clear"}),
    "set": frozenset({"add", "update", "clear", "remove", "discard"}),
}
# How many positional arguments the list method takes: another object's `sort("name")` or
# `append(a, b)` is not the list's (a pymongo cursor's `sort` returns the cursor).
LIST_ARITY = {"sort": 0, "reverse": 0, "clear": 0, "append": 1, "extend": 1, "remove": 1, "insert": 2}
SHUFFLE = "random.shuffle"


class InPlaceMethodResult(Rule):
    code = "PIT104"
    name = "in-place-method-result"
    severity = Severity.ERROR
    other_severities = {
        Severity.HAZARD: "for a receiver of unknown type, unless the method is `sort`",
    }
    peer_codes = ("E1111", "assignment-from-no-return")
    summary = "The None returned by an in-place method such as list.sort() is used as if it were the list"
    message = "'{call}' changes '{receiver}' in place and returns None: {consequence}"
    method_names = frozenset({*LIST_METHODS, "update", "add", "shuffle", "appendleft", "extendleft", "rotate",
                              "discard"})
    bad_example = """\
def top_scores(scores):
    ranked = list(scores)
    best = ranked.sort(reverse=True)
    return best[:3]
"""
    good_example = """\
def top_scores(scores):
    ranked = list(scores)
    ranked.sort(reverse=True)
    return ranked[:3]
"""
    example_context = {
        "use": "assign",
        "call": "ranked.sort(reverse=True)",
        "method": "sort",
        "receiver": "ranked",
        "kind": "list",
        "target": "best",
        "consequence": "'best' is None",
        "function": "top_scores",
        "fixed_line": "ranked.sort(reverse=True)\nbest = ranked",
        "line": "best = ranked.sort(reverse=True)",
        "copy": "`sorted(ranked, reverse=True)` returns a new sorted list and leaves `ranked` as it was.",
    }
    explanation = Explanation(
        variant_key="use",
        definition="`$call` changes `$receiver` in place and returns `None`: the in-place methods of the "
        "built-in containers never hand the object back.",
        implication={
            "": "So the value used here is `None`, not the $kind; the first attribute or item read from it "
            "raises `TypeError` or `AttributeError`.",
            "assign": "So `$target` is `None`, not the $kind, and the first `$target[0]` or `len($target)` "
            "raises `TypeError`.",
            "return": "So `$function` returns `None`, and its caller gets nothing back, however `$receiver` "
            "changed.",
            "iterate": "So the loop iterates over `None` and raises `TypeError` before its first pass.",
            "compare": "So the comparison compares `None`, whatever `$receiver` holds: `None == None` is "
            "always true.",
            "chain": "So the next method in the chain is looked up on `None` and raises `AttributeError`.",
        },
        example="$line",
        layer="It is a deliberate design: a method that changes the object returns `None`, so nobody "
        "mistakes it for one that returns a changed copy. The copying versions are separate: `sorted()`, "
        "`reversed()`, `a + [x]`, `{**d, **other}`, `s | {x}`. The change itself did happen: `$receiver` "
        "holds the new contents.",
        follow_ups=(
            FollowUp(
                "What's the difference between `sort()` and `sorted()`?",
                "`lst.sort()` reorders that list in place and returns `None`; `sorted(lst)` builds a new list "
                "from any iterable and returns it, leaving the original alone. Use `sorted` when the "
                "original order still matters.",
            ),
            FollowUp(
                "Why does `a = a + [x]` work when `a = a.append(x)` doesn't?",
                "`+` builds a new list and returns it; `append` changes `a` and returns `None`, which the "
                "assignment then stores in `a`, losing the list.",
            ),
            FollowUp(
                "How would you catch this before it runs?",
                "A type checker sees `None` flowing on when it knows the receiver's type. pitfalls reports "
                "it from the name's binding alone: a parameter or local it can see is a $kind.",
            ),
        ),
        fix={
            "": "Call it as a statement, then use `$receiver`, which it changed. $copy",
            "compare": "Compare what you meant to compare, after the change or on copies. $copy",
        },
        fix_code="$fixed_line",
        key_points=(
            "`$call` changes `$receiver` in place and returns `None`",
            "Using its result means using `None`, not the changed $kind",
            "Fix: call it as a statement, then use `$receiver`",
        ),
        demo="""\
import random

ranked = [3, 1, 2]
best = ranked.sort(reverse=True)
assert best is None and ranked == [3, 2, 1]  # the list changed; the result is None
try:
    best[:3]
except TypeError:
    pass
else:
    raise AssertionError("expected TypeError")

scores = [3, 1, 2]
assert sorted(scores, reverse=True) == [3, 2, 1] and scores == [3, 1, 2]  # a new list
assert list(reversed(scores)) == [2, 1, 3] and scores[::-1] == [2, 1, 3]

a = [1]
assert a + [2] == [1, 2] and a == [1]
a = a.append(2)
assert a is None  # the list is lost

for result in ([].append(1), [1].extend([2]), [1].insert(0, 0), [1].remove(1), [1].clear(),
               [1].reverse(), {}.update(a=1), {1: 2}.clear(), set().add(1), set().update({1}),
               random.shuffle([1, 2])):
    assert result is None

try:
    [].append(1).append(2)
except AttributeError:
    pass
else:
    raise AssertionError("expected AttributeError")

try:
    for item in [2, 1].sort():
        pass
except TypeError:
    pass
else:
    raise AssertionError("expected TypeError")
""",
        names=("call",),
        flags="The result of `sort`, `reverse`, `append`, `extend`, `insert`, `remove` or `clear` used in any "
        "way (assigned, returned, passed, compared, iterated, chained), and of `update`, `add`, `discard` "
        "on a dict or set, and `random.shuffle(x)`. An error when the receiver is known to be a built-in "
        "container (a display, `list(...)`, `sorted(...)`, a name bound only to one, a parameter annotated "
        "as one); a hazard (strict mode) for a receiver of unknown type.",
        not_flagged=(
            "A call used as a statement, or as a lambda's body (a callback whose result nobody reads).",
            "`x.append(y) or x` and other `or`/`and` chains where the call is not the last operand: the "
            "`None` is skipped on purpose.",
            "A method with arguments the list's method doesn't take (`cursor.sort(\"name\")`, "
            "`writer.append(a, b)`): not the built-in method.",
            "`update` or `add` on an object not known to be a dict or set (a model's `update()` often "
            "returns a count or the object).",
        ),
        references=(
            "https://docs.python.org/3/library/stdtypes.html#list.sort",
            "https://docs.python.org/3/faq/design.html#why-doesn-t-list-sort-return-the-sorted-list",
        ),
        prior_art=("pylint E1111 assignment-from-no-return (inferred receivers only)",),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.calls: list[tuple[ast.Call, str]] = []

    def visit(self, node: ast.Call) -> None:
        use = self._use(node)
        if use is not None:
            self.calls.append((node, use))

    def finish(self) -> None:
        for call, use in self.calls:
            method = call.func.attr  # type: ignore[attr-defined]
            receiver = call.func.value  # type: ignore[attr-defined]
            if method == "shuffle":
                if self.ctx.call_name(call) != SHUFFLE or len(call.args) != 1:
                    continue
                kind, severity, receiver = "list", Severity.ERROR, call.args[0]
            elif self._own(receiver):
                continue  # `self.append(x)`, `super().clear()`: the class's own method, not the built-in one
            else:
                kind = self._kind(receiver)
                if kind is not None and method in IN_PLACE.get(kind, ()):
                    severity = Severity.ERROR
                elif kind is None and method in LIST_ARITY and self._list_arity(call, method):
                    # `x.sort()` with the list's own signature is a list's (or an array's: None too);
                    # `append`, `remove`, `clear`... are common names of methods that return something.
                    kind, severity = "list", Severity.ERROR if method == "sort" else Severity.HAZARD
                else:
                    continue
            self._report(call, use, kind, severity, receiver)

    def _use(self, call: ast.Call) -> Optional[str]:
        """How the call's result is used ("assign", "return", "iterate", "chain", ""), or None if not."""
        parent = self.ctx.parent(call)
        if isinstance(parent, (ast.Expr, ast.Await)) or isinstance(parent, ast.Lambda) and parent.body is call:
            return None  # a statement, an awaited call (not the built-in method), a callback's body
        if isinstance(parent, ast.BoolOp) or isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
            return None  # `x in seen or seen.add(x)`, `not seen.add(x)`: the falsy None on purpose
        if isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and parent.elt is call:
            return None  # `[out.append(x) for x in xs]`: a loop written as a comprehension, for its effect
        if isinstance(parent, ast.IfExp) and isinstance(self.ctx.parent(parent), ast.Expr):
            return None
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and parent.value is call:
            return "assign"
        if isinstance(parent, ast.Return):
            function = self.ctx.enclosing_function(call)
            returns = getattr(function, "returns", None)
            if isinstance(returns, ast.Constant) and returns.value is None:
                return None  # `-> None`: handing the None on is what the function promises
            return "return"
        if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is call:
            return "iterate"
        if isinstance(parent, ast.Attribute):
            return "chain"
        if isinstance(parent, ast.Compare):
            return "compare"
        return ""

    def _line(self, call: ast.Call) -> str:
        """The user's statement, or for a compound one (`if a.sort() == b.sort():`) its part that
        holds the call."""
        statement = self.ctx.statement(call)
        if statement is not None and not hasattr(statement, "body"):
            return self.ctx.segment(statement)
        parent = self.ctx.parent(call)
        if isinstance(parent, ast.For):
            return f"for {self.ctx.segment(parent.target)} in {self.ctx.segment(call)}:"
        return self.ctx.segment(parent if isinstance(parent, (ast.Compare, ast.Attribute)) else call)

    def _own(self, receiver: ast.expr) -> bool:
        if isinstance(receiver, ast.Name):
            return receiver.id in ("self", "cls")
        return isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super"

    def _kind(self, receiver: ast.expr) -> Optional[str]:
        """The built-in container `receiver` is known to be, or None."""
        if isinstance(receiver, ast.Name):
            binding = reads_only(self.ctx, receiver, lambda b: binding_container(self.ctx, b) is not None)
            return binding_container(self.ctx, binding) if binding is not None else None
        return value_container(self.ctx, receiver)

    def _list_arity(self, call: ast.Call, method: str) -> bool:
        if any(isinstance(a, ast.Starred) for a in call.args):
            return False
        if method == "sort":
            return not call.args and all(k.arg in ("key", "reverse") for k in call.keywords)
        return len(call.args) == LIST_ARITY[method] and not call.keywords

    def _report(self, call: ast.Call, use: str, kind: str, severity: Severity, receiver: ast.expr) -> None:
        ctx = self.ctx
        shown, named = ctx.segment(call), ctx.segment(receiver)
        parent = ctx.parent(call)
        target = ""
        if use == "assign":
            target_node = parent.target if isinstance(parent, (ast.AnnAssign, ast.NamedExpr)) else parent.targets[0]  # type: ignore[union-attr]
            target = ctx.segment(target_node)
            consequence = f"'{target}' is None"
            fixed = f"{shown}\n{target} = {named}"
        elif use == "return":
            function = ctx.enclosing_function(call)
            consequence = f"'{getattr(function, 'name', 'the function')}' returns None"
            fixed = f"{shown}\nreturn {named}"
        elif use == "iterate":
            consequence = "the loop iterates over None"
            fixed = f"{shown}\nfor ... in {named}:"
        elif use == "compare":
            consequence = "the comparison compares None"
            if call.func.attr == "sort":  # type: ignore[attr-defined]
                fixed = ctx.segment(parent)
                for side in (parent.left, *parent.comparators):  # type: ignore[union-attr]
                    if isinstance(side, ast.Call) and getattr(side.func, "attr", "") == "sort" and not side.args:
                        keywords = "".join(f", {ctx.segment(k)}" for k in side.keywords)
                        fixed = fixed.replace(ctx.segment(side), f"sorted({ctx.segment(side.func.value)}{keywords})")  # type: ignore[attr-defined]
            else:
                fixed = f"{shown}\n... {named} == ..."
        elif use == "chain":
            consequence = "the next call in the chain is on None"
            fixed = f"{shown}\n{named}.{parent.attr}"  # type: ignore[union-attr]
        else:
            consequence = "the value used is None"
            fixed = f"{shown}\n... {named} ..."
        method = call.func.attr  # type: ignore[attr-defined]
        copies = {
            "sort": f"`sorted({named})` returns a new sorted list and leaves `{named}` as it was.",
            "reverse": f"`{named}[::-1]` returns a reversed copy and leaves `{named}` as it was.",
        }
        keywords = ", ".join(ctx.segment(k) for k in call.keywords)
        if method == "sort" and keywords:
            copies["sort"] = f"`sorted({named}, {keywords})` returns a new sorted list and leaves `{named}` as it was."
        function = ctx.enclosing_function(call)
        self.report(
            call,
            severity=severity,
            use=use,
            call=shown,
            method=method,
            receiver=named,
            kind=kind,
            target=target,
            consequence=consequence,
            function=getattr(function, "name", None) or "the function",
            fixed_line=fixed,
            line=self._line(call),
            copy=copies.get(method, ""),
        )
