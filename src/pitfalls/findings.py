"""The data a rule reports: Finding, its related locations and severities."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


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

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self) -> tuple[int, int, str]:
        return (self.span.line, self.span.column, self.code)
