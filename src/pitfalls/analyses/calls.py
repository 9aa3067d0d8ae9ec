"""Calls: what a call passes and to which parameter, and which builtins call or iterate their arguments."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional, Union

from pitfalls.model import Context, Scope

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]

# Calls that call a function they are given, and where it goes (position, keyword): an
# unknown callable there (`map(fetch, urls)` with `fetch` a parameter) is an unknown call.
HIGHER_ORDER: dict[str, tuple[Optional[int], str]] = {
    "builtins.map": (0, "func"), "builtins.filter": (0, "function"),
    "builtins.sorted": (None, "key"), "builtins.min": (None, "key"), "builtins.max": (None, "key"),
    "functools.reduce": (0, "function"), "functools.partial": (0, "func"),
    "itertools.starmap": (0, "function"), "itertools.takewhile": (0, "predicate"),
    "itertools.dropwhile": (0, "predicate"), "itertools.filterfalse": (0, "function"),
    "itertools.accumulate": (1, "func"), "itertools.groupby": (1, "key"),
    "collections.defaultdict": (0, "default_factory"),
}
HIGHER_ORDER_METHODS: dict[str, tuple[Optional[int], str]] = {"sort": (None, "key")}

# Calls that iterate arguments (or hand their elements on): `for x in stream`, `list(stream)`,
# `sum(stream)`, `"".join(stream)` and `enumerate(stream)` all call the stream's `__next__`,
# which on a pipe, a file, a socket's file or a queue's iterator blocks on I/O. The slice of
# positional arguments iterated, by qualified name.
ITERATING: dict[str, tuple[int, Optional[int]]] = {
    **{
        f"builtins.{name}": (0, 1)
        for name in ("list", "tuple", "set", "frozenset", "sorted", "sum", "any", "all", "enumerate",
                     "reversed", "next", "dict", "min", "max", "iter")
    },
    "builtins.zip": (0, None), "builtins.map": (1, None), "builtins.filter": (1, 2),
    **{
        f"itertools.{name}": (0, 1)
        for name in ("cycle", "islice", "tee", "pairwise", "permutations", "combinations",
                     "combinations_with_replacement", "accumulate", "groupby", "batched")
    },
    "itertools.chain": (0, None), "itertools.chain.from_iterable": (0, 1), "itertools.product": (0, None),
    "itertools.zip_longest": (0, None), "itertools.compress": (0, 2), "itertools.starmap": (1, 2),
    "itertools.takewhile": (1, 2), "itertools.dropwhile": (1, 2), "itertools.filterfalse": (1, 2),
    "functools.reduce": (1, 2), "math.fsum": (0, 1), "math.prod": (0, 1),
    "collections.Counter": (0, 1), "collections.deque": (0, 1), "collections.OrderedDict": (0, 1),
    "collections.defaultdict": (1, 2),
}
# `min(a, b)`, `max(a, b)` compare two values and `iter(f, sentinel)` calls f: only their
# one-argument forms iterate.
ONE_ARGUMENT_ITERATING = frozenset({"builtins.min", "builtins.max", "builtins.iter"})
# Methods (of a plain list/str/set/dict receiver) that iterate every positional argument.
ITERATING_METHODS = frozenset(
    {
        "join", "extend", "update", "union", "intersection", "difference", "symmetric_difference",
        "intersection_update", "difference_update", "symmetric_difference_update", "issubset",
        "issuperset", "isdisjoint", "fromkeys",
    }
)


@dataclass
class Fed:
    """What a call hands a function: positional and keyword arguments whose place is known, and
    `rest`: expressions (`*args`, `args=some_tuple`, `pool.starmap`'s iterable) whose values may
    land in any parameter."""

    positional: list[ast.expr]
    keywords: dict[str, ast.expr]
    rest: list[ast.expr]


def argument(call: ast.Call, position: Optional[int], keyword: str) -> Optional[ast.expr]:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is None or len(call.args) <= position:
        return None
    if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return None  # `Thread(*args)`: which argument lands where is not known
    return call.args[position]


def spread(items: list[ast.expr]) -> tuple[list[ast.expr], list[ast.expr]]:
    """Positional arguments up to the first `*x`, and everything from there on (whose place is unknown)."""
    for index, item in enumerate(items):
        if isinstance(item, ast.Starred):
            return items[:index], [i.value if isinstance(i, ast.Starred) else i for i in items[index:]]
    return list(items), []


def fed_from_call(args: list[ast.expr], keywords: list[ast.keyword]) -> Fed:
    positional, rest = spread(args)
    named = {k.arg: k.value for k in keywords if k.arg is not None}
    rest += [k.value for k in keywords if k.arg is None]  # `**options`
    return Fed(positional, named, rest)


def fed_from_displays(args: Optional[ast.expr], kwargs: Optional[ast.expr]) -> Fed:
    """`args=(a, b), kwargs={"k": v}` as given to Thread or apply; anything but displays goes to rest."""
    fed = Fed([], {}, [])
    if isinstance(args, (ast.Tuple, ast.List)):
        fed.positional, fed.rest = spread(args.elts)
    elif args is not None:
        fed.rest.append(args)  # `args=params`: the tuple's items may go anywhere
    if isinstance(kwargs, ast.Dict):
        for key, value in zip(kwargs.keys, kwargs.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                fed.keywords[key.value] = value
            else:
                fed.rest.append(value)
    elif kwargs is not None and not (isinstance(kwargs, ast.Constant) and kwargs.value is None):
        fed.rest.append(kwargs)
    return fed


def parameter_sources(
    function: Function, outer: Scope, fed: Fed, scope: Scope
) -> Optional[dict[str, list[tuple[ast.expr, Scope]]]]:
    """What each parameter of `function` may get (defaults included, evaluated where the function
    is defined), or None if the arguments do not fit (the call raises TypeError)."""
    args = function.args
    names = [a.arg for a in (*args.posonlyargs, *args.args)]
    keyword_names = {a.arg for a in (*args.args, *args.kwonlyargs)}
    sources: dict[str, list[tuple[ast.expr, Scope]]] = {}
    for name, expr in zip(names, fed.positional):
        sources[name] = [(expr, scope)]
    extra = fed.positional[len(names):]
    if args.vararg is not None:
        sources[args.vararg.arg] = [(e, scope) for e in extra]
    elif extra and not fed.rest:
        return None
    leftover = []
    for key, expr in fed.keywords.items():
        if key in keyword_names:
            sources.setdefault(key, []).append((expr, scope))
        else:
            leftover.append((expr, scope))
    if args.kwarg is not None:
        sources[args.kwarg.arg] = leftover
    elif leftover and not fed.rest:
        return None
    positional_defaults = zip(names[len(names) - len(args.defaults):], args.defaults)
    keyword_defaults = ((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)
    for name, default in (*positional_defaults, *keyword_defaults):
        sources.setdefault(name, [(default, outer)])
    if fed.rest:
        every = [*names, *(a.arg for a in args.kwonlyargs)]
        every += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
        for name in every:
            sources.setdefault(name, []).extend((expr, scope) for expr in fed.rest)
    return sources


def callable_argument(ctx: Context, call: ast.Call, scope: Scope) -> Optional[ast.expr]:
    """The argument a higher-order call calls (`map(f, xs)`, `sorted(xs, key=f)`,
    `iter(queue.get, None)`), if it is one."""
    if isinstance(call.func, ast.Attribute) and call.func.attr in HIGHER_ORDER_METHODS:
        position, keyword = HIGHER_ORDER_METHODS[call.func.attr]
    else:
        qualified = ctx.call_name(call, scope)
        if qualified == "builtins.iter" and len(call.args) == 2:
            return call.args[0]  # `iter(queue.get, None)`, `iter(pipe.readline, b"")` call it
        if qualified not in HIGHER_ORDER:
            return None
        position, keyword = HIGHER_ORDER[qualified]
    return argument(call, position, keyword)


def iterated_arguments(ctx: Context, call: ast.Call, scope: Scope) -> list[ast.expr]:
    """The arguments a call iterates (`sum(xs)`, `enumerate(xs)`, `"".join(xs)`; starred ones
    are left out: the caller sees those where they are written). A method of something not
    imported is taken to be a method of a plain value (`rows.extend(xs)`)."""
    func = call.func
    if isinstance(func, ast.Attribute) and ctx.qualified_name(func, scope) is None:
        return [a for a in call.args if not isinstance(a, ast.Starred)] if func.attr in ITERATING_METHODS else []
    qualified = ctx.call_name(call, scope)
    if qualified is None:
        return []
    if qualified.startswith("statistics."):
        start, stop = 0, 1  # mean(data), median(data), ...
    elif qualified in ITERATING:
        start, stop = ITERATING[qualified]
    else:
        return []
    if qualified in ONE_ARGUMENT_ITERATING and len(call.args) != 1:
        return []
    return [a for a in call.args[start:stop] if not isinstance(a, ast.Starred)]
