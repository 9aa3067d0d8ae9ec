"""PIT101: a mutable default argument is created once, at `def` time, and shared by every call."""

from __future__ import annotations

import ast
from typing import Optional, Union

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule
from pitfalls.analyses.mutation import MUTATING_METHODS

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]


class _Default:
    """A parameter with a mutable default, and the first thing that makes it a certain bug."""

    __slots__ = ("function", "param", "node", "use", "use_node")

    def __init__(self, function: Function, param: str, node: ast.expr) -> None:
        self.function = function
        self.param = param
        self.node = node
        self.use: Optional[str] = None  # "mutates", "returns", "yields" or "stores"
        self.use_node: Optional[ast.AST] = None


class MutableDefaultArgument(Rule):
    code = "PIT101"
    name = "mutable-default-argument"
    fixable = True
    fixer = "pitfalls.rules.pit101_fix:fix"
    fix_is_safe = False  # a caller passing None on purpose now gets a new object
    severity = Severity.WARNING
    peer_codes = ("B006", "W0102", "dangerous-default-value")  # bugbear/ruff, pylint: a line silenced for them is not reported
    summary = "A list, dict or set used as a default argument is shared by every call"
    message = "Default {default} of '{param}' is created once and shared by every call of '{function}'"
    node_types = (
        ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
        ast.Subscript, ast.AugAssign, ast.Return, ast.Yield, ast.Assign,
    )
    method_names = MUTATING_METHODS  # `param.append(x)` and the like
    bad_example = """\
def add_item(item, collection=[]):
    collection.append(item)
    return collection
"""
    good_example = """\
def add_item(item, collection=None):
    if collection is None:
        collection = []
    collection.append(item)
    return collection
"""
    example_context = {
        "function": "add_item",
        "param": "collection",
        "default": "[]",
        "kind": "list",
        "use": "mutates",
        "use_line": "collection.append(item)",
    }

    explanation = Explanation(
        definition="Python evaluates `$param=$default` once, when `def $function` runs, and every call "
        "that leaves out `$param` gets that same $kind.",
        variant_key="use",
        implication={
            "mutates": "`$function` changes it with `$use_line`, so each call starts with whatever "
            "earlier calls left behind, and the $kind keeps growing for the life of the process.",
            "returns": "`$function` returns that shared $kind, so a caller who changes the result "
            "silently changes the default for every later call.",
            "yields": "`$function` yields that shared $kind, so a caller who changes it silently "
            "changes the default for every later call.",
            "stores": "`$function` stores it with `$use_line`, so every object built without "
            "`$param` holds the same $kind, and a change through one shows up in all of them.",
            "": "`$function` only reads it today, so nothing breaks yet; the first `append` or item "
            "assignment someone adds will leak state between calls.",
        },
        example={
            "": "def $function(..., $param=$default):",
            "mutates": "def $function(..., $param=$default):\n    $use_line",
            "stores": "def $function(..., $param=$default):\n    $use_line",
        },
        layer="The usual cure is a `None` default and a fresh $kind built in the body; where `None` is "
        "itself a meaningful argument, use a private marker such as `_MISSING = object()` and test "
        "`is _MISSING`.",
        follow_ups=(
            FollowUp(
                "Why does Python evaluate defaults only once?",
                "`def` is a statement that runs once and builds a function object; the defaults are "
                "evaluated then and kept on it, in `$function.__defaults__` (or `__kwdefaults__` for "
                "keyword-only ones). Calls reuse those objects instead of re-running the expressions.",
            ),
            FollowUp(
                "Is a tuple default safe?",
                "A tuple itself can't change, so yes, unless it holds something mutable: `([],)` still "
                "shares that inner list between calls. Immutability in Python is shallow.",
            ),
            FollowUp(
                "Is a mutable default ever used on purpose?",
                "Sometimes, as a cache that survives between calls, like `def fib(n, _memo={})`. It "
                "works, but it is hidden global state; `functools.lru_cache` or a module-level dict "
                "says the same thing openly and can be cleared.",
            ),
        ),
        fix="Default `$param` to `None` and build a new $kind inside `$function` on every call.",
        fix_code="def $function(..., $param=None):\n    if $param is None:\n        $param = $default",
        demo="""\
def add_item(item, collection=[]):
    collection.append(item)
    return collection

first = add_item("apple")
second = add_item("pear")
assert second == ["apple", "pear"]  # the second call sees the first call's item
assert first is second is add_item.__defaults__[0]  # one list, kept on the function

def add_item_fixed(item, collection=None):
    if collection is None:
        collection = []
    collection.append(item)
    return collection

assert add_item_fixed("apple") == ["apple"] and add_item_fixed("pear") == ["pear"]

def remember(seen=([],)):  # a tuple default still shares the list inside it
    seen[0].append(len(seen[0]))
    return seen[0]

remember()
assert remember() == [0, 1]

def keyword_only(*, tags=[]):  # keyword-only defaults live in __kwdefaults__
    return tags

assert keyword_only() is keyword_only.__kwdefaults__["tags"]
""",
        names=("function", "param"),
        flags="A list, dict or set display or comprehension, a list built by repetition (`[0] * n`), or a "
        "call of `list`, `dict`, `set`, `bytearray`, `deque`, `defaultdict`, `OrderedDict` or `Counter` "
        "(through any import alias) as the default of a positional, keyword-only or lambda parameter. "
        "It is an error when the function mutates, returns, yields or stores the parameter, else a warning.",
        not_flagged=(
            "Tuples, `frozenset()`, `None`, numbers and strings: they cannot change.",
            "`field(default_factory=list)` and other calls: the factory runs per instance.",
            "A name that shadows a builtin (`def list(): ...`): it is not the builtin.",
            "A parameter rebound before use (`items = list(items)`): the default is no longer touched.",
        ),
        references=(
            "https://docs.python.org/3/reference/compound_stmts.html#function-definitions",
            "https://docs.python.org/3/faq/programming.html#why-are-default-values-shared-between-objects",
        ),
        prior_art=("flake8-bugbear B006", "ruff B006", "pylint W0102 dangerous-default-value"),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.defaults: dict[tuple[ast.AST, str], _Default] = {}

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            self._collect(node)
        elif self.defaults:  # the common case, no mutable default in sight, costs nothing
            self._use(node)

    def _collect(self, function: Function) -> None:
        args = function.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        for arg, default in pairs:
            if self.ctx.is_mutable_value(default):
                self.defaults[(function, arg.arg)] = _Default(function, arg.arg, default)

    def _param(self, node: Optional[ast.AST]) -> Optional[_Default]:
        """The tracked default whose parameter `node` names, if it still holds the default."""
        if not isinstance(node, ast.Name):
            return None
        binding = self.ctx.lookup(node.id)
        if binding is None or binding.kind != "param":
            return None  # rebound (`items = list(items)`) before this use: no longer shared
        return self.defaults.get((binding.scope.node, node.id))

    def _use(self, node: ast.AST) -> None:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in MUTATING_METHODS:
                self._mark(self._param(func.value), "mutates", node)
        elif isinstance(node, ast.Subscript):
            if not isinstance(node.ctx, ast.Load):
                self._mark(self._param(node.value), "mutates", node)
        elif isinstance(node, ast.AugAssign):
            self._mark(self._param(node.target), "mutates", node)
        elif isinstance(node, ast.Return):
            self._mark(self._param(node.value), "returns", node)
        elif isinstance(node, ast.Yield):  # not `yield from`: that hands out the elements
            self._mark(self._param(node.value), "yields", node)
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in node.targets):
                self._mark(self._param(node.value), "stores", node)

    @staticmethod
    def _mark(default: Optional[_Default], use: str, node: ast.AST) -> None:
        if default is not None and default.use is None:
            default.use, default.use_node = use, node

    def finish(self) -> None:
        for default in self.defaults.values():
            function = default.function
            body = function.body
            if isinstance(function, ast.Lambda) and isinstance(body, ast.Name) and body.id == default.param:
                default.use, default.use_node = "returns", body  # `lambda acc=[]: acc`
            name = "lambda" if isinstance(function, ast.Lambda) else function.name
            related = []
            context = {
                "function": name,
                "param": default.param,
                "default": self.ctx.segment(default.node),
                "kind": self.ctx.container_kind(default.node),
            }
            if default.use_node is not None:
                related.append((default.use_node, f"'{default.param}' {default.use} the shared default here"))
                context["use"] = default.use
                context["use_line"] = self.ctx.segment(default.use_node)
            self.report(
                default.node,
                severity=Severity.ERROR if default.use else Severity.WARNING,
                related=related,
                fixable=self._fixable(default),
                **context,
            )

    def _fixable(self, default: _Default) -> bool:
        """What pit101_fix rewrites: a `def` (not a lambda) whose body starts on a line of its
        own, and a parameter without a string annotation."""
        function = default.function
        if isinstance(function, ast.Lambda):
            return False
        first = function.body[0]
        before = self.ctx.lines[first.lineno - 1].encode("utf-8")[: first.col_offset]
        if before.strip():
            return False  # `def f(x=[]): return x`
        arguments = function.args
        for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
            if arg.arg == default.param:
                return not (isinstance(arg.annotation, ast.Constant) and isinstance(arg.annotation.value, str))
        return False
