"""PIT501: each variant's answer says what is true of it, and the fix keeps what the loop sees."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pitfalls.answers import answer_for
from pitfalls.findings import Severity
from pitfalls.fixing import fix_finding
from pitfalls.source import check_source


def only(source: str):
    [finding] = [f for f in check_source(textwrap.dedent(source), "x.py").findings if f.code == "PIT501"]
    return finding, answer_for(finding)


@pytest.mark.parametrize(
    "source, severity, says, fixable",
    [
        ("def f(p):\n    with open(p) as log:\n        for line in log.readlines():\n            print(line)\n",
         Severity.WARNING, ["`log.readlines()` reads all of `log`", "ten-million-line log file",
                            "for line in log:"], True),
        ("def f(p):\n    with open(p) as f:\n        for line in f.read().splitlines():\n            print(line)\n",
         Severity.WARNING, ["the whole text plus ten million strings", 'line = line.rstrip("\\n")',
                            "`\\r` or another separator"], False),
        ('def f(p):\n    with open(p) as f:\n        for line in f.read().split("\\n"):\n            print(line)\n',
         Severity.WARNING, ["a last empty string when the file ends with a newline"], False),
        ("def f(p):\n    with open(p) as f:\n        return [x for x in f.read().splitlines()]\n",
         Severity.HAZARD, ["keeps every line anyway"], False),
        ("def f(p):\n    with open(p) as f:\n        for line in f.readlines():\n            f.seek(0)\n",
         Severity.WARNING, ["for line in f:"], False),
    ],
)
def test_each_variant_is_told_what_is_true_of_it(source, severity, says, fixable):
    finding, answer = only(source)
    assert finding.severity is severity and finding.fixable is fixable
    text = " ".join((answer.answer_30s + answer.fix).split())
    for words in says:
        assert words in text, words


def run(program: str) -> str:
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout


PROGRAM = """\
import os, tempfile
path = os.path.join(tempfile.mkdtemp(), "a.log")
with open(path, "w") as out:
    out.write("one\\r\\ntwo\\nthree")
with open(path) as log:
    seen = []
    for number, line in enumerate(log.readlines()):
        seen.append((number, line))
    print(seen, [line for line in open(path).readlines() if line.strip()])
"""


def test_the_fix_keeps_every_line_as_it_was():
    findings = [f for f in check_source(PROGRAM, "p.py").findings if f.code == "PIT501"]
    assert len(findings) == 2 and all(f.fixable for f in findings)
    fixed = PROGRAM
    for _ in findings:
        [finding, *_rest] = [f for f in check_source(fixed, "p.py").findings if f.code == "PIT501"]
        fix = fix_finding(fixed, finding)
        assert fix is not None and fix.safe
        fixed = fix.source
    assert "enumerate(log)" in fixed and "in open(path) if" in fixed and "readlines" not in fixed
    assert run(fixed) == run(PROGRAM)


@pytest.mark.parametrize(
    "body",
    [
        "for line in f.readlines():\n        break\n    rest = f.read()\n",  # the rest would differ
        "for line in f.readlines():\n        f.write(line)\n",
        "lines = (line for line in f.readlines())\n",  # may run after the file is closed
    ],
)
def test_the_fix_is_refused_where_the_file_is_used_again(body):
    source = "def g(p):\n    f = open(p, 'r+')\n    " + body
    finding, _ = only(source)
    assert not finding.fixable and fix_finding(source, finding) is None


def test_a_close_after_the_loop_does_not_block_the_fix():
    finding, _ = only("def g(p):\n    f = open(p)\n    for line in f.readlines():\n        print(line)\n    f.close()\n")
    assert finding.fixable
