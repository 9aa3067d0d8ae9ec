"""PIT105: `x in ("abc")` is a substring test: parentheses around one string make no tuple."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

# Names that say the left side is one character, so `ch in ("aeiou")` may mean its characters.
CHARACTER_NAMES = frozenset({"c", "ch", "char", "character", "letter", "digit", "symbol", "sep"})
CHARACTER_TARGETS = CHARACTER_NAMES - {"sep"}
# The variants that behave as meant for strings (strict mode only), and those of them read as
# characters, whose fix may go either way (so none is applied).
HAZARDS = frozenset({"empty", "chars", "for-chars"})
CHARACTERS = frozenset({"chars", "for-chars"})


class ParenthesizedStringNotTuple(Rule):
    code = "PIT105"
    name = "parenthesized-string-not-tuple"
    severity = Severity.ERROR
    other_severities = {
        Severity.HAZARD: "for an empty string, or a one-character test that may mean the string's characters",
    }
    needs = ("in (", "in(")
    summary = "`x in (\"abc\")` tests for a substring: parentheses around one string do not make a tuple"
    message = "'{string}' is one {kind}, not a tuple, so '{test}' {tests}"
    node_types = (ast.Compare, ast.For, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    fixable = True
    fixer = "pitfalls.rules.pit105_fix:fix"  # safe: the comma makes the tuple the line was written as
    bad_example = """\
def is_safe(method):
    return method in ("GET")
"""
    good_example = """\
def is_safe(method):
    return method in ("GET",)
"""
    example_context = {
        "variant": "",
        "string": '("GET")',
        "value": '"GET"',
        "test": 'method in ("GET")',
        "tests": "tests for a substring",
        "reads": "asks whether `method` is a piece of the string `\"GET\"`, not whether it equals it",
        "left": "method",
        "piece": "'GE'",
        "kind": "string",
        "fixed": '("GET",)',
        "fixed_line": 'method in ("GET",)',
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`$string` is just `$value`: parentheses only group, and it is the comma that makes a "
        "tuple. So `$test` $reads.",
        implication={
            "": "`$piece` passes, and so does any other slice of `$value`, the empty $kind included.",
            "single": "Here that differs only for the empty $kind: `$left` passes when it is empty.",
            "empty": "Only an empty $kind is a piece of an empty $kind, so this works today, but only while "
            "`$left` is a $kind: `None` raises `TypeError` where the tuple said `False`.",
            "chars": "If `$left` is always one character, that is a test against each character, which may "
            "be what you meant; the parentheses still make it read like a tuple.",
            "for-chars": "With `$left` named as one character, that may be what you meant; then the "
            "parentheses only make it read like a tuple of one $kind.",
            "for": "`$left` is `$piece` on the first pass, then the next character: the loop never sees "
            "the whole $kind.",
        },
        example="$test",
        layer="Parentheses only group: `(1)` is the int 1, `1,` alone is a tuple, and `()` is the only tuple "
        "they make by themselves. And `in` on a $kind is a substring test: it accepts any slice, and raises "
        "`TypeError` when the left side is not a $kind (`None in \"ab\"`), where a tuple just says `False`.",
        follow_ups=(
            FollowUp(
                "How do you write a one-element tuple?",
                "With a trailing comma: `($value,)`, or `$value,` where nothing else needs the parentheses. "
                "The comma makes the tuple; the parentheses only group it.",
            ),
            FollowUp(
                "Would `==` or a set be better here?",
                "For one value, `==` says it plainly. For several, a set `{$value, ...}` reads well and looks "
                "up by hash; for a handful of values a tuple is just as fast.",
            ),
            FollowUp(
                "Why don't type checkers catch it?",
                "Because it is valid: a $kind supports `in` with a $kind on the left, so `$test` type-checks. "
                "pylint only calls the parentheses superfluous (C0325), a style note that misses the "
                "change in meaning.",
            ),
        ),
        fix={
            "": "Add the comma: `$fixed` is a one-element tuple, so `in` compares whole values.",
            "for": "Add the comma: `$fixed` is a one-element tuple, so the loop runs once, with the whole $kind.",
            "chars": "If you mean its characters, drop the parentheses so it reads that way; if you mean the "
            "one value, add the comma.",
            "for-chars": "If you mean its characters, drop the parentheses so it reads that way; if you mean "
            "the one value, add the comma.",
        },
        fix_code="$fixed_line",
        key_points=(
            "Parentheses only group: it is the comma that makes a tuple",
            "`$string` is just `$value`, one $kind, not a one-item tuple",
            "`in` or `for` on it sees its pieces, not the whole value",
            "Fix: add the comma for a one-item tuple, or drop the parentheses",
        ),
        demo="""\
method = "GE"
assert method in ("GET")  # a slice of "GET" passes
assert "" in ("GET") and "" not in ("GET",)  # so does the empty string
assert ("GET") == "GET" and type(("GET")) is str
assert method not in ("GET",)  # the comma makes the tuple
assert ("GET",) == tuple(["GET"]) and type(()) is tuple and (1) == 1

try:
    None in ("GET")
except TypeError:
    pass
else:
    raise AssertionError("expected TypeError")
assert (None in ("GET",)) is False

assert "" in ("") and "x" not in ("")  # empty: the same as == "" for strings
assert b"" in (b"") and b"x" not in (b"")

assert [ch for ch in ("abc")] == ["a", "b", "c"]  # one run per character
assert [s for s in ("abc",)] == ["abc"]
assert "e" in ("aeiou") and "ae" in ("aeiou")  # characters, and slices too
""",
        names=("test",),
        flags="`x in (\"...\")`, `x not in (\"...\")`, and `for x in (\"...\")` (comprehensions too) where the "
        "parentheses hold one string or bytes literal (f-strings and implicit concatenation included) "
        "and no comma.",
        not_flagged=(
            "A string with no parentheses of its own (`x in \"abc\"`): written as a substring test.",
            "A tuple, with its comma (`x in (\"abc\",)`), or parentheses that belong to a call.",
            "`x in (\"\")` with an empty string, and `ch in (\"aeiou\")` where the left side is named as "
            "one character: these behave as meant for strings, and are hazards (strict mode only).",
        ),
        references=(
            "https://docs.python.org/3/reference/expressions.html#parenthesized-forms",
            "https://docs.python.org/3/reference/expressions.html#membership-test-operations",
        ),
        prior_art=("pylint C0325 superfluous-parens (as a style issue)",),
    )

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators):
                if isinstance(op, (ast.In, ast.NotIn)) and self._string(right):
                    left = node.left if len(node.ops) == 1 else None
                    self._hit(right, node, left, variant=self._tier(right, left))
        else:  # a `for` statement, or each `for` of a comprehension
            for loop in getattr(node, "generators", None) or (node,):
                if self._string(loop.iter):
                    target = loop.target
                    named = isinstance(target, ast.Name) and target.id.lower() in CHARACTER_TARGETS
                    self._hit(loop.iter, loop, target, variant="for-chars" if named else "for")

    def _string(self, node: ast.expr) -> bool:
        literal = isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
        )
        return literal and self.ctx.parenthesized(node)

    def _tier(self, string: ast.expr, left: Optional[ast.expr]) -> str:
        value = string.value if isinstance(string, ast.Constant) else None
        if value is not None and len(value) == 0:
            return "empty"
        if _one_character(left):
            return "chars"
        return "single" if value is not None and len(value) == 1 else ""

    def _hit(self, string: ast.expr, node: ast.AST, left: Optional[ast.expr], variant: str) -> None:
        value = string.value if isinstance(string, ast.Constant) else None
        kind = "bytes object" if isinstance(value, bytes) else "string"
        literal = " ".join(self.ctx.source(string).split())  # its own source, parts joined on one line
        loop = not isinstance(node, ast.Compare)
        if loop:
            shown = f"for {self.ctx.segment(node.target)} in ({literal})"  # type: ignore[attr-defined]
        elif len(node.ops) == 1 and node.lineno == node.end_lineno:  # type: ignore[attr-defined]
            shown = self.ctx.segment(node)
        else:  # quoted on one line, with its parentheses (a re-print would drop them)
            operator = "not in" if isinstance(node.ops[-1], ast.NotIn) else "in"  # type: ignore[attr-defined]
            shown = f"{self.ctx.segment(left) if left is not None else 'x'} {operator} ({literal})"
        if not value:
            piece: object = b"" if isinstance(value, bytes) else ""
        else:
            piece = value[:1] if loop else value[: max(1, len(value) - 1)]
        named = self.ctx.segment(left) if left is not None else "x"
        if loop:
            reads = f"loops over the characters of `{literal}`, one at a time"
        else:
            reads = f"asks whether `{named}` is a piece of the {kind} `{literal}`, not whether it equals it"
        self.report(
            string,
            severity=Severity.HAZARD if variant in HAZARDS else None,
            fixable=variant not in CHARACTERS,
            variant=variant,
            string=f"({literal})",
            value=literal,
            test=shown,
            tests="loops over its characters" if loop else "tests for a substring",
            reads=reads,
            left=named,
            piece=repr(piece),
            kind=kind,
            fixed=f"({literal},)",
            fixed_line=shown.replace(f"({literal})", f"({literal},)", 1)
            if variant not in CHARACTERS else shown.replace(f"({literal})", literal, 1),
        )


def _one_character(left: Optional[ast.expr]) -> bool:
    """`ch`, `char`: a left side named as one character."""
    if isinstance(left, ast.Name):
        return left.id.lower() in CHARACTER_NAMES
    return False
