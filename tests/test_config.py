"""`[tool.pitfalls]`: discovery by walking up, validation, per-file-ignores, overrides."""

from __future__ import annotations

import json
import os

import pytest

from conftest import cli_runner
from pitfalls.cli import cli
from pitfalls.config import ConfigCache, ConfigError, parse_table

HIT = "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"


def codes(config, path):
    return [rule.code for rule in config.rules_for(path)]


def project(tmp_path, table: str):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.pitfalls]\n{table}\n", encoding="utf-8")
    for name in ("pkg/sub/a.py", "tests/test_a.py"):
        (tmp_path / name).write_text(HIT, encoding="utf-8")
    return tmp_path


def test_the_nearest_table_governs_and_one_without_it_is_passed_over(tmp_path):
    project(tmp_path, 'ignore = ["PIT8"]')
    (tmp_path / "pkg" / "pyproject.toml").write_text("[project]\nname = 'inner'\n", encoding="utf-8")
    config = ConfigCache().for_file(str(tmp_path / "pkg" / "sub" / "a.py"))
    assert config.path == tmp_path / "pyproject.toml"
    assert "PIT801" not in codes(config, str(tmp_path / "pkg" / "sub" / "a.py"))
    assert ConfigCache(isolated=True).for_file(str(tmp_path / "pkg" / "sub" / "a.py")).path is None


def catalog(*prefixes: str) -> list[str]:
    """The codes of the catalog under these prefixes, in code order (the catalog grows)."""
    from pitfalls.catalog import ALL_RULES

    return [rule.code for rule in ALL_RULES if rule.code.startswith(prefixes)]


def test_select_extend_select_and_per_file_ignores(tmp_path):
    config = parse_table(
        {"select": ["PIT1"], "extend-select": ["PIT6"], "per-file-ignores": {"tests/*": ["PIT1"], "*_gen.py": ["PIT"]}},
        tmp_path / "pyproject.toml",
    )
    assert codes(config, str(tmp_path / "a.py")) == catalog("PIT1", "PIT6")
    assert "PIT101" in catalog("PIT1") and "PIT601" in catalog("PIT6") and "PIT301" not in catalog("PIT1", "PIT6")
    assert codes(config, str(tmp_path / "tests" / "deep" / "test_a.py")) == catalog("PIT6")
    assert codes(config, str(tmp_path / "x" / "schema_gen.py")) == []
    assert codes(config.override(select=["PIT8"]), str(tmp_path / "a.py")) == catalog("PIT8")
    assert "PIT101" not in codes(parse_table({"extend-select": ["PIT1"], "ignore": ["PIT101"]}), "a.py")
    # An empty select selects nothing, as in ruff; extend-select then adds to nothing.
    assert codes(parse_table({"select": []}), "a.py") == []
    assert codes(parse_table({"select": [], "extend-select": ["PIT101"]}), "a.py") == ["PIT101"]


@pytest.mark.parametrize(
    "table, message",
    [
        ({"selct": ["PIT1"]}, "unknown key 'selct'"),
        ({"select": "PIT1"}, r'select must be a list of codes, not a string: write \["PIT1"\]'),
        ({"ignore": "PIT101, PIT6"}, r'ignore must be a list of codes, not a string: write \["PIT101", "PIT6"\]'),
        ({"per-file-ignores": {"tests/*": "PIT101"}}, "per-file-ignores 'tests/\\*' must be a list of codes, not a"),
        ({"select": [1]}, "select must be a list of codes"),
        ({"ignore": ["XYZ"]}, "'XYZ' matches no rule"),
        ({"per-file-ignores": ["tests/*"]}, "per-file-ignores must be a table"),
        ({"per-file-ignores": {"tests/*": ["NOPE"]}}, "'NOPE' matches no rule"),
        ({"target-version": "py27"}, "target-version must be one of"),
        ({"docs-url": 3}, "docs-url must be a string"),
        ({"exclude": "build"}, "exclude must be a list of strings"),
    ],
)
def test_bad_values_are_named(table, message):
    if message is None:
        parse_table(table)
        return
    with pytest.raises(ConfigError, match=message):
        parse_table(table)


def test_an_edited_file_is_read_again(tmp_path):
    project(tmp_path, 'ignore = ["PIT1"]')
    cache = ConfigCache()
    path = str(tmp_path / "tests" / "test_a.py")
    assert "PIT101" not in codes(cache.for_file(path), path)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.pitfalls]\nignore = []\n", encoding="utf-8")
    os.utime(pyproject, ns=(0, 10**18))
    assert "PIT101" in codes(cache.for_file(path), path)


def test_check_uses_the_config_from_the_root_and_from_a_subdirectory(tmp_path, monkeypatch):
    project(tmp_path, 'per-file-ignores = {"tests/*" = ["PIT101"]}')
    runner = cli_runner()
    monkeypatch.chdir(tmp_path)
    from_root = runner.invoke(cli, ["check", "--format", "json", "."])
    monkeypatch.chdir(tmp_path / "pkg")
    from_sub = runner.invoke(cli, ["check", "--format", "json", ".."])
    found = [(os.path.basename(f["path"]), f["code"]) for f in json.loads(from_root.stdout)]
    assert found == [("a.py", "PIT101")]
    assert [(os.path.basename(f["path"]), f["code"]) for f in json.loads(from_sub.stdout)] == found
    # The command line overrides the file.
    monkeypatch.chdir(tmp_path)
    assert json.loads(runner.invoke(cli, ["check", "--format", "json", "--ignore", "PIT1", "."]).stdout) == []


def test_check_with_a_bad_config_is_one_line_and_exit_2(tmp_path, monkeypatch):
    project(tmp_path, 'select = ["PIT1"]\nbogus = 1')
    monkeypatch.chdir(tmp_path)
    result = cli_runner().invoke(cli, ["check", "."])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"pitfalls: error: {tmp_path / 'pyproject.toml'}: [tool.pitfalls]: unknown key 'bogus' "
        "(known: docs-url, exclude, extend-exclude, extend-select, ignore, per-file-ignores, select, strict, target-version)"
    ]
    (tmp_path / "pyproject.toml").write_text("[tool.pitfalls\n", encoding="utf-8")
    result = cli_runner().invoke(cli, ["check", "."])
    assert result.exit_code == 2 and "not valid TOML" in result.stderr and "Traceback" not in result.stderr


def checked(tmp_path, monkeypatch, *args, cwd=None):
    """(exit code, sorted relative paths with a hit, stderr) of `pitfalls check --format json`."""
    monkeypatch.chdir(cwd or tmp_path)
    result = cli_runner().invoke(cli, ["check", "--format", "json", *args])
    paths = sorted({os.path.relpath(os.path.abspath(f["path"]), tmp_path) for f in json.loads(result.stdout or "[]")})
    return result.exit_code, paths, result.stderr


def layout(tmp_path, table: str):
    project(tmp_path, table)
    for name in ("build/gen.py", "legacy/old.py", "pkg/legacy/deep.py", "pkg/schema_pb2.py", "vendor/lib/x.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(HIT, encoding="utf-8")


def test_extend_exclude_adds_to_the_default_excludes(tmp_path, monkeypatch):
    layout(tmp_path, 'extend-exclude = ["legacy", "*_pb2.py", "vendor/lib/"]')
    _, paths, _ = checked(tmp_path, monkeypatch)
    assert paths == ["pkg/sub/a.py", "tests/test_a.py"]  # build/ still skipped: a default


def test_exclude_replaces_the_defaults_and_slash_patterns_start_at_the_config(tmp_path, monkeypatch):
    layout(tmp_path, 'exclude = ["pkg/legacy", "tests/"]')
    _, paths, _ = checked(tmp_path, monkeypatch)
    assert paths == ["build/gen.py", "legacy/old.py", "pkg/schema_pb2.py", "pkg/sub/a.py", "vendor/lib/x.py"]


def test_a_named_file_obeys_the_projects_excludes_but_not_the_defaults(tmp_path, monkeypatch):
    # pre-commit names every file: what the project excludes must stay out even then.
    layout(tmp_path, 'extend-exclude = ["legacy"]')
    code, paths, _ = checked(tmp_path, monkeypatch, "legacy/old.py", "pkg/legacy/deep.py", "build/gen.py")
    assert code == 1 and paths == ["build/gen.py"]
    monkeypatch.chdir(tmp_path / "legacy")
    result = cli_runner().invoke(cli, ["check", "old.py"])
    legacy, config = tmp_path / "legacy", tmp_path / "pyproject.toml"
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "", f"pitfalls: warning: old.py: its folder {legacy} is excluded by extend-exclude in {config}; "
               "not checked\npitfalls: warning: no Python files found\n0 pitfalls in 0 files\n")
    assert checked(tmp_path, monkeypatch, "--isolated", "legacy/old.py")[1] == ["legacy/old.py"]


def test_config_flag_uses_that_file_for_every_path(tmp_path, monkeypatch):
    project(tmp_path, 'per-file-ignores = {"tests/*" = ["PIT101"]}')
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "strict.toml").write_text('[tool.pitfalls]\nignore = ["PIT1"]\n', encoding="utf-8")
    assert checked(tmp_path, monkeypatch)[1] == ["pkg/sub/a.py"]
    code, paths, _ = checked(tmp_path, monkeypatch, "--config", "shared/strict.toml")
    assert (code, paths) == (0, [])
    # --isolated: no file at all, so the tests/ ignore is gone too.
    assert checked(tmp_path, monkeypatch, "--isolated")[1] == ["pkg/sub/a.py", "tests/test_a.py"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--config", "missing.toml"], "pitfalls: error: missing.toml: no such configuration file"),
        (["--config", "plain.toml"], "pitfalls: error: plain.toml: has no [tool.pitfalls] table"),
        (["--config", "bad.toml"], "pitfalls: error: {root}/bad.toml: [tool.pitfalls] select must be a list of codes"),
        (["--config", "plain.toml", "--isolated"], "pitfalls: error: --config and --isolated cannot be used together"),
    ],
)
def test_config_flag_problems_are_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    (tmp_path / "plain.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    (tmp_path / "bad.toml").write_text("[tool.pitfalls]\nselect = 3\n", encoding="utf-8")
    (tmp_path / "a.py").write_text(HIT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for command in ("check", "fix"):
        result = cli_runner().invoke(cli, [command, *args, "a.py"])
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.splitlines()[0].startswith(message.format(root=tmp_path)), result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_a_bad_config_in_a_subfolder_stops_the_run_before_any_output(tmp_path, monkeypatch):
    project(tmp_path, "")
    (tmp_path / "pkg" / "pyproject.toml").write_text("[tool.pitfalls]\nexclude = 'x'\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli_runner().invoke(cli, ["check", "."])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"pitfalls: error: {tmp_path / 'pkg' / 'pyproject.toml'}: [tool.pitfalls] exclude must be a list of strings\n"


def test_fix_obeys_the_same_configuration(tmp_path, monkeypatch):
    project(tmp_path, 'extend-exclude = ["tests"]')
    monkeypatch.chdir(tmp_path)
    result = cli_runner().invoke(cli, ["fix", "--unsafe-fixes", "."])
    assert result.exit_code == 0, result.output
    assert "bucket=None" in (tmp_path / "pkg" / "sub" / "a.py").read_text(encoding="utf-8")
    assert (tmp_path / "tests" / "test_a.py").read_text(encoding="utf-8") == HIT


def test_the_language_server_leaves_excluded_files_alone(tmp_path):
    from pygls.workspace import Workspace

    from pitfalls_lsp.server import PitfallsServer, Settings

    project(tmp_path, 'extend-exclude = ["tests"]')
    server = PitfallsServer()
    server.protocol._workspace = Workspace(None)
    for name, expected in (("pkg/sub/a.py", ["PIT101"]), ("tests/test_a.py", [])):
        analysis = server.analyse((tmp_path / name).as_uri(), 1, 0, HIT, Settings())
        assert [d.code for d in analysis.diagnostics] == expected, name


def test_a_named_file_gets_the_verdict_a_walk_would_give_with_nested_configs(tmp_path, monkeypatch):
    project(tmp_path, 'extend-exclude = ["vendored"]')
    (tmp_path / "vendored" / "lib").mkdir(parents=True)
    (tmp_path / "vendored" / "pyproject.toml").write_text('[tool.pitfalls]\nignore = ["PIT8"]\n', encoding="utf-8")
    (tmp_path / "vendored" / "lib" / "v.py").write_text(HIT, encoding="utf-8")
    assert "vendored/lib/v.py" not in checked(tmp_path, monkeypatch)[1]
    assert checked(tmp_path, monkeypatch, "vendored/lib/v.py")[1] == []
    assert checked(tmp_path, monkeypatch, "lib/v.py", cwd=tmp_path / "vendored")[1] == []


def test_a_project_inside_a_folder_named_like_a_pattern_is_still_checked(tmp_path, monkeypatch):
    inner = tmp_path / "tests" / "proj"
    inner.mkdir(parents=True)
    project(inner, 'extend-exclude = ["tests"]')
    # Only folders below the project's pyproject.toml are judged by its patterns.
    assert checked(inner, monkeypatch, "pkg/sub/a.py")[1] == ["pkg/sub/a.py"]
    assert checked(inner, monkeypatch)[1] == ["pkg/sub/a.py"]


def test_glob_spellings_dot_slash_double_star_and_trailing_slash(tmp_path, monkeypatch):
    layout(tmp_path, 'extend-exclude = ["./pkg/legacy", "**/lib/", "build/"]\n'
                     'per-file-ignores = { "sub/" = ["PIT101"] }')
    assert checked(tmp_path, monkeypatch)[1] == ["legacy/old.py", "pkg/schema_pb2.py", "tests/test_a.py"]
    # A trailing slash is the folder and everything in it, wherever that folder is.
    assert checked(tmp_path, monkeypatch, "pkg/sub/a.py")[1] == []


def test_config_flag_globs_start_where_the_command_runs(tmp_path, monkeypatch):
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "pitfalls.toml").write_text(
        '[tool.pitfalls]\nextend-exclude = ["migrations"]\nper-file-ignores = { "tests/*" = ["PIT101"] }\n',
        encoding="utf-8")
    for name in ("src/app/a.py", "src/migrations/m.py", "tests/test_a.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(HIT, encoding="utf-8")
    walked = checked(tmp_path, monkeypatch, "--config", "ci/pitfalls.toml")[1]
    named = checked(tmp_path, monkeypatch, "--config", "ci/pitfalls.toml",
                    "src/app/a.py", "src/migrations/m.py", "tests/test_a.py")[1]
    assert walked == named == ["src/app/a.py"]


def test_worker_processes_read_the_same_configuration(tmp_path, monkeypatch):
    """With --jobs 2 and enough files, the checks run in a process pool: --config, --isolated and
    per-file-ignores must reach the workers."""
    project(tmp_path, 'per-file-ignores = {"tests/*" = ["PIT101"]}')
    (tmp_path / "strict.toml").write_text('[tool.pitfalls]\nignore = ["PIT1"]\n', encoding="utf-8")
    for number in range(40):
        (tmp_path / "tests" / f"test_{number}.py").write_text(HIT, encoding="utf-8")
        (tmp_path / "pkg" / f"m{number}.py").write_text(HIT, encoding="utf-8")
    for jobs in ("1", "2"):
        assert len(checked(tmp_path, monkeypatch, "--no-cache", "--jobs", jobs)[1]) == 41
        assert checked(tmp_path, monkeypatch, "--no-cache", "--jobs", jobs, "--config", "strict.toml")[1] == []
        assert len(checked(tmp_path, monkeypatch, "--no-cache", "--jobs", jobs, "--isolated")[1]) == 82
