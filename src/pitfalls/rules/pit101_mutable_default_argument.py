"""PIT101: a mutable default argument is created once, when the `def` runs, and shared by every call."""

from __future__ import annotations

import ast
from typing import Mapping, Optional, Union

from pitfalls.analyses.calls import iterated_arguments
from pitfalls.analyses.copies import IN_PLACE_CHANGES
from pitfalls.analyses.mutation import Use, uses_of
from pitfalls.analyses.signatures import header
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.model import classes as _classes, functions as _functions  # noqa: F401  (asked for every def)
from pitfalls.model.scopes import Binding, ScopeKind
from pitfalls.rule import Rule

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]

# A parameter named for state kept on purpose (`_cache`, `memo`, `seen`, `registry`...).
DELIBERATE_WORDS = {
    "cache": "a cache", "caches": "a cache", "cached": "a cache", "memo": "a memo table",
    "memos": "a memo table", "memoize": "a memo table", "memory": "a memo table", "seen": "a \"seen\" set",
    "visited": "a \"seen\" set", "registry": "a registry", "registries": "a registry",
}
# Changes that add to a container (as opposed to replacing what one key or slot holds).
GROWING = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "appendleft", "extendleft",
                     "heappush", "augassign", "__setitem__"})
_ALIAS_DEPTH = 3


class _Default:
    """A parameter (or NamedTuple field) with a shared default, and what its code does with it."""

    def __init__(self, function: ast.AST, name: str, param: str, node: ast.expr, shape: str) -> None:
        self.function = function
        self.name = name  # the function's name ("lambda" for an anonymous lambda) or the class's
        self.param = param
        self.node = node
        self.shape = shape  # value, constant, tuple, generator, field
        self.changes: list[Use] = []  # in place, on the default (or, for a tuple, inside it)
        self.lookups: list[Use] = []
        self.use: Optional[str] = None  # returns, yields, stores, iterates
        self.use_node: Optional[ast.AST] = None
        self.store: Optional[ast.AST] = None  # `self.x = param`, changed by a method at `changes[0]`


class MutableDefaultArgument(Rule):
    code = "PIT101"
    name = "mutable-default-argument"
    fixable = True
    fixer = "pitfalls.rules.pit101_fix:fix"
    fix_is_safe = False  # a caller passing None on purpose now gets a new object
    severity = Severity.ERROR
    other_severities = {
        Severity.HAZARD: 'when the function only reads, returns, yields or stores the default, and for state kept '
                         'on purpose (a memo table, cache, counter or "seen" set)',
    }
    peer_codes = ("B006", "W0102", "dangerous-default-value")  # bugbear/ruff, pylint: a line silenced for them is not reported
    summary = "A list, dict or set used as a default argument is shared by every call"
    message = "Default {default} of '{param}' {sharing} every call of '{function}'"
    needs = ("=",)
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
        "sharing": "is created once and shared by",
        "use": "grows",
        "use_line": "collection.append(item)",
        "shape": "value",
        "where": "def",
        "signature": "def add_item(item, collection=[]):",
        "fixed_signature": "def add_item(item, collection=None):",
    }

    explanation = Explanation(
        definition="$definition",
        variant_key="use",
        implication={
            "grows": "`$function` changes it with `$use_line`, so each call that leaves out `$param` starts "
            "with whatever earlier calls left behind, and the $kind keeps growing for as long as `$function` "
            "exists.",
            "mutates": "`$function` changes it with `$use_line`, so a call that leaves out `$param` starts "
            "with whatever an earlier call left in it.",
            "changes_module": "`$function` changes it with `$use_line`, so a call that leaves out `$param` "
            "changes the module's `$default` for everyone who reads it, on purpose or not.",
            "inner": "The tuple itself can't change, but `$function` changes what it holds with `$use_line`, "
            "so a call that leaves out `$param` starts with whatever an earlier call left in it.",
            "through_self": "`$function` stores it with `$store_line`, and `$use_line` changes it in place, so "
            "every instance built without `$param` changes the one $kind they all share.",
            "returns": "`$function` returns that shared $kind, so a caller who changes the result "
            "silently changes the default for every later call.",
            "yields": "`$function` yields that shared $kind, so a caller who changes it silently "
            "changes the default for every later call.",
            "stores": "`$function` stores it with `$use_line`, so every object built without "
            "`$param` holds the same $kind, and a change through one shows up in all of them.",
            "iterates": "`$function` iterates it with `$use_line`, so the first call that leaves out `$param` "
            "uses it up and every later one finds it empty.",
            "generator": "Only the first iteration of it, in whichever call gets there first, sees any items; "
            "every later one finds it empty.",
            "deliberate": "`$function` keeps $purpose in it on purpose (`$use_line`); that works, but the "
            "state hides in the signature, where a caller can replace it by accident and nobody can clear it.",
            "deliberate_module": "`$function` keeps $purpose in it on purpose (`$use_line`), and the default "
            "names the module's `$default`: shared state, in plain sight.",
            "field": "Every `$function(...)` built without `$param` holds that one $kind, so a change "
            "through one instance shows up in all of them.",
            "tuple": "The tuple can't change, but what it holds can, and every call shares it; nothing here "
            "changes it yet.",
            "": "`$function` only reads it today, so nothing breaks yet; the first $first_change someone "
            "adds will leak state between calls.",
        },
        example={
            "": "$signature",
            "grows": "$signature\n    $use_line",
            "mutates": "$signature\n    $use_line",
            "changes_module": "$signature\n    $use_line",
            "inner": "$signature\n    $use_line",
            "iterates": "$signature\n    $use_line",
            "deliberate": "$signature\n    $use_line",
            "deliberate_module": "$signature\n    $use_line",
            "stores": "$signature\n    $use_line",
            "through_self": "$signature\n    $store_line",
        },
        layer="$layer",
        follow_ups=(
            FollowUp(
                "Why does Python evaluate defaults only once?",
                "$evaluated",
            ),
            FollowUp(
                "Is a tuple default safe?",
                "A tuple itself can't change, so yes, unless it holds something mutable: `([],)` still "
                "shares that inner list between calls. Immutability in Python is shallow.",
            ),
            FollowUp(
                "Is a mutable default ever used on purpose?",
                "Sometimes, as state that survives between calls, like `def fib(n, _memo={})`. It works, but "
                "it is hidden global state; `functools.lru_cache` or a module-level dict says the same thing "
                "openly and can be cleared.",
            ),
        ),
        fix="$fix_text",
        fix_code="$fix_code",
        key_points=(
            "$kp_evaluated",
            "$kp_shared",
            "$kp_fix",
        ),
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

def outer():  # a nested def runs on every call of outer: its defaults are new each time
    def inner(acc=[]):
        acc.append(1)
        return acc
    inner()
    return inner()

assert outer() == [1, 1] and outer() == [1, 1]

def squares(values=(i * i for i in range(3))):  # one generator: the second call finds it used up
    return sum(values)

assert squares() == 5 and squares() == 0

from typing import NamedTuple

class Order(NamedTuple):
    items: list = []

Order().items.append("pen")
assert Order().items == ["pen"]  # every Order built without items shares one list

from collections import deque

def last_three(x, window=deque(maxlen=3)):  # shared, but bounded: it never holds more than 3
    window.append(x)
    return list(window)

for n in range(10):
    last_three(n)
assert last_three(10) == [8, 9, 10]
""",
        names=("function", "param"),
        flags="A list, dict or set display or comprehension, a list built by repetition (`[0] * n`), or a "
        "call of `list`, `dict`, `set`, `bytearray`, `array.array`, `deque`, `defaultdict`, `OrderedDict`, "
        "`Counter`, `ChainMap`, `UserDict` or `UserList` (through any import alias) as the default of a "
        "positional, keyword-only or lambda parameter; a default naming a module-level name bound once to "
        "such a value; a tuple holding one; a generator expression; a mutable default of a `NamedTuple` "
        "field. It is an error when the function changes the default in place (directly, through an alias, "
        "or stored on `self` and changed by a method), or iterates a generator default; a hazard, reported "
        "only in strict mode, when it only reads, returns, yields or stores it, and for state kept on "
        "purpose (a memo table, cache, counter cell or \"seen\" set).",
        not_flagged=(
            "Tuples of immutable values, `frozenset()`, `None`, numbers and strings: they cannot change.",
            "`field(default_factory=list)` and other calls: the factory runs per instance.",
            "A `weakref.WeakKeyDictionary()` cache: it lets go of what it holds.",
            "A name that shadows a builtin (`def list(): ...`): it is not the builtin.",
            "A parameter rebound before use (`items = list(items)`): the default is no longer touched.",
        ),
        references=(
            "https://docs.python.org/3/reference/compound_stmts.html#function-definitions",
            "https://docs.python.org/3/faq/programming.html#why-are-default-values-shared-between-objects",
        ),
        prior_art=("flake8-bugbear B006", "ruff B006", "pylint W0102 dangerous-default-value"),
    )

    # -- detection ---------------------------------------------------------------------------

    def finish(self) -> None:
        for node in self.ctx.function_defs:
            self._function(node)
        for node in self.ctx.class_defs:
            self._named_tuple(node)

    def _shape(self, default: ast.expr) -> Optional[str]:
        ctx = self.ctx  # names in a default read what they were when the `def` ran: the walk's references
        if ctx.is_mutable_value(default):
            return "value"
        if isinstance(default, ast.GeneratorExp):
            return "generator"
        if isinstance(default, ast.Tuple) and any(
            ctx.is_mutable_value(e) or (isinstance(e, ast.Name) and self._constant(e)) for e in default.elts
        ):
            return "tuple"
        if isinstance(default, ast.Name) and self._constant(default):
            return "constant"
        return None

    def _constant(self, name: ast.Name) -> Optional[ast.expr]:
        """The value of a module-level name bound once, to a mutable value (`GLOBAL_SET = set()`)."""
        binding = self.ctx.resolve(name)
        if binding is None or binding.scope.kind is not ScopeKind.MODULE or binding.kind != "assign":
            return None
        if len(binding.scope.bindings.get(name.id, ())) != 1 or not self.ctx.is_mutable_value(binding.value):
            return None
        return binding.value

    def _function(self, node: Function) -> None:
        ctx = self.ctx
        args = node.args
        if not any(d is not None and self._shape(d) for d in (*args.defaults, *args.kw_defaults)):
            return  # most defs: no shared default, so no need for the body's facts
        facts = ctx.function(node)
        scope = ctx.scopes.get(node)
        if scope is None:
            return
        for parameter in facts.parameters:
            default = parameter.default
            if default is None:
                continue
            shape = self._shape(default)
            if shape is None:
                continue
            found = _Default(node, facts.name, parameter.name, default, shape)
            binding = next(
                (b for b in scope.bindings.get(parameter.name, ()) if b.kind == "param" and b.node is parameter.node),
                None,
            )
            if binding is not None:
                self._follow(found, binding, 0)
            if isinstance(node, ast.Lambda) and isinstance(node.body, ast.Name) and node.body.id == parameter.name:
                found.use, found.use_node = found.use or "returns", node.body
            self._report(found)

    def _follow(self, found: _Default, binding: Binding, depth: int) -> None:
        """What the code does with the default through each load of `binding` (the parameter, or an
        alias `seen = acc`, walrus too)."""
        ctx, parents = self.ctx, self.ctx.parents
        for reference in binding.references:
            node = reference.node
            parent = parents.get(node)
            for use in uses_of(ctx, node):
                if use.how == "lookup":
                    found.lookups.append(use)
                elif found.shape == "tuple":
                    if use.element:
                        found.changes.append(use)
                elif found.shape != "generator" and (use.how != "augassign" or found.shape != "constant"):
                    found.changes.append(use)
            if found.shape == "generator" and self._iterated(node, parent):
                found.changes.append(Use("iterate", parent))
            if isinstance(parent, ast.Return) and found.use is None:
                found.use, found.use_node = "returns", parent
            elif isinstance(parent, (ast.Yield,)) and found.use is None:
                found.use, found.use_node = "yields", parent
            elif isinstance(parent, (ast.Assign, ast.NamedExpr)) and parent.value is node:
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                for target in targets:
                    if isinstance(target, ast.Name) and depth < _ALIAS_DEPTH:
                        alias = next((b for b in reference.scope.bindings.get(target.id, ())
                                      if b.node is target or (b.value is node and b.name == target.id)), None)
                        if alias is None:
                            alias = ctx.scopes.get(binding.scope.node, binding.scope).bindings.get(target.id, [None])[-1]
                        if alias is not None and alias is not binding and alias.value is node:
                            self._follow(found, alias, depth + 1)
                    elif isinstance(target, (ast.Attribute, ast.Subscript)):
                        if found.use is None:
                            found.use, found.use_node = "stores", parent
                        if isinstance(target, ast.Attribute) and found.store is None:
                            change = self._changed_through_self(target)
                            if change is not None:
                                found.store = parent
                                found.changes.append(change)

    def _iterated(self, node: ast.AST, parent: Optional[ast.AST]) -> bool:
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
            return True
        if isinstance(parent, (ast.YieldFrom, ast.Starred)):
            return True
        if isinstance(parent, ast.Call) and node in parent.args:
            if self.ctx.call_name(parent) == "builtins.next":
                return True
            return any(a is node for a in iterated_arguments(self.ctx, parent, self.ctx.scope_of(parent)))
        return False

    def _changed_through_self(self, target: ast.Attribute) -> Optional[Use]:
        """`self.items = items` where a method of the class (or of a class around it in this module)
        changes `self.items` in place: that change."""
        method = self.ctx.classes.instance_of(target.value)
        if method is None:
            return None
        cls = method.cls
        for family in (*cls.mro(), *cls.subclasses()):
            for member in family.members:
                for attribute in member.loads(target.attr):
                    for use in uses_of(self.ctx, attribute.node):
                        if use.how != "lookup":
                            return use
        return None

    def _named_tuple(self, node: ast.ClassDef) -> None:
        ctx = self.ctx
        facts = ctx.classes.of(node)
        if facts.family != "namedtuple":
            return
        for statement in node.body:
            if not (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)):
                continue
            value = statement.value
            if value is None or self._shape(value) not in ("value", "constant"):
                continue
            found = _Default(node, node.name, statement.target.id, value, "field")
            for member in facts.members:
                for attribute in member.loads(statement.target.id):
                    found.changes += [u for u in uses_of(ctx, attribute.node) if u.how != "lookup"]
            self._report(found)

    # -- tiers --------------------------------------------------------------------------------

    def _purpose(self, found: _Default) -> str:
        """Why the state looks kept on purpose ("a memo table"...), or ""."""
        for word in found.param.lower().strip("_").split("_"):
            if word in DELIBERATE_WORDS:
                return DELIBERATE_WORDS[word]
        if not found.changes or found.shape in ("generator", "field"):
            return ""
        node = found.node
        if (
            isinstance(node, ast.List) and len(node.elts) == 1
            and all(c.how in ("store", "item-augassign") and self._constant_key(c) for c in found.changes)
        ):
            return "a counter cell"
        first = min(found.changes, key=lambda u: _position(u.node))
        changes = [c.node for c in found.changes]
        for lookup in found.lookups:
            if _position(lookup.node) >= _position(first.node):
                continue
            statement = self.ctx.statement(lookup.node)
            if statement is None or statement is self.ctx.statement(first.node):
                continue
            if isinstance(statement, ast.Return) or self._in_try_body(lookup.node):
                return self._memo_or_seen(found)
            if isinstance(statement, (ast.If, ast.While)) and self._inside(lookup.node, [statement.test]):
                negated = isinstance(lookup.node, ast.Compare) and isinstance(lookup.node.ops[0], ast.NotIn)
                found_arm = statement.orelse if negated else statement.body
                if not any(self._inside(c, found_arm) for c in changes):
                    return self._memo_or_seen(found)
        return ""

    def _memo_or_seen(self, found: _Default) -> str:
        kind = self.ctx.container_kind(found.node)
        return "a \"seen\" set" if kind == "set" else "a memo table" if kind in ("dict", "OrderedDict") else "state"

    @staticmethod
    def _constant_key(use: Use) -> bool:
        node = use.node
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            node = node.targets[0] if isinstance(node, ast.Assign) else node.target
        return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)

    def _inside(self, node: ast.AST, block: list) -> bool:
        wanted = set(map(id, block))
        return id(node) in wanted or any(id(a) in wanted for a in self.ctx.ancestors(node))

    def _in_try_body(self, node: ast.AST) -> bool:
        child = node
        for ancestor in self.ctx.ancestors(node):
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return False
            if isinstance(ancestor, ast.Try) and any(s is child for s in ancestor.body) and ancestor.handlers:
                return True
            child = ancestor
        return False

    # -- the report ---------------------------------------------------------------------------

    def _report(self, found: _Default) -> None:
        ctx = self.ctx
        purpose = self._purpose(found)
        changes = sorted(found.changes, key=lambda u: _position(u.node))
        related: list[tuple[ast.AST, str]] = []
        context = {
            "function": found.name,
            "param": found.param,
            "default": ctx.segment(found.node),
            "kind": self._kind(found),
            "shape": found.shape,
            "where": self._where(found),
        }
        severity = Severity.HAZARD
        if purpose:
            context["use"] = "deliberate_module" if found.shape == "constant" else "deliberate"
            context["purpose"] = purpose
            use_node = (changes[0].node if changes else None) or (found.lookups[0].node if found.lookups else None)
        elif changes and found.shape == "constant":
            # `config=config`: the module's own object, shared in plain sight (dask's config.pop): a hazard
            use_node = changes[0].node
            context["use"] = "changes_module"
        elif changes:
            severity = Severity.ERROR
            first = changes[0]
            use_node = first.node
            if found.shape == "generator":
                context["use"] = "iterates"
            elif found.store is not None:
                context["use"] = "through_self"
                context["store_line"] = self._line(found.store)
                related.append((found.store, f"'{found.param}' is stored here"))
            elif found.shape == "tuple":
                context["use"] = "inner"
            else:
                context["use"] = "grows" if self._grows(found, changes) else "mutates"
        else:
            use_node = found.use_node
            if found.shape in ("generator", "tuple", "field"):
                found.use = None  # returned or stored, the trap is the shape's own
            context["use"] = found.use or {"generator": "generator", "field": "field", "tuple": "tuple"}.get(
                found.shape, "")
        if use_node is not None:
            context["use_line"] = self._line(use_node)
            verb = {"iterates": "iterates", "deliberate": "keeps state in", "deliberate_module": "keeps state in", "returns": "returns", "yields": "yields",
                    "stores": "stores"}.get(context["use"], "mutates" if severity is Severity.ERROR else "uses")
            related.append((use_node, f"'{found.param}' {verb} the shared default here"))
        context["sharing"] = "is created once and shared by"
        if found.shape == "constant":
            context["constant_kind"] = ctx.container_kind(self._constant(found.node))  # type: ignore[arg-type]
            context["sharing"] = f"is the module's own {context.get('kind', 'object')}, shared by"
        context.update(self._signatures(found))
        self.report(
            found.node, severity=severity, related=related,
            fixable=not purpose and self._fixable(found), **context,
        )

    def _kind(self, found: _Default) -> str:
        if found.shape == "generator":
            return "generator"
        if found.shape == "tuple":
            return "tuple"
        return self.ctx.container_kind(self._constant(found.node) if found.shape == "constant" else found.node)

    def _where(self, found: _Default) -> str:
        function = found.function
        if found.shape == "field":
            return "field"
        if isinstance(function, ast.Lambda):
            return "lambda"
        if self.ctx.enclosing_function(function) is not None:
            return "nested"
        return "def"

    def _grows(self, found: _Default, changes: list[Use]) -> bool:
        """Whether "keeps growing" is true: something is added each time, not one key or slot replaced,
        not into a bounded deque, not guarded by a test of the default, and not in a nested def."""
        if self._where(found) != "def":
            return False
        node = self._constant(found.node) if found.shape == "constant" else found.node
        if isinstance(node, ast.Call) and any(k.arg == "maxlen" for k in node.keywords):
            return False
        for change in changes:
            grows = change.how in GROWING or (change.how == "store" and not self._constant_key(change))
            if not grows:
                continue
            guard = next((a for a in self.ctx.ancestors(change.node) if isinstance(a, ast.If)), None)
            if guard is not None and any(
                isinstance(n, ast.Name) and n.id == found.param for n in ast.walk(guard.test)
            ):
                continue  # `if not cache: cache.append(...)`: filled once
            return True
        return False

    def _line(self, node: ast.AST) -> str:
        """The whole statement when it is a simple one on one line, else the expression."""
        statement = self.ctx.statement(node)
        simple = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Delete)
        if isinstance(statement, simple) and statement.lineno == statement.end_lineno:
            text = self.ctx.source(statement)
            if len(text) <= 80:
                return text
        return self.ctx.segment(node)

    def _signatures(self, found: _Default) -> dict[str, str]:
        """The real header of the def (or the lambda, or the field) and the header as fixed."""
        function = found.function
        if found.shape == "field":
            return {"signature": f"class {found.name}(NamedTuple):\n    {self._line(found.node)}"}
        if isinstance(function, ast.Lambda):
            name = found.name if found.name != "lambda" else "function"
            return {"signature": self._line(function), "fixed_signature": header(function, found.param, function_name=name),
                    "lambda_body": ast.unparse(function.body)}
        return {"signature": header(function, focus=found.param), "fixed_signature": header(function, found.param)}

    def _fixable(self, found: _Default) -> bool:
        """What pit101_fix rewrites safely: a `def` (not a lambda) whose body starts on a line of its
        own, a parameter without a string annotation, a default that names nothing the function binds
        (`lnum=[lnum]` in a nested def would read the parameter), and no `None` argument that means
        something (`if param is None` in the body, or a call passing None)."""
        function = found.function
        if isinstance(function, ast.Lambda) or found.shape in ("constant", "field"):
            return False
        first = function.body[0]  # type: ignore[attr-defined]
        before = self.ctx.lines[first.lineno - 1].encode("utf-8")[: first.col_offset]
        if before.strip():
            return False  # `def f(x=[]): return x`
        scope = self.ctx.scopes.get(function)
        own = set(scope.bindings) if scope is not None else set()
        if any(isinstance(n, ast.Name) and n.id in own for n in ast.walk(found.node)):
            return False
        if self._none_means_something(found, scope):
            return False
        parameter = self.ctx.function(function).parameter(found.param)
        annotation = parameter.annotation if parameter is not None else None
        return not (isinstance(annotation, ast.Constant) and isinstance(annotation.value, str))

    def _none_means_something(self, found: _Default, scope) -> bool:
        if scope is not None:
            for binding in scope.bindings.get(found.param, ()):
                for reference in binding.references:
                    parent = self.ctx.parent(reference.node)
                    if isinstance(parent, ast.Compare) and any(
                        isinstance(c, ast.Constant) and c.value is None for c in (parent.left, *parent.comparators)
                    ):
                        return True
        facts = self.ctx.function(found.function)
        binding = facts.binding
        if binding is None:
            return False
        index = next((i for i, p in enumerate(facts.positional) if p.name == found.param), None)
        for reference in binding.references:
            call = self.ctx.parent(reference.node)
            if isinstance(call, ast.Call) and call.func is reference.node:
                passed = [k.value for k in call.keywords if k.arg == found.param]
                if index is not None and index < len(call.args):
                    passed.append(call.args[index])
                if any(isinstance(v, ast.Constant) and v.value is None for v in passed):
                    return True
        return False

    # -- the answer ---------------------------------------------------------------------------

    @classmethod
    def elaborate(cls, context: Mapping[str, str]) -> Mapping[str, str]:
        function, param, default = context.get("function", "f"), context.get("param", "x"), context.get("default", "[]")
        kind, where, shape = context.get("kind", "list"), context.get("where", "def"), context.get("shape", "value")
        use = context.get("use", "")
        signature = context.get("signature", f"def {function}({param}={default}):")
        fixed = context.get("fixed_signature", signature.replace(f"{param}={default}", f"{param}=None"))
        statement = "the lambda expression is evaluated" if where == "lambda" else f"the `def {function}` statement runs"
        if shape == "field":
            definition = (f"`{param} = {default}` in the NamedTuple `{function}` is evaluated once, when the class "
                          f"statement runs, and every `{function}` built without `{param}` gets that same {kind}.")
        elif shape == "constant":
            definition = (f"`{param}={default}` hands every call that leaves out `{param}` the one module-level "
                          f"{kind} `{default}`, the same object the rest of the module sees.")
        elif shape == "generator":
            definition = (f"Python evaluates `{param}={default}` when {statement}, so every call that leaves out "
                          f"`{param}` gets one and the same generator, and a generator can be iterated only once.")
        elif where == "nested":
            definition = (f"Python evaluates `{param}={default}` each time {statement}, and every call of that "
                          f"`{function}` that leaves out `{param}` gets the same {kind}.")
        else:
            definition = (f"Python evaluates `{param}={default}` once, when {statement}, and every call that "
                          f"leaves out `{param}` gets that same {kind}.")
        evaluated = (
            "A `def` is a statement: each time execution reaches it, it builds a new function object and "
            "evaluates the defaults then, keeping them in `__defaults__` (or `__kwdefaults__` for keyword-only "
            f"ones). Calls of that function object, `{function}` here, reuse those objects instead of running "
            "the expressions again."
        )
        if where == "lambda":
            evaluated = evaluated.replace("A `def` is a statement: each time execution reaches it", "A lambda is an "
                                          "expression: each time it is evaluated")
        elif shape == "field":
            evaluated = (f"The class body runs once; NamedTuple keeps `{default}` as the default of `{param}` in "
                         f"`{function}.__new__.__defaults__`, and every instance built without `{param}` gets it.")
        upper = param.strip("_").upper() or "STATE"
        if use == "deliberate_module":
            layer = (f"Keep it: the state is already visible, in the module's `{default}`, and a caller can pass "
                     f"its own `{param}` to keep apart from it.")
            fix_text = (f"Nothing to change. To make it plainer still, say in `{function}`'s docstring that calls "
                        f"without `{param}` use the module's `{default}`.")
            fix_code = signature
        elif use == "deliberate":
            layer = (f"Keep it, make it visible: a module-level `_{upper} = {default}` (or `functools.lru_cache` "
                     "for a memo table) says openly that the state is shared, and can be cleared in tests.")
            fix_text = (f"Keep the state, but move it out of the signature: a module-level `_{upper}` that "
                        f"`{function}` uses, so no caller can pass a replacement by accident.")
            without = _drop_param(signature, param, default)
            fix_code = f"_{upper} = {default}  # shared on purpose\n\n{without}\n    {param} = _{upper}"
        elif shape == "constant":
            layer = (f"Unlike `{param}=[]`, the sharing is in plain sight: the default names the module's "
                     f"`{default}`. The surprise is for a caller who leaves `{param}` out expecting a {kind} of its "
                     "own.")
            copied = f"copy.deepcopy({default})"  # its own all the way down: a shallow copy would share the rows
            if param == default:  # `config=config`: in the body, the parameter hides the module's name
                fix_text = (f"Keep it if `{function}` is meant to work on the module's `{default}`, and say so in "
                            f"its docstring. If each call should get its own, default `{param}` to `None` and copy "
                            f"the module's {kind} in the body, under a name the parameter does not hide.")
                alias = f"_DEFAULT_{upper}"
                fresh_copy = copied.replace(f"({default})", f"({alias})")
                fix_code = (f"import copy\n\n{alias} = {default}\n\n{fixed}\n    if {param} is None:\n"
                            f"        {param} = {fresh_copy}")
            else:
                fix_text = (f"Keep it if `{function}` is meant to work on the module's `{default}`, and say so in "
                            f"its docstring. If each call should get its own, default `{param}` to `None` and copy "
                            f"`{default}` in the body.")
                fix_code = f"import copy\n\n{fixed}\n    if {param} is None:\n        {param} = {copied}"
        elif shape == "field":
            layer = ("A NamedTuple has no default factory; a `dataclass` with `field(default_factory=...)` builds "
                     "a fresh value for each instance.")
            fix_text = f"Make `{function}` a dataclass whose `{param}` field has `default_factory={kind}`."
            fix_code = f"@dataclass\nclass {function}:\n    {param}: {kind} = field(default_factory={kind})"
        else:
            layer = ("The usual cure is a `None` default and a fresh value built in the body; where `None` is "
                     "itself a meaningful argument, use a private marker such as `_MISSING = object()` and test "
                     "`is _MISSING`.")
            fresh = default
            if where == "lambda":
                fix_text = (f"Turn the lambda into a `def` with `{param}=None` and build a new {kind} in its body "
                            "on every call.")
            else:
                fix_text = f"Default `{param}` to `None` and build a new {kind} inside `{function}` on every call."
            fix_code = f"{fixed}\n    if {param} is None:\n        {param} = {fresh}"
            if where == "lambda":
                fix_code += f"\n    return {context.get('lambda_body', param)}"
        # key points: true of this shape and use, like the definition and fix they distil
        if shape == "field":
            kp_evaluated = f"`{param}`'s default is evaluated once, when the class statement runs"
            kp_shared = f"Every `{function}` built without `{param}` shares that one {kind}"
        elif shape == "constant":
            kp_evaluated = f"The default is the module-level `{default}` itself, not a copy"
            kp_shared = f"Every call that leaves out `{param}` shares that one {kind}"
        else:
            when = ("each time the `def` runs, not per call" if where == "nested" else
                    "once, when the lambda expression is evaluated" if where == "lambda" else
                    f"once, when `def {function}` runs")
            kp_evaluated = f"`{param}`'s default is evaluated {when}"
            kp_shared = (f"Every call that leaves out `{param}` shares one generator, usable once"
                         if shape == "generator" else f"Every call that leaves out `{param}` shares that one {kind}")
        if use == "deliberate_module":
            kp_fix = f"Fix: none needed; say in the docstring that it uses `{default}`"
        elif use == "deliberate":
            kp_fix = f"Fix: keep the state in a module-level `_{upper}`, out of the signature"
        elif shape == "constant":
            kp_fix = "Fix: if each call needs its own, a `None` default and a copy"
        elif shape == "field":
            kp_fix = f"Fix: a dataclass field with `default_factory={kind}`"
        elif where == "lambda":
            kp_fix = f"Fix: a `def` with a `None` default and a new {kind} inside"
        else:
            kp_fix = f"Fix: a `None` default and a new {kind} built inside `{function}`"
        return {
            "kp_evaluated": kp_evaluated, "kp_shared": kp_shared, "kp_fix": kp_fix,
            "definition": definition, "evaluated": evaluated, "layer": layer, "fix_text": fix_text,
            "fix_code": fix_code, "signature": signature, "purpose": context.get("purpose", "state"),
            "use_line": context.get("use_line", param), "store_line": context.get("store_line", param),
            "first_change": IN_PLACE_CHANGES.get(context.get("constant_kind", kind), "change in place"),
        }


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _drop_param(signature: str, param: str, default: str) -> str:
    """The signature without the parameter that held the state (best effort, text level)."""
    for text in (f", {param}={default}", f"{param}={default}, ", f"{param}={default}", f", {param} = {default}"):
        if text in signature:
            return signature.replace(text, "", 1)
    return signature
