"""Strict mode end to end: a hazard is hidden by default and shown by `--strict`, `strict = true`
and `explain --strict`; the editor always gets it, as a hint."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import cli_runner
from pitfalls.cli import cli

# One CPU-bound launch (a PIT801 hazard) and one in a loop (a PIT801 warning).
SOURCE = """\
import threading


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def once():
    worker = threading.Thread(target=crunch, args=(10**6,))
    worker.start()
    worker.join()


def per_size(sizes):
    for size in sizes:
        threading.Thread(target=crunch, args=(size,)).start()
"""
HAZARD, WARNING = 12, 19


def run(*args: str):
    return cli_runner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "work.py").write_text(SOURCE, encoding="utf-8")
    return tmp_path


def hits(result) -> list[tuple[int, str]]:
    return [(item["line"], item["severity"]) for item in json.loads(result.stdout)]


def test_check_hides_hazards_unless_strict(project):
    path = str(project / "work.py")
    assert hits(run("check", "--no-cache", "--format", "json", path)) == [(WARNING, "warning")]
    assert hits(run("check", "--no-cache", "--format", "json", "--strict", path)) == [
        (HAZARD, "hazard"), (WARNING, "warning"),
    ]


def test_strict_in_the_config_and_the_cache_keeps_hazards_either_way(project):
    path = str(project / "work.py")
    assert hits(run("check", "--format", "json", path)) == [(WARNING, "warning")]  # cached now
    (project / "pyproject.toml").write_text("[tool.pitfalls]\nstrict = true\n", encoding="utf-8")
    assert hits(run("check", "--format", "json", path)) == [(HAZARD, "hazard"), (WARNING, "warning")]
    (project / "pyproject.toml").write_text("[tool.pitfalls]\nstrict = 'yes'\n", encoding="utf-8")
    bad = run("check", path)
    assert bad.exit_code == 2 and "strict must be true or false" in bad.stderr


def test_explain_a_file_takes_strict_like_check(project):
    path = str(project / "work.py")
    plain = run("explain", f"{path}:{HAZARD}")
    assert plain.exit_code == 1 and "nothing to explain" in plain.stderr
    strict = run("explain", f"{path}:{HAZARD}", "--strict", "--depth", "30")
    assert strict.exit_code == 0 and "run on one thread by threading.Thread" in strict.stdout


def test_flake8_takes_pitfalls_strict(project):
    def lines(*extra: str) -> list[int]:
        proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "PIT", *extra, "work.py"],
                              cwd=project, capture_output=True, text=True)
        return [int(line.split(":")[1]) for line in proc.stdout.splitlines()]

    assert lines() == [WARNING]
    assert lines("--pitfalls-strict") == [HAZARD, WARNING]


@pytest.mark.asyncio
async def test_the_editor_always_gets_hazards_as_hints(project):
    if sys.version_info < (3, 10):
        pytest.skip("pytest-lsp needs Python 3.10 or newer")
    from lsprotocol import types as t

    from lsp_helpers import editor

    uri = (project / "work.py").as_uri()
    async with editor("visual-studio-code", project) as client:
        waiter = client.protocol.wait_for_notification_async(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        client.text_document_did_open(
            t.DidOpenTextDocumentParams(t.TextDocumentItem(uri=uri, language_id="python", version=1, text=SOURCE))
        )
        params = await waiter
        found = sorted((d.range.start.line + 1, d.severity) for d in params.diagnostics)
        assert found == [(HAZARD, t.DiagnosticSeverity.Hint), (WARNING, t.DiagnosticSeverity.Warning)]
