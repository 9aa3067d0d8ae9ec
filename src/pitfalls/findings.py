"""The data a rule reports: Finding, its related locations and severities."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Iterable, Mapping


class Severity(str, enum.Enum):
    """error: the code as written goes wrong, and the rule points at where; warning: very likely
    to; info: a performance pitfall; hazard: the trap is set but nothing in this module springs
    it (a read-only mutable default, rows never changed), or state kept on purpose. Hazards are
    reported only in strict mode (the editor always gets them, as hints)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HAZARD = "hazard"


@dataclass(frozen=True)
class Span:
    """A range in the source: lines 1-based, columns 0-based in characters (code points)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Related:
    """A second place that explains a finding (the mutation site, the copy, the loop)."""

    span: Span
    message: str


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: Severity
    span: Span
    message: str
    context: Mapping[str, str] = field(default_factory=dict)
    related: tuple[Related, ...] = ()
    fixable: bool = False
    # The first line of the statement the finding sits in (a def's `def` line): where a peer
    # such as pylint reports the same code, so that its disable comment there counts too.
    statement_line: int = field(default=0, compare=False)

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self) -> tuple[int, int, str]:
        return (self.span.line, self.span.column, self.code)


def shown(findings: Iterable[Finding], strict: bool) -> list[Finding]:
    """The findings a front end reports: every one in strict mode, else all but hazards."""
    if strict:
        return list(findings)
    return [f for f in findings if f.severity is not Severity.HAZARD]
