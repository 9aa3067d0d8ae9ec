"""`pitfalls check --add-noqa`: a `# noqa: CODES` on the line of every hit, as ruff adds them."""

from __future__ import annotations

import ast
import shutil
import textwrap

import pytest

from conftest import cli_runner, fixture_files
from pitfalls.cli import cli

HIT = "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"


def run(*args):
    return cli_runner().invoke(cli, list(args))


def write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_hit_gets_a_comment_and_check_is_then_clean(project):
    write(project / "shop.py", HIT)
    result = run("check", "--add-noqa", ".")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "Added 1 noqa directive.\n")
    assert (project / "shop.py").read_text(encoding="utf-8").splitlines()[0] == (
        "def add(item, bucket=[]):  # noqa: PIT101")
    assert run("check", ".").exit_code == 0
    again = run("check", "--add-noqa", ".")  # nothing left to add
    assert (again.exit_code, again.stderr) == (0, "Added 0 noqa directives.\n")


def test_existing_comments_are_kept_and_noqa_lists_extended(project):
    write(project / "shop.py", """\
        def a(x=[]):  # type: ignore
            x.append(1)
        def b(x=[]):  # noqa: E501 the signature is long
            x.append(1)
        def c(x=[]):  # noqa:W291,E501
            x.append(1)
        def d(x=[]):  # noqa
            x.append(1)
        def e(x=[]): x.append(1); return [[0] * 3] * 3  # noqa: PIT602
        def f(x=[]):   
            x.append(1)
        """)
    result = run("check", "--add-noqa", "--strict", "shop.py")
    assert (result.exit_code, result.stderr) == (0, "Added 5 noqa directives.\n")
    assert [line for line in (project / "shop.py").read_text(encoding="utf-8").splitlines() if line.startswith("def")] == [
        "def a(x=[]):  # type: ignore  # noqa: PIT101",
        "def b(x=[]):  # noqa: E501, PIT101 the signature is long",
        "def c(x=[]):  # noqa: E501, PIT101, W291",
        "def d(x=[]):  # noqa",
        "def e(x=[]): x.append(1); return [[0] * 3] * 3  # noqa: PIT101, PIT602",
        "def f(x=[]):  # noqa: PIT101",  # trailing blanks replaced, as ruff does
    ]
    assert run("check", "--strict", "shop.py").exit_code == 0


def test_several_codes_on_one_line_make_one_directive(project):
    write(project / "grid.py", "def f(rows=[[0] * 3] * 3):\n    rows[0][0] = 1\n")
    result = run("check", "--add-noqa", "--strict", "grid.py")
    assert result.stderr == "Added 1 noqa directive.\n"
    first = (project / "grid.py").read_text(encoding="utf-8").splitlines()[0]
    assert first.endswith("  # noqa: PIT101, PIT602")


def test_a_hit_on_code_over_several_lines_is_silenced_on_its_last_line(project):
    # As ruff writes it and flake8 reads it: a comment on a line that ends inside a string would
    # change the string, and after a backslash would break the line; the code's last line takes it.
    source = textwrap.dedent('''\
        def log(lines=["""first
        second"""]):
            lines.append(1)
        def total(items=[], start=0, \\
                  step=1):
            items.append(start)
        def tag(items=[], mark="# noqa: E501"):
            items.append(mark)
        def ok(items=[]):
            items.append(1)
        ''')
    (project / "log.py").write_text(source, encoding="utf-8")
    result = run("check", "--add-noqa", "log.py")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "log.py:7:15: PIT101 not silenced: a '# noqa' in a string comes first on its line",
        "Added 3 noqa directives.",
        "pitfalls: silence those with per-file-ignores, or '# pitfalls: noqa: CODE' at the top of the file "
        "(see docs/configuration.md)",
    ]
    text = (project / "log.py").read_text(encoding="utf-8")
    assert text == (source.replace('second"""]):', 'second"""]):  # noqa: PIT101')
                    .replace("step=1):", "step=1):  # noqa: PIT101")
                    .replace("def ok(items=[]):", "def ok(items=[]):  # noqa: PIT101"))
    left = run("check", "log.py")
    assert [line.split(" ")[0] for line in left.stdout.splitlines()] == ["log.py:7:15:"]
    result = run("explain", "log.py:1")
    assert result.stderr.splitlines()[1] == "  PIT101 is silenced by '# noqa: PIT101' on line 2"


def test_line_endings_encoding_bom_and_permissions_are_kept(project):
    crlf = project / "crlf.py"
    crlf.write_bytes(HIT.replace("\n", "\r\n").encode())
    cr = project / "cr.py"
    cr.write_bytes(b"x = 1\r" + HIT.replace("\n", "\r").encode())
    latin = project / "latin.py"
    latin.write_bytes("# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1") + HIT.encode())
    bom = project / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + HIT.encode())
    crlf.chmod(0o640)
    result = run("check", "--add-noqa", ".")
    assert (result.exit_code, result.stderr) == (0, "Added 4 noqa directives.\n")
    comment = b"  # noqa: PIT101"
    assert crlf.read_bytes() == HIT.replace("\n", "\r\n").encode().replace(b"):\r\n", b"):" + comment + b"\r\n", 1)
    assert cr.read_bytes() == b"x = 1\r" + HIT.replace("\n", "\r").encode().replace(b"):\r", b"):" + comment + b"\r", 1)
    assert latin.read_bytes().decode("latin-1").splitlines()[1:3] == ["name = 'café'", "def add(item, bucket=[]):  # noqa: PIT101"]
    assert bom.read_bytes().startswith(b"\xef\xbb\xbfdef add(item, bucket=[]):" + comment + b"\n")
    assert crlf.stat().st_mode & 0o777 == 0o640
    assert run("check", ".").exit_code == 0


def test_hazards_only_with_strict(project):
    write(project / "read.py", "def total(items=[]):\n    return sum(items)\n")  # read only: a hazard
    assert run("check", "--add-noqa", ".").stderr == "Added 0 noqa directives.\n"
    assert "noqa" not in (project / "read.py").read_text(encoding="utf-8")
    assert run("check", "--add-noqa", "--strict", ".").stderr == "Added 1 noqa directive.\n"
    assert run("check", "--strict", ".").exit_code == 0


def test_select_ignore_and_configuration_are_honoured(project):
    grid = "def f(rows=[[0] * 3] * 3):\n    rows[0][0] = 1\n"
    write(project / "grid.py", grid)
    write(project / "pyproject.toml", '[tool.pitfalls]\nper-file-ignores = { "grid.py" = ["PIT6"] }\n')
    assert run("check", "--add-noqa", ".").exit_code == 0
    assert (project / "grid.py").read_text(encoding="utf-8").splitlines()[0].endswith("  # noqa: PIT101")
    write(project / "grid.py", grid)
    assert run("check", "--add-noqa", "--strict", "--isolated", "--ignore", "PIT101", ".").exit_code == 0
    assert (project / "grid.py").read_text(encoding="utf-8").splitlines()[0].endswith("  # noqa: PIT602")


@pytest.mark.parametrize("option", [["--format", "json"], ["--output-file", "report.txt"], ["--show-source"],
                                    ["--statistics"]])
def test_report_options_are_refused(project, option):
    write(project / "shop.py", HIT)
    result = run("check", "--add-noqa", *option, ".")
    name = option[0]
    assert (result.exit_code, result.stderr) == (2, f"pitfalls: error: --add-noqa writes comments, not a report; drop {name}\n")
    assert (project / "shop.py").read_text(encoding="utf-8") == HIT
    assert not (project / "report.txt").exists()


def test_quiet_prints_only_what_was_not_silenced(project):
    write(project / "shop.py", HIT)
    result = run("check", "--add-noqa", "--quiet", ".")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert "# noqa: PIT101" in (project / "shop.py").read_text(encoding="utf-8")


def test_a_file_that_cannot_be_checked_is_named_and_the_others_are_done(project):
    write(project / "broken.py", "def f(:\n")
    write(project / "shop.py", HIT)
    result = run("check", "--add-noqa", ".")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["broken.py:1:7: error: syntax error: invalid syntax", "Added 1 noqa directive."]
    assert (project / "broken.py").read_text(encoding="utf-8") == "def f(:\n"
    assert run("check", "--add-noqa", "--exit-zero", ".").exit_code == 0


def test_nothing_is_written_if_the_comments_would_change_the_code(project, monkeypatch):
    from pitfalls import noqa_edit

    write(project / "shop.py", HIT)
    real = noqa_edit.add_noqa

    def broken(source, findings):  # a bug that would turn the comment into code
        added = real(source, findings)
        added.text = added.text.replace("# noqa: PIT101", "bucket.clear()")
        return added

    monkeypatch.setattr(noqa_edit, "add_noqa", broken)
    result = run("check", "--add-noqa", ".")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "shop.py: error: adding the comments would change the code; not written (please report this)")
    assert (project / "shop.py").read_text(encoding="utf-8") == HIT


def test_on_every_fixture_check_is_then_clean_and_the_code_unchanged(project):
    """The property: after --add-noqa, `check` reports only the hits it said it left, and every
    file parses to the same tree (the fixtures' trailing `# PIT101` markers are comments kept)."""
    for path in fixture_files():
        shutil.copy(path, project / path.name)
    before = {path.name: ast.dump(ast.parse(path.read_text(encoding="utf-8"))) for path in fixture_files()}
    result = run("check", "--add-noqa", "--strict", "--isolated", ".")
    assert result.exit_code == 0, result.stderr
    left = sorted(line.split(" not silenced")[0] for line in result.stderr.splitlines() if " not silenced: " in line)
    added = int(result.stderr.split("Added ")[1].split(" ")[0])
    assert added > 100
    after = run("check", "--strict", "--isolated", ".")
    assert sorted(" ".join(line.split(" ")[:2]) for line in after.stdout.splitlines()) == left
    for name, tree in before.items():
        assert ast.dump(ast.parse((project / name).read_text(encoding="utf-8"))) == tree, name
