"""Inputs that break linters: none of them crashes pitfalls, runs the user's code or loses a line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import cli_runner
from pitfalls.cli import cli
from pitfalls.source import check_source

HIT = "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"


def run(*args):
    return cli_runner().invoke(cli, list(args))


def test_the_checked_code_is_never_run(tmp_path):
    marker = tmp_path / "ran"
    payload = f"open({str(marker)!r}, 'w').write('ran')\nimport os\nos.system('touch {marker}')\n" + HIT
    package = tmp_path / "pkg"
    package.mkdir()
    for name in ("__init__.py", "__main__.py", "setup.py", "conftest.py", "mod.py"):
        (package / name).write_text(payload, encoding="utf-8")
    assert run("check", str(tmp_path)).exit_code == 1
    assert run("explain", str(package / "mod.py")).exit_code == 0
    assert run("fix", "--diff", "--unsafe-fixes", str(tmp_path)).exit_code == 1
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "PIT", str(tmp_path)],
                            capture_output=True, text=True)
    assert "PIT101" in flake8.stdout
    assert not marker.exists()


def test_a_symlink_loop_is_walked_once(tmp_path):
    (tmp_path / "a.py").write_text(HIT, encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "back").symlink_to(tmp_path, target_is_directory=True)
    result = run("check", "--format", "json", str(tmp_path))
    assert [os.path.basename(item["path"]) for item in json.loads(result.stdout)] == ["a.py"]


def test_a_file_that_vanishes_is_one_line_and_the_rest_are_checked(tmp_path, monkeypatch):
    import pitfalls.discovery

    (tmp_path / "a.py").write_text(HIT, encoding="utf-8")
    real = pitfalls.discovery.find_python_files
    monkeypatch.setattr(pitfalls.discovery, "find_python_files",
                        lambda *args: [*real(*args), str(tmp_path / "gone.py")])
    result = run("check", "--no-cache", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path / 'gone.py'}: error: cannot read: No such file or directory" in result.stderr
    assert "PIT101" in result.stdout and "Traceback" not in result.stderr


def test_line_endings_tabs_and_form_feeds_keep_line_numbers_right():
    for newline in ("\n", "\r\n", "\r"):
        source = newline.join(["import os", "\x0c", "x = 1\t\t# a tab", "def f(a=[]):", "\ta.append(1)", ""])
        [finding] = check_source(source, "x.py").findings
        assert (finding.line, finding.column) == (4, 8), newline


def test_nesting_as_deep_as_the_parser_takes_is_analysed_and_deeper_is_one_line():
    deep = "def f(x=" + "[" * 180 + "]" * 180 + "):\n    x.append(1)\n"
    [finding] = check_source(deep, "deep.py").findings
    assert finding.code == "PIT101"
    chain = "x = " + "-" * 50_000 + "1\n"  # deeper than Python's parser accepts, but not a syntax error
    report = check_source(chain, "chain.py")
    assert report.findings == [] and (report.error is None or "\n" not in report.error)
    too_deep = "x = " + "(" * 100_000 + ")" * 100_000 + "\n"
    report = check_source(too_deep, "too_deep.py")
    assert report.error and "\n" not in report.error
