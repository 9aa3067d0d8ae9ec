"""PIT106: each variant's claim (changed first, nothing changed, raised before any change) is
true when the flagged code runs, and the suggested fix runs without the error."""

from __future__ import annotations

import copy
import textwrap
from collections import Counter, deque

import pytest

from pitfalls.answers import answer_for
from pitfalls.source import check_source

# (setup binding `t`, the statement, the variant PIT106 must report)
CASES = [
    ("t = ([1, 2], 'x')", "t[0] += [3]", "changed"),
    ("t = ([1, 2], 'x')", "t[0] += (3, 4)", "changed"),
    ("t = ([1, 2], 'x')", "t[0] += 'ab'", "changed"),
    ("t = ([1, 2], 'x')", "t[0] *= 2", "changed_inner"),
    ("t = ({1},)", "t[0] |= {2}", "changed"),
    ("t = ({1, 2},)", "t[0] &= {2}", "changed"),
    ("t = ({1, 2},)", "t[0] -= {2}", "changed"),
    ("t = ({1, 2},)", "t[0] ^= {3}", "changed"),
    ("t = ({'a': 1},)", "t[0] |= {'b': 2}", "changed"),
    ("t = (deque([1]),)", "t[0] += [2]", "changed"),
    ("t = (bytearray(b'a'),)", "t[0] += b'b'", "changed"),
    ("t = (Counter(a=1),)", "t[0] += Counter(b=1)", "changed_inner"),
    ("t = ([1, 2], 'x'); more = [5]", "t[0] += more", "may_change"),
    ("t = (1, 2)", "t[0] += 1", "immutable"),
    ("t = ('a', 2)", "t[0] += 'b'", "immutable"),
    ("t = (1, 2)", "t[0:1] += (5,)", "immutable"),
    ("t = ({'a': 1},)", "t[0] += {'b': 2}", "unsupported"),
    ("t = ({1},)", "t[0] += {2}", "unsupported"),
    ("t = ({1},)", "t[0] |= [2]", "unsupported"),
    ("t = ([1],)", "t[0] |= [2]", "unsupported"),
    ("t = ([1],)", "t[0] += 1", "unsupported"),
]


def _finding(setup: str, statement: str):
    source = f"from collections import Counter, deque\n{setup}\n{statement}\n"
    [finding] = [f for f in check_source(source, "case.py").findings if f.code == "PIT106"]
    return finding


def _run(setup: str, statement: str):
    names: dict = {"Counter": Counter, "deque": deque}
    exec(setup, names)
    before = copy.deepcopy(names["t"])
    with pytest.raises(TypeError):
        exec(statement, names)
    return before, names["t"]


@pytest.mark.parametrize("setup, statement, variant", CASES, ids=[c[1] for c in CASES])
def test_each_variant_says_what_running_it_does(setup, statement, variant):
    finding = _finding(setup, statement)
    assert finding.context["variant"] == variant
    before, after = _run(setup, statement)
    changed = before != after
    assert changed == variant.startswith(("changed", "may_change")), (before, after)
    answer = answer_for(finding)
    if changed:
        assert "changes first" in answer.answer_30s and "is changed in place first" in finding.message
    else:
        assert "nothing changes" in answer.answer_30s or "before anything changes" in answer.answer_30s
        assert "changed" not in finding.message


@pytest.mark.parametrize("setup, statement, variant", CASES, ids=[c[1] for c in CASES])
def test_the_fix_runs_and_changes_the_item_as_meant(setup, statement, variant):
    finding = _finding(setup, statement)
    names: dict = {"Counter": Counter, "deque": deque}
    exec(setup, names)
    exec(finding.context["fixed"], names)  # no TypeError
    if variant.startswith(("changed", "may_change")):
        _, expected = _run(setup, statement)  # what += did to the item before raising
        assert names["t"] == expected
    if variant == "immutable":
        assert isinstance(names["t"], tuple) and names["t"] != _run(setup, statement)[0]


def test_an_unknown_item_gets_the_hedged_answer():
    source = textwrap.dedent("""\
        def f(a, b):
            box = (a, b)
            box[0] += [1]
    """)
    [finding] = check_source(source, "f.py").findings
    assert finding.context["variant"] == "maybe"
    assert finding.message == "'box[0] += [1]' raises TypeError: 'box' is a tuple; if 'box[0]' holds a list, it changes first"
    answer = answer_for(finding)
    assert "If `box[0]` holds a list" in answer.answer_30s
    assert "box[0].extend([1])" in answer.fix


def test_an_unknown_item_with_a_number_names_what_could_change():
    source = "def f(a):\n    box = (a, 1)\n    box[0] -= 1\n"
    [finding] = check_source(source, "f.py").findings
    assert finding.context["variant"] == "maybe_rebuilt"
    assert "such as a NumPy array, it changes first" in finding.message
    assert "items = list(box)" in answer_for(finding).fix


def test_the_answer_names_the_users_binding_and_statement():
    [finding] = check_source("scores = ([10], 'ann')\nscores[0] += [20]\n", "s.py").findings
    answer = answer_for(finding)
    assert "scores = ([10], 'ann')\n    scores[0] += [20]" in answer.answer_30s
    assert "`scores[0].extend([20])`" not in answer.answer_30s and "scores[0].extend([20])" in answer.fix


def test_a_name_that_is_a_list_on_some_path_is_left_alone():
    source = textwrap.dedent("""\
        def f(flag, rows):
            acc = ([],)
            for row in rows:
                acc[0] += [row]
                if flag:
                    acc = [acc[0]]
    """)
    assert not check_source(source, "f.py").findings
