"""The explanation text is product: within budget, about the user's names, and true when run."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import fixture_files
from pitfalls.answers import answer_for, rule_answer
from pitfalls.catalog import ALL_RULES, BY_CODE
from pitfalls.explanation import CODE_LINES_30S, WORDS_30S, WORDS_60S, WORDS_FOLLOW_UP, prose_and_code, word_count
from pitfalls.source import check_file


def _fixture_findings():
    for path in fixture_files():
        for finding in check_file(str(path)).findings:
            yield pytest.param(finding, id=f"{path.stem}:{finding.line}")


def assert_within_budget(answer) -> None:
    prose_30, code_30 = prose_and_code(answer.answer_30s)
    prose_60, _ = prose_and_code(answer.answer_60s)
    assert word_count(prose_30) <= WORDS_30S, (word_count(prose_30), prose_30)
    assert 1 <= len(code_30) <= CODE_LINES_30S, answer.answer_30s
    assert word_count(prose_30) < word_count(prose_60) <= WORDS_60S, (word_count(prose_60), prose_60)
    assert 1 <= len(answer.follow_ups) <= 3
    for follow_up in answer.follow_ups:
        assert follow_up.question.endswith("?")
        assert word_count(follow_up.answer) <= WORDS_FOLLOW_UP, follow_up.answer
    assert answer.fix.strip()
    for text in (answer.answer_30s, answer.answer_60s, answer.fix, *(f.answer for f in answer.follow_ups)):
        assert "$" not in text, f"an unfilled placeholder: {text}"


@pytest.mark.parametrize("finding", list(_fixture_findings()))
def test_every_fixture_hit_gets_an_answer_within_budget_naming_its_code(finding):
    answer = answer_for(finding)
    assert_within_budget(answer)
    for key in BY_CODE[finding.code].explanation.names:
        assert key in finding.context, f"{finding.code} reports no '{key}'"
        assert finding.context[key] in answer.answer_30s, (key, finding.context[key], answer.answer_30s)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_answer_on_its_own_example_is_within_budget(rule):
    assert rule.explanation.names, "say which of the hit's names the answer must use"
    assert_within_budget(rule_answer(rule))


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_runnable_example_behaves_as_the_text_says(rule, tmp_path):
    demo = rule.explanation.demo
    assert "assert " in demo, "a demo proves its claim with assertions"
    script = tmp_path / "demo.py"
    script.write_text(demo)
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_docs_fields_are_filled(rule):
    explanation = rule.explanation
    assert explanation.flags and explanation.not_flagged and explanation.references and explanation.prior_art
    assert all(ref.startswith("https://") for ref in explanation.references)


def test_every_rendered_answer_goes_through_the_rules_elaborate(monkeypatch):
    """Text only an answer needs is computed at rendering, by `Rule.elaborate`, on every path
    that shows one: explain (a finding, a rule), SARIF, the editor's hover and the docs."""
    import json

    from pitfalls.docs_pages import rule_page
    from pitfalls.output import render_sarif
    from pitfalls.source import check_source
    from pitfalls_lsp.hover import hover_text

    rule = BY_CODE["PIT101"]
    monkeypatch.setattr(rule, "elaborate", classmethod(lambda cls, context: {"param": "ELABORATED"}))
    report = check_source("def f(x=[]):\n    x.append(1)\n", "e.py")
    [finding] = report.findings
    assert "ELABORATED" not in json.dumps(finding.context)  # not on the detection path
    assert "ELABORATED" in answer_for(finding).answer_30s
    assert "ELABORATED" in rule_answer(rule).answer_30s
    assert "ELABORATED" in hover_text([finding], "30", True, {})
    assert "ELABORATED" in rule_page(rule)
    sarif = json.loads(render_sarif([report]))
    assert "ELABORATED" in sarif["runs"][0]["results"][0]["message"]["text"]
    assert "ELABORATED" in sarif["runs"][0]["tool"]["driver"]["rules"][0]["fullDescription"]["text"]


def test_a_rules_own_answer_runs_no_engine(monkeypatch):
    """`explain PIT101` and SARIF's rule metadata render from the declared example context."""
    import pitfalls.engine
    import pitfalls.source
    from pitfalls.output import render_sarif

    def no_engine(*args, **kwargs):
        raise AssertionError("the engine ran")

    monkeypatch.setattr(pitfalls.engine, "analyze", no_engine)
    monkeypatch.setattr(pitfalls.source, "analyze", no_engine)
    for rule in ALL_RULES:
        assert_within_budget(rule_answer(rule))
    assert render_sarif([])


def test_pit801_builds_its_one_line_launch_only_when_an_answer_is_rendered():
    from pitfalls.answers import answer_for
    from pitfalls.source import check_source

    source = (
        "import threading\n\n\ndef crunch(n):\n    return sum(i * i for i in range(n))\n\n\n"
        "threading.Thread(\n    target=crunch,  # the work\n    args=(10,),\n).start()\n"
    )
    [finding] = check_source(source, "launch.py").findings
    assert "launch" not in finding.context  # no tokenizing on the detection path (flake8, check)
    assert "threading.Thread(target=crunch, args=(10,),)" in answer_for(finding).answer_30s
