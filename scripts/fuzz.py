"""The long run of the generated-programs property (tests/test_generated_programs.py runs a
CI-sized sample): `python scripts/fuzz.py [N]` checks N programs (default 10,000) from
hypothesmith's grammar and syntax-tree strategies and prints each failure it finds."""

from __future__ import annotations

import sys
import time

from hypothesis import HealthCheck, given, settings
import hypothesmith

from pitfalls.fuzzing import agree

sys.path.insert(0, "tests")
from test_generated_programs import SERVER  # noqa: E402

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
failures: list[str] = []
checked = 0


def check(source: str) -> None:
    global checked
    checked += 1
    try:
        agree(source, SERVER)
    except AssertionError as exc:
        failures.append(repr(exc)[:2000])
        print(f"FAILURE {len(failures)}: {repr(exc)[:500]}", flush=True)


started = time.time()
# Batches of 500, alternating the two strategies: hypothesis keeps every example of a run in
# memory, so one 10,000-example run grows to gigabytes; batches stay small and report progress.
batch = 500
for number in range(max(1, count // batch)):
    strategy = hypothesmith.from_grammar() if number % 2 == 0 else hypothesmith.from_node()
    settings(max_examples=batch, deadline=None, database=None, suppress_health_check=list(HealthCheck))(
        given(strategy)(check)
    )()
    print(f"{checked} programs checked, {len(failures)} failures, {time.time() - started:.0f} s", flush=True)
print(f"{checked} programs checked in {time.time() - started:.0f} s; {len(failures)} failures")
sys.exit(1 if failures else 0)
