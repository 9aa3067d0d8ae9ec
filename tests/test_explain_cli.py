"""`pitfalls explain`: by rule code or name, by file or line; depths, formats, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import cli_runner

from pitfalls.cli import cli

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
    for heading in ("60-second answer", "Follow-up question", "Fix", "References"):
        assert heading in out
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
    assert set(item["answer"]) == {"answer_30s", "answer_60s", "follow_ups", "fix"}
    assert "tags" in item["answer"]["answer_30s"] and "other" in item["answer"]["answer_30s"]
    assert all(set(f) == {"question", "answer"} for f in item["answer"]["follow_ups"])
    assert {"path", "column", "end_line", "end_column", "name", "severity", "message", "fixable"} <= set(item)


def test_markdown_has_headings_and_fenced_code(buggy):
    out = run("explain", f"{buggy}:1", "--format", "markdown").stdout
    assert out.startswith("## ") and "### 60-second answer" in out and "```python\n" in out


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
