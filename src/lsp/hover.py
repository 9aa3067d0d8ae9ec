"""Hover text: the answer for the pitfalls under the cursor, as Markdown or plain text."""

from __future__ import annotations

import textwrap
from typing import Optional, Sequence

from pitfalls.answer_output import blocks
from pitfalls.answers import answer_for
from pitfalls.catalog import BY_CODE
from pitfalls.explanation import Answer
from pitfalls.findings import Finding


def _sections(answer: Answer, depth: str) -> list[tuple[str, str]]:
    """30: the 30-second answer, the first follow-up and the fix; 60: the 60-second answer
    instead; full: the 60-second answer and every follow-up."""
    sections = [("", answer.answer_30s if depth == "30" else answer.answer_60s)]
    follow_ups = answer.follow_ups if depth == "full" else answer.follow_ups[:1]
    for follow_up in follow_ups:
        sections.append((f"Follow-up: {follow_up.question}", follow_up.answer))
    sections.append(("Fix", answer.fix))
    return sections


def _markdown(finding: Finding, depth: str, url: Optional[str]) -> str:
    rule = BY_CODE[finding.code]
    title = f"[{rule.code}]({url})" if url else rule.code
    out = [f"**{title} {rule.name}**: {finding.message}"]
    for name, body in _sections(answer_for(finding), depth):
        if name:
            out.append(f"**{name}**" if not name.startswith("Follow-up") else f"**Follow-up:** *{name[11:]}*")
        for is_code, text in blocks(body):
            out.append(f"```python\n{text.rstrip()}\n```" if is_code else text)
    return "\n\n".join(out)


def _plain(finding: Finding, depth: str, url: Optional[str]) -> str:
    rule = BY_CODE[finding.code]
    out = [f"{rule.code} {rule.name}: {finding.message}"]
    for name, body in _sections(answer_for(finding), depth):
        if name:
            out.append(name)
        for is_code, text in blocks(body):
            out.append(textwrap.indent(text.rstrip(), "    ") if is_code else textwrap.fill(text, 80))
    if url:
        out.append(url)
    return "\n\n".join(out)


def hover_text(findings: Sequence[Finding], depth: str, markdown: bool, urls: dict[str, Optional[str]]) -> str:
    render = _markdown if markdown else _plain
    separator = "\n\n---\n\n" if markdown else "\n\n" + "-" * 40 + "\n\n"
    return separator.join(render(f, depth, urls.get(f.code)) for f in findings)
