"""PIT702: `__init__` puts `self` into a class- or module-level container nothing ever empties."""

from __future__ import annotations

import ast
import re
from typing import Optional

from pitfalls.analyses.mutation import REMOVALS, value_container
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.model.scopes import ScopeKind
from pitfalls.rule import Rule

# Calls that put their argument into the receiver and keep it there.
ADDS = frozenset({"append", "add", "appendleft", "insert", "setdefault", "extend"})
# Built-ins that only read a container handed to them (anything else may take items out).
READERS = frozenset(
    "builtins." + name for name in (
        "len", "list", "tuple", "sorted", "set", "frozenset", "iter", "enumerate", "any", "all", "sum", "min",
        "max", "reversed", "dict", "isinstance", "repr", "str", "print", "id", "bool", "zip", "map", "filter",
    )
)
WEAK_FIX = {"list": "WeakSet", "set": "WeakSet", "deque": "WeakSet", "value": "WeakValueDictionary",
            "key": "WeakKeyDictionary"}
INITS = ("__init__", "__post_init__")
# The message's reason, per variant.
WHY = {
    "": "nothing in this module reads it or removes one",
    "used": "it is read here, but nothing removes one",
    "del": "only '__del__' removes one, and it never runs",
    "lookup": "entries are looked up by key, and nothing here removes one",
    "escapes": "it is handed to code that may remove",
    "few": "nothing here removes one (made only at module level here)",
    "test": "a test double's record that nothing here empties",
}
# The fix for a registry that may be kept on purpose.
KEEP_OR_WEAKEN = ("If every `$cls` must stay {need}, keep `$container` and say so where it is defined; if not, "
                  "hold them weakly, so the ones nothing else uses go away:")
# The text of an `__init__` that may file `self` somewhere: `.append(self)`, `= self`, `[self]`.
FILES_SELF = re.compile(r"\bself\b\s*\)|=\s*self\s*(#|$)|\[\s*self\s*\]", re.MULTILINE)
# Test doubles record their instances on purpose: a class named so, or any class of a test module.
DOUBLE = re.compile(r"^_*(Fake|Mock|Stub|Dummy|Spy|Recording)|(Fake|Mock|Stub|Dummy|Spy)$")


class InstanceRegistryLeak(Rule):
    code = "PIT702"
    name = "instance-registry-leak"
    severity = Severity.WARNING
    other_severities = {
        Severity.HAZARD: "when entries are read back, looked up by key, removed only in `__del__`, handed to other"
                         " code, made only at module level, or kept by a test double",
    }
    needs = ("__init__", "__post_init__")
    summary = "__init__ puts self into a class- or module-level container that nothing ever removes from"
    message = "'{site}' keeps every '{cls}' alive in '{container}': {why}"
    bad_example = """\
class Connection:
    instances = []

    def __init__(self, host):
        self.host = host
        Connection.instances.append(self)
"""
    good_example = """\
import weakref


class Connection:
    instances = weakref.WeakSet()

    def __init__(self, host):
        self.host = host
        Connection.instances.add(self)
"""
    example_context = {
        "site": "Connection.instances.append(self)",
        "cls": "Connection",
        "container": "Connection.instances",
        "why": "nothing in this module reads it or removes one",
        "variant": "",
        "where": "on the class, as long as the class does",
        "decl": "instances = []",
        "fixed": "instances = weakref.WeakSet()\nConnection.instances.add(self)",
        "clear": "Connection.instances.clear()",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`$site` in `$cls.__init__` puts every new `$cls` into `$container`, which holds a strong "
        "reference to each one and lives $where.",
        implication={
            "": "Nothing in this module reads it or takes one out, so no `$cls` is ever freed: memory grows with "
            "every instance made, along with everything each one holds.",
            "used": "The module reads it, so keeping them is the point; but nothing takes one out, so every `$cls` "
            "ever made stays alive, in use or not, with everything it holds.",
            "del": "Its only removal is in `__del__`, which runs once nothing references the object; "
            "`$container` always does, so it never runs, and no `$cls` is ever freed.",
            "lookup": "Its entries are looked up or checked by key, so keeping them may be the point; but nothing "
            "here takes one out, so every `$cls` filed there stays alive.",
            "escapes": "Nothing in this module takes one out; `$container` is handed to other code, which may. If "
            "it doesn't, every `$cls` ever made stays alive.",
            "test": "Recording every instance is what a test double is for, and the test run ends soon; but "
            "nothing here empties `$container`, so each test also sees the instances of the tests before it.",
            "few": "Nothing here takes one out. This module makes `$cls` only at module level, so they are few, but "
            "every one made anywhere else stays alive too.",
        },
        example="$decl\n$site",
        layer="Holding a reference keeps an object alive. CPython frees an object when its last reference goes, "
        "and the garbage collector only frees what nothing reachable points to; a container at module or class "
        "level is always reachable, so everything in it is too.",
        follow_ups=(
            FollowUp(
                "Why doesn't a `__del__` that removes it help?",
                "`__del__` runs only when nothing references the object any more. The container does, so "
                "`__del__` never runs for an instance still in it.",
            ),
            FollowUp(
                "Does a `WeakSet` keep the order?",
                "No, it is a set, with `add`, not `append`. When order matters, use a `WeakValueDictionary` keyed "
                "by a counter.",
            ),
            FollowUp(
                "How can I see it happen?",
                "Take `weakref.ref(obj)`, drop every name for the object and run `gc.collect()`: the weakref still "
                "returns it, and `len($container)` only ever grows.",
            ),
        ),
        fix={
            "": "Hold the instances weakly, so the container forgets each one once nothing else uses it: a "
            "`weakref.WeakSet` for a list or set, a `WeakValueDictionary` for a dict of instances. Or take each "
            "one out in an explicit `close()`.",
            "del": "Hold the instances weakly, so the container forgets each one once nothing else uses it, and drop "
            "the removal in `__del__`: a `weakref.WeakSet` for a list or set, a `WeakValueDictionary` for a dict.",
            "used": KEEP_OR_WEAKEN.format(need="reachable"),
            "lookup": KEEP_OR_WEAKEN.format(need="findable"),
            "few": KEEP_OR_WEAKEN.format(need="reachable"),
            "test": "Empty it between tests, in `setUp` or an autouse fixture, so each test sees only the instances "
            "it made:",
        },
        fix_code={"": "import weakref\n$fixed", "test": "$clear"},
        key_points=(
            "`$container` holds a strong reference to every `$cls` it gets",
            "An object is freed only once nothing reachable refers to it",
            "Fix: hold them weakly (`weakref.WeakSet`), or take each one out",
        ),
        demo="""\
import gc
import weakref


class Connection:
    instances = []
    closed = 0

    def __init__(self, host):
        self.host = host
        Connection.instances.append(self)

    def __del__(self):
        Connection.closed += 1
        Connection.instances.remove(self)


first = Connection("db1")
alive = weakref.ref(first)
del first
gc.collect()
assert alive() is not None  # the class-level list still holds it
for n in range(3):
    Connection(f"db{n}")
assert len(Connection.instances) == 4  # only ever grows
assert Connection.closed == 0  # __del__ never ran: the list references them


class Fixed:
    instances = weakref.WeakSet()

    def __init__(self, host):
        self.host = host
        Fixed.instances.add(self)


assert not hasattr(Fixed.instances, "append")
conn = Fixed("db1")
assert len(Fixed.instances) == 1
gone = weakref.ref(conn)
del conn
gc.collect()
assert gone() is None and len(Fixed.instances) == 0  # forgotten once unused

by_id = weakref.WeakValueDictionary()
conn = Fixed("db2")
by_id[id(conn)] = conn
del conn
gc.collect()
assert len(by_id) == 0

ordered = weakref.WeakValueDictionary()  # keyed by a counter: keeps the order made
kept = [Fixed(f"h{n}") for n in range(3)]
for n, conn in enumerate(kept):
    ordered[n] = conn
assert list(ordered) == [0, 1, 2]
""",
        names=("site", "cls", "container"),
        flags="In `__init__` (or `__post_init__`), `self` appended or added to, inserted in, or stored as a "
        "value or key of, a list, set, dict or deque bound at module level or on the class (`Foo.instances`, "
        "`type(self).instances`, `self.__class__.registry`, `self.instances` when no instance attribute shadows "
        "it, `_registry[id(self)] = self`, `_by_kind[kind].append(self)`), when nothing in the module ever "
        "takes items out of it.",
        not_flagged=(
            "`weakref.WeakSet`, `WeakValueDictionary`, `WeakKeyDictionary`, or a container of unknown type.",
            "Any removal in the module (`remove`, `discard`, `pop`, `clear`, `del x[...]`, `x[:] = ...`, a new "
            "container bound to the name), or a `weakref.finalize`.",
            "Registries of classes (`__init_subclass__`, metaclasses), singletons, and containers on the instance "
            "itself.",
            "Hazards, shown in strict mode: a table read back by key (named instances looked up later), a class "
            "the module makes only at module level, a container handed to other code, and a removal only in "
            "`__del__` (which never runs while the container holds the instance).",
        ),
        references=(
            "https://docs.python.org/3/library/weakref.html#weakref.WeakSet",
            "https://docs.python.org/3/reference/datamodel.html#object.__del__",
        ),
        prior_art=("No linter has this rule; the weakref module's documentation describes the pattern.",),
    )

    def finish(self) -> None:
        ctx = self.ctx
        for class_def in ctx.class_defs:
            for node in class_def.body:
                if not (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in INITS):
                    continue
                if not FILES_SELF.search("\n".join(ctx.lines[node.lineno - 1 : node.end_lineno])):
                    continue  # decided from the text: most `__init__`s only set attributes
                method = ctx.classes.method_of(node)
                if method is None or method.receives != "instance":
                    continue
                cls = method.cls
                if cls.family == "metaclass" or cls.shared_state:
                    continue
                for reference in method.references:
                    self._check(cls, method, reference.node)

    def _check(self, cls, method, me: ast.Name) -> None:
        ctx = self.ctx
        parent = ctx.parent(me)
        if isinstance(parent, (ast.Tuple, ast.List)):  # `registry.append((name, self))`
            me, parent = parent, ctx.parent(parent)
        site: Optional[ast.AST] = None
        held = "element"
        if isinstance(parent, ast.Call) and me in parent.args and isinstance(parent.func, ast.Attribute):
            if parent.func.attr in ADDS:
                site, target = parent, parent.func.value
                held = "value" if parent.func.attr == "setdefault" else held
        elif isinstance(parent, ast.Assign) and parent.value is me and len(parent.targets) == 1:
            if isinstance(parent.targets[0], ast.Subscript):
                site, target, held = parent.targets[0], parent.targets[0].value, "value"
        elif isinstance(parent, ast.Subscript) and parent.slice is me and isinstance(parent.ctx, ast.Store):
            site, target, held = parent, parent.value, "key"
        if site is None:
            return
        # `_by_kind[kind].append(self)`: lists in a table, which holds them all.
        nested = isinstance(target, ast.Subscript)  # type: ignore[possibly-undefined]
        while isinstance(target, ast.Subscript):
            target = target.value
        found = self._container(cls, method, target)
        if found is None:
            return
        accesses, kind, decl, where = found
        name = accesses[0].attr if isinstance(accesses[0], ast.Attribute) else accesses[0].id  # type: ignore[attr-defined]
        variant = self._removed(cls, accesses, name)
        if variant is None:
            return
        if variant in ("", "used") and (kind == "dict" and held == "value" and self._read_by_key(accesses)
                                        or _checked_first(ctx, site, method.node)):
            variant = "lookup"
        elif variant in ("", "used") and _made_at_module_level(ctx, cls):
            variant = "few"
        elif variant in ("", "used") and _test_double(ctx, cls.name):
            variant = "test"
        container = ctx.segment(target)
        shown = ctx.segment(ctx.statement(site) if isinstance(site, ast.Subscript) else site)
        fixed_site = shown.replace(".append(", ".add(").replace(".appendleft(", ".add(")
        if nested:
            fixed = f"{name} = collections.defaultdict(weakref.WeakSet)\n{fixed_site}"
        else:
            fixed = f"{name} = weakref.{WEAK_FIX.get(held if kind == 'dict' else kind, 'WeakSet')}()\n{fixed_site}"
        self.report(
            site,
            severity=Severity.HAZARD if variant else None,
            site=shown,
            cls=cls.name,
            container=container,
            why=WHY[variant],
            variant=variant,
            where=where,
            decl=decl,
            fixed=fixed,
            clear=f"{cls.name}.{name}.clear()" if isinstance(target, ast.Attribute) else f"{name}.clear()",
        )

    def _container(self, cls, method, target: ast.expr):
        """(every access to the container, its kind, its declaration, where it lives) for a list,
        set, dict or deque bound once at module level or in a class body; None otherwise."""
        ctx, model = self.ctx, cls.model
        if isinstance(target, ast.Name):
            binding = ctx.resolve(target)
            if binding is None or binding.scope.kind is not ScopeKind.MODULE or binding.kind != "assign":
                return None
            if len(binding.scope.bindings.get(target.id, ())) != 1 or binding.value is None:
                return None  # bound again somewhere: a reset
            kind = value_container(ctx, binding.value, binding.scope)
            if kind not in ("list", "set", "dict", "deque"):
                return None
            statement = ctx.statement(binding.node)
            return [r.node for r in binding.references], kind, ctx.segment(statement), "as long as the module does"
        if not isinstance(target, ast.Attribute):
            return None
        name = target.attr
        owner = model.class_of(target.value) or self._class_alias(target.value)
        if owner is None and model.instance_of(target.value) is method:
            owner = cls  # `self.instances`: the class attribute, unless an instance attribute shadows it
            family = [cls, *cls.mro()[1:], *cls.subclasses()]
            if any(a.name == name and a.access != "load" for k in family for _, a in k.instance_attributes()):
                return None
        if owner is None:
            return None
        found = owner.lookup(name)
        if found is None or found[0].attributes.get(name) is None:
            return None
        holder, attribute = found[0], found[0].attributes[name]
        kind = value_container(ctx, attribute.value, holder.scope)
        if kind not in ("list", "set", "dict", "deque"):
            return None
        accesses: list[ast.AST] = []
        for each in (holder, *holder.subclasses()):
            accesses += [a for a in each.class_accesses() if a.attr == name]
            accesses += [a.node for _, a in each.instance_attributes() if a.name == name]
        return accesses or [target], kind, ctx.segment(attribute.statement), "on the class, as long as the class does"

    def _class_alias(self, node: ast.expr):
        """`cls = type(self)` then `cls._instances[key] = self`."""
        if isinstance(node, ast.Name):
            binding = self.ctx.resolve(node)
            if binding is not None and binding.kind == "assign" and binding.value is not None:
                return self.ctx.classes.class_of(binding.value)
        return None

    def _removed(self, cls, accesses: list[ast.AST], name: str) -> Optional[str]:
        """None when something may take items out (or rebind the container); "del" when only
        `__del__` does; "escapes" when the container is handed to other code; "used" when the
        module reads it (a registry used on purpose); "" when it is only ever added to."""
        ctx = self.ctx
        if cls.model.mentions("finalize(") and "finalize(" in ctx.source(cls.node):
            return None  # `weakref.finalize(self, ...)`: the class manages its instances' end
        in_del = escapes = read = False
        for node in accesses:
            how = _use(ctx, node)
            read = read or how == "reads"
            if how == "removes":
                function = ctx.enclosing_function(node)
                if getattr(function, "name", None) != "__del__":
                    return None
                in_del = True
            escapes = escapes or how == "escapes"
        # Through names we can't follow (`conn.instances.remove(c)`), unless the line says it is
        # another class's attribute of the same name (`Other.instances.clear()`, `cls.instances = []`).
        pattern = re.compile(rf"(?:(\w+)\s*\.\s*)?\b{re.escape(name)}\s*(?:\[[^\]]*\])?\s*\.\s*(?:remove|discard|pop|popitem|"
                             rf"clear|popleft|difference_update|intersection_update)\b|(\w+)\s*\.\s*{re.escape(name)}\s*=(?!=)|"
                             rf"\bdel\s+[\w.]*\b{re.escape(name)}\s*\[")
        family = {c.name for c in (cls, *cls.mro(), *cls.subclasses())}
        for number, line in enumerate(ctx.lines, start=1):
            if name not in line or _inside_del(cls, number):
                continue
            for match in pattern.finditer(line):
                if not _other_class(cls, match.group(1) or match.group(2), number, family):
                    return None
        return "del" if in_del else "escapes" if escapes else "used" if read else ""

    def _read_by_key(self, accesses: list[ast.AST]) -> bool:
        """The table is read back by key somewhere: `X[key]` loaded, or `X.get(...)`."""
        ctx = self.ctx
        for node in accesses:
            parent = ctx.parent(node)
            if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Load):
                return True
            if isinstance(parent, ast.Attribute) and parent.attr in ("get", "__getitem__", "__contains__"):
                return True
            if isinstance(parent, ast.Compare) and node in parent.comparators:
                return True  # `name in Foo.registry`
        return False


def _use(ctx, node: ast.AST) -> str:
    """What the code around one access does with the container: "removes", "adds", "escapes" or
    "reads" (iterates, measures, looks up...)."""
    if isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del)):
        return "removes"  # `Foo.instances = []`, `del Foo.instances`
    parent = ctx.parent(node)
    if isinstance(parent, ast.Subscript) and parent.value is node:
        if isinstance(parent.ctx, ast.Del) or isinstance(parent.ctx, ast.Store) and isinstance(parent.slice, ast.Slice):
            return "removes"
        if isinstance(parent.ctx, ast.Store):
            return "adds"
        inner = ctx.parent(parent)  # `X[k].remove(...)` empties an inner container; else an element is used
        if isinstance(inner, ast.Attribute) and inner.value is parent:
            return "removes" if inner.attr in REMOVALS else "adds" if inner.attr in ADDS else "reads"
        return "reads"
    if isinstance(parent, ast.Attribute):
        return "removes" if parent.attr in REMOVALS else "adds" if parent.attr in ADDS | {"update"} else "reads"
    if isinstance(parent, ast.AugAssign) and parent.target is node:
        return "adds" if isinstance(parent.op, (ast.Add, ast.BitOr)) else "removes"
    if isinstance(parent, ast.Call) and node in parent.args or isinstance(parent, ast.keyword):
        call = parent if isinstance(parent, ast.Call) else ctx.parent(parent)
        return "reads" if ctx.call_name(call) in READERS else "escapes"
    if isinstance(parent, (ast.Return, ast.Yield, ast.Assign, ast.NamedExpr)) and getattr(parent, "value", None) is node:
        return "escapes"
    return "reads"


def _inside_del(cls, line: int) -> bool:
    method = cls.method("__del__")
    return method is not None and method.node.lineno <= line <= method.node.end_lineno


def _made_at_module_level(ctx, cls) -> bool:
    """The module makes the class (or a subclass) only in module-level statements, outside loops
    and `if __name__ == "__main__":`: a few named instances, such as constants."""
    calls = [call for each in (cls, *cls.subclasses()) for call in each.instantiations()]
    for call in calls:
        if ctx.scope_of(call).kind is not ScopeKind.MODULE or ctx.loops_around(call):
            return False
        for ancestor in ctx.ancestors(call):
            if isinstance(ancestor, ast.If) and "__name__" in ctx.segment(ancestor.test):
                return False
    return bool(calls)


def _other_class(cls, prefix: Optional[str], line: int, family: set[str]) -> bool:
    """`prefix.<name>` on this line certainly means another class of the module: it names one, or
    it is `self`/`cls` in a class outside this one's family."""
    if prefix is None:
        return False
    model = cls.model
    if prefix in ("self", "cls"):
        around = [c for c in model.classes if c.node.lineno <= line <= c.node.end_lineno]
        return bool(around) and around[-1].name not in family
    return model.named(prefix) is not None and prefix not in family


def _checked_first(ctx, site: ast.AST, init: ast.AST) -> bool:
    """Added under `if key not in ...:` (a membership test first): one entry per key, on purpose."""
    for ancestor in ctx.ancestors(site):
        if ancestor is init:
            return False
        if isinstance(ancestor, ast.If) and isinstance(ancestor.test, ast.Compare):
            if any(isinstance(op, ast.NotIn) for op in ancestor.test.ops):
                return True
    return False


def _test_double(ctx, name: str) -> bool:
    return bool(DOUBLE.search(name)) or ctx.in_test_file
