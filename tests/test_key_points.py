"""Key points: two to four short checks of what a good answer says, for every rule. They are
shown after the 30-second answer (`explain`, the hover, the docs) and after the reveal in `pitfalls drill`,
so each must be short, filled in with the user's names, and about what the answer says."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from conftest import fixture_files
from pitfalls.answers import answer_for, rule_answer
from pitfalls.catalog import ALL_RULES, BY_CODE
from pitfalls.cli import cli
from pitfalls.explanation import word_count
from pitfalls.source import check_file

MAX_WORDS = 14

# Words that say nothing about the topic: a key point must share some other word with its answer.
STOP_WORDS = frozenset("""
a an the and or but if so of to in on at by for with from as is are was be been it its it's
this that these those not no nothing none one each every all any can can't cannot does doesn't
do done than then there their they them what which who when where while how fix only just own
new same its into out up down more most less use used using has have had get gets
""".split())


def _fixture_hits():
    for path in fixture_files():
        for finding in check_file(str(path)).findings:
            yield pytest.param(finding, id=f"{path.stem}:{finding.line}")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9_]+", text.lower()) if w not in STOP_WORDS and len(w) > 1}


def assert_good_key_points(answer) -> None:
    points = answer.key_points
    assert 2 <= len(points) <= 4, points
    explained = _words(" ".join([answer.answer_60s, answer.fix, *(f.answer for f in answer.follow_ups)]))
    for point in points:
        assert "$" not in point, f"an unfilled placeholder: {point}"
        assert point.strip() and not point.endswith("."), point
        assert word_count(point) <= MAX_WORDS, (word_count(point), point)
        assert _words(point) & explained, f"shares no word with the answer: {point}"
    assert len(set(points)) == len(points), points


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_every_rule_has_two_to_four_key_points(rule):
    assert 2 <= len(rule.explanation.key_points) <= 4


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_key_points_on_the_rules_own_example(rule):
    answer = rule_answer(rule)
    assert_good_key_points(answer)
    assert any(point.startswith("Fix: ") for point in answer.key_points), "one point says the fix"


@pytest.mark.parametrize("finding", list(_fixture_hits()))
def test_key_points_on_every_fixture_hit(finding):
    assert_good_key_points(answer_for(finding))


def test_pit101_key_points_name_the_users_code():
    points = rule_answer(BY_CODE["PIT101"]).key_points
    assert points[0] == "`collection`'s default is evaluated once, when `def add_item` runs"
    assert "None" in points[-1]


def test_explain_json_carries_the_key_points():
    result = CliRunner().invoke(cli, ["explain", "PIT101", "--format", "json"])
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.output)
    assert record["answer"]["key_points"] == list(rule_answer(BY_CODE["PIT101"]).key_points)


@pytest.mark.parametrize("depth", ["30", "60", "full"])
def test_explain_text_shows_key_points_right_after_the_30_second_answer(depth):
    result = CliRunner().invoke(cli, ["explain", "PIT802", "--depth", depth])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Key points")
    assert lines.index("30-second answer") < start
    # headings and prose start at the margin; the points are indented bullets
    following = [line for line in lines[start + 1:] if line and not line.startswith(" ")]
    assert following[0] == ("One layer deeper" if depth != "30" else "Fix")
    bullets = [line[4:] for line in lines[start + 1:lines.index(following[0])] if line.startswith("  - ")]
    assert bullets == list(rule_answer(BY_CODE["PIT802"]).key_points)


@pytest.mark.parametrize("depth", ["30", "60", "full"])
def test_explain_markdown_shows_key_points_as_a_list(depth):
    result = CliRunner().invoke(cli, ["explain", "PIT301", "--format", "markdown", "--depth", depth])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.index("### 30-second answer") < text.index("### Key points") < text.index("### Fix")
    section = text[text.index("### Key points"):].split("###")[1]
    assert section.count("\n- ") >= 2
