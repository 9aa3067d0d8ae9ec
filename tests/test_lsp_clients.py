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


async def test_a_resolving_client_gets_a_fix_edit_only_when_it_asks(tmp_path):
    """VS Code and Neovim declare codeAction.resolveSupport for `edit`: listing the actions runs
    no fixer (the first fix imports libcst); codeAction/resolve makes the edit."""
    uri = (tmp_path / "shop.py").as_uri()
    async with editor("visual-studio-code", tmp_path) as client:
        [diagnostic] = (await published(client, uri, open_doc(client, uri, SOURCE))).diagnostics
        fix, ignore = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), diagnostic.range, t.CodeActionContext([diagnostic]))
        )
        assert fix.title == "Fix PIT101: mutable default argument (unsafe)" and fix.edit is None and fix.data
        assert ignore.edit is not None  # cheap: never deferred
        resolved = await client.code_action_resolve_async(fix)
        [document_edit] = resolved.edit.document_changes
        assert document_edit.text_document.version == 1
        fixed = SOURCE
        for edit in reversed(document_edit.edits):
            fixed = apply(fixed, edit, "utf-16")
        assert "if bucket is None:" in fixed and "bucket=None" in fixed


async def test_a_client_without_resolve_support_gets_the_edit_inline(tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    async with editor("emacs", tmp_path) as client:
        [diagnostic] = (await published(client, uri, open_doc(client, uri, SOURCE))).diagnostics
        fix, _ = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), diagnostic.range, t.CodeActionContext([diagnostic]))
        )
        edits = fix.edit.changes[uri] if fix.edit.changes else fix.edit.document_changes[0].edits
        assert fix.data is None and "if bucket is None:" in edits[0].new_text


async def test_a_stale_resolve_gives_no_edit(tmp_path):
    """An action listed for version 1, resolved after the document changed: no edit (never one
    computed for the old text); listed again, it resolves for the new text."""
    uri = (tmp_path / "grid.py").as_uri()
    text = "def board(n):\n    grid = [[0] * n] * n\n    grid[0][0] = 1\n    return grid\n"
    async with editor("visual-studio-code", tmp_path) as client:
        [diagnostic] = (await published(client, uri, open_doc(client, uri, text))).diagnostics
        [fix, _] = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), diagnostic.range, t.CodeActionContext([diagnostic]))
        )
        [fix_all] = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), diagnostic.range, t.CodeActionContext([], only=["source.fixAll"]))
        )
        changed = "# a line above\n" + text
        [moved] = (await published(client, uri, lambda: client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=uri, version=2), [t.TextDocumentContentChangeWholeDocument(changed)])))
        ).diagnostics
        assert moved.range.start.line == 2
        assert (await client.code_action_resolve_async(fix)).edit is None
        assert (await client.code_action_resolve_async(fix_all)).edit is None
        [fresh, _] = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), moved.range, t.CodeActionContext([moved]))
        )
        [document_edit] = (await client.code_action_resolve_async(fresh)).edit.document_changes
        assert document_edit.text_document.version == 2
        fixed = apply(changed, document_edit.edits[0], "utf-16")
        assert fixed.splitlines()[2] == "    grid = [[0] * n for _ in range(n)]"
