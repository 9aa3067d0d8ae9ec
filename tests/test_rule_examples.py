"""Each rule's own examples are tests: the bad one fires that rule and nothing else, the good one nothing."""

from __future__ import annotations

import ast

import pytest

from pitfalls.catalog import ALL_RULES
from pitfalls.source import check_source


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_bad_example_fires_only_this_rule(rule):
    findings = check_source(rule.bad_example, "bad.py").findings
    assert findings, f"{rule.code}'s bad example fires nothing"
    assert {f.code for f in findings} == {rule.code}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_declared_example_context_is_what_the_engine_reports(rule):
    # `explain PIT101`, SARIF and the docs render from the declared context without running the
    # engine; this keeps it from drifting when detection changes what it reports.
    findings = check_source(rule.bad_example, "example.py", [rule]).findings
    assert findings, f"{rule.code}'s bad example fires nothing"
    reported = dict(findings[0].context)
    declared = getattr(rule, "example_context", None)
    assert declared is not None and dict(declared) == reported, (
        f"{rule.code}: set {rule.__name__}.example_context to what the engine reports:\n{reported!r}"
    )


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_good_example_fires_nothing(rule):
    assert check_source(rule.good_example, "good.py").findings == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_identity_is_well_formed(rule):
    assert rule.code.startswith("PIT") and len(rule.code) == 6 and rule.code[3:].isdigit()
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert not rule.message.endswith(".") and not rule.summary.endswith(".")
    module = rule.__module__.rsplit(".", 1)[-1]
    assert module == f"{rule.code.lower()}_{rule.name.replace('-', '_')}"
    ast.parse(rule.bad_example)
    ast.parse(rule.good_example)


def test_codes_and_names_are_unique():
    assert len({r.code for r in ALL_RULES}) == len(ALL_RULES)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)
