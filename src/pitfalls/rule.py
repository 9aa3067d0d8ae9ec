"""The base class every rule derives from: identity, message, dispatch and reporting."""

from __future__ import annotations

import ast
from typing import Any, ClassVar, Iterable, Mapping, Optional

from pitfalls.explanation import Explanation
from pitfalls.findings import Finding, Related, Severity
from pitfalls.model.context import Context


class Rule:
    """One pitfall. A fresh instance checks one file; it may keep state until `finish()`.

    The engine calls `visit(node)` for every node of a type in `node_types` and every call of a
    method named in `method_names` (in evaluation order, function bodies after the code around
    them, with `self.ctx.scope` the scope the node is evaluated in), `leave(node)` for the types
    in `leave_types`, then `finish()` once the whole module has been seen. A rule that needs no
    node during the walk decides in `finish()` from the model (`self.ctx`): references, function
    and class facts, flow.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]  # of a hit unless `report()` is given another
    # The other severities some hits get, each with when, as `pitfalls rules` and the docs page say
    # it: {Severity.HAZARD: "when the function only reads the default"} (a hazard is reported only
    # in strict mode). tests/test_severity.py holds the fixtures' hits to exactly these.
    other_severities: ClassVar[Mapping[Severity, str]] = {}
    # The peers' codes for the same pitfall (`B006`, `RUF012`, pylint's `W0102` or
    # `dangerous-default-value`): a line whose `# noqa` or `# pylint: disable=` names one was
    # already judged by its author, and is not reported even in strict mode.
    peer_codes: ClassVar[tuple[str, ...]] = ()
    summary: ClassVar[str]  # one sentence: what the rule finds
    message: ClassVar[str]  # str.format template filled from the finding's context
    node_types: ClassVar[tuple[type[ast.AST], ...]] = ()
    leave_types: ClassVar[tuple[type[ast.AST], ...]] = ()
    # Calls of a method by these names (`x.pop(...)`, `x.sort()`) are also sent to `visit`: the
    # engine looks `node.func.attr` up once per call instead of every rule testing every call.
    method_names: ClassVar[frozenset[str]] = frozenset()
    fixable: ClassVar[bool] = False
    # Words of which the source must contain one for the rule to fire at all (empty: always run).
    # A cheap test that spares the walk's dispatch in the many files where the rule cannot apply.
    needs: ClassVar[tuple[str, ...]] = ()
    # The fixer, imported only when fixing: "module:function", called as
    # function(source, finding) -> the fixed source, or None when this hit cannot be fixed.
    fixer: ClassVar[Optional[str]] = None
    fix_is_safe: ClassVar[bool] = True  # False: behaviour can change for some caller
    # Runnable examples: `bad` fires this rule (and nothing else), `good` fires nothing.
    bad_example: ClassVar[str]
    good_example: ClassVar[str]
    # The context of the first finding on `bad_example`, written out so that `explain PIT101`,
    # SARIF and the docs render the rule's own answer without running the engine (a test keeps
    # it equal to what the engine reports).
    example_context: ClassVar[Mapping[str, str]]
    # The 30-second answer, rendered with each finding's context (answers.py).
    explanation: ClassVar[Explanation]

    @classmethod
    def elaborate(cls, context: Mapping[str, str]) -> Mapping[str, str]:
        """Template values for the explanation, added to or replacing the finding's context.
        Called only when an answer is rendered (answers.py), so text that only `explain` shows is
        not built for every hit on the detection path. Default: the context as it is."""
        return context

    @classmethod
    def severities(cls) -> dict[Severity, str]:
        """Every severity the rule's hits can have, its own first, each with when ("" for its own)."""
        return {cls.severity: "", **cls.other_severities}

    @classmethod
    def wanted(cls, text: str) -> bool:
        """Whether the rule can fire in a file with this source: one of `needs` is in it. A rule
        whose test is not a word overrides this (one pass over the text, never a parse)."""
        return any(word in text for word in cls.needs)

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.findings: list[Finding] = []

    def visit(self, node: Any) -> None:  # pragma: no cover - overridden when node_types is set
        pass

    def leave(self, node: Any) -> None:  # pragma: no cover - overridden when leave_types is set
        pass

    def finish(self) -> None:
        pass

    def release(self) -> None:
        """Called once the findings are taken: drop everything, so that no reference cycle in
        the rule's own records keeps the file's tree alive until the garbage collector runs."""
        self.__dict__.clear()

    def report(
        self,
        node: ast.AST,
        *,
        severity: Optional[Severity] = None,
        related: Iterable[tuple[ast.AST, str]] = (),
        fixable: Optional[bool] = None,
        **context: str,
    ) -> None:
        """`fixable` says whether the rule's fixer can fix this hit (default: the rule's `fixable`)."""
        index = self.ctx.index
        statement = node
        parents = self.ctx.parents
        while statement is not None and not isinstance(statement, ast.stmt):
            statement = parents.get(statement)
        self.findings.append(
            Finding(
                code=self.code,
                name=self.name,
                severity=severity or self.severity,
                span=index.span(node),
                message=self.message.format(**context),
                context=context,
                related=tuple(Related(index.span(n), text) for n, text in related),
                fixable=self.fixable if fixable is None else fixable,
                statement_line=getattr(statement, "lineno", 0),
            )
        )
