"""The semantic model: scopes, bindings, references, flow, and function and class facts."""

from pitfalls.model.context import MUTABLE_CALLS, MUTABLE_DISPLAYS, Context
from pitfalls.model.scopes import (
    BUILTIN_NAMES,
    COMPREHENSION_NODES,
    FUNCTION_NODES,
    LOOP_NODES,
    Binding,
    Branch,
    Reference,
    Scope,
    ScopeKind,
)

__all__ = [
    "BUILTIN_NAMES", "COMPREHENSION_NODES", "FUNCTION_NODES", "LOOP_NODES", "MUTABLE_CALLS",
    "MUTABLE_DISPLAYS", "Binding", "Branch", "Context", "Reference", "Scope", "ScopeKind",
]
