"""`pitfalls explain` output: an Answer as plain text, terminal text, Markdown or JSON."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Callable, Optional, Sequence

from pitfalls.depths import DEPTH_PARTS
from pitfalls.explanation import Answer, Explanation

ANSWER_30S = "30-second answer"
KEY_POINTS = "Key points"
REFERENCES = "References"
FOLLOW_UP = "Follow-up: "


class Item:
    """One thing to explain: a finding in a file, or a rule on its own example."""

    def __init__(self, title: str, answer: Answer, explanation: Explanation, record: Optional[dict] = None):
        self.title = title
        self.answer = answer
        self.explanation = explanation
        self.record = record  # the check JSON of a finding, when it is one


def sections(answer: Answer, explanation: Explanation, depth: str) -> list[tuple[str, str]]:
    """(heading, body) of each part `depth` shows (DEPTH_PARTS), an empty part left out. A
    follow-up's heading is "Follow-up: " and its question; key points and references are one a line."""
    return [section for part in DEPTH_PARTS[depth] for section in _part(part, answer, explanation)]


def _part(part: str, answer: Answer, explanation: Explanation) -> list[tuple[str, str]]:
    if part == "answer_30s":
        return [(ANSWER_30S, answer.answer_30s)]
    if part == "key_points":
        return [(KEY_POINTS, "\n".join(answer.key_points))] if answer.key_points else []
    if part == "layer":
        return [("One layer deeper", answer.layer)] if answer.layer else []
    if part == "follow_ups":
        return [(FOLLOW_UP + f.question, f.answer) for f in answer.follow_ups]
    if part == "fix":
        return [("Fix", answer.fix)]
    references = [*explanation.references, *(f"prior art: {p}" for p in explanation.prior_art)]
    return [(REFERENCES, "\n".join(references))] if references else []


_MARKDOWN_SPECIAL = re.compile(r"([\\*_\[\]<>#|])")


def markdown_escape(text: str) -> str:
    """Prose for Markdown: `*`, `_` and the other specials escaped outside code spans, so that
    `'__init__'` stays a name and does not turn bold; text in backticks is left as it is."""
    parts = re.split(r"(`+[^`]*`+)", text)
    return "".join(part if part.startswith("`") else _MARKDOWN_SPECIAL.sub(r"\\\1", part) for part in parts)


def blocks(text: str) -> list[tuple[bool, str]]:
    """(is_code, text) blocks: prose paragraphs and indented code."""
    blocks: list[tuple[bool, str]] = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.splitlines()
        is_code = bool(lines) and all(line.startswith("    ") or not line.strip() for line in lines)
        blocks.append((is_code, textwrap.dedent(paragraph) if is_code else " ".join(lines)))
    return blocks


def text_body(name: str, body: str, width: int, code: Callable[[str], str]) -> list[str]:
    """A section's body as plain text lines: key points as a list, references as they are,
    prose wrapped at `width` and code through `code`."""
    if name == REFERENCES:
        return [body]
    if name == KEY_POINTS:
        return [textwrap.fill(point, width, initial_indent="  - ", subsequent_indent="    ") for point in body.splitlines()]
    out: list[str] = []
    for number, (is_code, text) in enumerate(blocks(body)):
        if number:
            out.append("")
        out.append(code(text) if is_code else textwrap.fill(text, width))
    return out


def markdown_body(name: str, body: str) -> str:
    """A section's body as Markdown: key points and references as lists, code fenced."""
    if name == REFERENCES:
        return "\n".join(f"- <{line}>" if line.startswith("https://") else f"- {markdown_escape(line)}"
                         for line in body.splitlines())
    if name == KEY_POINTS:
        return "\n".join(f"- {markdown_escape(point)}" for point in body.splitlines())
    return "\n\n".join(f"```python\n{text.rstrip()}\n```" if is_code else markdown_escape(text)
                       for is_code, text in blocks(body))


def render_text(items: Sequence[Item], depth: str, color: bool) -> str:
    import click

    def heading(text: str) -> str:
        return click.style(text, bold=True) if color else text

    def code(text: str) -> str:
        highlighted = _highlight(text) if color else text
        return textwrap.indent(highlighted.rstrip("\n"), "    ")

    out = []
    for item in items:
        out.append(click.style(item.title, fg="yellow", bold=True) if color else item.title)
        for name, body in sections(item.answer, item.explanation, depth):
            out.append("")
            if name.startswith(FOLLOW_UP):
                question = name[len(FOLLOW_UP):]
                out.append(heading("Follow-up question"))
                out.append(textwrap.fill(click.style(question, italic=True) if color else question, 88,
                                         initial_indent="  > ", subsequent_indent="    "))
            else:
                out.append(heading(name))
            out += text_body(name, body, 88, code)
        out.append("")
    return "\n".join(out)


def _highlight(code: str) -> str:
    try:
        from pygments import highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import PythonLexer
    except ImportError:  # highlighting is a nicety; plain code says the same
        return code
    return highlight(code, PythonLexer(), TerminalFormatter())


def render_markdown(items: Sequence[Item], depth: str) -> str:
    out = []
    for item in items:
        out.append(f"## {markdown_escape(item.title)}\n")
        for name, body in sections(item.answer, item.explanation, depth):
            if name.startswith(FOLLOW_UP):
                out.append(f"**{FOLLOW_UP}{markdown_escape(name[len(FOLLOW_UP):])}**\n")
            else:
                out.append(f"### {name}\n")
            out.append(markdown_body(name, body) + "\n")
    return "\n".join(out)


# The JSON keys of each part (DEPTH_PARTS): DESIGN.md's whole texts, then their prose and code apart.
_JSON_KEYS = {
    "answer_30s": ("answer_30s", "prose_30s", "example"),
    "key_points": ("key_points",),
    "layer": ("answer_60s", "layer"),
    "follow_ups": ("follow_ups",),
    "fix": ("fix", "fix_prose", "fix_code"),
}


def render_json(items: Sequence[Item], depth: str) -> str:
    """Each item's record with the parts `depth` shows, in their order; the rule's references and
    prior art beside the answer at depth full."""
    records = []
    for item in items:
        record = dict(item.record) if item.record else {"title": item.title}
        whole = item.answer.as_dict()
        parts = DEPTH_PARTS[depth]
        record["answer"] = {key: whole[key] for part in parts for key in _JSON_KEYS.get(part, ())}
        if "references" in parts:
            record["references"] = list(item.explanation.references)
            record["prior_art"] = list(item.explanation.prior_art)
        records.append(record)
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
