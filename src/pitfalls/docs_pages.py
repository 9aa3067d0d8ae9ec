"""docs/rules/*.md, generated from the rule definitions (scripts/generate_docs.py writes them)."""

from __future__ import annotations

from pitfalls.answers import presentation_context
from pitfalls.explanation import fill, render
from pitfalls.findings import Severity


def _code(text: str) -> str:
    return f"```python\n{text.rstrip()}\n```\n"


def _markdown(answer_text: str) -> str:
    """An answer's prose and indented code as Markdown paragraphs and fenced code."""
    out = []
    for paragraph in answer_text.split("\n\n"):
        lines = paragraph.splitlines()
        if lines and all(line.startswith("    ") for line in lines):
            out.append(_code("\n".join(line[4:] for line in lines)))
        else:
            out.append(" ".join(lines) + "\n")
    return "\n".join(out)


def rule_page(rule: type) -> str:
    explanation = rule.explanation
    context = presentation_context(rule, rule.example_context)
    answer = render(explanation, context)
    safety = _fix_safety(rule)
    parts = [
        f"# {rule.code} {rule.name}\n",
        f"{rule.summary}. Severity: {_severities(rule)}.\n",
        "## What it flags\n",
        explanation.flags + "\n",
        "## What it deliberately leaves alone\n",
        "\n".join(f"- {case}" for case in explanation.not_flagged) + "\n",
        "## Example\n",
        "Flagged:\n",
        _code(rule.bad_example),
        "Not flagged:\n",
        _code(rule.good_example),
        "## The 30-second answer\n",
        "As `pitfalls explain` gives it for the flagged example above; on your code it names your own "
        "functions and variables.\n",
        _markdown(answer.answer_30s),
        "## Key points\n",
        "What a good answer says: a checklist to hold your own answer to.\n",
        "\n".join(f"- {point}" for point in answer.key_points) + "\n",
        "## One layer deeper (60 seconds)\n",
        fill(explanation.layer, context) + "\n",
        "## Follow-up questions\n",
    ]
    for follow_up in answer.follow_ups:
        parts.append(f"**{follow_up.question}**\n")
        parts.append(follow_up.answer + "\n")
    parts += ["## Fix\n", _markdown(answer.fix), f"Fix safety: {safety}\n"]
    if explanation.references:
        parts += ["## References\n", "\n".join(f"- <{ref}>" for ref in explanation.references) + "\n"]
    if explanation.prior_art:
        parts += ["## Prior art\n", "\n".join(f"- {art}" for art in explanation.prior_art) + "\n"]
    return "\n".join(parts).rstrip() + "\n"


def _severities(rule: type) -> str:
    """"**error**; **warning** when ...; **hazard** (strict mode) when ...": the rule's own severity
    first, then each other with when it applies."""
    return "; ".join(
        f"**{severity.value}**" + (" (strict mode)" if severity is Severity.HAZARD else "") + (f" {when}" if when else "")
        for severity, when in rule.severities().items()
    )


def index_page(rules) -> str:
    lines = [
        "# Rules\n",
        "Generated from the rule definitions by `scripts/generate_docs.py`; do not edit by hand.\n",
        "| code | name | severity | finds | autofix |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        lines.append(
            f"| [{rule.code}]({rule.code}.md) | {rule.name} | {' / '.join(sev.value for sev in rule.severities())} "
            f"| {rule.summary} "
            f"| {('safe' if rule.fix_is_safe else 'unsafe') if rule.fixer else '-'} |"
        )
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """File name under docs/rules/ -> its content."""
    from pitfalls.catalog import ALL_RULES

    out = {f"{rule.code}.md": rule_page(rule) for rule in ALL_RULES}
    out["index.md"] = index_page(ALL_RULES)
    return out


def _fix_safety(rule: type) -> str:
    """How the fix is applied and how safe it is, with the fixer's own account of what it rewrites."""
    if not rule.fixer:
        return "No automatic fix yet: apply the fix above by hand."
    import importlib
    import inspect

    module = importlib.import_module(rule.fixer.partition(":")[0])
    account = " ".join(inspect.getdoc(module).split())
    if rule.fix_is_safe:
        how = ("safe. `pitfalls fix` applies it, and editors offer it as a quick fix and in "
               "`source.fixAll`.")
    else:
        how = ("unsafe: it can change behaviour for some caller. `pitfalls fix --unsafe-fixes` applies "
               "it; editors offer it as a quick fix, never as the preferred one nor in `source.fixAll`.")
    return f"{how} {account} A hit the fixer cannot rewrite is reported without \"(fixable)\"."
