"""The pre-commit hooks of .pre-commit-hooks.yaml, run by real pre-commit (`try-repo`) on a git
repository holding the shop example: it installs pitfalls from this checkout, as a user's
pre-commit would from our repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="try-repo needs this checkout to be a git repository"),
]


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                    *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    pytest.importorskip("pre_commit", reason="pre-commit is in the [test] extra")
    repo = tmp_path_factory.mktemp("repo") / "shop"
    shutil.copytree(ROOT / "examples" / "shop", repo)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "shop", cwd=repo)
    return repo


def try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PITFALLS_CACHE_DIR", None)  # the hook keeps its cache in the project, as for a user
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_check_and_fix_hooks_through_pre_commit_try_repo(repo, tmp_path_factory):
    home = tmp_path_factory.mktemp("pre-commit-home")
    result = try_repo(repo, "pitfalls-check", home)
    assert result.returncode == 1, result.stdout + result.stderr
    hits = sorted(line.split(": ")[0] + " " + line.split(": ")[1].split()[0]
                  for line in result.stdout.splitlines() if ": PIT" in line)
    # Every file is named to the hook; the project's exclude and per-file-ignores still hold.
    assert hits == ["src/shop/cart.py:15:35 PIT101", "src/shop/cart.py:5:5 PIT301", "src/shop/stock.py:12:14 PIT603",
                    "src/shop/stock.py:5:14 PIT602", "tests/test_cart.py:21:16 PIT603"]
    assert "pitfalls check" in result.stdout and "Failed" in result.stdout

    result = try_repo(repo, "pitfalls-fix", home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "files were modified by this hook" in result.stdout
    assert "[[0] * shelves for _ in range(warehouses)]" in (repo / "src" / "shop" / "stock.py").read_text()
    assert "lines=[]" in (repo / "src" / "shop" / "cart.py").read_text()  # unsafe: left alone
    assert "created=[]" in (repo / "migrations" / "0001_initial.py").read_text()  # excluded
    # Every safe fix is in: the hook passes, and lists what is left (the unsafe fix among it).
    result = try_repo(repo, "pitfalls-fix", home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout and "cart.py:15:35: PIT101" not in result.stdout  # output shown only on failure
    assert not any(".pitfalls_cache" in line for line in subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout.splitlines())
