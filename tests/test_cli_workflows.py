"""Everyday workflows of the command line (issue 20): code on standard input, `check --fix`, the
flags that layer over [tool.pitfalls], one answer from `explain` to "why is this not reported",
symlinks, and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import cli_runner

from pitfalls.cli import cli

BUG = "def f(x=[]):\n    x.append(1)\n    return x\n"
CONFIG = """\
[tool.pitfalls]
select = ["PIT1", "PIT5"]
ignore = ["PIT101"]
extend-exclude = ["legacy"]

[tool.pitfalls.per-file-ignores]
"tests/*" = ["PIT502"]
"""
EAGER = "ok = any([i > 2 for i in range(9)])\n"  # PIT502, with a safe fix


def pitfalls(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """The installed command, as an editor plugin or pre-commit runs it."""
    return subprocess.run([sys.executable, "-m", "pitfalls", *args], cwd=cwd, input=stdin, capture_output=True,
                          timeout=120)


def run(*args: str, cwd: Path):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return cli_runner().invoke(cli, list(args))
    finally:
        os.chdir(old)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    for folder in ("src", "tests", "legacy", "build"):
        (tmp_path / folder).mkdir()
    (tmp_path / "src" / "a.py").write_text(BUG + EAGER)
    (tmp_path / "tests" / "test_a.py").write_text(BUG + EAGER)
    (tmp_path / "legacy" / "old.py").write_text(EAGER)
    (tmp_path / "build" / "gen.py").write_text(EAGER)
    return tmp_path


def codes_by_file(result) -> list[str]:
    return sorted(f"{item['path']}:{item['code']}" for item in json.loads(result.stdout))


# -- standard input -----------------------------------------------------------------------------


def test_check_stdin_takes_config_and_name_from_stdin_filename(project):
    result = pitfalls("check", "-", "--stdin-filename", "tests/test_b.py", cwd=project, stdin=(BUG + EAGER).encode())
    assert (result.returncode, result.stdout) == (0, b"")  # PIT101 ignored, PIT502 per-file-ignored for tests/
    result = pitfalls("check", "-", "--stdin-filename", "src/b.py", cwd=project, stdin=(BUG + EAGER).encode())
    assert result.returncode == 1
    assert result.stdout.decode().startswith("src/b.py:4:10: PIT502 ")
    result = pitfalls("check", "-", "--isolated", cwd=project, stdin=BUG.encode())
    assert result.stdout.decode().startswith("-:1:9: PIT101 ")  # no name given: '-', as ruff and flake8 say
    assert result.stderr.decode() == "1 pitfall in 1 file\n"


def test_check_stdin_show_source_shows_the_code_that_came_in(project):
    # The buffer, not the file saved under --stdin-filename (src/a.py has other code on line 2).
    code = "# unsaved\n" + EAGER
    result = pitfalls("check", "-", "--show-source", "--stdin-filename", "src/a.py", cwd=project, stdin=code.encode())
    shown = result.stdout.decode().splitlines()
    assert shown[1] == EAGER.rstrip("\n") and set(shown[2].strip()) == {"^"}
    result = pitfalls("check", "-", "--show-source", "--isolated", cwd=project, stdin=code.encode())
    assert result.stdout.decode().splitlines()[1] == EAGER.rstrip("\n")


def test_fix_stdin_writes_the_fixed_code_to_stdout_in_its_own_encoding_and_newlines(project):
    source = "# -*- coding: latin-1 -*-\r\nname = 'caf\xe9'\r\n" + EAGER.replace("\n", "\r\n")
    result = pitfalls("fix", "-", "--stdin-filename", "src/b.py", cwd=project, stdin=source.encode("latin-1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == source.replace("any([i > 2 for i in range(9)])", "any(i > 2 for i in range(9))").encode(
        "latin-1")
    assert result.stderr.decode() == "fixed 1 pitfall in 1 file; 0 remain\n"
    assert not (project / "src" / "b.py").exists()  # the name is only a name


@pytest.mark.skipif(sys.platform == "win32", reason="closes file descriptor 0 in the child")
@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_closed_stdin_is_a_usage_error_not_an_internal_one(project, command):
    result = subprocess.run([sys.executable, "-m", "pitfalls", command, "-"], cwd=project, capture_output=True,
                            preexec_fn=lambda: os.close(0), timeout=60)
    assert (result.returncode, result.stderr) == (2, b"pitfalls: error: -: standard input is closed\n")


def test_stdin_filename_without_a_path_reads_stdin_as_ruff_does(project):
    result = pitfalls("check", "--stdin-filename", "src/b.py", cwd=project, stdin=EAGER.encode())
    assert result.stdout.decode().startswith("src/b.py:1:10: PIT502 ")
    result = pitfalls("fix", "--stdin-filename", "src/b.py", cwd=project, stdin=EAGER.encode())
    assert result.stdout == b"ok = any(i > 2 for i in range(9))\n"


def test_many_excluded_named_paths_are_counted_after_the_first_five(project):
    for n in range(8):
        (project / "legacy" / f"m{n}.py").write_text("x = 1\n")
    result = run("check", *[f"legacy/m{n}.py" for n in range(8)], "src", cwd=project)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("pitfalls: warning:")]
    assert len(warnings) == 6 and warnings[0].startswith("pitfalls: warning: legacy/m0.py: its folder legacy is ")
    assert warnings[5] == "pitfalls: warning: 3 more named paths are excluded by the configuration; not checked"


def test_fix_stdin_never_loses_code(project):
    broken = b"def f(:\n    pass\n"
    result = pitfalls("fix", "-", cwd=project, stdin=broken)
    assert (result.returncode, result.stdout) == (1, broken)
    assert result.stderr.decode().startswith("-:1:7: error: syntax error: ")
    undecodable = b"x = '\xff'\n"
    result = pitfalls("fix", "-", cwd=project, stdin=undecodable)
    assert (result.returncode, result.stdout) == (1, undecodable)
    # An excluded name: the code comes back as it went in, as a run would leave the file alone.
    result = pitfalls("fix", "-", "--stdin-filename", "legacy/new.py", cwd=project, stdin=EAGER.encode())
    assert (result.returncode, result.stdout) == (0, EAGER.encode())


def test_fix_stdin_diff_and_remaining_go_where_they_belong(project):
    result = pitfalls("fix", "-", "--diff", "--select", "PIT1,PIT5", "--stdin-filename", "src/b.py", cwd=project,
                      stdin=(BUG + EAGER).encode())
    assert result.returncode == 1
    assert b"-ok = any([i > 2 for i in range(9)])\n+ok = any(i > 2 for i in range(9))\n" in result.stdout
    assert "src/b.py:1:9: PIT101 " in result.stderr.decode()  # what remains: never mixed into the code


@pytest.mark.parametrize("args, message", [
    (["check", "-", "src"], "pitfalls: error: '-' (standard input) cannot be mixed with other paths\n"),
    (["check", "--stdin-filename", "a.py", "src"],
     "pitfalls: error: --stdin-filename goes with the path '-' (the code on standard input), or with no path\n"),
    (["check", "--unsafe-fixes", "src"], "pitfalls: error: --unsafe-fixes and --show-fixes go with --fix\n"),
    (["check", "--per-file-ignores", "tests/*", "src"],
     "pitfalls: error: --per-file-ignores: 'tests/*' is not GLOB:CODES, such as 'tests/*:PIT101,PIT6'\n"),
    (["check", "--extend-select", "PIT999", "src"],
     "pitfalls: error: --extend-select: 'PIT999' matches no rule (see 'pitfalls rules')\n"),
    # Empty: ruff refuses it too. (`--select ''` selected every rule, the opposite of what it says.)
    (["check", "--select", "", "src"], "pitfalls: error: --select: give codes or prefixes, such as PIT101,PIT6\n"),
    (["check", "--ignore", " , ", "src"], "pitfalls: error: --ignore: give codes or prefixes, such as PIT101,PIT6\n"),
])
def test_misused_flags_are_one_line_errors(project, args, message):
    result = run(*args, cwd=project)
    assert (result.exit_code, result.stderr) == (2, message)


# -- check --fix --------------------------------------------------------------------------------


def test_check_fix_applies_the_safe_fixes_and_reports_what_remains(project):
    target = project / "src" / "a.py"
    result = run("check", "--fix", "--show-fixes", "--select", "PIT1,PIT5", "src", cwd=project)
    assert result.exit_code == 1
    assert result.stdout.startswith("src/a.py:1:9: PIT101 ") and "PIT502" not in result.stdout
    assert result.stderr == "src/a.py: fixed 1 (PIT502)\n1 pitfall in 1 file (1 fixed)\n"
    assert "any(i > 2 for i in range(9))" in target.read_text()
    result = run("check", "--fix", "--unsafe-fixes", "--select", "PIT1,PIT5", "src", cwd=project)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "0 pitfalls in 1 file (1 fixed)\n")
    namespace: dict = {}
    exec(target.read_text(), namespace)
    assert namespace["f"]() == [1] and namespace["f"]() == [1]


def test_check_fix_says_once_that_a_file_could_not_be_checked(project):
    (project / "src" / "broken.py").write_text("def f(:\n    pass\n")
    result = run("check", "--fix", "src", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.count("src/broken.py:1:7: error: syntax error") == 1, result.stderr


def test_check_fix_on_stdin_is_fix_on_stdin(project):
    result = pitfalls("check", "--fix", "-", "--stdin-filename", "src/b.py", cwd=project, stdin=EAGER.encode())
    assert (result.returncode, result.stdout) == (0, b"ok = any(i > 2 for i in range(9))\n")


def test_check_fix_on_stdin_exits_1_while_pitfalls_remain_as_check_does(project):
    # PIT101's fix is unsafe and PIT104 has none: both remain, so `check` fails, as `ruff check --fix -`.
    code = (BUG + EAGER + "y = [1].sort()\n").encode()
    args = ("check", "--fix", "-", "--select", "PIT1,PIT5", "--stdin-filename", "src/b.py")
    result = pitfalls(*args, cwd=project, stdin=code)
    assert result.returncode == 1, result.stderr
    assert result.stdout == code.replace(b"any([i > 2 for i in range(9)])", b"any(i > 2 for i in range(9))")
    assert "src/b.py:5:5: PIT104 " in result.stderr.decode()
    assert pitfalls(*args, "--exit-zero", cwd=project, stdin=code).returncode == 0
    result = pitfalls(*args, "--quiet", cwd=project, stdin=code)
    assert "remain" not in result.stderr.decode() and "PIT104" in result.stderr.decode()


# -- flags layered over the file ----------------------------------------------------------------


def test_select_replaces_the_files_select_and_ignore_as_ruff_documents(project):
    # The file: select PIT1 and PIT5, ignore PIT101. `--select PIT101` enforces PIT101.
    assert codes_by_file(run("check", "--format", "json", "src", cwd=project)) == ["src/a.py:PIT502"]
    assert codes_by_file(run("check", "--format", "json", "--select", "PIT101", "src", cwd=project)) == [
        "src/a.py:PIT101"]


def test_extend_select_and_ignore_layer_over_the_file(project):
    assert codes_by_file(run("check", "--format", "json", "--extend-select", "PIT101", "src", cwd=project)) == [
        "src/a.py:PIT101", "src/a.py:PIT502"]
    # --ignore adds to the file's ignore: PIT101 stays ignored, PIT5 goes too.
    assert codes_by_file(run("check", "--format", "json", "--ignore", "PIT5", "src", cwd=project)) == []


def test_per_file_ignores_flags_replace_or_extend_the_files(project):
    every = ["--select", "PIT"]
    result = run("check", "--format", "json", *every, "--per-file-ignores", "src/*:PIT101", "src", "tests", cwd=project)
    assert codes_by_file(result) == ["src/a.py:PIT502", "tests/test_a.py:PIT101", "tests/test_a.py:PIT502"]
    result = run("check", "--format", "json", *every, "--extend-per-file-ignores", "src/*:PIT101 a.py:PIT502",
                 "src", "tests", cwd=project)
    assert codes_by_file(result) == ["tests/test_a.py:PIT101"]


def test_per_file_ignores_flag_reads_flake8s_spelling_too(project):
    # As flake8 writes it (and as docs/configuration.md shows it for flake8): spaces after the colon
    # and the commas, codes split by spaces, several globs before one colon.
    every = ["--select", "PIT"]
    for pairs in ("src/*: PIT101, PIT502", "src/*:PIT101 PIT502", "src/*, x.py : PIT101,PIT502"):
        result = run("check", "--format", "json", *every, "--per-file-ignores", pairs, "src", "tests", cwd=project)
        assert codes_by_file(result) == ["tests/test_a.py:PIT101", "tests/test_a.py:PIT502"], pairs
    result = run("check", "--format", "json", *every, "--per-file-ignores", "src/*: PIT101\n  tests/*: PIT5",
                 "src", "tests", cwd=project)
    assert codes_by_file(result) == ["src/a.py:PIT502", "tests/test_a.py:PIT101"]
    result = run("check", *every, "--per-file-ignores", "src/*: PIT101 tests/*:", "src", cwd=project)
    assert result.stderr == ("pitfalls: error: --per-file-ignores: 'tests/*:' is not GLOB:CODES, "
                             "such as 'tests/*:PIT101,PIT6'\n")


def test_exclude_flags(project):
    # --extend-exclude adds to the file's; --exclude replaces the file's exclude and the defaults
    # (build/ is checked), while its extend-exclude stays (legacy/ is not), as in ruff.
    result = run("check", "--format", "json", "--extend-exclude", "tests", ".", cwd=project)
    assert codes_by_file(result) == ["src/a.py:PIT502"]
    result = run("check", "--format", "json", "--exclude", "src,tests", ".", cwd=project)
    assert codes_by_file(result) == ["build/gen.py:PIT502"]
    result = run("check", "--extend-exclude", "src/a.py", "src/a.py", cwd=project)
    assert result.stderr.startswith("pitfalls: warning: src/a.py: excluded by --extend-exclude; not checked\n")


def test_flag_globs_never_match_the_working_directory_or_a_folder_above_it(tmp_path):
    # A project that lives in .../tests/proj: `tests` in a flag means the tests/ in it, as in the file.
    project = tmp_path / "tests" / "proj"
    (project / "tests").mkdir(parents=True)
    (project / "src.py").write_text(EAGER)
    (project / "tests" / "test_a.py").write_text(EAGER)
    for flags in (["--extend-exclude", "tests"], ["--exclude", "tests,proj"], ["--per-file-ignores", "tests:PIT5"]):
        result = run("check", "--isolated", "--format", "json", *flags, cwd=project)
        assert codes_by_file(result) == ["src.py:PIT502"], (flags, result.stderr)
        result = run("check", "--isolated", "--format", "json", *flags, "src.py", cwd=project)
        assert codes_by_file(result) == ["src.py:PIT502"], (flags, result.stderr)


def test_a_leading_dot_slash_means_that_one_folder_in_the_file_and_in_a_flag(tmp_path):
    # docs/configuration.md: "Use "./migrations" ... to mean one folder only" (ruff reads it so too).
    for name in ("legacy/a.py", "src/legacy/b.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(EAGER)
    (tmp_path / "pyproject.toml").write_text('[tool.pitfalls]\nextend-exclude = ["./legacy"]\n')
    assert codes_by_file(run("check", "--format", "json", cwd=tmp_path)) == ["src/legacy/b.py:PIT502"]
    result = run("check", "--isolated", "--format", "json", "--extend-exclude", "./legacy", cwd=tmp_path)
    assert codes_by_file(result) == ["src/legacy/b.py:PIT502"]


def test_flag_globs_may_climb_with_dot_dot_as_in_ruff(tmp_path):
    for name in ("lib/gen/g.py", "lib/keep.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(EAGER)
    (tmp_path / "here").mkdir()
    for flags in (["--extend-exclude", "../lib/gen"], ["--per-file-ignores", "../lib/gen/*:PIT5"]):
        result = run("check", "--isolated", "--format", "json", *flags, "../lib", cwd=tmp_path / "here")
        assert codes_by_file(result) == ["../lib/keep.py:PIT502"], flags


def test_a_named_file_the_config_excludes_says_so(project):
    result = run("check", "legacy/old.py", "src", cwd=project)
    assert result.stderr.splitlines()[0] == (
        "pitfalls: warning: legacy/old.py: its folder legacy is excluded by extend-exclude in pyproject.toml; "
        "not checked")


def test_quiet_prints_the_findings_only_as_ruff_does(project):
    # ruff -q drops "No Python files found" too: a warning is not a finding.
    result = run("check", "--quiet", "legacy/old.py", "src", cwd=project)
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout.startswith("src/a.py:4:10: PIT502 ")
    result = run("check", "-q", "legacy", cwd=project)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_fix_on_a_folder_without_python_files_says_so_as_check_does(project):
    (project / "docs").mkdir()
    result = run("fix", "docs", cwd=project)
    assert result.exit_code == 0
    assert result.stderr.startswith("pitfalls: warning: no Python files found\n")


def test_a_symlink_and_its_target_are_one_file(project):
    (project / "src" / "link.py").symlink_to(project / "src" / "a.py")
    (project / "alias.py").symlink_to(project / "src" / "a.py")
    result = run("check", "--format", "json", "src", "alias.py", cwd=project)
    assert codes_by_file(result) == ["src/a.py:PIT502"]
    result = run("check", "--format", "json", "alias.py", cwd=project)
    assert codes_by_file(result) == ["alias.py:PIT502"]  # alone, a link is checked as named


# -- explain: the same answer as check ------------------------------------------------------------


def test_explain_honours_select_ignore_and_per_file_ignores(project):
    result = run("explain", "src/a.py", cwd=project)
    assert result.exit_code == 0 and "PIT502" in result.stdout and "PIT101" not in result.stdout
    result = run("explain", "src/a.py:1", cwd=project)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "pitfalls: nothing to explain in src/a.py:1\n  PIT101 is left out for this file by ignore in pyproject.toml\n")
    result = run("explain", "tests/test_a.py:4", cwd=project)
    assert "PIT502 is left out for this file by per-file-ignores 'tests/*' in pyproject.toml" in result.stderr
    result = run("explain", "--ignore", "PIT5", "src/a.py:4", cwd=project)
    assert "PIT502 is left out for this file by --ignore" in result.stderr
    result = run("explain", "--select", "PIT5", "src/a.py:1", cwd=project)
    assert "PIT101 is left out for this file by --select" in result.stderr
    result = run("explain", "--extend-per-file-ignores", "src/*.py:PIT5", "src/a.py:4", cwd=project)
    assert "PIT502 is left out for this file by --per-file-ignores 'src/*.py'" in result.stderr
    (project / "sub").mkdir()
    (project / "sub" / "pyproject.toml").write_text('[tool.pitfalls]\nselect = ["PIT5"]\n')
    (project / "sub" / "b.py").write_text(BUG)
    result = run("explain", "sub/b.py", cwd=project)  # no line: every hit the file would have
    assert result.stderr == ("pitfalls: nothing to explain in sub/b.py\n"
                             "  PIT101 is left out for this file by select in sub/pyproject.toml\n")
    assert run("explain", "--select", "PIT101", "src/a.py:1", cwd=project).exit_code == 0


def test_explain_says_which_comment_silenced_a_line(project):
    (project / "src" / "quiet.py").write_text(
        "def f(x=[]):  # noqa: PIT101\n    return x\n\n\ndef g(y=[]):  # noqa: B006\n    return y\n")
    result = run("explain", "--isolated", "src/quiet.py:1", cwd=project)
    assert result.stderr.splitlines()[1] == "  PIT101 is silenced by '# noqa: PIT101' on line 1"
    result = run("explain", "--isolated", "src/quiet.py:5", cwd=project)
    assert result.stderr.splitlines()[1] == "  PIT101 is silenced by '# noqa: B006' on line 5"  # bugbear's code
    (project / "src" / "whole.py").write_text("# pitfalls: noqa\n" + BUG)
    result = run("explain", "--isolated", "src/whole.py:2", cwd=project)
    assert result.stderr.splitlines()[1] == (
        "  PIT101 is silenced for the whole file by a '# pitfalls: noqa' comment")


def test_explain_says_a_hazard_needs_strict(project):
    (project / "src" / "memo.py").write_text("def fib(n, memo={}):\n    return memo.get(n)\n")
    result = run("explain", "--isolated", "src/memo.py:1", cwd=project)
    assert result.stderr.splitlines()[1] == (
        "  PIT101 is a hazard here, reported only with --strict (or strict = true)")
    assert run("explain", "--isolated", "--strict", "src/memo.py:1", cwd=project).exit_code == 0


def test_explain_on_an_excluded_file_says_check_leaves_it_out(project):
    result = run("explain", "legacy/old.py", cwd=project)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == ("pitfalls: nothing to explain in legacy/old.py: its folder legacy is excluded by "
                             "extend-exclude in pyproject.toml, so check leaves it out\n")


# -- Ctrl-C -------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a process is POSIX")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_at_once_without_a_traceback(tmp_path, jobs):
    body = "".join(f"def f{i}(x=[], y={{}}):\n    x.append(y)\n    return [v for v in x if v in x]\n\n"
                   for i in range(150))
    for i in range(400):
        (tmp_path / f"m{i}.py").write_text(body)
    process = subprocess.Popen([sys.executable, "-m", "pitfalls", "check", "--isolated", "--no-cache", "--jobs", jobs,
                                "."], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    time.sleep(1.5)  # well inside a run of several seconds
    assert process.poll() is None, "the run ended before it could be interrupted: make it longer"
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group, workers too
    started = time.monotonic()
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err.decode()
    assert err.decode().endswith("pitfalls: interrupted\n") and "Traceback" not in err.decode()
    assert time.monotonic() - started < 10


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a named pipe stands in for a worker stuck on a slow file")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_ends_a_worker_stuck_on_a_file_rather_than_wait_for_it(tmp_path, jobs):
    """A pipe named as a file blocks whoever reads it, as a huge file keeps a worker busy. Ctrl-C
    must end that worker, not wait for it: the pool forgets its processes once shut down."""
    for i in range(8):
        (tmp_path / f"m{i}.py").write_text(BUG)
    os.mkfifo(tmp_path / "stuck.py")
    process = subprocess.Popen([sys.executable, "-m", "pitfalls", "check", "--isolated", "--no-cache", "--jobs", jobs,
                                ".", "stuck.py"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        time.sleep(1.5)  # the other files are done; one reader waits on the pipe
        assert process.poll() is None, process.communicate()
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 130, err.decode()
    assert err.decode().endswith("pitfalls: interrupted\n") and "Traceback" not in err.decode()
