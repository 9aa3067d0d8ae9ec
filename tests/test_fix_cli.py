"""`pitfalls fix`: safe by default, atomic, keeps encoding, newlines and permissions."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from conftest import cli_runner
from pitfalls.cli import cli
from pitfalls.fixing import FileFix, write_atomically

BOTH = "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n\n\ngrid = [[0] * 3] * 3\ngrid[0][0] = 1\n"


def run(*args):
    return cli_runner().invoke(cli, list(args))


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "both.py").write_text(BOTH, encoding="utf-8")
    return tmp_path


def test_safe_fixes_only_unless_asked(project):
    first = run("fix", ".")
    assert first.exit_code == 1  # the unsafe PIT101 fix remains
    text = (project / "both.py").read_text(encoding="utf-8")
    assert "grid = [[0] * 3 for _ in range(3)]" in text and "bucket=[]" in text
    assert "both.py: fixed 1 (PIT602)" in first.stderr
    assert first.stdout.strip().endswith("(fixable with --unsafe-fixes)")
    second = run("fix", "--unsafe-fixes", ".")
    assert second.exit_code == 0
    assert "bucket=None" in (project / "both.py").read_text(encoding="utf-8")
    again = run("fix", "--unsafe-fixes", ".")
    assert again.exit_code == 0 and "fixed 0 pitfalls in 0 files; 0 remain" in again.stderr


def test_diff_writes_nothing(project):
    result = run("fix", "--diff", "--unsafe-fixes", ".")
    assert result.exit_code == 1
    assert (project / "both.py").read_text(encoding="utf-8") == BOTH
    assert result.stdout.startswith("--- a/both.py\n+++ b/both.py\n")
    assert "+grid = [[0] * 3 for _ in range(3)]\n" in result.stdout and "+    if bucket is None:\n" in result.stdout
    assert run("fix", "--diff", "--select", "PIT8", ".").exit_code == 0  # nothing to fix there


def test_select_and_ignore(project):
    assert run("fix", "--unsafe-fixes", "--ignore", "PIT6", ".").exit_code == 0
    text = (project / "both.py").read_text(encoding="utf-8")
    assert "bucket=None" in text and "grid = [[0] * 3] * 3" in text


def test_encoding_newlines_bom_and_permissions_are_kept(project):
    latin = project / "latin.py"
    latin.write_bytes(b"# -*- coding: latin-1 -*-\r\nname = '\xe9'\r\ngrid = [[0] * 3] * 3\r\ngrid[0][0] = 1\r\n")
    os.chmod(latin, 0o640)
    bom = project / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbfname = '\xc3\xa9'\rgrid = [[]] * 3\rgrid[0].append(1)\r")
    assert run("fix", "latin.py", "bom.py").exit_code == 0
    assert latin.read_bytes() == (
        b"# -*- coding: latin-1 -*-\r\nname = '\xe9'\r\ngrid = [[0] * 3 for _ in range(3)]\r\ngrid[0][0] = 1\r\n"
    )
    assert stat.S_IMODE(os.stat(latin).st_mode) == 0o640
    assert bom.read_bytes() == b"\xef\xbb\xbfname = '\xc3\xa9'\rgrid = [[] for _ in range(3)]\rgrid[0].append(1)\r"
    assert [p.name for p in project.iterdir() if p.name.startswith(".pitfalls-")] == []


def test_a_file_that_changed_on_disk_is_not_written(project):
    path = project / "both.py"
    stale = FileFix(str(path), original="old", fixed="new = 1\n", data=b"old")
    assert write_atomically(stale) == "changed on disk while it was being fixed; not written"
    assert path.read_text(encoding="utf-8") == BOTH


def test_a_broken_file_is_reported_and_the_others_fixed(project):
    (project / "broken.py").write_text("def f(:\n", encoding="utf-8")
    result = run("fix", ".")
    assert result.exit_code == 1
    assert "broken.py:1:7: error: syntax error" in result.stderr and "1 file could not be fixed" in result.stderr
    assert "for _ in range(3)" in (project / "both.py").read_text(encoding="utf-8")
    assert (project / "broken.py").read_text(encoding="utf-8") == "def f(:\n"


def test_requires_python_chooses_optional(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.9"\n', encoding="utf-8")
    (project / "typed.py").write_text("def f(x: list[int] = []):\n    x.append(1)\n    return x\n", encoding="utf-8")
    assert run("fix", "--unsafe-fixes", "typed.py").exit_code == 0
    assert (project / "typed.py").read_text(encoding="utf-8") == (
        "from typing import Optional\n\n\ndef f(x: Optional[list[int]] = None):\n"
        "    if x is None:\n        x = []\n    x.append(1)\n    return x\n"
    )


def test_fixed_program_runs_as_intended(project):
    program = BOTH + "print(add(1), add(2), grid)\n"
    (project / "both.py").write_text(program, encoding="utf-8")
    before = subprocess.run([sys.executable, "both.py"], capture_output=True, text=True, check=True).stdout
    assert before == "[1, 2] [1, 2] [[1, 0, 0], [1, 0, 0], [1, 0, 0]]\n"
    assert run("fix", "--unsafe-fixes", ".").exit_code == 0
    after = subprocess.run([sys.executable, "both.py"], capture_output=True, text=True, check=True).stdout
    assert after == "[1] [2] [[1, 0, 0], [0, 0, 0], [0, 0, 0]]\n"


def test_ctrl_c_while_a_file_is_written_leaves_it_whole_and_no_temporary_file(project, monkeypatch):
    """Ctrl-C lands between the temporary file and the rename: the file stays as it was, and the
    temporary `.pitfalls-*.tmp` is not left in the user's folder."""
    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result = run("fix", ".")
    assert result.exit_code == 1  # click's Abort; the console entry makes it 130
    assert sorted(os.listdir(project)) == ["both.py"]
    assert (project / "both.py").read_text(encoding="utf-8") == BOTH
