"""Fixing findings: one mechanism for `pitfalls fix` and the editor's quick fixes.

A fixable rule names its fixer (`Rule.fixer`, "module:function"); the fixer module, which may
import libcst, is imported only here and only when a fix is asked for. A fix is kept only when
the fixed source still parses.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence

from pitfalls.findings import Finding
from pitfalls.rule import Rule

Fixer = Callable[..., Optional[str]]  # fixer(source, finding, target_version=...) -> fixed source


@dataclass(frozen=True)
class Fix:
    code: str
    safe: bool
    source: str  # the whole fixed source


def load_fixer(rule: type[Rule]) -> Optional[Fixer]:
    if not rule.fixer:
        return None
    module, _, function = rule.fixer.partition(":")
    return getattr(importlib.import_module(module), function)


def _rules() -> Mapping[str, type[Rule]]:
    from pitfalls.rules import BY_CODE

    return BY_CODE


def fix_finding(
    source: str,
    finding: Finding,
    rules: Optional[Mapping[str, type[Rule]]] = None,
    target_version: Optional[str] = None,
) -> Optional[Fix]:
    """The fix for one finding, or None when its rule has no fixer or this hit cannot be fixed.

    `target_version` ("py39"...) is the oldest Python the code must run on, when known."""
    rule = (rules or _rules()).get(finding.code)
    fixer = load_fixer(rule) if rule is not None else None
    if fixer is None:
        return None
    fixed = fixer(source, finding, target_version=target_version)
    if fixed is None or fixed == source or not _parses(fixed):
        return None
    return Fix(finding.code, rule.fix_is_safe, fixed)


def fix_all(
    source: str,
    check: Callable[[str], Sequence[Finding]],
    unsafe: bool = False,
    rules: Optional[Mapping[str, type[Rule]]] = None,
    limit: int = 200,
    target_version: Optional[str] = None,
) -> str:
    """Applies fixes one at a time, re-checking after each, until none applies
    (at most `limit` fixes, so a fixer that undoes another cannot loop for ever)."""
    refused: set[tuple[str, str, str]] = set()  # hits a fixer declined, by code, message and line
    for _ in range(limit):
        lines = source.splitlines()
        for finding in check(source):
            if not finding.fixable:
                continue
            key = (finding.code, finding.message, lines[finding.line - 1] if finding.line <= len(lines) else "")
            if key in refused:
                continue
            fix = fix_finding(source, finding, rules, target_version)
            if fix is not None and (fix.safe or unsafe):
                source = fix.source
                break
            refused.add(key)
        else:
            return source
    return source


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
