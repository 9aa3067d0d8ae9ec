"""`pitfalls explain` output: an Answer as plain text, terminal text, Markdown or JSON."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Optional, Sequence

from pitfalls.explanation import Answer, Explanation

DEPTHS = ("30", "60", "full")


class Item:
    """One thing to explain: a finding in a file, or a rule on its own example."""

    def __init__(self, title: str, answer: Answer, explanation: Explanation, record: Optional[dict] = None):
        self.title = title
        self.answer = answer
        self.explanation = explanation
        self.record = record  # the check JSON of a finding, when it is one


KEY_POINTS = "Key points"


def sections(answer: Answer, explanation: Explanation, depth: str,
             key_points: bool = False) -> list[tuple[str, str]]:
    """(heading, body) of what each depth shows, the same in every front end (`explain` in text,
    Markdown and the editor's hover): 30, the 30-second answer and the fix; 60, the one layer
    deeper after it; full, the follow-ups and references too. The 30-second answer always comes
    first on its own, so a reader can stop there. With `key_points` (`explain`, not the hover),
    its key points follow it at every depth, one a line."""
    parts = [("30-second answer", answer.answer_30s)]
    if key_points and answer.key_points:
        parts.append((KEY_POINTS, "\n".join(answer.key_points)))
    if depth in ("60", "full") and answer.layer:
        parts.append(("One layer deeper", answer.layer))
    if depth == "full":
        parts += [(f"Follow-up: {f.question}", f.answer) for f in answer.follow_ups]
    parts.append(("Fix", answer.fix))
    if depth == "full":
        refs = [*explanation.references, *(f"prior art: {p}" for p in explanation.prior_art)]
        if refs:
            parts.append(("References", "\n".join(refs)))
    return parts


def _sections(item: Item, depth: str) -> list[tuple[str, str]]:
    return sections(item.answer, item.explanation, depth, key_points=True)


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
        for name, body in _sections(item, depth):
            out.append("")
            is_follow_up = name.startswith("Follow-up: ")
            out.append(heading(name if not is_follow_up else "Follow-up question"))
            if is_follow_up:
                question = name[len("Follow-up: "):]
                out.append(textwrap.fill(click.style(question, italic=True) if color else question, 88,
                                         initial_indent="  > ", subsequent_indent="    "))
            if name == "References":
                out.append(body)
                continue
            if name == KEY_POINTS:
                out += [textwrap.fill(point, 88, initial_indent="  - ", subsequent_indent="    ")
                        for point in body.splitlines()]
                continue
            for number, (is_code, text) in enumerate(blocks(body)):
                if number:
                    out.append("")
                out.append(code(text) if is_code else textwrap.fill(text, 88))
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
        for name, body in _sections(item, depth):
            if name.startswith("Follow-up: "):
                out.append(f"**Follow-up: {markdown_escape(name[len('Follow-up: '):])}**\n")
            else:
                out.append(f"### {name}\n")
            if name == "References":
                out.append("\n".join(f"- <{line}>" if line.startswith("https://") else f"- {markdown_escape(line)}"
                                     for line in body.splitlines()) + "\n")
                continue
            if name == KEY_POINTS:
                out.append("\n".join(f"- {markdown_escape(point)}" for point in body.splitlines()) + "\n")
                continue
            for is_code, text in blocks(body):
                out.append(f"```python\n{text.rstrip()}\n```\n" if is_code else markdown_escape(text) + "\n")
    return "\n".join(out)


def render_json(items: Sequence[Item]) -> str:
    records = []
    for item in items:
        record = dict(item.record) if item.record else {"title": item.title}
        record["answer"] = item.answer.as_dict()
        record["references"] = list(item.explanation.references)
        record["prior_art"] = list(item.explanation.prior_art)
        records.append(record)
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


