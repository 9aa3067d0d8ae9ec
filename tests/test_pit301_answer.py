"""PIT301's suggested code runs: applied to the class as the answer says, each instance gets its
own container, no class-body name is read from a method, and the class's `__init__` still
takes the arguments it took."""

from __future__ import annotations

import ast
import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.source import check_source

CASES = [
    # (source, how to make two instances, the method that changes the attribute)
    (
        """\
        class Jobs:
            SIZE = 3
            DEFAULT = "idle"
            pending = [DEFAULT] * SIZE

            def __init__(self, a, *, b=2) -> None:
                self.a = a + b

            def add(self, job):
                self.pending.append(job)
        """,
        "Jobs(1), Jobs(2, b=3)",
        "add",
    ),
    (
        """\
        class Base:
            def __init__(self, name):
                self.name = name

        class Post(Base):
            tags = [
                "new",
                "draft",
            ]

            def add(self, tag):
                self.tags.append(tag)
        """,
        "Post('a'), Post(name='b')",
        "add",
    ),
    (
        """\
        class Plain:
            KEYS = ("a", "b")
            table = {k: [] for k in KEYS}

            def put(self, key, value):
                self.table[key] = value
        """,
        "Plain(), Plain()",
        "put",
    ),
    (
        """\
        class Aliased:
            pending = []

            def enqueue(self, job):
                pending = self.pending
                pending.append(job)
        """,
        "Aliased(), Aliased()",
        "enqueue",
    ),
]


def _apply(source: str, init_code: str, attribute: str) -> str:
    """The class as the answer's fix says: the class-level assignment gone, the suggested
    `__init__` in its place (its first statement put first in an existing `__init__`)."""
    tree = ast.parse(source)
    suggested = ast.parse(textwrap.dedent("def __init__" + init_code.split("def __init__", 1)[1])).body[0]
    store = [s for s in suggested.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        kept = [s for s in cls.body if not (isinstance(s, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == attribute for t in s.targets))]
        if len(kept) == len(cls.body):
            continue
        init = next((s for s in kept if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
        if init is not None:
            assert ast.unparse(init.args) == ast.unparse(suggested.args)  # the same signature
            init.body[:0] = store
        else:
            kept.insert(0, suggested)
        cls.body = kept
    return ast.unparse(tree)


@pytest.mark.parametrize("source, make, method", CASES)
def test_the_suggested_init_runs_and_separates_the_instances(source, make, method):
    source = textwrap.dedent(source)
    [finding] = check_source(source, "example.py").findings
    attribute = finding.context["attribute"]
    fix = answer_for(finding).fix
    assert "def __init__(self, ...)" not in fix  # a real signature, never a placeholder
    fixed = _apply(source, finding.context["init"], attribute)
    assert check_source(fixed, "fixed.py").findings == []
    namespace: dict = {}
    exec(compile(fixed, "fixed.py", "exec"), namespace)
    first, second = eval(make, namespace)
    before = getattr(second, attribute)
    snapshot = repr(before)
    getattr(first, method)(*(["key", "value"] if method == "put" else ["job"]))
    assert getattr(second, attribute) is before and repr(before) == snapshot
    assert getattr(first, attribute) is not getattr(second, attribute)


def test_the_unfixed_classes_do_share():
    # The premise the fix removes: without it, the second instance sees the first one's change.
    source = textwrap.dedent(CASES[0][0])
    namespace: dict = {}
    exec(source, namespace)
    first, second = eval(CASES[0][1], namespace)
    first.add("job")
    assert "job" in second.pending


def test_deliberate_state_is_kept_and_made_visible():
    source = textwrap.dedent(
        """\
        class Loader:
            _cache = {}

            def load(self, key):
                self._cache[key] = key.upper()
                return self._cache[key]
        """
    )
    [finding] = check_source(source, "example.py").findings
    assert finding.severity.value == "hazard"  # reported in strict mode only
    fix = answer_for(finding).fix
    assert "_cache: ClassVar[dict] = {}" in fix and "__init__" not in fix
    answer = answer_for(finding).answer_30s
    assert "Keep it" in answer and "cache" in answer
    # The suggested annotation changes nothing at run time: still one shared cache.
    fixed = source.replace("_cache = {}", "_cache: ClassVar[dict] = {}")
    namespace: dict = {}
    exec("from typing import ClassVar\n" + fixed, namespace)
    a, b = namespace["Loader"](), namespace["Loader"]()
    a.load("k")
    assert b._cache == {"k": "K"}
