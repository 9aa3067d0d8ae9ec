"""Findings of `pitfalls check` over the corpus: `run CORPUS OUT [--python PY]` records, `diff OLD NEW` compares."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

KEYS = ("path", "line", "column", "code", "severity", "message")
Key = tuple[str, int, int, str, str, str]
SUMMARY = re.compile(r"^(\d+) pitfalls? in (\d+) files?(?: \((\d+) could not be checked\))?$")
INTERNAL = re.compile(r"^(.*?): internal error in (\w+): (.*)$")
UNCHECKED = re.compile(r"^(.*?): error: (.*)$")


def record(corpus: Path, output: Path, python: str, jobs: int) -> None:
    projects = sorted(d.name for d in corpus.iterdir() if d.is_dir() and next(d.rglob("*.py"), None))
    with tempfile.TemporaryDirectory() as tmp:  # -o: same report, and the "N pitfalls in M files" summary on stderr
        report = os.path.join(tmp, "report.json")
        command = [python, "-m", "pitfalls", "check", "--isolated", "--no-cache", "--exit-zero", "--format", "json",
                   "--jobs", str(jobs), "-o", report, *projects]
        start = time.perf_counter()
        done = subprocess.run(command, check=False, cwd=corpus, capture_output=True, text=True, errors="replace")
        seconds = time.perf_counter() - start
        try:
            with open(report, encoding="utf-8") as handle:
                items: list[dict[str, Any]] = json.load(handle)
        except (OSError, ValueError):
            sys.exit(f"pitfalls check failed (exit {done.returncode}):\n{done.stderr}")
    unchecked, internal, other, files = [], [], [], None
    for line in done.stderr.splitlines():
        if match := SUMMARY.match(line):
            files = int(match[2])
        elif match := INTERNAL.match(line):
            internal.append({"path": match[1], "code": match[2], "error": match[3]})
        elif match := UNCHECKED.match(line):
            unchecked.append({"path": match[1], "error": match[2]})
        elif line.strip():
            other.append(line)
    for line in other:
        print(f"stderr: {line}", file=sys.stderr)
    findings = sorted(({k: item[k] for k in KEYS} for item in items), key=lambda f: tuple(f[k] for k in KEYS))
    counts = dict(sorted(Counter(f["code"] for f in findings).items()))
    severities = dict(sorted(Counter(f["severity"] for f in findings).items()))
    data = {"corpus": str(corpus), "python": python, "command": command, "exit": done.returncode,
            "seconds": round(seconds, 2), "projects": projects, "files": files,
            "unchecked_count": len(unchecked), "unchecked": unchecked, "internal_errors": internal,
            "other_stderr": other, "counts": counts, "severities": severities, "findings": findings}
    output.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(findings)} findings in {files} files of {len(projects)} projects, {len(unchecked)} unchecked, "
          f"{len(internal)} internal errors, exit {done.returncode}, {seconds:.1f} s -> {output}")
    for code, count in counts.items():
        print(f"{count:>7}  {code}")
    for severity, count in severities.items():
        print(f"{count:>7}  {severity}")


def load(path: Path) -> tuple[dict[str, Any], Counter[Key]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data, Counter(tuple(f[k] for k in KEYS) for f in data["findings"])


def diff(old_path: Path, new_path: Path) -> None:
    old, old_keys = load(old_path)
    new, new_keys = load(new_path)
    for title, changed in (("added", new_keys - old_keys), ("removed", old_keys - new_keys)):
        by_code: dict[str, list[Key]] = {}
        for key in sorted(changed.elements()):
            by_code.setdefault(key[3], []).append(key)
        print(f"== {title}: {sum(changed.values())}")
        for code, keys in sorted(by_code.items()):
            print(f"-- {code} ({len(keys)})")
            for path, line, column, _, severity, message in keys:
                print(f"  {path}:{line}:{column}: [{severity}] {message}")
    print("== counts per code: old new delta")
    old_counts = Counter(k[3] for k in old_keys.elements())
    new_counts = Counter(k[3] for k in new_keys.elements())
    for code in sorted(old_counts.keys() | new_counts.keys()):
        print(f"  {code:<8} {old_counts[code]:>7} {new_counts[code]:>7} {new_counts[code] - old_counts[code]:>+7}")
    print(f"  {'total':<8} {sum(old_counts.values()):>7} {sum(new_counts.values()):>7} "
          f"{sum(new_counts.values()) - sum(old_counts.values()):>+7}")
    for field in ("files", "unchecked_count", "seconds"):
        print(f"  {field}: {old.get(field)} -> {new.get(field)}")
    print(f"  internal errors: {len(old.get('internal_errors', []))} -> {len(new.get('internal_errors', []))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="check every project folder of CORPUS, write the findings to OUT")
    run_parser.add_argument("corpus", type=Path)
    run_parser.add_argument("output", type=Path)
    run_parser.add_argument("--python", default=sys.executable, help="interpreter with pitfalls installed")
    run_parser.add_argument("--jobs", type=int, default=2)
    diff_parser = sub.add_parser("diff", help="added/removed findings from OLD to NEW, and counts per code")
    diff_parser.add_argument("old", type=Path)
    diff_parser.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.command == "run":
        record(args.corpus.resolve(), args.output, args.python, args.jobs)
    else:
        diff(args.old, args.new)


if __name__ == "__main__":
    main()
