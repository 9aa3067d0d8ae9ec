"""`pitfalls explain`: by rule code or name, by file or line; depths, formats, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import cli_runner

from pitfalls.cli import cli
from pitfalls.explanation import indent

SOURCE = (
    "def add_item(item, basket=[]):\n    basket.append(item)\n    return basket\n\n\n"
    "def other(tags={}):\n    tags['seen'] = True\n    return tags\n\n\n"
    "def read_only(names=[]):\n    return len(names)\n"
)


def run(*args):
    return cli_runner().invoke(cli, list(args))


@pytest.fixture
def buggy(tmp_path):
    path = tmp_path / "shop.py"
    path.write_text(SOURCE)
    return path


@pytest.mark.parametrize("target", ["PIT101", "pit101", "mutable-default-argument"])
def test_explain_a_rule_by_code_or_name(target):
    result = run("explain", target)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("PIT101 mutable-default-argument: ")
    headings = ("30-second answer", "Key points", "One layer deeper", "Follow-up question", "Fix", "References")
    lines = out.splitlines()
    assert [lines.index(h) for h in headings] == sorted(lines.index(h) for h in headings)  # the 30 seconds first
    assert "add_item" in out  # rendered on the rule's own example


def test_explain_a_file_talks_about_its_own_names(buggy):
    result = run("explain", str(buggy), "--depth", "30")
    assert result.exit_code == 0
    assert "basket" in result.stdout and "add_item" in result.stdout and "tags" in result.stdout
    assert "30-second answer" in result.stdout and "Follow-up" not in result.stdout


def test_explain_a_file_shows_a_hazard_only_with_strict(buggy):
    plain = run("explain", str(buggy), "--format", "json")
    assert [item["line"] for item in json.loads(plain.stdout)] == [1, 6]
    strict = run("explain", str(buggy), "--format", "json", "--strict")
    items = json.loads(strict.stdout)
    assert [(item["line"], item["severity"]) for item in items] == [(1, "error"), (6, "error"), (11, "hazard")]
    assert "read_only" in items[2]["answer"]["answer_30s"] and "only reads it" in items[2]["answer"]["answer_30s"]


def test_explain_one_line(buggy):
    result = run("explain", f"{buggy}:6", "--format", "json")
    [item] = json.loads(result.stdout)
    assert (item["line"], item["code"]) == (6, "PIT101")
    assert {"answer_30s", "answer_60s", "follow_ups", "fix"} <= set(item["answer"])  # DESIGN.md's keys
    # The parts, prose apart from code: the code is in no prose field, and the whole texts are made of them.
    parts = item["answer"]
    assert parts["example"] and parts["example"] not in parts["prose_30s"] and indent(parts["example"]) in parts["answer_30s"]
    assert parts["fix_code"] and "\n" not in parts["fix_prose"] and parts["fix_prose"] in parts["fix"]
    assert parts["layer"] in parts["answer_60s"] and parts["layer"] not in parts["answer_30s"]
    assert item["references"] and all(r.startswith("https://") for r in item["references"])
    assert "tags" in item["answer"]["answer_30s"] and "other" in item["answer"]["answer_30s"]
    assert all(set(f) == {"question", "answer"} for f in item["answer"]["follow_ups"])
    assert {"path", "column", "end_line", "end_column", "name", "severity", "message", "fixable"} <= set(item)


def test_markdown_has_headings_and_fenced_code(buggy):
    out = run("explain", f"{buggy}:1", "--format", "markdown").stdout
    assert out.startswith("## ") and "### 30-second answer" in out and "```python\n" in out
    assert out.index("### 30-second answer") < out.index("### One layer deeper") < out.index("### Fix")


def test_piped_output_is_plain(buggy):
    proc = subprocess.run([sys.executable, "-m", "pitfalls", "explain", str(buggy)], capture_output=True, text=True)
    assert proc.returncode == 0 and "\x1b[" not in proc.stdout


@pytest.mark.parametrize(
    "target, message",
    [
        ("PIT999", "pitfalls: error: PIT999: no such rule or file (see 'pitfalls rules')"),
        ("missing.py", "pitfalls: error: missing.py: no such rule or file"),
    ],
)
def test_unknown_rule_or_path_is_one_line_exit_2(target, message):
    result = run("explain", target)
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_nothing_to_explain_exits_1(buggy):
    result = run("explain", f"{buggy}:2")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"pitfalls: nothing to explain in {buggy}:2"


def test_unparsable_file_is_one_line_exit_2(tmp_path):
    (tmp_path / "bad.py").write_text("def f(:\n")
    result = run("explain", str(tmp_path / "bad.py"))
    assert result.exit_code == 2 and "syntax error" in result.stderr and "Traceback" not in result.stderr


def test_markdown_escapes_names_outside_code_and_leaves_code_alone(tmp_path):
    from pitfalls.answer_output import markdown_escape

    assert markdown_escape("'__init__' of `__init__`, a*b") == "'\\_\\_init\\_\\_' of `__init__`, a\\*b"
    path = tmp_path / "models.py"
    path.write_text("class Cart:\n    items = []\n\n    def add(self, item):\n        self.items.append(item)\n")
    out = run("explain", str(path), "--format", "markdown").stdout
    heading = out.splitlines()[0]
    assert heading.startswith("## ") and "'items'" in heading and "*" not in heading.replace("\\*", "")
    fenced = False
    for line in out.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and not line.startswith("- <https://"):
            prose = re.sub(r"`[^`]*`", "", line)  # code spans keep their underscores
            assert "__" not in prose and not re.search(r"(?<!\\)\*", prose.replace("**", "")), line


@pytest.mark.parametrize("depth", ["30", "60", "full"])
def test_each_depth_shows_the_same_parts_in_text_markdown_and_the_hover(buggy, depth):
    from pitfalls.answer_output import sections
    from pitfalls.answers import answer_for
    from pitfalls.catalog import BY_CODE
    from pitfalls.source import check_file
    from pitfalls_lsp.hover import hover_text

    finding = check_file(str(buggy)).findings[0]
    expected = [name for name, _ in sections(answer_for(finding), BY_CODE[finding.code].explanation, depth)]
    text = run("explain", f"{buggy}:{finding.line}", "--depth", depth).stdout
    markdown = run("explain", f"{buggy}:{finding.line}", "--depth", depth, "--format", "markdown").stdout
    hover = hover_text([finding], depth, True, {})
    plain_hover = hover_text([finding], depth, False, {})
    for name in expected:
        shown = "Follow-up" if name.startswith("Follow-up") else name
        assert shown in text and shown in markdown, name
        if name != "30-second answer":  # the hover's title stands for it
            assert shown in hover and shown in plain_hover, name
    for absent in {"One layer deeper", "Follow-up", "References"} - {n.split(":")[0] for n in expected}:
        assert absent not in text and absent not in markdown and absent not in hover and absent not in plain_hover


def test_a_line_past_the_end_of_the_file_is_a_usage_error(tmp_path):
    """Issue 20: `explain FILE:LINE` past the end said "nothing to explain" and exited 1."""
    from conftest import cli_runner
    from pitfalls.cli import cli

    target = tmp_path / "a.py"
    target.write_text("def f(a=[]):\n    a.append(1)\n", encoding="utf-8")
    result = cli_runner().invoke(cli, ["explain", "--isolated", f"{target}:99"])
    assert result.exit_code == 2
    assert f"{target}:99: past the end of the file, which has 2 lines" in result.stderr
    result = cli_runner().invoke(cli, ["explain", "--isolated", f"{target}:0"])
    assert (result.exit_code, result.stderr) == (2, f"pitfalls: error: {target}:0: lines are numbered from 1\n")
    assert cli_runner().invoke(cli, ["explain", "--isolated", f"{target}:1"]).exit_code == 0
    assert cli_runner().invoke(cli, ["explain", "--isolated", f"{target}:2"]).exit_code == 1  # in the file, no hit
