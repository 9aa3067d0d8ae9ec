"""PIT902: each variant's answer names the user's list and the deque call that replaces it."""

from __future__ import annotations

import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.source import check_source


def findings(source: str, path: str = "x.py"):
    return [f for f in check_source(textwrap.dedent(source), path).findings if f.code == "PIT902"]


@pytest.mark.parametrize(
    "source, severity, says",
    [
        ("def f(start, graph):\n    queue = [start]\n    while queue:\n        node = queue.pop(0)\n"
         "        queue.extend(graph[node])\n", Severity.INFO, ["`queue.pop(0)`", "`queue.popleft()`", "n²/2"]),
        ("def f(items):\n    out = []\n    for item in items:\n        out.insert(0, item)\n    return out\n",
         Severity.INFO, ["`out.insert(0, item)`", "`out.appendleft(item)`"]),
        ("class W:\n    def __init__(self):\n        self.jobs = []\n    def run(self):\n"
         "        while self.jobs:\n            self.jobs.pop(0)\n", Severity.INFO, ["`self.jobs.popleft()`"]),
        ("def f(todo):\n    while todo:\n        todo.pop(0)\n", Severity.HAZARD, ["`todo.popleft()`"]),
    ],
)
def test_each_variant_names_the_users_list(source, severity, says):
    [finding] = findings(source)
    answer = answer_for(finding)
    assert finding.severity is severity
    text = " ".join((answer.answer_30s + answer.answer_60s + answer.fix).split())
    for words in says:
        assert words in text, words


def test_test_files_are_hazards():
    source = "def test_it():\n    queue = [1, 2]\n    while queue:\n        queue.pop(0)\n"
    assert findings(source)[0].severity is Severity.INFO
    assert findings(source, "tests/test_queue.py")[0].severity is Severity.HAZARD


def test_deque_dict_and_outside_a_loop_are_left_alone():
    source = """\
    from collections import deque
    def f(items):
        a = deque(items)
        b = {k: 0 for k in items}
        c = list(items)
        c.pop(0)
        while a:
            a.pop(0) if False else a.popleft()
            b.pop(0)
    """
    assert findings(source) == []
