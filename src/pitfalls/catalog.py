"""The rule catalog: one explicit tuple in code order, lookup by code and name, and selection."""

from __future__ import annotations

from typing import Iterable, Optional

from pitfalls.rule import Rule
from pitfalls.rules.pit101_mutable_default_argument import MutableDefaultArgument
from pitfalls.rules.pit102_call_in_default_argument import CallInDefaultArgument
from pitfalls.rules.pit103_mutate_while_iterating import MutateWhileIterating
from pitfalls.rules.pit104_in_place_method_result import InPlaceMethodResult
from pitfalls.rules.pit105_parenthesized_string_not_tuple import ParenthesizedStringNotTuple
from pitfalls.rules.pit106_tuple_item_augmented_assignment import TupleItemAugmentedAssignment
from pitfalls.rules.pit201_late_binding_closure import LateBindingClosure
from pitfalls.rules.pit202_unbound_local import UnboundLocal
from pitfalls.rules.pit301_shared_mutable_class_attribute import SharedMutableClassAttribute
from pitfalls.rules.pit302_init_returns_value import InitReturnsValue
from pitfalls.rules.pit303_init_assigns_local import InitAssignsLocal
from pitfalls.rules.pit304_method_missing_self import MethodMissingSelf
from pitfalls.rules.pit401_wrapper_without_wraps import WrapperWithoutWraps
from pitfalls.rules.pit501_whole_file_in_memory import WholeFileInMemory
from pitfalls.rules.pit502_materialized_list_argument import MaterializedListArgument
from pitfalls.rules.pit503_exhausted_iterator_reuse import ExhaustedIteratorReuse
from pitfalls.rules.pit601_shallow_copy_nested_mutation import ShallowCopyNestedMutation
from pitfalls.rules.pit602_list_multiplication_shares_rows import ListMultiplicationSharesRows
from pitfalls.rules.pit603_mutable_fromkeys_value import MutableFromkeysValue
from pitfalls.rules.pit701_cache_on_method import CacheOnMethod
from pitfalls.rules.pit702_instance_registry_leak import InstanceRegistryLeak
from pitfalls.rules.pit801_cpu_bound_threads import CpuBoundThreads
from pitfalls.rules.pit802_unsynchronized_shared_update import UnsynchronizedSharedUpdate
from pitfalls.rules.pit901_list_membership_in_loop import ListMembershipInLoop
from pitfalls.rules.pit902_list_pop_front import ListPopFront
from pitfalls.rules.pit903_string_concat_in_loop import StringConcatInLoop

# A new rule is one module under rules/ plus one line here.
ALL_RULES: tuple[type[Rule], ...] = (
    MutableDefaultArgument,
    CallInDefaultArgument,
    MutateWhileIterating,
    InPlaceMethodResult,
    ParenthesizedStringNotTuple,
    TupleItemAugmentedAssignment,
    LateBindingClosure,
    UnboundLocal,
    SharedMutableClassAttribute,
    InitReturnsValue,
    InitAssignsLocal,
    MethodMissingSelf,
    WrapperWithoutWraps,
    WholeFileInMemory,
    MaterializedListArgument,
    ExhaustedIteratorReuse,
    ShallowCopyNestedMutation,
    ListMultiplicationSharesRows,
    MutableFromkeysValue,
    CacheOnMethod,
    InstanceRegistryLeak,
    CpuBoundThreads,
    UnsynchronizedSharedUpdate,
    ListMembershipInLoop,
    ListPopFront,
    StringConcatInLoop,
)

BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in ALL_RULES}


class SelectionError(ValueError):
    """A --select/--ignore value that matches no rule."""


def select_rules(
    select: Optional[Iterable[str]] = None, ignore: Optional[Iterable[str]] = None
) -> tuple[type[Rule], ...]:
    """Rules whose code starts with a selected prefix and with no ignored one (`PIT6`, `PIT101`)."""
    select = [s.strip().upper() for s in select] if select else ["PIT"]
    ignore = [s.strip().upper() for s in ignore] if ignore else []
    for prefix in (*select, *ignore):
        if not any(rule.code.startswith(prefix) or prefix == "ALL" for rule in ALL_RULES):
            raise SelectionError(f"'{prefix}' matches no rule (see 'pitfalls rules')")
    chosen = tuple(
        rule
        for rule in ALL_RULES
        if any(p == "ALL" or rule.code.startswith(p) for p in select)
        and not any(rule.code.startswith(p) for p in ignore)
    )
    return chosen
