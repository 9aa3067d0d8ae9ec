"""PIT702: the tiers, the words of the answer, and the user's registry keeping instances for real."""

from __future__ import annotations

import gc
import textwrap
import weakref

import pytest

from pitfalls.answers import answer_for
from pitfalls.catalog import BY_CODE
from pitfalls.findings import Severity
from pitfalls.source import check_source

RULE = BY_CODE["PIT702"]


def hits(source: str, path: str = "x.py"):
    return [f for f in check_source(textwrap.dedent(source), path).findings if f.code == "PIT702"]


def test_the_bad_example_keeps_its_instances_and_the_good_example_forgets_them():
    assert [f.code for f in check_source(RULE.bad_example, "bad.py").findings] == ["PIT702"]
    assert check_source(RULE.good_example, "good.py").findings == []
    for example, kept in ((RULE.bad_example, True), (RULE.good_example, False)):
        namespace: dict = {}
        exec(compile(example, "example.py", "exec"), namespace)  # noqa: S102  (the rule's own example)
        connection = namespace["Connection"]("db")
        alive = weakref.ref(connection)
        del connection
        gc.collect()
        assert (alive() is not None) is kept


def test_a_write_only_registry_is_a_warning_and_the_answer_names_it():
    [finding] = hits("""\
        _live = {}

        class Handle:
            def __init__(self):
                _live[id(self)] = self
        """)
    assert finding.severity is Severity.WARNING
    answer = answer_for(finding)
    text = " ".join(answer.answer_30s.split())
    assert "`_live[id(self)] = self` in `Handle.__init__` puts every new `Handle` into `_live`" in text
    assert "Nothing in this module reads it or takes one out" in text
    assert "_live = weakref.WeakValueDictionary()" in answer.fix


@pytest.mark.parametrize(
    "tail, words",
    [
        ("\ndef stop_all():\n    for job in Job.queue:\n        job.stop()\n", "The module reads it"),
        ("\n    def __del__(self):\n        Job.queue.remove(self)\n", "never runs"),
        ("\nJOB = Job()\n", "only at module level"),
    ],
)
def test_deliberate_registries_are_hazards_told_why(tail, words):
    source = "class Job:\n    queue = []\n\n    def __init__(self):\n        Job.queue.append(self)\n" + tail
    [finding] = hits(source)
    assert finding.severity is Severity.HAZARD
    assert words in " ".join(answer_for(finding).answer_30s.split())


def test_a_test_module_records_on_purpose_and_any_removal_clears_the_rule():
    source = "class Recorder:\n    made = []\n\n    def __init__(self):\n        Recorder.made.append(self)\n"
    assert [f.severity for f in hits(source, "test_mail.py")] == [Severity.HAZARD]
    assert [f.severity for f in hits(source, "mail.py")] == [Severity.WARNING]
    for removal in ("Recorder.made.clear()", "Recorder.made = []", "del Recorder.made[:]", "Recorder.made.pop()",
                    "anything.made.remove(x)"):
        assert hits(source + f"\ndef reset(x):\n    {removal}\n") == [], removal


def test_the_removal_only_in_del_really_never_runs():
    namespace: dict = {}
    exec(textwrap.dedent("""\
        class Job:
            queue = []
            ended = 0

            def __init__(self):
                Job.queue.append(self)

            def __del__(self):
                Job.ended += 1
                Job.queue.remove(self)
        """), namespace)  # noqa: S102
    job = namespace["Job"]
    for _ in range(3):
        job()
    gc.collect()
    assert job.ended == 0 and len(job.queue) == 3
