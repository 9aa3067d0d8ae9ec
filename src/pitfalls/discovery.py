"""Which files `pitfalls check` reads: .py files under the given paths, minus what git ignores
and what the configuration excludes (`Config.excluded`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Sequence

from pitfalls.config import DEFAULTS, Config, exclusion_by_project

ConfigFor = Callable[[str], Config]  # the config that governs a path (ConfigCache.for_file)

@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool


def _translate(glob: str) -> str:
    """A gitignore glob (already stripped of `!`, trailing `/` and anchoring) as a regex."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[":
            end = glob.find("]", i + 1)
            if end == -1:
                out.append(re.escape("["))
                i += 1
            else:
                body = glob[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end + 1
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


def parse_gitignore(text: str) -> list[_Pattern]:
    patterns = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        regex = _translate(line)
        if not anchored:
            regex = "(?:.*/)?" + regex
        patterns.append(_Pattern(re.compile(regex + r"\Z", re.DOTALL), negated, dir_only))
    return patterns


class _Ignores:
    """The stack of .gitignore files that apply to a directory, outermost first."""

    def __init__(self, layers: Sequence[tuple[str, list[_Pattern]]] = ()) -> None:
        self.layers = list(layers)

    def with_dir(self, directory: str) -> "_Ignores":
        patterns = _read_gitignore(directory)
        return _Ignores(self.layers + [(directory, patterns)]) if patterns else self

    def ignored(self, path: str, is_dir: bool) -> bool:
        result = False
        for base, patterns in self.layers:
            rel = os.path.relpath(path, base).replace(os.sep, "/")
            if rel.startswith(".."):
                continue
            for pattern in patterns:
                if pattern.dir_only and not is_dir:
                    continue
                if pattern.regex.match(rel):
                    result = not pattern.negated
        return result


def _read_gitignore(directory: str) -> list[_Pattern]:
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as fh:
            return parse_gitignore(fh.read())
    except OSError:
        return []


def _outer_ignores(directory: str) -> _Ignores:
    """The .gitignore files above `directory`, up to the repository root."""
    chain = []
    current = os.path.abspath(directory)
    while True:
        parent = os.path.dirname(current)
        if os.path.isdir(os.path.join(current, ".git")) or parent == current:
            break
        current = parent
        chain.append(current)
    ignores = _Ignores()
    for d in reversed(chain):
        ignores = ignores.with_dir(d)
    return ignores


def find_python_files(paths: Sequence[str], config_for: Optional[ConfigFor] = None,
                      left_out: Optional[Callable[[str, str], None]] = None) -> Iterator[str]:
    """Files named on the command line unless the project excludes them (`left_out` hears of
    each such path, and why); under directories, `*.py` files not excluded, ignored by git, or
    inside a virtualenv.

    Symlinked directories are not followed (no loops); results are sorted per directory.
    """
    config_for = config_for or (lambda path: DEFAULTS)
    for path in paths:
        reason = exclusion_by_project(path, config_for)
        if reason is not None:
            if left_out is not None:
                left_out(path, reason)
            continue
        if not os.path.isdir(path):
            yield path
            continue
        yield from _walk(path, _outer_ignores(path).with_dir(os.path.abspath(path)), config_for)


def _walk(top: str, ignores: _Ignores, config_for: ConfigFor) -> Iterator[str]:
    stack: list[tuple[str, _Ignores]] = [(top, ignores)]
    while stack:
        directory, ignores = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue  # vanished or unreadable: nothing to check there
        config = config_for(os.path.join(directory, "x.py"))
        subdirs = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
            except OSError:
                continue
            if not (is_dir or (is_file and entry.name.endswith(".py"))) or config.excluded(entry.path):
                continue
            absolute = os.path.abspath(entry.path)
            if is_dir:
                if not os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")) and not ignores.ignored(absolute, True):
                    subdirs.append(entry.path)
            elif not ignores.ignored(absolute, False):
                yield entry.path
        for sub in reversed(subdirs):
            stack.append((sub, ignores.with_dir(os.path.abspath(sub))))
