"""PIT201: a function made in a loop reads the loop variable when it runs, not when it was made."""

from __future__ import annotations

import ast
from typing import Optional

from pitfalls.explanation import Explanation, FollowUp
from pitfalls.findings import Severity
from pitfalls.rule import Rule

# Calls that keep a function to call later: stored, or handed to something that defers it.
STORES = frozenset({"append", "add", "insert", "appendleft", "setdefault"})
DEFERS = frozenset({"submit", "add_done_callback", "call_later", "call_soon", "call_soon_threadsafe", "call_at",
                    "register", "signal", "connect", "after", "after_idle", "bind", "Thread", "Timer",
                    "apply_async", "map_async", "run_in_executor", "create_task", "ensure_future"})
DEFER_KEYWORDS = frozenset({"target", "command", "callback", "func"})
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp)
# Decorators that return the function itself, or call it at once.
IMMEDIATE_DECORATORS = frozenset({"wraps", "staticmethod", "classmethod", "property"})


class LateBindingClosure(Rule):
    code = "PIT201"
    name = "late-binding-closure"
    severity = Severity.WARNING
    peer_codes = ("B023", "W0640", "cell-var-from-loop")
    summary = "A function created in a loop reads the loop variable when it runs, so every one sees the last value"
    message = "'{function}' reads '{var}' when it runs, after the loop has moved on: {kept}, so every one sees the last '{var}'"
    fixable = True
    fixer = "pitfalls.rules.pit201_fix:fix"  # safe: the default freezes the value the function was made with
    bad_example = """\
def make_callbacks(names):
    callbacks = []
    for name in names:
        callbacks.append(lambda: print(name))
    return callbacks
"""
    good_example = """\
def make_callbacks(names):
    callbacks = []
    for name in names:
        callbacks.append(lambda name=name: print(name))
    return callbacks
"""
    example_context = {
        "function": "lambda: print(name)",
        "var": "name",
        "kept": "it is kept by 'callbacks.append'",
        "loop": "for name in names",
        "fixed": "lambda name=name: print(name)",
    }
    explanation = Explanation(
        definition="`$function` doesn't copy `$var` when it is created; it keeps a reference to the variable "
        "itself and looks its value up each time it is called.",
        implication="This one outlives its iteration ($kept), so by the time it runs `$loop` has finished and "
        "every function made in the loop sees the last `$var`.",
        example="$loop:\n    ... $function ...",
        layer="Closures capture variables, not values: that is late binding. A default argument is evaluated "
        "once, when the function is made, so `$var=$var` freezes the current value; `functools.partial` "
        "does the same. A function called at once, inside the iteration (`sorted(key=...)`), is fine.",
        follow_ups=(
            FollowUp(
                "What does `[f() for f in [lambda: i for i in range(3)]]` give?",
                "`[2, 2, 2]`: the three lambdas share one `i`, and they run after the comprehension ends, when "
                "`i` is 2. With `lambda i=i: i` it's `[0, 1, 2]`.",
            ),
            FollowUp(
                "Why does the default-argument trick work?",
                "Defaults are evaluated when the function is created, so each function stores the value `$var` had "
                "then. The same mechanism that shares a `[]` default freezes the value here.",
            ),
            FollowUp(
                "Is there a cleaner alternative?",
                "`functools.partial(func, $var)` binds the value explicitly, or a small factory "
                "`def make(v): return lambda: ... v ...` gives each function its own scope.",
            ),
        ),
        fix="Bind the current value as a default, evaluated when the function is made:",
        fix_code="$fixed",
        key_points=(
            "A closure keeps the variable `$var` itself, not its value",
            "Called after the loop ends, every function sees the last `$var`",
            "Fix: bind the current value as a default, evaluated when the function is made",
        ),
        demo="""\
import functools

callbacks = []
for name in ["a", "b", "c"]:
    callbacks.append(lambda: name)
assert [f() for f in callbacks] == ["c", "c", "c"]  # every one sees the last name

assert [f() for f in [lambda: i for i in range(3)]] == [2, 2, 2]
assert [f() for f in [lambda i=i: i for i in range(3)]] == [0, 1, 2]

fixed = []
for name in ["a", "b", "c"]:
    fixed.append(lambda name=name: name)
assert [f() for f in fixed] == ["a", "b", "c"]

bound = [functools.partial(str.upper, name) for name in ["a", "b"]]
assert [f() for f in bound] == ["A", "B"]

assert sorted(["bb", "a"], key=lambda s: len(s)) == ["a", "bb"]  # called at once: fine
""",
        names=("function", "var"),
        flags="A lambda or nested def created in a loop or comprehension that reads the loop variable (or a name "
        "assigned in the loop) from outside, and outlives the iteration: an element of a list, set or dict "
        "comprehension, stored with `append`/`add`/`insert` or into an item or attribute, or handed to "
        "something that calls it later (`Thread(target=)`, `submit`, `add_done_callback`, `call_later`, "
        "`call_soon`, `atexit.register`, `signal.signal`, `connect`, `command=`...).",
        not_flagged=(
            "A value bound as a default (`lambda i=i: i`) or with `functools.partial`.",
            "A function passed to something that calls it at once (`sorted`, `min`, `max`, `map`, `filter`).",
            "A function called inside the same iteration, or a generator expression's (consumed as made).",
        ),
        references=(
            "https://docs.python.org/3/faq/programming.html#why-do-lambdas-defined-in-a-loop-with-different-values-all-return-the-same-result",
        ),
        prior_art=("flake8-bugbear / ruff B023 function-uses-loop-variable", "pylint W0640 cell-var-from-loop"),
    )

    def finish(self) -> None:
        ctx = self.ctx
        for function in ctx.function_defs:
            loops = ctx.loops_around(function)
            if not loops:
                continue
            kept = self._kept(function, loops[0])
            if kept is None:
                continue
            facts = ctx.function(function)
            own = ctx.scopes.get(function)
            for name in facts.nodes(ast.Name):
                if not isinstance(name.ctx, ast.Load):  # type: ignore[attr-defined]
                    continue
                binding = ctx.resolve(name)  # type: ignore[arg-type]
                if binding is None or binding.scope is own or binding.kind == "param" and binding.scope is own:
                    continue
                # Any binding of the name made in the loop (a later loop may rebind it too).
                made = [b.node for b in binding.scope.bindings.get(binding.name, ())]
                loop = next((lp for lp in loops for node in made if node is lp or self._inside(node, lp)), None)
                if loop is None:
                    continue
                self._report(function, name, loop, kept)
                break

    def _inside(self, node: ast.AST, loop: ast.AST) -> bool:
        return any(a is loop for a in self.ctx.ancestors(node))

    def _kept(self, function: ast.AST, loop: ast.AST) -> Optional[str]:
        """How the function outlives the iteration, in words, or None if it may not."""
        ctx = self.ctx
        uses: list[ast.AST] = [function]
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = [d for d in function.decorator_list
                          if ctx.dotted(d).rpartition(".")[2] not in IMMEDIATE_DECORATORS]
            if decorators:
                return f"its decorator '@{ctx.segment(decorators[0])}' may keep it"
            scope = ctx.scope_of(function)
            binding = next((b for b in scope.bindings.get(function.name, ()) if b.node is function), None)
            uses = [r.node for r in binding.references] if binding is not None else []
            if any(not self._inside(use, loop) for use in uses):
                return "it is also used after the loop"
        for node in uses:
            parent = ctx.parent(node)
            if isinstance(parent, ast.keyword) and parent.arg in DEFER_KEYWORDS:
                return f"it is handed to '{ctx.segment(ctx.parent(parent).func)}'"  # type: ignore[union-attr]
            if isinstance(parent, ast.Call) and node in parent.args:
                func = parent.func
                last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if last in STORES:
                    return f"it is kept by '{ctx.segment(func)}'"
                if last in DEFERS:
                    return f"it is handed to '{ctx.segment(func)}'"
            if isinstance(parent, ast.Assign) and parent.value is node and any(
                    isinstance(t, (ast.Subscript, ast.Attribute)) for t in parent.targets):
                return f"it is stored in '{ctx.segment(parent.targets[0])}'"
            if isinstance(parent, COMPREHENSIONS) and (getattr(parent, "elt", None) is node or
                                                      getattr(parent, "value", None) is node) and parent is loop:
                return "the comprehension keeps every one"
        return None

    def _report(self, function: ast.AST, name: ast.Name, loop: ast.AST, kept: str) -> None:
        ctx = self.ctx
        if isinstance(loop, (ast.For, ast.AsyncFor)):
            loop_text = f"for {ctx.segment(loop.target)} in {ctx.segment(loop.iter)}"
        elif isinstance(loop, COMPREHENSIONS + (ast.GeneratorExp,)):
            generator = loop.generators[0]  # type: ignore[attr-defined]
            loop_text = f"for {ctx.segment(generator.target)} in {ctx.segment(generator.iter)}"
        else:
            loop_text = "the loop"
        if isinstance(function, ast.Lambda):
            shown = ctx.segment(function)
            args = function.args
            fixable = not (args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or args.defaults) \
                and name.id not in {a.arg for a in args.args}
            params = ", ".join([*(ctx.segment(a) for a in args.args), f"{name.id}={name.id}"])
            fixed = f"lambda {params}: {ctx.segment(function.body)}" if fixable else shown
        else:
            shown = f"def {function.name}"  # type: ignore[attr-defined]
            fixable = False
            fixed = f"def {function.name}(..., {name.id}={name.id}):"  # type: ignore[attr-defined]
        self.report(
            name,
            fixable=fixable,
            function=shown,
            var=name.id,
            kept=kept,
            loop=loop_text,
            fixed=fixed,
        )
