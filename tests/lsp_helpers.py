"""Starting the real server (`python -m pitfalls lsp`) for the end-to-end tests."""

from __future__ import annotations

import contextlib
import sys
from typing import Any, Optional

SERVER = [sys.executable, "-m", "pitfalls", "lsp"]

# Real editors' capabilities, as recorded by pytest-lsp.
EDITORS = ["visual-studio-code", "neovim@v0.9.1", "neovim@v0.11.0", "emacs"]

SOURCE = 'def add(item, note="é😀", bucket=[]):\n    bucket.append(item)\n    return bucket\n'


def units(text: str, encoding: str) -> int:
    """Length of `text` in the code units of an LSP position encoding."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


@contextlib.asynccontextmanager
async def editor(
    capabilities: Any,
    root: Any,
    options: Optional[dict] = None,
    configuration: Optional[dict] = None,
):
    """A pytest-lsp client connected to a fresh server over stdio, initialised like `capabilities`."""
    from lsprotocol import types as t
    from pytest_lsp import ClientServerConfig, client_capabilities

    if isinstance(capabilities, str):
        capabilities = client_capabilities(capabilities)
    client = await ClientServerConfig(server_command=SERVER).start()
    if configuration is not None:
        client.set_configuration(configuration, section="pitfalls")
    client.init_result = await client.initialize_session(
        t.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[t.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options,
        )
    )
    try:
        yield client
    except BaseException:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()  # a failed test must not wait for a server that was not told to exit
        raise
    else:
        await client.shutdown_session()  # shutdown, exit, and wait for the process
        assert client._server.returncode == 0
    finally:
        await client.stop()
