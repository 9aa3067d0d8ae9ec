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


def fixed(source: str, path: str = "x.py", unsafe: bool = True) -> str:
    return fix_all(source, lambda text: check_source(text, path).findings, unsafe=unsafe)


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
    "PIT101": (
        """
        def add_item(item, bucket=[]):
            \"\"\"Adds item to bucket.\"\"\"
            bucket.append(item)
            return bucket

        print(add_item(1), add_item(2))
        """,
        "[1, 2] [1, 2]\n",
        "[1] [2]\n",
    ),
    "PIT601": (
        """
        def with_tag(rows):
            copied = rows.copy()
            copied[0].append("tag")
            return copied

        original = [["a"], ["b"]]
        with_tag(original)
        print(original)
        """,
        "[['a', 'tag'], ['b']]\n",
        "[['a'], ['b']]\n",
    ),
    "PIT105": (
        """
        method = "GE"
        print(method in ("GET"))
        """,
        "True\n",
        "False\n",
    ),
    "PIT401": (
        """
        def timed(fn):
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs)
            return wrapper

        @timed
        def load(path):
            "Read the file."
            return path

        print(load.__name__, load.__doc__, load("p"))
        """,
        "wrapper None p\n",
        "load Read the file. p\n",
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
    assert fix is not None and fix.safe == (code in ("PIT105", "PIT401", "PIT602", "PIT603"))
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
    findings = check_source(source, "x.py").findings
    assert findings
    result = fix_finding(source, findings[0])
    assert (result.source if result else None) == expected


@pytest.mark.parametrize(
    "source, target, expected",
    [
        ("def f(x: list[int] = []):\n    return x\n", None,
         "def f(x: list[int] | None = None):\n    if x is None:\n        x = []\n    return x\n"),
        ("def f(x: list[int] = []):\n    return x\n", "py39",
         "from typing import Optional\n\n\ndef f(x: Optional[list[int]] = None):\n    if x is None:\n        x = []\n    return x\n"),
        ("from __future__ import annotations\ndef f(x: list[int] = []):\n    return x\n", "py39",
         "from __future__ import annotations\ndef f(x: list[int] | None = None):\n    if x is None:\n        x = []\n    return x\n"),
        ("def f(x: Optional[list] = []):\n    return x\n", None,
         "def f(x: Optional[list] = None):\n    if x is None:\n        x = []\n    return x\n"),
        ("def f(x=[]): return x\n", None, None),  # the body cannot take a statement first
        ("f = lambda x=[]: x\n", None, None),
        ("def f(x: 'list[int]' = []):\n    return x\n", None, None),  # a string annotation
        ('def f(a=[], b={}):\n    """Doc."""\n    return a, b\n', None,
         'def f(a=None, b=None):\n    """Doc."""\n    if a is None:\n        a = []\n'
         "    if b is None:\n        b = {}\n    return a, b\n"),
    ],
)
def test_mutable_default_fixes(source, target, expected):
    result = source
    for _ in range(2):  # both parameters of the last case, in their order
        findings = [f for f in check_source(result, "x.py").findings if f.code == "PIT101"]
        if not findings:
            break
        assert findings[0].fixable == (expected is not None)
        fix = fix_finding(result, findings[0], target_version=target)
        if fix is None:
            result = None
            break
        result = fix.source
    assert result == expected


def test_a_copy_fix_adds_the_import_after_the_docstring_and_future_imports():
    source = (
        '"""Doc."""\nfrom __future__ import annotations\nimport os\n\n\n'
        "def f(rows: list):\n    new = rows[:]\n    new[0].append(1)\n"
    )
    [finding] = check_source(source, "x.py").findings
    assert fix_finding(source, finding).source == (
        '"""Doc."""\nfrom __future__ import annotations\nimport copy\nimport os\n\n\n'
        "def f(rows: list):\n    new = copy.deepcopy(rows)\n    new[0].append(1)\n"
    )
    shadowed = source.replace("import os", "from copy import copy")
    [finding] = check_source(shadowed, "x.py").findings
    assert fix_finding(shadowed, finding) is None


@pytest.mark.parametrize(
    "annotation, widened",
    [
        ("Mapping[str, Any]", "Mapping[str, Any] | None"),  # Any inside is not Any at the top
        ("Union[list, None]", "Union[list, None]"),
        ("typing.Optional[list]", "typing.Optional[list]"),
        ("list | None", "list | None"),
        ("Any", "Any"),
        ("dict[str, Optional[int]]", "dict[str, Optional[int]] | None"),
    ],
)
def test_annotations_are_widened_only_when_they_do_not_admit_none(annotation, widened):
    source = f"def f(x: {annotation} = {{}}):\n    return x\n"
    [finding] = check_source(source, "x.py").findings
    assert fix_finding(source, finding).source.splitlines()[0] == f"def f(x: {widened} = None):"


@pytest.mark.parametrize(
    "source, line",
    [
        ("from typing import List, Optional\ndef f(x: list[int] = []):\n    return x\n",
         "def f(x: Optional[list[int]] = None):"),  # the import is there already: not added twice
        ("import copy  # deep copies\ndef f(rows: list):\n    new = rows[:]\n    new[0].append(1)\n",
         "    new = copy.deepcopy(rows)"),
        ("class M(list):\n    def copy(self):\n        return M(self)\ndef f(rows: list):\n    new = rows[:]\n"
         "    new[0].append(1)\n", "    new = copy.deepcopy(rows)"),  # a method named copy hides nothing
        ("class C:\n    def range(self):\n        pass\ngrid = [[0] * 3] * 3\n", "grid = [[0] * 3 for _ in range(3)]"),
    ],
)
def test_existing_imports_and_class_members_are_understood(source, line):
    finding = check_source(source, "x.py").findings[0]
    fixed = fix_finding(source, finding, target_version="py39").source
    assert line in fixed.splitlines()
    assert fixed.count("import copy") <= 1 and fixed.count("import Optional") + fixed.count(", Optional") == (
        1 if "Optional" in fixed else 0
    )


@pytest.mark.parametrize(
    "source",
    [
        # the default names the parameter it would become (`lnum=[lnum]` in a nested def): the
        # fixed code would read None, or the parameter, where the def read the outer name
        "def outer(lnum):\n    def inner(lnum=[lnum]):\n        lnum.append(0)\n        return lnum\n    return inner\n",
        "def f(a, b=1):\n    def g(x, acc=[a, x]):\n        acc.append(0)\n    return g\n",
        # None already means something to the function, or a caller passes it on purpose
        "def f(x, found=[]):\n    if found is None:\n        return x\n    found.append(x)\n",
        "def f(x, out=[]):\n    out.append(x)\n\nf(1, out=None)\n",
        "def f(x, out=[]):\n    out.append(x)\n\nf(1, None)\n",
        # state kept on purpose: a None default would throw the memo away
        "def fib(n, memo={}):\n    if n in memo:\n        return memo[n]\n    memo[n] = n\n    return n\n",
    ],
)
def test_refused_pit101_cases_stay_untouched(source):
    [finding] = [f for f in check_source(source, "x.py").findings if f.code == "PIT101"]
    assert not finding.fixable
    assert fixed(source) == source


def test_a_default_over_several_lines_keeps_its_shape_in_the_body():
    source = textwrap.dedent('''\
        class K:
            def method(self, other=[
                1,
                2,
            ], note={"text": """two
          lines"""}):
                other.append(3)
                note["seen"] = True
                return other, note


        def top(rows=[
            [1, 2],
        ]):
            rows.append([4])
            return rows


        print(K().method(), K().method(), top(), top())
    ''')
    result = fixed(source)
    assert "            other = [\n                1,\n                2,\n            ]\n" in result
    assert "        rows = [\n            [1, 2],\n        ]\n" in result
    assert '"""two\n  lines"""' in result  # a string over several lines is moved as it is
    assert run(result) != run(source)
    assert run(result) == "([1, 2, 3], {'text': 'two\\n  lines', 'seen': True}) " * 2 + "[[1, 2], [4]] [[1, 2], [4]]\n"


def test_safe_mode_never_runs_an_unsafe_fixer(monkeypatch):
    """Issue 20: `pitfalls fix` without --unsafe-fixes ran PIT101's fixer (a libcst parse of the
    whole module) once per hit only to refuse it, so 1,000 hits took minutes. Whether a fix is
    safe is the rule's, known before any fixer runs."""
    import pitfalls.rules.pit101_fix as pit101_fix

    calls = []
    real, real_many = pit101_fix.fix, pit101_fix.fix_many
    monkeypatch.setattr(pit101_fix, "fix", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(pit101_fix, "fix_many", lambda *a, **k: calls.append(len(a[1])) or real_many(*a, **k))
    source = "".join(f"def f{i}(x, items=[]):\n    items.append(x)\n    return items\n\n" for i in range(50))
    remaining: list = []
    assert fixed(source, unsafe=False) == source
    fix_all(source, lambda text: check_source(text, "x.py").findings, unsafe=False, remaining=remaining)
    assert calls == [] and len(remaining) == 50 and all(f.fixable for f in remaining)
    applied: list = []
    result = fix_all(source, lambda text: check_source(text, "x.py").findings, unsafe=True, applied=applied)
    assert result.count("if items is None:") == 50 and applied == ["PIT101"] * 50
    assert calls == [50]  # one round, one parse: every hit at once


def test_every_replace_node_fixer_takes_a_rounds_hits_at_once(monkeypatch):
    """Issue 20: a fixer made of `_cst.replace_node` gets the generic `fix_many`: one libcst parse
    a round, not one per hit. Before, 300 hits were fixed one at a time and stopped at the limit
    of 200 fixes, leaving 100."""
    import libcst

    parses = []
    real = libcst.parse_module
    monkeypatch.setattr(libcst, "parse_module", lambda *a, **k: parses.append(1) or real(*a, **k))
    source = "".join(f"def h{i}():\n    grid = [[0] * 2] * 3\n    grid[0][0] = {i}\n    return grid\n\n\n"
                     for i in range(300))
    source += "".join(f"def g{i}(vs):\n    return any([v > {i} for v in vs])\n\n\n" for i in range(300))
    applied: list = []
    remaining: list = []
    result = fix_all(source, lambda text: check_source(text, "x.py").findings, applied=applied, remaining=remaining)
    assert sorted(set(applied)) == ["PIT502", "PIT602"] and len(applied) == 600 and remaining == []
    assert len(parses) == 2  # one round per rule
    namespace: dict = {}
    exec(result, namespace)
    assert namespace["h7"]() == [[7, 0], [0, 0], [0, 0]] and namespace["g1"]([2]) and not namespace["g1"]([1])


def test_a_batch_takes_the_outer_of_two_nested_hits_and_the_inner_next_round(monkeypatch):
    from pitfalls.rules import _cst

    rounds = []
    real = _cst.fix_many
    monkeypatch.setattr(_cst, "fix_many", lambda *a, **k: rounds.append(real(*a, **k)) or rounds[-1])
    source = "rows = [[1], [2]]\nok = any([any([v > 1 for v in row]) for row in rows])\nok2 = all([v for v in rows])\n"
    assert [f.column for f in check_source(source, "x.py").findings] == [9, 14, 10]
    applied: list = []
    result = fix_all(source, lambda text: check_source(text, "x.py").findings, applied=applied)
    assert result.splitlines()[1:] == ["ok = any(any(v > 1 for v in row) for row in rows)", "ok2 = all(v for v in rows)"]
    assert applied == ["PIT502"] * 3 and [count for _, count in rounds] == [2]  # the inner one alone, then
