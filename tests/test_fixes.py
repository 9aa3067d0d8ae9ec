"""Fixes: golden files, idempotence, behaviour before and after, and no lost code."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

from conftest import FIXTURES, fixture_files
from pitfalls.fixing import fix_all, fix_finding
from pitfalls.source import check_source

GOLDEN = sorted(FIXTURES.glob("*.fixed.py"))


def fixed(source: str, path: str = "x.py") -> str:
    return fix_all(source, lambda text: check_source(text, path).findings)


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.name)
def test_fixing_the_fixture_gives_the_golden_file(golden):
    original = golden.with_name(golden.name.replace(".fixed.py", ".py"))
    assert fixed(original.read_text(encoding="utf-8"), str(original)) == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.name)
def test_fixing_is_idempotent_and_leaves_only_what_it_cannot_fix(golden):
    text = golden.read_text(encoding="utf-8")
    assert fixed(text, str(golden)) == text
    ast.parse(text)
    for finding in check_source(text, str(golden)).findings:
        assert fix_finding(text, finding) is None


def test_every_fixture_hit_is_fixed_or_left_and_never_broken():
    for path in fixture_files():
        source = path.read_text(encoding="utf-8")
        for finding in check_source(source, str(path)).findings:
            fix = fix_finding(source, finding)
            if fix is not None:
                ast.parse(fix.source)
                assert fix.source.count("#") == source.count("#")  # no comment lost


def run(program: str) -> str:
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout


BEHAVIOUR = {
    "PIT602": (
        """
        grid = [[0] * 3] * 3  # three rows
        grid[0][0] = 1
        print(grid)
        """,
        "[[1, 0, 0], [1, 0, 0], [1, 0, 0]]\n",
        "[[1, 0, 0], [0, 0, 0], [0, 0, 0]]\n",
    ),
    "PIT603": (
        """
        groups = dict.fromkeys(["fruit", "veg"], [])
        groups["fruit"].append("apple")
        print(groups)
        """,
        "{'fruit': ['apple'], 'veg': ['apple']}\n",
        "{'fruit': ['apple'], 'veg': []}\n",
    ),
}


@pytest.mark.parametrize("code", sorted(BEHAVIOUR))
def test_the_fix_changes_behaviour_as_intended(code):
    program, before, after = BEHAVIOUR[code]
    program = textwrap.dedent(program)
    [finding] = [f for f in check_source(program, "p.py").findings if f.code == code]
    assert finding.fixable
    fix = fix_finding(program, finding)
    assert fix is not None and fix.safe
    assert run(program) == before
    assert run(fix.source) == after
    assert "# three rows" in fix.source or code != "PIT602"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("grid = [[_] * 3] * n\n", "grid = [[_] * 3 for _i in range(n)]\n"),  # `_` is gettext here
        ("grid = [[0] * 3] * (a + b)\n", "grid = [[0] * 3 for _ in range(a + b)]\n"),
        ("rows = (n * [{}])\n", "rows = ([{} for _ in range(n)])\n"),
        ("d = dict.fromkeys(a if c else b, [])\n", "d = {key: [] for key in (a if c else b)}\n"),
        ("d = dict.fromkeys(keys, [key])\n", "d = {k: [key] for k in keys}\n"),
        ("d = dict.fromkeys(\n    keys,  # the names\n    [],\n)\n", None),  # a comment would be lost
        ("range = 3\ngrid = [[0] * 3] * 3\n", None),  # `range` is not the builtin here
        ("row = []\ngrid = [row] * 3\n", None),  # would still share `row`
    ],
)
def test_fix_edge_cases(source, expected):
    findings = [f for f in check_source(source, "x.py").findings if f.code in ("PIT602", "PIT603")]
    assert findings
    result = fix_finding(source, findings[0])
    assert (result.source if result else None) == expected
