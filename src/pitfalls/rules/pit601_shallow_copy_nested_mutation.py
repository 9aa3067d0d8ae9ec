"""PIT601: a shallow copy shares its elements, so mutating a nested element changes the original."""

from __future__ import annotations

import ast
from typing import Callable, Optional

from pitfalls.findings import Severity
from pitfalls.rules._copies import Shared, SharedElementsRule
from pitfalls.semantic import Binding, Context, Scope

# Calls whose result is a one-shot iterator or a fresh sequence: `list(...)` of one of these
# materializes new elements that nothing else holds, so there is no original to corrupt.
# (Any `itertools.*` call counts too.)
FRESH_SOURCES = frozenset(
    {
        "builtins.map", "builtins.filter", "builtins.zip", "builtins.range", "builtins.iter",
        "builtins.reversed", "builtins.enumerate", "builtins.open", "io.open",
        "csv.reader", "csv.DictReader",
    }
)
SHALLOW_COPY_CALLS = frozenset({"builtins.list", "builtins.dict", "copy.copy"})
# Annotations that say a parameter is a list or a dict (or another container whose `.copy()`
# is shallow), checked on every member of `Optional[...]` / `X | None`.
CONTAINER_ANNOTATIONS = frozenset(
    {
        "builtins.list", "builtins.dict", "typing.List", "typing.Dict", "typing.DefaultDict",
        "typing.OrderedDict", "typing.Deque", "typing.MutableSequence", "typing.MutableMapping",
        "collections.abc.MutableSequence", "collections.abc.MutableMapping",
        "collections.defaultdict", "collections.OrderedDict", "collections.deque",
    }
)
# Methods that lists, dicts, sets and deques have and numpy rows or pandas columns do not (or
# never change in place): an element changed by one of them is a Python container.
CONTAINER_ONLY_METHODS = frozenset(
    {
        "append", "extend", "insert", "remove", "pop", "clear", "add", "discard", "setdefault",
        "popitem", "appendleft", "extendleft", "popleft", "rotate", "difference_update",
        "intersection_update", "symmetric_difference_update",
    }
)

# What is known about the receiver of `x.copy()`.
KNOWN = "known"  # a list/dict value or annotation: report every change of an element
ELEMENTS = "elements"  # an unannotated parameter: report only if an element is a container

Check = Callable[[], bool]  # decided once the whole module has been seen: still report?


class ShallowCopyNestedMutation(SharedElementsRule):
    code = "PIT601"
    name = "shallow-copy-nested-mutation"
    severity = Severity.ERROR
    summary = "Mutating an element of a shallow copy also changes the original it was copied from"
    message = "'{mutation}' changes an element '{copy}' still shares with '{original}': {copy_expr} is a shallow copy"
    bad_example = """\
def with_header(table: list[list[str]]):
    result = table.copy()
    result[0].insert(0, "#")
    return result
"""
    good_example = """\
import copy


def with_header(table: list[list[str]]):
    result = copy.deepcopy(table)
    result[0].insert(0, "#")
    return result
"""

    node_types = SharedElementsRule.node_types + (ast.Yield, ast.YieldFrom)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.generators: set[ast.AST] = set()  # functions (and lambdas) that yield
        # (class, attribute) -> for each `self.attribute = value` in its methods: a mutable value?
        self.self_assigned: dict[tuple[ast.ClassDef, str], list[bool]] = {}
        self.checks: dict[Shared, list[Check]] = {}  # what only the whole module can tell
        self.elements_only: set[Shared] = set()  # copies of unannotated parameters
        self.statement: Optional[ast.stmt] = None  # the assignment being visited

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            function = self.ctx.enclosing_function(node)
            if function is not None:
                self.generators.add(function)
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            self.statement = node  # its value has no parent yet: the walk has not reached it
            self._note_self_attributes(node)
        super().visit(node)

    def shared_value(self, value: ast.expr) -> Optional[Shared]:
        if self._materializes_itself(value):
            return None
        checks: list[Check] = []
        evidence = KNOWN
        original = self._shallow_copy_of(value)
        if self._is_copy_method(value):
            found = self._receiver_evidence(value.func.value)  # type: ignore[attr-defined]
            if found is None:
                return None
            evidence, check = found
            if check is not None:
                checks.append(check)
        if original is None:
            return None
        reachable = self._still_reachable(original)
        if reachable is False:
            return None
        if reachable is not True:
            checks.append(reachable)
        copied = Shared(value, original)
        if isinstance(value, ast.Dict):
            # `{**a, "k": []}`: the element under "k" is new, not a's.
            for key in value.keys:
                if key is not None:
                    copied.replace(key)
        elif isinstance(value, ast.Call) and self.ctx.call_name(value) == "builtins.dict":
            # `dict(a, k=[])`: likewise, the element under "k" is new.
            for keyword in value.keywords:
                if keyword.arg is not None:
                    copied.replace(ast.Constant(keyword.arg))
        if checks:
            self.checks[copied] = checks
        if evidence == ELEMENTS:
            self.elements_only.add(copied)
        return copied

    @staticmethod
    def _is_copy_method(value: ast.expr) -> bool:
        return (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "copy"
            and not value.args
            and not value.keywords
        )

    def _materializes_itself(self, value: ast.expr) -> bool:
        """`rows = list(rows)`: the idiom turns an iterable into a list, it is not a defensive copy.

        A judgement call: when `rows` already was a list the caller's rows are shared, but the
        idiom is overwhelmingly written to accept any iterable (a generator, a tuple, a
        `dict_keys`), and the function then owns its list. `rows = rows.copy()`, `rows[:]` and
        `copy.copy(rows)` say "copy" and still count. (`tuple(...)` is no copy form here at all.)
        """
        if not (isinstance(value, ast.Call) and len(value.args) == 1 and isinstance(value.args[0], ast.Name)):
            return False
        if self.ctx.call_name(value) != "builtins.list":
            return False
        statement = self.statement
        if statement is None or statement.value is not value:  # type: ignore[attr-defined]
            return False
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        else:
            return False
        name = value.args[0].id
        return any(isinstance(t, ast.Name) and t.id == name for t in targets)

    def _shallow_copy_of(self, value: ast.expr) -> Optional[ast.expr]:
        """`a` for `a.copy()`, `a[:]`, `list(a)`, `dict(a)`, `copy.copy(a)`, `[*a]`, `{**a}`."""
        if isinstance(value, ast.Call):
            if self._is_copy_method(value):
                return value.func.value  # type: ignore[attr-defined]
            qualname = self.ctx.call_name(value)
            if qualname in SHALLOW_COPY_CALLS and len(value.args) == 1 and not isinstance(value.args[0], ast.Starred):
                if value.keywords and qualname != "builtins.dict":
                    return None
                return value.args[0]
        elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
            piece = value.slice
            if piece.lower is None and piece.upper is None and piece.step is None:
                return value.value
        elif isinstance(value, ast.List):
            starred = [e.value for e in value.elts if isinstance(e, ast.Starred)]
            return starred[0] if len(starred) == 1 else None
        elif isinstance(value, ast.Dict):
            spread = [v for k, v in zip(value.keys, value.values) if k is None]
            return spread[0] if len(spread) == 1 else None
        return None

    def _receiver_evidence(self, receiver: ast.expr) -> Optional[tuple[str, Optional[Check]]]:
        """What says `receiver.copy()` is the shallow `list.copy`/`dict.copy`; None: nothing does.

        Any class may define `copy()`, and numpy arrays and pandas frames copy their data
        (`out = m.copy(); out[i][j] = 0` changes only `out`). So a name counts only when it is
        bound here to a list/dict value or annotated as a list/dict type, and `self.x` only when
        every binding of `x` the class makes is a list/dict value. Any other attribute, call
        result or a name bound to an instance (`x = np.zeros(...)`, `m = Matrix(...)`) may be
        anything: not flagged. An unannotated parameter is as unknown, except that an element
        changed by a method only Python containers have (`copy[k].append(x)`) shows the
        elements, and so almost surely the container, are plain lists and dicts; a numpy row or
        a pandas column is changed by subscript stores, which alone are not reported there.
        """
        if isinstance(receiver, ast.Attribute):
            owner = self._receiver_class(receiver.value)
            if owner is None:
                return None
            cls, attr = owner, receiver.attr
            return KNOWN, lambda: self._class_holds_container(cls, attr)
        if not isinstance(receiver, ast.Name):
            return None
        binding = self.ctx.lookup(receiver.id)
        if binding is None:
            return None
        if binding.kind in ("assign", "walrus"):
            statement = self.ctx.parent(binding.node)
            if self.ctx.is_mutable_value(binding.value, binding.scope):
                return KNOWN, None
            if isinstance(statement, ast.AnnAssign) and self._container_annotation(statement.annotation):
                return KNOWN, None
            return None
        if binding.kind != "param" or not isinstance(binding.node, ast.arg):
            return None
        annotation = binding.node.annotation
        if annotation is not None:
            return (KNOWN, None) if self._container_annotation(annotation) else None
        if self._receiver_class(receiver) is not None:
            return None  # `self.copy()`: the instance copies itself, with its own semantics
        return ELEMENTS, None

    def _container_annotation(self, annotation: ast.expr) -> bool:
        """`list`, `dict[str, list]`, `List[...]`, `Optional[MutableMapping]`, `"dict | None"`..."""
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return False
        members = [annotation]
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            members = [annotation.left, annotation.right]
        elif isinstance(annotation, ast.Subscript) and self.ctx.qualified_name(annotation.value) in (
            "typing.Optional", "typing.Union",
        ):
            inner = annotation.slice
            members = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        members = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
        if not members:
            return False
        for member in members:
            if isinstance(member, ast.Subscript):
                member = member.value
            if self.ctx.qualified_name(member) not in CONTAINER_ANNOTATIONS:
                return False
        return True

    def _receiver_class(self, node: ast.expr) -> Optional[ast.ClassDef]:
        """The class of which `node` is the first parameter (`self`) of a method, if it is one."""
        if not isinstance(node, ast.Name):
            return None
        binding = self.ctx.lookup(node.id)
        if binding is None or binding.kind != "param":
            return None
        function = binding.scope.node
        args = getattr(function, "args", None)
        positional = [*args.posonlyargs, *args.args] if args is not None else []
        if not positional or positional[0] is not binding.node:
            return None
        owner = self.ctx.parent(function)
        return owner if isinstance(owner, ast.ClassDef) else None

    def _note_self_attributes(self, node: ast.stmt) -> None:
        """Remember `self.x = value` in methods: is every value given to `x` a list/dict/set?"""
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return  # `self.x: list[int]` alone binds nothing
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
        for target in targets:
            unpacked = isinstance(target, (ast.Tuple, ast.List))
            for item in target.elts if unpacked else [target]:  # type: ignore[attr-defined]
                if isinstance(item, ast.Attribute):
                    cls = self._receiver_class(item.value)
                    if cls is not None:
                        mutable = not unpacked and self.ctx.is_mutable_value(node.value)  # type: ignore[attr-defined]
                        self.self_assigned.setdefault((cls, item.attr), []).append(mutable)

    def _class_holds_container(self, cls: ast.ClassDef, attr: str) -> bool:
        scope = self.ctx.scopes.get(cls)
        values = [
            binding.kind == "assign" and self.ctx.is_mutable_value(binding.value, binding.scope)
            for binding in (scope.bindings.get(attr, []) if scope is not None else [])
            if binding.kind != "annotation"
        ]
        values += self.self_assigned.get((cls, attr), [])
        return bool(values) and all(values)

    def _still_reachable(self, original: ast.expr) -> "bool | Check":
        """Whether the copied object is one the code can still see change: a name or attribute.

        `list(range(3))`, `list(gen())`, `dict(zip(k, v))`, `sorted(x)[:]` copy a fresh call
        result that nothing else holds, so changing the copy's elements corrupts nothing; so
        does `list(reader)` when `reader` is bound to such an iterator (`csv.reader(f)`, `map`,
        `itertools.*`, a generator expression, a call of one of the module's generator
        functions): each element is made as the copy pulls it. Whether a function yields may be
        known only further down, hence a check for `finish()`.
        """
        node = original
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        if not isinstance(node, ast.Name):
            return False
        if node is original:
            binding = self.ctx.lookup(node.id)
            if binding is not None and binding.kind in ("assign", "walrus", "with"):
                value = binding.value
                if isinstance(value, ast.GeneratorExp):
                    return False
                qualname = self.ctx.call_name(value, binding.scope)
                if qualname is not None and (qualname in FRESH_SOURCES or qualname.startswith("itertools.")):
                    return False  # a one-shot iterator: its elements live only in the copy
                if isinstance(value, ast.Call):
                    return self._unless_generator(value, binding.scope)
        return True

    def _unless_generator(self, call: ast.Call, scope: Scope) -> "bool | Check":
        """A check that `call` is not a call of a generator function of this module."""
        func = call.func
        if isinstance(func, ast.Name):
            name = func.id
            return lambda: not self._is_generator(self.ctx.lookup(name, scope))
        if isinstance(func, ast.Attribute):
            cls = self._receiver_class(func.value)
            if cls is not None:
                method = func.attr
                return lambda: not self._is_generator(self._class_member(cls, method))
        return True

    def _class_member(self, cls: ast.ClassDef, name: str) -> Optional[Binding]:
        scope = self.ctx.scopes.get(cls)
        return scope.last(name) if scope is not None else None

    def _is_generator(self, binding: Optional[Binding]) -> bool:
        return binding is not None and binding.kind == "function" and binding.node in self.generators

    def finish(self) -> None:
        for copied in self.shared.values():
            if not copied.mutations or not all(check() for check in self.checks.get(copied, ())):
                continue
            if copied in self.elements_only and not any(
                isinstance(m, ast.Call) and m.func.attr in CONTAINER_ONLY_METHODS  # type: ignore[attr-defined]
                for m in copied.mutations
            ):
                continue
            segment = self.ctx.segment
            for mutation in copied.mutations:
                self.report(
                    mutation,
                    related=[(copied.value, f"'{copied.name}' is a shallow copy of '{segment(copied.source)}' here")],
                    mutation=segment(mutation),
                    copy=copied.name,
                    original=segment(copied.source),
                    copy_expr=segment(copied.value),
                )
