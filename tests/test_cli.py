"""`pitfalls check`: exit codes, formats, discovery, noqa, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import cli_runner

from pitfalls.cli import cli as main

BUG = "def f(x=[]):\n    x.append(1)\n"


def run(*args: str, cwd=None):
    runner = cli_runner()
    if cwd is None:
        return runner.invoke(main, list(args))
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args))
    finally:
        os.chdir(old)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "clean.py").write_text("x = 1\n")
    (tmp_path / "bug.py").write_text(BUG)
    return tmp_path


def test_exit_0_when_clean(tmp_path):
    (tmp_path / "clean.py").write_text("def f(x=None):\n    return x\n")
    result = run("check", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_exit_1_with_findings_and_text_format(project):
    result = run("check", str(project))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{project / 'bug.py'}:1:9: PIT101 Default [] of 'x' is created once and shared by every call of 'f' (fixable with --unsafe-fixes)\n"
    )


def test_exit_zero_flag(project):
    assert run("check", "--exit-zero", str(project)).exit_code == 0


def test_json_fields(project):
    result = run("check", "--format", "json", str(project / "bug.py"))
    [item] = json.loads(result.stdout)
    assert {k: item[k] for k in ("path", "line", "column", "end_line", "end_column", "code", "name",
                                 "severity", "message", "fixable")} == {
        "path": str(project / "bug.py"), "line": 1, "column": 9, "end_line": 1, "end_column": 11,
        "code": "PIT101", "name": "mutable-default-argument", "severity": "error",
        "message": "Default [] of 'x' is created once and shared by every call of 'f'", "fixable": True,
    }
    assert item["fix_safety"] == "unsafe"
    assert item["related"] == [{"path": str(project / "bug.py"), "line": 2, "column": 5,
                                "message": "'x' mutates the shared default here"}]


def test_select_and_ignore_prefixes(project):
    assert run("check", "--select", "PIT1", str(project)).exit_code == 1
    assert run("check", "--ignore", "PIT1", str(project)).exit_code == 0
    # The more specific prefix wins, as in ruff and flake8; a tie goes to ignore.
    assert run("check", "--select", "PIT101", "--ignore", "PIT10", str(project)).exit_code == 1
    assert run("check", "--select", "PIT10", "--ignore", "PIT101", str(project)).exit_code == 0
    assert run("check", "--select", "PIT101", "--ignore", "PIT101", str(project)).exit_code == 0
    assert run("check", "--extend-select", "PIT101", "--ignore", "PIT1", str(project)).exit_code == 1


def test_unknown_select_is_one_line_error(project):
    result = run("check", "--select", "PIT999", str(project))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "pitfalls: error: --select: 'PIT999' matches no rule (see 'pitfalls rules')"
    ]


def test_missing_path_is_one_line_error(tmp_path):
    result = run("check", str(tmp_path / "nope.py"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"pitfalls: error: {tmp_path / 'nope.py'}: no such file or directory"


def test_noqa_bare_and_with_codes(tmp_path):
    (tmp_path / "a.py").write_text(
        "def f(x=[]):  # noqa\n    x.append(1)\n"
        "def g(x=[]):  # noqa: PIT101\n    x.append(1)\n"
        "def h(x=[]):  # NOQA:PIT1\n    x.append(1)\n"
        "def i(x=[]):  # noqa: E501\n    x.append(1)\n"
    )
    result = run("check", "--format", "json", str(tmp_path))
    assert [item["line"] for item in json.loads(result.stdout)] == [7]


def test_noqa_on_code_over_several_lines_counts_as_flake8_reads_it(tmp_path):
    """A `# noqa` on any line of a multi-line string or a backslash-continued line counts for a
    hit on its first line (where a comment would change the string, or break the line); the lines
    inside brackets are each their own, as in flake8."""
    (tmp_path / "a.py").write_text(
        'def f(x=[], doc="""one\ntwo"""):  # noqa: PIT101\n    x.append(1)\n'
        "def g(x=[], \\\n      y=1):  # noqa: B006\n    x.append(1)\n"
        "def h(x=[],\n      y=1):  # noqa: PIT101\n    x.append(1)\n"
    )
    result = run("check", "--format", "json", str(tmp_path))
    assert [item["line"] for item in json.loads(result.stdout)] == [7]


def test_syntax_error_is_reported_and_other_files_still_checked(project):
    (project / "broken.py").write_text("def f(:\n")
    result = run("check", str(project))
    assert result.exit_code == 1
    assert "PIT101" in result.stdout
    err = result.stderr
    assert f"{project / 'broken.py'}:1:7: error: syntax error: invalid syntax\n" in err  # a matcher's shape
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "content, message",
    [
        (b"x = '\xff\xfe'\n", "cannot decode as utf-8: byte 0xff at line 1, column 6; add a coding cookie or save it as UTF-8"),
        (b"x = 1\x00\n", "cannot parse: a NUL byte at line 1"),
        (b"# -*- coding: klingon -*-\nx = 1\n", "unknown encoding: klingon"),
    ],
    ids=["not-utf8", "nul-byte", "bad-cookie"],
)
def test_undecodable_or_unparsable_file_is_one_line(tmp_path, content, message):
    (tmp_path / "bad.py").write_bytes(content)
    result = run("check", str(tmp_path))
    lines = [line for line in result.stderr.splitlines() if "bad.py" in line]
    assert len(lines) == 1 and message in lines[0], lines
    assert "Traceback" not in result.stderr


def test_coding_cookie_bom_and_crlf_are_decoded(tmp_path):
    (tmp_path / "latin.py").write_bytes("# -*- coding: latin-1 -*-\ns = 'é'\ndef f(x=[]): x.append(1)\n".encode("latin-1"))
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfdef f(x=[]): x.append(1)\n")
    (tmp_path / "crlf.py").write_bytes(b"x = 1\r\n\r\ndef f(x=[]): x.append(1)\r\n")
    result = run("check", "--format", "json", str(tmp_path))
    assert [(item["path"].rsplit("/", 1)[-1], item["line"], item["column"]) for item in json.loads(result.stdout)] == [
        ("bom.py", 1, 9), ("crlf.py", 3, 9), ("latin.py", 3, 9)
    ]


def test_columns_count_characters_not_bytes(tmp_path):
    (tmp_path / "a.py").write_text("def f(é='ü', ñ=[]): ñ.append(1)\n", encoding="utf-8")
    [item] = json.loads(run("check", "--format", "json", str(tmp_path)).stdout)
    assert (item["column"], item["end_column"]) == (16, 18)


def test_directory_walk_skips_vcs_venvs_build_and_gitignored(tmp_path):
    for rel in [".git/x.py", "venv/x.py", "myenv/lib/x.py", "build/x.py", "node_modules/x.py",
                "pkg.egg-info/x.py", "ignored/x.py", "src/generated_x.py", "src/keep.py",
                "src/sub/kept_too.py", "src/data.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BUG)
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / ".gitignore").write_text("# comment\n/ignored/\ngenerated_*.py\n")
    result = run("check", "--format", "json", ".", cwd=tmp_path)
    assert sorted(item["path"] for item in json.loads(result.stdout)) == ["src/keep.py", "src/sub/kept_too.py"]  # "./" dropped, as ruff does


def test_gitignore_negation_and_explicit_file(tmp_path):
    (tmp_path / ".gitignore").write_text("*.py\n!keep.py\n")
    (tmp_path / "skip.py").write_text(BUG)
    (tmp_path / "keep.py").write_text(BUG)
    paths = [i["path"] for i in json.loads(run("check", "--format", "json", str(tmp_path)).stdout)]
    assert paths == [str(tmp_path / "keep.py")]
    # A file named on the command line is checked even when ignored.
    assert run("check", str(tmp_path / "skip.py")).exit_code == 1


def test_output_order_is_stable(tmp_path):
    for name in ["b.py", "a.py", "c/z.py", "c/a.py"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(BUG + "def g(y={}): pass\n")
    first = run("check", str(tmp_path)).stdout
    lines = first.splitlines()
    assert lines == sorted(lines, key=lambda s: (s.split(":")[0], int(s.split(":")[1])))
    assert run("check", str(tmp_path)).stdout == first


def test_python_dash_m_and_version(tmp_path):
    (tmp_path / "bug.py").write_text(BUG)
    proc = subprocess.run([sys.executable, "-m", "pitfalls", "check", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 1 and "PIT101" in proc.stdout and proc.stderr.strip() == "1 pitfall in 1 file"
    version = subprocess.run([sys.executable, "-m", "pitfalls", "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("pitfalls, version ")


def test_usage_errors_and_unexpected_failures_are_one_line(tmp_path, monkeypatch):
    bad_option = subprocess.run([sys.executable, "-m", "pitfalls", "check", "--format", "xml", str(tmp_path)],
                                capture_output=True, text=True)
    assert bad_option.returncode == 2 and "Traceback" not in bad_option.stderr
    assert "Invalid value for '--format'" in bad_option.stderr

    import pitfalls.cli as cli_module
    import pitfalls.source

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pitfalls.source, "check_file", explode)
    monkeypatch.setattr(sys, "argv", ["pitfalls", "check", str(tmp_path)])
    (tmp_path / "a.py").write_text("x = 1\n")
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    assert exit_info.value.code == 2


def test_closed_pipe_is_quiet(tmp_path):
    for i in range(300):
        (tmp_path / f"m{i}.py").write_text(BUG)
    proc = subprocess.run(f"{sys.executable} -m pitfalls check {tmp_path} | head -n 1",
                          shell=True, capture_output=True, text=True)
    assert proc.stdout.count("PIT101") == 1
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_rules_lists_every_rule_in_text_and_json():
    from pitfalls.catalog import ALL_RULES

    text = run("rules")
    assert text.exit_code == 0
    assert [line.split()[0] for line in text.stdout.splitlines()] == [r.code for r in ALL_RULES]
    items = json.loads(run("rules", "--format", "json").stdout)
    assert [(i["code"], i["name"], i["severity"]) for i in items] == [
        (r.code, r.name, r.severity.value) for r in ALL_RULES
    ]
    assert set(items[0]) == {"code", "name", "severity", "hazards", "severities", "summary", "fixable"}
    for line, item in zip(text.stdout.splitlines(), items):
        assert line.split()[2] == "/".join(s["severity"] for s in item["severities"])
        assert item["hazards"] == ("hazard" in line.split()[2])


def test_jobs_give_the_same_output_in_the_same_order(tmp_path):
    import shutil

    from conftest import fixture_files

    for number in range(3):  # enough files for a pool of two
        for path in fixture_files():
            shutil.copy(path, tmp_path / f"{number}_{path.name}")
    one = run("check", "--format", "json", "-j", "1", str(tmp_path))
    two = run("check", "--format", "json", "--jobs", "2", str(tmp_path))
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout and len(json.loads(one.stdout)) > 100
    (tmp_path / "pyproject.toml").write_text("[tool.pitfalls]\nselect = 3\n", encoding="utf-8")
    bad = run("check", "-j", "2", str(tmp_path))
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "select must be a list" in bad.stderr
    assert run("check", "-j", "0", str(tmp_path)).exit_code == 2


# What `pitfalls check`, the flake8 plugin and the language server never load: the fixer and
# server libraries (check only), and the drill's state (its package, SQLite, FSRS, platformdirs).
DRILL_MODULES = "{'pitfalls.drill', 'fsrs', 'platformdirs', 'sqlite3', '_sqlite3'}"
_LOADED = "print(sorted(m for m in sys.modules if m in WANTED or any(m.startswith(w + '.') for w in WANTED)))"


def _modules_loaded(tmp_path, wanted: str, body: str) -> list[str]:
    import ast
    import subprocess
    import sys

    (tmp_path / "a.py").write_text("def f(x=[]):\n    return x\n", encoding="utf-8")
    probe = f"import sys\nWANTED = {wanted}\n{body}\n{_LOADED}"
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "a.py")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


def test_check_imports_neither_libcst_nor_pygls(tmp_path):
    """Start-up stays small: fixing, the language server and the drill are loaded only when used."""
    body = (
        "from pitfalls.cli import main; sys.argv = ['pitfalls', 'check', '--exit-zero', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    wanted = "{'libcst', 'pygls', 'lsprotocol', 'rich', 'flake8'} | " + DRILL_MODULES
    assert _modules_loaded(tmp_path, wanted, body) == []


def test_flake8_and_the_language_server_never_load_the_drill(tmp_path):
    flake8 = (
        "from flake8.main.cli import main\n"
        "try:\n    main(['--isolated', '--select', 'PIT', '--exit-zero', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "assert 'pitfalls.flake8_plugin' in sys.modules"
    )
    assert _modules_loaded(tmp_path, DRILL_MODULES, flake8) == []
    server = (
        "from pygls.workspace import Workspace\n"
        "from pitfalls_lsp.server import Settings, create_server\n"
        "server = create_server()\n"
        "server.protocol._workspace = Workspace(None)\n"
        "analysis = server.analyse('file://' + sys.argv[1], 1, 0, open(sys.argv[1]).read(), Settings())\n"
        "assert [f.code for f in analysis.findings] == ['PIT101'], analysis"
    )
    assert _modules_loaded(tmp_path, DRILL_MODULES, server) == []
    # The probe is no rubber stamp: the drill loads SQLite (and fsrs and platformdirs only when
    # a store is opened).
    drill = set(_modules_loaded(tmp_path, DRILL_MODULES, "import pitfalls.drill"))
    assert {"pitfalls.drill", "pitfalls.drill.store", "sqlite3"} <= drill and not drill & {"fsrs", "platformdirs"}


def test_python_syntax_warnings_are_not_ours_to_print(tmp_path):
    import subprocess
    import sys

    (tmp_path / "w.py").write_text('import re\nPATTERN = re.compile("\\d+")\nx = "a"()\n', encoding="utf-8")
    # -W default shows what 3.11 hides (DeprecationWarning) and 3.12+ prints (SyntaxWarning).
    result = subprocess.run([sys.executable, "-W", "default", "-m", "pitfalls", "check", "--no-cache", str(tmp_path / "w.py")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr == "0 pitfalls in 1 file\n"


def test_lsp_on_a_non_loopback_address_warns_that_anyone_can_drive_it(monkeypatch):
    """Issue 20: `pitfalls lsp --tcp --host 0.0.0.0` says on stderr that the protocol has no
    authentication; on loopback it says nothing."""
    import pitfalls_lsp.server as server
    from conftest import cli_runner
    from pitfalls.cli import cli

    monkeypatch.setattr(server, "run", lambda **kwargs: 0)
    loud = cli_runner().invoke(cli, ["lsp", "--tcp", "--host", "0.0.0.0"])
    assert loud.exit_code == 0 and "no authentication" in loud.stderr and "0.0.0.0:2087" in loud.stderr
    quiet = cli_runner().invoke(cli, ["lsp", "--tcp"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_quiet_color_and_force_color(tmp_path, monkeypatch):
    """Issue 20: `--quiet` prints the findings only; `--color always|never|auto`, FORCE_COLOR
    colouring a piped report under auto, NO_COLOR still winning."""
    from conftest import cli_runner
    from pitfalls.cli import cli

    target = tmp_path / "a.py"
    target.write_text("def f(a=[]):\n    a.append(1)\n", encoding="utf-8")
    base = ["check", "--isolated", "--no-cache", str(target)]
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    quiet = cli_runner().invoke(cli, [*base, "--quiet"])
    assert quiet.exit_code == 1 and "PIT101" in quiet.stdout and quiet.stderr == ""
    assert "\x1b[" not in cli_runner().invoke(cli, base).stdout  # not a terminal: no colour
    assert "\x1b[" in cli_runner().invoke(cli, [*base, "--color", "always"]).output
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in cli_runner().invoke(cli, base).output
    assert "\x1b[" not in cli_runner().invoke(cli, [*base, "--color", "never"]).output
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in cli_runner().invoke(cli, base).output


def test_fix_exit_zero(tmp_path):
    from conftest import cli_runner
    from pitfalls.cli import cli

    target = tmp_path / "a.py"
    target.write_text("def f(a=[]):\n    a.append(1)\n", encoding="utf-8")
    assert cli_runner().invoke(cli, ["fix", "--isolated", str(target)]).exit_code == 1  # unsafe remains
    assert cli_runner().invoke(cli, ["fix", "--isolated", "--exit-zero", str(target)]).exit_code == 0


def test_a_run_that_finds_no_python_files_says_so(tmp_path):
    """Issue 20: as ruff's "No Python files found", on stderr; the exit status stays 0."""
    from conftest import cli_runner
    from pitfalls.cli import cli

    (tmp_path / "notes.txt").write_text("nothing here\n", encoding="utf-8")
    result = cli_runner().invoke(cli, ["check", "--isolated", "--no-cache", str(tmp_path)])
    assert result.exit_code == 0 and "no Python files found" in result.stderr and result.stdout == ""
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    assert "no Python files" not in cli_runner().invoke(cli, ["check", "--isolated", "--no-cache", str(tmp_path)]).stderr
