"""The semantic model one file's rules share: structure, names, flow, and facts asked lazily."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, Sequence, TypeVar

from pitfalls.model.scopes import (
    BUILTIN_NAMES,
    COMPREHENSION_NODES,
    FUNCTION_NODES,
    Binding,
    Branch,
    Reference,
    Scope,
    ScopeKind,
    exclusive,
    parting,
)
from pitfalls.positions import LineIndex

if TYPE_CHECKING:
    from pitfalls.model.classes import ClassFacts, ClassModel
    from pitfalls.model.functions import FunctionFacts

T = TypeVar("T")

# What RULES.md calls a "mutable value" when it is called.
MUTABLE_CALLS = frozenset(
    {
        "builtins.list",
        "builtins.dict",
        "builtins.set",
        "builtins.bytearray",
        "collections.deque",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.Counter",
        "collections.ChainMap",
        "collections.UserDict",
        "collections.UserList",
        "array.array",
    }
)
AUGMENTED_OPERATORS = {  # as augmented assignments spell them
    ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.MatMult: "@=", ast.Div: "/=", ast.FloorDiv: "//=",
    ast.Mod: "%=", ast.Pow: "**=", ast.LShift: "<<=", ast.RShift: ">>=", ast.BitOr: "|=",
    ast.BitAnd: "&=", ast.BitXor: "^=",
}
MUTABLE_DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
SCOPE_NODES = (*FUNCTION_NODES, ast.Lambda, ast.ClassDef, *COMPREHENSION_NODES)
_FRAMES = (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)  # where a climb to the enclosing code stops
_CALLABLES = (*FUNCTION_NODES, ast.Lambda)
_DEFS = (*FUNCTION_NODES, ast.ClassDef)
# Statement fields that hold a block of statements.
# A trailing comment (with no quote in it, so not inside a string).
_CODE_BEFORE_COMMENT = re.compile(r"#[^'\"]*$")
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


class Context:
    """Everything one file's rules share. Filled in by the engine during its single walk.

    Names: every binding and every load (a `Reference`) in evaluation order, one `seq` counter
    for both; function bodies are walked after the code around them has run (as Python runs
    them when called), so a load in a function resolves against the module as it ends.
    Flow (`loops_around`, `next_statement`, `exclusive`) and function and class facts are
    computed when first asked.
    """

    def __init__(self, tree: ast.Module, lines: Sequence[str], path: str) -> None:
        self.tree = tree
        self.lines = lines
        self.path = path
        self.index = LineIndex(lines)
        self.parents: dict[ast.AST, ast.AST] = {}
        self.module_scope = Scope(ScopeKind.MODULE, tree, None)
        self.scope = self.module_scope
        self.scopes: dict[ast.AST, Scope] = {tree: self.module_scope}
        self.references: dict[ast.Name, Reference] = {}
        self.seq = 0
        self.branch: Optional[Branch] = None
        # Every def, lambda and class of the file, in the order the walk met them.
        self.function_defs: list[ast.AST] = []
        self.class_defs: list[ast.ClassDef] = []
        self._functions: dict[ast.AST, "FunctionFacts"] = {}
        self._classes: Optional["ClassModel"] = None
        self._computed: dict[Callable[["Context"], Any], Any] = {}

    def release(self) -> None:
        """Breaks the model's reference cycles (scopes and their bindings, rules and their
        handlers) once the file is done, so the file's tree is freed at once, without waiting
        for the cyclic garbage collector (which the engine keeps paused; see engine.gc_paused)."""
        for scope in self.scopes.values():
            for bindings in scope.bindings.values():
                for binding in bindings:
                    binding.references = []  # each Reference points back at its binding
            scope.bindings.clear()
            scope.parent = None
        self.scopes.clear()
        self.parents.clear()
        self.references.clear()
        self._functions.clear()
        self._classes = None
        self._computed.clear()
        self.function_defs.clear()
        self.class_defs.clear()

    # -- structure --------------------------------------------------------------------------

    def parent(self, node: ast.AST) -> Optional[ast.AST]:
        return self.parents.get(node)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        parents = self.parents
        node = parents.get(node)  # type: ignore[assignment]
        while node is not None:
            yield node
            node = parents.get(node)  # type: ignore[assignment]

    def enclosing(self, node: ast.AST, types: tuple[type, ...]) -> Optional[ast.AST]:
        """The nearest ancestor of one of `types`."""
        for anc in self.ancestors(node):
            if isinstance(anc, types):
                return anc
        return None

    def enclosing_function(self, node: ast.AST) -> Optional[ast.AST]:
        return self.enclosing(node, FUNCTION_NODES + (ast.Lambda,))

    def enclosing_class(self, node: ast.AST) -> Optional[ast.ClassDef]:
        """The nearest class `node` is inside of, however deep (methods, nested functions)."""
        found = self.enclosing(node, (ast.ClassDef,))
        return found if isinstance(found, ast.ClassDef) else None

    def statement(self, node: ast.AST) -> Optional[ast.stmt]:
        """The statement `node` is part of (itself, if it is one)."""
        if isinstance(node, ast.stmt):
            return node
        found = self.enclosing(node, (ast.stmt,))
        return found if isinstance(found, ast.stmt) else None

    def scope_of(self, node: ast.AST) -> Scope:
        """The scope `node` is evaluated in: a default, decorator, annotation or base is
        evaluated where its def or class is; a comprehension's first iterable outside it."""
        child: ast.AST = node
        grandchild: Optional[ast.AST] = None
        for anc in self.ancestors(node):
            scope = self.scopes.get(anc)
            if scope is not None and _is_inside(anc, child, grandchild):
                return scope
            grandchild, child = child, anc
        return self.module_scope

    def name_of(self, node: ast.AST) -> ast.AST:
        """A def's or class's name as a node of its own, for a hit that underlines `get_name`
        rather than the whole body."""
        line = self.lines[node.lineno - 1]  # type: ignore[attr-defined]
        name = node.name  # type: ignore[attr-defined]
        start = max(line.encode("utf-8").find(name.encode("utf-8"), node.col_offset), 0)  # type: ignore[attr-defined]
        marker = ast.Name(id=name, ctx=ast.Load(), lineno=node.lineno, col_offset=start,  # type: ignore[attr-defined]
                          end_lineno=node.lineno, end_col_offset=start + len(name.encode("utf-8")))  # type: ignore[attr-defined]
        self.parents[marker] = node
        return marker

    def segment(self, node: ast.AST, limit: Optional[int] = 60) -> str:
        """The node's source on one line, shortened to `limit` characters (None: in full).

        A node that spans lines is re-printed by `ast.unparse`, which drops comments and
        line breaks; a tree too deep for it falls back to the first line.
        """
        span = self.index.span(node)
        if span.line == span.end_line:
            text = self.lines[span.line - 1][span.column : span.end_column]
        else:
            try:
                text = ast.unparse(node)
            except RecursionError:
                text = self.lines[span.line - 1][span.column :].rstrip() + " ..."
        text = " ".join(text.split())
        if limit is None or len(text) <= limit:
            return text
        return self._elided(node, limit) or text[: limit - 3] + "..."

    def _elided(self, node: ast.AST, limit: int) -> Optional[str]:
        """A statement or call too long to quote whole, shortened where it reads as code: a
        call's arguments become `...` (`self.warnings.add(...)`), an assignment keeps its
        targets and shortens its value (`doc['a']['b'] = ...`)."""
        if isinstance(node, ast.Expr):
            return self._elided(node.value, limit)
        if isinstance(node, (ast.Call, ast.Await)):
            call = node.value if isinstance(node, ast.Await) else node
            if not isinstance(call, ast.Call):
                return None
            head = ("await " if isinstance(node, ast.Await) else "") + self.segment(call.func, None) + "(...)"
            return head if len(head) <= limit else None
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            operator = "=" if not isinstance(node, ast.AugAssign) else AUGMENTED_OPERATORS[type(node.op)]
            prefix = " = ".join(self.segment(t, None) for t in targets) + f" {operator} "
            if len(prefix) + 3 > limit:
                return None
            value = self.segment(node.value, limit - len(prefix))
            return prefix + (value if not value.endswith("...") or value.endswith("(...)") else "...")
        return None

    def parenthesized(self, node: ast.AST) -> bool:
        """Whether `node` is wrapped in parentheses of its own (`x in ("abc")`). The tree keeps no
        grouping parentheses, so this reads the text on either side, across line breaks and a
        comment after the `(`. Only for a node whose parent does not itself start or end there
        (a call's or a tuple's brackets would look the same)."""
        span = self.index.span(node)
        line, before = span.line, self.lines[span.line - 1][: span.column]
        while not before.strip() and line > 1:  # the `(` on an earlier line
            line -= 1
            before = _CODE_BEFORE_COMMENT.sub("", self.lines[line - 1])
        line, after = span.end_line, self.lines[span.end_line - 1][span.end_column :]
        while not _CODE_BEFORE_COMMENT.sub("", after).strip() and line < len(self.lines):
            line += 1  # the `)` on a later line
            after = self.lines[line - 1]
        return before.rstrip().endswith("(") and after.lstrip().startswith(")")

    def source(self, node: ast.AST) -> str:
        """The node's exact source text, over as many lines as it spans (comments included)."""
        span = self.index.span(node)
        if span.line == span.end_line:
            return self.lines[span.line - 1][span.column : span.end_column]
        lines = list(self.lines[span.line - 1 : span.end_line])
        lines[-1] = lines[-1][: span.end_column]
        lines[0] = lines[0][span.column :]
        return "\n".join(lines)

    def container_kind(self, node: Optional[ast.AST]) -> str:
        """A mutable value in a word: list, dict, set, deque, Counter... ("object" if unknown).

        A name is followed to the value of its latest plain assignment.
        """
        if isinstance(node, ast.Name):
            binding = self.resolve(node)
            if binding is not None and binding.kind in ("assign", "walrus") and binding.value is not None:
                node = binding.value
        if isinstance(node, (ast.List, ast.ListComp, ast.BinOp)):
            return "list"
        if isinstance(node, (ast.Dict, ast.DictComp)):
            return "dict"
        if isinstance(node, (ast.Set, ast.SetComp)):
            return "set"
        name = self.call_name(node) if isinstance(node, ast.Call) else None
        return name.rpartition(".")[2] if name else "object"

    # -- flow, asked lazily (no control-flow graph) ------------------------------------------

    def loops_around(self, node: ast.AST) -> list[ast.AST]:
        """The loops (`for`, `async for`, `while`, comprehensions) whose body or element runs
        `node` again each time round, innermost first, up to the enclosing def, lambda or class.
        A loop's iterable (`for x in <here>`) runs once and does not count; a comprehension's
        first iterable is evaluated outside it."""
        found: list[ast.AST] = []
        child: ast.AST = node
        grandchild: Optional[ast.AST] = None
        for anc in self.ancestors(node):
            if isinstance(anc, _FRAMES):
                if _is_inside(anc, child, grandchild):
                    break
                # A default, decorator or base runs where the def or class statement runs.
            elif isinstance(anc, (ast.For, ast.AsyncFor)):
                if child is not anc.iter and child is not anc.target and not _in_block(anc.orelse, child):
                    found.append(anc)
            elif isinstance(anc, ast.While):
                if not _in_block(anc.orelse, child):  # the `else` runs once, after the loop
                    found.append(anc)
            elif isinstance(anc, COMPREHENSION_NODES):
                if _is_inside(anc, child, grandchild):
                    found.append(anc)
            grandchild, child = child, anc
        return found

    def in_loop(self, node: ast.AST) -> bool:
        return bool(self.loops_around(node))

    def next_statement(self, statement: ast.stmt) -> Optional[ast.stmt]:
        """The statement after `statement` in its own block, or None if it is the block's last."""
        parent = self.parents.get(statement)
        if parent is None:
            return None
        for field in _BLOCKS:
            block = getattr(parent, field, None)
            if isinstance(block, list):
                for index, item in enumerate(block):
                    if item is statement:
                        return block[index + 1] if index + 1 < len(block) else None
        return None

    def branch_of(self, node: ast.AST) -> Optional[Branch]:
        """The arm (`if`/`else`, `except`, `case`) `node` sits in, innermost, within its frame."""
        chain: list[tuple[ast.stmt, int]] = []
        child: ast.AST = node
        grandchild: Optional[ast.AST] = None
        for anc in self.ancestors(node):
            if isinstance(anc, _CALLABLES) and _is_inside(anc, child, grandchild):
                break
            arm = _arm(anc, child, grandchild)
            if arm is not None:
                chain.append((anc, arm))  # type: ignore[arg-type]
            grandchild, child = child, anc
        branch: Optional[Branch] = None
        for statement, arm in reversed(chain):
            branch = Branch(statement, arm, branch)
        return branch

    def exclusive(self, first: ast.AST, second: ast.AST) -> bool:
        """Whether `first` and `second` sit in branches that never both run (the two sides of
        an `if`/`elif`/`else`, two `except` handlers, two `match` cases)."""
        return exclusive(self.branch_of(first), self.branch_of(second))

    # -- names ------------------------------------------------------------------------------

    def lookup(self, name: str, scope: Optional[Scope] = None) -> Optional[Binding]:
        """The binding of `name` visible from `scope` now (Python's LEGB, class scopes skipped).

        In the scope being walked (and the comprehensions around it) that is the latest binding
        made so far that is not in a branch exclusive with the current one: after `if a is None:
        a = [0] * n` / `elif f: a = [a] * n`, the `a` of the `elif` is not the list. Scopes
        around a function resolve as they are at its end, because its body is walked then.
        """
        start = scope or self.scope
        if name in start.globals:
            return self.module_scope.last(name)
        frame = start.frame if scope is None else None
        branch = self.branch
        current: Optional[Scope] = start
        while current is not None:
            if current is start or current.kind is not ScopeKind.CLASS:
                found = current.bindings.get(name)
                if found:
                    if branch is None or frame is None or current.frame is not frame:
                        return found[-1]
                    for binding in reversed(found):
                        split = parting(binding.branch, branch)
                        # Arms of a statement inside a loop both run, in different passes: the
                        # value is carried round (`if last is None: last = []` / `else: last...`).
                        if split is None or self.loops_around(split):
                            return binding
            current = current.parent
        return None

    def resolve(self, node: ast.Name) -> Optional[Binding]:
        """The binding a load of `node` reads: recorded when the walk passed it, else (a name
        below the node being visited) looked up now, which comes to the same."""
        reference = self.references.get(node)
        if reference is not None:
            return reference.binding
        return self.lookup(node.id)

    def reference(self, node: ast.Name) -> Optional[Reference]:
        return self.references.get(node)

    def rebound_between(self, binding: Binding, later: ast.Name) -> bool:
        """Whether `binding`'s name is bound again in its scope after `binding` and before the
        load `later` (by sequence, so any path counts)."""
        reference = self.references.get(later)
        if reference is None:
            return True
        return any(
            binding.seq < other.seq < reference.seq
            for other in binding.scope.bindings.get(binding.name, ())
        )

    def qualified_name(self, node: ast.AST, scope: Optional[Scope] = None) -> Optional[str]:
        """`collections.defaultdict` for `dd`, `c.defaultdict`, `defaultdict`... through imports.

        A name that is neither imported nor bound anywhere but is a builtin resolves to
        `builtins.<name>`; a local variable resolves to nothing.
        """
        attrs: list[str] = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        # Where the walk has passed the name, what it read there (after the walk too).
        binding = self.lookup(node.id, scope) if scope is not None else self.resolve(node)
        if binding is None:
            if node.id not in BUILTIN_NAMES:
                return None
            base = "builtins." + node.id
        elif binding.kind == "import" and binding.qualname:
            base = binding.qualname
        else:
            return None
        if attrs:
            return base + "." + ".".join(reversed(attrs))
        return base

    def dotted(self, node: ast.AST, scope: Optional[Scope] = None) -> str:
        """The import-resolved dotted name, or the name as written when it is not imported
        (`Base`, `module.Base`); calls and subscripts give their callee (`Generic[T]` -> Generic)."""
        if isinstance(node, ast.Call):
            node = node.func
        if isinstance(node, ast.Subscript):
            node = node.value
        resolved = self.qualified_name(node, scope)
        if resolved:
            return resolved
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name):
            parts.append(node.id)
        return ".".join(reversed(parts))

    def call_name(self, node: ast.AST, scope: Optional[Scope] = None) -> Optional[str]:
        """The qualified name of the function a Call calls, or None."""
        if isinstance(node, ast.Call):
            return self.qualified_name(node.func, scope)
        return None

    def is_mutable_value(self, node: Optional[ast.AST], scope: Optional[Scope] = None) -> bool:
        """A list/dict/set display or comprehension, a call of a mutable container type, or a
        list built by repetition (`[0] * n`, `n * [None]`), which is a new list like a display."""
        if isinstance(node, MUTABLE_DISPLAYS):
            return True
        if isinstance(node, ast.Call):
            return self.call_name(node, scope) in MUTABLE_CALLS
        return (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mult)
            and (isinstance(node.left, (ast.List, ast.ListComp)) or isinstance(node.right, (ast.List, ast.ListComp)))
        )

    # -- facts, computed on first ask -------------------------------------------------------

    def function(self, node: ast.AST) -> "FunctionFacts":
        """What a def or lambda is and does in its own body (see model/functions.py)."""
        facts = self._functions.get(node)
        if facts is None:
            from pitfalls.model.functions import FunctionFacts

            facts = self._functions[node] = FunctionFacts(self, node)  # type: ignore[arg-type]
        return facts

    @property
    def in_test_file(self) -> bool:
        """Whether the module is test code by its file name (pytest's `test_*.py`, `*_test.py`,
        `conftest.py`): its lists are a few items long, its registries live as long as a test."""
        name = self.path.replace("\\", "/").rpartition("/")[2]
        return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"

    @property
    def classes(self) -> "ClassModel":
        """The module's classes, their bases, methods and instance attributes (model/classes.py)."""
        if self._classes is None:
            from pitfalls.model.classes import ClassModel

            self._classes = ClassModel(self)
        return self._classes

    def class_facts(self, node: ast.ClassDef) -> "ClassFacts":
        return self.classes.of(node)

    def computed(self, analysis: Callable[["Context"], T]) -> T:
        """`analysis(self)`, run once the walk is over on the first ask and kept for every rule
        that asks again (the file's thread launches, say): a fact only some rules need costs
        nothing in a file where none asks."""
        try:
            return self._computed[analysis]
        except KeyError:
            found = self._computed[analysis] = analysis(self)
            return found

    # -- bindings and references (called by the engine) -------------------------------------

    def bind(self, name: str, node: ast.AST, kind: str, value: Optional[ast.expr] = None,
             qualname: Optional[str] = None, scope: Optional[Scope] = None) -> Binding:
        target = self._binding_scope(name, scope or self.scope)
        self.seq += 1
        binding = Binding(name, node, target, kind, value, qualname, self.seq, self.branch)
        target.add(binding)
        return binding

    def load(self, node: ast.Name) -> None:
        """Records a load of `node` as a Reference. The hot path of the model, once per name
        read, so the common cases are spelled out: a binding of the scope being walked made in
        this arm or around it, or, from a function body, the nearest enclosing binding (the
        enclosing code has already run: no branch can exclude it). Anything else is `lookup`."""
        scope = self.scope
        name = node.id
        branch = self.branch
        found = scope.bindings.get(name)
        binding: Optional[Binding]
        if scope.globals and name in scope.globals:
            binding = self.module_scope.last(name)
        elif found:
            binding = found[-1]
            if binding.branch is not None and binding.branch is not branch:
                binding = self.lookup(name)
        elif scope.kind is ScopeKind.FUNCTION or scope.kind is ScopeKind.LAMBDA:
            binding = None
            current = scope.parent
            while current is not None:
                if current.kind is not ScopeKind.CLASS:
                    found = current.bindings.get(name)
                    if found:
                        binding = found[-1]
                        break
                current = current.parent
        else:
            binding = self.lookup(name)
        self.seq = seq = self.seq + 1
        self.references[node] = reference = Reference(node, scope, binding, seq, branch)
        if binding is not None:
            binding.references.append(reference)

    def _binding_scope(self, name: str, scope: Scope) -> Scope:
        if name in scope.globals:
            return self.module_scope
        if name in scope.nonlocals:
            current = scope.parent
            while current is not None:
                if current.kind is ScopeKind.FUNCTION and name in current.bindings:
                    return current
                current = current.parent
        return scope


def _is_inside(scope_node: ast.AST, child: ast.AST, grandchild: Optional[ast.AST]) -> bool:
    """Whether the path scope_node -> child (-> grandchild) enters the scope's own body."""
    if isinstance(scope_node, _DEFS):
        return any(item is child for item in scope_node.body)  # type: ignore[attr-defined]
    if isinstance(scope_node, ast.Lambda):
        return child is scope_node.body
    if isinstance(scope_node, COMPREHENSION_NODES):
        first = scope_node.generators[0]  # type: ignore[attr-defined]
        return not (child is first and grandchild is first.iter)
    return False


def _in_block(block: list, child: ast.AST) -> bool:
    return any(item is child for item in block)


def _arm(statement: ast.AST, child: ast.AST, grandchild: Optional[ast.AST]) -> Optional[int]:
    """Which arm of an `if`, `try` or `match` statement the path child -> grandchild is in (see
    scopes.Branch: a handler's type and a case's pattern and guard have arms apart from their
    bodies')."""
    if isinstance(statement, ast.If):
        if _in_block(statement.body, child):
            return 0
        if _in_block(statement.orelse, child):
            return 1
        return None
    if isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
        if _in_block(statement.body, child):  # type: ignore[attr-defined]
            return 0
        for index, handler in enumerate(statement.handlers, 1):  # type: ignore[attr-defined]
            if handler is child:
                return 2 * index if _in_block(handler.body, grandchild) else 2 * index - 1
        if _in_block(statement.orelse, child):  # type: ignore[attr-defined]
            return -1
        return None
    if type(statement).__name__ == "Match":
        for index, case in enumerate(statement.cases):  # type: ignore[attr-defined]
            if case is child:
                return 2 * index + 1 if _in_block(case.body, grandchild) else 2 * index
    return None
