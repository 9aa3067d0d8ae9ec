"""What README.md, docs/configuration.md and docs/ci.md tell people to type must work: every
`pitfalls` command line parses, every [tool.pitfalls] table validates, the YAML is valid (the
pre-commit configs by pre-commit's own schema), and the flake8 and ruff snippets do what the
text says when real flake8 and ruff run them."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from pitfalls.cli import cli
from pitfalls.config import parse_table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
COMMAND = re.compile(r"(?:^|[\s`(])(?:python3? -m )?pitfalls ((?:check|fix|explain|rules|lsp)\b[^\n`|>&#]*)")
HIT = "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"


def blocks(path: Path, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(path.read_text(encoding="utf-8")) if lang == language]


def command_lines() -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for _, body in FENCE.findall(path.read_text(encoding="utf-8")):
            for match in COMMAND.finditer(body):
                found.append((path.name, match.group(1).strip()))
    return found


def test_the_docs_show_commands_at_all():
    names = {name for name, _ in command_lines()}
    assert {"README.md", "ci.md", "configuration.md"} <= names


@pytest.mark.parametrize("where, line", command_lines())
def test_every_documented_command_line_parses(where, line):
    args = shlex.split(line)
    command = cli.get_command(None, args[0])  # type: ignore[arg-type]
    assert command is not None, (where, line)
    try:
        command.make_context(args[0], args[1:])  # raises on an unknown option or a bad choice
    except click.exceptions.Exit as done:  # --help, --version
        assert done.exit_code == 0


def test_every_documented_pitfalls_table_validates():
    tables = 0
    for path in DOCS:
        for body in blocks(path, "toml"):
            data = tomllib.loads(body)
            if "pitfalls" in data.get("tool", {}):
                parse_table(data["tool"]["pitfalls"], ROOT / "pyproject.toml")
                tables += 1
    assert tables >= 2


def test_ci_yaml_is_valid_and_pre_commit_configs_pass_pre_commits_schema(tmp_path):
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit, in the [test] extra")
    clientlib = pytest.importorskip("pre_commit.clientlib", reason="pre-commit is in the [test] extra")
    documents = [yaml.safe_load(body) for body in blocks(ROOT / "docs" / "ci.md", "yaml")]
    pre_commit = [d for d in documents if "repos" in d]
    workflows = [d for d in documents if "jobs" in d]
    gitlab = [d for d in documents if "pitfalls" in d and "script" in d["pitfalls"]]
    assert len(pre_commit) == 2 and len(workflows) == 2 and len(gitlab) == 1
    for number, body in enumerate(b for b in blocks(ROOT / "docs" / "ci.md", "yaml") if "repos:" in b):
        config = tmp_path / f"config{number}.yaml"
        config.write_text(body, encoding="utf-8")
        clientlib.load_config(str(config))  # pre-commit's own validation; raises when invalid
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["pitfalls-check", "pitfalls-fix"]
    manifest = tmp_path / "hooks.yaml"
    manifest.write_text((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    clientlib.load_manifest(str(manifest))
    # The GitLab job writes the report where its artifact says it is.
    job = gitlab[0]["pitfalls"]
    assert f"--output-file {job['artifacts']['reports']['codequality']}" in " ".join(job["script"])
    upload = workflows[1]["jobs"]["scan"]["steps"][-1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert f"--output-file {upload['with']['sarif_file']}" in workflows[1]["jobs"]["scan"]["steps"][-2]["run"]


def test_the_documented_flake8_config_is_what_flake8_applies(tmp_path):
    (ini,) = [body for body in blocks(ROOT / "docs" / "ci.md", "ini") if "[flake8]" in body]
    (tmp_path / ".flake8").write_text(ini, encoding="utf-8")
    for name in ("app.py", "tests/test_app.py", "migrations/m.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(HIT, encoding="utf-8")
    # flake8 does not read pyproject.toml: a [tool.pitfalls] there changes nothing.
    (tmp_path / "pyproject.toml").write_text('[tool.pitfalls]\nignore = ["PIT"]\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "PIT", "."], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.stdout.splitlines() == [
        "./app.py:1:22: PIT101 Default [] of 'bucket' is created once and shared by every call of 'add'"
    ], result.stdout + result.stderr


def ruff_fix(tmp_path: Path, table: str, *rules: str) -> str:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is in the [test] extra; not installed here")
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    code = tmp_path / "a.py"
    code.write_text("def add(item, bucket=None):  # noqa: PIT101\n    return bucket\n", encoding="utf-8")
    select = ["--extend-select", ",".join(rules)] if rules else []
    subprocess.run([ruff, "check", "--no-cache", "--fix", *select, "a.py"], cwd=tmp_path, capture_output=True, text=True)
    return code.read_text(encoding="utf-8").splitlines()[0]


def test_ruff_with_ruf102_deletes_pit_noqa_comments_unless_pit_is_external(tmp_path):
    (documented,) = [body for body in blocks(ROOT / "docs" / "configuration.md", "toml") if "tool.ruff" in body]
    kept, deleted = "def add(item, bucket=None):  # noqa: PIT101", "def add(item, bucket=None):"
    assert ruff_fix(tmp_path, "", "RUF102") == deleted
    assert ruff_fix(tmp_path, "", "RUF") == deleted
    assert ruff_fix(tmp_path, documented, "RUF100", "RUF102") == kept
    assert ruff_fix(tmp_path, "") == kept  # ruff's default rules
    assert ruff_fix(tmp_path, "", "RUF100") == kept
