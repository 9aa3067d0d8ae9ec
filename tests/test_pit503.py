"""PIT503: each variant's answer says what is true of it, and the code behaves as the answer says."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.source import check_source


def only(source: str):
    [finding] = [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT503"]
    return finding, answer_for(finding)


def run(program: str) -> dict:
    namespace: dict = {}
    exec(compile(textwrap.dedent(program), "p.py", "exec"), namespace)  # noqa: S102  (the claims' own code)
    return namespace


SEQUENTIAL = """
def report(lines):
    errors = (line for line in lines if "ERROR" in line)
    count = sum(1 for _ in errors)
    first = list(errors)
    return count, first
"""


def test_the_second_pass_is_told_what_it_gets_and_the_code_does_so():
    finding, answer = only(SEQUENTIAL)
    assert finding.severity is Severity.ERROR and (finding.line, finding.column) == (5, 17)
    assert finding.message == ("'errors' is a generator expression already read to the end on line 4, "
                               "so 'list(errors)' gives '[]'")
    text = " ".join(answer.answer_30s.split())
    assert "`sum(1 for _ in errors)` on line 4 takes every item, and `list(errors)` finds none: it gives `[]`" in text
    assert 'errors = [line for line in lines if "ERROR" in line]' in answer.fix
    assert run(SEQUENTIAL)["report"](["ERROR a", "ok", "ERROR b"]) == (2, [])


@pytest.mark.parametrize(
    "second, result, value",
    [
        ("max(it)", "raises 'ValueError'", ValueError),
        ("any(it)", "gives 'False'", False),
        ("all(it)", "gives 'True'", True),
        ("3 in it", "is 'False'", False),
        ("next(it)", "raises 'StopIteration'", StopIteration),
        ("next(it, 0)", "gives its default", 0),
        ('", ".join(it)', "gives ''''", ""),
    ],
)
def test_each_second_consumer_says_what_it_really_gives(second, result, value):
    program = f"def f(rows):\n    it = map(int, rows)\n    list(it)\n    return {second}\n"
    finding, _ = only(program if "join" not in second else program.replace("map(int", "map(str"))
    assert finding.message.endswith(result)
    function = run(program if "join" not in second else program.replace("map(int", "map(str"))["f"]
    if isinstance(value, type):
        with pytest.raises(value):
            function([3, 4])
    else:
        assert function([3, 4]) == value


NESTED = """
def render(rows):
    cells = map(str, rows)
    lines = []
    for _ in range(3):
        lines.append(" ".join(cells))
    return lines
"""


def test_a_pass_inside_a_loop_is_told_it_is_empty_from_the_second_time_round():
    finding, answer = only(NESTED)
    assert finding.severity is Severity.ERROR
    assert "read to the end inside the 'for' loop on line 5" in finding.message
    assert finding.message.endswith("from the second time round")
    assert "every later time it finds none" in " ".join(answer.answer_30s.split())
    assert "build the iterator inside the loop" in " ".join(answer.fix.split())
    assert run(NESTED)["render"]([1, 2]) == ["1 2", "", ""]


def test_a_generator_function_of_the_module_is_one_shot_and_named():
    finding, _ = only(
        """
        def numbers():
            yield 1

        def twice():
            values = numbers()
            for v in values:
                print(v)
            return list(values)
        """
    )
    assert finding.message.startswith("'values' is a generator from numbers() already read")


def test_a_pass_behind_an_if_in_a_loop_is_a_hazard():
    finding, _ = only(
        """
        def once(rows, flags):
            it = iter(rows)
            for flag in flags:
                if flag:
                    print(list(it))
        """
    )
    assert finding.severity is Severity.HAZARD


def test_a_break_in_an_inner_loops_else_stops_the_first_pass():
    # The `else` of the inner `while` runs once, outside that loop: its `break` leaves the
    # `for`, so the first pass may stop early and the second may find items left.
    source = textwrap.dedent("""\
        def f(items, ready):
            it = iter(items)
            for x in it:
                while ready():
                    pass
                else:
                    break
            return list(it)
        """)
    assert [f for f in check_source(source, "m.py").findings if f.code == "PIT503"] == []
