"""PIT302: what each shape is told, and the TypeError the answer names, raised for real."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.source import check_source


def hits(source: str):
    return [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT302"]


@pytest.mark.parametrize(
    "source, severity, error",
    [
        ("class A:\n    def __init__(self):\n        return 1\n", Severity.ERROR,
         "__init__() should return None, not 'int'"),
        ("class A:\n    def __init__(self):\n        return [self]\n", Severity.ERROR,
         "__init__() should return None, not 'list'"),
        ("class A:\n    def __init__(self):\n        return len('ab')\n", Severity.ERROR,
         "__init__() should return None, not 'int'"),
        ("class A:\n    def __init__(self):\n        yield 1\n", Severity.ERROR,
         "__init__() should return None, not 'generator'"),
        ("class A:\n    def _v(self):\n        return 2\n    def __init__(self):\n        return self._v()\n",
         Severity.ERROR, "__init__() should return None"),
    ],
)
def test_the_answer_names_the_error_that_really_happens(source, severity, error):
    [finding] = hits(source)
    assert finding.severity is severity
    assert error in " ".join(answer_for(finding).answer_30s.split())
    namespace: dict = {}
    exec(compile(source, "a.py", "exec"), namespace)  # noqa: S102  (the user's own class)
    with pytest.raises(TypeError) as raised:
        namespace["A"]()
    assert error in str(raised.value)


def test_a_call_that_may_give_none_is_a_hazard_and_a_method_without_a_value_is_not_reported():
    [hazard] = hits("class A:\n    def __init__(self, helper):\n        return helper.configure(self)\n")
    assert hazard.severity is Severity.HAZARD
    assert hits("class A:\n    def _setup(self):\n        self.x = 1\n    def __init__(self):\n"
                "        return self._setup()\n") == []
    assert hits("class A(B):\n    def __init__(self):\n        return super().__init__()\n") == []
