"""PIT304: the answer's call and error are what Python does, and the fix makes the call work."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.source import check_source


def hits(source: str):
    return [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT304"]


@pytest.mark.parametrize(
    "source, call, error, says",
    [
        ("class HTTPClient:\n    def close():\n        return 1\n", "http_client.close()", TypeError,
         ["`http_client.close()` is `HTTPClient.close(http_client)`", "takes 0 positional arguments"]),
        ("class User:\n    name = 'ada'\n    def shout(this):\n        return self.name\n", "user.shout()", NameError,
         ["arrives as `this`", "NameError: name 'self' is not defined"]),
    ],
)
def test_the_answer_says_what_the_call_does_and_the_fix_makes_it_work(source, call, error, says):
    [finding] = hits(source)
    assert finding.severity is Severity.ERROR and finding.line == 2 + ("shout" in source)
    answer = answer_for(finding)
    text = " ".join((answer.answer_30s + " " + answer.fix).split())
    for words in says:
        assert words in text, words
    cls = source.split()[1].split(":")[0]
    instance = call.split(".")[0]
    namespace: dict = {}
    exec(compile(source + f"{instance} = {cls}()\n", "before.py", "exec"), namespace)  # noqa: S102
    with pytest.raises(error):
        eval(call, namespace)  # noqa: S307  (the user's own call)
    header, fixed_header = finding.context["header"], answer.fix_code
    assert header in source
    fixed = source.replace(header, fixed_header)
    namespace = {}
    exec(compile(fixed + f"{instance} = {cls}()\n", "after.py", "exec"), namespace)  # noqa: S102
    eval(call, namespace)  # noqa: S307


def test_the_hit_underlines_the_name_not_the_body():
    [finding] = hits("class A:\n    async def run():\n        return 1\n")
    assert (finding.span.line, finding.span.column, finding.span.end_line, finding.span.end_column) == (2, 14, 2, 17)
