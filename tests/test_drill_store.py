"""The drill's state: cards, FSRS schedules and answers in SQLite; refusals that never write."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pitfalls.drill import (
    EXAMPLE,
    QUESTION,
    DrillStore,
    DrillStoreError,
    card_id,
    default_path,
    fingerprint,
    follow_up,
)
from pitfalls.drill import store as store_module
from pitfalls.drill.fingerprints import normalise

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SRC = str(Path(__file__).resolve().parent.parent / "src")
HIT = "def add_line(self, sku, lines=[]):"
try:
    import fsrs  # noqa: F401
except (ImportError, SyntaxError):  # fsrs 6 needs Python 3.10+; on 3.9 the store says so (tested below)
    HAS_FSRS = False
else:
    HAS_FSRS = True
needs_fsrs = pytest.mark.skipif(not HAS_FSRS, reason="fsrs 6 needs Python 3.10+")


def _store(path: Path) -> DrillStore:
    from fsrs import Scheduler

    return DrillStore(path, scheduler=Scheduler(enable_fuzzing=False))  # due times exact


def _card(store: DrillStore, name: str = "a", topic: str = "mutability", at: datetime = T0, **where) -> str:
    cid = card_id("PIT101", name)
    store.upsert_card(cid, "PIT101", topic, where.pop("source", "own"), where.pop("path", "shop/cart.py"),
                      where.pop("line", 15), where.pop("snippet", HIT), at=at)
    return cid


# -- fingerprints --

def test_a_fingerprint_survives_moving_and_reindenting_and_not_an_edit():
    base = fingerprint("PIT101", HIT, "src/shop/cart.py")
    assert base == fingerprint("PIT101", "    " + HIT, "src/shop/cart.py")  # moved into a class
    assert base == fingerprint("PIT101", "def add_line(self,sku,lines=[]):  # why?", "shop/cart.py")
    assert base == fingerprint("PIT101", "def add_line(\n        self, sku,\n        lines=[]\n):", "cart.py")
    assert base == fingerprint("PIT101", HIT, "C:\\work\\shop\\cart.py")  # another folder, another OS
    assert len(base) == 12 and int(base, 16) >= 0
    assert base != fingerprint("PIT101", HIT.replace("lines=[]", "lines={}"), "src/shop/cart.py")  # other code
    assert base != fingerprint("PIT102", HIT, "src/shop/cart.py")  # other rule
    assert base != fingerprint("PIT101", HIT, "src/shop/order.py")  # other file
    assert base != fingerprint("PIT101", HIT.replace("sku", "item"), "cart.py")


def test_normalising_keeps_strings_and_copes_with_fragments():
    assert normalise("x = 'a  b'  # c\n") == "x = 'a  b'"
    assert normalise('x = f"{a!r:>{w}}  b"') == 'x = f"{a!r:>{w}}  b"'  # one token on every Python
    assert normalise("if a:\n            b\n        else:\n            c") == "if a : b else : c"
    assert normalise("call(1,\n    2") == "call(1, 2"  # an unclosed bracket: by lines
    assert fingerprint("PIT101", "call(1,\n    2") == fingerprint("PIT101", "    call(1,\n  2")
    assert card_id("PIT101", EXAMPLE) == "PIT101:example"


# -- the database --

@needs_fsrs
def test_created_with_parents_and_reopened_with_everything(tmp_path):
    path = tmp_path / "deep" / "er" / "drill.sqlite3"
    with _store(path) as store:
        cid = _card(store)
        store.upsert_card(card_id("PIT101", EXAMPLE), "PIT101", "mutability", "catalog", at=T0)
        due = store.record(cid, QUESTION, 3, 21.5, typed="defaults are evaluated once", at=T0)
        store.record(cid, follow_up(1), 2, 35.0, at=T0 + timedelta(seconds=40))
    with _store(path) as store:
        cards = store.known_cards()
        assert list(cards) == [cid, "PIT101:example"]
        assert (cards[cid].path, cards[cid].line, cards[cid].reviews, cards[cid].source) == ("shop/cart.py", 15, 2, "own")
        assert cards["PIT101:example"].due is None and cards["PIT101:example"].reviews == 0
        history = store.history(cid)
        assert [(r.part, r.grade, r.seconds, r.typed) for r in history] == [
            (QUESTION, 3, 21.5, "defaults are evaluated once"), ("follow-up:1", 2, 35.0, "")]
        assert history[0].at == T0 and history[0].due == due > T0
        assert store.due(now=T0) == [("PIT101:example", QUESTION)]  # answered parts are not due yet
        # The hit moved lines: same card, history kept, new place.
        _card(store, line=40, at=T0 + timedelta(days=1))
        card = store.card(cid)
        assert (card.line, card.first_seen, card.last_seen, card.reviews) == (40, T0, T0 + timedelta(days=1), 2)
    version = sqlite3.connect(str(path)).execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert version == (str(store_module.SCHEMA_VERSION),)


@needs_fsrs
def test_the_weak_card_comes_back_sooner_and_first(tmp_path):
    with _store(tmp_path / "d.sqlite3") as store:
        weak, strong, good = _card(store, "weak"), _card(store, "strong"), _card(store, "good")
        again = store.record(weak, QUESTION, 1, 30, at=T0)
        easy = store.record(strong, QUESTION, 4, 5, at=T0)
        store.record(good, QUESTION, 3, 10, at=T0)
        assert again < easy and again - T0 <= timedelta(minutes=10)
        assert store.due(now=T0 + timedelta(minutes=11), new=False) == [(weak, QUESTION), (good, QUESTION)]
        # Weeks later all are due; the one with the lowest retrievability comes first.
        later = T0 + timedelta(days=120)
        assert [d.card_id for d in store.due(now=later)] == [weak, good, strong]
        assert store.due(now=later, limit=1) == [(weak, QUESTION)]
        assert store.due(now=later, topic="scope") == []


@needs_fsrs
def test_due_filters_and_puts_new_own_hits_before_catalog_examples(tmp_path):
    with _store(tmp_path / "d.sqlite3") as store:
        store.upsert_card("PIT201:example", "PIT201", "scope", "catalog", at=T0)
        mine = _card(store, "mine", at=T0 + timedelta(seconds=1))
        scoped = _card(store, "scoped", topic="scope", at=T0 + timedelta(seconds=2))
        assert store.due(now=T0) == [(mine, QUESTION), (scoped, QUESTION), ("PIT201:example", QUESTION)]
        assert store.due(now=T0, topic="scope") == [(scoped, QUESTION), ("PIT201:example", QUESTION)]
        assert store.due(now=T0, source="catalog") == [("PIT201:example", QUESTION)]
        assert store.due(now=T0, new=False) == []
        assert store.due(now=T0, cards=[scoped, "PIT999:gone"]) == [(scoped, QUESTION)]
        store.record(mine, QUESTION, 1, 5, at=T0)
        assert store.due(now=T0 + timedelta(hours=1), cards={mine}) == [(mine, QUESTION)]


@needs_fsrs
def test_bad_arguments_are_refused_before_anything_is_written(tmp_path):
    with _store(tmp_path / "d.sqlite3") as store:
        cid = _card(store)
        for part, grade, seconds in (("answer", 3, 1), ("follow-up:0", 3, 1), (QUESTION, 5, 1), (QUESTION, True, 1),
                                     (QUESTION, 3, -1), (QUESTION, 3, float("nan"))):
            with pytest.raises(ValueError):
                store.record(cid, part, grade, seconds, at=T0)
        with pytest.raises(DrillStoreError, match="no card PIT101:zzz"):
            store.record("PIT101:zzz", QUESTION, 3, 1, at=T0)
        with pytest.raises(ValueError):
            store.upsert_card("x", "PIT101", "mutability", "mine")
        assert store.history() == []
    with pytest.raises(DrillStoreError, match="closed"):
        store.due()


@needs_fsrs
def test_a_record_survives_the_process_being_killed_right_after(tmp_path):
    path = tmp_path / "d.sqlite3"
    with _store(path) as store:
        cid = _card(store)
    probe = (
        "import os, sys\n"
        "from pitfalls.drill import DrillStore\n"
        "store = DrillStore(sys.argv[1])\n"
        "store.record(sys.argv[2], 'question', 2, 17.25, typed='shared list')\n"
        "os._exit(1)\n"
    )
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run([sys.executable, "-c", probe, str(path), cid], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1, result.stderr
    with _store(path) as store:
        [review] = store.history()
        assert (review.card_id, review.grade, review.seconds, review.typed) == (cid, 2, 17.25, "shared list")
        assert store.known_cards()[cid].due == review.due


@needs_fsrs
def test_ctrl_c_in_the_middle_of_a_record_leaves_nothing_half_done(tmp_path, monkeypatch):
    with _store(tmp_path / "d.sqlite3") as store:
        cid = _card(store)

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        with monkeypatch.context() as patch:
            patch.setattr(store.scheduler, "review_card", interrupted)
            with pytest.raises(KeyboardInterrupt):
                store.record(cid, QUESTION, 3, 10, at=T0)
        assert store.history() == [] and store.known_cards()[cid].due is None
        store.record(cid, QUESTION, 3, 10, at=T0)  # the store is still usable
        assert len(store.history()) == 1


@needs_fsrs
def test_a_write_cut_short_is_rolled_back_on_the_next_open(tmp_path):
    """Killed in the middle of a transaction (a hot journal left beside the file): the next open
    is SQLite's recovery, not a refusal, and the half-written rows are gone."""
    path = tmp_path / "d.sqlite3"
    with _store(path) as store:
        cid = _card(store)
        store.record(cid, QUESTION, 3, 10, at=T0)
    probe = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA cache_size = 1')\n"  # spill pages to the file before the commit
        "db.execute('BEGIN IMMEDIATE')\n"
        "for n in range(3000):\n"
        "    db.execute(\"INSERT INTO reviews (card_id, part, grade, seconds, typed, at, due)"
        " VALUES (?, 'question', 1, 1, ?, 'x', 'x')\", (sys.argv[2], 'y' * 400))\n"
        "os._exit(1)\n"
    )
    subprocess.run([sys.executable, "-c", probe, str(path), cid], check=False)
    assert Path(str(path) + "-journal").exists()
    with _store(path) as store:
        assert len(store.history()) == 1


def _refused(path: Path, message: str) -> None:
    before = path.read_bytes()
    with pytest.raises(DrillStoreError) as caught:
        _store(path)
    text = str(caught.value)
    assert text.startswith(f"{path} ") and message in text and "\n" not in text, text
    assert path.read_bytes() == before  # never written
    assert not Path(str(path) + "-journal").exists()


@needs_fsrs
def test_a_file_that_is_not_ours_is_refused_and_left_alone(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(bytes(range(256)) * 40)
    _refused(junk, "is not a pitfalls drill database (not a SQLite file): move it away or pass --db")
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + random.Random(19).randbytes(8000))
    _refused(broken, "is not a pitfalls drill database (SQLite says: ")
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(str(other))
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.commit()
    db.close()
    _refused(other, "is not a pitfalls drill database (a SQLite database of something else, with tables recipes)")
    # Ours by its header, but a table is missing.
    with _store(tmp_path / "ours.sqlite3"):
        pass
    db = sqlite3.connect(str(tmp_path / "ours.sqlite3"))
    db.execute("DROP TABLE reviews")
    db.commit()
    db.close()
    _refused(tmp_path / "ours.sqlite3", "(it lacks the table reviews)")
    with pytest.raises(DrillStoreError, match="it is a folder"):
        _store(tmp_path)


@needs_fsrs
def test_an_empty_file_or_database_becomes_ours(tmp_path):
    (tmp_path / "touched").write_bytes(b"")
    db = sqlite3.connect(str(tmp_path / "empty"))
    db.execute("PRAGMA user_version = 7")  # a header, no tables
    db.close()
    assert (tmp_path / "empty").read_bytes().startswith(b"SQLite format 3\x00")
    for name in ("touched", "empty"):
        with _store(tmp_path / name) as store:
            _card(store)
        with _store(tmp_path / name) as store:
            assert len(store.known_cards()) == 1


@needs_fsrs
def test_a_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "d.sqlite3"
    with _store(path) as store:
        _card(store)
    db = sqlite3.connect(str(path))
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    _refused(path, f"{path} was written by a newer pitfalls (drill schema 99; this one reads up to"
                   f" {store_module.SCHEMA_VERSION}): upgrade pitfalls, or pass --db to use another file")


@needs_fsrs
def test_migrations_run_in_order_in_one_transaction(tmp_path, monkeypatch):
    path = tmp_path / "d.sqlite3"
    with _store(path) as store:
        cid = _card(store)
    extra = ("ALTER TABLE cards ADD COLUMN note TEXT NOT NULL DEFAULT ''",)
    broken = ("CREATE TABLE more (x)", "THIS IS NOT SQL")
    monkeypatch.setattr(store_module, "TABLES", {**store_module.TABLES, 2: store_module.TABLES[1], 3: store_module.TABLES[1] | {"more"}})
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS + (extra, broken))
    before = path.read_bytes()
    with pytest.raises(DrillStoreError, match="cannot open"):
        _store(path)  # the second migration fails: the first is rolled back with it
    assert path.read_bytes() == before
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:2] + (("CREATE TABLE more (x)",),))
    with _store(path) as store:
        assert list(store.known_cards()) == [cid]
    db = sqlite3.connect(str(path))
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("3",)
    assert db.execute("SELECT note FROM cards").fetchall() == [("",)]


def test_without_fsrs_the_store_says_what_it_needs(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "fsrs", None)  # import fsrs raises ImportError
    with pytest.raises(DrillStoreError, match=r"needs the fsrs package .*pip install 'fsrs>=6'"):
        DrillStore(tmp_path / "d.sqlite3")
    monkeypatch.setattr(store_module.sys, "version_info", (3, 9, 18, "final", 0))
    with pytest.raises(DrillStoreError) as caught:
        DrillStore(tmp_path / "d.sqlite3")
    assert str(caught.value) == "pitfalls drill needs Python 3.10+ for fsrs"
    assert not (tmp_path / "d.sqlite3").exists()


def test_the_default_path_is_in_the_users_data_folder(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.delenv("PITFALLS_DRILL_DB", raising=False)
    assert default_path() == platformdirs.user_data_path("pitfalls", appauthor=False) / "drill.sqlite3"
    monkeypatch.setenv("PITFALLS_DRILL_DB", str(tmp_path / "mine.db"))
    assert default_path() == tmp_path / "mine.db"


# -- stats --

@needs_fsrs
def test_stats_on_a_small_fixed_history(tmp_path):
    with _store(tmp_path / "d.sqlite3") as store:
        a, b = _card(store, "a"), _card(store, "b")
        s = _card(store, "s", topic="scope")
        _card(store, "never", topic="scope")
        day = T0.replace(hour=12)
        # mutability: main answers 10, 25, 40, 31 s; follow-ups 3 passed of 4
        store.record(a, QUESTION, 3, 10, at=day - timedelta(days=5))
        store.record(a, follow_up(1), 4, 20, at=day - timedelta(days=5))
        # a gap on day -4: the streak before it does not count
        store.record(b, QUESTION, 1, 40, at=day - timedelta(days=3))
        store.record(b, follow_up(1), 1, 50, at=day - timedelta(days=3))
        store.record(a, QUESTION, 2, 25, at=day - timedelta(days=2))
        store.record(a, follow_up(2), 3, 15, at=day - timedelta(days=1))
        store.record(b, QUESTION, 3, 31, at=day - timedelta(days=1, hours=11))
        store.record(b, follow_up(1), 3, 12, at=day - timedelta(days=1))
        # scope: one answer today
        store.record(s, QUESTION, 4, 30, at=day - timedelta(hours=1))
        stats = store.stats(now=day)
    mutability, scope = stats.topics["mutability"], stats.topics["scope"]
    assert list(stats.topics) == ["mutability", "scope"]
    assert (mutability.cards, mutability.seen, mutability.new, mutability.answers) == (2, 2, 0, 4)
    assert mutability.median_seconds == 28.0  # of 10, 25, 31, 40
    assert mutability.under_target == 0.5  # 10 and 25
    assert (mutability.follow_ups_passed, mutability.follow_ups) == (3, 4)
    assert mutability.streak == 3  # days -3, -2, -1 (none yet today); day -5 is behind the gap
    assert (scope.cards, scope.seen, scope.new, scope.median_seconds, scope.under_target) == (2, 1, 1, 30, 1.0)
    assert (scope.follow_ups, scope.streak) == (0, 1)
    # Both mutability cards are still learning (10 minute steps), so due; s was easy: days away.
    assert mutability.due == 2 and scope.due == 0
    total = stats.total
    assert (total.cards, total.seen, total.new, total.answers, total.median_seconds) == (4, 3, 1, 5, 30)
    assert stats.streak == total.streak == 4  # today, -1, -2, -3
    with _store(tmp_path / "d.sqlite3") as store:
        assert store.stats(now=day + timedelta(days=2)).streak == 0  # a day with no answer ends it
        assert store_module._streak({(day - timedelta(days=n)).date() for n in (0, 2)}, day.date()) == 1
