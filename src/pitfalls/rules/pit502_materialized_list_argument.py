"""PIT502: `any([x > 0 for x in xs])` builds the whole list first, so `any` cannot stop early."""

from __future__ import annotations

import ast

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

# The builtin, its variant, and the keywords it may take besides the iterable (positionals too
# for `sum`'s start). A second positional to `min`/`max` would compare the list itself.
TAKES = {
    "any": ("", (), 0),
    "all": ("", (), 0),
    "sum": ("reduce", ("start",), 1),
    "min": ("reduce", ("key", "default"), 0),
    "max": ("reduce", ("key", "default"), 0),
    "set": ("set", (), 0),
    "frozenset": ("copy", (), 0),
    "tuple": ("copy", (), 0),
    "sorted": ("copy", ("key", "reverse"), 0),
}
SEVERITY = {"": Severity.WARNING, "reduce": Severity.INFO, "set": Severity.INFO, "copy": Severity.HAZARD}
# Calls that change nothing: dropping the brackets may skip them, and nobody can tell.
PURE_FUNCTIONS = frozenset({
    "abs", "bool", "callable", "chr", "float", "getattr", "hasattr", "id", "int", "isinstance", "issubclass",
    "len", "ord", "repr", "round", "str", "type", "tuple", "frozenset", "min", "max", "sum", "any", "all",
})
PURE_METHODS = frozenset({
    "startswith", "endswith", "lower", "upper", "casefold", "strip", "lstrip", "rstrip", "split", "isdigit",
    "isalpha", "isalnum", "isspace", "islower", "isupper", "isidentifier", "isnumeric", "isdecimal", "get", "keys",
    "values", "items", "count", "find", "match", "search", "fullmatch", "exists", "is_file", "is_dir", "issubset",
    "issuperset", "isdisjoint", "isfile", "isdir", "islink", "isabs", "is_absolute", "bit_count", "bit_length",
})


class MaterializedListArgument(Rule):
    code = "PIT502"
    name = "materialized-list-argument"
    severity = Severity.WARNING
    other_severities = {
        Severity.INFO: "for `sum`, `min`, `max` and `set`, which read every item anyway",
        Severity.HAZARD: "for `tuple`, `frozenset` and `sorted`, and when the items call something that may act",
    }
    needs = ("for",)
    peer_codes = ("C419",)
    summary = "`any([...])`, `sum([...])`: a list comprehension built whole where a generator would do"
    message = "'{comp}' builds the whole {built} before {func}() sees the first item; {advice}"
    node_types = (ast.ListComp, ast.SetComp)
    fixable = True
    fixer = "pitfalls.rules.pit502_fix:fix"  # safe: offered only when the comprehension calls nothing that acts
    bad_example = """\
def has_errors(lines):
    return any(["ERROR" in line for line in lines])
"""
    good_example = """\
def has_errors(lines):
    return any("ERROR" in line for line in lines)
"""
    example_context = {
        "variant": "",
        "func": "any",
        "comp": '["ERROR" in line for line in lines]',
        "built": "list",
        "advice": "drop the brackets so it can stop early",
        "call": 'any(["ERROR" in line for line in lines])',
        "element": '"ERROR" in line',
        "fixed": 'any("ERROR" in line for line in lines)',
        "stops": "at the first true one",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`$comp` builds the whole $built, every item computed, before `$func()` looks at the first.",
        implication={
            "": "So `$func()` cannot stop $stops: `$element` runs for every item, even when the "
            "first one already decides.",
            "calls": "So `$func()` cannot stop $stops: `$element` runs for every item. If that is on "
            "purpose (each one must run), keep the list and say so in a comment; otherwise it is wasted work.",
            "reduce": "Every item stays in memory until `$func()` starts; a generator hands over one item at "
            "a time, so memory stays flat however long the input is.",
            "set": "The list is built, then thrown away once the set is made from it: one step too many.",
            "copy": "The list is built, then copied into the result: twice the pointers in memory for a "
            "moment. In CPython that list form is often faster, so change it only for very large inputs.",
        },
        example="$call",
        layer="`\"\".join([...])` is the exception: `str.join` turns whatever it gets into a list first, "
        "so a generator there only adds overhead. Where nothing stops early, the gain of a generator is "
        "memory, not speed.",
        follow_ups=(
            FollowUp(
                "Why are the brackets enough to change this?",
                "`[... for ...]` runs the whole loop and makes a list. Without brackets, inside a call, "
                "it is a generator expression: it computes each item only when `$func()` asks for it.",
            ),
            FollowUp(
                "Can dropping the brackets change what the code does?",
                "Only through side effects: with `any`/`all` the items after the deciding one are never "
                "computed, so calls there that log or change state no longer happen. The fix is offered "
                "only when the comprehension calls nothing of the kind.",
            ),
        ),
        fix={
            "": "Drop the brackets: `$fixed`.",
            "set": "Use a set comprehension: `$fixed` builds the set directly.",
            "calls": "If the items need not all be computed, drop the brackets: `$fixed`.",
            "copy": "For a very large input, drop the brackets: `$fixed`.",
        },
        fix_code="$fixed",
        key_points=(
            "`$comp` builds every item before `$func()` starts",
            "A generator hands over one item at a time, as `$func()` asks",
            "Fix: drop the list: `$fixed`",
        ),
        demo="""\
import timeit
import tracemalloc

seen = []
def check(n):
    seen.append(n)
    return n > 0

assert any([check(n) for n in [5, -1, -2]]) and seen == [5, -1, -2]  # every item computed
seen.clear()
assert any(check(n) for n in [5, -1, -2]) and seen == [5]  # stops at the first true one
seen.clear()
assert not all(check(n) for n in [-1, 5]) and seen == [-1]  # all() stops at the first false one

numbers = range(10)
assert sum([n for n in numbers], 10) == sum((n for n in numbers), 10) == 55  # start kept
assert max([n for n in numbers], key=lambda n: -n) == max((n for n in numbers), key=lambda n: -n) == 0
assert min([n for n in []], default=7) == min((n for n in []), default=7) == 7
assert set([n % 3 for n in numbers]) == {n % 3 for n in numbers} == {0, 1, 2}
assert tuple([n for n in numbers]) == tuple(n for n in numbers)

tracemalloc.start()
sum([n * 2 for n in range(100_000)])
_, with_list = tracemalloc.get_traced_memory()
tracemalloc.reset_peak()
sum(n * 2 for n in range(100_000))
_, with_generator = tracemalloc.get_traced_memory()
tracemalloc.stop()
assert with_generator * 20 < with_list  # one item at a time, not the whole list

words = [str(n) for n in range(1000)]
as_tuple = min(timeit.repeat(lambda: tuple([w for w in words]), number=200, repeat=5))
from_generator = min(timeit.repeat(lambda: tuple(w for w in words), number=200, repeat=5))
assert as_tuple < from_generator  # the list form is faster here
as_list = min(timeit.repeat(lambda: "".join([w for w in words]), number=200, repeat=5))
as_generator = min(timeit.repeat(lambda: "".join(w for w in words), number=200, repeat=5))
assert as_list < as_generator  # join makes a list of its argument anyway
""",
        names=("func", "comp"),
        flags="A list comprehension as the iterable argument of the builtins `any`, `all` (warning; a hazard "
        "when its items call something that may act), `sum`, "
        "`min`, `max`, `set` (info), `tuple`, `frozenset`, `sorted` (hazard, strict mode only); a set "
        "comprehension for `any`, `all`, `min` and `max`, which ignore duplicates. `sum`'s start, "
        "`min`/`max`'s `key` and `default`, `sorted`'s `key` and `reverse` are kept by the fix.",
        not_flagged=(
            "`\"\".join([...])`: `str.join` makes a list of its argument anyway, so the list is faster.",
            "A local function or a shadowed name called `any`, `sum`...: only the builtins.",
            "A comprehension with `await` or `async for`: a generator of it would be asynchronous, which "
            "`any()` cannot iterate.",
            "`min([...], other)` with a second positional argument: that compares the list itself.",
        ),
        references=(
            "https://docs.python.org/3/reference/expressions.html#generator-expressions",
            "https://docs.python.org/3/library/functions.html#any",
        ),
        prior_art=(
            "flake8-comprehensions C419 (any/all)",
            "ruff C419 (any/all; sum/min/max in preview)",
        ),
    )

    def visit(self, node: ast.AST) -> None:
        call = self.ctx.parent(node)
        if not (isinstance(call, ast.Call) and call.args and call.args[0] is node and isinstance(call.func, ast.Name)):
            return
        func = call.func.id
        spec = TAKES.get(func)
        if spec is None or self.ctx.qualified_name(call.func) != "builtins." + func:
            return
        variant, keywords, positionals = spec
        if isinstance(node, ast.SetComp) and func not in ("any", "all", "min", "max"):
            return  # `sum({...})` adds each value once: the set changes the answer
        if len(call.args) > 1 + positionals or any(
            isinstance(a, ast.Starred) for a in call.args) or any(k.arg not in keywords for k in call.keywords):
            return
        parts = [node.elt, *(g.iter for g in node.generators[1:]), *(t for g in node.generators for t in g.ifs)]
        if any(g.is_async for g in node.generators) or any(
                isinstance(n, (ast.Await, ast.Yield, ast.YieldFrom)) for p in parts for n in ast.walk(p)):
            return  # a generator of it would be asynchronous
        acts = _acts(parts)
        if variant == "" and acts:
            variant = "calls"
        comp = self.ctx.segment(node, limit=None)
        shown_call = self.ctx.segment(call, limit=None)
        inner = comp[1:-1] if len(call.args) == 1 and not call.keywords else f"({comp[1:-1]})"
        fixed = "{" + comp[1:-1] + "}" if variant == "set" else shown_call.replace(comp, inner, 1)
        self.report(
            node,
            # A call that may act is a hazard: the list may be there to make every call run
            # (Django's `all_valid` says so in a comment).
            severity=Severity.HAZARD if variant == "calls" else SEVERITY[spec[0]],
            fixable=not acts and spec[0] != "copy",
            variant=variant,
            func=func,
            comp=comp,
            built="set" if isinstance(node, ast.SetComp) else "list",
            advice={"": "drop the brackets so it can stop early", "calls": "drop the brackets unless every item must be computed",
                    "set": "use a set comprehension"}.get(variant, "a generator would do"),
            call=shown_call,
            element=self.ctx.segment(node.elt),
            fixed=fixed,
            stops="at the first true one" if func == "any" else "at the first false one",
        )


def _acts(parts: list) -> bool:
    """Whether the comprehension may do something besides computing its items: a call not known to
    be pure, or a walrus (its name is read after the call)."""
    for part in parts:
        for node in ast.walk(part):
            if isinstance(node, ast.NamedExpr):
                return True
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in PURE_FUNCTIONS:
                    continue
                if isinstance(func, ast.Attribute) and func.attr in PURE_METHODS:
                    continue
                return True
    return False
