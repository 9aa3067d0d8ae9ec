"""`pitfalls check` output: text (with --show-source, colour), JSON, SARIF, GitHub annotations,
--statistics, --output-file, exit codes, the progress bar, and every command's --help."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from conftest import cli_runner
from pitfalls.cli import FORMAT_NAMES, _Progress, cli
from pitfalls.output import FORMATS

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
HIT = "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"
GRID = "def grid(n):\n    rows = [[0] * n] * n; rows[0][0] = 1; return rows\n"  # PIT602 at the same place


def run(*args):
    return cli_runner().invoke(cli, list(args))


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(HIT, encoding="utf-8")
    (tmp_path / "pkg" / "b.py").write_text(GRID + HIT.replace("add", "put"), encoding="utf-8")
    (tmp_path / "pkg" / "broken.py").write_text("def (:\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_format_the_command_offers_exists():
    assert set(FORMAT_NAMES) == set(FORMATS)


def test_exit_codes_are_the_same_in_every_format(project):
    for fmt in FORMAT_NAMES:
        assert run("check", "--format", fmt, "pkg").exit_code == 1, fmt
        assert run("check", "--format", fmt, "--exit-zero", "pkg").exit_code == 0, fmt
        assert run("check", "--format", fmt, "--select", "PIT8", "pkg/a.py").exit_code == 0, fmt
        assert run("check", "--format", fmt, "--select", "PIT999", "pkg").exit_code == 2, fmt
    assert run("check", "--format", "xml", "pkg").exit_code == 2


# -- SARIF -------------------------------------------------------------------------------------

def sarif(*args):
    result = run("check", "--format", "sarif", *args)
    return result, json.loads(result.stdout)


def test_sarif_validates_against_the_sarif_2_1_0_schema(project):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the [test] extra")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    _, document = sarif("pkg")
    jsonschema.Draft4Validator.check_schema(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft4Validator(schema).iter_errors(document)]
    assert errors == []
    # The validator is not a rubber stamp: a result without its message is refused.
    del document["runs"][0]["results"][0]["message"]
    assert list(jsonschema.Draft4Validator(schema).iter_errors(document))


def test_sarif_results_locations_and_rule_metadata(project):
    from pitfalls.answers import rule_answer
    from pitfalls.catalog import ALL_RULES, BY_CODE
    from pitfalls.explanation import prose_and_code

    result, document = sarif("pkg")
    assert result.exit_code == 1
    (run_,) = document["runs"]
    assert document["version"] == "2.1.0" and run_["columnKind"] == "unicodeCodePoints"
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.code for rule in ALL_RULES]
    pit101 = rules[[r["id"] for r in rules].index("PIT101")]
    assert pit101["shortDescription"]["text"] == BY_CODE["PIT101"].summary
    assert pit101["fullDescription"]["text"] == prose_and_code(rule_answer(BY_CODE["PIT101"]).answer_30s)[0].strip()
    follow_up = BY_CODE["PIT101"].explanation.follow_ups[0].question
    assert f"**Follow-up: {follow_up}**" in pit101["help"]["markdown"] and "### Fix" in pit101["help"]["markdown"]
    assert "helpUri" not in pit101  # no docs-url configured: no made-up address

    found = [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"],
         r["locations"][0]["physicalLocation"]["region"]["startColumn"])
        for r in run_["results"]
    ]
    assert found == [("PIT101", "pkg/a.py", 1, 22), ("PIT602", "pkg/b.py", 2, 12), ("PIT101", "pkg/b.py", 3, 22)]
    first = run_["results"][0]
    assert rules[first["ruleIndex"]]["id"] == "PIT101" and first["level"] == "error"
    message = first["message"]["text"]
    assert message.startswith("Default [] of 'bucket' is created once and shared by every call of 'add'\n\n")
    assert "`add` changes it with `bucket.append(item)`" in message  # the answer, about this code
    assert first["relatedLocations"][0]["message"]["text"]
    (notification,) = run_["invocations"][0]["toolExecutionNotifications"]
    assert notification["level"] == "error" and "pkg/broken.py" in notification["message"]["text"]
    assert run_["invocations"][0]["executionSuccessful"] is True


def test_sarif_help_uri_comes_from_docs_url_and_outside_paths_are_file_uris(project, tmp_path_factory):
    (project / "pyproject.toml").write_text(
        '[tool.pitfalls]\ndocs-url = "https://example.org/pitfalls/{code}.html"\n', encoding="utf-8"
    )
    elsewhere = tmp_path_factory.mktemp("elsewhere dir") / "c.py"
    elsewhere.write_text(HIT, encoding="utf-8")
    _, document = sarif("pkg/a.py", str(elsewhere))
    run_ = document["runs"][0]
    assert {r["id"]: r["helpUri"] for r in run_["tool"]["driver"]["rules"]}["PIT101"] == \
        "https://example.org/pitfalls/PIT101.html"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run_["results"]]
    assert {"uri": "pkg/a.py", "uriBaseId": "%SRCROOT%"} in locations
    assert {"uri": elsewhere.as_uri()} in locations and "%20" in elsewhere.as_uri()


# -- GitHub annotations ---------------------------------------------------------------------------

def test_github_annotations(project):
    result = run("check", "--format", "github", "pkg")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=pkg/a.py,line=1,col=22,endLine=1,endColumn=24,title=PIT101 mutable-default-argument::"
        "Default [] of 'bucket' is created once and shared by every call of 'add'",
        "::error file=pkg/b.py,line=2,col=12,endLine=2,endColumn=25,title=PIT602 list-multiplication-shares-rows::"
        "Every slot of '[[0] * n] * n' holds the same '[0] * n' object",
        "::error file=pkg/b.py,line=3,col=22,endLine=3,endColumn=24,title=PIT101 mutable-default-argument::"
        "Default [] of 'bucket' is created once and shared by every call of 'put'",
        "::error file=pkg/broken.py,title=pitfalls::could not check: syntax error: invalid syntax (line 1, column 5)",
    ]


def test_github_escapes_what_would_end_a_property_or_the_message():
    from pitfalls.findings import Finding, Severity, Span
    from pitfalls.output import render_github
    from pitfalls.source import FileReport

    finding = Finding("PIT101", "mutable-default-argument", Severity.INFO, Span(1, 0, 1, 1), "100% sure,\nreally: yes")
    (line,) = render_github([FileReport("odd,name:1.py", [finding])]).splitlines()
    assert line == ("::notice file=odd%2Cname%3A1.py,line=1,col=1,endLine=1,endColumn=2,"
                    "title=PIT101 mutable-default-argument::100%25 sure,%0Areally: yes")


# -- text: --show-source, --statistics, --output-file, colour ---------------------------------------

def test_show_source_puts_a_caret_under_the_span(project):
    (project / "wide.py").write_text("x = '日本'; y = [[0] * 2] * 3\nif x:\n\tz = dict.fromkeys('ab', [])\n"
                                      "y[0][0] = 1\nz['a'].append(1)\n", encoding="utf-8")
    result = run("check", "--show-source", "wide.py")
    lines = result.stdout.splitlines()
    assert lines[1] == "x = '日本'; y = [[0] * 2] * 3"
    assert lines[2] == " " * 16 + "^" * 13  # '日本' is four columns wide on a terminal
    assert lines[4] == "\tz = dict.fromkeys('ab', [])"
    assert lines[5] == "\t    " + "^" * 23  # a tab under a tab


def test_show_source_with_a_tab_in_the_span_a_span_over_lines_crlf_and_a_vanished_file(project):
    from pitfalls.output import Style, render_text
    from pitfalls.source import check_file

    (project / "t.py").write_bytes(b"y = [[0]\t* 2] * 3\r\nz = dict.fromkeys(\r\n    'ab', [])\r\ny[0][0] = 1\r\nz['a'].append(1)\r\n")
    lines = run("check", "--show-source", "t.py").stdout.splitlines()
    assert lines[1:3] == ["y = [[0]\t* 2] * 3", " " * 4 + "^" * 20]  # the tab stops at column 16
    assert lines[4:6] == ["z = dict.fromkeys(", " " * 4 + "^" * 14]  # to the end of the first line
    report = check_file("t.py")
    (project / "t.py").unlink()  # gone between the check and the printing: the hits still print
    assert render_text([report], Style(show_source=True)).splitlines() == [
        line for line in lines if ": PIT" in line
    ]


def test_statistics_count_each_code(project):
    result = run("check", "--statistics", "pkg")
    assert result.stdout.splitlines()[-2:] == ["    2  PIT101  mutable-default-argument",
                                               "    1  PIT602  list-multiplication-shares-rows"]
    # A machine format stays parseable: the counts go to standard error.
    result = run("check", "--statistics", "--format", "json", "pkg")
    assert len(json.loads(result.stdout)) == 3
    assert "    2  PIT101  mutable-default-argument" in result.stderr
    # Into --output-file: with a text report the counts go into the file, and only there.
    result = run("check", "--statistics", "-o", "r.txt", "pkg")
    assert "PIT101  mutable" in (project / "r.txt").read_text(encoding="utf-8") and "PIT101  mutable" not in result.stderr
    result = run("check", "--statistics", "--format", "sarif", "-o", "r.sarif", "pkg")
    assert json.loads((project / "r.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert "    2  PIT101  mutable-default-argument" in result.stderr


def test_output_file_holds_what_stdout_would(project):
    for fmt in FORMAT_NAMES:
        printed = run("check", "--format", fmt, "pkg").stdout
        result = run("check", "--format", fmt, "--output-file", "report.out", "pkg")
        assert result.exit_code == 1 and result.stdout == ""
        assert (project / "report.out").read_text(encoding="utf-8") == printed, fmt
        assert "3 pitfalls in 3 files (1 could not be checked)" in result.stderr
    assert run("check", "-o", "-", "pkg").stdout == run("check", "pkg").stdout  # '-' is standard output
    result = run("check", "--output-file", str(project / "no" / "such" / "dir.txt"), "pkg")
    assert result.exit_code == 2
    assert result.stderr == f"pitfalls: error: {project / 'no' / 'such' / 'dir.txt'}: cannot write: No such file or directory\n"


def run_in_terminal(args, cwd, env):
    """The real command with stdout and stderr on a pseudo-terminal, as a person would run it."""
    import pty

    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "pitfalls", *args], cwd=cwd, env=env,
                               stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(main)
    return process.returncode, b"".join(chunks).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_colour_on_a_terminal_unless_no_color_and_never_in_a_pipe(project):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")}
    env["TERM"] = "xterm"
    code, shown = run_in_terminal(["check", "pkg/a.py"], project, env)
    assert code == 1 and "\x1b[31m\x1b[1mPIT101\x1b[0m" in shown and "\x1b[1mpkg/a.py\x1b[0m" in shown
    code, shown = run_in_terminal(["check", "pkg/a.py"], project, {**env, "NO_COLOR": "1"})
    assert code == 1 and "\x1b[" not in shown and "pkg/a.py:1:22: PIT101" in shown
    code, shown = run_in_terminal(["check", "pkg/a.py"], project, {**env, "NO_COLOR": ""})
    assert "\x1b[31m" in shown  # no-color.org: set *and not empty*
    code, shown = run_in_terminal(["check", "pkg/a.py"], project, {**env, "TERM": "dumb"})
    assert "\x1b[" not in shown
    code, shown = run_in_terminal(["check", "-o", "report.txt", "pkg/a.py"], project, env)
    assert "\x1b[" not in (project / "report.txt").read_text(encoding="utf-8")
    piped = subprocess.run([sys.executable, "-m", "pitfalls", "check", "pkg/a.py"], cwd=project, env=env,
                           capture_output=True, text=True)
    assert "\x1b[" not in piped.stdout and piped.stdout.startswith("pkg/a.py:1:22: PIT101")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_check_fix_shows_the_fixing_progress_on_a_terminal_as_fix_does(tmp_path):
    # Enough files, and enough work in each, that fixing outlasts the bar's half-second wait.
    rows = "".join(f"grid{i} = [[0] * 3] * 3\ngrid{i}[0][0] = 1\n" for i in range(3))
    for i in range(150):
        (tmp_path / f"m{i}.py").write_text(rows, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TERM"] = "xterm"
    code, shown = run_in_terminal(["check", "--fix", "--isolated", "--no-cache", "."], tmp_path, env)
    assert code == 0 and "Fixing [" in shown, shown[-500:]
    code, shown = run_in_terminal(["check", "--fix", "--quiet", "--isolated", "--no-cache", "."], tmp_path, env)
    assert code == 0 and "Fixing [" not in shown


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_for_a_person_watching_many_files(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    assert _Progress.for_terminal(_Progress.MIN_FILES) is not None
    assert _Progress.for_terminal(_Progress.MIN_FILES - 1) is None
    monkeypatch.setenv("CI", "true")
    assert _Progress.for_terminal(500) is None
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert _Progress.for_terminal(500) is None


def test_progress_bar_waits_half_a_second_draws_in_place_and_wipes_itself():
    stream = FakeTerminal()
    now = [0.0]
    progress = _Progress(200, stream)
    progress.clock, progress.started, progress.drawn = (lambda: now[0]), 0.0, 0.0
    progress(50)  # a quick run never shows a bar
    assert stream.getvalue() == ""
    now[0] = 0.6
    progress(50)
    assert stream.getvalue() == "\rChecking [###############---------------] 100/200 files\x1b[K"
    now[0] = 0.65
    progress(10)  # redrawn at most ten times a second...
    assert stream.getvalue().count("\r") == 1
    progress(90)  # ...except the last
    assert stream.getvalue().endswith("\rChecking [##############################] 200/200 files\x1b[K")
    progress.close()
    assert stream.getvalue().endswith("\r\x1b[K")


# -- the commands themselves -----------------------------------------------------------------------

def test_every_command_and_option_says_what_it_does():
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0 and result.stdout.startswith(f"Usage: cli {name}"), name
        assert command.help and len(command.help.split()) >= 5, name
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help and len(param.help.split()) >= 3, (name, param.name)


def test_version_and_shell_completion_work_as_documented():
    import shutil

    version = subprocess.run([sys.executable, "-m", "pitfalls", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("pitfalls, version ")
    script = shutil.which("pitfalls", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if script is None:
        pytest.skip("the pitfalls console script is not on PATH")
    for shell, marker in (("bash", "complete -o nosort -F"), ("zsh", "compdef"), ("fish", "complete --no-files")):
        completion = subprocess.run([script], env={**os.environ, "_PITFALLS_COMPLETE": f"{shell}_source"},
                                    capture_output=True, text=True)
        assert completion.returncode == 0 and marker in completion.stdout, shell
    words = subprocess.run([script], env={**os.environ, "_PITFALLS_COMPLETE": "bash_complete",
                                          "COMP_WORDS": "pitfalls ch", "COMP_CWORD": "1"},
                           capture_output=True, text=True)
    assert words.stdout.split() == ["plain,check"]


def test_gitlab_code_quality_report(project):
    result = run("check", "--format", "gitlab", "pkg")
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["positions"]["begin"]["line"])
            for i in issues] == [("PIT101", "major", "pkg/a.py", 1), ("PIT602", "major", "pkg/b.py", 2),
                                 ("PIT101", "major", "pkg/b.py", 3)]
    assert issues[0]["description"].startswith("PIT101 Default [] of 'bucket'")
    assert len({i["fingerprint"] for i in issues}) == 3
    # A hit that only moves down keeps its fingerprint; two identical hits in one file differ.
    (project / "pkg" / "a.py").write_text("\n\n" + HIT + HIT.replace("def add", "def add2").replace("add'", "add2'"),
                                          encoding="utf-8")
    moved = json.loads(run("check", "--format", "gitlab", "pkg/a.py").stdout)
    assert moved[0]["fingerprint"] == issues[0]["fingerprint"] and moved[0]["location"]["positions"]["begin"]["line"] == 3
    (project / "twice.py").write_text(HIT + HIT, encoding="utf-8")
    twice = json.loads(run("check", "--format", "gitlab", "twice.py").stdout)
    assert len(twice) == 2 and twice[0]["fingerprint"] != twice[1]["fingerprint"]


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes as a name")
def test_a_file_name_that_is_not_utf8_never_breaks_a_report(project):
    name = os.fsdecode(b"bad\xff.py")
    (project / name).write_text(HIT, encoding="utf-8")
    for fmt in FORMAT_NAMES:
        result = run("check", "--format", fmt, name)
        assert result.exit_code == 1, (fmt, result.output)
        written = run("check", "--format", fmt, "-o", "out", name)
        assert written.exit_code == 1 and (project / "out").stat().st_size > 0, (fmt, written.output)
    _, document = sarif(name)
    assert document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad%FF.py"


def test_sarif_paths_above_the_working_directory_and_a_failed_rule(project, monkeypatch):
    from pitfalls.catalog import BY_CODE

    (project / "pkg" / "sub").mkdir()
    monkeypatch.chdir(project / "pkg" / "sub")
    _, document = sarif("../a.py")
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (project / "pkg" / "a.py").as_uri()}

    def broken(self, node):
        raise RuntimeError("boom")

    monkeypatch.setattr(BY_CODE["PIT602"], "visit", broken)
    result, document = sarif("../b.py")
    assert result.exit_code == 2
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["associatedRule"] == {"id": "PIT602"}
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["PIT101"]  # the other rules still report


def test_the_fixing_bar_names_a_slow_file_and_keeps_printed_lines_apart(monkeypatch):
    """Issue 20: one big file can take half a minute to fix; the bar says which and how long, on
    its own clock, and a line printed meanwhile gets a line of its own."""
    monkeypatch.setattr(_Progress, "DELAY", 0.0)
    stream = FakeTerminal()
    progress = _Progress(1, stream, "Fixing", ticking=True)
    progress.working_on("gen.py")
    import time

    time.sleep(0.6)  # two ticks of its clock, and nothing else happens
    progress.say("other.py: fixed 2 (PIT502)")
    progress(1)
    progress.close()
    shown = stream.getvalue()
    assert "\rFixing [------------------------------] 0/1 files: gen.py (0 s)\033[K" in shown
    assert "\r\033[Kother.py: fixed 2 (PIT502)\n\rFixing [" in shown
    assert "1/1 files\033[K" in shown and shown.endswith("\r\033[K")


def test_a_single_file_gets_the_fixing_bar_but_not_the_checking_one(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    assert _Progress.for_terminal(1) is None
    progress = _Progress.for_terminal(1, "Fixing", ticking=True)
    assert progress is not None
    progress.close()
