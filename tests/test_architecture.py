"""One direction of flow (DESIGN.md's module map): no rule imports another, no import cycle."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterator, Mapping, Optional

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
# Package name -> its folder (pyproject.toml's package-dir).
PACKAGES = {"pitfalls": SRC / "pitfalls", "pitfalls_lsp": SRC / "lsp"}
RULES = "pitfalls.rules"
RULE_MODULE = re.compile(r"pit\d{3}_(?!fix$)\w+")  # pit101_mutable_default_argument
FIXER_MODULE = re.compile(r"pit\d{3}_fix")


def _modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of our packages (a package is its __init__)."""
    out = {}
    for package, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join([package, *parts])] = path
    return out


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_time_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run when the module is imported: into `if`, `try`, `with` and class
    bodies, not into functions (they run later), nor `if TYPE_CHECKING:` (it never runs)."""
    for node in body:
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _import_time_statements(node.orelse)
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from _import_time_statements(getattr(node, field, []))
        for part in (*getattr(node, "handlers", ()), *getattr(node, "cases", ())):  # except, case
            yield from _import_time_statements(part.body)


def _targets(module: str, node: ast.stmt) -> Iterator[str]:
    """Our modules an import statement loads: `from pkg import name` is pkg.name when that is a
    module, else pkg itself."""
    is_package = MODULES[module].name == "__init__.py"
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:  # relative: from the module's own package, up `level - 1` more
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, *([base] if base else [])])
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            yield candidate if candidate in MODULES else base


def _ours(name: str) -> Optional[str]:
    """The most specific module of ours that `name` names (None: not ours)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(modules: Mapping[str, Path], everywhere: bool = False) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports; at import time only, unless `everywhere`."""
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        statements = ast.walk(tree) if everywhere else _import_time_statements(tree.body)
        edges = set()
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges.update(t for t in map(_ours, _targets(module, node)) if t and t != module)
        graph[module] = edges
    return graph


def find_cycle(graph: Mapping[str, set[str]]) -> Optional[list[str]]:
    """One cycle, as the list of modules around it (first repeated last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> Optional[list[str]]:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_core_modules_import_one_another_without_a_cycle():
    cycle = find_cycle(import_graph(MODULES))
    assert cycle is None, "import cycle at module level: " + " -> ".join(cycle)


def test_the_cycle_finder_is_not_a_rubber_stamp():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    graph = import_graph(MODULES)
    assert "pitfalls.explanation" in graph["pitfalls.rule"]  # the walk does see our imports
    assert "pitfalls.answers" not in graph["pitfalls.cli"]  # ...and leaves imports in functions out


def _rule_package_modules() -> list[str]:
    return sorted(m for m in MODULES if m == RULES or m.startswith(RULES + "."))


@pytest.mark.parametrize("module", _rule_package_modules())
def test_no_rule_imports_another_rule_and_only_fixers_use_the_helpers(module):
    """A fact two rules need moves into model/ or analyses/; rules/_cst.py and the like are
    libcst helpers for the fixers. The package itself is no table (that is pitfalls.catalog).
    Imports inside functions count too: a lazy import still ties one rule to another."""
    imported = import_graph({module: MODULES[module]}, everywhere=True)[module]
    short = module.rpartition(".")[2]
    wrong = []
    for target in sorted(t for t in imported if t.startswith(RULES + ".")):
        name = target.rpartition(".")[2]
        if RULE_MODULE.fullmatch(name):
            wrong.append(f"{target} (a rule)")
        elif FIXER_MODULE.fullmatch(name):
            wrong.append(f"{target} (a fixer)")
        elif RULE_MODULE.fullmatch(short):
            wrong.append(f"{target} (a helper only fixers may use)")
    assert not wrong, f"{module} imports " + ", ".join(wrong)


# What each layer may import from pitfalls, imports inside functions included: the model knows
# nothing of analyses, rules or presentation; analyses know the model, not rules.
LAYERS = {
    "pitfalls.model": ("pitfalls.model", "pitfalls.positions", "pitfalls.findings"),
    "pitfalls.analyses": ("pitfalls.analyses", "pitfalls.model", "pitfalls.positions", "pitfalls.findings",
                          "pitfalls.rule", "pitfalls.explanation"),
    "pitfalls.explanation": ("pitfalls.findings",),
}


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_lower_layers_import_nothing_above_them(layer):
    graph = import_graph(MODULES, everywhere=True)
    allowed = LAYERS[layer]
    wrong = [
        f"{module} -> {target}"
        for module, targets in graph.items()
        if module == layer or module.startswith(layer + ".")
        for target in targets
        if not any(target == a or target.startswith(a + ".") for a in allowed)
    ]
    assert not wrong, "imports above their layer: " + ", ".join(sorted(wrong))


DRILL = "pitfalls.drill"


def test_only_the_drill_command_imports_the_drill():
    """pitfalls.drill (SQLite, FSRS) is imported by its own modules and, inside the drill
    command's function, by the CLI; never by check, flake8 or the language server."""
    lazy = import_graph(MODULES, everywhere=True)
    eager = import_graph(MODULES)
    wrong = []
    for module in sorted(MODULES):
        if module == DRILL or module.startswith(DRILL + "."):
            continue
        drill = sorted(t for t in lazy[module] if t == DRILL or t.startswith(DRILL + "."))
        if drill and (module != "pitfalls.cli" or any(t in eager[module] for t in drill)):
            wrong.append(f"{module} -> {', '.join(drill)}")
    assert not wrong, "imports of the drill outside the drill command: " + "; ".join(wrong)
    assert "pitfalls.drill.store" in MODULES and "pitfalls.drill.store" in lazy[DRILL]
