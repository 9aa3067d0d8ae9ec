"""PIT201: the late binding happens, and the fix gives each function its own value."""

from __future__ import annotations

from pitfalls.answers import answer_for
from pitfalls.fixing import fix_finding
from pitfalls.source import check_source

SOURCE = """\
callbacks = []
for name in ["a", "b", "c"]:
    callbacks.append(lambda: name)
print([f() for f in callbacks])
"""


def test_every_function_sees_the_last_value_and_the_fix_freezes_each():
    [finding] = [f for f in check_source(SOURCE, "x.py").findings if f.code == "PIT201"]
    text = " ".join(answer_for(finding).answer_30s.split())
    assert "it is kept by 'callbacks.append'" in text and "every function made in the loop sees the last `name`" in text
    before: dict = {}
    exec(compile(SOURCE.replace("print(", "result = ("), "before.py", "exec"), before)  # noqa: S102
    assert before["result"] == ["c", "c", "c"]
    fix = fix_finding(SOURCE, finding)
    assert fix is not None and fix.safe and "lambda name=name: name" in fix.source
    after: dict = {}
    exec(compile(fix.source.replace("print(", "result = ("), "after.py", "exec"), after)  # noqa: S102
    assert after["result"] == ["a", "b", "c"]


def test_called_inside_the_iteration_or_consumed_at_once_is_not_reported():
    source = (
        "def f(jobs):\n    for job in jobs:\n        def now():\n            return job\n        now()\n"
        "        ranked = sorted(jobs, key=lambda o: o is job)\n    return ranked\n"
    )
    assert [f for f in check_source(source, "x.py").findings if f.code == "PIT201"] == []


def test_a_lambda_that_cannot_take_a_default_is_reported_but_not_fixed():
    source = "fs = []\nfor i in range(3):\n    fs.append(lambda *args: i)\n"
    [finding] = [f for f in check_source(source, "x.py").findings if f.code == "PIT201"]
    assert not finding.fixable and fix_finding(source, finding) is None
