"""PIT303: the answer's AttributeError happens, and the fix makes the attribute exist."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.fixing import fix_finding
from pitfalls.source import check_source

SOURCE = """\
class Book:
    def __init__(self, title):
        title = title

    def label(self):
        return self.title.upper()


book = Book("dune")
"""


def hits(source: str):
    return [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT303"]


def test_the_attribute_error_happens_and_the_fix_removes_it():
    [finding] = hits(SOURCE)
    assert finding.severity is Severity.WARNING and finding.fixable
    text = " ".join(answer_for(finding).answer_30s.split())
    assert "`self.title` in `label` raises `AttributeError`" in text
    before: dict = {}
    exec(compile(SOURCE, "before.py", "exec"), before)  # noqa: S102  (the user's own class)
    with pytest.raises(AttributeError, match="'Book' object has no attribute 'title'"):
        before["book"].label()
    fix = fix_finding(SOURCE, finding)
    assert fix is not None and fix.safe and "        self.title = title\n" in fix.source
    after: dict = {}
    exec(compile(fix.source, "after.py", "exec"), after)  # noqa: S102
    assert after["book"].label() == "DUNE"
    assert hits(fix.source) == []


def test_a_local_read_elsewhere_as_self_is_told_and_not_fixed():
    [finding] = hits("class A:\n    def __init__(self):\n        count = 0\n    def n(self):\n        return self.count\n")
    assert not finding.fixable and finding.context["variant"] == "local"
    assert "never read in `__init__`" in " ".join(answer_for(finding).answer_30s.split())


def test_no_fix_when_init_also_sets_the_attribute():
    source = "class A:\n    def __init__(self, x):\n        x = x\n        self.x = 2\n"
    [finding] = hits(source)
    assert not finding.fixable and fix_finding(source, finding) is None
