"""The server honours what each client declared: diagnostic fields it asked for, settings it
sends (or does not), and lazily resolved code actions. A real LSP client (pytest-lsp) over stdio."""

from __future__ import annotations

import sys

import pytest

if sys.version_info < (3, 10):
    pytest.skip("pytest-lsp needs Python 3.10 or newer", allow_module_level=True)

from lsprotocol import types as t  # noqa: E402
from pytest_lsp import client_capabilities  # noqa: E402

from lsp_helpers import SOURCE, editor  # noqa: E402
from test_lsp import apply, open_doc, published  # noqa: E402

pytestmark = pytest.mark.asyncio
DOCS = {"docsUrl": "https://pitfalls.example/rules/{code}.html"}


def declared(spec: str, name: str) -> bool:
    return bool(getattr(client_capabilities(spec).text_document.publish_diagnostics, name))


@pytest.mark.parametrize("spec", ["emacs", "neovim@v0.9.1", "visual-studio-code"])
async def test_a_diagnostic_carries_only_the_fields_the_client_declared(spec, tmp_path):
    """eglot (Emacs 29.1) declares neither `dataSupport` nor `relatedInformation` nor
    `codeDescriptionSupport`; a strict client drops a diagnostic carrying any of them."""
    uri = (tmp_path / "shop.py").as_uri()
    async with editor(spec, tmp_path, options=DOCS) as client:
        [diagnostic] = (await published(client, uri, open_doc(client, uri, SOURCE))).diagnostics
        assert (diagnostic.data is not None) == declared(spec, "data_support")
        assert (diagnostic.related_information is not None) == declared(spec, "related_information")
        assert (diagnostic.code_description is not None) == declared(spec, "code_description_support")
        # The actions need nothing from `data`: the server finds the finding in its own state.
        actions = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), diagnostic.range, t.CodeActionContext([diagnostic]))
        )
        titles = [a.title for a in actions]
        assert titles == ["Fix PIT101: mutable default argument (unsafe)", "Ignore PIT101 on this line"]
    assert declared("emacs", "data_support") is False and declared("visual-studio-code", "data_support") is True


async def explained_at_depth_60(client, uri) -> bool:
    hover = await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uri), t.Position(0, 34)))
    return "One layer deeper" in hover.contents.value


@pytest.mark.parametrize("sent", [None, {}, {"pitfalls": {}}])
@pytest.mark.parametrize("answer", [None, {}])
async def test_initialization_options_outlive_a_client_that_has_no_settings(sent, answer, tmp_path):
    """eglot sends `{}` in didChangeConfiguration and answers workspace/configuration with null
    when nothing is configured: the initializationOptions stay."""
    uri = (tmp_path / "shop.py").as_uri()
    async with editor("emacs", tmp_path, options={"explanationDepth": "60"}, configuration=answer) as client:
        await published(client, uri, open_doc(client, uri, SOURCE))
        assert await explained_at_depth_60(client, uri)
        await published(client, uri, lambda: client.workspace_did_change_configuration(
            t.DidChangeConfigurationParams(settings=sent)))
        assert await explained_at_depth_60(client, uri)


async def test_real_settings_replace_the_initialization_options(tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    options = {"explanationDepth": "60", "ignore": ["PIT101"]}
    async with editor("emacs", tmp_path, options=options, configuration={"explanationDepth": "30"}) as client:
        assert (await published(client, uri, open_doc(client, uri, SOURCE))).diagnostics == ()
        again = await published(client, uri, lambda: client.workspace_did_change_configuration(
            t.DidChangeConfigurationParams(settings={})))
        assert [d.code for d in again.diagnostics] == ["PIT101"]  # the answer replaced both options
        assert not await explained_at_depth_60(client, uri)
