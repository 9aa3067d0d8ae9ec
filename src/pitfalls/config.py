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

from pitfalls.catalog import ALL_RULES, SelectionError, select_rules
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
    cli: Optional["Overrides"] = None  # the command line's layer on top (`layered`)
    _rules: dict = field(default_factory=dict, compare=False, repr=False)
    _globs: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def root(self) -> Optional[Path]:
        """The folder globs start from: the anchor, else the configuration file's folder."""
        return self.anchor or (self.path.parent if self.path else None)

    def override(self, select: Optional[Sequence[str]] = None, ignore: Optional[Sequence[str]] = None,
                 strict: Optional[bool] = None) -> "Config":
        """The editor's settings layered over the file's, as the command line's are (`layered`)."""
        return self.layered(Overrides(select=tuple(select) if select is not None else None,
                                      ignore=tuple(ignore or ()), strict=bool(strict)))

    def layered(self, overrides: "Overrides") -> "Config":
        """This file's settings with the command line's on top (`Overrides`)."""
        if overrides == NO_OVERRIDES:
            return self
        return replace(self, cli=overrides, strict=self.strict or overrides.strict, _rules={}, _globs={})

    def rules_for(self, path: str) -> tuple[type[Rule], ...]:
        """The rules that apply to `path`: the file's select, extend-select and ignore; then the
        command line's, as a layer on top (ruff's order); then per-file-ignores."""
        ignored = self._file_ignores(path)
        if ignored not in self._rules:
            out = self._left_out()
            self._rules[ignored] = tuple(rule for rule in ALL_RULES if out[rule] is None
                                         and not any(rule.code.startswith(code) for code in ignored))
        return self._rules[ignored]

    def left_out(self, path: str, rule: type[Rule]) -> Optional[str]:
        """Which setting leaves `rule` out for `path` (`ignore in pyproject.toml`,
        `per-file-ignores 'tests/*' in pyproject.toml`, `--select`), or None when it applies."""
        for codes, pattern, from_cli in self._file_ignore_sources(path):
            if any(rule.code.startswith(code) for code in codes):
                return f"--per-file-ignores '{_shown(pattern)}'" if from_cli else (
                    f"per-file-ignores '{pattern}' in {_shown(str(self.path))}")
        return self._left_out()[rule]

    def _left_out(self) -> dict:
        """For each rule, None when selected, else the setting that leaves it out. Each layer (the
        file's, then the flags') decides as ruff and flake8 do: a rule matched by both a select
        and an ignore prefix follows the more specific one (`--select PIT101 --ignore PIT1` keeps
        PIT101; a tie goes to ignore); a layer with `select` starts from nothing."""
        if "selection" not in self._rules:
            where = f" in {_shown(str(self.path))}" if self.path else ""
            layers = [(self.select, self.extend_select, self.ignore, f"select{where}", f"ignore{where}")]
            if self.cli is not None:
                layers.append((self.cli.select, self.cli.extend_select, self.cli.ignore, "--select", "--ignore"))
            out: dict = dict.fromkeys(ALL_RULES)
            for select, extend, ignore, select_setting, ignore_setting in layers:
                chosen = (*(select or ()), *extend)
                for prefixes in (chosen, ignore):
                    if prefixes:
                        select_rules(prefixes)  # an unknown code: SelectionError, named by the caller
                for rule in ALL_RULES:
                    picked, dropped = _specificity(rule.code, chosen), _specificity(rule.code, ignore)
                    if dropped >= 0 and dropped >= picked:
                        out[rule] = ignore_setting
                    elif picked >= 0:
                        out[rule] = None
                    elif select is not None:
                        out[rule] = select_setting
            self._rules["selection"] = out
        return self._rules["selection"]

    def excluded(self, path: str, named: bool = False) -> bool:
        """Whether `exclude`/`extend-exclude` leave out `path` itself (its folders are the
        caller's business: a walk has pruned them, `exclusion_by_project` asks each in turn).

        In a walk (`named=False`) the patterns are `exclude` (default: DEFAULT_EXCLUDES) plus
        `extend-exclude`. For a path named on the command line or opened in an editor
        (`named=True`) only the patterns this file wrote count, and only below its folder:
        `pitfalls check build/x.py` checks the file, while pre-commit, which names every file,
        still skips what the project excludes. The command line's `--exclude` and
        `--extend-exclude` count for any path.
        """
        return self.exclusion(path, named) is not None

    def exclusion(self, path: str, named: bool = False) -> Optional[str]:
        """`excluded`, said: which setting leaves `path` out, or None."""
        cli = self.cli or NO_OVERRIDES
        if named not in self._globs:
            written = self.exclude if cli.exclude is None else ()  # --exclude replaces the file's
            patterns = tuple(written or ()) if named else (
                DEFAULT_EXCLUDES if written is None else written
            )
            self._globs[named] = _Globs.of((*patterns, *self.extend_exclude))
            self._globs["cli"] = _Globs.of((*(cli.exclude or ()), *cli.extend_exclude))
        globs, cli_globs = self._globs[named], self._globs["cli"]
        if not cli_globs.empty:  # the command line's, from the working directory
            absolute, floor = _from_cwd(path)
            if (floor is not None or not named) and cli_globs.match(absolute):
                return "--extend-exclude" if _Globs.of(cli.extend_exclude).match(absolute) else "--exclude"
        if globs.empty:
            return None
        relative, inside = self._relative(path)
        if not (inside or not named) or not globs.match(relative):
            return None
        if _Globs.of(self.extend_exclude).match(relative):
            key = "extend-exclude"
        else:
            key = "exclude" if self.exclude is not None and cli.exclude is None else "the default excludes"
        return f"{key} in {_shown(str(self.path))}" if self.path else key

    def _relative(self, path: str) -> tuple[str, bool]:
        """`path` from the folder the globs start at, with slashes, and whether it is below it."""
        absolute = os.path.abspath(path)
        if self.root is not None:
            root = os.path.join(str(self.root), "")
            if absolute.startswith(root):
                return absolute[len(root):].replace(os.sep, "/"), True
        return absolute.replace(os.sep, "/"), False

    def _file_ignores(self, path: str) -> tuple[str, ...]:
        return tuple(code for codes, _, _ in self._file_ignore_sources(path) for code in codes)

    def _file_ignore_sources(self, path: str) -> list[tuple[tuple[str, ...], str, bool]]:
        """The per-file-ignores that match `path`: their codes, the pattern, and whether it is
        the command line's."""
        cli = self.cli or NO_OVERRIDES
        written = self.per_file_ignores if cli.per_file_ignores is None else ()
        from_cli = (*(cli.per_file_ignores or ()), *cli.extend_per_file_ignores)
        found: list[tuple[tuple[str, ...], str, bool]] = []
        if written:
            relative, inside = self._relative(path)
            found += [(ignored, pattern, False) for pattern, ignored in written
                      if _Globs.of((pattern,)).covers(relative, inside)]
        if from_cli:
            absolute, floor = _from_cwd(path)
            found += [(ignored, pattern, True) for pattern, ignored in from_cli
                      if _Globs.of((pattern,)).covers(absolute, floor is not None, floor or 0)]
        return found


@dataclass(frozen=True)
class Overrides:
    """The command line's settings (or the editor's), a layer over each file's `[tool.pitfalls]`
    as ruff layers its flags: `select` replaces the file's whole selection (its `ignore` too),
    `extend-select` adds, `ignore` removes; `per-file-ignores` and `exclude` replace the file's,
    the `extend-` forms add. Their glob patterns start from the working directory
    (`from_flags` makes them absolute), a pattern without a slash matches a name anywhere."""

    select: Optional[tuple[str, ...]] = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Optional[tuple[tuple[str, tuple[str, ...]], ...]] = None
    extend_per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: Optional[tuple[str, ...]] = None
    extend_exclude: tuple[str, ...] = ()
    strict: bool = False

    @classmethod
    def from_flags(cls, strict: bool = False, **flags: Optional[str]) -> "Overrides":
        """From the flags as typed: codes comma- or space-separated, `--per-file-ignores` as
        `GLOB:CODES` pairs (flake8's and ruff's form), patterns comma-separated. ConfigError
        names the flag of a bad value."""
        values: dict[str, Any] = {"strict": strict}
        for key in ("select", "extend_select", "ignore"):
            if flags.get(key) is not None:
                codes = tuple(c.upper() for c in _split(flags[key]))  # type: ignore[arg-type]
                if not codes:  # select_rules would read "none" as "all"
                    raise ConfigError(f"--{key.replace('_', '-')}: give codes or prefixes, such as PIT101,PIT6")
                try:
                    select_rules(codes)
                except SelectionError as exc:
                    raise ConfigError(f"--{key.replace('_', '-')}: {exc}") from None
                values[key] = codes
        for key in ("exclude", "extend_exclude"):
            if flags.get(key) is not None:
                values[key] = tuple(_from_here(p) for p in _split(flags[key], spaces=False))  # type: ignore
        for key in ("per_file_ignores", "extend_per_file_ignores"):
            if flags.get(key) is not None:
                values[key] = _pairs(flags[key], f"--{key.replace('_', '-')}")  # type: ignore[arg-type]
        return cls(**values)


NO_OVERRIDES = Overrides()


def _split(value: str, spaces: bool = True) -> list[str]:
    return [part.strip() for part in re.split(r"[,\s]+" if spaces else r",", value) if part.strip()]


def _from_here(pattern: str) -> str:
    """A command-line glob with a slash (`./` in front included), made absolute from the working
    directory."""
    pattern = pattern.strip()
    if not pattern.startswith("./") and "/" not in pattern.rstrip("/"):
        return pattern
    pattern = pattern[2:] if pattern.startswith("./") else pattern
    return os.path.normpath(os.path.join(os.getcwd(), pattern)).replace(os.sep, "/")  # `../lib` climbs


def _from_cwd(path: str) -> tuple[str, Optional[int]]:
    """`path` as the command line's globs see it: absolute, with slashes; and, when it is below the
    working directory, how many of its leading parts are that directory or above it (else None).
    Like the file's patterns above its folder, a flag's never match the working directory or above."""
    absolute = os.path.abspath(path).replace(os.sep, "/")
    here = os.path.join(os.getcwd(), "").replace(os.sep, "/")
    return absolute, here.count("/") if absolute.startswith(here) else None


# flake8's reading of --per-file-ignores: globs, a colon, codes. Spaces, commas and new lines
# only separate; a word is a code after a colon unless a colon follows it (then it is a glob).
_PAIR_TOKENS = re.compile(r"(?P<code>[A-Za-z]+[0-9]*(?=$|[\s,]))|(?P<glob>[^\s:,]+)|(?P<colon>:)|[\s,]+")


def _pairs(value: str, flag: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`tests/*:PIT101,PIT6 gen_*.py: PIT` (flake8's form) as (glob, codes) pairs."""
    pairs: list[tuple[str, tuple[str, ...]]] = []
    globs: list[str] = []
    codes: list[str] = []
    colon = False

    def pair() -> None:
        if not globs or not codes:
            item = f"{', '.join(globs)}{':' if colon else ''}{','.join(codes)}"
            raise ConfigError(f"{flag}: '{item}' is not GLOB:CODES, such as 'tests/*:PIT101,PIT6'")
        try:
            select_rules(codes)
        except SelectionError as exc:
            raise ConfigError(f"{flag}: {exc}") from None
        pairs.extend((_from_here(glob), tuple(codes)) for glob in globs)

    for token in _PAIR_TOKENS.finditer(value):
        if token.lastgroup == "colon":
            colon = True
        elif token.lastgroup == "code" and colon:
            codes.append(token.group().upper())
        elif token.lastgroup is not None:  # a glob: it starts the next pair
            if colon:
                pair()
                globs, codes, colon = [], [], False
            globs.append(token.group())
    if globs or colon:
        pair()
    return tuple(pairs)


def exclusion_by_project(path: str, config_for: "Callable[[str], Config]") -> Optional[str]:
    """Why a path named on the command line or opened in an editor is left out (`its folder
    build is excluded by ...`), or None: it, or a folder above it, is matched by the project's own
    patterns in the config that governs that entry, the verdict a walk from above would reach,
    nested configurations included."""
    current = os.path.abspath(path)
    while True:
        reason = config_for(current).exclusion(current, named=True)
        if reason is not None:
            if current == os.path.abspath(path):
                return f"excluded by {reason}"
            return f"its folder {_shown(current)} is excluded by {reason}"
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _specificity(code: str, prefixes: Sequence[str]) -> int:
    """How specific the longest of `prefixes` matching `code` is: -1 none, 0 `ALL`, else its length."""
    return max((0 if p == "ALL" else len(p) for p in prefixes if p == "ALL" or code.startswith(p)), default=-1)


def _shown(path: str) -> str:
    """A path as short as is clear: from the working directory when below it, else absolute."""
    relative = os.path.relpath(path)
    return path if relative.startswith(".") else relative


@dataclass(frozen=True)
class _Globs:
    """Glob patterns as two regular expressions, with the rules of flake8's and ruff's
    per-file-ignores: a pattern with a slash matches the path from the config's folder (`*`
    crosses folders, `**/` may also match no folder), one without matches a file or folder name.
    `./` in front anchors it there and is dropped; a trailing `/` is dropped too, and the pattern
    then means that folder and everything in it."""

    names: Optional["re.Pattern[str]"]
    paths: Optional["re.Pattern[str]"]

    @classmethod
    @functools.lru_cache(maxsize=256)
    def of(cls, patterns: tuple[str, ...]) -> "_Globs":
        names, paths = [], []
        for pattern in patterns:
            pattern = pattern.strip()
            anchored = pattern.startswith("./")  # `./migrations`: that one folder, not a name
            pattern = pattern[2:].rstrip("/") if anchored else pattern.rstrip("/")
            if not pattern:
                continue
            if anchored or "/" in pattern:
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

    def covers(self, relative: str, inside: bool = True, floor: int = 0) -> bool:
        """`relative` or a folder above it (below the config's folder) matches; `floor`: how many
        leading parts are that folder or above, never matched."""
        if not inside:
            return self.match(relative)
        parts = relative.split("/")
        return any(self.match("/".join(parts[:end])) for end in range(len(parts), floor, -1))


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

    def __init__(self, isolated: bool = False, watch: bool = True, explicit: Optional[str] = None,
                 overrides: "Overrides" = NO_OVERRIDES):
        """`isolated`: no file at all, the defaults. `explicit`: this file for every checked file
        (its globs start at the working directory); ConfigError at once when it is missing or
        invalid. `overrides`: the command line's layer, on every file's configuration."""
        if isolated and explicit:
            raise ConfigError("--config and --isolated cannot be used together")
        self.isolated = isolated
        self.explicit = explicit
        self.watch = watch  # False: one command's run; a folder's answer is kept, not re-checked
        self.overrides = overrides
        self._layered: dict[int, tuple[Config, Config]] = {}
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
        """The configuration that governs `path`, with the command line's layer on top."""
        if self._fixed is not None:
            found = self._fixed
        else:
            found = self._for_folder(os.path.dirname(os.path.abspath(path)))
        if self.overrides == NO_OVERRIDES:
            return found
        known = self._layered.get(id(found))
        if known is None or known[0] is not found:  # each file's config is layered once
            known = self._layered[id(found)] = (found, found.layered(self.overrides))
        return known[1]

    def excludes(self, path: str) -> bool:
        """Whether `exclusion_by_project` leaves `path` out, with this cache's configurations."""
        return self.exclusion(path) is not None

    def exclusion(self, path: str) -> Optional[str]:
        """`exclusion_by_project` with this cache's configurations."""
        return exclusion_by_project(path, self.for_file)

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
