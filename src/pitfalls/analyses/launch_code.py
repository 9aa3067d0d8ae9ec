"""A thread launch as code, for answers: the launch on one line and redone on an executor.

Built from a launch's source text (`Context.source(launch.call)`, kept in a finding's context)
when an answer is rendered (`Rule.elaborate`), never on the detection path: flake8 and the
language server's diagnostics never tokenize or re-parse a launch.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import Callable, Optional

from pitfalls.analyses.calls import argument
from pitfalls.analyses.threads import THREAD_CLASSES, target_argument
from pitfalls.positions import LineIndex


def executor_call(source: str, launcher: str, name: str) -> str:
    """The launch in `source` redone on a `concurrent.futures` executor bound to `pool`, passing
    what the launch passes in the way the executor takes it; `name` spells the target unless it
    is a call (`partial(crunch, n)`), which is shown as written."""
    try:
        call, text = parsed(source)
    except (SyntaxError, ValueError, RecursionError):  # not expected: the source parsed in its file
        return f"future = pool.submit({name})"
    assert isinstance(call, ast.Call)

    def segment(node: ast.AST, limit: int = 40) -> str:
        return text_segment(text, node, limit)

    target = target_argument(call, launcher)
    if isinstance(target, ast.Call):
        name = segment(target, 50)
    method = launcher.rpartition(".")[2]
    if launcher in THREAD_CLASSES:
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return f"future = pool.submit({name})"
        given = _spelled(segment, argument(call, 3, "args"), argument(call, 4, "kwargs"))
        return f"future = pool.submit({', '.join([name, *given])})"
    if launcher.startswith("executor."):
        rest = [segment(a) for a in call.args[1:]] + [segment(k) for k in call.keywords if k.arg != "fn"]
        if method == "map":
            return f"results = list(pool.map({', '.join([name, *rest])}))"
        return f"future = pool.submit({', '.join([name, *rest])})"
    if launcher.startswith("ThreadPool."):
        if method.startswith("apply"):
            given = _spelled(segment, argument(call, 1, "args"), argument(call, 2, "kwds"))
            return f"future = pool.submit({', '.join([name, *given])})"
        iterable = argument(call, 1, "iterable")
        items = segment(iterable) if iterable is not None else "inputs"
        if method.startswith("starmap"):
            return f"futures = [pool.submit({name}, *args) for args in {items}]"
        return f"results = list(pool.map({name}, {items}))"
    if launcher == "asyncio.to_thread":
        rest = [segment(a) for a in call.args[1:]]
        keywords = [segment(k) for k in call.keywords if k.arg != "func"]
        if keywords:  # run_in_executor takes no keyword arguments
            name = f"functools.partial({', '.join([name, *keywords])})"
        return f"result = await asyncio.get_running_loop().run_in_executor({', '.join(['pool', name, *rest])})"
    # loop.run_in_executor(None, f, *args): the same call with the pool as executor
    receiver = segment(call.func.value) if isinstance(call.func, ast.Attribute) else "loop"
    rest = [segment(a) for a in call.args[2:]]
    return f"result = await {receiver}.run_in_executor({', '.join(['pool', name, *rest])})"


def _spelled(segment: Callable[[ast.AST], str], args: Optional[ast.expr], kwargs: Optional[ast.expr]) -> list[str]:
    """`args=(a, b), kwargs={"k": v}` (of Thread or apply) as the arguments of a plain call."""
    given: list[str] = []
    if isinstance(args, (ast.Tuple, ast.List)):
        given += [segment(e) for e in args.elts]
    elif args is not None:
        given.append("*" + segment(args))
    if isinstance(kwargs, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in kwargs.keys):
        given += [f"{k.value}={segment(v)}" for k, v in zip(kwargs.keys, kwargs.values)]  # type: ignore[union-attr]
    elif kwargs is not None and not (isinstance(kwargs, ast.Constant) and kwargs.value is None):
        given.append("**" + segment(kwargs))
    return given


def parsed(source: str) -> tuple[ast.expr, str]:
    """An expression's source text parsed again, and the text its positions refer to (in
    parentheses: a launch may span lines with no brackets of its own around it)."""
    text = f"({source})"
    return ast.parse(text, mode="eval").body, text


def text_segment(text: str, node: ast.AST, limit: int) -> str:
    """`Context.segment` on a parsed source text: the node on one line (re-printed if it spans
    lines), shortened to `limit` characters."""
    lines = text.split("\n")
    span = LineIndex(lines).span(node)
    if span.line == span.end_line:
        found = lines[span.line - 1][span.column : span.end_column]
    else:
        try:
            found = ast.unparse(node)
        except RecursionError:
            found = lines[span.line - 1][span.column :].rstrip() + " ..."
    return _shorten(" ".join(found.split()), limit)


def one_line(source: str, limit: int) -> str:
    """A launch's source text on one line, comments dropped, shortened to `limit` characters."""
    if "\n" not in source:
        return _shorten(" ".join(source.split()), limit)
    lines = source.split("\n")
    try:
        comments = [
            token for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError):
        comments = []
    for token in comments:
        row, (start, end) = token.start[0] - 1, (token.start[1], token.end[1])
        lines[row] = lines[row][:start] + lines[row][end:]
    text = " ".join(" ".join(lines).split())
    text = re.sub(r"([(\[{]) ", r"\1", text)  # `Thread( target=...` once the lines are joined
    text = re.sub(r" ([)\]}])", r"\1", text)
    return _shorten(text, limit)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
