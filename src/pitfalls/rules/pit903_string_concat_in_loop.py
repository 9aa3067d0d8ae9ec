"""PIT903: `s += piece` in a loop copies the whole string each time round, unless CPython can
grow it in place (a function's local name, nothing else holding the string)."""

from __future__ import annotations

import ast
from string import Template
from typing import Optional

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

# Calls that return a str; str methods that return a str of the same kind as their receiver.
STR_CALLS = frozenset({"builtins.str", "builtins.repr", "builtins.chr", "builtins.format", "builtins.ascii",
                       "builtins.hex", "builtins.oct", "builtins.bin"})
SAME_KIND_METHODS = frozenset({"join", "strip", "lstrip", "rstrip", "lower", "upper", "replace", "title",
                               "capitalize", "casefold", "center", "ljust", "rjust", "zfill", "expandtabs",
                               "swapcase", "removeprefix", "removesuffix"})
# Methods that keep a reference to their argument: `parts.append(s)`.
KEEPING = frozenset({"append", "add", "insert", "appendleft", "put", "setdefault"})
SMALL_RANGE = 1000  # `for _ in range(3)`: a fixed, small number of passes
DISPLAYS = (ast.List, ast.Tuple, ast.Set)
TARGETS = (ast.Name, ast.Attribute, ast.Subscript)  # what `s += piece` can grow

COPIES = "CPython can't avoid that here: $why. The work grows with the square of the number of pieces."
WHY = {
    "module": "at module level its in-place trick is gone since 3.11",
    "global": "its in-place trick never covers a `global` name",
    "nonlocal": "its in-place trick does not cover a `nonlocal` name since 3.11",
    "attribute": "the object still holds the old string, so it can't be grown in place",
    "item": "the container still holds the old string, so it can't be grown in place",
    "chain": "`$target + $first` is a new string before the rest is added",
    "prepend": "a piece put in front always means a new string",
    "shared": "`$keeper` keeps a second reference, so it can't be grown in place",
    "bytes": "bytes are never grown in place",
}


class StringConcatInLoop(Rule):
    code = "PIT903"
    name = "string-concat-in-loop"
    severity = Severity.INFO
    summary = "Adding to a string in a loop copies the whole string each time: quadratic"
    message = "'{statement}' in a loop {effect}"
    node_types = (ast.AugAssign, ast.Assign)
    needs = ("+",)
    other_severities = {
        Severity.HAZARD: "for a function's local `s += piece`: CPython grows it in place, other Pythons copy",
    }
    peer_codes = ("R1713", "consider-using-join")
    bad_example = """\
class Report:
    def __init__(self):
        self.text = ""

    def render(self, rows):
        for row in rows:
            self.text += f"{row}\\n"
"""
    good_example = """\
class Report:
    def __init__(self):
        self.text = ""

    def render(self, rows):
        self.text += "".join(f"{row}\\n" for row in rows)
"""
    example_context = {
        "statement": 'self.text += f"{row}\\n"', "target": "self.text", "kind": "string", "variant": "attribute",
        "loop": "for row in rows", "piece": 'f"{row}\\n"', "joiner": '""', "why": WHY["attribute"],
        "effect": "copies all of 'self.text' each pass: " + WHY["attribute"], "first": "", "keeper": "",
    }
    explanation = Explanation(
        definition="A $kind can't change, so `$statement` has to build a new one each time round `$loop`, "
        "copying everything already in `$target`.",
        variant_key="variant",
        implication={
            "": COPIES,
            "local": "CPython hides most of that here: it grows a function's local string in place when "
            "nothing else refers to it. Only CPython does, and a second reference (`last = $target`) turns it "
            "off: the work then grows with the square of the number of pieces.",
        },
        example="$loop:\n    $statement",
        layer="CPython's in-place trick needs three things: the name is a function's local (or, before 3.11, a "
        "module or `nonlocal` name), the result goes straight back into it (`s += a + b`, not "
        "`s = s + a + b`), and nothing else refers to the string. PEP 8 asks code not to rely on "
        "it: other Pythons, such as PyPy, don't have it.",
        follow_ups=(
            FollowUp(
                "Why is `\"\".join(parts)` faster?",
                "`join` adds up the lengths first, makes one string of that size and copies each piece into it "
                "once: linear. Appending to a list is cheap, because a list grows in place.",
            ),
            FollowUp(
                "What about bytes?",
                "`b += piece` copies all of `b` every pass on every Python: bytes have no in-place trick. "
                "Collect the pieces and `b\"\".join` them, or use a `bytearray`, whose `+=` grows it in place.",
            ),
            FollowUp(
                "How can I see whether the string was copied?",
                "Compare `id($target)` before and after the statement. When CPython grows the string in place "
                "the id usually stays; when it copies, the new string gets a new id every time.",
            ),
        ),
        fix="Collect the pieces in a list and join them once, after the loop (`io.StringIO` works too). Joining "
        "copies each character once.",
        fix_code={
            "": "parts = []\n$loop:\n    parts.append($piece)\n$target += $joiner.join(parts)",
            "prepend": "parts = []\n$loop:\n    parts.append($piece)\n$target = $joiner.join(reversed(parts)) + $target",
        },
        key_points=(
            "A $kind can't change: each pass copies it into a new one",
            "Without CPython's in-place trick, work grows with the square of the pieces",
            "Fix: collect the pieces in a list and join them once, after the loop",
        ),
        demo='''\
import sys

N, piece = 2000, "x" * 100


def kept(step, start=""):
    """How many of N passes left the string with the id it had (grown in place, not copied)."""
    box = {"s": start}
    same = 0
    for _ in range(N):
        before = id(box["s"])
        step(box)
        same += id(box["s"]) == before
    return same


def local_plus_equals():
    s, same = "", 0
    for _ in range(N):
        before = id(s)
        s += piece
        same += id(s) == before
    return same


def local_plus():
    s, same = "", 0
    for _ in range(N):
        before = id(s)
        s = s + piece
        same += id(s) == before
    return same


def local_chain():
    s, same = "", 0
    for _ in range(N):
        before = id(s)
        s = s + piece + "\\n"  # `s + piece` is a new string first
        same += id(s) == before
    return same


def local_plus_equals_chain():
    s, same = "", 0
    for _ in range(N):
        before = id(s)
        s += piece + "\\n"
        same += id(s) == before
    return same


def local_shared():
    s, same, last = "", 0, ""
    for _ in range(N):
        before = id(s)
        s += piece
        same += id(s) == before
        last = s  # a second reference
    return same, last


def prepend():
    s, same = "", 0
    for _ in range(N):
        before = id(s)
        s = piece + s
        same += id(s) == before
    return same


G = ""


def global_name():
    global G
    same = 0
    for _ in range(N):
        before = id(G)
        G += piece
        same += id(G) == before
    return same


def nonlocal_name():
    s = ""

    def inner():
        nonlocal s
        same = 0
        for _ in range(N):
            before = id(s)
            s += piece
            same += id(s) == before
        return same

    return inner()


def local_bytes():
    b, same, chunk = b"", 0, b"x" * 100
    for _ in range(N):
        before = id(b)
        b += chunk
        same += id(b) == before
    return same


class Box:
    text = ""


# A function's local name, nothing else holding it: CPython grows it in place (most passes).
assert local_plus_equals() > N // 2 and local_plus() > N // 2 and local_plus_equals_chain() > N // 2
# Every other shape: a new string, all of it copied, on every single pass.
assert local_chain() == 0 and prepend() == 0 and global_name() == 0 and local_bytes() == 0
same, last = local_shared()
assert same == 0 and len(last) == N * len(piece)
box = Box()
for _ in range(N):
    before = id(box.text)
    box.text += piece
    assert id(box.text) != before  # an attribute: copied every pass
assert kept(lambda d: d.__setitem__("s", d["s"] + piece)) == 0  # an item: copied every pass
module_level = {"N": N, "piece": piece}
exec("s, same = '', 0\\nfor _ in range(N):\\n    before = id(s)\\n    s += piece\\n    same += id(s) == before",
     module_level)
if sys.version_info >= (3, 11):
    assert module_level["same"] == 0 and nonlocal_name() == 0  # no trick at module level or for nonlocal
else:
    assert module_level["same"] > N // 2 and nonlocal_name() > N // 2

# bytearray grows in place; the join builds the same text once.
buffer = bytearray()
before = id(buffer)
for _ in range(N):
    buffer += b"x"
assert id(buffer) == before and bytes(buffer) == b"x" * N
parts = []
for _ in range(N):
    parts.append(piece)
assert "".join(parts) == piece * N and "".join(reversed(parts)) == piece * N
''',
        names=("statement", "target", "loop"),
        flags="`s += piece`, `s = s + piece` and `s = piece + s` in a `for` or `while` loop, where `s` is known "
        "to be a str or bytes: every binding of the name in its scope is a string (a literal, f-string, "
        "`str(...)`, `''.join(...)`, `.format`, `%`), or, for `self.x`/`obj.attr`/`d[k]`, every store of it in "
        "the function (for `self.x`, the class) is. By default: the shapes CPython copies every pass (bytes, "
        "attributes, items, `global`, module level and `nonlocal` names, `s = s + a + b`, a piece put in "
        "front, a second reference kept in the loop). A function's local `s += piece` is a hazard (strict "
        "only): CPython grows it in place, other Pythons don't.",
        not_flagged=(
            "A loop over a literal list, tuple, set or string, or `range` of a constant up to 1000: a fixed, "
            "small number of passes.",
            "A `while n:` loop whose body divides `n` (`n //= base`, `divmod(n, base)`): the digits of a "
            "number, a few dozen passes.",
            "A string reset inside the same loop (`line = ''` each pass): it never grows across passes.",
            "A name with any binding that is not a string (a parameter, a loop variable, a list): "
            "`lst += [x]` extends a list in place.",
            "`bytearray` and `io.StringIO`: they grow in place.",
        ),
        references=(
            "https://peps.python.org/pep-0008/#programming-recommendations",
            "https://docs.python.org/3/library/stdtypes.html#str.join",
            "https://docs.python.org/3/faq/programming.html#what-is-the-most-efficient-way-to-concatenate-many-strings-together",
            "https://github.com/python/cpython/issues/99862",
        ),
        prior_art=("pylint R1713 consider-using-join (`s += x` with exactly the loop variable as the loop's only "
                   "statement)",),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.candidates: list[tuple[ast.stmt, ast.expr, str, ast.expr]] = []  # statement, target, shape, piece

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.AugAssign):
            if isinstance(node.op, ast.Add) and isinstance(node.target, TARGETS):
                self.candidates.append((node, node.target, "append", node.value))
            return
        value, targets = node.value, node.targets  # type: ignore[attr-defined]
        if type(value) is not ast.BinOp or not isinstance(value.op, ast.Add) or len(targets) != 1:
            return  # the cheap tests first: most assignments are not `x = ... + ...`
        target = targets[0]
        if not isinstance(target, TARGETS):
            return
        shape = _shape(value, _text(target))
        if shape is not None:
            piece = value.right if shape == "append" else value if shape == "chain" else value.left
            self.candidates.append((node, target, shape, piece))

    def finish(self) -> None:
        for statement, target, shape, piece in self.candidates:
            loops = self.ctx.loops_around(statement)
            if not loops:
                continue
            if isinstance(target, ast.Name):
                found = self._name(statement, target, loops)
            else:
                found = self._stored(statement, target, loops)
            if found is None:
                continue
            kind, variant, keeper = found
            if shape != "append" and variant in ("local", "shared"):
                variant = shape
            severity = Severity.HAZARD if variant == "local" else Severity.INFO
            loop = loops[0]
            header = (f"for {self.ctx.segment(loop.target)} in {self.ctx.segment(loop.iter)}"  # type: ignore[attr-defined]
                      if isinstance(loop, (ast.For, ast.AsyncFor)) else f"while {self.ctx.segment(loop.test)}")  # type: ignore[attr-defined]
            words = dict(
                statement=self.ctx.segment(statement), target=self.ctx.segment(target),
                kind="bytes object" if kind == "bytes" else "string",
                variant=variant, loop=header, piece=self.ctx.segment(piece, limit=None),
                joiner='b""' if kind == "bytes" else '""', keeper=keeper,
                first=self.ctx.segment(_first_piece(piece)) if shape == "chain" else "",
            )
            words["why"] = Template(WHY.get(variant, "")).safe_substitute(words)
            words["effect"] = (f"may copy all of '{words['target']}' each pass (CPython grows a local string in place; "
                               "other Pythons don't)" if variant == "local"
                               else f"copies all of '{words['target']}' each pass: {words['why']}")
            self.report(statement, severity=severity, **words)

    # -- is the target a string, and does it grow across passes of an unbounded loop? ------------

    def _name(self, statement: ast.stmt, target: ast.Name, loops: list) -> Optional[tuple[str, str, str]]:
        binding = self.ctx.lookup(target.id, self.ctx.scope_of(statement))
        if binding is None:
            return None
        starts = [(each.node, each.value if each.kind == "assign" else None)
                  for each in binding.scope.bindings.get(target.id, ()) if each.kind not in ("annotation", "augassign")]
        text = _text(target)
        kind = self._string_kind(starts, text, loops)
        if kind is None:
            return None
        frame = self.ctx.scope_of(statement).frame
        if kind == "bytes":
            return kind, "bytes", ""
        if target.id in frame.globals:
            return kind, "global", ""
        if target.id in frame.nonlocals:
            return kind, "nonlocal", ""
        if frame.kind.name in ("MODULE", "CLASS"):
            return kind, "module", ""
        keeper = self._kept(binding, target.id, text, loops)
        return (kind, "shared", keeper) if keeper else (kind, "local", "")

    def _stored(self, statement: ast.stmt, target: ast.expr, loops: list) -> Optional[tuple[str, str, str]]:
        """`self.x += piece`: every store of `self.x` in the class's methods is a string; `obj.a`,
        `d[k]`: every store of that same expression in the function is."""
        function = self.ctx.enclosing_function(statement)
        if function is None:
            return None
        stores: list[ast.AST] = []
        method = self.ctx.classes.instance_of(target.value) if isinstance(target, ast.Attribute) else None  # type: ignore[union-attr]
        if method is not None:
            for member in method.cls.members:
                stores.extend(self.ctx.parent(attribute.node) for attribute in member.stores(target.attr))  # type: ignore[attr-defined]
        else:
            text = ast.dump(target, include_attributes=False)
            stores = [node for node in self.ctx.function(function).nodes(ast.Assign)
                      if any(ast.dump(t, include_attributes=False) == text for t in node.targets)]  # type: ignore[attr-defined]
        starts = [(store, store.value if isinstance(store, (ast.Assign, ast.AnnAssign)) else None)
                  for store in stores if not isinstance(store, ast.AugAssign)]
        kind = self._string_kind(starts, _text(target), loops)
        if kind is None:
            return None
        return kind, "bytes" if kind == "bytes" else ("attribute" if isinstance(target, ast.Attribute) else "item"), ""

    def _string_kind(self, starts: list[tuple[ast.AST, Optional[ast.expr]]], text: str, loops: list) -> Optional[str]:
        """"str" or "bytes" when every start of the string (a store and its value, None when it is
        not a plain value) makes that one kind, and some loop around grows it across passes."""
        kinds, inits = set(), []
        for node, value in starts:
            if value is None:
                return None
            if _shape(value, text) is not None:
                continue  # `s = s + piece`
            kind = _kind(self.ctx, value)
            if kind is None:
                return None
            kinds.add(kind)
            inits.append(node)
        if len(kinds) != 1 or not self._grows(loops, inits):
            return None
        return kinds.pop()

    def _grows(self, loops: list, inits: list) -> bool:
        """Some loop around the statement that does not also hold the string's start (which resets
        it each pass) may run many times."""
        for loop in loops:
            if any(loop in self.ctx.ancestors(init) for init in inits):
                continue
            if not self._bounded(loop):
                return True
        return False

    def _bounded(self, loop: ast.AST) -> bool:
        if isinstance(loop, ast.While):
            return self._logarithmic(loop)
        if not isinstance(loop, (ast.For, ast.AsyncFor)):
            return False
        iterable = loop.iter
        if isinstance(iterable, DISPLAYS):
            return not any(isinstance(element, ast.Starred) for element in iterable.elts)
        if isinstance(iterable, ast.Constant):
            return isinstance(iterable.value, (str, bytes))
        if isinstance(iterable, ast.Call) and self.ctx.call_name(iterable) == "builtins.range" and not iterable.keywords:
            numbers = [arg.value for arg in iterable.args if isinstance(arg, ast.Constant) and type(arg.value) is int]
            return len(numbers) == len(iterable.args) and 0 < len(numbers) and len(range(*numbers)) <= SMALL_RANGE
        return False

    def _logarithmic(self, loop: ast.While) -> bool:
        """`while n:` / `while n > 0:` whose body divides `n` (`n //= base`, `n, digit = divmod(n,
        base)`): the digits of a number, a few dozen passes at most."""
        test = loop.test.left if isinstance(loop.test, ast.Compare) else loop.test
        if not isinstance(test, ast.Name):
            return False
        binding = self.ctx.resolve(test)
        if binding is None:
            return False
        for each in binding.scope.bindings.get(test.id, ()):
            statement = self.ctx.statement(each.node)
            if statement is None or loop not in self.ctx.ancestors(statement):
                continue
            value = getattr(statement, "value", None)
            if isinstance(statement, ast.AugAssign) and isinstance(statement.op, (ast.FloorDiv, ast.RShift)):
                return True
            if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.FloorDiv, ast.RShift)):
                return True
            if isinstance(value, ast.Call) and self.ctx.call_name(value) == "builtins.divmod":
                return True
        return False

    def _kept(self, binding, name: str, text: str, loops: list) -> str:
        """A statement in the loop that keeps a second reference to the string (`last = s`,
        `parts.append(s)`), with nothing rebinding the name plainly in that loop."""
        loop = loops[0]
        if any(b.kind == "assign" and loop in self.ctx.ancestors(b.node) and _shape(b.value, text) is None
               for b in binding.scope.bindings.get(name, ())):
            return ""
        for each in binding.scope.bindings.get(name, ()):
            for reference in each.references:
                node = reference.node
                parent = self.ctx.parent(node)
                if loop not in self.ctx.ancestors(node):
                    continue
                if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
                    return self.ctx.segment(parent)
                if (isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Attribute)
                        and parent.func.attr in KEEPING):
                    return self.ctx.segment(parent)
        return ""


def _first_piece(value: ast.BinOp) -> ast.expr:
    """In `s + a + b`, the `a` added to `s` first."""
    while type(value.left) is ast.BinOp:
        value = value.left  # type: ignore[assignment]
    return value.right


def _text(target: ast.expr) -> str:
    """The target as the right side reads it, to compare expressions by."""
    return ast.dump(target, include_attributes=False).replace("Store()", "Load()")


def _shape(value: Optional[ast.expr], text: str) -> Optional[str]:
    """How `value` adds to the string `text` stands for: "append" (`s + piece`), "chain" (`s + a +
    b`) or "prepend" (`piece + s`); None when it does not."""
    if type(value) is not ast.BinOp or not isinstance(value.op, ast.Add):
        return None
    left = value
    while type(left) is ast.BinOp and isinstance(left.op, ast.Add):
        left = left.left
    if _same(left, text):
        return "append" if value.left is left else "chain"
    return "prepend" if _same(value.right, text) else None


def _same(node: ast.expr, text: str) -> bool:
    return isinstance(node, TARGETS) and ast.dump(node, include_attributes=False) == text


def _kind(ctx, node: ast.expr) -> Optional[str]:
    """"str" or "bytes" when the expression certainly makes one, else None."""
    if isinstance(node, ast.Constant):
        return "str" if isinstance(node.value, str) else "bytes" if isinstance(node.value, bytes) else None
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Add):
            return _kind(ctx, node.left) or _kind(ctx, node.right)
        if isinstance(node.op, ast.Mod):
            return _kind(ctx, node.left)
        return None
    if isinstance(node, ast.IfExp):
        first = _kind(ctx, node.body)
        return first if first == _kind(ctx, node.orelse) else None
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            name = ctx.call_name(node)
            return "str" if name in STR_CALLS else "bytes" if name == "builtins.bytes" else None
        if isinstance(func, ast.Attribute):
            if func.attr == "encode":
                return "bytes"
            if func.attr == "decode":
                return "str"
            if func.attr == "format":
                return _kind(ctx, func.value) if isinstance(func.value, ast.Constant) else None
            if func.attr in SAME_KIND_METHODS:
                return _kind(ctx, func.value)
    return None
