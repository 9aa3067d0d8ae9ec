"""PIT501: `for line in f.readlines():` reads the whole file before the first line is seen."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

# Calls that return an open file object, whose iteration yields one line at a time.
OPENERS = frozenset({
    "builtins.open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open", "os.fdopen", "os.popen",
    "importlib.resources.open_text", "importlib.resources.open_binary",
})
PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"})
STREAMS = frozenset({"sys.stdin"})
# Uses of the file that leave its position alone: the fix may keep them after the loop.
HARMLESS = frozenset({"close", "name", "closed", "mode", "encoding", "fileno"})
_STRIPPED = "for line in $file:\n    line = line.rstrip(\"\\n\")"


class WholeFileInMemory(Rule):
    code = "PIT501"
    name = "whole-file-in-memory"
    severity = Severity.WARNING
    other_severities = {
        Severity.HAZARD: "for a comprehension that keeps every line anyway",
    }
    needs = ("readlines", "splitlines", "split(")
    peer_codes = ("FURB129",)
    summary = "`for line in f.readlines():` reads the whole file into memory before the first line is seen"
    message = "'{call}' reads all of '{file}' into memory before the first line; iterate '{file}' itself"
    method_names = frozenset({"readlines", "splitlines", "split"})
    fixable = True
    fixer = "pitfalls.rules.pit501_fix:fix"  # safe: iterating the file yields the same lines
    bad_example = """\
def count_errors(path):
    with open(path) as log:
        return sum(1 for line in log.readlines() if "ERROR" in line)
"""
    good_example = """\
def count_errors(path):
    with open(path) as log:
        return sum(1 for line in log if "ERROR" in line)
"""
    example_context = {
        "variant": "",
        "call": "log.readlines()",
        "file": "log",
        "loop": 'for line in log.readlines() if "ERROR" in line',
        "fixed_loop": 'for line in log if "ERROR" in line',
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`$call` reads all of `$file` into memory before the loop sees its first line; "
        "iterating `$file` itself reads a buffer at a time and hands out each line as it comes.",
        implication={
            "": "On a ten-million-line log file that is ten million strings held at once, and no work "
            "starts until the last line is read.",
            "split": "On a ten-million-line log file that is the whole text plus ten million strings held "
            "at once, and no work starts until the last line is read.",
            "split-n": "On a ten-million-line log file that is the whole text plus ten million strings "
            "held at once, and no work starts until the last line is read.",
            "kept": "The comprehension keeps every line anyway, so here the cost is the whole text read "
            "first and held next to the lines it is split into.",
        },
        example="$loop",
        layer="Iterating a file yields exactly what `readlines()` returns, line endings kept. "
        "`splitlines()` is different: it drops the line ends and also splits on `\\r`, "
        "form feeds and Unicode separators, so replace it with `line.rstrip(\"\\n\")` only where the data "
        "has none of those.",
        follow_ups=(
            FollowUp(
                "When is reading the whole file the right thing?",
                "When you need the lines more than once, or out of order (`lines[i + 1]`), or the file is "
                "small and read once. Then say so: `lines = $file.readlines()`, named, instead of a loop "
                "over a call.",
            ),
            FollowUp(
                "Is there any difference once the loop stops early?",
                "Yes. After `readlines()` the file is at its end; iterating stops where the loop did, so "
                "a later `$file.read()` gets the rest. The fix is offered only when nothing reads `$file` "
                "inside or after the loop.",
            ),
        ),
        fix={
            "": "Loop over `$file` directly: it yields the same lines, line endings included, one at a time.",
            "split": "Loop over `$file` and strip each end yourself, if no line holds `\\r` or another "
            "separator that `splitlines()` also splits on.",
            "kept": "If the file can be large, loop over `$file` and strip each end yourself, checking "
            "that the lines come out as `$call` gave them.",
            "split-n": "Loop over `$file` and strip each `\\n` yourself. One difference: `split(\"\\n\")` "
            "also gives a last empty string when the file ends with a newline; the loop does not.",
        },
        fix_code={"": "$fixed_loop", "split": _STRIPPED, "kept": _STRIPPED, "split-n": _STRIPPED},
        key_points=(
            "`$call` reads all of `$file` into memory before the loop starts",
            "Iterating `$file` itself hands out one line at a time",
            "Fix: loop over `$file` directly",
        ),
        demo="""\
import os
import tempfile

path = os.path.join(tempfile.mkdtemp(), "app.log")
with open(path, "w") as out:
    out.writelines(f"line {i}\\n" for i in range(200_000))
size = os.path.getsize(path)

with open(path) as log:
    lines = log.readlines()  # every line, before any is used
    assert len(lines) == 200_000 and log.buffer.tell() == size

with open(path) as log:
    first = next(iter(log))  # iterating reads one buffer, not the file
    assert first == "line 0\\n" and log.buffer.tell() < size // 10

with open(path) as log:  # the same lines, line endings kept
    assert list(log) == lines

text = "a\\rb\\x0cc\\u2028d\\n"  # splitlines() drops the ends, and splits on more than "\\n"
assert text.splitlines() == ["a", "b", "c", "d"] and text.split("\\n") == ["a\\rb\\x0cc\\u2028d", ""]

with open(path) as log:  # split("\\n") adds a last, empty string
    parts = log.read().split("\\n")
    assert len(parts) == 200_001 and parts[-1] == ""

with open(path) as log:  # a loop that stops early leaves the rest to read
    for line in log:
        break
    assert log.readline() == "line 1\\n"
with open(path) as log:
    for line in log.readlines():
        break
    assert log.readline() == ""
""",
        names=("call", "file"),
        flags="A `for` loop or comprehension (also through `enumerate`) over `f.readlines()`, "
        "`f.read().splitlines()` or `f.read().split(\"\\n\")` where `f` is a file opened in this scope "
        "(`open`, `io.open`, `codecs.open`, `gzip.open`, `Path(...).open()`, `with ... as f` or `f = ...`), "
        "an `open(...)` call itself, or `sys.stdin`.",
        not_flagged=(
            "A receiver not known to be an open file (a parameter, `io.StringIO`, any other object): "
            "its `readlines` may be anything, and in-memory streams hold their text anyway.",
            "`readlines(hint)` with an argument, and lines kept under a name (`lines = f.readlines()`), "
            "which says they are wanted whole.",
            "`read().splitlines()` in a comprehension that keeps every line: the lines are all held "
            "anyway (a hazard, strict mode only).",
        ),
        references=(
            "https://docs.python.org/3/tutorial/inputoutput.html#methods-of-file-objects",
            "https://docs.python.org/3/library/io.html#io.IOBase.readlines",
        ),
        prior_art=("ruff FURB129 readlines-in-for (`readlines()` only)",),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.hits: list[tuple[ast.Call, ast.expr, ast.AST, str]] = []

    def visit(self, node: ast.Call) -> None:
        func = node.func
        form = func.attr  # type: ignore[attr-defined]
        if form == "readlines":
            if node.args or node.keywords:
                return  # `readlines(hint)` stops after about `hint` characters
            receiver = func.value  # type: ignore[attr-defined]
        else:
            if form == "split" and not _newline_only(node):
                return
            read = func.value  # type: ignore[attr-defined]
            if not (isinstance(read, ast.Call) and isinstance(read.func, ast.Attribute) and read.func.attr == "read"
                    and not read.args and not read.keywords):
                return
            receiver = read.func.value
        loop = self._loop_over(node)
        if loop is not None and self._is_open_file(receiver):
            self.hits.append((node, receiver, loop, form))

    def _loop_over(self, node: ast.Call) -> Optional[ast.AST]:
        """The `for` statement or comprehension generator whose iterable is `node` (or
        `enumerate(node)`), else None."""
        parent = self.ctx.parent(node)
        if (isinstance(parent, ast.Call) and parent.args and parent.args[0] is node and len(parent.args) <= 2
                and self.ctx.call_name(parent) == "builtins.enumerate"):
            node, parent = parent, self.ctx.parent(parent)
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
            return parent
        return None

    def _is_open_file(self, receiver: ast.expr) -> bool:
        if isinstance(receiver, ast.Call):
            return self._opens(receiver)
        if self.ctx.qualified_name(receiver) in STREAMS:
            return True
        if isinstance(receiver, ast.Name):
            binding = self.ctx.resolve(receiver)
            return (binding is not None and binding.kind in ("with", "assign", "walrus")
                    and isinstance(binding.value, ast.Call) and self._opens(binding.value))
        return False

    def _opens(self, call: ast.Call) -> bool:
        if self.ctx.call_name(call) in OPENERS:
            return True
        func = call.func  # `Path(p).open()`, or `path.open()` with `path = Path(p)`
        if not (isinstance(func, ast.Attribute) and func.attr == "open"):
            return False
        owner = func.value
        if isinstance(owner, ast.Name):
            binding = self.ctx.resolve(owner)
            owner = binding.value if binding is not None and binding.kind == "assign" else None
        return isinstance(owner, ast.Call) and self.ctx.call_name(owner) in PATH_TYPES

    def finish(self) -> None:
        for call, receiver, loop, form in self.hits:
            kept = form != "readlines" and isinstance(self.ctx.parent(loop), (ast.ListComp, ast.SetComp, ast.DictComp)) \
                and not loop.ifs  # type: ignore[attr-defined]
            variant = "kept" if kept else {"readlines": "", "splitlines": "split", "split": "split-n"}[form]
            file = self.ctx.segment(receiver)
            shown = self.ctx.segment(call)
            header = _header(self.ctx, loop)
            self.report(
                call,
                severity=Severity.HAZARD if kept else None,
                fixable=form == "readlines" and self._fix_is_safe(receiver, loop),
                variant=variant,
                call=shown,
                file=file,
                loop=header,
                fixed_loop=header.replace(shown, file, 1),
            )

    def _fix_is_safe(self, receiver: ast.expr, loop: ast.AST) -> bool:
        """Iterating the file reads it as the loop goes: nothing else may read or move it inside the
        loop or after it (a loop that stops early leaves the rest unread), and a generator
        expression may run after the file is closed."""
        if isinstance(self.ctx.parent(loop), ast.GeneratorExp):
            return False
        if not isinstance(receiver, ast.Name):
            return True
        binding = self.ctx.resolve(receiver)
        if binding is None:
            return False
        start = self.ctx.statement(loop).lineno  # type: ignore[union-attr]
        for reference in binding.references:
            if reference.node is receiver:
                continue
            parent = self.ctx.parent(reference.node)
            if isinstance(parent, ast.Attribute) and parent.attr in HARMLESS:
                continue
            if reference.node.lineno >= start:
                return False
        return True


def _newline_only(call: ast.Call) -> bool:
    """`split("\\n")`: one argument, a newline."""
    return (len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.Constant)
            and call.args[0].value in ("\n", b"\n"))


def _header(ctx, loop: ast.AST) -> str:
    """`for line in log.readlines()` as the user wrote it, on one line (a comprehension's `for`
    clause with its conditions)."""
    if isinstance(loop, ast.comprehension):
        words = f"for {ctx.segment(loop.target)} in {ctx.segment(loop.iter)}"
        return " ".join([words, *(f"if {ctx.segment(test)}" for test in loop.ifs)])
    prefix = "async for" if isinstance(loop, ast.AsyncFor) else "for"
    return f"{prefix} {ctx.segment(loop.target)} in {ctx.segment(loop.iter)}:"  # type: ignore[attr-defined]
