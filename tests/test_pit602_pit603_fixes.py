"""PIT602 and PIT603 fixes do what the answers say: every slot or key gets its own object, the
contents are unchanged, and a change through one reaches only that one; refused cases are left
exactly as they were. Plus the tier of shapes the fixture cannot hold alone."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pitfalls.catalog import BY_CODE
from pitfalls.findings import Severity
from pitfalls.fixing import fix_all, fix_finding
from pitfalls.source import check_source

ELEMENTS = ["[]", "[0] * 3", "{}", "set()", "[i for i in range(2)]", "dict()", "{'a': [1]}", "list()"]
CHANGES = {  # how one element of each kind is changed in place, as code after `x`
    "[]": ".append(1)", "[0] * 3": "[0] = 1", "{}": "['k'] = 1", "set()": ".add(1)",
    "[i for i in range(2)]": ".append(9)", "dict()": "['k'] = 1", "{'a': [1]}": "['b'] = 2", "list()": ".append(1)",
}


def run(program: str) -> dict:
    namespace: dict = {}
    exec(compile(program, "<fixed>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace


def fixed(source: str, code: str) -> str:
    findings = lambda text: [f for f in check_source(text, "p.py", [BY_CODE[code]]).findings]  # noqa: E731
    return fix_all(source, findings, unsafe=False)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(ELEMENTS), st.integers(2, 5), st.data(), st.booleans())
def test_pit602_fix_gives_each_row_its_own_object(element, n, data, on_the_left):
    index = data.draw(st.integers(0, n - 1))
    product = f"{n} * [{element}]" if on_the_left else f"[{element}] * {n}"
    source = f"rows = {product}\nbefore = [repr(r) for r in rows]\nrows[{index}]{CHANGES[element]}\n"
    [finding] = check_source(source, "p.py", [BY_CODE["PIT602"]]).findings
    assert finding.severity is Severity.ERROR and finding.fixable
    old, new = run(source), run(fixed(source, "PIT602"))
    assert old["before"] == new["before"]  # the same contents before any change
    # As the answer says: the change shows up in every row before, in only that row after.
    assert all(repr(r) == repr(old["rows"][index]) for r in old["rows"])
    assert len({id(r) for r in new["rows"]}) == n
    assert [repr(r) for i, r in enumerate(new["rows"]) if i != index] == [b for i, b in enumerate(new["before"]) if i != index]
    assert repr(new["rows"][index]) == repr(old["rows"][index])


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(ELEMENTS), st.lists(st.sampled_from("abcdef"), min_size=2, max_size=5, unique=True),
       st.sampled_from(["dict", "OrderedDict", "{}", "dict()"]), st.data())
def test_pit603_fix_gives_each_key_its_own_value(value, keys, receiver, data):
    key = data.draw(st.sampled_from(keys))
    source = (f"from collections import OrderedDict\nd = {receiver}.fromkeys({keys!r}, {value})\n"
              f"before = {{k: repr(v) for k, v in d.items()}}\nd[{key!r}]{CHANGES[value]}\n")
    [finding] = check_source(source, "p.py", [BY_CODE["PIT603"]]).findings
    assert finding.severity is Severity.ERROR and finding.fixable
    old, new = run(source), run(fixed(source, "PIT603"))
    assert type(old["d"]) is type(new["d"]) and list(old["d"]) == list(new["d"])  # same type, same key order
    assert old["before"] == new["before"]
    assert len({repr(v) for v in old["d"].values()}) == 1  # every key shows the change before
    assert len({id(v) for v in new["d"].values()}) == len(keys)
    assert {k: repr(v) for k, v in new["d"].items() if k != key} == {k: v for k, v in new["before"].items() if k != key}


@pytest.mark.parametrize(
    "source, code",
    [
        ("row = []\ngrid = [row] * 3\ngrid[0].append(1)\n", "PIT602"),  # re-running `row` still shares it
        ("range = 3\ngrid = [[0] * 3] * 3\ngrid[0][0] = 1\n", "PIT602"),  # not the builtin range
        ("grid = [[], {}] * 3\ngrid[0].append(1)\n", "PIT602"),  # several elements: not rewritten
        ("d = dict.fromkeys(\n    'ab',  # the names\n    [],\n)\nd['a'].append(1)\n", "PIT603"),  # a comment
        ("from collections import defaultdict\nd = defaultdict.fromkeys('ab', [])\nd['a'].append(1)\n", "PIT603"),
        ("class R(dict):\n    pass\nd = R.fromkeys('ab', [])\nd['a'].append(1)\n", "PIT603"),  # R(...) may differ
        ("empty = []\nd = dict.fromkeys('ab', empty)\nd['a'].append(1)\n", "PIT603"),  # would still share
    ],
)
def test_refused_fixes_leave_the_code_untouched(source, code):
    [finding] = check_source(source, "p.py", [BY_CODE[code]]).findings
    assert finding.severity is Severity.ERROR  # reported by default ...
    assert fix_finding(source, finding) is None  # ... and not rewritten
    assert fix_all(source, lambda text: check_source(text, "p.py").findings, unsafe=True) == source


@pytest.mark.parametrize(
    "source, expected",
    [
        # A default keeps the rows: every call that leaves it out gets them.
        ("def f(rows=[[0] * 3] * 3):\n    return len(rows)\n", Severity.HAZARD),
        # Only read where they are made: nothing shares them further.
        ("def f(n):\n    rows = [[0] * 3] * n\n    return sum(map(sum, rows))\n", None),
        # An alias of one row, changed.
        ("def f(n):\n    rows = [[]] * n\n    last = rows[-1]\n    last.append(1)\n    return rows\n", Severity.ERROR),
        # A module-level name may be imported and changed elsewhere.
        ("ROWS = [[]] * 3\n", Severity.HAZARD),
    ],
)
def test_pit602_tiers(source, expected):
    found = [f.severity for f in check_source(source, "p.py", [BY_CODE["PIT602"]]).findings]
    assert found == ([expected] if expected else [])


def test_answers_name_the_users_rows_and_quote_the_lambda():
    from pitfalls.answers import answer_for

    source = textwrap.dedent("""\
        def f(n):
            table = [[0] * 3] * n
            table[0][0] = 1
            return table
        make = lambda n: [{}] * n
    """)
    first, second = check_source(source, "p.py", [BY_CODE["PIT602"]]).findings
    text = str(answer_for(first).as_dict())
    assert "`table[0] is table[1]`" in text and "grid" not in text
    assert "`lambda n: [{}] * n` returns the result" in str(answer_for(second).as_dict())
