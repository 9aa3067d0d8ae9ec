"""PIT301: a mutable class attribute mutated through `self` is one object shared by every instance."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Optional, Union

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule
from pitfalls.analyses.mutation import MUTATING_METHODS
from pitfalls.model import COMPREHENSION_NODES, FUNCTION_NODES, LOOP_NODES, Scope, ScopeKind

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]

# A first parameter with one of these names receives the class, not an instance (metaclass
# methods, `declared_attr`, `classproperty` and other class-level descriptors).
CLASS_RECEIVERS = frozenset({"cls", "klass", "mcs", "mcls", "metacls"})
CLASS_DECORATORS = frozenset({"staticmethod", "classmethod", "abstractstaticmethod", "abstractclassmethod"})
# Classes whose body declares fields or members rather than attributes shared by instances.
FIELD_BASES = frozenset(
    {
        "typing.NamedTuple", "typing_extensions.NamedTuple", "collections.namedtuple",
        "typing.TypedDict", "typing_extensions.TypedDict",
        "pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel",
        "pydantic.BaseSettings", "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
        "pydantic.RootModel", "pydantic.root_model.RootModel", "pydantic.generics.GenericModel",
        # The pydantic family and its cousins: class attributes declare fields, copied per instance.
        "ninja.Schema", "ninja.schema.Schema", "ninja.ModelSchema", "ninja.FilterSchema",
        "sqlmodel.SQLModel", "sqlmodel.main.SQLModel",
        "msgspec.Struct",
        "builtins.type",  # a metaclass: its instances are classes, sharing is the point
    }
)
FIELD_BASE_NAMES = frozenset({"NamedTuple", "TypedDict", "BaseModel", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"})
NESTED_OPTIONS = frozenset({"Meta", "Config"})
CLASSVAR = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
# A dict filled only by these, each after a lookup by the same key, is a memo table.
KEYED_METHODS = frozenset({"setdefault", "pop", "move_to_end"})
MUTATORS = MUTATING_METHODS | {"move_to_end"}
# Functions that mutate the container passed as their first argument.
MUTATING_FUNCTIONS = frozenset(
    {
        "heapq.heappush", "heapq.heappop", "heapq.heapify", "heapq.heappushpop", "heapq.heapreplace",
        "bisect.insort", "bisect.insort_left", "bisect.insort_right",
    }
)
# Removing from an element of a class-level container (`self.infos[kind].pop(alias)`) is
# upkeep of a structure filled elsewhere (through the class or a local alias), not the bug
# shape: only element mutations that add or replace count.
REMOVALS = frozenset(
    {"pop", "remove", "discard", "clear", "popitem", "popleft", "heappop", "__delitem__",
     "difference_update", "intersection_update", "delete"}
)
# Calls whose result stands for the instance itself: a container keyed or filled by them holds
# the instances (a registry), not per-instance data. Any other call, `Edge(self, child)`, makes
# a new value that merely mentions the instance.
IDENTITY_CALLS = frozenset(
    {"weakref.ref", "weakref.proxy", "_weakref.ref", "_weakref.proxy", "builtins.id", "builtins.hash", "builtins.type"}
)
# Metaclasses known to leave instantiation and the class namespace alone. Any other metaclass
# may hand out one instance (`SingletonMeta.__call__`) or turn class attributes into something
# else (declarative ORMs): the rule cannot tell, so it keeps quiet. A metaclass defined in the
# module is judged by its body instead (`__call__`, `__new__` or `__prepare__` make it opaque).
BENIGN_METACLASSES = frozenset({"type", "ABCMeta"})
OPAQUE_METACLASS_METHODS = frozenset({"__call__", "__new__", "__prepare__"})
# Methods whose first parameter receives the class even without a decorator.
IMPLICIT_CLASS_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
DICTS = frozenset({"dict", "OrderedDict"})
# Augmented assignments, as the explanation spells them.
AUGMENTED = {
    ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.MatMult: "@=", ast.Div: "/=", ast.FloorDiv: "//=",
    ast.Mod: "%=", ast.Pow: "**=", ast.LShift: "<<=", ast.RShift: ">>=", ast.BitOr: "|=",
    ast.BitAnd: "&=", ast.BitXor: "^=",
}


@dataclass(eq=False)
class _Class:
    node: ast.ClassDef
    bases: list["_Class"] = field(default_factory=list)
    exempt: bool = False  # dataclass, attrs, NamedTuple, TypedDict, Enum, BaseModel, Meta...
    kind_exempt: bool = False  # exempt through a base, so its subclasses are too
    singleton: bool = False  # instantiated into a module-level name
    # One shared state by design: `__new__` caches into a class attribute (`cls._instance`),
    # a base named like a singleton, or `self.__dict__ = <shared>` (the Borg idiom).
    shares_state: bool = False
    # The `metaclass=` argument (or six's spelling), resolved where the class is defined: its
    # dotted name, and the class of this module it names, if it does.
    metaclass: Optional[str] = None
    local_metaclass: Optional["_Class"] = None
    foreign_bases: list[str] = field(default_factory=list)  # dotted names of bases not in the module
    function: Optional[ast.AST] = None  # the function whose body defines the class
    references: list[ast.Name] = field(default_factory=list)  # uses of a function-local class
    attributes: dict[str, ast.stmt] = field(default_factory=dict)  # mutable class-body assignments
    kinds: dict[str, str] = field(default_factory=dict)  # "list", "dict", "defaultdict"...
    methods: list["_Method"] = field(default_factory=list)
    through_class: set[str] = field(default_factory=set)  # `Foo.x`, `cls.x`, `type(self).x`


@dataclass(eq=False)
class _Method:
    node: Function
    cls: _Class
    receiver: ast.arg  # the first parameter: the instance
    rebound: set[str] = field(default_factory=set)  # `self.<name> = ...` seen so far
    keyed_reads: set[str] = field(default_factory=set)  # `k in self.x`, `self.x[k]`, `self.x.get(k)`
    element_mutations: set[str] = field(default_factory=set)  # `self.x[k].append(v)`


@dataclass(frozen=True)
class _Mutation:
    method: _Method
    attribute: str
    node: ast.AST
    # A method or function name, "store", "delete", "augassign", "item-augassign",
    # "accumulate" (`self.x[k] = self.x.get(k, 0) + 1`) or "element" (`self.x[k].append(v)`).
    how: str


class SharedMutableClassAttribute(Rule):
    code = "PIT301"
    needs = ("class",)
    name = "shared-mutable-class-attribute"
    severity = Severity.ERROR
    summary = "A list, dict or set assigned in a class body and mutated through self is shared by every instance"
    message = (
        "Class attribute '{attribute}' of '{class}' is one {kind} shared by every instance; "
        "'{method}' mutates it through {receiver}"
    )
    node_types = (
        ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign, ast.AnnAssign,
        ast.Attribute, ast.Call, ast.Subscript, ast.AugAssign, ast.Compare,
    )  # and ast.Name, once a class is defined inside a function (see _class)
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
        },
        example={
            "": "class $class:\n    $attribute = $value\n    def $method($receiver, ...): $mutation_line",
            "subclass": "class $class: $attribute = $value\nclass $method_class($method_bases):\n"
            "    def $method_name($receiver, ...): $mutation_line",
            "subclass-augassign": "class $class: $attribute = $value\nclass $method_class($method_bases):\n"
            "    def $method_name($receiver, ...): $mutation_line",
        },
        layer="The usual confusion is `self.count += 1` on a class-level int, which is fine: an int can't "
        "change, so `+=` builds a new int and assigns it to the instance, hiding the class's. Only assigning "
        "a new object to `$receiver.$attribute` separates one instance from the rest; calling a method on "
        "the $kind, or setting or deleting an item, changes the shared object itself.",
        follow_ups=(
            FollowUp(
                "Isn't `self.items += [x]` an assignment that gives the instance its own list?",
                "It assigns, but too late. On a list, `+=` calls `__iadd__`, which extends the shared list "
                "in place and returns it; then that same list is stored on the instance. "
                "`self.items = self.items + [x]` would build a new list, but creating it in `__init__` is "
                "the real fix.",
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
        fix="Build the $kind in `__init__` instead of the class body, so each `$class` gets its own.",
        fix_code="class $class:\n    def __init__(self, ...):\n        self.$attribute = $value",
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
        "`heapq`/`bisect` functions. Reported at the class-level assignment, with the mutation as related "
        "information.",
        not_flagged=(
            "Mutation through the class anywhere in the hierarchy (`cls.x`, `Foo.x`, `type(self).x`, "
            "`self.__class__.x`), and methods that receive the class (classmethods, `__new__`, metaclass "
            "methods, a first parameter named `cls`): the sharing is explicit.",
            "An attribute annotated `ClassVar[...]`: shared by declaration.",
            "An attribute some method of the class, a base or a subclass rebinds (`self.x = []` or "
            "`setattr` in `__init__`, `__post_init__`, `setUp`, a `reset()`), or that the mutating method "
            "rebinds first: the class value is only a default.",
            "Dataclasses, attrs classes, `NamedTuple`, `TypedDict`, `Enum`, pydantic models and settings, "
            "SQLModel, django-ninja schemas, `msgspec.Struct`, nested `Meta`/`Config` classes: their bodies "
            "declare fields, members or options that the library handles its own way.",
            "An attribute that is only read, including lookups in a class-level `defaultdict`: nothing changes.",
            "Dunders such as `__slots__` and `__all__`: they are about the class, not its instances.",
            "A dict filled one key at a time after a lookup by that key (`if k not in self._pools: "
            "self._pools[k] = ...`): a memo table shared on purpose.",
            "Containers of the instances themselves, or keyed by the instance or its class "
            "(`self.live.append(self)`, `self.by_id[id(self)] = ...`): registries shared on purpose; "
            "PIT702 judges whether they leak.",
            "Removing from an element of a class-level container (`self._infos[kind].pop(alias)`): upkeep "
            "of a structure filled elsewhere.",
            "Classes that have, or may have, only one instance: a metaclass that can control instantiation (an "
            "imported one other than `ABCMeta`, or one of the module defining `__call__`, `__new__` or "
            "`__prepare__`), a `__new__` that caches the instance, a base named like a singleton, the Borg "
            "idiom, a class instantiated once into a module-level name, or a class defined in a function "
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

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.classes: dict[ast.AST, _Class] = {}
        self.by_name: dict[str, _Class] = {}
        self.local_names: set[str] = set()  # names of classes defined inside functions
        self.methods: dict[ast.AST, _Method] = {}
        self.class_receivers: dict[ast.arg, _Class] = {}  # `cls` of classmethods
        self.mutations: list[_Mutation] = []
        # `self.x[k]` targets whose assigned value reads `self.x` too: accumulators, not memos.
        self.accumulating: set[ast.Subscript] = set()

    # -- collecting, during the walk --------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.ClassDef):
            self._class(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._method(node)
        elif not self.classes:  # the common case, a module without classes, costs nothing
            return
        elif isinstance(node, ast.Name):
            if node.id in self.local_names and isinstance(node.ctx, ast.Load):
                cls = self._local_class(node)
                if cls is not None and cls.function is not None:
                    cls.references.append(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            if self.ctx.scope.kind is ScopeKind.CLASS:
                self._class_attribute(node)
            elif self.ctx.scope.kind is ScopeKind.MODULE and isinstance(node.value, ast.Call):
                self._singleton(node.value)
        elif isinstance(node, ast.Attribute):
            self._attribute(node)
        elif not self.methods:  # no method seen yet: nothing can go through `self`
            return
        elif isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, ast.Subscript):
            self._subscript(node)
        elif isinstance(node, ast.AugAssign):
            # `self.items += [x]` extends the shared list in place before rebinding the name.
            self._mutation(node.target, node, "augassign")
        elif isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators):
                if isinstance(op, (ast.In, ast.NotIn)):
                    self._keyed_read(right)

    def release(self) -> None:
        for cls in self.classes.values():
            cls.methods.clear()  # each _Method points back at its _Class
        super().release()

    def _class(self, node: ast.ClassDef) -> None:
        # Visited before its decorators and bases, in the scope that evaluates them.
        cls = _Class(node)
        self.classes[node] = cls
        self.by_name[node.name] = cls
        if self.ctx.scope.kind is ScopeKind.FUNCTION:
            cls.function = self.ctx.scope.node
            self.local_names.add(node.name)
            self.subscribe(ast.Name)  # its uses decide whether it is a one-off
        bases = list(node.bases)
        metaclass: Optional[ast.expr] = None
        for base in node.bases:
            # `six.with_metaclass(Meta, Base)` / `future.utils.with_metaclass(...)`.
            if isinstance(base, ast.Call) and base.args and self._dotted(base).endswith("with_metaclass"):
                metaclass = base.args[0]
                bases.extend(base.args[1:])
        for decorator in node.decorator_list:
            # `@six.add_metaclass(Meta)`.
            if isinstance(decorator, ast.Call) and decorator.args and self._dotted(decorator).endswith("add_metaclass"):
                metaclass = decorator.args[0]
        for base in bases:
            parent = self._local_class(base)
            if parent is not None:
                cls.bases.append(parent)
                cls.kind_exempt = cls.kind_exempt or parent.kind_exempt
            elif self._is_field_base(base):
                cls.kind_exempt = True
            elif not (isinstance(base, ast.Call) and self._dotted(base).endswith("with_metaclass")):
                dotted = self._dotted(base)
                cls.foreign_bases.append(dotted)
                if "singleton" in dotted.rpartition(".")[2].lower():
                    cls.shares_state = True  # `class Config(Singleton)`: one instance by design
        for keyword in node.keywords:
            if keyword.arg == "metaclass":
                metaclass = keyword.value
        if metaclass is not None:
            cls.metaclass = self._dotted(metaclass)
            cls.local_metaclass = self._local_class(metaclass)
            if cls.metaclass.startswith("enum."):
                # `class Color(metaclass=EnumMeta)` declares members, not shared attributes.
                cls.kind_exempt = True
        # A subclass of a dataclass is not a dataclass unless decorated itself; a subclass of
        # an Enum, NamedTuple or BaseModel still is one.
        cls.exempt = cls.kind_exempt or any(self._is_field_decorator(d) for d in node.decorator_list)
        if node.name in NESTED_OPTIONS and self.ctx.scope.kind is ScopeKind.CLASS:
            cls.exempt = True  # Django's `class Meta`, pydantic's `class Config`: declarations

    def _local_class(self, node: ast.expr) -> Optional[_Class]:
        """The class of this module that the name `node` refers to, if it is one."""
        if isinstance(node, ast.Name):
            binding = self.ctx.lookup(node.id)
            if binding is not None and binding.kind == "class":
                return self.classes.get(binding.node)
        return None

    def _dotted(self, node: ast.AST) -> str:
        """The import-resolved dotted name, or the name as written when it is not imported."""
        if isinstance(node, ast.Call):
            node = node.func
        if isinstance(node, ast.Subscript):  # `Generic[T]`, `BaseModel[...]`
            node = node.value
        resolved = self.ctx.qualified_name(node)
        if resolved:
            return resolved
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name):
            parts.append(node.id)
        return ".".join(reversed(parts))

    def _is_field_base(self, base: ast.expr) -> bool:
        dotted = self._dotted(base)
        return (
            dotted in FIELD_BASES
            or dotted.startswith("enum.")  # Enum, IntEnum, StrEnum, Flag, IntFlag, ReprEnum
            or dotted.rpartition(".")[2] in FIELD_BASE_NAMES
        )

    def _is_field_decorator(self, decorator: ast.expr) -> bool:
        dotted = self._dotted(decorator)
        # dataclasses.dataclass, pydantic.dataclasses.dataclass and the like; every attrs
        # decorator (`attr.s`, `attrs.define`, `from attrs import define, frozen, mutable`).
        return dotted.rpartition(".")[2] == "dataclass" or dotted.partition(".")[0] in {"attr", "attrs"}

    def _method(self, node: Function) -> None:
        scope = self.ctx.scope
        if scope.kind is not ScopeKind.CLASS:
            return
        cls = self.classes.get(scope.node)
        if cls is None:
            return
        positional = [*node.args.posonlyargs, *node.args.args]
        if not positional:
            return
        first = positional[0]
        if first.arg in CLASS_RECEIVERS or node.name in IMPLICIT_CLASS_METHODS or any(
            self._dotted(d).rpartition(".")[2] in CLASS_DECORATORS for d in node.decorator_list
        ):
            # The first parameter is the class (or, for a staticmethod, an ordinary value):
            # mutating through it shares on purpose.
            self.class_receivers[first] = cls
            return
        method = _Method(node, cls, first)
        self.methods[node] = method
        cls.methods.append(method)

    def _class_attribute(self, node: Union[ast.Assign, ast.AnnAssign]) -> None:
        cls = self.classes.get(self.ctx.scope.node)
        if cls is None or not self.ctx.is_mutable_value(node.value):
            return
        if isinstance(node, ast.AnnAssign):
            if self._is_classvar(node.annotation):
                return  # `ClassVar[...]` declares that the value is meant to be shared
            targets = [node.target]
        else:
            targets = node.targets
        for target in targets:
            if isinstance(target, ast.Name) and not _is_dunder(target.id):
                cls.attributes[target.id] = node
                cls.kinds[target.id] = self.ctx.container_kind(node.value)

    def _is_classvar(self, annotation: ast.expr) -> bool:
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            return "ClassVar" in annotation.value  # a string annotation: `"ClassVar[list]"`
        if isinstance(annotation, ast.Subscript):
            annotation = annotation.value
        resolved = self.ctx.qualified_name(annotation)
        if resolved is not None:
            return resolved in CLASSVAR
        return self._dotted(annotation).rpartition(".")[2] == "ClassVar"

    def _singleton(self, call: ast.Call) -> None:
        # `vcs = VcsSupport()` at module level: the module's one instance, so nothing is shared
        # with another.
        cls = self._local_class(call.func)
        if cls is not None:
            cls.singleton = True

    def _receiver(self, node: ast.AST) -> Optional[tuple[_Method, str]]:
        """For `self.<name>` where `self` is still a method's first parameter: (method, name)."""
        if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name):
            return None
        method = self._instance(node.value)
        return (method, node.attr) if method is not None else None

    def _instance(self, node: ast.AST) -> Optional[_Method]:
        """The method whose instance parameter the name `node` still is."""
        if not isinstance(node, ast.Name):
            return None
        binding = self.ctx.lookup(node.id)
        if binding is None or binding.kind != "param":
            return None  # `self` was rebound, or it is not a parameter at all
        method = self.methods.get(binding.scope.node)
        if method is None or binding.node is not method.receiver:
            return None
        return method

    def _class_of(self, node: ast.expr) -> Optional[_Class]:
        """The class `node` names: `Foo`, `cls`, `type(self)`, `self.__class__`."""
        if isinstance(node, ast.Name):
            binding = self.ctx.lookup(node.id)
            if binding is None:
                return None
            if binding.kind == "class":
                return self.classes.get(binding.node)
            if binding.kind == "param":
                return self.class_receivers.get(binding.node)  # type: ignore[arg-type]
            return None
        if isinstance(node, ast.Attribute):
            if node.attr == "__class__":
                method = self._instance(node.value)
                return method.cls if method is not None else None
            # `self.RequestHandler.log`, `module.Registry.items`: a class of this module
            # reached through another object.
            return self.by_name.get(node.attr)
        if (
            isinstance(node, ast.Call)
            and len(node.args) == 1
            and self.ctx.qualified_name(node.func) == "builtins.type"
        ):
            method = self._instance(node.args[0])
            return method.cls if method is not None else None
        return None

    def _attribute(self, node: ast.Attribute) -> None:
        cls = self._class_of(node.value)
        if cls is not None:
            cls.through_class.add(node.attr)  # the author knows the attribute lives on the class
            self._caches_instance(node)
            return
        if not self.methods:
            return
        if not isinstance(node.ctx, ast.Store):
            self._accumulator(node)
            return
        parent = self.ctx.parent(node)
        if isinstance(parent, ast.AugAssign) and parent.target is node:
            return  # `self.items += [x]` mutates first; it is handled as a mutation
        found = self._receiver(node)
        if found is None:
            return
        method, name = found
        if name == "__dict__" and isinstance(parent, ast.Assign):
            method.cls.shares_state = True  # `self.__dict__ = self._shared`: the Borg idiom
        value = getattr(parent, "value", None)
        if isinstance(value, ast.Attribute) and value.attr == name:
            if self._instance(value.value) is method or self._class_of(value.value) is not None:
                return  # `self.x = self.x` or `self.x = type(self).x`: still the shared object
        method.rebound.add(name)

    def _caches_instance(self, node: ast.Attribute) -> None:
        """`cls._instance = ...`, `cls._instances[cls] = ...` in a `__new__`: a singleton.

        The class hands out one cached instance, so its attributes have nobody to be shared with.
        """
        parent = self.ctx.parent(node)
        stores = isinstance(node.ctx, ast.Store) or (
            isinstance(parent, ast.Subscript) and parent.value is node and not isinstance(parent.ctx, ast.Load)
        ) or (
            isinstance(parent, ast.Attribute) and parent.attr in MUTATORS
            and isinstance(self.ctx.parent(parent), ast.Call)
        )
        if not stores:
            return
        scope: Optional[Scope] = self.ctx.scope
        while scope is not None and scope.kind is not ScopeKind.FUNCTION:
            scope = scope.parent  # through comprehensions and lambdas to the function
        if scope is None or getattr(scope.node, "name", None) != "__new__":
            return
        owner = self.classes.get(scope.parent.node) if scope.parent is not None else None
        if owner is not None:
            owner.shares_state = True

    def _accumulator(self, node: ast.Attribute) -> None:
        """Marks `self.x[k]` in `self.x[k] = <value reading self.x>` as an accumulation.

        `self.counts[k] = self.counts.get(k, 0) + 1` counts per-instance events; it only looks
        like a memo fill (a store after a keyed lookup). Walks up to the statement, never down.
        """
        found = self._receiver(node)
        if found is None:
            return
        method, name = found
        statement = self.ctx.enclosing(node, (ast.stmt,))
        if not isinstance(statement, ast.Assign):
            return
        for target in statement.targets:
            if (
                isinstance(target, ast.Subscript)
                and target.value is not node
                and self._receiver(target.value) == (method, name)
            ):
                self.accumulating.add(target)

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in MUTATORS:
            self._mutation(func.value, node, func.attr)
            self._element(func.value, node, func.attr)
        elif isinstance(func, ast.Attribute) and func.attr == "get":
            self._keyed_read(func.value)
        elif isinstance(func, ast.Attribute) and func.attr == "__setattr__":
            self._setattr(node)
        elif node.args:
            qualified = self.ctx.qualified_name(func)
            if qualified == "builtins.setattr":
                self._rebind(self._instance(node.args[0]), node.args[1:2])  # `setattr(self, "x", [])`
            elif qualified in MUTATING_FUNCTIONS:
                self._mutation(node.args[0], node, qualified.rpartition(".")[2])  # `heappush(self.heap, x)`
                self._element(node.args[0], node, qualified.rpartition(".")[2])

    def _setattr(self, node: ast.Call) -> None:
        func = node.func
        assert isinstance(func, ast.Attribute)
        if self.ctx.qualified_name(func) == "builtins.object.__setattr__":
            # `object.__setattr__(self, "x", [])`, the frozen-dataclass spelling of setattr.
            self._rebind(self._instance(node.args[0]) if node.args else None, node.args[1:2])
        elif isinstance(func.value, ast.Call) and self.ctx.qualified_name(func.value.func) == "builtins.super":
            # `super().__setattr__("x", [])` in a method: the instance is implicit.
            scope: Optional[Scope] = self.ctx.scope
            while scope is not None and scope.kind is not ScopeKind.FUNCTION:
                scope = scope.parent
            self._rebind(self.methods.get(scope.node) if scope is not None else None, node.args[:1])
        else:
            self._rebind(self._instance(func.value), node.args[:1])  # `self.__setattr__("x", [])`

    def _rebind(self, method: Optional[_Method], names: list[ast.expr]) -> None:
        """`self.<name> = ...` spelled as a call: the instance gets its own object."""
        if method is not None and names and isinstance(names[0], ast.Constant) and isinstance(names[0].value, str):
            method.rebound.add(names[0].value)

    def _subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Load):
            # A read changes nothing, not even a defaultdict worth reporting (a missing key is
            # inserted, but `self.handlers[k](x)` on a class-level defaultdict is a lookup
            # table, and flagging reads cost far more false positives than it found bugs).
            # It is a lookup that makes a later store look like a memo table.
            self._keyed_read(node.value)
            return
        parent = self.ctx.parent(node)
        if isinstance(node.ctx, ast.Del):
            how = "delete"
        elif isinstance(parent, ast.AugAssign) and parent.target is node:
            how = "item-augassign"  # `self.counts[k] += 1` accumulates, it does not memoize
        elif node in self.accumulating:
            how = "accumulate"
        else:
            how = "store"
        self._mutation(node.value, node, how)
        self._element(node.value, node, how)

    def _keyed_read(self, target: ast.AST) -> None:
        found = self._receiver(target)
        if found is not None:
            found[0].keyed_reads.add(found[1])

    def _element(self, target: ast.AST, node: ast.AST, how: str) -> None:
        """`self.x[k].append(v)`, `self.x[i][j] = v`, `self.x.setdefault(k, []).append(v)`.

        The element lives inside the shared container, so changing it changes what every
        instance sees: a mutation of the attribute. The values are then per-instance data,
        which also rules out a memo table. Removals are left out (see REMOVALS).
        """
        if how in REMOVALS:
            return
        slices: list[ast.expr] = []
        while isinstance(target, ast.Subscript):  # down the subscript chain, not a tree walk
            slices.append(target.slice)
            target = target.value
        if not slices:
            if not (
                isinstance(target, ast.Call)
                and isinstance(target.func, ast.Attribute)
                and target.func.attr == "setdefault"
            ):
                return
            target = target.func.value  # the setdefault itself is already a mutation
        found = self._receiver(target)
        if found is None:
            return
        method, name = found
        method.element_mutations.add(name)
        if slices and not any(self._identifies(method, s) for s in slices):
            # `self.refs[self.__class__].add(...)`, `self.by_id[id(self)].append(...)`: keyed by
            # the instance or its class, a registry (see `_registers_instance`).
            self._mutation(target, node, "element")

    def _mutation(self, target: ast.AST, node: ast.AST, how: str) -> None:
        found = self._receiver(target)
        if found is None:
            return
        method, name = found
        if name in method.rebound:
            return  # this method gave the instance its own object first
        if self._registers_instance(method, node):
            return  # `self.instances.append(self)`: a registry of instances, shared on purpose
        self.mutations.append(_Mutation(method, name, node, how))

    def _registers_instance(self, method: _Method, node: ast.AST) -> bool:
        """`.append(self)`, `[self] = info`, `[k] = weakref.ref(self)`, `[type(self)] = v`...

        A container of the instances themselves, or keyed by their class, exists to be shared.
        """
        if isinstance(node, ast.Call):
            values = [*node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, ast.Subscript):
            values = [node.slice, getattr(self.ctx.parent(node), "value", None)]
        else:
            return False
        if isinstance(node, ast.Call) and self.ctx.qualified_name(node.func) in MUTATING_FUNCTIONS:
            values = values[1:]  # `heappush(self.heap, self)`: the first argument is the heap
        return any(self._identifies(method, value) for value in values)

    def _identifies(self, method: _Method, value: Optional[ast.AST]) -> bool:
        """`self`, its class, `self.__class__.__name__`, `id(self)`, `weakref.ref(self)`...

        Only calls that stand for the instance (IDENTITY_CALLS) count, one level deep with no
        subtree walk: `Edge(self, child)` is a new value that merely mentions the instance.
        """
        if isinstance(value, ast.Attribute) and value.attr in ("__name__", "__qualname__"):
            value = value.value  # `self.__class__.__name__`
        if value is None:
            return False
        if self._instance(value) is method or self._class_of(value) is method.cls:
            return True
        return (
            isinstance(value, ast.Call)
            and self.ctx.qualified_name(value.func) in IDENTITY_CALLS
            and any(self._instance(arg) is method for arg in value.args)
        )

    # -- deciding, after the walk -----------------------------------------------------------

    def finish(self) -> None:
        shared: dict[tuple[_Class, str], list[_Mutation]] = {}
        for mutation in self.mutations:
            cls = mutation.method.cls
            attribute = mutation.attribute
            if cls.exempt or cls.singleton or self._one_instance(cls):
                continue
            mro = _linearize(cls)
            owner = self._owner(mro, attribute)
            if owner is None or owner.exempt:
                continue
            if any(c.shares_state or self._opaque_metaclass(c) for c in mro):
                continue  # one instance by design (singleton metaclass or `__new__`, Borg)
            family = self._family(owner, mro)
            if any(attribute in m.rebound for c in family for m in c.methods if m is not mutation.method):
                # Some method gives the instance its own object (`__init__`, `setUp`, a
                # `reset()` the protocol calls first): the class attribute is only a default.
                continue
            if any(attribute in c.through_class for c in family):
                continue  # reached as `Foo.x` or `cls.x` somewhere: shared knowingly
            shared.setdefault((owner, attribute), []).append(mutation)
        for (owner, attribute), mutations in shared.items():
            if not self._is_memo(owner, attribute, mutations):
                self._report(owner, attribute, mutations)

    def _opaque_metaclass(self, cls: _Class) -> bool:
        """A metaclass that may control instantiation or rewrite the class body.

        `type`, `abc.ABCMeta` and the typing/enum metaclasses (enum classes are exempt anyway)
        are known to leave both alone. A metaclass of this module is opaque when it, or one of
        its bases in the module, defines `__call__` (a singleton's cache), `__new__` or
        `__prepare__` (a declarative namespace), or derives from an unknown base. An imported
        metaclass is opaque: `SingletonMeta`, ORM metaclasses and the like.
        """
        if cls.metaclass is None:
            return False
        if cls.local_metaclass is None:
            return not _benign_metaclass(cls.metaclass)
        for meta in _linearize(cls.local_metaclass):
            if any(
                isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name in OPAQUE_METACLASS_METHODS
                for s in meta.node.body  # the class body's own statements: a list, not a walk
            ):
                return True
            if not all(_benign_metaclass(base) for base in meta.foreign_bases):
                return True
        return False

    def _one_instance(self, cls: _Class) -> bool:
        """A class defined in a function and instantiated once there, outside any loop.

        Each call of the function makes a new class with new attributes for its one instance:
        nothing is shared (`class SpreadSheet: _cells = {}` inside a test).
        """
        if cls.function is None or len(cls.references) != 1:
            return False  # subclassed, returned, passed on or instantiated more than once
        name = cls.references[0]
        call = self.ctx.parent(name)
        if not isinstance(call, ast.Call) or call.func is not name:
            return False
        for ancestor in self.ctx.ancestors(call):
            if ancestor is cls.function:
                return True
            if isinstance(ancestor, LOOP_NODES + COMPREHENSION_NODES + FUNCTION_NODES + (ast.Lambda,)):
                return False
        return False

    def _owner(self, mro: list[_Class], attribute: str) -> Optional[_Class]:
        """The class whose mutable assignment `self.<attribute>` finds first, if any."""
        for cls in mro:
            scope: Optional[Scope] = self.ctx.scopes.get(cls.node)
            binding = scope.last(attribute) if scope is not None else None
            if binding is None or binding.kind == "annotation":
                continue  # a bare `name: list` binds nothing at runtime; keep looking
            node = cls.attributes.get(attribute)
            if node is not None and _binds(node, binding.node):
                return cls
            return None  # redefined (by a subclass, a def, a property...) as something else
        return None

    def _family(self, owner: _Class, mro: list[_Class]) -> list[_Class]:
        """The mutating class's ancestors and every class of the module that derives from `owner`."""
        return mro + [c for c in self.classes.values() if owner in _linearize(c)]

    def _is_memo(self, owner: _Class, attribute: str, mutations: list[_Mutation]) -> bool:
        """A dict only ever filled after a lookup by key, one item at a time: a shared memo table.

        `if key not in self._pools: self._pools[key] = make(key)` caches across instances on
        purpose; the bug shape stores per-instance data (`update`, `+=`, `self.x[k].append`).
        """
        if owner.kinds[attribute] not in DICTS:
            return False
        for mutation in mutations:
            method = mutation.method
            if attribute in method.element_mutations:
                return False
            if mutation.how == "store":
                if attribute not in method.keyed_reads:
                    return False
            elif mutation.how not in KEYED_METHODS and mutation.how != "delete":
                return False
        return any(m.how in ("store", "setdefault") for m in mutations)

    def _report(self, owner: _Class, attribute: str, mutations: list[_Mutation]) -> None:
        node = owner.attributes[attribute]
        first = mutations[0]
        method = first.method.node.name
        if first.method.cls is not owner:
            method = f"{first.method.cls.node.name}.{method}"
        related = [
            (m.node, f"'{m.method.node.name}' mutates the shared '{attribute}' here") for m in mutations
        ]
        value = node.value  # type: ignore[attr-defined]
        context = {
            "class": owner.node.name,
            "attribute": attribute,
            "value": self.ctx.segment(value),
            "kind": owner.kinds[attribute],
            "method": method,
            "receiver": first.method.receiver.arg,
            "mutation": self.ctx.segment(first.node),
            "mutation_line": self._statement(first.node),
        }
        # What the explanation needs to tell this hit's story (see `explanation.variant_key`).
        shape = []
        if first.method.cls is not owner:
            shape.append("subclass")
            context["method_class"] = first.method.cls.node.name
            context["method_name"] = first.method.node.name
            context["method_bases"] = ", ".join(self.ctx.segment(b) for b in first.method.cls.node.bases)
        if first.how == "augassign":
            shape.append("augassign")  # `self.items += [x]` also stores the shared list on the instance
        if shape:
            context["shape"] = "-".join(shape)
        self.report(node, related=related, **context)

    def _statement(self, node: ast.AST) -> str:
        """The mutating statement on one line (`self.store[key] = value`, `del self.d[k]`).

        An assignment too long for one line keeps its target (`self.d[k] = ...`); a compound
        statement (`while self.q.pop():`) or another that spans lines gives the mutation itself.
        """
        statement = node if isinstance(node, ast.stmt) else self.ctx.enclosing(node, (ast.stmt,))
        if statement is None or hasattr(statement, "body"):
            return self.ctx.segment(node)
        text = self.ctx.segment(statement)
        if statement.lineno == statement.end_lineno and not text.endswith("..."):
            return text
        if isinstance(statement, ast.AugAssign):
            return f"{self.ctx.segment(statement.target)} {AUGMENTED[type(statement.op)]} ..."
        if isinstance(statement, ast.Assign):
            return " = ".join(self.ctx.segment(t) for t in statement.targets) + " = ..."
        return self.ctx.segment(node)


def _benign_metaclass(dotted: str) -> bool:
    return (
        dotted.rpartition(".")[2] in BENIGN_METACLASSES
        or dotted.partition(".")[0] in ("typing", "typing_extensions", "enum")
    )


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _binds(statement: ast.stmt, target: ast.AST) -> bool:
    if isinstance(statement, ast.AnnAssign):
        return statement.target is target
    return any(t is target for t in statement.targets)  # type: ignore[attr-defined]


def _linearize(cls: _Class) -> list[_Class]:
    """The class and its same-module ancestors, depth first, left to right (an MRO approximation)."""
    order: list[_Class] = []
    stack = [cls]
    while stack:
        current = stack.pop()
        if current in order:
            continue
        order.append(current)
        stack.extend(reversed(current.bases))
    return order
