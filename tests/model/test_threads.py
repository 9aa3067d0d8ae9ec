"""Thread launches and call binding (analyses/threads.py, analyses/calls.py) on small snippets."""

from __future__ import annotations

import ast

from model_probe import inspect, nodes

from pitfalls.analyses.calls import callable_argument, fed_from_call, iterated_arguments, parameter_sources
from pitfalls.analyses.threads import bound_function, launch_of
from pitfalls.analyses.threads import launches as launches_of


def launches(source: str) -> list[tuple[int, str, str]]:
    """(line, launcher, target) of every call that launches a thread, asked after the walk."""

    def look(ctx):
        found = []
        for call in nodes(ctx, ast.Call):
            launch = launch_of(ctx, call)
            if launch is not None:
                found.append((call.lineno, launch.launcher, ast.unparse(launch.target)))
        return found

    return inspect(source, look)


def test_every_launcher_and_its_target():
    source = """\
        import asyncio, threading
        from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor
        from multiprocessing.pool import ThreadPool
        def f(n): pass
        threading.Thread(target=f, args=(1,))
        ThreadPoolExecutor().submit(f, 1)
        with ThreadPoolExecutor() as ex:
            ex.map(f, [1, 2])
        ThreadPool(2).starmap(f, [(1,)])
        ProcessPoolExecutor().submit(f, 1)
        async def main():
            await asyncio.to_thread(f, 1)
            await asyncio.get_running_loop().run_in_executor(None, f, 1)
        """
    assert launches(source) == [
        (5, "threading.Thread", "f"), (6, "executor.submit", "f"), (8, "executor.map", "f"),
        (9, "ThreadPool.starmap", "f"), (12, "asyncio.to_thread", "f"), (13, "loop.run_in_executor", "f"),
    ]


def test_a_pool_held_on_the_instance_counts_only_when_every_store_is_a_thread_pool():
    source = """\
        from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor
        class A:
            def __init__(self):
                self.pool = ThreadPoolExecutor()
            def run(self, f):
                self.pool.submit(f)
        class B:
            def __init__(self):
                self.pool = ThreadPoolExecutor()
            def reset(self):
                self.pool = ProcessPoolExecutor()
            def run(self, f):
                self.pool.submit(f)
        """
    assert launches(source) == [(6, "executor.submit", "f")]


def test_bound_methods_resolve_unless_a_subclass_overrides_them():
    source = """\
        class A:
            def work(self): pass
            @staticmethod
            def helper(): pass
            def other(self): pass
            def go(self):
                return self.work, A.helper, self.other, A.work
        class B(A):
            def other(self): pass
        """

    def look(ctx):
        tuple_ = nodes(ctx, ast.Tuple)[0]
        found = []
        for target in tuple_.elts:
            bound = bound_function(ctx, target)
            found.append(None if bound is None else (bound[0].name, bound[1] is not None))
        return found

    # self.work: the def and its instance; A.helper: a staticmethod, no instance; self.other: B
    # overrides it; A.work: an unbound function of an instance method, not followed.
    assert inspect(source, look) == [("work", True), ("helper", False), None, None]


def test_arguments_bind_to_parameters_with_defaults_where_the_def_is():
    source = """\
        D = [1]
        def f(a, b=D, *rest, c, **kw): pass
        f(1, 2, 3, c=4, d=5)
        """

    def look(ctx):
        call = nodes(ctx, ast.Call)[0]
        function = ctx.function_defs[0]
        fed = fed_from_call(call.args, call.keywords)
        sources = parameter_sources(function, ctx.scope_of(function), fed, ctx.scope_of(call))
        return {name: [ast.unparse(e) for e, _ in found] for name, found in sources.items()}

    assert inspect(source, look) == {"a": ["1"], "b": ["2"], "rest": ["3"], "c": ["4"], "kw": ["5"]}


def test_arguments_that_do_not_fit_make_no_binding():
    source = """\
        def f(a): pass
        f(1, 2)
        """

    def look(ctx):
        call = nodes(ctx, ast.Call)[0]
        function = ctx.function_defs[0]
        return parameter_sources(function, ctx.scope_of(function), fed_from_call(call.args, call.keywords), ctx.module_scope)

    assert inspect(source, look) is None  # the call raises TypeError


def test_which_arguments_a_builtin_calls_or_iterates():
    source = """\
        map(f, xs, ys)
        sorted(xs, key=g)
        iter(q.get, None)
        sum(xs)
        min(a, b)
        "".join(parts)
        """

    def look(ctx):
        scope = ctx.module_scope
        return [
            (ast.unparse(c.func), ast.unparse(callable_argument(ctx, c, scope)) if callable_argument(ctx, c, scope) else None,
             [ast.unparse(a) for a in iterated_arguments(ctx, c, scope)])
            for c in nodes(ctx, ast.Call) if isinstance(c.func, (ast.Name, ast.Attribute))
        ]

    assert inspect(source, look) == [
        ("map", "f", ["xs", "ys"]), ("sorted", "g", ["xs"]), ("iter", "q.get", []), ("sum", None, ["xs"]),
        ("min", None, []), ("''.join", None, ["parts"]),
    ]


def test_runs_follow_partials_aliases_and_every_path_of_a_name():
    source = """\
        import threading
        from functools import partial
        from concurrent.futures import ThreadPoolExecutor
        def crunch(n, scale=1): pass
        def other(n): pass
        job = partial(crunch, 10, scale=2)
        alias = crunch
        threading.Thread(target=job).start()
        ThreadPoolExecutor().submit(alias, 5)
        def pick(fast):
            worker = crunch if fast else other
            if fast:
                chosen = crunch
            else:
                chosen = other
            threading.Thread(target=chosen, args=(1,)).start()
            threading.Thread(target=worker).start()
        threading.Thread(target=print).start()
        """

    def look(ctx):
        found = []
        for launch in launches_of(ctx):
            if launch.runs is None:
                found.append((launch.call.lineno, launch.name, None))
                continue
            runs = []
            for node, fed in launch.runs:
                args = [ast.unparse(a) for a in fed.positional]
                keywords = {k: ast.unparse(v) for k, v in fed.keywords.items()}
                runs.append((node.name, args, keywords))
            found.append((launch.call.lineno, launch.name, runs))
        return sorted(found, key=lambda each: each[0])  # found in walk order: function bodies last

    assert inspect(source, look) == [
        (8, "job", [("crunch", ["10"], {"scale": "2"})]),  # the partial's arguments come first
        (9, "alias", [("crunch", ["5"], {})]),
        (16, "chosen", [("crunch", ["1"], {}), ("other", ["1"], {})]),  # both arms of the if
        (17, "worker", None),  # a conditional expression: not followed
        (18, "print", None),  # a builtin: not a function of this module
    ]


def test_changed_parameter_and_plain_containers():
    from pitfalls.analyses.calls import plain_container
    from pitfalls.analyses.mutation import changed_parameter

    source = """\
        class A:
            def stores(self, n):
                self.total = n
            def reads(self, n):
                return self.total + n
        def appends(rows, n):
            rows.append(n)
        def fills(n, dst):
            out = [0] * n
            out[0] = 1
            dst[0] = 1
        """

    def look(ctx):
        defs = {node.name: node for node in nodes(ctx, ast.FunctionDef)}
        changed = {name: changed_parameter(ctx, node) for name, node in defs.items()}
        stores = [n for n in nodes(ctx, ast.Subscript) if isinstance(n.ctx, ast.Store)]
        return changed, [plain_container(ctx, n.value) for n in stores]

    changed, plain = inspect(source, look)
    assert changed == {"stores": "self", "reads": "", "appends": "rows", "fills": "dst"}
    assert plain == [True, False]  # `out` is a list; `dst` may be a numpy array
