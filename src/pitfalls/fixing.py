"""Fixing findings: one mechanism for `pitfalls fix` and the editor's quick fixes.

A fixable rule names its fixer (`Rule.fixer`, "module:function"); the fixer module, which may
import libcst, is imported only here and only when a fix is asked for. A fix is kept only when
the fixed source still parses.
"""

from __future__ import annotations

import ast
import functools
import importlib
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional, Sequence

from pitfalls.findings import Finding
from pitfalls.rule import Rule

Fixer = Callable[..., Optional[str]]  # fixer(source, finding, target_version=...) -> fixed source


@dataclass(frozen=True)
class Fix:
    code: str
    safe: bool
    source: str  # the whole fixed source


def load_fixer(rule: type[Rule]) -> Optional[Fixer]:
    if not rule.fixer:
        return None
    module, _, function = rule.fixer.partition(":")
    return getattr(importlib.import_module(module), function)


def _rules() -> Mapping[str, type[Rule]]:
    from pitfalls.catalog import BY_CODE

    return BY_CODE


def load_batch_fixer(rule: type[Rule]) -> Optional[Callable[..., Optional[tuple[str, int]]]]:
    """`fix_many(source, findings, target_version=...) -> (fixed source, how many it fixed)`: all
    the hits of one round fixed in one parse. The fixer module's own, else the one every fixer
    made of `_cst.replace_node` has (a fixer that is not finds nothing to batch: one at a time)."""
    fixer = load_fixer(rule)
    if fixer is None:
        return None
    own = getattr(importlib.import_module(rule.fixer.partition(":")[0]), "fix_many", None)
    if own is not None:
        return own
    from pitfalls.rules import _cst

    return functools.partial(_cst.fix_many, fixer)


def fix_finding(
    source: str,
    finding: Finding,
    rules: Optional[Mapping[str, type[Rule]]] = None,
    target_version: Optional[str] = None,
) -> Optional[Fix]:
    """The fix for one finding, or None when its rule has no fixer or this hit cannot be fixed.

    `target_version` ("py39"...) is the oldest Python the code must run on, when known."""
    rule = (rules or _rules()).get(finding.code)
    fixer = load_fixer(rule) if rule is not None else None
    if fixer is None:
        return None
    fixed = _kept(source, fixer(source, finding, target_version=target_version))
    return Fix(finding.code, rule.fix_is_safe, fixed) if fixed is not None else None


def _kept(source: str, fixed: Optional[str]) -> Optional[str]:
    """A fixer's result, if it changed something and parses; with the last line break of
    `source` (libcst drops it from a file with CR-only line endings)."""
    if fixed is None:
        return None
    ending = next((end for end in ("\r\n", "\r", "\n") if source.endswith(end)), "")
    fixed = fixed if fixed.endswith(ending) else fixed + ending
    return fixed if fixed != source and _parses(fixed) else None


def fix_all(
    source: str,
    check: Callable[[str], Sequence[Finding]],
    unsafe: bool = False,
    rules: Optional[Mapping[str, type[Rule]]] = None,
    limit: int = 200,
    target_version: Optional[str] = None,
    applied: Optional[list[str]] = None,
    findings: Optional[Sequence[Finding]] = None,
    remaining: Optional[list[Finding]] = None,
) -> str:
    """Applies fixes one at a time, re-checking after each, until none applies
    (at most `limit` fixes, so a fixer that undoes another cannot loop for ever).

    `findings` are those of `source` as given, when the caller has them (it is not checked
    again). The code of each fix made is appended to `applied`; `remaining` receives the
    findings of the source returned."""
    refused: set[tuple[str, str, str]] = set()  # hits a fixer declined, by code, message and line
    current = list(check(source) if findings is None else findings)
    known = rules or _rules()
    for _ in range(limit):
        batched = _batch_round(source, current, known, unsafe, target_version)
        if batched is not None:  # a fixer that takes a round's hits at once took some
            source, codes = batched
            if applied is not None:
                applied.extend(codes)
            current = list(check(source))
            continue
        lines = source.splitlines()
        for finding in current:
            if not finding.fixable:
                continue
            rule = known.get(finding.code)
            if rule is None or not (unsafe or rule.fix_is_safe):
                continue  # an unsafe fix in safe mode: known from the rule, never run to be refused
            key = (finding.code, finding.message, lines[finding.line - 1] if finding.line <= len(lines) else "")
            if key in refused:
                continue
            fix = fix_finding(source, finding, rules, target_version)
            if fix is not None and (fix.safe or unsafe):
                source = fix.source
                if applied is not None:
                    applied.append(finding.code)
                current = list(check(source))
                break
            refused.add(key)
        else:
            break
    if remaining is not None:
        remaining[:] = current
    return source


def _batch_round(source: str, current: Sequence[Finding], known: Mapping[str, type[Rule]], unsafe: bool,
                 target_version: Optional[str]) -> Optional[tuple[str, list[str]]]:
    """One round of the batch fixers: each rule's allowed hits handed over together; the new
    source and the codes of the hits it fixed, or None when none did."""
    by_code: dict[str, list[Finding]] = {}
    for finding in current:
        rule = known.get(finding.code)
        if finding.fixable and rule is not None and (unsafe or rule.fix_is_safe):
            by_code.setdefault(finding.code, []).append(finding)
    for code, hits in by_code.items():
        fix_many = load_batch_fixer(known[code])
        if fix_many is None or len(hits) < 2:
            continue
        done = fix_many(source, hits, target_version=target_version)
        fixed = _kept(source, done[0]) if done is not None else None
        if fixed is not None:
            return fixed, [code] * done[1]
    return None


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# -- files: `pitfalls fix` ------------------------------------------------------------------


@dataclass
class FileFix:
    path: str
    original: str = ""
    fixed: str = ""
    applied: list[str] = field(default_factory=list)  # codes of the fixes made, in order
    remaining: list[Finding] = field(default_factory=list)  # findings left after fixing
    error: Optional[str] = None  # why the file could not be fixed (nothing was written)
    encoding: str = "utf-8"
    data: bytes = b""  # the bytes as read, to notice a change on disk before writing


def fix_file(path: str, rules: Sequence[type[Rule]], unsafe: bool, target_version: Optional[str],
             strict: bool = False) -> FileFix:
    """Fixes the findings `check` would report in the file: hazards only when `strict`."""
    from pitfalls.source import SourceError, read_source

    result = FileFix(path)
    try:
        result.data, result.original, result.encoding = read_source(path)
    except SourceError as exc:
        result.error = str(exc)
        return result
    return fix_source(result, rules, unsafe, target_version, strict)


def fix_source(result: FileFix, rules: Sequence[type[Rule]], unsafe: bool, target_version: Optional[str],
               strict: bool = False) -> FileFix:
    """Fixes `result.original` (a file's text, or standard input's) in place of `result`."""
    from pitfalls.findings import shown
    from pitfalls.source import check_source

    path = result.path
    result.fixed = result.original
    first = check_source(result.original, path, rules)
    first.findings = shown(first.findings, strict)
    if first.error:
        result.error = first.error
        return result
    latest = {result.original: first}  # the report of the newest text, so none is checked twice

    def check(text: str) -> Sequence[Finding]:
        latest.clear()
        latest[text] = check_source(text, path, rules)
        latest[text].findings = shown(latest[text].findings, strict)
        return latest[text].findings

    result.fixed = fix_all(
        result.original, check, unsafe=unsafe, target_version=target_version, applied=result.applied,
        findings=first.findings, remaining=result.remaining,
    )
    after = latest.get(result.fixed)
    if after is None or after.error:  # cannot happen (every step parses); refuse rather than trust it
        why = after.error if after is not None else "not checked after fixing"
        result.error, result.fixed, result.applied = f"a fix broke the file ({why}); nothing written", result.original, []
        result.remaining = first.findings
    return result


def write_atomically(fix: FileFix) -> Optional[str]:
    """Writes the fixed text in the file's own encoding (newlines are kept as they were), through
    a temporary file renamed over the original, with its permissions. None, or why not written."""
    import os
    import stat
    import tempfile

    target = os.path.realpath(fix.path)  # a symlink keeps pointing at the fixed file
    data = fix.fixed.encode(fix.encoding)
    directory = os.path.dirname(target) or "."
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        handle, temporary = tempfile.mkstemp(prefix=".pitfalls-", suffix=".tmp", dir=directory)
    except OSError as exc:
        return f"cannot write: {exc.strerror or exc}"
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        with open(target, "rb") as current:
            if current.read() != fix.data:
                os.unlink(temporary)
                return "changed on disk while it was being fixed; not written"
        os.replace(temporary, target)
    except BaseException as exc:  # Ctrl-C too: never leave the temporary file in the user's folder
        if os.path.exists(temporary):
            os.unlink(temporary)
        if not isinstance(exc, OSError):
            raise
        return f"cannot write: {exc.strerror or exc}"
    return None
