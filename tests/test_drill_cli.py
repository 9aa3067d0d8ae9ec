"""`pitfalls drill` on the command line: no terminal means a clear exit 2, export works anywhere,
stats on a fresh database, and a database that is not ours is refused in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SHOP = Path(__file__).parent.parent / "examples" / "shop"


def pitfalls(*args: str, db: Path, cwd: Path = SHOP) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pitfalls", "drill", *args, "--db", str(db)] if args[:1] != ("export",)
                          else [sys.executable, "-m", "pitfalls", "drill", *args],
                          capture_output=True, text=True, cwd=cwd, stdin=subprocess.DEVNULL)


def test_without_a_terminal_it_says_so_and_exits_2(tmp_path):
    proc = pitfalls("src", db=tmp_path / "drill.sqlite3")
    assert proc.returncode == 2 and "needs a terminal" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "drill.sqlite3").exists()


def test_export_json_gives_own_hits_first_then_the_catalog(tmp_path):
    proc = pitfalls("export", "--format", "json", "src", db=tmp_path / "x")
    assert proc.returncode == 0, proc.stderr
    cards = json.loads(proc.stdout)
    own = [c for c in cards if c["source"] == "own"]
    assert {c["code"] for c in own} == {"PIT101", "PIT301", "PIT602", "PIT603"}
    assert cards[: len(own)] == own and all(c["source"] == "catalog" for c in cards[len(own):])
    first = own[0]["parts"][0]
    assert first["question"] == "What goes wrong here, and why?" and first["answer"]
    assert any(line["marked"] for line in own[0]["code_lines"])


def test_export_anki_writes_a_package(tmp_path):
    target = tmp_path / "deck.apkg"
    proc = pitfalls("export", "--anki", str(target), "src", db=tmp_path / "x")
    assert proc.returncode == 0, proc.stderr
    assert target.exists() and target.stat().st_size > 1000 and "notes" in proc.stderr


def test_stats_on_a_fresh_database_and_a_refused_one(tmp_path):
    import pytest

    pytest.importorskip("fsrs")
    proc = pitfalls("stats", db=tmp_path / "fresh.sqlite3")
    assert proc.returncode == 0 and "No card answered yet" in proc.stdout
    data = json.loads(pitfalls("stats", "--format", "json", db=tmp_path / "fresh.sqlite3").stdout)
    assert data["streak"] == 0 and data["target_seconds"] == 30
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 10)
    before = junk.read_bytes()
    refused = pitfalls("stats", db=junk)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "not a pitfalls drill database" in refused.stderr and junk.read_bytes() == before


def test_the_topic_choices_are_the_cards_topics():
    """The CLI spells the topics out so that importing it does not load the drill; they must agree."""
    from pitfalls.cli import _TOPICS
    from pitfalls.drill.cards import TOPICS

    assert _TOPICS == tuple(TOPICS.values())
