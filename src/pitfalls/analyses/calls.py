"""Calls: what a callable resolves to, what a call passes to which parameter, where values come from, the call graph."""

from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, TypeVar, Union

from pitfalls.model import BUILTIN_NAMES, Binding, Context, Scope

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


# Values of known type: displays, and the calls that construct a plain builtin or `collections` value.
DISPLAY_TYPES = {
    ast.List: "builtins.list", ast.ListComp: "builtins.list", ast.Tuple: "builtins.tuple", ast.Dict: "builtins.dict",
    ast.DictComp: "builtins.dict", ast.Set: "builtins.set", ast.SetComp: "builtins.set", ast.JoinedStr: "builtins.str",
}
CONSTRUCTED_TYPES = {
    **{f"builtins.{name}": f"builtins.{name}" for name in (
        "list", "dict", "set", "frozenset", "tuple", "str", "bytes", "bytearray", "int", "float", "complex", "bool",
        "range")},
    "builtins.sorted": "builtins.list",
    **{f"collections.{name}": f"collections.{name}" for name in (
        "Counter", "deque", "defaultdict", "OrderedDict", "ChainMap")},
}


@dataclass
class Fed:
    """What a call hands a function: positional and keyword arguments whose place is known, and
    `rest`: expressions (`*args`, `args=some_tuple`, `pool.starmap`'s iterable) whose values may
    land in any parameter."""

    positional: list[ast.expr]
    keywords: dict[str, ast.expr]
    rest: list[ast.expr]

    def then(self, later: "Fed") -> "Fed":
        """These arguments followed by `later`'s: `partial(f, a)` called with `b` passes `a, b`,
        a bound method's instance goes before what the call passes."""
        keywords = {**self.keywords, **later.keywords}
        if self.rest:  # after `*args` the places of later positional arguments are unknown
            return Fed(self.positional, keywords, self.rest + later.positional + later.rest)
        return Fed(self.positional + later.positional, keywords, later.rest)


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


# -- what a callable expression is -------------------------------------------------------------


@dataclass(frozen=True)
class Callee:
    """One thing a callable expression may be: a def or lambda of this module (`node`), an
    import or builtin (`qualified`: `math.sqrt`, `builtins.len`), or neither: unknown (a
    parameter, a class, a method of some object, a call's result)."""

    node: Optional[ast.AST] = None
    qualified: Optional[str] = None


UNKNOWN = Callee()


def all_bindings(ctx: Context, name: str, scope: Scope) -> list[Binding]:
    """Every binding of `name` in the scope that resolves it from `scope` (all paths, not just the last)."""
    binding = ctx.lookup(name, scope)
    return list(binding.scope.bindings.get(name, [binding])) if binding is not None else []


def callees(ctx: Context, expr: ast.expr, scope: Scope, _seen: tuple[Binding, ...] = ()) -> list[Callee]:
    """What calling `expr` (evaluated in `scope`) may call, one Callee per path: a name gives one
    per binding (`g = f` and `sqrt = math.sqrt` followed), a builtin its `builtins.` name; a
    lambda is itself; an attribute its qualified name through imports, or the method of a
    value of known type (`value_types`), or unknown."""
    if isinstance(expr, ast.Lambda):
        return [Callee(expr)]
    if isinstance(expr, ast.Attribute):
        qualified = ctx.qualified_name(expr, scope)
        types = value_types(ctx, expr.value, scope) if qualified is None else None
        if types:  # `rows.append` of `rows = []`: `builtins.list.append`
            return [Callee(qualified=f"{t}.{expr.attr}") for t in sorted(types)]
        return [Callee(qualified=qualified)]
    if not isinstance(expr, ast.Name):
        return [UNKNOWN]
    bindings = all_bindings(ctx, expr.id, scope)
    if not bindings:
        return [Callee(qualified="builtins." + expr.id) if expr.id in BUILTIN_NAMES else UNKNOWN]
    found: list[Callee] = []
    for binding in bindings:
        value = binding.value
        if binding.kind == "function":
            found.append(Callee(binding.node))
        elif binding.kind == "import":
            found.append(Callee(qualified=binding.qualname))
        elif binding.kind == "assign" and isinstance(value, (ast.Lambda, ast.Name, ast.Attribute)):
            found += callees(ctx, value, binding.scope, (*_seen, binding)) if binding not in _seen else [UNKNOWN]
        else:
            found.append(UNKNOWN)  # a parameter, a class (its __init__ is unknown), any other value
    return found


def value_types(ctx: Context, expr: ast.expr, scope: Scope) -> Optional[set[str]]:
    """The types `expr`'s value may have, by qualified name, where every path says: a constant, a
    display or comprehension, a call of a builtin or `collections` constructor (`sorted` makes a
    list), or a name only ever bound to those (`s += "x"` keeps what `s` was, a bare annotation
    binds nothing). None when not known: a parameter, a loop variable, any other call."""
    if isinstance(expr, ast.Constant):
        return {f"builtins.{type(expr.value).__name__}"}
    if type(expr) in DISPLAY_TYPES:
        return {DISPLAY_TYPES[type(expr)]}
    if isinstance(expr, ast.Call):
        made = CONSTRUCTED_TYPES.get(ctx.call_name(expr, scope) or "")
        return {made} if made else None
    if not isinstance(expr, ast.Name):
        return None
    bindings = all_bindings(ctx, expr.id, scope)
    types: set[str] = set()
    for binding in bindings:
        if binding.kind == "augassign" or (binding.kind == "annotation" and binding.value is None):
            continue
        if binding.kind not in ("assign", "walrus") or binding.value is None or isinstance(binding.value, ast.Name):
            return None
        found = value_types(ctx, binding.value, binding.scope)
        if found is None:
            return None
        types |= found
    return types or None


def partial_parts(ctx: Context, expr: ast.expr, scope: Scope) -> Optional[tuple[ast.expr, Fed]]:
    """`functools.partial(f, a, k=v)`: the function it wraps and the arguments it binds."""
    if not (isinstance(expr, ast.Call) and ctx.call_name(expr, scope) == "functools.partial"):
        return None
    if not expr.args or isinstance(expr.args[0], ast.Starred):
        return None
    return expr.args[0], fed_from_call(expr.args[1:], expr.keywords)


# -- where a value comes from -------------------------------------------------------------------


def value_parts(ctx: Context, expr: ast.expr, scope: Scope) -> Optional[list[tuple[ast.expr, Scope]]]:
    """The expressions (and the scope each is evaluated in) whose values make up `expr`'s: a
    display's items, a comprehension's elements and iterables, an operation's operands, the
    container of a subscript or slice (`rows[i]` holds what `rows` holds); none for a constant,
    an f-string or a comparison. None for anything else: a name, an attribute, a call, a lambda."""
    if isinstance(expr, (ast.Constant, ast.JoinedStr, ast.Compare)):
        return []
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return [(e, scope) for e in expr.elts]
    if isinstance(expr, ast.Dict):
        return [(e, scope) for e in (*expr.keys, *expr.values) if e is not None]
    if isinstance(expr, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        inner = ctx.scopes.get(expr)
        if inner is None:
            return None
        parts = [(e, inner) for e in (getattr(expr, n, None) for n in ("elt", "key", "value")) if e is not None]
        return parts + [(g.iter, scope if i == 0 else inner) for i, g in enumerate(expr.generators)]
    if isinstance(expr, ast.BinOp):
        return [(expr.left, scope), (expr.right, scope)]
    if isinstance(expr, ast.UnaryOp):
        return [(expr.operand, scope)]
    if isinstance(expr, ast.BoolOp):
        return [(e, scope) for e in expr.values]
    if isinstance(expr, ast.IfExp):
        return [(expr.body, scope), (expr.orelse, scope)]
    if isinstance(expr, (ast.Subscript, ast.Starred, ast.NamedExpr)):
        return [(expr.value, scope)]
    return None


def binding_sources(ctx: Context, binding: Binding) -> Optional[list[tuple[ast.expr, Scope]]]:
    """The expressions a binding takes its name's value (or, unpacking, an element of it) from:
    `x = v`, `x := v` and `x += v` give v (with `+=` the rest comes from x's other bindings); a
    bare `x: T` nothing; `for x in xs`, `for i, (a, b) in pairs` and `a, b = pair` the iterable
    or value unpacked. None for the kinds that do not say: a def, a class, an import, a
    parameter, `with ... as x`, `except ... as x`."""
    kind, scope = binding.kind, binding.scope
    if kind in ("assign", "walrus") and binding.value is not None:
        return [(binding.value, scope)]
    if kind == "annotation":
        return []
    if kind == "augassign":
        parent = ctx.parent(binding.node)
        return [(parent.value, scope)] if isinstance(parent, ast.AugAssign) else None
    if kind in ("loop", "unpack"):
        node: ast.AST = binding.node
        parent = ctx.parent(node)
        while isinstance(parent, (ast.Tuple, ast.List, ast.Starred)):
            node, parent = parent, ctx.parent(parent)
        if isinstance(parent, ast.For) and parent.target is node:
            return [(parent.iter, scope)]
        if isinstance(parent, ast.Assign) and any(t is node for t in parent.targets):
            return [(parent.value, scope)]
        if isinstance(parent, ast.comprehension) and parent.target is node:
            first = getattr(ctx.parent(parent), "generators", [None])[0] is parent
            return [(parent.iter, (scope.parent or scope) if first else scope)]
    return None


# -- the call graph ---------------------------------------------------------------------------

Node = TypeVar("Node")


def called_functions(ctx: Context, function: ast.AST) -> list[tuple[ast.Call, ast.AST]]:
    """The defs and lambdas of this module that `function`'s own body calls by name (every path
    of the name), with the call."""
    return [
        (call, callee.node)
        for call in ctx.function(function).calls
        for callee in callees(ctx, call.func, ctx.scope_of(call))
        if callee.node is not None
    ]


def cycle(start: Node, edges: Callable[[Node], Iterable[tuple[ast.Call, Node]]]) -> Optional[ast.Call]:
    """The first call of `start` through which it reaches itself again, following `edges`
    (callee -> its (call, callee) pairs) breadth first: direct or mutual recursion. None if none."""
    for call, callee in edges(start):
        seen = {id(callee)}
        queue = deque([callee])
        while queue:
            current = queue.popleft()
            if current is start:
                return call
            for _, following in edges(current):
                if id(following) not in seen:
                    seen.add(id(following))
                    queue.append(following)
    return None


def plain_container(ctx: Context, value: ast.expr) -> bool:
    """A name only ever bound, in its scope, to a list, dict or set display, comprehension or
    constructor (so `value[i] = x` runs pure Python)."""
    if not isinstance(value, ast.Name):
        return False
    scope = ctx.scope_of(value)
    bindings = all_bindings(ctx, value.id, scope)
    return bool(bindings) and all(
        b.kind in ("assign", "walrus") and ctx.is_mutable_value(b.value, b.scope) for b in bindings
    )
