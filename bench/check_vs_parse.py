"""Times `pitfalls check` against the floor (read + ast.parse of the same files), interleaved.

    python bench/check_vs_parse.py [DIR]      (default: the django wheel in the corpus cache)

Run by hand, never as a test: these machines are noisy, so the runs alternate
floor / check / floor / check ... and the ratio of medians is what to read.
"""

from __future__ import annotations

import ast
import os
import statistics
import subprocess
import sys
import time

ROUNDS = 5


def floor(files: list[str]) -> None:
    for path in files:
        with open(path, "rb") as handle:
            ast.parse(handle.read())


def main() -> None:
    default = os.path.expanduser("~/.cache/pitfalls-corpus/django")
    target = sys.argv[1] if len(sys.argv) > 1 else default
    if not os.path.isdir(target):
        sys.exit(f"{target}: not found; run ../shared/tools/fetch-corpus.sh first")
    from pitfalls.discovery import find_python_files

    files = sorted(find_python_files([target]))
    lines = sum(1 for path in files for _ in open(path, "rb"))
    import tempfile

    cache = tempfile.mkdtemp(prefix="pitfalls-bench-cache-")
    env = dict(os.environ, PITFALLS_CACHE_DIR=cache)
    base_command = [sys.executable, "-m", "pitfalls", "check", "--exit-zero", target]
    commands = {
        "pitfalls check --jobs 1 --no-cache": [*base_command, "--jobs", "1", "--no-cache"],
        "pitfalls check --jobs 2 --no-cache": [*base_command, "--jobs", "2", "--no-cache"],
        "pitfalls check, warm cache": [*base_command, "--jobs", "1"],
    }
    subprocess.run(commands["pitfalls check, warm cache"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timings: dict[str, list[float]] = {"floor: read + ast.parse": [], **{name: [] for name in commands}}
    for _ in range(ROUNDS):
        for name, command in [("floor: read + ast.parse", None), *commands.items()]:
            start = time.perf_counter()
            if command is None:
                floor(files)
            else:
                subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            timings[name].append(time.perf_counter() - start)
    base = statistics.median(timings["floor: read + ast.parse"])
    print(f"{target}: {len(files)} files, {lines} lines, {ROUNDS} interleaved rounds, medians")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"  {name:36} {median:6.2f} s  {median / base:5.2f}x floor")


if __name__ == "__main__":
    main()
