"""The rule catalog: one explicit tuple, in code order. A new rule is one module plus one line here."""

from __future__ import annotations

from pitfalls.rules.pit101_mutable_default_argument import MutableDefaultArgument
from pitfalls.rules.pit301_shared_mutable_class_attribute import SharedMutableClassAttribute
from pitfalls.rules.pit601_shallow_copy_nested_mutation import ShallowCopyNestedMutation
from pitfalls.rules.pit602_list_multiplication_shares_rows import ListMultiplicationSharesRows
from pitfalls.rules.pit603_mutable_fromkeys_value import MutableFromkeysValue
from pitfalls.rules.pit801_cpu_bound_threads import CpuBoundThreads

ALL_RULES = (
    MutableDefaultArgument,
    SharedMutableClassAttribute,
    ShallowCopyNestedMutation,
    ListMultiplicationSharesRows,
    MutableFromkeysValue,
    CpuBoundThreads,
)

BY_CODE = {rule.code: rule for rule in ALL_RULES}
BY_NAME = {rule.name: rule for rule in ALL_RULES}
