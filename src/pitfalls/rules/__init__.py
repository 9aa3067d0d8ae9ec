"""The rule catalog: one explicit tuple, in code order. A new rule is one module plus one line here."""

from __future__ import annotations

from pitfalls.rules.pit101_mutable_default_argument import MutableDefaultArgument

ALL_RULES = (
    MutableDefaultArgument,
)

BY_CODE = {rule.code: rule for rule in ALL_RULES}
BY_NAME = {rule.name: rule for rule in ALL_RULES}
