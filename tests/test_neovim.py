"""docs/editors.md's Neovim 0.7-0.10 set-up, run in a real headless Neovim when one is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).parent.parent / "docs" / "editors.md"
NVIM = shutil.which("nvim")

CHECK = r"""
vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, string.format('%d:%d-%d:%d %s %s', d.lnum, d.col, d.end_lnum, d.end_col, d.source or '', d.message))
end
local where = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 0, character = 33 } }
for _, r in pairs(vim.lsp.buf_request_sync(0, 'textDocument/hover', where, 10000) or {}) do
  if r.result then table.insert(out, 'HOVER ' .. vim.split(r.result.contents.value, '\n')[1]) end
end
local range = { start = { line = 0, character = 33 }, ['end'] = { line = 0, character = 35 } }
local asked = { textDocument = where.textDocument, range = range, context = { diagnostics = {} } }
for _, r in pairs(vim.lsp.buf_request_sync(0, 'textDocument/codeAction', asked, 10000) or {}) do
  for _, a in ipairs(r.result or {}) do table.insert(out, 'ACTION ' .. a.title) end
end
vim.fn.writefile(out, vim.env.PITFALLS_NVIM_OUT)
vim.cmd('qa!')
"""


def neovim_block() -> str:
    text = DOCS.read_text(encoding="utf-8")
    after = text.split("tests/test_neovim.py runs this block", 1)[1]
    return re.search(r"```lua\n(.*?)```", after, re.S).group(1)


@pytest.mark.skipif(NVIM is None, reason="Neovim is not installed (Debian: apt-get install neovim)")
def test_the_documented_neovim_setup_shows_diagnostics_hover_and_actions(tmp_path):
    (tmp_path / "init.lua").write_text(neovim_block(), encoding="utf-8")
    (tmp_path / "check.lua").write_text(CHECK, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.pitfalls]\nignore = ["PIT8"]\n', encoding="utf-8")
    (project / "shop.py").write_text(
        'def add(item, note="é😀", bucket=[]):\n    bucket.append(item)\n    return bucket\n', encoding="utf-8"
    )
    env = dict(os.environ, PITFALLS_NVIM_OUT=str(tmp_path / "out.txt"), XDG_CONFIG_HOME=str(tmp_path / "xdg"),
               XDG_STATE_HOME=str(tmp_path / "xdg"), XDG_DATA_HOME=str(tmp_path / "xdg"))
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])  # the venv's `pitfalls`
    subprocess.run(
        [NVIM, "--headless", "-n", "-u", str(tmp_path / "init.lua"), "shop.py", "-c", f"luafile {tmp_path / 'check.lua'}"],
        cwd=project, env=env, timeout=60, check=True, stdin=subprocess.DEVNULL, capture_output=True,
    )
    lines = (tmp_path / "out.txt").read_text(encoding="utf-8").splitlines()
    # The server speaks UTF-16 to Neovim 0.7, which shows byte columns: é is 2 bytes, 😀 is 4.
    assert lines[0] == "0:36-0:38 pitfalls Default [] of 'bucket' is created once and shared by every call of 'add'"
    assert lines[1].startswith("HOVER **PIT101 mutable-default-argument**")
    assert "ACTION Ignore PIT101 on this line" in lines
