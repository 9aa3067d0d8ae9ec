"""PIT102: tiers, the answer's words for each kind of frozen value, and its fix run for real."""

from __future__ import annotations

import textwrap
import time

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.source import check_source


def hits(source: str):
    return [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT102"]


@pytest.mark.parametrize(
    "source, severity, says",
    [
        ("import time\ndef log(at=time.time()):\n    return at\n", Severity.WARNING,
         ["when `def log` runs", "still gets the time it was defined"]),
        ("import time\ndef log(at=time.time()):\n    return 1\n", Severity.HAZARD, ["`at` keeps that one value"]),
        ("import uuid\ndef order(key=uuid.uuid4()):\n    return key\n", Severity.WARNING, ["the same id"]),
        ("from random import randint\ndef roll(n: int = randint(1, 6)):\n    return n\n", Severity.WARNING,
         ['the same "random" value']),
        ("import os\ndef work(pid=os.getpid()):\n    return pid\n", Severity.WARNING, ["gets its parent's pid"]),
        ("import time\nfrom dataclasses import dataclass\n@dataclass\nclass Event:\n    at: float = time.time()\n",
         Severity.WARNING, ["when `class Event` runs", "stored on the class", "Every `Event` built without `at`",
                            "at: float = field(default_factory=time.time)"]),
    ],
)
def test_each_kind_is_told_what_is_true_of_it(source, severity, says):
    [finding] = hits(source)
    assert finding.severity is severity
    answer = answer_for(finding)
    text = " ".join((answer.answer_30s + " " + answer.fix).split())
    for words in says:
        assert words in text, words


def test_the_suggested_code_runs_and_reads_the_clock_on_each_call():
    source = "import time\ndef log(name, *, at: float = time.time()):\n    return at\n"
    [finding] = hits(source)
    fixed = answer_for(finding).fix_code + "\n    return at\n"
    assert fixed.startswith("def log(name, *, at: float | None = None):")
    namespace: dict = {"time": time}
    exec(compile(fixed, "fixed.py", "exec"), namespace)  # noqa: S102  (the answer's own code)
    first = namespace["log"]("a")
    time.sleep(0.01)
    assert namespace["log"]("b") > first and namespace["log"]("c", at=1.0) == 1.0


def test_a_lambda_fix_is_a_def_that_returns_the_body():
    [finding] = hits("import random\njitter = lambda d, noise=random.random(): d + noise\n")
    code = answer_for(finding).fix_code
    namespace: dict = {"random": __import__("random")}
    exec(compile(code, "fixed.py", "exec"), namespace)  # noqa: S102
    values = {namespace["jitter"](0) for _ in range(5)}
    assert len(values) > 1 and namespace["jitter"](1, noise=0.5) == 1.5


def test_a_shadowed_module_name_is_not_the_module():
    assert hits("def f(time=None):\n    def g(at=time.time()):\n        return at\n    return g\n") == []
