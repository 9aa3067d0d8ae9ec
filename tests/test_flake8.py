"""The flake8 plugin through real flake8: same findings as `pitfalls check`, noqa as flake8 does it."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import pytest

from conftest import expected_markers, fixture_files
from pitfalls.flake8_plugin import Plugin

FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>PIT\d{3}) (?P<text>.*)$")


def flake8(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "PIT", *args],
        capture_output=True, text=True, cwd=cwd,
    )


def pitfalls_json(*paths: str) -> list[dict]:  # paths may start with flags (--strict)
    proc = subprocess.run(
        [sys.executable, "-m", "pitfalls", "check", "--format", "json", *paths],
        capture_output=True, text=True,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module", params=[False, True], ids=["default", "strict"])
def flake8_on_fixtures(request) -> dict[tuple[str, int, int, str], str]:
    proc = flake8(*(["--pitfalls-strict"] if request.param else []), *map(str, fixture_files()))
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    hits = {}
    for line in proc.stdout.splitlines():
        m = FLAKE8_LINE.match(line)
        assert m, f"unexpected flake8 output: {line}"
        hits[(m["path"], int(m["line"]), int(m["col"]), m["code"])] = m["text"]
    return request.param, hits


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_flake8_fires_exactly_where_marked(flake8_on_fixtures, path):
    strict, hits = flake8_on_fixtures
    found = {(line, code) for (p, line, _, code) in hits if p == str(path)}
    assert found == expected_markers(path.read_text(encoding="utf-8"), strict=strict)


def test_flake8_and_check_agree_on_every_fixture(flake8_on_fixtures):
    strict, hits = flake8_on_fixtures
    ours = {
        (item["path"], item["line"], item["column"], item["code"]): item["message"]
        for item in pitfalls_json(*(["--strict"] if strict else []), *map(str, fixture_files()))
    }
    assert ours == hits


def test_flake8_noqa_and_per_file_ignores(tmp_path):
    (tmp_path / "a.py").write_text(
        "def f(x=[]):  # noqa: PIT101\n    x.append(1)\n"
        "def g(x=[]):  # noqa\n    x.append(1)\n"
        "def h(x=[]):  # noqa: E501\n    x.append(1)\n"
    )
    (tmp_path / "b.py").write_text("def f(x=[]):\n    x.append(1)\n")
    proc = flake8("--per-file-ignores", "b.py:PIT101", ".", cwd=tmp_path)
    assert proc.stdout.splitlines() == ["./a.py:5:9: PIT101 Default [] of 'x' is created once and shared by every call of 'h'"]


def test_plugin_reuses_flake8s_tree(monkeypatch):
    source = "def f(x=[]):\n    x.append(1)\n"
    tree = ast.parse(source)

    def no_second_parse(*args, **kwargs):
        raise AssertionError("the plugin parsed the file again")

    monkeypatch.setattr(ast, "parse", no_second_parse)
    monkeypatch.setattr("builtins.compile", no_second_parse)
    hits = list(Plugin(tree, source.splitlines(True), "x.py").run())
    assert [(line, col, text.split()[0]) for line, col, text, _ in hits] == [(1, 8, "PIT101")]


def test_plugin_is_registered_as_PIT():
    proc = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert "pitfalls" in proc.stdout


def test_a_line_silenced_for_the_peers_code_is_not_reported(tmp_path):
    # The author already decided about B006 (bugbear, ruff) or pylint's W0102 on these lines.
    (tmp_path / "a.py").write_text(
        "def f(x=[]):  # noqa: B006\n    x.append(1)\n"
        "def g(x=[]):  # pylint: disable=dangerous-default-value\n    x.append(1)\n"
        "def h(  # pylint: disable=W0102\n    x=[],\n):\n    x.append(1)\n"
        "# pylint: disable-next=dangerous-default-value\ndef i(x=[]):\n    x.append(1)\n"
        "def j(x=[]):  # noqa: E501\n    x.append(1)\n"
    )
    for run in (flake8(".", cwd=tmp_path), flake8("--pitfalls-strict", ".", cwd=tmp_path)):
        assert [line.split(":")[1] + " " + line.split(": ")[1][:6] for line in run.stdout.splitlines()] == ["12 PIT101"]
    assert [(item["line"], item["code"]) for item in pitfalls_json("--strict", str(tmp_path))] == [(12, "PIT101")]


def test_a_file_level_pitfalls_noqa_silences_the_file_or_its_codes(tmp_path):
    """Issue 20: `# pitfalls: noqa` on a line of its own silences the whole file, `# pitfalls:
    noqa: PIT101` those codes only; the same words inside a string do not."""
    body = "def f(x=[]):\n    x.append(1)\n\n\ngrid = [[0] * 3] * 3\ngrid[0][0] = 1\n"
    (tmp_path / "all.py").write_text("# pitfalls: noqa\n" + body)
    (tmp_path / "some.py").write_text('"""Module."""\n# pitfalls: noqa: PIT101\n' + body)
    (tmp_path / "quoted.py").write_text('NOTE = """\n# pitfalls: noqa\n"""\n' + body)
    proc = flake8(".", cwd=tmp_path)
    codes = sorted((line.split(":")[0], line.split()[1]) for line in proc.stdout.splitlines())
    assert codes == [("./quoted.py", "PIT101"), ("./quoted.py", "PIT602"), ("./some.py", "PIT602")]
    from pitfalls.source import check_file

    assert [f.code for f in check_file(str(tmp_path / "all.py")).findings] == []
    assert [f.code for f in check_file(str(tmp_path / "some.py")).findings] == ["PIT602"]
    assert sorted(f.code for f in check_file(str(tmp_path / "quoted.py")).findings) == ["PIT101", "PIT602"]
