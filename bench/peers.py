"""pitfalls against the floor and the peers, on real code, in one interleaved run.

    python bench/peers.py [--project django] [--rounds 5] [--skip NAME] [--marginal PIT102,PIT103 | all]

Run by hand, never as a test. It prepares, outside the repository (~/.cache/pitfalls-bench):

- the pinned wheels (`pip download --no-deps`), unpacked to their .py files;
- one virtualenv per contender, because flake8 runs every installed plugin whatever `--select`
  says: flake8 alone, flake8 + pitfalls (this checkout), flake8 + flake8-bugbear, ruff, pylint.

Then it runs every contender once per round, round after round (A B C ... A B C ...), and prints
the wall and CPU medians, each as a ratio to the floor measured in the same run: reading and
`ast.parse`-ing every file in one process. Peak RSS comes from each run's own rusage.

`--marginal` adds, for each rule named, `check --jobs 1 --ignore RULE` to every round, and prints
the rule's marginal cost: per round, all rules minus all but that one (both in the same round),
then the median over the rounds, as a ratio to the floor.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Optional

HOME = Path(os.environ.get("PITFALLS_BENCH_HOME", "~/.cache/pitfalls-bench")).expanduser()
REPO = Path(__file__).resolve().parent.parent
PINS = {
    "django": "django==5.2.19",
    "sympy": "sympy==1.14.0",
    "sqlalchemy": "sqlalchemy==2.1.9",
    "pip": "pip==26.3",
    "setuptools": "setuptools==84.2.1",
}
VENVS = {
    "flake8": ["flake8==7.5.0"],
    "flake8-pitfalls": ["flake8==7.5.0", str(REPO)],
    "flake8-bugbear": ["flake8==7.5.0", "flake8-bugbear==26.10.27"],
    "ruff": ["ruff==0.17.6"],
    "pylint": ["pylint==4.1.4"],
}


def project(name: str) -> Path:
    """The unpacked .py files of a pinned wheel."""
    target = HOME / "projects" / name
    if target.is_dir():
        return target
    wheels = HOME / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                    "-d", str(wheels), PINS[name]], check=True)
    version = PINS[name].split("==")[1]
    wheel = next(p for p in wheels.iterdir() if p.name.lower().startswith(f"{name}-{version}-"))
    partial = target.with_suffix(".tmp")
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.endswith(".py"):
                archive.extract(member, partial)
    partial.rename(target)
    return target


def venv(name: str) -> Path:
    """A virtualenv with exactly one contender installed; its bin folder."""
    folder = HOME / "venvs" / name
    python = folder / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *VENVS[name]], check=True)
    elif str(REPO) in VENVS[name]:  # this checkout as it is now, installed as a user would have it
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(REPO)], check=True)
    return folder / "bin"


def run(command: list[str], env: Optional[dict] = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process and its children, peak RSS in MiB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1, 4, 8, 16, 20, 24, 28, 30):  # linters' "found something" codes
        raise SystemExit(f"{command[0]} failed with {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def floor(files: list[Path]) -> tuple[float, float, int]:
    import resource

    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        ast.parse(path.read_bytes())
    return time.perf_counter() - start, time.process_time() - cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


ALL_RULES = "pitfalls check --jobs 1"


def contenders(target: Path, cache: str) -> dict[str, tuple[list[str], Optional[dict]]]:
    pitfalls = str(venv("flake8-pitfalls") / "pitfalls")  # reinstalled from this checkout
    cached = dict(os.environ, PITFALLS_CACHE_DIR=cache)
    t = str(target)
    return {
        ALL_RULES: ([pitfalls, "check", "--exit-zero", "--no-cache", "--jobs", "1", t], None),
        "pitfalls check --jobs 2": ([pitfalls, "check", "--exit-zero", "--no-cache", "--jobs", "2", t], None),
        "pitfalls check, warm cache": ([pitfalls, "check", "--exit-zero", "--jobs", "1", t], cached),
        "flake8 alone (pyflakes, pycodestyle)": ([str(venv("flake8") / "flake8"), "-j", "1", "--exit-zero", t], None),
        "flake8 + pitfalls": ([str(venv("flake8-pitfalls") / "flake8"), "-j", "1", "--exit-zero", t], None),
        "flake8 + bugbear": ([str(venv("flake8-bugbear") / "flake8"), "-j", "1", "--exit-zero", t], None),
        "ruff (B006, RUF012, RUF024), no cache": (
            [str(venv("ruff") / "ruff"), "check", "--no-cache", "--exit-zero", "--select", "B006,RUF012,RUF024", t], None),
        "pylint (dangerous-default-value), -j 1": (
            [str(venv("pylint") / "pylint"), "-j", "1", "--recursive=y", "--exit-zero", "--disable=all",
             "--enable=dangerous-default-value", t], None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default="django", choices=sorted(PINS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip", action="append", default=[], help="leave out contenders whose name contains this")
    parser.add_argument("--marginal", default="", help="rules (comma-separated, or 'all') whose marginal cost to measure")
    args = parser.parse_args()
    target = project(args.project)
    files = sorted(target.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    import tempfile

    cache = tempfile.mkdtemp(prefix="pitfalls-bench-cache-")
    runs = {name: spec for name, spec in contenders(target, cache).items() if not any(s in name for s in args.skip)}
    codes = _rules(args.marginal)
    if codes:
        command, env = runs.setdefault(ALL_RULES, contenders(target, cache)[ALL_RULES])
        for code in codes:  # in the same round as the run with every rule: a pair shares the machine's mood
            runs[f"all but {code}"] = ([*command, "--ignore", code], env)
    if "pitfalls check, warm cache" in runs:
        run(*runs["pitfalls check, warm cache"])  # fill the cache
    results: dict[str, list[tuple[float, float, int]]] = {"floor: read + ast.parse": [], **{n: [] for n in runs}}
    for round_number in range(args.rounds):
        results["floor: read + ast.parse"].append(floor(files))
        for name, (command, env) in runs.items():
            results[name].append(run(command, env))
        print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr)
    base_wall = statistics.median(r[0] for r in results["floor: read + ast.parse"])
    base_cpu = statistics.median(r[1] for r in results["floor: read + ast.parse"])
    print(f"{PINS[args.project]}: {len(files)} files, {lines:,} lines; {args.rounds} interleaved rounds, medians; "
          f"CPython {platform.python_version()}, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()})\n")
    print("| run | wall | CPU | wall / floor | CPU / floor | peak RSS |")
    print("|---|---|---|---|---|---|")
    for name, values in results.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        rss = max(v[2] for v in values)
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {wall / base_wall:.2f}× | {cpu / base_cpu:.2f}× | {rss} MiB |")
    flake8 = statistics.median(v[0] for v in results.get("flake8 alone (pyflakes, pycodestyle)", [(0, 0, 0)]))
    for plugin in ("flake8 + pitfalls", "flake8 + bugbear"):
        if plugin in results and flake8:
            marginal = statistics.median(v[0] for v in results[plugin]) - flake8
            print(f"\nmarginal cost of {plugin.split('+ ')[1]} in flake8: {marginal:.2f} s = {marginal / base_wall:.2f}× the floor",
                  end="")
    print()
    for code in codes:
        pairs = [all_[0] - but[0] for all_, but in zip(results[ALL_RULES], results[f"all but {code}"])]
        cpu_pairs = [all_[1] - but[1] for all_, but in zip(results[ALL_RULES], results[f"all but {code}"])]
        print(f"marginal cost of {code} (check --jobs 1, paired per round): wall "
              f"{statistics.median(pairs) / base_wall:+.3f}× the floor, CPU {statistics.median(cpu_pairs) / base_cpu:+.3f}×")


def _rules(spec: str) -> list[str]:
    """The codes `--marginal` names ('all': the whole catalog of this checkout)."""
    if spec.strip().lower() == "all":
        sys.path.insert(0, str(REPO / "src"))
        from pitfalls.catalog import ALL_RULES as CATALOG

        return [rule.code for rule in CATALOG]
    return [code.strip().upper() for code in spec.split(",") if code.strip()]


if __name__ == "__main__":
    main()
