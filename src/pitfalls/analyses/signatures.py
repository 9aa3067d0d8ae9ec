"""A def's header as code, for answers: the real signature on one line (one parameter a line
when long), annotations and keyword-only markers kept, a default replaced by None on request."""

from __future__ import annotations

import ast
from typing import Optional, Union

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]


def header(function: Function, none_for: Optional[str] = None, drop: Optional[str] = None,
           function_name: Optional[str] = None, focus: Optional[str] = None) -> str:
    """`def name(a, b=[], *, c=1):` as Python reads it (one line; one parameter a line when long), with
    `none_for`'s default replaced by None. With `focus`, a header too long for one line keeps only that
    parameter, the others elided (`def f(..., b=[], ...):`): a quote for an answer, not code to run."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[Optional[ast.expr]] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    parts: list[str] = []

    def one(arg: ast.arg, default: Optional[ast.expr], stars: str = "") -> None:
        if arg.arg == drop:
            return
        text = stars + arg.arg
        if arg.annotation is not None and not isinstance(function, ast.Lambda):
            annotation = ast.unparse(arg.annotation)
            if arg.arg == none_for and default is not None and not _admits_none(arg.annotation):
                annotation += " | None"  # as the fix writes it (Optional[...] for old targets)
            text += f": {annotation}"
        if default is not None:
            value = "None" if arg.arg == none_for else ast.unparse(default)
            text += f" = {value}" if arg.annotation is not None and not isinstance(function, ast.Lambda) else f"={value}"
        parts.append(text)

    for index, (arg, default) in enumerate(zip(positional, defaults)):
        one(arg, default)
        if args.posonlyargs and index == len(args.posonlyargs) - 1:
            parts.append("/")
    if args.vararg is not None:
        one(args.vararg, None, "*")
    elif args.kwonlyargs:
        parts.append("*")
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        one(arg, default)
    if args.kwarg is not None:
        one(args.kwarg, None, "**")
    if isinstance(function, ast.Lambda):
        body = ast.unparse(function.body)
        if none_for is not None:
            name = function_name or "function"
            return f"def {name}({', '.join(parts)}):"
        return f"lambda {', '.join(parts)}: {body}"
    prefix = "async def" if isinstance(function, ast.AsyncFunctionDef) else "def"
    returns = f" -> {ast.unparse(function.returns)}" if function.returns is not None else ""
    line = f"{prefix} {function.name}({', '.join(parts)}){returns}:"
    if len(line) <= 88:
        return line
    named = [index for index, part in enumerate(parts) if part.lstrip("*").split("=")[0].split(":")[0] == focus]
    if named:
        index = named[0]
        shown = [*(["..."] if index > 0 else []), parts[index], *(["..."] if index < len(parts) - 1 else [])]
        return f"{prefix} {function.name}({', '.join(shown)}){returns}:"
    inner = "".join(f"\n    {p}," for p in parts)
    return f"{prefix} {function.name}({inner}\n){returns}:"


def _admits_none(annotation: ast.expr) -> bool:
    """`Optional[X]`, `X | None`, `Union[X, None]`, `Any`, or a string (left as written)."""
    if isinstance(annotation, ast.Constant):
        return True
    text = ast.unparse(annotation)
    return "None" in text or "Optional" in text or text in ("Any", "typing.Any", "object")
