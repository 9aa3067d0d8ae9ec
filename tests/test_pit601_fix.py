"""PIT601's fix on the new copy forms behaves as the answer says, and a copy whose elements are
only emptied (then refilled) is not deep-copied: the fixer refuses and the answer's fresh-element
code keeps the original intact."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.fixing import fix_finding
from pitfalls.source import check_source


def run(source: str) -> str:
    return subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, check=True).stdout


MERGES = {
    "setdefault": """
        DEFAULTS = {"paths": ["/usr"]}

        def merge(overrides):
            merged = dict(DEFAULTS)
            for key, value in overrides.items():
                merged.setdefault(key, []).append(value)
            return merged

        merge({"paths": "/opt"})
        print(DEFAULTS)
        """,
    "items": """
        DEFAULTS = {"paths": ["/usr"]}

        def merge(extra):
            merged = dict(DEFAULTS.items())
            merged["paths"].append(extra)
            return merged

        merge("/opt")
        print(DEFAULTS)
        """,
    "values": """
        DEFAULTS = {"paths": ["/usr"]}

        def first(extra):
            values = list(DEFAULTS.values())
            values[0].append(extra)
            return values

        first("/opt")
        print(DEFAULTS)
        """,
}


@pytest.mark.parametrize("shape", sorted(MERGES))
def test_the_deep_copy_fix_keeps_the_defaults(shape):
    program = textwrap.dedent(MERGES[shape])
    [finding] = [f for f in check_source(program, "p.py").findings if f.code == "PIT601"]
    assert run(program) == "{'paths': ['/usr', '/opt']}\n"  # the bug: the defaults changed
    fix = fix_finding(program, finding)
    assert fix is not None and "copy.deepcopy(" in fix.source
    assert run(fix.source) == "{'paths': ['/usr']}\n"


CLEARED = {
    "by key": (
        """
        DEFAULTS = {"paths": ["/usr"], "name": "x"}

        def reset(new):
            merged = dict(DEFAULTS)
            merged["paths"].clear()
            merged["paths"].extend(new)
            return merged
        """,
        "reset(['/opt'])",
        "{'paths': ['/opt'], 'name': 'x'}",
    ),
    "in a loop": (
        """
        GRID = [[1], [2]]

        def blank():
            rows = list(GRID)
            for row in rows:
                row.clear()
            return rows
        """,
        "blank()",
        "[[], []]",
    ),
}


@pytest.mark.parametrize("shape", sorted(CLEARED))
def test_a_copy_that_is_only_emptied_is_not_deep_copied(shape):
    program, call, result = CLEARED[shape]
    program = textwrap.dedent(program)
    findings = [f for f in check_source(program, "p.py").findings if f.code == "PIT601"]
    assert findings and not any(f.fixable for f in findings)
    for finding in findings:
        assert fix_finding(program, finding) is None  # refused: the source stays untouched
    answer = answer_for(findings[0]).fix
    assert "deepcopy" not in answer
    # The answer's code, put in place of the copy, gives the same result and spares the original.
    code = answer.split("\n\n", 1)[1]
    code = textwrap.dedent(code)
    copy_line = code.splitlines()[0]
    name = copy_line.split(" = ")[0]
    lines = program.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{name} = "))
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at : at + 1] = [indent + line for line in code.splitlines()]
    fixed = "\n".join(lines)
    original = "DEFAULTS" if "DEFAULTS" in program else "GRID"
    check = f"\nsnapshot = repr({original})\nprint({call})\nprint(repr({original}) == snapshot)\n"
    assert run(program + check) == f"{result}\nFalse\n"  # the bug: the original was emptied too
    assert run(fixed + check) == f"{result}\nTrue\n"  # the same result, the original spared
