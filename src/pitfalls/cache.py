"""The results cache of `pitfalls check`: a file whose bytes, rules, pitfalls code and Python
version are unchanged is not parsed again.

One JSON file in `.pitfalls_cache/` at the project root (the nearest folder above the working
directory with a pyproject.toml or .git), with its own .gitignore; `PITFALLS_CACHE_DIR` names
another folder. JSON, not pickle: a cache
file that came with a checked-out repository must never be able to run code. A file that is
corrupt, foreign or from another version is ignored and replaced, never fatal.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from typing import Any, Optional

from pitfalls import __version__
from pitfalls.findings import Finding, Related, Severity, Span
from pitfalls.source import FileReport

FORMAT = 2  # 2: findings may be hazards
NAME = "results.json"
_CODE: list[str] = []


def code_key() -> str:
    """Our version and the size and time of every module of the package: an editable install
    whose rules changed does not read results its old code made."""
    if not _CODE:
        package = os.path.dirname(os.path.abspath(__file__))
        stamps = []
        for folder, _, names in sorted(os.walk(package)):
            for name in sorted(names):
                if name.endswith(".py"):
                    status = os.stat(os.path.join(folder, name))
                    stamps.append(f"{name}:{status.st_size}:{status.st_mtime_ns}")
        _CODE.append(__version__ + ":" + hashlib.blake2b("|".join(stamps).encode(), digest_size=8).hexdigest())
    return _CODE[0]


def project_root(start: str) -> str:
    folder = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(folder, "pyproject.toml")) or os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.abspath(start)
        folder = parent


def file_key(path: str, rules: str) -> Optional[str]:
    """What the result depends on: the bytes, the rules that apply, our version and Python's."""
    try:
        with open(path, "rb") as handle:
            digest = hashlib.blake2b(handle.read(), digest_size=16)
    except OSError:
        return None  # unreadable: checked (and reported) afresh
    digest.update(f"\0{rules}\0{code_key()}\0{platform.python_version()}".encode())
    return digest.hexdigest()


class Cache:
    def __init__(self, root: str) -> None:
        # PITFALLS_CACHE_DIR puts it elsewhere (a CI cache folder; the test suite's temporary one).
        self.folder = os.environ.get("PITFALLS_CACHE_DIR") or os.path.join(root, ".pitfalls_cache")
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        try:
            with open(os.path.join(self.folder, NAME), encoding="utf-8") as handle:
                data = json.load(handle)
            if isinstance(data, dict) and data.get("format") == FORMAT and data.get("pitfalls") == code_key():
                entries = data.get("entries")
                self.entries = entries if isinstance(entries, dict) else {}
        except (OSError, ValueError):
            self.entries = {}

    def get(self, path: str, key: Optional[str]) -> Optional[FileReport]:
        entry = self.entries.get(os.path.abspath(path))
        if key is None or not isinstance(entry, dict) or entry.get("key") != key:
            return None
        try:
            return FileReport(path, [_finding(item) for item in entry["findings"]], entry.get("error"))
        except (KeyError, TypeError, ValueError):
            return None  # a damaged entry: check the file again

    def put(self, report: FileReport, key: Optional[str]) -> None:
        if key is None or report.rule_errors:
            return  # an internal error is reported every time until it is fixed
        self.entries[os.path.abspath(report.path)] = {
            "key": key,
            "error": report.error,
            "findings": [_record(f) for f in report.findings],
        }
        self.dirty = True

    def save(self) -> None:
        """Atomically, and silently not at all where the folder cannot be written."""
        if not self.dirty:
            return
        try:
            os.makedirs(self.folder, exist_ok=True)
            ignore = os.path.join(self.folder, ".gitignore")
            if not os.path.exists(ignore):
                with open(ignore, "w", encoding="utf-8") as handle:
                    handle.write("# Created by pitfalls: its results cache.\n*\n")
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".results-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"format": FORMAT, "pitfalls": code_key(), "entries": self.entries}, out)
            os.replace(temporary, os.path.join(self.folder, NAME))
        except OSError:
            pass


def _span(values: list) -> Span:
    line, column, end_line, end_column = (int(v) for v in values)
    return Span(line, column, end_line, end_column)


def _record(finding: Finding) -> dict[str, Any]:
    s = finding.span
    return {
        "code": finding.code, "name": finding.name, "severity": finding.severity.value,
        "span": [s.line, s.column, s.end_line, s.end_column], "message": finding.message,
        "context": dict(finding.context), "fixable": finding.fixable,
        "related": [[[r.span.line, r.span.column, r.span.end_line, r.span.end_column], r.message] for r in finding.related],
    }


def _finding(item: dict[str, Any]) -> Finding:
    context = item["context"]
    if not isinstance(context, dict) or not all(isinstance(v, str) for v in context.values()):
        raise ValueError("context")
    return Finding(
        code=str(item["code"]), name=str(item["name"]), severity=Severity(item["severity"]),
        span=_span(item["span"]), message=str(item["message"]), context=context,
        related=tuple(Related(_span(span), str(message)) for span, message in item["related"]),
        fixable=bool(item["fixable"]),
    )
