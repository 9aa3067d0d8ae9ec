"""`[tool.pitfalls]` in pyproject.toml: found by walking up from a file, validated, cached.

Every front end that reads configuration (the command line and the language server) asks
`ConfigCache.for_file(path)`, so the same file gets the same rules everywhere. flake8 reads
only its own configuration.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from pitfalls.catalog import SelectionError, select_rules
from pitfalls.rule import Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9 and 3.10
    import tomli as tomllib

_TARGET_VERSIONS = ("py39", "py310", "py311", "py312", "py313", "py314")

# What a directory walk skips unless `exclude` says otherwise (`extend-exclude` adds to it):
# VCS data, caches, virtualenvs, build output. A folder holding pyvenv.cfg is skipped too.
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr", ".direnv", ".eggs", ".mypy_cache", ".nox", ".pytest_cache",
    ".pytype", ".ruff_cache", ".pitfalls_cache", ".tox", ".venv", ".ipynb_checkpoints",
    "__pycache__", "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules",
    "site-packages", "venv", "*.egg-info",
)


class ConfigError(ValueError):
    """A configuration problem, said in one line that names the file and the key."""


def _codes(value: Any, where: str) -> tuple[str, ...]:
    # A string is refused like any other wrong type (issue 20): `ignore = "PIT101"` must not pass
    # for a list by luck, and the message shows the list it meant.
    if isinstance(value, str):
        meant = ", ".join(f'"{part}"' for part in value.replace(" ", ",").split(",") if part)
        raise ConfigError(f"{where} must be a list of codes, not a string: write [{meant}]")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of codes such as [\"PIT101\", \"PIT6\"]")
    return tuple(v.strip().upper() for v in value)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


@dataclass(frozen=True)
class Config:
    """The effective settings for the files under `root` (None: defaults, no file)."""

    path: Optional[Path] = None  # the pyproject.toml this came from
    select: Optional[tuple[str, ...]] = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: Optional[tuple[str, ...]] = None  # None: DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    target_version: Optional[str] = None
    docs_url: Optional[str] = None
    strict: bool = False  # hazards too (findings.Severity.HAZARD)
    anchor: Optional[Path] = None  # where globs start (--config: the working directory)
    _rules: dict = field(default_factory=dict, compare=False, repr=False)
    _globs: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def root(self) -> Optional[Path]:
        """The folder globs start from: the anchor, else the configuration file's folder."""
        return self.anchor or (self.path.parent if self.path else None)

    def override(self, select: Optional[Sequence[str]] = None, ignore: Optional[Sequence[str]] = None,
                 strict: Optional[bool] = None) -> "Config":
        """Command-line or editor settings win over the file's (`--strict` only turns it on)."""
        changes: dict[str, Any] = {}
        if strict and not self.strict:
            changes.update(strict=True)
        if select is not None:
            changes.update(select=tuple(s.upper() for s in select), extend_select=())
        if ignore is not None:
            changes.update(ignore=tuple(s.upper() for s in ignore))
        return replace(self, _rules={}, **changes) if changes else self

    def rules_for(self, path: str) -> tuple[type[Rule], ...]:
        """The rules that apply to `path`: select, extend-select, ignore, then per-file-ignores."""
        ignored = tuple(self.ignore) + self._file_ignores(path)
        key = ignored
        if key not in self._rules:
            select = (*self.select, *self.extend_select) if self.select is not None else (
                ("PIT", *self.extend_select) if self.extend_select else None
            )
            self._rules[key] = select_rules(select, ignored)
        return self._rules[key]

    def excluded(self, path: str, named: bool = False) -> bool:
        """Whether `exclude`/`extend-exclude` leave out `path` itself (its folders are the
        caller's business: a walk has pruned them, `excluded_by_project` asks each in turn).

        In a walk (`named=False`) the patterns are `exclude` (default: DEFAULT_EXCLUDES) plus
        `extend-exclude`. For a path named on the command line or opened in an editor
        (`named=True`) only the patterns this file wrote count, and only below its folder:
        `pitfalls check build/x.py` checks the file, while pre-commit, which names every file,
        still skips what the project excludes.
        """
        if named not in self._globs:
            patterns = tuple(self.exclude or ()) if named else (
                DEFAULT_EXCLUDES if self.exclude is None else self.exclude
            )
            self._globs[named] = _Globs.of((*patterns, *self.extend_exclude))
        globs = self._globs[named]
        if globs.empty:
            return False
        relative, inside = self._relative(path)
        return (inside or not named) and globs.match(relative)

    def _relative(self, path: str) -> tuple[str, bool]:
        """`path` from the folder the globs start at, with slashes, and whether it is below it."""
        absolute = os.path.abspath(path)
        if self.root is not None:
            root = os.path.join(str(self.root), "")
            if absolute.startswith(root):
                return absolute[len(root):].replace(os.sep, "/"), True
        return absolute.replace(os.sep, "/"), False

    def _file_ignores(self, path: str) -> tuple[str, ...]:
        if not self.per_file_ignores:
            return ()
        relative, inside = self._relative(path)
        codes: list[str] = []
        for pattern, ignored in self.per_file_ignores:
            if _Globs.of((pattern,)).covers(relative, inside):
                codes.extend(ignored)
        return tuple(codes)


def excluded_by_project(path: str, config_for: "Callable[[str], Config]") -> bool:
    """A path named on the command line or opened in an editor is left out when it, or a folder
    above it, is matched by the project's own patterns in the config that governs that entry:
    the verdict a walk from above would reach, nested configurations included."""
    current = os.path.abspath(path)
    while True:
        if config_for(current).excluded(current, named=True):
            return True
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent


@dataclass(frozen=True)
class _Globs:
    """Glob patterns as two regular expressions, with the rules of flake8's and ruff's
    per-file-ignores: a pattern with a slash matches the path from the config's folder (`*`
    crosses folders, `**/` may also match no folder), one without matches a file or folder name.
    `./` in front is dropped; a trailing `/` is dropped too, and the pattern then means that
    folder and everything in it."""

    names: Optional["re.Pattern[str]"]
    paths: Optional["re.Pattern[str]"]

    @classmethod
    @functools.lru_cache(maxsize=256)
    def of(cls, patterns: tuple[str, ...]) -> "_Globs":
        names, paths = [], []
        for pattern in patterns:
            pattern = pattern.strip()
            if pattern.startswith("./"):
                pattern = pattern[2:]
            pattern = pattern.rstrip("/")
            if not pattern:
                continue
            if "/" in pattern:
                paths.extend({fnmatch.translate(pattern), fnmatch.translate(pattern.replace("**/", ""))})
            else:
                names.append(fnmatch.translate(pattern))
        compiled = [re.compile("|".join(group)) if group else None for group in (names, paths)]
        return cls(*compiled)

    @property
    def empty(self) -> bool:
        return self.names is None and self.paths is None

    def match(self, relative: str) -> bool:
        """`relative` itself (a file or a folder) matches."""
        if self.names is not None and self.names.match(relative.rpartition("/")[2]):
            return True
        return self.paths is not None and self.paths.match(relative) is not None

    def covers(self, relative: str, inside: bool = True) -> bool:
        """`relative` or a folder above it (below the config's folder) matches."""
        if not inside:
            return self.match(relative)
        parts = relative.split("/")
        return any(self.match("/".join(parts[:end])) for end in range(len(parts), 0, -1))


_KEYS = {
    "select", "ignore", "extend-select", "per-file-ignores", "exclude", "extend-exclude",
    "target-version", "docs-url", "strict",
}


def parse_table(table: Mapping[str, Any], path: Optional[Path] = None, anchor: Optional[Path] = None) -> Config:
    """Validates a `[tool.pitfalls]` table; every problem names the key. `anchor`: where the
    globs start, when not at the file's folder."""
    where = f"{path}: [tool.pitfalls]" if path else "[tool.pitfalls]"
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(sorted(_KEYS))})")
    values: dict[str, Any] = {"path": path, "anchor": anchor}
    for key in ("select", "ignore", "extend-select"):
        if key in table:
            values[key.replace("-", "_")] = _codes(table[key], f"{where} {key}")
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, Mapping):
            raise ConfigError(f"{where} per-file-ignores must be a table of glob = [codes]")
        values["per_file_ignores"] = tuple(
            (str(glob), _codes(codes, f"{where} per-file-ignores '{glob}'")) for glob, codes in pfi.items()
        )
    for key in ("exclude", "extend-exclude"):
        if key in table:
            values[key.replace("-", "_")] = _strings(table[key], f"{where} {key}")
    if "target-version" in table:
        version = table["target-version"]
        if version not in _TARGET_VERSIONS:
            raise ConfigError(f"{where} target-version must be one of {', '.join(_TARGET_VERSIONS)}, not {version!r}")
        values["target_version"] = version
    if "strict" in table:
        if not isinstance(table["strict"], bool):
            raise ConfigError(f"{where} strict must be true or false, not {table['strict']!r}")
        values["strict"] = table["strict"]
    if "docs-url" in table:
        if not isinstance(table["docs-url"], str):
            raise ConfigError(f"{where} docs-url must be a string")
        values["docs_url"] = table["docs-url"]
    config = Config(**values)
    try:  # a code that matches no rule is a config error, found now rather than per file
        config.rules_for(str(path.parent / "x.py") if path else "x.py")
        for _, codes in config.per_file_ignores:
            select_rules(None, codes)
    except SelectionError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return config


def read_table(path: Path) -> Optional[Mapping[str, Any]]:
    """The `[tool.pitfalls]` table of a pyproject.toml, or None when it has none."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    tool = data.get("tool")
    table = tool.get("pitfalls") if isinstance(tool, dict) else None
    return table


def load(path: Path) -> Optional[Config]:
    """The file's configuration, or None when it has no `[tool.pitfalls]` table."""
    table = read_table(path)
    return parse_table(table, path) if table is not None else None


class ConfigCache:
    """Finds the pyproject.toml with a `[tool.pitfalls]` table nearest above each file.

    A pyproject.toml without the table does not stop the walk (ruff does the same). Files are
    re-read when their modification time changes, so a long-running language server follows edits.
    """

    def __init__(self, isolated: bool = False, watch: bool = True, explicit: Optional[str] = None):
        """`isolated`: no file at all, the defaults. `explicit`: this file for every checked file
        (its globs start at the working directory); ConfigError at once when it is missing or
        invalid."""
        if isolated and explicit:
            raise ConfigError("--config and --isolated cannot be used together")
        self.isolated = isolated
        self.explicit = explicit
        self.watch = watch  # False: one command's run; a folder's answer is kept, not re-checked
        self._by_file: dict[str, tuple[Optional[int], Optional[Config], Optional[ConfigError]]] = {}
        self._by_folder: dict[str, Config] = {}
        self._fixed: Optional[Config] = DEFAULTS if isolated else None
        if explicit:
            path = Path(os.path.abspath(explicit))
            if not path.is_file():
                raise ConfigError(f"{explicit}: no such configuration file")
            table = read_table(path)
            if table is None:
                raise ConfigError(f"{explicit}: has no [tool.pitfalls] table")
            # A shared file named on purpose: its globs mean paths from where the command runs.
            self._fixed = parse_table(table, path, anchor=Path(os.getcwd()))

    def for_file(self, path: str) -> Config:
        if self._fixed is not None:
            return self._fixed
        return self._for_folder(os.path.dirname(os.path.abspath(path)))

    def excludes(self, path: str) -> bool:
        """`excluded_by_project` with this cache's configurations."""
        return excluded_by_project(path, self.for_file)

    def _for_folder(self, folder: str) -> Config:
        """The folder's own table, else its parent's answer. For one command's run (`watch`
        False) each folder is asked once, so a walk of a big tree stats each pyproject.toml once."""
        if not self.watch:
            known = self._by_folder.get(folder)
            if known is not None:
                return known
        config = self._load(os.path.join(folder, "pyproject.toml"))
        if config is None:
            parent = os.path.dirname(folder)
            config = self._for_folder(parent) if parent != folder else DEFAULTS
        if not self.watch:
            self._by_folder[folder] = config
        return config

    def _load(self, candidate: str) -> Optional[Config]:
        try:
            mtime: Optional[int] = os.stat(candidate).st_mtime_ns
        except OSError:
            mtime = None
        cached = self._by_file.get(candidate)
        if cached is None or cached[0] != mtime:
            config, error = None, None
            if mtime is not None:
                try:
                    config = load(Path(candidate))  # None: a pyproject.toml without [tool.pitfalls]
                except ConfigError as exc:
                    error = exc
            cached = (mtime, config, error)
            self._by_file[candidate] = cached
        if cached[2] is not None:
            raise cached[2]
        return cached[1]


DEFAULTS = Config()  # shared, so what it compiles and selects is done once


def target_version(config: Config, path: str) -> Optional[str]:
    """The oldest Python the file must run on: `target-version`, else the nearest pyproject.toml's
    `[project] requires-python` (">=3.9" -> "py39"); None when neither says."""
    if config.target_version:
        return config.target_version
    directory = Path(os.path.abspath(path)).parent
    for folder in (directory, *directory.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                with open(candidate, "rb") as handle:
                    project = tomllib.load(handle).get("project", {})
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                return None
            match = re.search(r">=?\s*3\.(\d+)", str(project.get("requires-python", "")))
            return f"py3{match.group(1)}" if match else None
    return None
