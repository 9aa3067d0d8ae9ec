"""PIT101's tiers in every front end, and answers that are true for the code they describe."""

from __future__ import annotations

import json
import os

import pytest

from conftest import cli_runner
from pitfalls.answers import answer_for
from pitfalls.cli import cli
from pitfalls.findings import Severity
from pitfalls.source import check_source

SOURCE = (
    "def read_only(names=[]):\n    return len(names)\n\n\n"
    "def grows(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"
)


def run(*args: str, cwd=None):
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return cli_runner().invoke(cli, list(args))
    finally:
        os.chdir(old)


def lines(result) -> list[tuple[int, str]]:
    return [(item["line"], item["severity"]) for item in json.loads(result.stdout)]


def test_check_hides_a_read_only_default_unless_strict(tmp_path):
    (tmp_path / "a.py").write_text(SOURCE)
    assert lines(run("check", "--isolated", "--format", "json", "a.py", cwd=tmp_path)) == [(5, "error")]
    strict = run("check", "--isolated", "--strict", "--format", "json", "a.py", cwd=tmp_path)
    assert lines(strict) == [(1, "hazard"), (5, "error")]


def test_strict_true_in_pyproject_shows_the_hazard(tmp_path):
    (tmp_path / "a.py").write_text(SOURCE)
    (tmp_path / "pyproject.toml").write_text("[tool.pitfalls]\nstrict = true\n")
    assert lines(run("check", "--format", "json", "a.py", cwd=tmp_path)) == [(1, "hazard"), (5, "error")]


def test_a_hazard_alone_does_not_fail_check(tmp_path):
    (tmp_path / "a.py").write_text("def read_only(names=[]):\n    return len(names)\n")
    assert run("check", "--isolated", "a.py", cwd=tmp_path).exit_code == 0


def _hit(source: str, line: int = 1):
    [finding] = [f for f in check_source(source, "x.py").findings if f.code == "PIT101" and f.line == line]
    return finding, answer_for(finding)


@pytest.mark.parametrize(
    "source, severity",
    [
        ("def f(x, acc=[]):\n    seen = acc\n    seen.append(x)\n", Severity.ERROR),  # through an alias
        ("def f(x, acc=[]):\n    if (seen := acc):\n        pass\n    seen.append(x)\n", Severity.ERROR),
        ("class C:\n    def __init__(self, items=[]):\n        self.items = items\n"
         "    def add(self, x):\n        self.items.append(x)\n", Severity.ERROR),  # stored, changed by a method
        ("class C:\n    def __init__(self, items=[]):\n        self.items = items\n", Severity.HAZARD),
        ("def f(values=(v for v in range(3))):\n    for v in values:\n        print(v)\n", Severity.ERROR),
        ("def f(values=(v for v in range(3))):\n    return values\n", Severity.HAZARD),
        ("def f(box=([],)):\n    return box\n", Severity.HAZARD),
        ("def f(x, box=([],)):\n    box[0].append(x)\n", Severity.ERROR),
        ("def fib(n, memo={}):\n    if n in memo:\n        return memo[n]\n    memo[n] = n\n    return n\n",
         Severity.HAZARD),
        ("def f(n, _cache={}):\n    _cache[n] = n\n", Severity.HAZARD),
        ("def tick(n=[0]):\n    n[0] += 1\n    return n[0]\n", Severity.HAZARD),
        ("def count(words, counts={}):\n    for w in words:\n        counts[w] = counts.get(w, 0) + 1\n",
         Severity.ERROR),
    ],
)
def test_tiers(source, severity):
    finding, _ = _hit(source, 2 if source.startswith("class") else 1)
    assert finding.severity is severity


def test_deliberate_state_is_told_to_stay_and_become_visible():
    _, answer = _hit("def fib(n, memo={}):\n    if n in memo:\n        return memo[n]\n    memo[n] = n\n    return n\n")
    assert "on purpose" in answer.answer_30s and "Keep it, make it visible" in answer.answer_60s
    assert "None" not in answer.fix and "_MEMO = {}" in answer.fix


@pytest.mark.parametrize(
    "source",
    [
        "from collections import deque\ndef f(x, w=deque(maxlen=3)):\n    w.append(x)\n",  # bounded
        "def f(x, d={}):\n    d['last'] = x\n",  # one key overwritten
        "def f(x, acc=[]):\n    if not acc:\n        acc.append(x)\n",  # filled once
        "def outer():\n    def f(x, acc=[]):\n        acc.append(x)\n    return f\n",  # rebuilt per outer call
    ],
)
def test_keeps_growing_is_said_only_when_true(source):
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "=[" in text or "={" in text or "=deque" in text)
    finding, answer = _hit(source, line)
    assert finding.severity is Severity.ERROR
    assert "keeps growing" not in answer.answer_60s


def test_keeps_growing_when_it_does():
    _, answer = _hit("def f(x, acc=[]):\n    acc.append(x)\n")
    assert "keeps growing" in answer.answer_30s


def test_answers_quote_real_code():
    _, answer = _hit("def count(words, *, counts={}):\n    for w in words:\n        counts[w] = counts.get(w, 0) + 1\n")
    assert "def count(words, *, counts={}):" in answer.answer_30s
    assert "counts[w] = counts.get(w, 0) + 1" in answer.answer_30s
    assert "..." not in answer.answer_60s + answer.fix and "def count(words, *, counts=None):" in answer.fix


def test_a_nested_def_is_not_said_to_run_once():
    _, answer = _hit("def outer():\n    def f(x, acc=[]):\n        acc.append(x)\n    return f\n", 2)
    assert "once" not in answer.answer_30s and "each time" in answer.answer_30s


def test_a_lambda_is_not_a_def():
    _, answer = _hit("add = lambda x, acc=[]: acc + [x]\n")
    text = answer.answer_60s + answer.fix + " ".join(f.answer for f in answer.follow_ups)
    assert "def lambda" not in text and "`def add`" not in answer.answer_30s
    assert "add = lambda x, acc=[]: acc + [x]" in answer.answer_30s
    assert "def add(x, acc=None):" in answer.fix and "return acc + [x]" in answer.fix


def test_a_default_changed_by_the_function_is_not_the_returns_variant():
    _, answer = _hit("def f(x, acc=[]):\n    acc.append(x)\n    return acc\n")
    assert "returns that shared" not in answer.answer_30s and "acc.append(x)" in answer.answer_30s


def test_follow_up_says_def_runs_each_time_reached():
    _, answer = _hit("def f(x, acc=[]):\n    acc.append(x)\n")
    [why] = [f for f in answer.follow_ups if f.question.startswith("Why")]
    assert "runs once" not in why.answer and "each time execution reaches it" in why.answer


MODULE_CONFIG = (
    'config = {"db": {"port": 1}}\n\n\n'
    "def forget(key, config=config):\n    return config.pop(key)\n"
)


def test_a_default_naming_the_module_object_says_so_and_its_copy_fix_runs():
    finding, answer = _hit(MODULE_CONFIG, 4)
    assert finding.severity is Severity.HAZARD  # the module's own object, in plain sight (decisions.md)
    assert "is the module's own dict, shared by every call of 'forget'" in finding.message
    assert "changes the module's `config` for everyone who reads it" in answer.answer_30s
    assert "created once" not in finding.message and "Keep it if `forget` is meant to" in answer.fix
    # The suggested code: the parameter hides the module's name, so the copy goes through another.
    assert "config: dict" not in answer.fix_code and "_DEFAULT_CONFIG = config" in answer.fix_code
    program = (
        'config = {"db": {"port": 1}}\n\n' + answer.fix_code + "\n    return config.pop(key)\n\n"
        'forget("db")\n'
    )
    namespace: dict = {}
    exec(compile(program, "fixed.py", "exec"), namespace)  # noqa: S102  (the answer's own code)
    assert namespace["config"] == {"db": {"port": 1}}  # the module's dict is left alone, as the fix says
    before: dict = {}
    exec(compile(MODULE_CONFIG + 'forget("db")\n', "before.py", "exec"), before)  # noqa: S102
    assert before["config"] == {}  # and the code as written did change it


def test_a_module_constant_under_another_name_is_copied_by_its_own_name():
    _, answer = _hit("ALLOWED = {'a'}\n\n\ndef allow(name, allowed: set = ALLOWED):\n    allowed.add(name)\n", 4)
    assert "allowed = copy.deepcopy(ALLOWED)" in answer.fix_code
    assert "def allow(name, allowed: set | None = None):" in answer.fix_code


def test_deliberate_state_in_a_module_object_is_left_as_it_is():
    source = "REGISTRY = {}\n\n\ndef register(name, registry=REGISTRY):\n    registry[name] = True\n"
    finding, answer = _hit(source, 4)
    assert finding.severity is Severity.HAZARD and not finding.fixable
    assert "in plain sight" in answer.answer_30s and "hides in the signature" not in answer.answer_30s
    assert "Nothing to change" in answer.fix and "registry=REGISTRY" in answer.fix_code


@pytest.mark.parametrize(
    "default, change",
    [("[]", "the first `append` or item assignment"), ("{}", "the first item assignment"),
     ("set()", "the first `add`")],
)
def test_a_read_only_default_names_a_change_its_kind_has(default, change):
    _, answer = _hit(f"def f(x={default}):\n    return len(x)\n")
    assert f"{change} someone adds will leak state" in answer.answer_30s
