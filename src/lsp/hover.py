"""Hover text: the answer for the pitfalls under the cursor, as Markdown or plain text."""

from __future__ import annotations

import textwrap
from typing import Optional, Sequence

from pitfalls.answer_output import blocks, markdown_escape, sections
from pitfalls.answers import answer_for
from pitfalls.catalog import BY_CODE
from pitfalls.findings import Finding


def _markdown(finding: Finding, depth: str, url: Optional[str]) -> str:
    rule = BY_CODE[finding.code]
    title = f"[{rule.code}]({url})" if url else rule.code
    out = [f"**{title} {rule.name}**: {markdown_escape(finding.message)}"]
    for name, body in sections(answer_for(finding), rule.explanation, depth):
        if name == "References":
            out.append("**References**")
            out.append("\n".join(f"- <{line}>" if line.startswith("https://") else f"- {markdown_escape(line)}"
                                 for line in body.splitlines()))
            continue
        if name.startswith("Follow-up: "):
            out.append(f"**Follow-up:** *{markdown_escape(name[len('Follow-up: '):])}*")
        elif name != "30-second answer":  # the title says what it is
            out.append(f"**{name}**")
        for is_code, text in blocks(body):
            out.append(f"```python\n{text.rstrip()}\n```" if is_code else markdown_escape(text))
    return "\n\n".join(out)


def _plain(finding: Finding, depth: str, url: Optional[str]) -> str:
    rule = BY_CODE[finding.code]
    out = [f"{rule.code} {rule.name}: {finding.message}"]
    for name, body in sections(answer_for(finding), rule.explanation, depth):
        if name != "30-second answer":
            out.append(name)
        if name == "References":
            out.append(body)
            continue
        for is_code, text in blocks(body):
            out.append(textwrap.indent(text.rstrip(), "    ") if is_code else textwrap.fill(text, 80))
    if url:
        out.append(url)
    return "\n\n".join(out)


def hover_text(findings: Sequence[Finding], depth: str, markdown: bool, urls: dict[str, Optional[str]]) -> str:
    render = _markdown if markdown else _plain
    separator = "\n\n---\n\n" if markdown else "\n\n" + "-" * 40 + "\n\n"
    return separator.join(render(f, depth, urls.get(f.code)) for f in findings)
