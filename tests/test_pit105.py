"""PIT105: each variant's answer says what is true of it, and the code behaves as the answer says."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.source import check_source


def only(source: str):
    [finding] = [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT105"]
    return finding, answer_for(finding)


@pytest.mark.parametrize(
    "source, severity, says, fixable",
    [
        ('def f(method):\n    return method in ("GET")\n', Severity.ERROR,
         ["`method in (\"GET\")` asks whether `method` is a piece of the string", "`'GE'` passes"], True),
        ('def f(mode):\n    return mode in ("r")\n', Severity.ERROR,
         ["differs only for the empty string: `mode` passes when it is empty"], True),
        ('def f(ext):\n    return ext in (b"")\n', Severity.HAZARD,
         ["bytes object", "only while `ext` is a bytes object: `None` raises `TypeError`"], True),
        ('def f(ch):\n    return ch in ("aeiou")\n', Severity.HAZARD,
         ["If `ch` is always one character", "drop the parentheses"], False),
        ('for field in ("name"):\n    print(field)\n', Severity.ERROR,
         ["loops over the characters of `\"name\"`", "`field` is `'n'` on the first pass",
          "the loop runs once, with the whole string"], True),
        ('for ch in ("abc"):\n    print(ch)\n', Severity.HAZARD, ["With `ch` named as one character"], False),
    ],
)
def test_each_variant_is_told_what_is_true_of_it(source, severity, says, fixable):
    finding, answer = only(source)
    assert finding.severity is severity and finding.fixable is fixable
    text = answer.answer_30s + answer.fix
    for words in says:
        assert words in " ".join(text.split()), words


def run(program: str) -> dict:
    namespace: dict = {}
    exec(compile(textwrap.dedent(program), "p.py", "exec"), namespace)  # noqa: S102  (the claims' own code)
    return namespace


def test_the_claims_hold_when_run():
    found = run(
        """
        def safe(method):
            return method in ("GET")
        def one(mode):
            return mode in ("r")
        def empty(ext):
            return ext in (b"")
        fields = [field for field in ("name")]
        """
    )
    assert found["safe"]("GE") and found["safe"]("") and not found["safe"]("POST")
    assert found["one"]("") and found["one"]("r") and not found["one"]("rw")
    assert found["empty"](b"") and not found["empty"](b"x")
    with pytest.raises(TypeError):
        found["empty"](None)
    assert found["fields"] == ["n", "a", "m", "e"]


def test_the_message_quotes_the_test_with_its_parentheses_even_over_lines():
    finding, answer = only('def f(method):\n    return method in (\n        "GET"\n    )\n')
    assert finding.message == "'(\"GET\")' is one string, not a tuple, so 'method in (\"GET\")' tests for a substring"
    assert 'method in ("GET",)' in answer.fix
