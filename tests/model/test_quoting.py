"""How answers quote the user's code: whole when it fits, shortened where it still reads as code."""

from __future__ import annotations

import ast

import pytest
from model_probe import inspect

from pitfalls.analyses.signatures import header


def quoted(source: str, limit: int) -> str:
    return inspect(source, lambda ctx: ctx.segment(ctx.tree.body[-1], limit))


@pytest.mark.parametrize(
    "source, limit, expected",
    [
        ("doc['deprecated']['removed_in'] = doc['deprecated']['version']\n", 80,
         "doc['deprecated']['removed_in'] = doc['deprecated']['version']"),
        ("self.warnings.add('value for config entry {0} contains invalid characters'.format(name))\n", 60,
         "self.warnings.add(...)"),
        ("doc['deprecated']['removed_in'] = doc['deprecated']['version']\n", 50, "doc['deprecated']['removed_in'] = ..."),
        ("rows[key] = build_the_row(first_argument, second_argument, third_argument)\n", 40,
         "rows[key] = build_the_row(...)"),
        ("total += compute_the_total(first_argument, second_argument)\n", 40, "total += compute_the_total(...)"),
        ("x = 'a very long string that goes on and on and on and on and on'\n", 30, "x = ..."),
        ("'a very long string that goes on and on and on and on and on'\n", 30, "'a very long string that go..."),
    ],
)
def test_long_code_is_shortened_where_it_still_reads_as_code(source, limit, expected):
    assert quoted(source, limit) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        ("def f(a, b=[], *, c: int = 1, **kw): pass", "def f(a, b=[], *, c: int = 1, **kw):"),
        ("def f(a, /, *args: int, **kwargs: str) -> None: pass", "def f(a, /, *args: int, **kwargs: str) -> None:"),
        ("async def f(config: dict | None = None): pass", "async def f(config: dict | None = None):"),
        ("def __init__(self, shell: InteractiveShell, config: Configuration | None = None, **traits: typing.Any): pass",
         "def __init__(\n    self,\n    shell: InteractiveShell,\n    config: Configuration | None = None,\n"
         "    **traits: typing.Any,\n):"),
    ],
)
def test_a_header_is_the_real_signature(source, expected):
    function = ast.parse(source).body[0]
    assert header(function) == expected  # type: ignore[arg-type]
    assert header(function, none_for="b") == expected.replace("b=[]", "b=None")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("def f(x: dict = {}): pass", "def f(x: dict | None = None):"),
        ("def f(x: Optional[dict] = {}): pass", "def f(x: Optional[dict] = None):"),
        ("def f(x: dict | None = {}): pass", "def f(x: dict | None = None):"),
        ("def f(x: 'dict' = {}): pass", "def f(x: 'dict' = None):"),
    ],
)
def test_a_header_with_none_for_widens_the_annotation_as_the_fix_does(source, expected):
    assert header(ast.parse(source).body[0], none_for="x") == expected  # type: ignore[arg-type]


LONG = "def __init__(self, shell: InteractiveShell, config: Configuration | None = None, **traits: typing.Any): pass"


@pytest.mark.parametrize(
    "focus, expected",
    [
        ("config", "def __init__(..., config: Configuration | None = None, ...):"),
        ("self", "def __init__(self, ...):"),
        ("traits", "def __init__(..., **traits: typing.Any):"),
    ],
)
def test_a_long_header_in_focus_keeps_one_line_and_the_parameter_it_is_about(focus, expected):
    assert header(ast.parse(LONG).body[0], focus=focus) == expected  # type: ignore[arg-type]
    assert header(ast.parse("def f(a, b=[]): pass").body[0], focus="b") == "def f(a, b=[]):"  # type: ignore[arg-type]


def strings_parenthesized(source: str) -> list[bool]:
    def look(ctx):
        found = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        return [ctx.parenthesized(n) for n in sorted(found, key=lambda n: (n.lineno, n.col_offset))]

    return inspect(source, look)


@pytest.mark.parametrize(
    "source, expected",
    [
        ('x in ("a")\n', [True]),
        ('x in "a"\n', [False]),
        ('(x in "a")\n', [False]),
        ('x in ("a",)\n', [False]),
        ('f("a")\n', [True]),  # a call's own parentheses look the same: callers ask only where they can't be
        ('x in (\n    # why\n    "a"  # the one\n)\n', [True]),
        ('x in ("a"\n)\n', [True]),
        ('x in ("a" "b")\n', [True]),
        ('x in ("a") or y in "b"\n', [True, False]),
        ('x in ("#(")\n', [True]),
        ('x in ( "a" )\n', [True]),
    ],
)
def test_a_node_in_its_own_parentheses(source, expected):
    assert strings_parenthesized(source) == expected
