"""Class facts: what a class is (bases, decorators, metaclass, declarative family), its methods,
its in-module MRO and subclasses, and what its methods do with `self.<name>`.

Built once the walk is over, on first ask (`ctx.classes`), from the model's records: the
ClassDefs the walk met (`ctx.class_defs`), the bindings of their scopes and the references of
the names involved. Nothing here walks the tree: a base, decorator or metaclass is resolved
through the reference its name made where the class statement ran, and "is this name still the
instance" is "does it resolve to the method's first parameter" (a Reference says it). The only
scan is `ClassModel.reached_by_name`, over the parents map, made once and only on request.
"""

from __future__ import annotations

import ast
import weakref
from functools import cached_property
from typing import TYPE_CHECKING, Iterator, Optional

from pitfalls.model.scopes import Binding, Reference, Scope, ScopeKind
from pitfalls.model.vocabulary import MUTATING_METHODS

if TYPE_CHECKING:
    from pitfalls.model.context import Context
    from pitfalls.model.functions import FunctionFacts

# A first parameter with one of these names receives the class, not an instance (metaclass
# methods, `declared_attr`, `classproperty` and other class-level descriptors).
CLASS_RECEIVERS = frozenset({"cls", "klass", "mcs", "mcls", "metacls"})
CLASS_DECORATORS = frozenset({"classmethod", "abstractclassmethod"})
STATIC_DECORATORS = frozenset({"staticmethod", "abstractstaticmethod"})
IMPLICIT_CLASS_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
# Declarative families: classes whose body declares fields, members or options that a library
# handles its own way. By base (inherited by subclasses), import-resolved or by last name part:
BASE_FAMILIES = {
    "typing.NamedTuple": "namedtuple", "typing_extensions.NamedTuple": "namedtuple",
    "collections.namedtuple": "namedtuple",
    "typing.TypedDict": "typeddict", "typing_extensions.TypedDict": "typeddict",
    **dict.fromkeys(
        ("pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel", "pydantic.BaseSettings",
         "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings", "pydantic.RootModel",
         "pydantic.root_model.RootModel", "pydantic.generics.GenericModel",
         # Its cousins: class attributes declare fields, copied per instance.
         "ninja.Schema", "ninja.schema.Schema", "ninja.ModelSchema", "ninja.FilterSchema",
         "sqlmodel.SQLModel", "sqlmodel.main.SQLModel"),
        "pydantic",
    ),
    "msgspec.Struct": "msgspec",
    "builtins.type": "metaclass",  # its instances are classes
    # ORM models: their field objects are declarations, any other class attribute is plain.
    "django.db.models.Model": "django", "django.db.models.base.Model": "django",
    "sqlalchemy.orm.DeclarativeBase": "sqlalchemy", "sqlalchemy.orm.DeclarativeBaseNoMeta": "sqlalchemy",
}
BASE_NAME_FAMILIES = {
    "NamedTuple": "namedtuple", "TypedDict": "typeddict", "BaseModel": "pydantic",
    **dict.fromkeys(("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"), "enum"),
}
NESTED_OPTIONS = frozenset({"Meta", "Config"})  # Django's `class Meta`, pydantic's `class Config`
# Families whose class-level values are not attributes the instances share as such (every family
# but the ORM models, whose non-field attributes are ordinary class attributes).
FIELD_FAMILIES = frozenset(
    {"dataclass", "attrs", "namedtuple", "typeddict", "enum", "pydantic", "msgspec", "metaclass", "options"}
)
CLASSVAR = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
# Metaclasses known to leave instantiation and the class namespace alone (besides the typing and
# enum ones). A metaclass of the module that defines one of these methods may not.
BENIGN_METACLASSES = frozenset({"type", "ABCMeta"})
INSTANCE_METACLASS_METHODS = frozenset({"__call__", "__new__", "__prepare__"})
# Calls whose result stands for the instance itself (`weakref.ref(self)`, `id(self)`).
IDENTITY_CALLS = frozenset(
    {"weakref.ref", "weakref.proxy", "_weakref.ref", "_weakref.proxy", "builtins.id", "builtins.hash", "builtins.type"}
)


class InstanceAttribute:
    """One `self.<name>` in a method (nested functions, lambdas and comprehensions included),
    where `self` is still the method's first parameter. `access`: load, store or del."""

    __slots__ = ("node", "name", "access", "reference")

    def __init__(self, node: ast.Attribute, reference: Reference) -> None:
        self.node = node
        self.name = node.attr
        self.access = _ACCESS[type(node.ctx)]
        self.reference = reference

    def __repr__(self) -> str:
        return f"InstanceAttribute({self.name!r}, {self.access}, line {self.node.lineno})"


_ACCESS = {ast.Load: "load", ast.Store: "store", ast.Del: "del"}


class Method:
    """A def in a class body and what it receives: `receives` is "instance" (`self`, whatever
    its name), "class" (classmethods, `__new__`, `__init_subclass__`, a first parameter named
    `cls`, `mcs`...) or "none" (a staticmethod, or no positional parameter)."""

    def __init__(self, ctx: "Context", cls: "ClassFacts", node: ast.AST, decorators: tuple[str, ...]) -> None:
        self.ctx = ctx
        self.node = node
        self.name: str = node.name  # type: ignore[attr-defined]
        self._cls = weakref.ref(cls)  # no cycle: the ClassFacts lists its methods
        self.decorators = decorators
        args = node.args  # type: ignore[attr-defined]
        positional = [*args.posonlyargs, *args.args]
        last_parts = {d.rpartition(".")[2] for d in decorators}
        self.receiver: Optional[ast.arg] = positional[0] if positional else None
        if self.receiver is None or last_parts & STATIC_DECORATORS:
            self.receives = "none"
        elif self.receiver.arg in CLASS_RECEIVERS or self.name in IMPLICIT_CLASS_METHODS or last_parts & CLASS_DECORATORS:
            self.receives = "class"
        else:
            self.receives = "instance"
        self.binding: Optional[Binding] = None  # the receiver parameter's binding
        scope = ctx.scopes.get(node)
        if self.receiver is not None and scope is not None:
            self.binding = next((b for b in scope.bindings.get(self.receiver.arg, ()) if b.node is self.receiver), None)
        self._attributes: Optional[list[InstanceAttribute]] = None

    def __repr__(self) -> str:
        return f"Method({self.name!r}, {self.receives})"

    @property
    def cls(self) -> "ClassFacts":
        return self._cls()  # type: ignore[return-value]

    @property
    def facts(self) -> "FunctionFacts":
        """The def's function facts (built on first ask: a scan of its own body)."""
        return self.ctx.function(self.node)

    @property
    def references(self) -> list[Reference]:
        """Every load of the receiver that still reads the parameter, in evaluation order."""
        return self.binding.references if self.binding is not None else []

    @property
    def attributes(self) -> list[InstanceAttribute]:
        """`self.<name>` loads, stores and deletes, in evaluation order (instance methods only)."""
        if self._attributes is None:
            parents = self.ctx.parents
            found = []
            if self.receives == "instance":
                for reference in self.references:
                    parent = parents.get(reference.node)
                    if type(parent) is ast.Attribute and parent.value is reference.node:
                        found.append(InstanceAttribute(parent, reference))
            self._attributes = found
        return self._attributes

    def assignments(self) -> list[tuple[str, ast.AST, Reference]]:
        """(name, node, reference) for each way an instance method gives the instance an
        attribute of its own: `self.x = v` (node: the Attribute), `setattr(self, "x", v)`,
        `object.__setattr__(self, "x", v)`, `self.__setattr__("x", v)`, `super().__setattr__("x",
        v)` (node: the Call; reference: the load of `self`, or of `super`), grouped by spelling.
        `self.x += v` is not one: it changes the object it finds first."""
        if self.receives != "instance":
            return []
        parents, qualified = self.ctx.parents, self.cls.model.qualified
        found: list[tuple[str, ast.AST, Reference]] = []

        def named(name: ast.expr, where: ast.AST, reference: Optional[Reference]) -> None:
            if isinstance(name, ast.Constant) and isinstance(name.value, str) and reference is not None:
                found.append((name.value, where, reference))

        for attribute in self.attributes:
            parent = parents.get(attribute.node)
            if attribute.access == "store":
                if not (isinstance(parent, ast.AugAssign) and parent.target is attribute.node):
                    found.append((attribute.name, attribute.node, attribute.reference))
            elif attribute.name == "__setattr__" and isinstance(parent, ast.Call) and parent.func is attribute.node:
                named(parent.args[0] if parent.args else None, parent, attribute.reference)  # type: ignore[arg-type]
        for reference in self.references:
            call = parents.get(reference.node)
            if isinstance(call, ast.Call) and len(call.args) > 1 and call.args[0] is reference.node:
                if qualified(call.func) in ("builtins.setattr", "builtins.object.__setattr__"):
                    named(call.args[1], call, reference)
        node, lines = self.node, self.ctx.lines
        if self.cls.model.mentions("__setattr__") and "__setattr__" in "\n".join(
            lines[node.lineno - 1 : node.end_lineno]  # type: ignore[attr-defined]
        ):
            for call in self.facts.calls:
                func = call.func
                if isinstance(func, ast.Attribute) and func.attr == "__setattr__" and isinstance(func.value, ast.Call):
                    if qualified(func.value.func) == "builtins.super" and call.args:
                        named(call.args[0], call, self.ctx.reference(func.value.func))  # type: ignore[arg-type]
        return found

    def identifies(self, value: Optional[ast.AST]) -> bool:
        """Whether `value` stands for this method's instance or its class: `self`, `type(self)`,
        `self.__class__.__name__`, `id(self)`, `weakref.ref(self)`, `Foo` (IDENTITY_CALLS, one
        level deep: `Edge(self, child)` is a new value that merely mentions the instance)."""
        if isinstance(value, ast.Attribute) and value.attr in ("__name__", "__qualname__"):
            value = value.value
        model = self.cls.model
        if value is None or model.instance_of(value) is self or model.class_of(value) is self.cls:
            return value is not None
        return (
            isinstance(value, ast.Call)
            and model.qualified(value.func) in IDENTITY_CALLS
            and any(model.instance_of(arg) is self for arg in value.args)
        )

    def loads(self, name: str) -> list[InstanceAttribute]:
        return [a for a in self.attributes if a.name == name and a.access == "load"]

    def stores(self, name: str) -> list[InstanceAttribute]:
        return [a for a in self.attributes if a.name == name and a.access == "store"]


class ClassAttribute:
    """A plain assignment in a class body, `name = value` or `name: T = value`: the last binding
    the body makes of `name`. `mutable`: RULES.md's mutable value; `kind`: list, dict, deque...;
    `classvar`: annotated `ClassVar[...]`."""

    __slots__ = ("name", "binding", "statement", "value", "annotation", "mutable", "_model")

    def __init__(self, model: "ClassModel", binding: Binding, statement: ast.stmt) -> None:
        self.name = binding.name
        self.binding = binding
        self.statement = statement
        self.value: ast.expr = statement.value  # type: ignore[attr-defined,assignment]
        self.annotation: Optional[ast.expr] = getattr(statement, "annotation", None)
        self.mutable = model.is_mutable(self.value)
        self._model = weakref.ref(model)

    @property
    def kind(self) -> str:
        return self._model().container_kind(self.value) if self.mutable else "object"  # type: ignore[union-attr]

    @property
    def classvar(self) -> bool:
        return self.annotation is not None and self._model().is_classvar(self.annotation)  # type: ignore[union-attr]

    def __repr__(self) -> str:
        return f"ClassAttribute({self.name!r}, {self.kind})"


class ClassFacts:
    """One class statement of the module (see the module docstring).

    `bases`: the bases defined in this module; `foreign_bases`: the dotted names of the others
    (`six.with_metaclass(M, B)` counts as base B with metaclass M). `metaclass`: the dotted name
    of `metaclass=` (or six's spellings), `local_metaclass` the class of this module it names.
    `family`: the declarative family (FIELD_FAMILIES, "django", "sqlalchemy") or None, and
    `inherited_family` the part that comes through a base or the metaclass (a subclass of a
    NamedTuple, Enum or BaseModel is one too; a subclass of a dataclass is not a dataclass).
    `function`: the def whose body defines the class; `outer`: the class around a nested class.
    """

    def __init__(self, model: "ClassModel", node: ast.ClassDef) -> None:
        ctx = model.ctx
        self.node = node
        self.name = node.name
        self._model = weakref.ref(model)
        self.scope: Optional[Scope] = ctx.scopes.get(node)
        outer = self.scope.parent if self.scope is not None else ctx.scope_of(node)
        self.function: Optional[ast.AST] = outer.node if outer is not None and outer.kind is ScopeKind.FUNCTION else None
        self.outer: Optional[ClassFacts] = (
            model._by_node.get(outer.node) if outer is not None and outer.kind is ScopeKind.CLASS else None
        )
        self.binding = _own_binding(ctx, node, outer)
        self._nested = outer is not None and outer.kind is ScopeKind.CLASS
        self._members: Optional[dict[ast.AST, Method]] = None
        self._ancestors: Optional[list[ClassFacts]] = None  # the MRO without the class: no cycle
        self._attributes: Optional[dict[str, ClassAttribute]] = None
        self._accesses: Optional[list[ast.Attribute]] = None

    def __repr__(self) -> str:
        return f"ClassFacts({self.name!r}, line {self.node.lineno})"

    # -- the class statement: decorators, bases, metaclass, family (resolved on first ask) ----

    @cached_property
    def decorators(self) -> tuple[str, ...]:
        return tuple(self.model.dotted(d) for d in self.node.decorator_list)

    @property
    def bases(self) -> list["ClassFacts"]:
        return self._header[0]

    @property
    def foreign_bases(self) -> list[str]:
        return self._header[1]

    @property
    def metaclass(self) -> Optional[str]:
        return self._header[2]

    @property
    def local_metaclass(self) -> Optional["ClassFacts"]:
        return self._header[3]

    @cached_property
    def inherited_family(self) -> Optional[str]:
        families = self._header[4]
        return next((f for f in families if f in FIELD_FAMILIES), None) or next(iter(families), None)

    @cached_property
    def family(self) -> Optional[str]:
        inherited = self.inherited_family
        if inherited in FIELD_FAMILIES:
            return inherited
        decorated = next(filter(None, map(_decorator_family, self.decorators)), None)
        return decorated or ("options" if self.name in NESTED_OPTIONS and self._nested else None) or inherited

    @cached_property
    def _header(self) -> tuple[list["ClassFacts"], list[str], Optional[str], Optional["ClassFacts"], list[str]]:
        model, node = self.model, self.node
        bases = list(node.bases)
        metaclass: Optional[ast.expr] = None
        for base in node.bases:  # `six.with_metaclass(Meta, Base)`, `future.utils.with_metaclass`
            if isinstance(base, ast.Call) and base.args and model.dotted(base).endswith("with_metaclass"):
                metaclass = base.args[0]
                bases.extend(base.args[1:])
        for decorator in node.decorator_list:  # `@six.add_metaclass(Meta)`
            if isinstance(decorator, ast.Call) and decorator.args and model.dotted(decorator).endswith("add_metaclass"):
                metaclass = decorator.args[0]
        local_bases: list[ClassFacts] = []
        foreign: list[str] = []
        families: list[str] = []
        for base in bases:
            local = model.class_named(base)
            if local is not None:
                local_bases.append(local)
                if local.inherited_family:
                    families.append(local.inherited_family)
            elif not (isinstance(base, ast.Call) and model.dotted(base).endswith("with_metaclass")):
                dotted = model.dotted(base)
                foreign.append(dotted)
                family = _base_family(dotted) or model.orm_family(base)
                if family:
                    families.append(family)
        for keyword in node.keywords:
            if keyword.arg == "metaclass":
                metaclass = keyword.value
        dotted_metaclass = model.dotted(metaclass) if metaclass is not None else None
        if dotted_metaclass is not None and dotted_metaclass.startswith("enum."):
            families.insert(0, "enum")  # `metaclass=EnumMeta` declares members
        local_metaclass = model.class_named(metaclass) if metaclass is not None else None
        return local_bases, foreign, dotted_metaclass, local_metaclass, families

    @property
    def model(self) -> "ClassModel":
        return self._model()  # type: ignore[return-value]

    @property
    def members(self) -> list[Method]:
        """Every def of the body, in order (overloads and property setters too)."""
        return list(self._defs().values())

    def _defs(self) -> dict[ast.AST, Method]:
        if self._members is None:
            model, found = self.model, {}
            if self.scope is not None:
                for b in sorted((b for bs in self.scope.bindings.values() for b in bs if b.kind == "function"),
                                key=lambda b: b.seq):
                    decorators = tuple(model.dotted(d) for d in b.node.decorator_list)  # type: ignore[attr-defined]
                    found[b.node] = Method(model.ctx, self, b.node, decorators)
            self._members = found
        return self._members

    @property
    def declarative(self) -> bool:
        return self.family is not None

    @property
    def methods(self) -> dict[str, "FunctionFacts"]:
        """Name -> the facts of the def that the name ends up bound to (scans each body once)."""
        return {m.name: m.facts for m in self.members}

    def method(self, name: str) -> Optional[Method]:
        """The def `name` ends up bound to in the body, if any."""
        return next((m for m in reversed(self.members) if m.name == name), None)

    @property
    def instance_methods(self) -> list[Method]:
        return [m for m in self.members if m.receives == "instance"]

    def mro(self) -> list["ClassFacts"]:
        """The class and its same-module ancestors, depth first, left to right (an MRO
        approximation that stops at the module's edge: foreign bases are not followed)."""
        if self._ancestors is None:
            order: list[ClassFacts] = [self]
            stack = list(reversed(self.bases))
            while stack:
                current = stack.pop()
                if current in order:
                    continue
                order.append(current)
                stack.extend(reversed(current.bases))
            self._ancestors = order[1:]
        return [self, *self._ancestors]

    def subclasses(self) -> list["ClassFacts"]:
        """The classes of the module that derive from this one, directly or not, in walk order."""
        return list(self.model._subclasses().get(self, ()))

    @property
    def references(self) -> list[Reference]:
        """The loads of the class's name that read this class statement's binding."""
        if self.binding is None:
            return []
        return [r for r in self.binding.references if type(r.node.ctx) is ast.Load]

    def instantiations(self) -> list[ast.Call]:
        """`Foo(...)` calls through the class's own name."""
        parents = self.model.ctx.parents
        found = []
        for reference in self.references:
            call = parents.get(reference.node)
            if isinstance(call, ast.Call) and call.func is reference.node:
                found.append(call)
        return found

    @property
    def attributes(self) -> dict[str, ClassAttribute]:
        """Name -> the plain assignment the body makes last, for names whose last binding in
        the body is one (a later def, import or bare annotation of the name shadows it)."""
        if self._attributes is None:
            found: dict[str, ClassAttribute] = {}
            parents = self.model.ctx.parents
            for name, bindings in (self.scope.bindings.items() if self.scope is not None else ()):
                binding = bindings[-1]
                if binding.kind == "assign" and isinstance(binding.node, ast.Name):
                    statement = parents.get(binding.node)
                    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                        found[name] = ClassAttribute(self.model, binding, statement)
            self._attributes = found
        return self._attributes

    def binds(self, name: str) -> Optional[Binding]:
        """The body's last binding of `name` at run time (a bare annotation binds nothing)."""
        found = self.scope.last(name) if self.scope is not None else None
        return None if found is None or found.kind == "annotation" else found

    def lookup(self, name: str) -> Optional[tuple["ClassFacts", Binding]]:
        """Where `Foo.<name>` is found along the in-module MRO: the class and its binding."""
        for cls in self.mro():
            binding = cls.binds(name)
            if binding is not None:
                return cls, binding
        return None

    # -- how many instances, and whether they share one state --------------------------------

    @cached_property
    def module_instance(self) -> bool:
        """Instantiated exactly once in the module, into a name at module level (`vcs =
        VcsSupport()`): the module's one instance. Two module-level instances, or one more made
        anywhere else in the module, are not a singleton."""
        calls = self.instantiations()
        if len(calls) != 1:
            return False
        call = calls[0]
        statement = self.model.ctx.parents.get(call)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is call:
            reference = self.model.ctx.reference(call.func)  # type: ignore[arg-type]
            return reference is not None and reference.scope.kind is ScopeKind.MODULE
        return False

    @cached_property
    def constructed_attributes(self) -> frozenset[str]:
        """The names `__new__` sets on the instance it makes before returning it: `obj =
        super().__new__(cls)` (or `object.__new__(cls)`, `Base.__new__(cls)`) then `obj.x = []`
        or `setattr(obj, "x", [])`. Like `__init__`, that gives each instance its own."""
        new = self.method("__new__")
        if new is None:
            return frozenset()
        ctx, found = self.model.ctx, set()

        def made_here(name: ast.AST) -> bool:
            binding = ctx.resolve(name) if isinstance(name, ast.Name) else None
            value = binding.value if binding is not None and binding.kind in ("assign", "walrus") else None
            return (
                isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                and value.func.attr == "__new__" and binding.scope.node is new.node  # type: ignore[union-attr]
            )

        for node in new.facts.nodes(ast.Attribute):
            if isinstance(node.ctx, ast.Store) and made_here(node.value):  # type: ignore[attr-defined]
                found.add(node.attr)  # type: ignore[attr-defined]
        for call in new.facts.calls:
            if (self.model.qualified(call.func) in ("builtins.setattr", "builtins.object.__setattr__")
                    and len(call.args) > 1 and made_here(call.args[0])
                    and isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str)):
                found.add(call.args[1].value)
        return frozenset(found)

    def annotates(self, name: str) -> bool:
        """Whether the body annotates `name` (`name: T`, with or without a value): in a
        dataclass, attrs or pydantic class, a field that the generated `__init__` sets."""
        return self.scope is not None and any(b.kind == "annotation" for b in self.scope.bindings.get(name, ())) or (
            name in self.attributes and self.attributes[name].annotation is not None
        )

    @cached_property
    def one_instance_per_call(self) -> bool:
        """Defined in a function that instantiates it once, outside any loop, and uses its name
        for nothing else: each call makes a new class for its one instance."""
        references = self.references
        if self.function is None or len(references) != 1:
            return False  # subclassed, returned, passed on or instantiated more than once
        ctx, name = self.model.ctx, references[0].node
        call = ctx.parent(name)
        if not isinstance(call, ast.Call) or call.func is not name:
            return False
        for ancestor in ctx.ancestors(call):
            if ancestor is self.function:
                return True
            if isinstance(ancestor, (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
                                     ast.GeneratorExp, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return False
        return False

    @cached_property
    def shared_state(self) -> Optional[str]:
        """Why its instances share one state by design, if they do: "singleton" (a base named
        like one), "borg" (`self.__dict__ = shared`), or "__new__" (it caches into the class:
        `cls._instance = ...`, `cls._instances[key] = ...`, `Foo._made.add(...)`)."""
        if any("singleton" in base.rpartition(".")[2].lower() for base in self.foreign_bases):
            return "singleton"
        parents, model = self.model.ctx.parents, self.model
        if any(a.name == "__dict__" and a.access == "store" and isinstance(parents.get(a.node), ast.Assign)
               for _, a in self.instance_attributes()):
            return "borg"
        for new in self.members:
            if new.name == "__new__":
                for node in new.facts.nodes(ast.Attribute):
                    if model.class_of(node.value) is not None and _stores(parents, node):  # type: ignore[attr-defined]
                        return "__new__"
        return None

    @cached_property
    def opaque_metaclass(self) -> bool:
        """Its metaclass may control instantiation or rewrite the body. `type`, `ABCMeta` and the
        typing and enum metaclasses do neither. A metaclass of the module does when it, or a base
        of it in the module, defines `__call__` (a singleton's cache), `__new__` or `__prepare__`
        (a declarative namespace), or derives from an unknown base; an imported one may
        (`SingletonMeta`, ORM metaclasses): it is opaque."""
        if self.metaclass is None:
            return False
        if self.local_metaclass is None:
            return not _benign_metaclass(self.metaclass)
        return any(
            any(m.name in INSTANCE_METACLASS_METHODS and m.node in meta.node.body for m in meta.members)
            or not all(_benign_metaclass(base) for base in meta.foreign_bases)
            for meta in self.local_metaclass.mro()
        )

    def instance_attributes(self) -> Iterator[tuple[Method, InstanceAttribute]]:
        """`self.<name>` in every instance method, method by method."""
        for method in self.instance_methods:
            for attribute in method.attributes:
                yield method, attribute

    def class_accesses(self) -> list[ast.Attribute]:
        """`X.<name>` where X names this class: `Foo`, the `cls` of its classmethods,
        `type(self)`, `self.__class__` in its methods, or `<anything>.Foo` (by name)."""
        if self._accesses is None:
            model = self.model
            parents = model.ctx.parents
            found: list[ast.Attribute] = []

            def outer(node: ast.AST) -> None:
                parent = parents.get(node)
                if type(parent) is ast.Attribute and parent.value is node:
                    found.append(parent)

            names = [r.node for r in self.references]
            for method in self.members:
                if method.receives == "class":
                    names.extend(r.node for r in method.references)
                elif method.receives == "instance":
                    for reference in method.references:
                        parent = parents.get(reference.node)
                        if type(parent) is ast.Attribute and parent.attr == "__class__":
                            outer(parent)
                        elif model.is_type_call(parent, reference.node):
                            outer(parent)  # type: ignore[arg-type]
            for name in names:
                outer(name)
            if model.named(self.name) is self:
                found.extend(model.reached_by_name(self.name))
            found.sort(key=_position)
            self._accesses = found
        return self._accesses


class ClassModel:
    """The module's classes (`ctx.classes`), and the two questions methods raise:
    `instance_of(name)` (is this name still some method's instance?) and `class_of(expr)` (does
    this expression name a class of the module: `Foo`, `cls`, `type(self)`, `self.__class__`)."""

    def __init__(self, ctx: "Context") -> None:
        self.ctx = ctx
        self._by_node: dict[ast.AST, ClassFacts] = {}
        self._by_name: dict[str, ClassFacts] = {}
        self.classes: list[ClassFacts] = []  # walk order: a base before the classes deriving from it
        self._by_attribute: Optional[dict[str, list[ast.Attribute]]] = None
        self._subclass_index: Optional[dict[ClassFacts, list[ClassFacts]]] = None
        self._words: dict[str, bool] = {}
        for node in ctx.class_defs:
            facts = ClassFacts(self, node)
            self._by_node[node] = facts
            self._by_name[node.name] = facts
            self.classes.append(facts)

    def of(self, node: ast.ClassDef) -> ClassFacts:
        return self._by_node[node]

    def named(self, name: str) -> Optional[ClassFacts]:
        """The last class statement of the module with this name (nested ones included)."""
        return self._by_name.get(name)

    def method_of(self, node: ast.AST) -> Optional[Method]:
        """The Method a def in a class body is."""
        scope = self.ctx.scopes.get(node)
        outer = scope.parent if scope is not None else None
        cls = self._by_node.get(outer.node) if outer is not None and outer.kind is ScopeKind.CLASS else None
        return cls._defs().get(node) if cls is not None else None

    def receiver_of(self, binding: Optional[Binding]) -> Optional[Method]:
        """The method whose first parameter `binding` is."""
        if binding is None or binding.kind != "param":
            return None
        method = self.method_of(binding.scope.node)
        return method if method is not None and method.binding is binding else None

    def instance_of(self, node: ast.AST) -> Optional[Method]:
        """The method whose instance the name `node` still is (it resolves to the method's first
        parameter: `self` rebound, or a classmethod's `cls`, is not)."""
        if type(node) is not ast.Name:
            return None
        method = self.receiver_of(self.ctx.resolve(node))  # type: ignore[arg-type]
        return method if method is not None and method.receives == "instance" else None

    def class_of(self, node: Optional[ast.AST]) -> Optional[ClassFacts]:
        """The class of the module `node` names: `Foo`, a classmethod's `cls`, `type(self)`,
        `self.__class__`, or `<anything>.Foo` (by name: `self.Handler`, `module.Registry`)."""
        if isinstance(node, ast.Name):
            binding = self.ctx.resolve(node)
            if binding is None:
                return None
            if binding.kind == "class":
                return self._by_node.get(binding.node)
            method = self.receiver_of(binding)
            return method.cls if method is not None and method.receives == "class" else None
        if isinstance(node, ast.Attribute):
            if node.attr == "__class__":
                method = self.instance_of(node.value)
                return method.cls if method is not None else None
            return self._by_name.get(node.attr)
        if isinstance(node, ast.Call) and len(node.args) == 1 and self.qualified(node.func) == "builtins.type":
            method = self.instance_of(node.args[0])
            return method.cls if method is not None else None
        return None

    def class_named(self, node: ast.AST) -> Optional[ClassFacts]:
        """The class of the module that the name `node` reads (None for anything else)."""
        if isinstance(node, ast.Name):
            binding = self.ctx.resolve(node)
            if binding is not None and binding.kind == "class":
                return self._by_node.get(binding.node)
        return None

    def is_type_call(self, node: Optional[ast.AST], arg: ast.AST) -> bool:
        """`type(arg)`."""
        return (
            isinstance(node, ast.Call) and len(node.args) == 1 and node.args[0] is arg
            and self.qualified(node.func) == "builtins.type"
        )

    def reached_by_name(self, name: str) -> list[ast.Attribute]:
        """`<expr>.Foo.<x>` for a class named Foo: the outer Attributes. One scan of the
        parents map for every class name at once, on first ask."""
        if self._by_attribute is None:
            names = self._by_name
            found: dict[str, list[ast.Attribute]] = {}
            for node, parent in self.ctx.parents.items():
                if type(node) is ast.Attribute and node.attr in names and node.attr != "__class__":
                    if type(parent) is ast.Attribute and parent.value is node:
                        found.setdefault(node.attr, []).append(parent)
            self._by_attribute = found
        return self._by_attribute.get(name, [])

    def mentions(self, word: str) -> bool:
        """Whether the module's text contains `word` (cached): a cheap test before a scan."""
        found = self._words.get(word)
        if found is None:
            found = self._words[word] = any(word in line for line in self.ctx.lines)
        return found

    def _subclasses(self) -> dict[ClassFacts, list[ClassFacts]]:
        if self._subclass_index is None:
            index: dict[ClassFacts, list[ClassFacts]] = {}
            for cls in self.classes:
                for ancestor in cls.mro()[1:]:
                    index.setdefault(ancestor, []).append(cls)
            self._subclass_index = index
        return self._subclass_index

    # -- names as the class statement saw them -----------------------------------------------

    def qualified(self, node: ast.AST) -> Optional[str]:
        """`ctx.qualified_name`: through the reference the walk recorded, as the class saw it."""
        return self.ctx.qualified_name(node)

    def dotted(self, node: ast.AST) -> str:
        return self.ctx.dotted(node)

    def orm_family(self, base: ast.expr) -> Optional[str]:
        """`Base = declarative_base()` then `class User(Base)`: SQLAlchemy's declarative base."""
        if isinstance(base, ast.Name):
            binding = self.ctx.resolve(base)
            value = binding.value if binding is not None and binding.kind == "assign" else None
            if isinstance(value, ast.Call) and self.dotted(value).endswith("declarative_base"):
                return "sqlalchemy"
        return None

    def is_mutable(self, node: Optional[ast.AST]) -> bool:
        return self.ctx.is_mutable_value(node)

    def container_kind(self, node: ast.AST) -> str:
        return self.ctx.container_kind(node)

    def is_classvar(self, annotation: ast.expr) -> bool:
        """`ClassVar[...]`, however imported; a string annotation that mentions it."""
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            return "ClassVar" in annotation.value
        if isinstance(annotation, ast.Subscript):
            annotation = annotation.value
        resolved = self.qualified(annotation)
        if resolved is not None:
            return resolved in CLASSVAR
        return self.dotted(annotation).rpartition(".")[2] == "ClassVar"


def _own_binding(ctx: "Context", node: ast.ClassDef, outer: Optional[Scope]) -> Optional[Binding]:
    for scope in (outer, ctx.module_scope):
        if scope is not None:
            for binding in scope.bindings.get(node.name, ()):
                if binding.node is node:
                    return binding
    return None


def _base_family(dotted: str) -> Optional[str]:
    family = BASE_FAMILIES.get(dotted)
    if family is None and dotted.startswith("enum."):
        return "enum"  # Enum, IntEnum, StrEnum, Flag, IntFlag, ReprEnum
    return family or BASE_NAME_FAMILIES.get(dotted.rpartition(".")[2])


def _benign_metaclass(dotted: str) -> bool:
    return dotted.rpartition(".")[2] in BENIGN_METACLASSES or dotted.partition(".")[0] in ("typing", "typing_extensions", "enum")


def _stores(parents: dict, node: ast.Attribute) -> bool:
    """`X.a = v`, `X.a[k] = v`, `X.a.append(v)` (any mutating method)."""

    parent = parents.get(node)
    return (
        isinstance(node.ctx, ast.Store)
        or (isinstance(parent, ast.Subscript) and parent.value is node and not isinstance(parent.ctx, ast.Load))
        or (isinstance(parent, ast.Attribute) and (parent.attr in MUTATING_METHODS or parent.attr == "move_to_end")
            and isinstance(parents.get(parent), ast.Call))
    )


def _decorator_family(dotted: str) -> Optional[str]:
    """dataclasses.dataclass, pydantic.dataclasses.dataclass...; every attrs decorator (`attr.s`,
    `attrs.define`, `from attrs import define, frozen, mutable`)."""
    if dotted.rpartition(".")[2] == "dataclass":
        return "dataclass"
    return "attrs" if dotted.partition(".")[0] in ("attr", "attrs") else None


def _position(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]
