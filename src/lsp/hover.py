"""Hover text: the answer for the pitfalls under the cursor, as Markdown or plain text."""

from __future__ import annotations

import textwrap
from typing import Optional, Sequence

from pitfalls.answer_output import ANSWER_30S, FOLLOW_UP, markdown_body, markdown_escape, sections, text_body
from pitfalls.answers import answer_for
from pitfalls.catalog import BY_CODE
from pitfalls.findings import Finding

def _markdown(finding: Finding, depth: str, url: Optional[str]) -> str:
    rule = BY_CODE[finding.code]
    title = f"[{rule.code}]({url})" if url else rule.code
    out = [f"**{title} {rule.name}**: {markdown_escape(finding.message)}"]
    for name, body in sections(answer_for(finding), rule.explanation, depth):
        if name.startswith(FOLLOW_UP):
            out.append(f"**Follow-up:** *{markdown_escape(name[len(FOLLOW_UP):])}*")
        elif name != ANSWER_30S:  # the title says what it is
            out.append(f"**{name}**")
        out.append(markdown_body(name, body))
    return "\n\n".join(out)


def _plain(finding: Finding, depth: str, url: Optional[str]) -> str:
    rule = BY_CODE[finding.code]
    out = [f"{rule.code} {rule.name}: {finding.message}"]
    for name, body in sections(answer_for(finding), rule.explanation, depth):
        if name != ANSWER_30S:
            out.append(name)
        out.append("\n".join(text_body(name, body, 80, lambda code: textwrap.indent(code.rstrip(), "    "))))
    if url:
        out.append(url)
    return "\n\n".join(out)


def hover_text(findings: Sequence[Finding], depth: str, markdown: bool, urls: dict[str, Optional[str]]) -> str:
    render = _markdown if markdown else _plain
    separator = "\n\n---\n\n" if markdown else "\n\n" + "-" * 40 + "\n\n"
    return separator.join(render(f, depth, urls.get(f.code)) for f in findings)
