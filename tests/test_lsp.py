"""The language server end to end: a real LSP client (pytest-lsp) over stdio, with the
capabilities real editors send, against `python -m pitfalls lsp`."""

from __future__ import annotations

import asyncio
import sys

import pytest

if sys.version_info < (3, 10):
    pytest.skip("pytest-lsp needs Python 3.10 or newer", allow_module_level=True)

from lsprotocol import types as t  # noqa: E402
from pytest_lsp import client_capabilities  # noqa: E402

from lsp_helpers import EDITORS, SOURCE, editor, units  # noqa: E402

pytestmark = pytest.mark.asyncio
PUBLISH = t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


async def published(client, uri: str, action=None, timeout: float = 10):
    """Runs `action`, then returns the next diagnostics published for `uri`."""
    first = True
    while True:
        waiter = client.protocol.wait_for_notification_async(PUBLISH)
        if first and action is not None:
            action()
        first = False
        params = await asyncio.wait_for(waiter, timeout)
        if params.uri == uri:
            return params


def open_doc(client, uri: str, text: str, version: int = 1):
    return lambda: client.text_document_did_open(
        t.DidOpenTextDocumentParams(t.TextDocumentItem(uri=uri, language_id="python", version=version, text=text))
    )


def change(client, uri: str, version: int, start, end, text: str):
    return lambda: client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [t.TextDocumentContentChangePartial(range=t.Range(t.Position(*start), t.Position(*end)), text=text)],
        )
    )


async def edit_of(client, action: t.CodeAction) -> t.WorkspaceEdit:
    """The action's edit; VS Code and Neovim ask for a fix's edit (codeAction/resolve) only when
    it is chosen, and the server leaves it out of the list for them."""
    if action.edit is None:
        assert action.data is not None
        action = await client.code_action_resolve_async(action)
    return action.edit


def apply(text: str, edit: t.TextEdit, encoding: str) -> str:
    """Applies a TextEdit the way an editor does, counting in the negotiated encoding."""
    lines = text.split("\n")

    def offset(position: t.Position) -> int:
        line = lines[position.line]
        count, index = 0, 0
        while index < len(line) and count < position.character:
            count += units(line[index], encoding)
            index += 1
        return sum(len(x) + 1 for x in lines[: position.line]) + index

    return text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]


@pytest.mark.parametrize("spec", EDITORS)
async def test_diagnostics_underline_the_hit_in_the_negotiated_encoding(spec, tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    async with editor(spec, tmp_path) as client:
        encoding = client.init_result.capabilities.position_encoding or "utf-16"
        params = await published(client, uri, open_doc(client, uri, SOURCE))
        assert params.version == 1
        [diagnostic] = params.diagnostics
        line = SOURCE.splitlines()[0]
        start = units(line[: line.index("[]")], encoding)
        assert diagnostic.range == t.Range(t.Position(0, start), t.Position(0, start + 2))
        assert (diagnostic.code, diagnostic.source) == ("PIT101", "pitfalls")
        assert diagnostic.severity == t.DiagnosticSeverity.Error  # the default is mutated
        assert "'bucket'" in diagnostic.message and "'add'" in diagnostic.message
        if spec == "emacs":  # eglot declares no relatedInformation: it gets none (test_lsp_clients.py)
            assert diagnostic.related_information is None
        else:
            [related] = diagnostic.related_information
            assert related.location.range.start == t.Position(1, 4)
            assert "mutates" in related.message
        assert diagnostic.code_description is None  # no docs URL configured


async def test_a_read_only_default_is_sent_as_a_hint(tmp_path):
    """A hazard (the default is only read): not in the problems list, but the editor still greys it."""
    uri = (tmp_path / "hint.py").as_uri()
    text = "def total(values=[]):\n    return sum(values)\n\n\ndef add(x, bucket=[]):\n    bucket.append(x)\n"
    async with editor("visual-studio-code", tmp_path) as client:
        params = await published(client, uri, open_doc(client, uri, text))
        found = sorted((d.range.start.line, d.code, d.severity) for d in params.diagnostics)
        assert found == [(0, "PIT101", t.DiagnosticSeverity.Hint), (4, "PIT101", t.DiagnosticSeverity.Error)]


async def test_encodings_differ_where_they_should(tmp_path):
    """The three editors negotiate three encodings; the emoji makes the columns differ."""
    seen = {}
    for spec in ("visual-studio-code", "neovim@v0.11.0", "emacs"):
        async with editor(spec, tmp_path) as client:
            uri = (tmp_path / "shop.py").as_uri()
            params = await published(client, uri, open_doc(client, uri, SOURCE))
            seen[client.init_result.capabilities.position_encoding] = params.diagnostics[0].range.start.character
    assert seen == {"utf-16": 33, "utf-8": 36, "utf-32": 32}


async def test_an_edit_clears_the_hit_and_another_restores_it(tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    async with editor("visual-studio-code", tmp_path) as client:
        first = await published(client, uri, open_doc(client, uri, SOURCE))
        assert [d.code for d in first.diagnostics] == ["PIT101"]
        start = first.diagnostics[0].range.start.character
        cleared = await published(client, uri, change(client, uri, 2, (0, start), (0, start + 2), "None"))
        assert (cleared.version, list(cleared.diagnostics)) == (2, [])
        back = await published(client, uri, change(client, uri, 3, (0, start), (0, start + 4), "{}"))
        assert back.version == 3
        assert [d.code for d in back.diagnostics] == ["PIT101"]
        assert "{}" in back.diagnostics[0].message


async def test_a_burst_of_changes_ends_with_the_newest_version(tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    async with editor("visual-studio-code", tmp_path) as client:
        await published(client, uri, open_doc(client, uri, SOURCE))
        for version in range(2, 40):  # type a comment one character at a time, no waiting
            change(client, uri, version, (2, 17 + version), (2, 17 + version), "#" if version == 2 else "x")()
        params = await published(client, uri, change(client, uri, 40, (0, 0), (0, 0), "# top\n"))
        while params.version != 40:
            assert params.version < 40
            params = await published(client, uri)
        assert [d.range.start.line for d in params.diagnostics] == [1]  # the hit moved down a line
        with pytest.raises(asyncio.TimeoutError):  # and nothing older arrives after the newest
            await published(client, uri, timeout=0.5)


async def test_close_clears_and_save_republishes(tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    async with editor("neovim@v0.9.1", tmp_path) as client:
        await published(client, uri, open_doc(client, uri, SOURCE))
        saved = await published(
            client, uri, lambda: client.text_document_did_save(t.DidSaveTextDocumentParams(t.TextDocumentIdentifier(uri)))
        )
        assert [d.code for d in saved.diagnostics] == ["PIT101"]
        closed = await published(
            client, uri, lambda: client.text_document_did_close(t.DidCloseTextDocumentParams(t.TextDocumentIdentifier(uri)))
        )
        assert closed.diagnostics == ()


@pytest.mark.parametrize("spec", ["visual-studio-code", "neovim@v0.11.0"])
async def test_hover_gives_the_answer_about_this_code(spec, tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    async with editor(spec, tmp_path) as client:
        params = await published(client, uri, open_doc(client, uri, SOURCE))
        hit = params.diagnostics[0].range
        hover = await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uri), hit.start))
        assert hover.range == hit
        assert hover.contents.kind == t.MarkupKind.Markdown
        text = hover.contents.value
        assert text.startswith("**PIT101 mutable-default-argument**")
        assert "`bucket=[]`" in text and "`def add`" in text and "bucket.append(item)" in text
        assert "Follow-up" not in text and "One layer deeper" not in text  # depth 30, as `explain --depth 30`
        assert "**Fix**" in text and "if bucket is None:" in text
        assert "```python" in text
        outside = await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uri), t.Position(2, 4)))
        assert outside is None


async def test_hover_depth_plain_text_and_docs_links(tmp_path):
    plain = client_capabilities("visual-studio-code")
    plain.text_document.hover.content_format = [t.MarkupKind.PlainText]
    options = {"explanationDepth": "60", "docsUrl": "https://pitfalls.example/rules/{code}.html"}
    uri = (tmp_path / "shop.py").as_uri()
    async with editor(plain, tmp_path, options=options) as client:
        params = await published(client, uri, open_doc(client, uri, SOURCE))
        diagnostic = params.diagnostics[0]
        assert diagnostic.code_description.href == "https://pitfalls.example/rules/PIT101.html"
        hover = await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uri), diagnostic.range.end))
        assert hover.contents.kind == t.MarkupKind.PlainText
        text = hover.contents.value
        assert "**" not in text and "```" not in text
        assert "One layer deeper" in text and "Follow-up" not in text  # depth 60, as `explain --depth 60`
        assert text.rstrip().endswith("https://pitfalls.example/rules/PIT101.html")


@pytest.mark.parametrize("spec", ["visual-studio-code", "neovim@v0.9.1"])
async def test_ignore_action_adds_noqa_and_the_hit_goes(spec, tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    async with editor(spec, tmp_path) as client:
        encoding = client.init_result.capabilities.position_encoding or "utf-16"
        params = await published(client, uri, open_doc(client, uri, SOURCE))
        diagnostic = params.diagnostics[0]
        actions = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), diagnostic.range, t.CodeActionContext([diagnostic]))
        )
        [action] = [a for a in actions if a.title == "Ignore PIT101 on this line"]
        assert action.kind == t.CodeActionKind.QuickFix
        if spec.startswith("visual-studio-code"):  # it takes documentChanges: the edit names the version
            [document_edit] = action.edit.document_changes
            assert document_edit.text_document.version == 1
            [edit] = document_edit.edits
        else:
            [edit] = action.edit.changes[uri]
        fixed = apply(SOURCE, edit, encoding)
        assert fixed.splitlines()[0] == 'def add(item, note="é😀", bucket=[]):  # noqa: PIT101'
        cleared = await published(
            client, uri, lambda: client.text_document_did_change(t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(uri=uri, version=2), [t.TextDocumentContentChangeWholeDocument(fixed)]))
        )
        assert cleared.diagnostics == ()


async def test_ignore_action_extends_an_existing_noqa_and_moves_past_a_string(tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    text = (
        "def add(item, bucket=[]):  # noqa: E501\n"
        "    bucket.append(item)\n"
        "def log(lines=['''first\n    second''']):\n"
        "    lines.append(1)\n"
    )
    async with editor("visual-studio-code", tmp_path) as client:
        params = await published(client, uri, open_doc(client, uri, text))
        first, second = params.diagnostics
        actions = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), first.range, t.CodeActionContext([first]))
        )
        [ignore] = [a for a in actions if a.title.startswith("Ignore")]
        [edit] = ignore.edit.document_changes[0].edits
        assert apply(text, edit, "utf-16").splitlines()[0] == "def add(item, bucket=[]):  # noqa: E501, PIT101"
        assert second.range.start.line == 2
        actions = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), second.range, t.CodeActionContext([second]))
        )
        # A comment there would land in the string: it goes on the string's last line, which the
        # reader (and flake8) count for the whole string, and the diagnostic goes away.
        [ignore] = [a for a in actions if a.title.startswith("Ignore")]
        [edit] = ignore.edit.document_changes[0].edits
        ignored = apply(text, edit, "utf-16")
        assert ignored.splitlines()[3] == "    second''']):  # noqa: PIT101"
        params = await published(client, uri, lambda: client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [t.TextDocumentContentChangeWholeDocument(text=ignored)])))
        assert [d.range.start.line for d in params.diagnostics] == [0]
        # Asking only for fix-all (as on save) gives no ignore actions; PIT101's fix is unsafe, so
        # fix-all has nothing to do.
        only = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), first.range, t.CodeActionContext([], only=["source.fixAll"]))
        )
        assert only == ()


async def test_pyproject_config_governs_each_file(tmp_path):
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.pitfalls]\nper-file-ignores = {"tests/*" = ["PIT101"]}\n', encoding="utf-8"
    )
    kept, ignored = (project / "app.py").as_uri(), (project / "tests" / "test_app.py").as_uri()
    async with editor("visual-studio-code", tmp_path) as client:
        assert [d.code for d in (await published(client, kept, open_doc(client, kept, SOURCE))).diagnostics] == ["PIT101"]
        assert (await published(client, ignored, open_doc(client, ignored, SOURCE))).diagnostics == ()


async def test_settings_change_republishes_open_documents(tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    async with editor("visual-studio-code", tmp_path, options={"ignore": ["PIT101"]}) as client:
        assert (await published(client, uri, open_doc(client, uri, SOURCE))).diagnostics == ()
        again = await published(
            client, uri, lambda: client.workspace_did_change_configuration(
                t.DidChangeConfigurationParams(settings={"pitfalls": {"select": ["PIT1"]}}))
        )
        assert [d.code for d in again.diagnostics] == ["PIT101"]
        bad = await published(
            client, uri, lambda: client.workspace_did_change_configuration(
                t.DidChangeConfigurationParams(settings={"pitfalls": {"select": ["XYZ"], "explanationDepth": 45}}))
        )
        assert [d.code for d in bad.diagnostics] == ["PIT101"]  # bad values fall back to the defaults
        shown = " ".join(m.message for m in client.messages)
        assert "'XYZ' matches no rule" in shown and "explanationDepth" in shown


async def test_settings_are_pulled_when_the_client_sends_none(tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    async with editor("neovim@v0.9.1", tmp_path, configuration={"ignore": ["PIT1"]}) as client:
        assert [d.code for d in (await published(client, uri, open_doc(client, uri, SOURCE))).diagnostics] == ["PIT101"]
        again = await published(
            client, uri, lambda: client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
        )
        assert again.diagnostics == ()


async def test_pull_diagnostics_when_the_client_can_be_told_to_pull_again(tmp_path):
    capabilities = client_capabilities("visual-studio-code")
    capabilities.text_document.diagnostic = t.DiagnosticClientCapabilities(dynamic_registration=False)
    capabilities.workspace.diagnostics = t.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    uri = (tmp_path / "shop.py").as_uri()
    async with editor(capabilities, tmp_path) as client:
        assert client.init_result.capabilities.diagnostic_provider is not None
        open_doc(client, uri, SOURCE)()
        report = await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(t.TextDocumentIdentifier(uri)))
        assert [d.code for d in report.items] == ["PIT101"]
        same = await client.text_document_diagnostic_async(
            t.DocumentDiagnosticParams(t.TextDocumentIdentifier(uri), previous_result_id=report.result_id)
        )
        assert same.kind == "unchanged"
        client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings={"ignore": ["PIT101"]}))
        for _ in range(100):
            if client.diagnostic_refresh_count:
                break
            await asyncio.sleep(0.05)
        assert client.diagnostic_refresh_count >= 1
        report = await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(t.TextDocumentIdentifier(uri)))
        assert list(report.items) == []
        assert uri not in client.diagnostics  # pull only: nothing was pushed as well


async def test_a_push_client_is_not_offered_pull(tmp_path):
    async with editor("neovim@v0.11.0", tmp_path) as client:  # pulls, but cannot be told to pull again
        assert client.init_result.capabilities.diagnostic_provider is None


async def test_incremental_edits_below_a_form_feed_land_on_the_right_line(tmp_path):
    """Python and LSP count \\f as part of a line; str.splitlines (pygls' default) breaks there."""
    uri = (tmp_path / "paged.py").as_uri()
    text = "import os\x0c\n\x0c\n" + SOURCE
    async with editor("visual-studio-code", tmp_path) as client:
        params = await published(client, uri, open_doc(client, uri, text))
        hit = params.diagnostics[0].range
        assert hit.start.line == 2
        cleared = await published(client, uri, change(client, uri, 2, (2, hit.start.character), (2, hit.end.character), "None"))
        assert cleared.diagnostics == ()
        hover = await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uri), hit.start))
        assert hover is None


async def test_the_rules_quick_fix_and_fix_all(tmp_path):
    uri = (tmp_path / "grid.py").as_uri()
    text = "def board(n):\n    grid = [[0] * n] * n  # rows\n    grid[0][0] = 1\n    return grid\n"
    async with editor("visual-studio-code", tmp_path) as client:
        [diagnostic] = (await published(client, uri, open_doc(client, uri, text))).diagnostics
        assert diagnostic.data["fixable"] is True and diagnostic.data["fixSafety"] == "safe"
        actions = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), diagnostic.range, t.CodeActionContext([diagnostic]))
        )
        fix = actions[0]
        assert (fix.title, fix.kind, fix.is_preferred) == (
            "Fix PIT602: list multiplication shares rows", t.CodeActionKind.QuickFix, True)
        [document_edit] = (await edit_of(client, fix)).document_changes
        assert document_edit.text_document.version == 1
        fixed = apply(text, document_edit.edits[0], "utf-16")
        assert fixed.splitlines()[1] == "    grid = [[0] * n for _ in range(n)]  # rows"
        [fix_all] = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), t.Range(t.Position(0, 0), t.Position(0, 0)),
                               t.CodeActionContext([], only=["source.fixAll"]))
        )
        assert fix_all.kind == "source.fixAll.pitfalls"
        assert apply(text, (await edit_of(client, fix_all)).document_changes[0].edits[0], "utf-16") == fixed
        cleared = await published(
            client, uri, lambda: client.text_document_did_change(t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(uri=uri, version=2), [t.TextDocumentContentChangeWholeDocument(fixed)]))
        )
        assert cleared.diagnostics == ()


async def test_the_mutability_example_gives_the_same_hits_as_the_command_line(tmp_path):
    """PIT102-PIT106 through the editor: the CLI's hits on examples/references.py, each at the same
    place, and PIT105's safe fix as a quick fix."""
    import json
    from pathlib import Path

    from conftest import cli_runner
    from pitfalls.cli import cli

    example = Path(__file__).parent.parent / "examples" / "references.py"
    text = example.read_text(encoding="utf-8")
    cli_hits = json.loads(cli_runner().invoke(cli, ["check", "--isolated", "--format", "json", str(example)]).stdout)
    wanted = {(f["code"], f["line"] - 1, f["column"] - 1) for f in cli_hits}
    assert {code for code, _, _ in wanted} == {"PIT102", "PIT103", "PIT104", "PIT105", "PIT106"}
    uri = (tmp_path / "references.py").as_uri()
    async with editor("visual-studio-code", tmp_path) as client:
        diagnostics = (await published(client, uri, open_doc(client, uri, text))).diagnostics
        assert {(d.code, d.range.start.line, d.range.start.character) for d in diagnostics} == wanted
        [tuple_test] = [d for d in diagnostics if d.code == "PIT105"]
        actions = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), tuple_test.range, t.CodeActionContext([tuple_test]))
        )
        fixed = apply(text, (await edit_of(client, actions[0])).document_changes[0].edits[0], "utf-16")
        assert '    return method in ("GET",)' in fixed.splitlines()


async def test_the_generators_example_gives_the_same_hits_as_the_command_line(tmp_path):
    """Issue 17's rules through the editor: the CLI's hits on examples/generators_and_memory.py,
    and PIT401's safe fix as a quick fix that adds `@functools.wraps(fn)`."""
    import json
    from pathlib import Path

    from conftest import cli_runner
    from pitfalls.cli import cli

    example = Path(__file__).parent.parent / "examples" / "generators_and_memory.py"
    text = example.read_text(encoding="utf-8")
    cli_hits = json.loads(cli_runner().invoke(cli, ["check", "--isolated", "--format", "json", str(example)]).stdout)
    wanted = {(f["code"], f["line"] - 1, f["column"] - 1) for f in cli_hits}
    assert {code for code, _, _ in wanted} == {"PIT401", "PIT501", "PIT502", "PIT503", "PIT701", "PIT702"}
    uri = (tmp_path / "generators_and_memory.py").as_uri()
    async with editor("visual-studio-code", tmp_path) as client:
        diagnostics = (await published(client, uri, open_doc(client, uri, text))).diagnostics
        assert {(d.code, d.range.start.line, d.range.start.character) for d in diagnostics} == wanted
        [wrapper] = [d for d in diagnostics if d.code == "PIT401"]
        assert (wrapper.range.start.line, wrapper.range.end.character - wrapper.range.start.character) == (7, 7)
        actions = await client.text_document_code_action_async(
            t.CodeActionParams(t.TextDocumentIdentifier(uri), wrapper.range, t.CodeActionContext([wrapper]))
        )
        fix = actions[0]
        assert "PIT401" in fix.title
        edits = (await edit_of(client, fix)).document_changes[0].edits
        fixed = text
        for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            fixed = apply(fixed, edit, "utf-16")
        assert "    @functools.wraps(fn)\n    def wrapper(*args, **kwargs):" in fixed
