"""Class facts (model/classes.py): what a class is, its methods, MRO, `self.x`, instance counts."""

from __future__ import annotations

import ast

from model_probe import inspect, load, nodes

from pitfalls.model import Context


def classes(source: str, ask):
    """ask(name -> ClassFacts of the last class statement with that name, ctx)."""

    def look(ctx: Context):
        model = ctx.classes
        return ask({c.name: c for c in model.classes}, ctx)

    return inspect(source, look)


def test_bases_resolved_through_imports_and_six():
    source = """\
        import six
        from somewhere import Base as B, Meta
        from future.utils import with_metaclass
        class Local: pass
        class A(Local, B): pass
        class S(six.with_metaclass(Meta, Local)): pass
        class F(with_metaclass(Meta)): pass
        @six.add_metaclass(Meta)
        class D(B): pass
        class K(Local, metaclass=Meta): pass
        """

    def ask(c, ctx):
        return {
            name: ([b.name for b in c[name].bases], c[name].foreign_bases, c[name].metaclass)
            for name in ("A", "S", "F", "D", "K")
        }

    assert classes(source, ask) == {
        "A": (["Local"], ["somewhere.Base"], None),
        "S": (["Local"], [], "somewhere.Meta"),
        "F": ([], [], "somewhere.Meta"),
        "D": ([], ["somewhere.Base"], "somewhere.Meta"),
        "K": (["Local"], [], "somewhere.Meta"),
    }


def test_a_base_named_like_the_class_is_the_earlier_binding():
    source = """\
        from pydantic import BaseModel
        class BaseModel(BaseModel):
            tags: list = []
        class Thing: pass
        class Thing(Thing): pass
        """

    def ask(c, ctx):
        model = c["BaseModel"]
        things = [x for x in ctx.classes.classes if x.name == "Thing"]
        return model.foreign_bases, model.family, [b.node for b in things[1].bases] == [things[0].node]

    assert classes(source, ask) == (["pydantic.BaseModel"], "pydantic", True)


def test_declarative_families():
    source = """\
        import dataclasses, enum, attr, msgspec
        from typing import NamedTuple, TypedDict
        from pydantic import BaseModel
        from django.db import models
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        @dataclasses.dataclass
        class DC: pass
        class SubDC(DC): pass
        @attr.s
        class AT: pass
        class NT(NamedTuple): pass
        class TD(TypedDict): pass
        class E(enum.Enum): pass
        class SubE(E): pass
        class M(BaseModel): pass
        class S(msgspec.Struct): pass
        class Meta(type): pass
        class WithEnumMeta(metaclass=enum.EnumMeta): pass
        class Article(models.Model):
            class Meta:
                ordering = []
        class User(Base): pass
        class Plain: pass
        """

    def ask(c, ctx):
        return {name: facts.family for name, facts in c.items()}

    assert classes(source, ask) == {
        "DC": "dataclass", "SubDC": None, "AT": "attrs", "NT": "namedtuple", "TD": "typeddict",
        "E": "enum", "SubE": "enum", "M": "pydantic", "S": "msgspec", "Meta": "options",
        "WithEnumMeta": "enum", "Article": "django", "User": "sqlalchemy", "Plain": None,
    }


def test_methods_and_what_they_receive():
    source = """\
        import abc
        class C:
            def method(self): pass
            @classmethod
            def cm(cls): pass
            @staticmethod
            def sm(x): pass
            @abc.abstractclassmethod
            def acm(klass): pass
            def __new__(cls): pass
            def declared(cls): pass
            def bare(): pass
            @property
            def prop(self): pass
            @prop.setter
            def prop(self, value): pass
        """

    def ask(c, ctx):
        facts = c["C"]
        return [(m.name, m.receives) for m in facts.members], facts.method("prop").node.lineno, sorted(facts.methods)

    members, setter_line, names = classes(source, ask)
    assert members == [
        ("method", "instance"), ("cm", "class"), ("sm", "none"), ("acm", "class"), ("__new__", "class"),
        ("declared", "class"), ("bare", "none"), ("prop", "instance"), ("prop", "instance"),
    ]
    assert setter_line == 16
    assert names == ["__new__", "acm", "bare", "cm", "declared", "method", "prop", "sm"]


def test_mro_and_subclasses_in_the_module():
    source = """\
        class A: pass
        class B(A): pass
        class C(A): pass
        class D(B, C): pass
        """

    def ask(c, ctx):
        return [x.name for x in c["D"].mro()], [x.name for x in c["A"].subclasses()]

    assert classes(source, ask) == (["D", "B", "A", "C"], ["B", "C", "D"])


def test_self_attributes_follow_the_receiver_not_its_name():
    source = """\
        class C:
            def m(this, other):
                this.a = 1
                this.b.append(this.c)
                del this.d
                def inner():
                    this.e += 1
                other.f = 2
                this = other
                this.g = 3
        """

    def ask(c, ctx):
        method = c["C"].method("m")
        return [(a.name, a.access) for a in method.attributes]

    # `inner` runs after `m` has rebound `this`: its `this` is `other` (deferred resolution).
    assert classes(source, ask) == [("a", "store"), ("b", "load"), ("c", "load"), ("d", "del")]


def test_every_spelling_of_an_instance_assignment():
    source = """\
        class C:
            def __init__(self):
                self.a = []
                setattr(self, "b", [])
                object.__setattr__(self, "c", [])
                self.__setattr__("d", [])
                super().__setattr__("e", [])
                self.f += [1]
                setattr(self, name, [])
        """

    def ask(c, ctx):
        return sorted(name for name, _, _ in c["C"].method("__init__").assignments())

    assert classes(source, ask) == ["a", "b", "c", "d", "e"]


def test_instance_of_and_class_of():
    source = """\
        class C:
            def m(self):
                x = self
                return type(self), self.__class__, C, self.Other
            @classmethod
            def k(cls):
                return cls
        class Other: pass
        """

    def ask(c, ctx):
        model = ctx.classes
        ret = nodes(ctx, ast.Return)[0].value
        kinds = [model.class_of(e) for e in ret.elts]
        return (
            model.instance_of(load(ctx, "self", 0)) is c["C"].method("m"),
            model.instance_of(load(ctx, "x", 0)) if any(n.id == "x" for n in nodes(ctx, ast.Name) if isinstance(n.ctx, ast.Load)) else None,
            [k.name for k in kinds],
            model.class_of(load(ctx, "cls", 0)) is c["C"],
            model.instance_of(load(ctx, "cls", 0)),
        )

    assert classes(source, ask) == (True, None, ["C", "C", "C", "Other"], True, None)


def test_class_accesses_by_every_spelling():
    source = """\
        import mod
        class C:
            items = []
            def m(self):
                C.a.append(1)
                type(self).b
                self.__class__.c
                self.items.append(2)
            @classmethod
            def k(cls):
                cls.d = 1
        def f():
            mod.C.e
            return C.g
        """

    def ask(c, ctx):
        return [a.attr for a in c["C"].class_accesses()]

    assert classes(source, ask) == ["a", "b", "c", "d", "e", "g"]


def test_class_attributes_last_plain_assignment():
    source = """\
        from typing import ClassVar
        import collections
        class C:
            a = []
            b: ClassVar[list] = []
            c = {}
            c = (1,)
            d = e = collections.deque()
            f: list
            def g(self): pass
            g = [1]
        """

    def ask(c, ctx):
        return {n: (a.mutable, a.kind, a.classvar) for n, a in c["C"].attributes.items()}

    assert classes(source, ask) == {
        "a": (True, "list", False), "b": (True, "list", True), "c": (False, "object", False),
        "d": (True, "deque", False), "e": (True, "deque", False), "g": (True, "list", False),
    }


def test_lookup_along_the_mro_skips_bare_annotations():
    source = """\
        class A:
            x = []
        class B(A):
            x: list
        class C(B):
            @property
            def y(self): return 1
        """

    def ask(c, ctx):
        found = c["C"].lookup("x")
        return found[0].name, found[1].kind, c["C"].lookup("y")[0].name, c["C"].lookup("z")

    assert classes(source, ask) == ("A", "assign", "C", None)


def test_how_many_instances():
    source = """\
        from somewhere import SingletonMeta, Singleton
        class Mod: pass
        registry = Mod()
        def make():
            class Once: pass
            return Once()
        def many(rows):
            class Row: pass
            return [Row() for _ in rows]
        class Cached:
            _instance = None
            def __new__(cls):
                if cls._instance is None:
                    cls._instance = super().__new__(cls)
                return cls._instance
        class Borg:
            _shared = {}
            def __init__(self):
                self.__dict__ = self._shared
        class Named(Singleton): pass
        class Meta(type):
            def __call__(cls, *a): return super().__call__(*a)
        class ByMeta(metaclass=Meta): pass
        class ByImported(metaclass=SingletonMeta): pass
        class Plain: pass
        """

    def ask(c, ctx):
        return {
            name: (f.module_instance, f.one_instance_per_call, f.shared_state, f.opaque_metaclass)
            for name, f in c.items() if name != "Meta"
        }

    assert classes(source, ask) == {
        "Mod": (True, False, None, False),
        "Once": (False, True, None, False),
        "Row": (False, False, None, False),
        "Cached": (False, False, "__new__", False),
        "Borg": (False, False, "borg", False),
        "Named": (False, False, "singleton", False),
        "ByMeta": (False, False, None, True),
        "ByImported": (False, False, None, True),
        "Plain": (False, False, None, False),
    }


def test_identifies_the_instance_and_its_class():
    source = """\
        import weakref
        class C:
            def m(self, other):
                return [self, type(self), self.__class__.__name__, id(self), weakref.ref(self), C,
                        other, Edge(self), self.x]
        """

    def ask(c, ctx):
        method = c["C"].method("m")
        return [method.identifies(e) for e in nodes(ctx, ast.List)[0].elts]

    assert classes(source, ask) == [True, True, True, True, True, True, False, False, False]


def test_a_class_used_above_its_definition_resolves_in_function_bodies():
    source = """\
        def use():
            return Later.items
        class Later:
            items = []
        """

    def ask(c, ctx):
        return [a.attr for a in c["Later"].class_accesses()], len(c["Later"].references)

    assert classes(source, ask) == (["items"], 1)


def test_one_module_instance_means_exactly_one():
    source = """\
        class Once: pass
        only = Once()
        class Twice: pass
        a = Twice()
        b = Twice()
        class AlsoInAFunction: pass
        c = AlsoInAFunction()
        def make():
            return AlsoInAFunction()
        """

    def ask(c, ctx):
        return {name: f.module_instance for name, f in c.items()}

    assert classes(source, ask) == {"Once": True, "Twice": False, "AlsoInAFunction": False}


def test_what_new_sets_on_the_instance_it_makes():
    source = """\
        class Made:
            def __new__(cls, *args):
                obj = super().__new__(cls)
                obj.tags = []
                setattr(obj, "flags", [])
                cls.shared = []
                other = make()
                other.elsewhere = []
                return obj
        class Plain:
            def __new__(cls):
                return object.__new__(cls)
        class NoNew: pass
        """

    def ask(c, ctx):
        return {name: sorted(f.constructed_attributes) for name, f in c.items()}

    assert classes(source, ask) == {"Made": ["flags", "tags"], "Plain": [], "NoNew": []}


def test_annotates_a_field():
    source = """\
        class C:
            bare: list
            valued: list = []
            plain = []
        """

    def ask(c, ctx):
        return [c["C"].annotates(n) for n in ("bare", "valued", "plain", "missing")]

    assert classes(source, ask) == [True, True, False, False]
