"""PIT202: a name read before the function assigns it: the assignment made it local everywhere."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.analyses.signatures import header
from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.model import BUILTIN_NAMES
from pitfalls.model.scopes import Binding, Scope, ScopeKind
from pitfalls.rule import Rule

# Bindings that make a name local to the function (a bare annotation does too, but binds nothing).
LOCAL_KINDS = frozenset({"param", "assign", "augassign", "import", "function", "class", "loop", "unpack", "with", "walrus",
                         "other"})


class UnboundLocal(Rule):
    code = "PIT202"
    name = "unbound-local"
    severity = Severity.ERROR
    peer_codes = ("F823", "E0601", "used-before-assignment")
    summary = "A function reads a name before assigning it, so the read raises UnboundLocalError"
    message = "{when}, so it is local there and the read raises UnboundLocalError (the {outer} '{name}' is not used)"
    bad_example = """\
counter = 0


def bump():
    counter += 1
    return counter
"""
    good_example = """\
counter = 0


def bump():
    global counter
    counter += 1
    return counter
"""
    example_context = {
        "variant": "",
        "name": "counter",
        "function": "bump",
        "read": "counter += 1",
        "assignment": "counter += 1",
        "bline": "5",
        "when": "'counter += 1' reads 'counter' before 'bump' has given it a value",
        "outer": "module's",
        "declare": "global counter",
        "header": "def bump():",
    }
    explanation = Explanation(
        variant_key="variant",
        definition="`$assignment` makes `$name` a local variable of `$function`, in the whole body: Python "
        "decides which names are local when it compiles the function, not line by line.",
        implication={
            "": "So `$read` reads that local before anything is in it and raises `UnboundLocalError`; the "
            "$outer `$name` is never consulted.",
            "builtin": "So `$read` reads that local before anything is in it and raises `UnboundLocalError`; "
            "the built-in `$name` is hidden for the whole function.",
        },
        example="$header\n    $read",
        layer="It's LEGB fixed at compile time: an assignment, `+=`, `import`, `for` target, `with ... as` or "
        "`del` anywhere in a function makes the name local everywhere in it. `global` and `nonlocal` "
        "opt out; reading without assigning needs neither.",
        follow_ups=(
            FollowUp(
                "Why does reading work until you add the assignment?",
                "Without an assignment `$name` isn't local, so the lookup falls through to the enclosing, "
                "global and built-in scopes. The assignment, even a later one, changes how every `$name` in "
                "`$function` is compiled.",
            ),
            FollowUp(
                "What's the difference between `global` and `nonlocal`?",
                "`global` binds the name to the module's variable; `nonlocal` to the nearest enclosing "
                "function's. Either makes the assignment update that variable instead of creating a local.",
            ),
            FollowUp(
                "Is `global` the best fix?",
                "Often not: passing the value in and returning the new one keeps `$function` testable. "
                "For shared state, a small class or a mutable container you change in place reads better.",
            ),
        ),
        fix={
            "": "Say which `$name` you mean: declare it (`$declare`), or give the local another name:",
            "builtin": "Give the local another name, so the built-in `$name` stays visible:",
        },
        fix_code={"": "$header\n    $declare\n    $read", "builtin": "$header\n    ${name}_ = ..."},
        key_points=(
            "Assigning `$name` anywhere in `$function` makes it local in the whole body",
            "Python decides which names are local when it compiles the function",
            "Reading it before the assignment raises `UnboundLocalError`",
            "Fix: give the local another name, or declare the outer one",
        ),
        demo="""\
counter = 0


def bump():
    counter += 1


try:
    bump()
except UnboundLocalError:
    pass
else:
    raise AssertionError("expected UnboundLocalError")
assert issubclass(UnboundLocalError, NameError)

x = 1


def show():
    seen = x  # x is local: the assignment below decides it
    x = 5
    return seen


try:
    show()
except UnboundLocalError:
    pass
else:
    raise AssertionError("expected UnboundLocalError")


def fixed():
    global counter
    counter += 1
    return counter


assert fixed() == 1 and counter == 1


def outer():
    total = 0

    def add(n):
        nonlocal total
        total += n
        return total

    return add


assert outer()(2) == 2


def shadows(values):
    list = list(values)
    return list


try:
    shadows("ab")
except UnboundLocalError:
    pass
else:
    raise AssertionError("expected UnboundLocalError")


def reads_only():
    return x + 1  # no assignment: the module's x


assert reads_only() == 2
""",
        names=("name", "function"),
        flags="In a function, a read (or `+=`) of a name before the function's first assignment of it, in "
        "evaluation order, when the name also exists outside (module, enclosing function or built-in) "
        "and no `global`/`nonlocal` covers it.",
        not_flagged=(
            "A name declared `global` or `nonlocal`.",
            "A read after the assignment in an arm of an `if`/`try` that excludes it (it may raise, but "
            "only on that path).",
            "A read inside a nested function or lambda: it runs later, after the assignment.",
            "A name with no outer binding: that is a NameError bug of its own, left to pyflakes (F821).",
            "Class bodies: a class body reads the global when its own name isn't bound yet.",
        ),
        references=(
            "https://docs.python.org/3/faq/programming.html#why-am-i-getting-an-unboundlocalerror-when-the-variable-has-a-value",
            "https://docs.python.org/3/reference/executionmodel.html#resolution-of-names",
        ),
        prior_art=("pyflakes / ruff F823 undefined-local", "pylint E0601 used-before-assignment"),
    )

    def finish(self) -> None:
        ctx = self.ctx
        builtins: dict[tuple[Scope, str], Binding] = {}  # locals named like a builtin, by first binding
        for scope in ctx.scopes.values():
            if scope.kind is not ScopeKind.FUNCTION or not scope.bindings:
                continue
            parent = scope.parent
            while parent is not None and parent.kind is ScopeKind.CLASS:
                parent = parent.parent  # a method doesn't see its class body's names
            at_top = parent is ctx.module_scope
            for name, bindings in scope.bindings.items():
                if at_top and name not in parent.bindings and name not in BUILTIN_NAMES:  # type: ignore
                    continue  # nothing outside to mean: the common case, decided without a lookup
                if name in scope.globals or name in scope.nonlocals or any(b.kind == "param" for b in bindings):
                    continue  # declared, or a parameter: bound before the body runs
                local = min((b for b in bindings if b.kind in LOCAL_KINDS), key=lambda b: b.seq, default=None)
                if local is None:
                    continue
                outer = ctx.lookup(name, parent) if parent is not None else None
                if outer is None:
                    if name in BUILTIN_NAMES:
                        builtins[(scope, name)] = local
                    continue
                if local.kind == "augassign":  # `counter += 1` first: it reads before it binds
                    self._report(ctx.parent(local.node) or local.node, scope, name, local, outer)
                    continue
                reads = [r for b in outer.scope.bindings.get(name, ()) for r in b.references
                         if r.seq < local.seq and r.scope.frame is scope and not self._in_annotation(r.node)]
                if reads:
                    first = min(reads, key=lambda r: r.seq)
                    self._report(first.node, scope, name, local, first.binding)
        if builtins:  # `list = list(values)`: a read of the builtin before the local binding
            seen: set[tuple[Scope, str]] = set()
            for reference in ctx.references.values():
                if reference.binding is not None:
                    continue
                key = (reference.scope.frame, reference.node.id)
                local = builtins.get(key)
                if local is not None and key not in seen and reference.seq < local.seq and \
                        not self._in_annotation(reference.node):
                    seen.add(key)
                    self._report(reference.node, key[0], key[1], local, None)
            for key, local in builtins.items():
                if key not in seen and local.kind == "augassign":
                    self._report(ctx.parent(local.node) or local.node, key[0], key[1], local, None)

    def _in_annotation(self, node: ast.AST) -> bool:
        """A local variable's annotation (`x: dict[str, Column] = {}`) is never evaluated."""
        statement = self.ctx.statement(node)
        if not isinstance(statement, ast.AnnAssign):
            return False
        return node is statement.annotation or any(a is statement.annotation for a in self.ctx.ancestors(node))

    def _report(self, node: ast.AST, scope: Scope, name: str, local: Binding, outer: Optional[Binding]) -> None:
        ctx = self.ctx
        if outer is None and name not in BUILTIN_NAMES:
            return  # no outer name to mean: pyflakes' F821 territory
        function = scope.node
        fname = getattr(function, "name", "the function")
        statement = ctx.statement(node) or node
        assignment = ctx.statement(local.node) or local.node
        if outer is None:
            variant, where, declare = "builtin", "built-in", ""
        elif outer.scope.kind is ScopeKind.MODULE:
            variant, where, declare = "", "module's", f"global {name}"
        else:
            variant, where, declare = "", "enclosing function's", f"nonlocal {name}"
        self.report(
            node,
            variant=variant,
            name=name,
            function=fname,
            read=ctx.segment(statement if not isinstance(statement, (ast.If, ast.For, ast.While, ast.With, ast.Try))
                             else node),
            assignment=ctx.segment(assignment if not hasattr(assignment, "body") else local.node),
            bline=str(getattr(assignment, "lineno", "?")),
            when=f"'{ctx.segment(statement)}' reads '{name}' before '{fname}' has given it a value"
            if local.kind == "augassign" and isinstance(statement, ast.AugAssign) and statement.target is local.node
            else f"'{name}' is read before '{fname}' assigns it on line {getattr(assignment, 'lineno', '?')}",
            outer=where,
            declare=declare,
            header=header(function, focus=name) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
            else "def f():",
        )
