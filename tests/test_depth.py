"""`--depth` shows the same parts, in the same order, in every front end: `pitfalls explain` in
text, Markdown and JSON, and the editor's hover (through a real LSP client, `explanationDepth`)."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import cli_runner
from lsp_helpers import SOURCE, editor, units
from pitfalls.answers import answer_for
from pitfalls.cli import cli
from pitfalls.source import check_source

DEPTHS = ("30", "60", "full")
FOLLOW_UPS = len(answer_for(check_source(SOURCE, "shop.py").findings[0]).follow_ups)


def expected(depth: str) -> list[str]:
    """What each depth shows: 30, the 30-second answer, its key points and the fix; 60 adds the
    layer; full adds the follow-ups and the references."""
    return {
        "30": ["answer", "key points", "fix"],
        "60": ["answer", "key points", "layer", "fix"],
        "full": ["answer", "key points", "layer", *["follow-up"] * FOLLOW_UPS, "fix", "references"],
    }[depth]


HEADINGS = {"30-second answer": "answer", "Key points": "key points", "One layer deeper": "layer",
            "Follow-up question": "follow-up", "Fix": "fix", "References": "references"}
JSON_KEYS = {"answer_30s": "answer", "prose_30s": "answer", "example": "answer", "key_points": "key points",
             "answer_60s": "layer", "layer": "layer", "fix": "fix", "fix_prose": "fix", "fix_code": "fix"}


def _explain(tmp_path, depth: str, fmt: str) -> str:
    path = tmp_path / "shop.py"
    path.write_text(SOURCE, encoding="utf-8")
    result = cli_runner().invoke(cli, ["explain", str(path), "--depth", depth, "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def _text_parts(text: str) -> list[str]:
    return [HEADINGS[line] for line in text.splitlines() if line in HEADINGS]


def _markdown_parts(text: str) -> list[str]:
    return ["follow-up" if line.startswith("**Follow-up: ") else HEADINGS[line[4:]]
            for line in text.splitlines() if line.startswith(("### ", "**Follow-up: "))]


def _json_parts(text: str) -> list[str]:
    [record] = json.loads(text)
    parts: list[str] = []
    for key, value in record["answer"].items():
        if key == "follow_ups":
            parts += ["follow-up"] * len(value)
        elif JSON_KEYS[key] not in parts:
            parts.append(JSON_KEYS[key])
    return parts + ["references"] * ("references" in record)


@pytest.mark.parametrize("depth", DEPTHS)
def test_explain_text_markdown_and_json_show_the_same_parts(depth, tmp_path):
    assert FOLLOW_UPS >= 2
    assert _text_parts(_explain(tmp_path, depth, "text")) == expected(depth)
    assert _markdown_parts(_explain(tmp_path, depth, "markdown")) == expected(depth)
    assert _json_parts(_explain(tmp_path, depth, "json")) == expected(depth)


def test_explain_json_carries_only_the_parts_of_its_depth(tmp_path):
    [short] = json.loads(_explain(tmp_path, "30", "json"))
    assert list(short["answer"]) == ["answer_30s", "prose_30s", "example", "key_points", "fix", "fix_prose", "fix_code"]
    assert "references" not in short and "prior_art" not in short
    [full] = json.loads(_explain(tmp_path, "full", "json"))
    assert full["answer"]["key_points"] == short["answer"]["key_points"] and full["prior_art"]
    [default] = json.loads(cli_runner().invoke(cli, ["explain", str(tmp_path / "shop.py"), "--format", "json"]).stdout)
    assert default == full  # `explain` shows everything unless told


def _hover_markdown_parts(text: str, answer_30s: str) -> list[str]:
    title, first, *rest = text.split("\n\n")
    assert title.startswith("**PIT101 ") and first in answer_30s  # the title says what the first part is
    parts = ["answer"]
    for paragraph in rest:
        if paragraph.startswith("**Follow-up:**"):
            parts.append("follow-up")
        elif paragraph.startswith("**") and paragraph.endswith("**"):
            parts.append(HEADINGS[paragraph.strip("*")])
    return parts


def _hover_plain_parts(text: str) -> list[str]:
    return ["answer"] + ["follow-up" if line.startswith("Follow-up: ") else HEADINGS[line]
                         for line in text.splitlines() if line in HEADINGS or line.startswith("Follow-up: ")]


@pytest.mark.skipif(sys.version_info < (3, 10), reason="pytest-lsp needs Python 3.10 or newer")
@pytest.mark.parametrize("markdown", [True, False], ids=["markdown", "plaintext"])
@pytest.mark.asyncio
async def test_hover_shows_the_same_parts_as_explain(markdown, tmp_path):
    from lsprotocol import types as t
    from pytest_lsp import client_capabilities

    capabilities = client_capabilities("visual-studio-code")
    if not markdown:
        capabilities.text_document.hover.content_format = [t.MarkupKind.PlainText]
    [record] = json.loads(_explain(tmp_path, "full", "json"))
    uri = (tmp_path / "shop.py").as_uri()
    for depth in DEPTHS:
        async with editor(capabilities, tmp_path, options={"explanationDepth": depth}) as client:
            client.text_document_did_open(
                t.DidOpenTextDocumentParams(t.TextDocumentItem(uri=uri, language_id="python", version=1, text=SOURCE)))
            encoding = client.init_result.capabilities.position_encoding or "utf-16"
            line = SOURCE.splitlines()[record["line"] - 1]
            position = t.Position(record["line"] - 1, units(line[:record["column"] - 1], encoding))
            hover = await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uri), position))
            text = hover.contents.value
            if markdown:
                assert _hover_markdown_parts(text, record["answer"]["answer_30s"]) == expected(depth)
            else:
                assert _hover_plain_parts(text) == expected(depth)
            assert all(point.split("`")[0] in text for point in record["answer"]["key_points"])


def test_the_servers_depths_are_explains():
    """The server takes the depths from pitfalls.depths, which imports nothing, not from
    answer_output, which it does not load before `initialize` is answered."""
    from pitfalls import answer_output
    from pitfalls_lsp import server

    assert server.DEPTHS == tuple(answer_output.DEPTH_PARTS)
