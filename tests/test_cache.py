"""The results cache: unchanged files are not parsed again; anything odd in it is ignored."""

from __future__ import annotations

import json

import pytest

import pitfalls.source
from conftest import cli_runner
from pitfalls.cli import cli

HIT = "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (tmp_path / "a.py").write_text(HIT, encoding="utf-8")
    (tmp_path / "b.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # the cache goes to the project root, not the working folder
    monkeypatch.delenv("PITFALLS_CACHE_DIR")
    return tmp_path


def check(*args):
    return cli_runner().invoke(cli, ["check", "--format", "json", "-j", "1", *args])


def parsed(monkeypatch) -> list:
    calls = []
    real = pitfalls.source.parse
    monkeypatch.setattr(pitfalls.source, "parse", lambda source, path: calls.append(path) or real(source, path))
    return calls


def test_a_warm_run_parses_nothing_and_says_the_same(project, monkeypatch):
    cold = check(str(project))
    assert (project / ".pitfalls_cache" / "results.json").is_file()
    assert (project / ".pitfalls_cache" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    calls = parsed(monkeypatch)
    warm = check(str(project))
    assert calls == [] and warm.stdout == cold.stdout and warm.exit_code == cold.exit_code == 1


def test_a_changed_file_or_config_is_checked_again(project, monkeypatch):
    check(str(project))
    calls = parsed(monkeypatch)
    (project / "b.py").write_text("rows = [[]] * 3\nrows[0].append(1)\n", encoding="utf-8")
    result = check(str(project))
    assert [p.rsplit("/", 1)[-1] for p in calls] == ["b.py"]
    assert {item["code"] for item in json.loads(result.stdout)} == {"PIT101", "PIT602"}
    calls.clear()
    assert json.loads(check("--ignore", "PIT1", str(project)).stdout)[0]["code"] == "PIT602"
    assert sorted(p.rsplit("/", 1)[-1] for p in calls) == ["a.py", "b.py"]  # other rules: other keys


@pytest.mark.parametrize("content", ["{not json", "[]", '{"format": 2, "pitfalls": "0.0.0", "entries": {}}',
                                     '{"format": 2, "pitfalls": "%s", "entries": {"%s": {"key": 3, "findings": 5}}}'])
def test_a_corrupt_or_foreign_cache_is_ignored(project, content):
    from pitfalls.cache import FORMAT, code_key

    folder = project / ".pitfalls_cache"
    folder.mkdir()
    if "%s" in content:
        content = content % (code_key(), str(project / "a.py"))
    (folder / "results.json").write_text(content, encoding="utf-8")
    result = check(str(project))
    assert result.exit_code == 1 and [item["code"] for item in json.loads(result.stdout)] == ["PIT101"]
    assert json.loads((folder / "results.json").read_text(encoding="utf-8"))["format"] == FORMAT


def test_no_cache_reads_and_writes_nothing(project, monkeypatch):
    check(str(project))
    (project / ".pitfalls_cache" / "results.json").write_text('{"format": 1}', encoding="utf-8")
    calls = parsed(monkeypatch)
    assert check("--no-cache", str(project)).exit_code == 1
    assert len(calls) == 2
    assert (project / ".pitfalls_cache" / "results.json").read_text(encoding="utf-8") == '{"format": 1}'


def test_the_cache_folder_can_be_named(project, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("ci-cache")
    monkeypatch.setenv("PITFALLS_CACHE_DIR", str(elsewhere))
    check(str(project))
    assert (elsewhere / "results.json").is_file() and not (project / ".pitfalls_cache").exists()
