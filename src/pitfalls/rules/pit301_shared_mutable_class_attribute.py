"""PIT301: a mutable class attribute mutated through `self` is one object shared by every instance.

The class model (model/classes.py) knows the classes, their methods and every `self.<name>`, and
analyses/mutation.py what changes an object in place; this module keeps the verdict: which
changes count, and which classes, attributes and containers are shared on purpose. It visits
nothing during the walk: everything is decided in `finish()`.
"""

from __future__ import annotations

import ast
import copy
import re
from typing import Optional

from pitfalls.analyses.mutation import MUTATING_FUNCTIONS, MUTATING_METHODS, REMOVALS, uses_of
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.analyses.signatures import header
from pitfalls.model import Reference
from pitfalls.model.classes import FIELD_FAMILIES, ClassAttribute, ClassFacts, Method
from pitfalls.model.context import AUGMENTED_OPERATORS
from pitfalls.rule import Rule

# A dict filled only by these, each after a lookup by the same key, is a memo table.
KEYED_METHODS = frozenset({"setdefault", "pop", "move_to_end"})
MUTATORS = MUTATING_METHODS | {"move_to_end"}
DICTS = frozenset({"dict", "OrderedDict"})
# Deliberate state by name (RULES.md): what the container is for, and the words that say it.
PURPOSES = {
    "cache": frozenset({"cache", "caches", "cached"}),
    "memo table": frozenset({"memo", "memos", "memoized", "memoize"}),
    "record of what was seen": frozenset({"seen"}),
    "registry": frozenset({"registry", "registries"}),
}
# A test double's class-level list records what every instance did, for the test to read
# through the class (`CapturingPublisher.messages`): shared on purpose.
_TEST_DOUBLE = re.compile(r"_*(Capturing|Recording|Fake|Mock|Stub|Spy|Dummy)[A-Z_]")
Order = tuple[int, int, int]  # the statement's line and column, then the load's sequence number


class _Mutation:
    """`how`: a method or function name, "store", "delete", "augassign", "item-augassign" or
    "element" (`self.x[k].append(v)`)."""

    __slots__ = ("method", "attribute", "node", "how", "order", "alias")

    def __init__(self, method: Method, attribute: str, node: ast.AST, how: str, order: Order,
                 alias: Optional[ast.AST] = None) -> None:
        self.method, self.attribute, self.node, self.how, self.order = method, attribute, node, how, order
        self.alias = alias  # the `pending = self.pending` (or walrus) the change goes through


class _Events:
    """What one method does to `self.<name>` for the module's mutable class attributes' names:
    changes, first rebindings, lookups by key (`k in self.x`, `self.x[k]`, `self.x.get(k)`) and
    changes to an element (`self.x[k].append(v)`)."""

    def __init__(self) -> None:
        self.mutations: list[_Mutation] = []
        self.rebinds: dict[str, Order] = {}
        self.keyed_reads: set[str] = set()
        self.element_mutations: set[str] = set()
        self.handed: dict[str, Order] = {}  # the first time `self.x` is passed to a call


class SharedMutableClassAttribute(Rule):
    code = "PIT301"
    needs = ("class",)
    name = "shared-mutable-class-attribute"
    severity = Severity.ERROR
    other_severities = {
        Severity.HAZARD: 'for state kept on purpose: a cache, memo table, "seen" set or registry',
    }
    peer_codes = ("RUF012",)  # bugbear/ruff, pylint: a line silenced for them is not reported
    summary = "A list, dict or set assigned in a class body and mutated through self is shared by every instance"
    message = (
        "Class attribute '{attribute}' of '{class}' is one {kind} shared by every instance; "
        "'{method}' mutates it through {receiver}"
    )
    bad_example = """\
class Post:
    tags = []

    def add_tag(self, tag):
        self.tags.append(tag)
"""
    good_example = """\
class Post:
    def __init__(self):
        self.tags = []

    def add_tag(self, tag):
        self.tags.append(tag)
"""
    example_context = {
        "class": "Post",
        "attribute": "tags",
        "value": "[]",
        "kind": "list",
        "method": "add_tag",
        "receiver": "self",
        "mutation": "self.tags.append(tag)",
        "mutation_line": "self.tags.append(tag)",
        "class_line": "class Post:",
        "augop": "+=",
        "init": "def __init__(self):\n        self.tags = []",
    }

    explanation = Explanation(
        definition="`$attribute = $value` runs once, when `class $class` is defined, and stores one $kind "
        "on the class; `$receiver.$attribute` finds it there whenever the instance has no `$attribute` of "
        "its own.",
        variant_key="shape",
        implication={
            "": "So `$mutation_line` in `$method` changes that one $kind on the class: every `$class` shares "
            "it, and what one instance changes, all of them see.",
            "augassign": "So `$mutation_line` in `$method` changes the class's $kind in place, then stores "
            "that same $kind on the instance: every `$class` still shares it, and what one instance "
            "changes, all of them see.",
            "subclass-augassign": "So `$mutation_line` in `$method` changes the class's $kind in place, then "
            "stores that same $kind on the instance: every `$class` still shares it, and what one instance "
            "changes, all of them see.",
            **dict.fromkeys(
                ("deliberate", "deliberate-augassign", "deliberate-subclass", "deliberate-subclass-augassign"),
                "So `$mutation_line` in `$method` changes the one $kind every `$class` shares, which reads as "
                "deliberate: a $purpose, shared by all instances. Keep it, but make that visible, or a reader will "
                "take it for per-instance state.",
            ),
        },
        example={
            "": "class $class:\n    $attribute = $value\n    def $method($receiver, ...): $mutation_line",
            "subclass": "class $class: $attribute = $value\nclass $method_class($method_bases):\n"
            "    def $method_name($receiver, ...): $mutation_line",
            "subclass-augassign": "class $class: $attribute = $value\nclass $method_class($method_bases):\n"
            "    def $method_name($receiver, ...): $mutation_line",
            "deliberate-subclass": "class $class: $attribute = $value\nclass $method_class($method_bases):\n"
            "    def $method_name($receiver, ...): $mutation_line",
            "deliberate-subclass-augassign": "class $class: $attribute = $value\n"
            "class $method_class($method_bases):\n    def $method_name($receiver, ...): $mutation_line",
        },
        layer="The usual confusion is `self.count += 1` on a class-level int, which is fine: an int can't "
        "change, so `+=` builds a new int and assigns it to the instance, hiding the class's. Only assigning "
        "a new object to `$receiver.$attribute` separates one instance from the rest; calling a method on "
        "the $kind, or setting or deleting an item, changes the shared object itself.",
        follow_ups=(
            FollowUp(
                "Isn't `$receiver.$attribute $augop ...` an assignment that gives the instance its own $kind?",
                "It assigns, but too late. On a $kind, `$augop` changes the shared object in place and returns "
                "it; then that same $kind is stored on the instance, still shared. Only assigning a new object, "
                "one built in `__init__` for instance, gives an instance a $kind of its own.",
            ),
            FollowUp(
                "Why don't dataclasses have this problem?",
                "`@dataclass` turns annotated class attributes into fields that `__init__` sets, and it "
                "refuses a list, dict or set default with a `ValueError` telling you to use `default_factory`: "
                "`field(default_factory=list)` builds a new list for every instance.",
            ),
            FollowUp(
                "When is a class attribute the right tool?",
                "For values every instance should share: constants, immutable defaults, or a registry or "
                "cache meant to be global. Then say so: annotate it `ClassVar[...]` and change it through "
                "the class, `$class.$attribute` or `cls.$attribute`, so the sharing reads as deliberate.",
            ),
        ),
        fix={
            "": "Build the $kind in `__init__` instead of the class body, so each `$class` gets its own.",
            **dict.fromkeys(
                ("deliberate", "deliberate-augassign", "deliberate-subclass", "deliberate-subclass-augassign"),
                "Keep the shared $kind and make the sharing visible: annotate it `ClassVar`, which says it "
                "belongs to the class (type checkers then reject assigning it through an instance), and "
                "change it through the class, `type($receiver).$attribute`, where that reads clearer.",
            ),
        },
        fix_code={
            "": "$class_line\n    $init",
            **dict.fromkeys(
                ("deliberate", "deliberate-augassign", "deliberate-subclass", "deliberate-subclass-augassign"),
                "from typing import ClassVar\n\n$class_line\n    $attribute: ClassVar[$annotation] = $value_code",
            ),
        },
        key_points=(
            "`$attribute` is built once, when `class $class` is defined",
            "`$receiver.$attribute` finds the class's $kind when the instance has none",
            "Changing it in place changes it for every `$class`",
            "Fix: build it in `__init__`, or mark deliberate sharing `ClassVar`",
        ),
        demo='''\\
import dataclasses
from typing import ClassVar

made = []


def new_list():
    made.append(1)
    return []


class Warehouse:
    shelves = new_list()  # the class body runs once: one list, stored on the class

    def stock(self, item):
        self.shelves.append(item)


a, b = Warehouse(), Warehouse()
a.stock("bolts")
assert b.shelves == ["bolts"]  # stocked in one warehouse, seen in the other
assert a.shelves is b.shelves is Warehouse.shelves and made == [1]
assert "shelves" not in vars(a)  # no attribute of its own: the lookup found the class's


class Annex(Warehouse):  # a subclass's method reaches the base class's list too
    def restock(self, item):
        self.shelves.append(item)


Annex().restock("nuts")
assert Warehouse().shelves == ["bolts", "nuts"]


class Cache:  # setting and deleting items change the shared dict too
    store = {}


c, d = Cache(), Cache()
c.store["k"] = 1
assert d.store == {"k": 1}
del d.store["k"]
assert c.store == {}


class Counter:  # an int can't change: `+=` assigns a new int to the instance
    count = 0


e = Counter()
e.count += 1
assert vars(e) == {"count": 1} and Counter.count == 0


class Basket:  # a list can: `+=` extends the shared list, then assigns that same list
    items = []


f, g = Basket(), Basket()
f.items += ["apple"]
assert vars(f)["items"] is Basket.items and g.items == ["apple"]
f.items = f.items + ["pear"]  # `+` builds a new list: only this basket has the pear
assert f.items == ["apple", "pear"] and Basket.items == g.items == ["apple"]

try:  # dataclasses refuse a list, dict or set default
    @dataclasses.dataclass
    class Tagged:
        tags: list = []
except ValueError as error:
    assert "default_factory" in str(error)
else:
    raise AssertionError("dataclass accepted a list default")
for default in ({}, set()):
    try:
        dataclasses.make_dataclass("Post", [("tags", object, dataclasses.field(default=default))])
    except ValueError as error:
        assert "default_factory" in str(error)
    else:
        raise AssertionError("dataclass accepted a mutable default")


@dataclasses.dataclass
class Post:
    tags: list = dataclasses.field(default_factory=list)  # a new list for every instance
    registry: ClassVar[list] = []  # ClassVar: not a field, shared on purpose


p, q = Post(), Post()
p.tags.append("python")
assert q.tags == [] and p.tags is not q.tags
assert [field.name for field in dataclasses.fields(Post)] == ["tags"]


class FixedWarehouse:  # the fix: each instance builds its own list in __init__
    def __init__(self):
        self.shelves = []

    def stock(self, item):
        self.shelves.append(item)


h, i = FixedWarehouse(), FixedWarehouse()
h.stock("bolts")
assert i.shelves == [] and h.shelves is not i.shelves
''',
        names=("class", "attribute", "method"),
        flags="A list, dict or set display or comprehension, a list built by repetition, or a call of "
        "`list`, `dict`, `set`, `bytearray`, `deque`, `defaultdict`, `OrderedDict` or `Counter`, assigned "
        "in a class body and changed in place through the instance (`self`, whatever its name) in a method "
        "of that class or of a subclass in the same module: a mutating method (`append`, `update`, `add`, "
        "`sort`...), item assignment or `del`, `+=`, a change to an element (`self.x[k].append(v)`), or "
        "`heapq`/`bisect` functions, directly or through a local alias (`pending = self.pending`, walrus "
        "too). Reported at the class-level assignment, with the mutation as related information.",
        not_flagged=(
            "Mutation through the class anywhere in the hierarchy (`cls.x`, `Foo.x`, `type(self).x`, "
            "`self.__class__.x`), and methods that receive the class (classmethods, `__new__`, metaclass "
            "methods, a first parameter named `cls`): the sharing is explicit.",
            "An attribute annotated `ClassVar[...]`: shared by declaration.",
            "An attribute some method of the class, a base or a subclass rebinds (`self.x = []` or "
            "`setattr` in `__init__`, `__post_init__`, `setUp`, a `reset()`), that `__new__` sets on the "
            "instance it makes (`obj = super().__new__(cls); obj.x = []`), or that the mutating method "
            "rebinds first: the class value is only a default.",
            "Dataclasses, attrs classes, `NamedTuple`, `TypedDict`, `Enum`, pydantic models and settings, "
            "SQLModel, django-ninja schemas, `msgspec.Struct`, nested `Meta`/`Config` classes, judged on the "
            "class that owns the attribute: their bodies declare fields, members or options that the library "
            "handles its own way (a plain base's list changed from a dataclass subclass is still reported).",
            "An attribute that is only read, including lookups in a class-level `defaultdict`: nothing changes.",
            "Dunders such as `__slots__` and `__all__`: they are about the class, not its instances.",
            "Deliberate state, reported only in strict mode (a hazard, whose answer says keep it and annotate "
            "it `ClassVar`): a container named as a cache, memo, \"seen\" set or registry (`_cache`, "
            "`seen_docs`, `plugin_registry`), a test double's record (`CapturingPublisher.messages`, `FakeMailer.sent`), or a dict filled one key at a time after a lookup by that key "
            "(`if k not in self._pools: self._pools[k] = ...`, or after handing it to a function that reads it).",
            "Containers of the instances themselves, or keyed by the instance or its class "
            "(`self.live.append(self)`, `self.by_id[id(self)] = ...`): registries shared on purpose; "
            "PIT702 judges whether they leak.",
            "Removing from an element of a class-level container (`self._infos[kind].pop(alias)`): upkeep "
            "of a structure filled elsewhere.",
            "Classes that have, or may have, only one instance: a metaclass that can control instantiation (an "
            "imported one other than `ABCMeta`, or one of the module defining `__call__`, `__new__` or "
            "`__prepare__`), a `__new__` that caches the instance, a base named like a singleton, the Borg "
            "idiom, a class instantiated exactly once in the module, into a module-level name (two are not "
            "a singleton), or a class defined in a function "
            "and instantiated once per call.",
            "An attribute redefined as something else by a subclass or later in the body (a property, a tuple).",
        ),
        references=(
            "https://docs.python.org/3/tutorial/classes.html#class-and-instance-variables",
            "https://docs.python.org/3/library/dataclasses.html#mutable-default-values",
            "https://docs.python.org/3/reference/datamodel.html#object.__iadd__",
        ),
        prior_art=(
            "ruff RUF012 mutable-class-default: flags every mutable class attribute not annotated "
            "`ClassVar`, mutated or not; PIT301 only those changed through an instance",
            "ruff RUF008 mutable-dataclass-default: the dataclass case, which PIT301 leaves to the "
            "dataclass's own `ValueError`",
        ),
    )

    def finish(self) -> None:
        self.model = model = self.ctx.classes
        owners = {cls: names for cls in model.classes if (names := {n for n, a in cls.attributes.items() if _shareable(a)})}
        if not owners:
            return
        self.names: set[str] = set().union(*owners.values())
        self.events: dict[Method, _Events] = {}
        shared: dict[tuple[ClassFacts, str], list[_Mutation]] = {}
        for cls in model.classes:
            mro = cls.mro()
            if not any(c in owners for c in mro) or cls.module_instance or cls.one_instance_per_call:
                continue  # a class with one instance (made at module level, or once per call)
            for method in cls.instance_methods:
                for mutation in self._events(method).mutations:
                    attribute = mutation.attribute
                    owner = self._owner(cls, attribute)
                    # The exemptions are judged on the class that owns the attribute: a plain
                    # base's list changed from a dataclass subclass is still one shared list.
                    if owner is None or _exempt(owner):
                        continue
                    if any(c.family in FIELD_FAMILIES and c.annotates(attribute) for c in mro[: mro.index(owner)]):
                        continue  # a field of a dataclass (attrs, pydantic) in between: its `__init__` sets it
                    if any(c.shared_state or c.opaque_metaclass for c in mro):
                        # One instance or one state by design (a `__new__` that caches, the Borg
                        # idiom), or a metaclass that may control instantiation (`SingletonMeta`)
                        # or turn class attributes into something else (ORMs): keep quiet.
                        continue
                    family = mro + owner.subclasses()
                    if any(attribute in c.constructed_attributes for c in family):
                        continue  # `__new__` gives each new instance its own, as `__init__` would
                    if any(attribute in self._events(m).rebinds for c in family for m in c.instance_methods if m is not method):
                        # Some method gives the instance its own object (`__init__`, `setUp`, a
                        # `reset()` the protocol calls first): the class attribute is only a default.
                        continue
                    if any(a.attr == attribute for c in family for a in c.class_accesses()):
                        continue  # reached as `Foo.x` or `cls.x` somewhere: shared knowingly
                    if _after_foreign_init(method, mutation.node, mro):
                        # `super().__init__()` of a base from another module ran first, and it
                        # may give the instance its own (docutils' Translator sets `_docinfo`,
                        # Sphinx's subclass redeclares it `_docinfo: dict[str, Any] = {}`).
                        continue
                    shared.setdefault((owner, attribute), []).append(mutation)
        for (owner, attribute), mutations in shared.items():
            mutations.sort(key=lambda m: m.order)
            self._report(owner, attribute, mutations, self._purpose(owner, attribute, mutations))

    def _purpose(self, owner: ClassFacts, attribute: str, mutations: list[_Mutation]) -> Optional[str]:
        """What the shared container is for, when it is deliberate state (RULES.md): a name that
        says so (`_cache`, `memo`, `seen_docs`, `registry`), or a dict filled one key at a time
        after a lookup by that key."""
        words = [w for w in attribute.lower().split("_") if w]
        for word in words:
            for purpose, spellings in PURPOSES.items():
                if word in spellings or (purpose == "cache" and word.endswith("cache")):
                    return purpose
        if _TEST_DOUBLE.match(owner.name):
            return "record for tests to read"  # `CapturingPublisher.messages`, `FakeMailer.sent`
        return "memo table" if self._is_memo(owner, attribute, mutations) else None

    def _owner(self, cls: ClassFacts, attribute: str) -> Optional[ClassFacts]:
        """The class whose mutable assignment `self.<attribute>` finds first, if any (None when
        a subclass or a later line redefines it as something else: a property, a tuple)."""
        found = cls.lookup(attribute)
        assigned = found[0].attributes.get(attribute) if found else None
        return found[0] if found and assigned and assigned.binding is found[1] and _shareable(assigned) else None

    # -- what one method does to `self.<name>` ----------------------------------------------

    def _events(self, method: Method) -> _Events:
        events = self.events.get(method)
        if events is not None:
            return events
        events = self.events[method] = _Events()
        for name, node, reference in method.assignments():
            if name in self.names and not self._keeps_shared(method, node, name):
                order = self._order(reference)
                events.rebinds[name] = min(order, events.rebinds.get(name, order))
        for attribute in method.attributes:
            name = attribute.name
            if name not in self.names:
                continue
            self._uses(method, events, name, attribute.node, attribute.reference)
            for node, reference, alias in self._aliases(attribute.node):
                self._uses(method, events, name, node, reference, alias)
        # A change after this method gave the instance its own object changes that object.
        events.mutations = [m for m in events.mutations if not events.rebinds.get(m.attribute, m.order) < m.order]
        return events

    def _aliases(self, node: ast.AST) -> list[tuple[ast.AST, Reference, ast.AST]]:
        """The loads of a local name bound to `self.x` (`pending = self.pending`, walrus too):
        each reaches the same object."""
        parent = self.ctx.parent(node)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and parent.value is node:
            target = parent.targets[0]
        elif isinstance(parent, ast.NamedExpr) and parent.value is node:
            target = parent.target
        else:
            return []
        if not isinstance(target, ast.Name):
            return []
        scope = self.ctx.scope_of(target)
        binding = next((b for b in scope.bindings.get(target.id, ()) if b.node is target), None)
        return [(r.node, r, parent) for r in binding.references] if binding is not None else []

    def _uses(self, method: Method, events: _Events, name: str, node: ast.AST, reference: Reference,
              alias: Optional[ast.AST] = None) -> None:
        """Record what is done, in place, with `self.<name>` (or an alias of it) at `node`."""
        uses = uses_of(self.ctx, node, MUTATORS)
        parent = self.ctx.parent(node)
        if not uses and isinstance(parent, ast.Call) and any(a is node for a in parent.args):
            # Handed to a function that reads it (`_get_ancestor_redirect(self._map, name)`):
            # before a store, that is a lookup too.
            order = self._order(reference)
            events.handed[name] = min(order, events.handed.get(name, order))
        for use in uses:
            if use.how == "lookup":
                # A read changes nothing, not even a defaultdict worth reporting (a missing key is
                # inserted, but `self.handlers[k](x)` on a class-level defaultdict is a lookup
                # table, and flagging reads cost far more false positives than it found bugs).
                # It is a lookup that makes a later store look like a memo table.
                events.keyed_reads.add(name)
            elif not use.element:
                self._mutate(method, events, name, use.node, use.how, reference, alias)
            elif use.how not in REMOVALS:
                # The element lives inside the shared container: changing it changes what every
                # instance sees, and the values are per-instance data, so no memo table either.
                # Removing from an element (`self.infos[kind].pop(alias)`) is upkeep of a
                # structure filled elsewhere. Keyed by the instance or its class
                # (`self.refs[self.__class__].add(...)`), it is a registry.
                events.element_mutations.add(name)
                if use.keys and not any(method.identifies(key) for key in use.keys):
                    self._mutate(method, events, name, use.node, "element", reference, alias)

    def _keeps_shared(self, method: Method, node: ast.AST, name: str) -> bool:
        """`self.x = self.x` or `self.x = type(self).x`: the instance holds the shared object."""
        value = getattr(self.ctx.parent(node), "value", None) if isinstance(node, ast.Attribute) else None
        return isinstance(value, ast.Attribute) and value.attr == name and (
            self.model.instance_of(value.value) is method or self.model.class_of(value.value) is not None
        )

    def _order(self, reference: Reference) -> Order:
        statement = self.ctx.statement(reference.node)
        return (statement.lineno, statement.col_offset, reference.seq) if statement else (0, 0, reference.seq)

    def _mutate(self, method: Method, events: _Events, name: str, node: ast.AST, how: str, reference: Reference,
                alias: Optional[ast.AST] = None) -> None:
        if not self._registers_instance(method, node):  # `self.instances.append(self)`: on purpose
            events.mutations.append(_Mutation(method, name, node, how, self._order(reference), alias))

    def _registers_instance(self, method: Method, node: ast.AST) -> bool:
        """`.append(self)`, `[self] = info`, `[k] = weakref.ref(self)`, `[type(self)] = v`...:
        a container of the instances themselves, or keyed by their class, exists to be shared."""
        if isinstance(node, ast.Call):
            values = [*node.args, *(k.value for k in node.keywords)]
            if self.model.qualified(node.func) in MUTATING_FUNCTIONS:
                values = values[1:]  # `heappush(self.heap, self)`: the first argument is the heap
        elif isinstance(node, ast.Subscript):
            values = [node.slice, getattr(self.ctx.parent(node), "value", None)]
        else:
            return False
        return any(method.identifies(value) for value in values)

    def _is_memo(self, owner: ClassFacts, attribute: str, mutations: list[_Mutation]) -> bool:
        """A dict only ever filled after a lookup by key, one item at a time: a shared memo table.

        `if key not in self._pools: self._pools[key] = make(key)` caches across instances on
        purpose; the bug shape stores per-instance data (`update`, `+=`, `self.x[k].append`),
        or counts (`self.x[k] = self.x.get(k, 0) + 1`: the store reads the dict itself).
        """
        if owner.attributes[attribute].kind not in DICTS:
            return False
        for mutation in mutations:
            events = self._events(mutation.method)
            if attribute in events.element_mutations:
                return False
            if mutation.how == "store":
                looked_up = attribute in events.keyed_reads or events.handed.get(attribute, mutation.order) < mutation.order
                if not looked_up or self._accumulates(mutation):
                    return False
            elif mutation.how not in KEYED_METHODS and mutation.how != "delete":
                return False
        return any(m.how in ("store", "setdefault") for m in mutations)

    def _accumulates(self, mutation: _Mutation) -> bool:
        """`self.x[k] = <reads self.x>` (or the same through an alias): the stored value reads
        the container it is stored into."""
        target = mutation.node
        statement = self.ctx.statement(target)
        if not isinstance(statement, ast.Assign) or not any(t is target for t in statement.targets):
            return False
        container = target.value  # type: ignore[attr-defined]
        for node in ast.walk(statement.value):
            if isinstance(node, ast.Attribute) and node.attr == mutation.attribute:
                if self.model.instance_of(node.value) is mutation.method:
                    return True
            elif isinstance(node, ast.Name) and isinstance(container, ast.Name) and node.id == container.id:
                return True
        return False

    def _report(self, owner: ClassFacts, attribute: str, mutations: list[_Mutation], purpose: Optional[str]) -> None:
        assigned: ClassAttribute = owner.attributes[attribute]
        first = mutations[0]
        method, cls = first.method, first.method.cls
        receiver = method.receiver.arg if method.receiver else "self"
        context = {
            "class": owner.name,
            "attribute": attribute,
            "value": self._short_value(assigned.value),
            "kind": assigned.kind,
            "method": method.name if cls is owner else f"{cls.name}.{method.name}",
            "receiver": receiver,
            "mutation": self.ctx.segment(first.node),
            "mutation_line": self._statement(first.node),
            "class_line": self._class_line(owner),
            "augop": "|=" if assigned.kind in ("set", "dict", "defaultdict", "OrderedDict") else "+=",
        }
        if first.alias is not None:  # `pending = self.pending; pending.append(job)`
            alias = first.alias
            bound = f"({self.ctx.segment(alias)})" if isinstance(alias, ast.NamedExpr) else self._statement(alias)
            context["mutation_line"] = f"{bound}; {context['mutation_line']}"
        # What the explanation needs to tell this hit's story (see `explanation.variant_key`).
        shape = []
        if purpose:
            shape.append("deliberate")
            context["purpose"] = purpose
            context["annotation"] = self._annotation(assigned)
            context["value_code"] = self._value_code(owner, assigned, "")
        else:
            context["init"] = self._init_code(owner, assigned)
        if cls is not owner:
            shape.append("subclass")
            context["method_class"] = cls.name
            context["method_name"] = method.name
            context["method_bases"] = ", ".join(self.ctx.segment(b) for b in cls.node.bases)
        if first.how == "augassign":
            shape.append("augassign")  # `self.items += [x]` also stores the shared list on the instance
        if shape:
            context["shape"] = "-".join(shape)
        related = [(m.node, f"'{m.method.name}' mutates the shared '{attribute}' here") for m in mutations]
        severity = Severity.HAZARD if purpose else None
        self.report(assigned.statement, severity=severity, related=related, **context)

    # -- the code the answer suggests ------------------------------------------------------

    def _short_value(self, value: ast.expr) -> str:
        """The value on one line, or its outline when it is too long (`[...]`, `deque(...)`):
        never a display cut in the middle of a token."""
        text = self.ctx.segment(value, limit=None)
        if len(text) <= 60:
            return text
        if isinstance(value, (ast.List, ast.ListComp)):
            return "[...]"
        if isinstance(value, (ast.Dict, ast.Set, ast.DictComp, ast.SetComp)):
            return "{...}"
        if isinstance(value, ast.Call):
            return f"{self.ctx.segment(value.func)}(...)"
        return text[:57] + "..."

    def _value_code(self, owner: ClassFacts, assigned: ClassAttribute, prefix: str) -> str:
        """The value as code that runs where it is moved: in full, and with every class-body
        name it reads (`[DEFAULT]`, `range(SIZE)`) spelled `<prefix>NAME` (`self.DEFAULT` in
        `__init__`), since a method cannot see the class body's names."""
        value = assigned.value
        body_names = [
            n for n in ast.walk(value)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and (binding := self.ctx.resolve(n)) is not None
            and binding.scope is owner.scope
        ]
        if body_names and prefix:
            copied = copy.deepcopy(value)
            qualify = {id(n) for n in body_names}
            for original, twin in zip(ast.walk(value), ast.walk(copied)):
                if id(original) in qualify:
                    twin.id = f"{prefix}{twin.id}"  # type: ignore[attr-defined]
            return ast.unparse(copied)
        text = self.ctx.source(value)
        # Continuation lines move with the statement, from the class body's column to 4.
        base = max(0, owner.node.body[0].col_offset - 4)
        lines = text.split("\n")
        return "\n".join([lines[0], *(line[min(base, len(line) - len(line.lstrip())):] for line in lines[1:])])

    def _annotation(self, assigned: ClassAttribute) -> str:
        if assigned.annotation is not None:
            return self.ctx.segment(assigned.annotation, limit=None)
        return assigned.kind

    def _class_line(self, owner: ClassFacts) -> str:
        node = owner.node
        bases = [self.ctx.segment(b, limit=None) for b in node.bases]
        bases += [f"{k.arg}={self.ctx.segment(k.value, limit=None)}" if k.arg else f"**{self.ctx.segment(k.value)}"
                  for k in node.keywords]
        return f"class {owner.name}({', '.join(bases)}):" if bases else f"class {owner.name}:"

    def _init_code(self, owner: ClassFacts, assigned: ClassAttribute) -> str:
        """`def __init__` that builds the value for each instance, fitting the class: its own
        `__init__`'s signature (the assignment first, the body unchanged after it), or one that
        passes everything on to the base's when the class has a base, or `(self)` alone."""
        init = owner.method("__init__")
        value = self._value_code(owner, assigned, "self.").replace("\n", "\n    ")
        store = f"self.{assigned.name} = {value}"
        if init is not None and init in owner.instance_methods:
            signature = header(init.node).replace("\n", "\n    ")  # type: ignore[arg-type]
            return f"{signature}\n        {store}\n        ...  # the rest of __init__, unchanged"
        plain = all(self.ctx.segment(b) == "object" for b in owner.node.bases) and not owner.node.keywords
        if plain:
            return f"def __init__(self):\n        {store}"
        return (
            "def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n"
            f"        {store}"
        )

    def _statement(self, node: ast.AST) -> str:
        """The mutating statement on one line (`self.store[key] = value`, `del self.d[k]`).

        An assignment too long for one line keeps its target (`self.d[k] = ...`); a compound
        statement (`while self.q.pop():`) or another that spans lines gives the mutation itself.
        """
        statement = self.ctx.statement(node)
        if statement is None or hasattr(statement, "body"):
            return self.ctx.segment(node)
        text = self.ctx.segment(statement)
        if statement.lineno == statement.end_lineno and not text.endswith("..."):
            return text
        if isinstance(statement, ast.AugAssign):
            return f"{self.ctx.segment(statement.target)} {AUGMENTED_OPERATORS[type(statement.op)]} ..."
        if isinstance(statement, ast.Assign):
            return " = ".join(self.ctx.segment(t) for t in statement.targets) + " = ..."
        return self.ctx.segment(node)


def _shareable(assigned: ClassAttribute) -> bool:
    """A mutable value, not declared `ClassVar[...]`, under a name that is not a dunder
    (`__slots__`, `__all__` are about the class, not its instances)."""
    name = assigned.name
    return assigned.mutable and not (len(name) > 4 and name[:2] == name[-2:] == "__") and not assigned.classvar


def _after_foreign_init(method: Method, node: ast.AST, mro: list[ClassFacts]) -> bool:
    """Whether `node` is in `__init__` after the base initializer runs (`super().__init__(...)`,
    `Base.__init__(self, ...)`) and a base we cannot see (one from another module) is among the
    classes that initializer may reach."""
    if method.name != "__init__" or not any(b for c in mro for b in c.foreign_bases if b not in ("object", "builtins.object")):
        return False
    for call in ast.walk(method.node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "__init__" \
                and (call.end_lineno, call.end_col_offset) <= (node.lineno, node.col_offset):
            return True
    return False


def _exempt(cls: ClassFacts) -> bool:
    """Dataclass, attrs, NamedTuple, TypedDict, Enum, pydantic, msgspec, a metaclass, or a
    nested Meta/Config: the body declares fields, members or options (model/classes.py)."""
    return cls.family in FIELD_FAMILIES
