"""PIT401: each variant's answer says what is true of it, and the fix's import follows the module."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.fixing import fix_finding
from pitfalls.source import check_source


def findings(source: str):
    return [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT401"]


TIMED = """\
def timed(fn):
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@timed
def load(path):
    return path
"""


def test_a_decorator_in_use_is_told_about_the_function_it_decorates():
    [finding] = findings(TIMED)
    answer = answer_for(finding)
    assert finding.severity is Severity.WARNING and finding.fixable
    assert (finding.line, finding.column) == (2, 8)  # 0-based: the wrapper's name, not its whole body
    assert finding.message == ("'wrapper' wraps 'fn' without functools.wraps: every function decorated with "
                               "@timed loses its name, docstring and signature")
    text = " ".join(answer.answer_30s.split())
    assert "`load.__name__` is `'wrapper'`" in text and "pickle" in text
    assert "@functools.wraps(fn)" in answer.fix


def test_a_factory_is_named_with_its_call_and_a_typed_wrapper_is_not_fixed():
    [finding] = findings(
        """
        def retry(times):
            def decorator(func):
                def attempt(x):
                    return func(x)
                return attempt
            return decorator

        @retry(3)
        def fetch(x):
            return x
        """
    )
    assert finding.severity is Severity.WARNING and not finding.fixable
    assert "@retry(...)" in finding.message and "fetch.__name__" in answer_for(finding).answer_30s


def test_an_adapter_is_a_hazard_whose_answer_weighs_the_signature():
    [finding] = findings(
        """
        def on_event(callback):
            def handler(event):
                callback(event.data)
            return handler
        """
    )
    answer = answer_for(finding)
    assert finding.severity is Severity.HAZARD and not finding.fixable
    assert "where it stands in for 'callback'" in finding.message
    assert "If `handler` stands in for `callback`" in " ".join(answer.answer_30s.split())
    assert "copy `__name__` and `__doc__` by hand" in " ".join(answer.fix.split())


@pytest.mark.parametrize(
    "header, decorator, imports",
    [
        ("", "@functools.wraps(fn)", "import functools\n\n\ndef timed"),
        ("import functools\n", "@functools.wraps(fn)", "import functools\n"),
        ("from functools import wraps\n", "@wraps(fn)", "from functools import wraps\n"),
        ("from functools import partial\n", "@wraps(fn)", "from functools import partial, wraps\n"),
        ("from functools import partial\nwraps = 1\n", "@functools.wraps(fn)", "import functools\nfrom functools"),
    ],
)
def test_the_fix_follows_the_modules_import_style(header, decorator, imports):
    source = header + TIMED
    [finding] = findings(source)
    fix = fix_finding(source, finding)
    assert fix is not None and fix.safe
    assert f"    {decorator}\n    def wrapper" in fix.source and imports in fix.source
    assert fix.source.count("import functools\n") <= 1 and fix.source.count("from functools") == header.count("from functools")
    assert not findings(fix.source)


@pytest.mark.parametrize(
    "header",
    ["functools = None\n", "from functools import *\nfunctools = 2\n", "from functools import wraps\nwraps = 1\n"],
)
def test_the_fix_refuses_a_name_that_means_something_else(header):
    source = header + TIMED
    [finding] = findings(source)
    assert fix_finding(source, finding) is None
