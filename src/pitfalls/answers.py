"""The answers `explain`, SARIF, hovers and the docs give: a rule's explanation rendered about a finding."""

from __future__ import annotations

from typing import Mapping, Sequence

from pitfalls.catalog import BY_CODE
from pitfalls.explanation import Answer, render
from pitfalls.findings import Finding
from pitfalls.rule import Rule


def presentation_context(rule: type[Rule], context: Mapping[str, str]) -> Mapping[str, str]:
    """The template values an answer is rendered with: the finding's context plus what the rule
    elaborates from it. The one place `Rule.elaborate` runs, so text only an answer needs is built
    when an answer is asked for, never on the detection path (flake8, `check`, the editor)."""
    return {**context, **rule.elaborate(context)}


def answer(rule: type[Rule], context: Mapping[str, str]) -> Answer:
    return render(rule.explanation, presentation_context(rule, context))


def answer_for(finding: Finding) -> Answer:
    return answer(BY_CODE[finding.code], finding.context)


def rule_answer(rule: type[Rule]) -> Answer:
    """The answer about the rule's own bad example, for `pitfalls explain PIT101` and SARIF."""
    return answer(rule, rule.example_context)


def answers(findings: Sequence[Finding]) -> list[Answer]:
    return [answer_for(f) for f in findings]
