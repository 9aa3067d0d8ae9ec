"""`pitfalls fix --diff`'s unified diff: what difflib prints for small changes, a diff that applies
for any change, and fast when thousands of lines change."""

from __future__ import annotations

import difflib
import random
import re

import pytest

from pitfalls.diffs import unified_diff


def applied(old: str, diff: str) -> str:
    """The new text, from the old and a unified diff (each hunk checked against the old)."""
    a, out, at = old.splitlines(True), [], 0
    lines = diff.splitlines(True)[2:]
    index = 0
    while index < len(lines):
        start = int(re.match(r"@@ -(\d+)", lines[index]).group(1))
        length = re.match(r"@@ -\d+(?:,(\d+))?", lines[index]).group(1)
        start = start - 1 if length != "0" else start  # an empty range names the line before
        out += a[at:start]
        at = start
        index += 1
        while index < len(lines) and not lines[index].startswith("@@"):
            mark, text = lines[index][0], lines[index][1:]
            if mark in " -":
                assert a[at] == text
                at += 1
            if mark in " +":
                out.append(text)
            index += 1
    return "".join(out + a[at:])


def test_small_changes_read_as_difflibs():
    old = "".join(f"def f{i}(x):\n    return x\n\n" for i in range(6))
    new = old.replace("def f2(x):\n    return x", "def f2(x=None):\n    x = x or []\n    return x")
    assert unified_diff(old, new, "m.py") == "".join(
        difflib.unified_diff(old.splitlines(True), new.splitlines(True), "a/m.py", "b/m.py"))
    assert unified_diff(old, old, "m.py") == ""


@pytest.mark.parametrize("seed", range(40))
def test_any_change_gives_a_diff_that_applies(seed):
    rng = random.Random(seed)
    pool = ["return x\n", "pass\n", "\n", "x = 1\n"] + [f"line {n}\n" for n in range(30)]
    old_lines = [rng.choice(pool) for _ in range(rng.randint(0, 60))]
    new_lines = list(old_lines)
    for _ in range(rng.randint(0, 8)):
        at = rng.randint(0, len(new_lines))
        action = rng.choice("ird")
        if action == "i":
            new_lines[at:at] = [rng.choice(pool) for _ in range(rng.randint(1, 3))]
        elif new_lines and at < len(new_lines):
            new_lines[at:at + rng.randint(1, 3)] = [rng.choice(pool)] if action == "r" else []
    old, new = "".join(old_lines), "".join(new_lines)
    assert applied(old, unified_diff(old, new, "m.py")) == new


def test_thousands_of_changes_on_repeated_lines():
    old = "".join(f"def h{i}():\n    grid = [[0] * 2] * 3\n    return grid\n\n" for i in range(5000))
    new = old.replace("[[0] * 2] * 3", "[[0] * 2 for _ in range(3)]")
    diff = unified_diff(old, new, "m.py")
    assert diff.count("\n+    grid = [[0] * 2 for _ in range(3)]\n") == 5000 and applied(old, diff) == new
