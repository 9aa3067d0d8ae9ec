"""Speaks 30-second answers at 150 words a minute with espeak-ng and measures how long they take.

    python bench/speak_answers.py [PATH ...]      (default: examples/inventory.py)

Needs `espeak-ng` and `sox` (Debian: apt-get install espeak-ng sox). Run by hand: the word
budget is enforced by the tests; this checks that the budget really means "under 30 seconds"
when the answer, code included, is read aloud.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from pitfalls.answers import answer_for
from pitfalls.source import check_file

WORDS_PER_MINUTE = 150


def seconds_spoken(text: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "answer.wav")
        subprocess.run(["espeak-ng", "-s", str(WORDS_PER_MINUTE), "-w", wav, text], check=True)
        out = subprocess.run(["soxi", "-D", wav], check=True, capture_output=True, text=True)
        return float(out.stdout)


def main() -> None:
    paths = sys.argv[1:] or ["examples/inventory.py"]
    worst = 0.0
    for path in paths:
        for finding in check_file(path).findings:
            answer = answer_for(finding).answer_30s
            prose = " ".join(line for line in answer.splitlines() if line.strip() and not line.startswith("    "))
            everything = " ".join(line.strip() for line in answer.splitlines() if line.strip())
            alone = seconds_spoken(prose.replace("`", ""))
            duration = seconds_spoken(everything.replace("`", ""))
            worst = max(worst, duration)
            print(f"{alone:5.1f} s prose, {duration:5.1f} s with the code read out  {path}:{finding.line} {finding.code}")
    print(f"longest with code: {worst:.1f} s (budget 30 s)")


if __name__ == "__main__":
    main()
