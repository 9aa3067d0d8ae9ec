"""A probe rule that runs the real engine on a snippet and inspects the model once the walk ends."""

from __future__ import annotations

import ast
import textwrap
from typing import Callable, Optional, TypeVar

from pitfalls.engine import analyze
from pitfalls.findings import Severity
from pitfalls.model import Binding, Context
from pitfalls.rule import Rule
from pitfalls.source import split_lines

T = TypeVar("T")


def inspect(source: str, look: Callable[[Context], T]) -> T:
    """Runs the engine on `source` with a probe whose `finish()` calls `look(ctx)`; returns its
    result. The model is released after the run, so every question to `ctx` goes in `look`.
    A failure inside `look` (an assertion too) is raised here, not swallowed as a rule error."""
    answers: list = []

    class Probe(Rule):
        code, name, severity, summary, message = "PIT000", "probe", Severity.INFO, "probe", "probe"

        def finish(self) -> None:
            answers.append(look(self.ctx))

    source = textwrap.dedent(source)
    result = analyze(ast.parse(source), split_lines(source), [Probe])
    if result.errors:
        raise result.errors[0].error
    assert len(answers) == 1
    return answers[0]


def _ordered(tree: ast.AST, kind: type) -> list:
    found = [n for n in ast.walk(tree) if isinstance(n, kind)]
    found.sort(key=lambda n: (n.lineno, n.col_offset))
    return found


def names(ctx: Context, name: str, store: Optional[bool] = None) -> list[ast.Name]:
    """The `Name` nodes spelling `name`, in source order; `store` keeps only stores (True) or
    only loads (False)."""
    found = [n for n in _ordered(ctx.tree, ast.Name) if n.id == name]
    if store is not None:
        found = [n for n in found if isinstance(n.ctx, ast.Store) == store]
    return found


def load(ctx: Context, name: str, index: int = 0) -> ast.Name:
    """The `index`-th load of `name` in source order."""
    return names(ctx, name, store=False)[index]


def nodes(ctx: Context, kind: type) -> list:
    """The nodes of one type, in source order."""
    return _ordered(ctx.tree, kind)


def on_line(ctx: Context, kind: type, line: int) -> ast.AST:
    """The first node of `kind` on `line`."""
    return next(n for n in _ordered(ctx.tree, kind) if n.lineno == line)


def func(ctx: Context, name: str) -> ast.AST:
    """The def of that name."""
    return next(n for n in ast.walk(ctx.tree)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name)


def where(binding: Optional[Binding]) -> Optional[tuple[str, int]]:
    """A binding as (kind, line), None for a builtin or undefined name."""
    if binding is None:
        return None
    return binding.kind, binding.node.lineno  # type: ignore[attr-defined]
