"""How `pitfalls fix` scales with the number of hits in one file, as a ratio to `check` on the
same file in the same run (issue 20: 20,000 mutable defaults in a 1.25 MB module).

    python bench/fix_scale.py --hits 20000 --rounds 3
    python bench/fix_scale.py --hits 1000 --unsafe --pitfalls /path/to/other/src   # another checkout
    python bench/fix_scale.py --rule PIT602 --hits 5000      # a safe fix: `fix` applies them all

Each round times, in fresh processes: `check`; `fix --diff` (for PIT101, whose fix is unsafe,
there is nothing to apply, only to decide); for a rule with a safe fix, `fix` on a fresh copy;
and with --unsafe `fix --unsafe-fixes` on a fresh copy. It reports medians and the ratios to
check's median, and checks that the fixed file runs the same and has no hit left.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


SHAPES = {  # one hit each, and a call that shows whether the fix kept the behaviour
    "PIT101": ("def f{i}(x=[]):\n    x.append({i})\n    return x\n\n\n", "f1() == [1] and f1() == [1]"),
    "PIT502": ("def g{i}(vs):\n    return any([v > {i} for v in vs])\n\n\n", "g1([0, 2]) and not g1([1])"),
    "PIT602": ("def h{i}():\n    grid = [[0] * 2] * 3\n    grid[0][0] = {i}\n    return grid\n\n\n",
               "h1() == [[1, 0], [0, 0], [0, 0]]"),
}


def module(hits: int, rule: str = "PIT101") -> str:
    return "".join(SHAPES[rule][0].format(i=i) for i in range(hits))


def timed(command: list[str], env: dict, cwd: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rule", choices=sorted(SHAPES), default="PIT101", help="the pitfall generated")
    parser.add_argument("--unsafe", action="store_true", help="also time fix --unsafe-fixes")
    parser.add_argument("--pitfalls", help="the src/ folder of the checkout to time (default: the installed one)")
    args = parser.parse_args()
    env = dict(os.environ, CI="true")
    if args.pitfalls:
        env["PYTHONPATH"] = args.pitfalls
    work = tempfile.mkdtemp(prefix="fix-scale-")
    source = module(args.hits, args.rule)
    safe = args.rule != "PIT101"
    with open(os.path.join(work, "gen.py"), "w") as handle:
        handle.write(source)
    base = [sys.executable, "-m", "pitfalls"]
    times: dict[str, list[float]] = {"check": [], "fix --diff": [], "fix": [], "fix --unsafe-fixes": []}
    fixed_by: list[str] = []
    for _ in range(args.rounds):
        took, result = timed([*base, "check", "--isolated", "--no-cache", "--quiet", "gen.py"], env, work)
        assert result.stdout.count(args.rule) == args.hits, result.stderr
        times["check"].append(took)
        took, result = timed([*base, "fix", "--isolated", "--diff", "gen.py"], env, work)
        assert result.returncode == 1, result.stderr[-500:]
        times["fix --diff"].append(took)
        for name, flags in (("fix", []), ("fix --unsafe-fixes", ["--unsafe-fixes"])):
            if (name == "fix" and safe) or (flags and args.unsafe):
                shutil.copy(os.path.join(work, "gen.py"), os.path.join(work, "fixed.py"))
                took, result = timed([*base, "fix", "--isolated", *flags, "fixed.py"], env, work)
                assert result.returncode == 0, result.stderr[-500:]
                times[name].append(took)
                fixed_by.append(name)
    if fixed_by:
        namespace: dict = {}
        with open(os.path.join(work, "fixed.py")) as handle:
            exec(compile(handle.read(), "fixed.py", "exec"), namespace)
        assert eval(SHAPES[args.rule][1], namespace), "the fixed code does not behave"
        _, result = timed([*base, "check", "--isolated", "--no-cache", "--select", args.rule, "fixed.py"], env, work)
        assert result.returncode == 0, result.stdout[:500]
    floor = statistics.median(times["check"])
    print(f"{args.hits} {args.rule} hits, {len(source) / 1e6:.2f} MB, {args.rounds} rounds (medians)")
    for name, values in times.items():
        if values:
            print(f"  {name:<20} {statistics.median(values):7.2f} s   {statistics.median(values) / floor:6.2f}x check")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
