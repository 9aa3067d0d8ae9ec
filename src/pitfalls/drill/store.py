"""The drill's state: cards, each part's FSRS schedule, every review. One SQLite file, no UI.

- **Where**: `default_path()` (the user's data folder, or `PITFALLS_DRILL_DB`); the CLI's `--db`
  passes another path. Parents are created on first use.
- **Schema**: `meta` holds `schema_version`; `MIGRATIONS[n]` takes version n to n + 1, all pending
  ones in one transaction. The file header's `application_id` marks the file as ours.
- **Refusals**: a file that is not ours, or is ours from a newer pitfalls, raises `DrillStoreError`
  with a one-line message, after looking at it read-only: such a file is never written.
- **Crash safety**: `record()` writes the review and the part's new schedule in one committed
  transaction, in SQLite's default rollback-journal mode with `synchronous=FULL`: once it returns
  the review is on disk (a killed process or a power cut loses at most the card on screen).
  Not WAL: one writer answering a card every 30 s needs no concurrent readers, and one file with no
  `-wal`/`-shm` beside it is what a user moves, copies or passes with `--db`.
- **Weakest first**: `due()` orders the due parts by FSRS retrievability now (the predicted chance
  of recall), then by stability (FSRS counts whole days, so parts reviewed today tie on
  retrievability; a part just graded Again has the lowest stability), then by due time; new
  cards (never answered) come after them, the user's own hits before catalog examples.
- **Times** are UTC (a naive datetime is taken as UTC); every query takes `now` for tests.

fsrs and platformdirs are imported when used: fsrs 6 needs Python 3.10+, and on 3.9 the store
says so (`DrillStoreError`) instead of failing to import.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import statistics
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Optional, Union

from pitfalls.drill.fingerprints import QUESTION

SCHEMA_VERSION = 1
APPLICATION_ID = 0x50495444  # "PITD" at offset 68 of the file header
TARGET_SECONDS = 30  # an answer within this many seconds is "under the target"
SOURCES = ("own", "catalog")
PASSED = 3  # a follow-up graded Good or Easy is passed
_PART = re.compile(r"question|follow-up:[1-9][0-9]*")
_MAGIC = b"SQLite format 3\x00"

# MIGRATIONS[n] takes a database from schema version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        # One row per card: a hit of the user's (source 'own') or a rule's example ('catalog').
        # path/line/snippet are where it was last seen; first_seen/last_seen are UTC ISO times.
        (
            "CREATE TABLE cards ("
            " card_id TEXT PRIMARY KEY, code TEXT NOT NULL, topic TEXT NOT NULL,"
            " source TEXT NOT NULL CHECK (source IN ('own', 'catalog')),"
            " path TEXT NOT NULL, line INTEGER, snippet TEXT NOT NULL,"
            " first_seen TEXT NOT NULL, last_seen TEXT NOT NULL)"
        ),
        # One row per answered part: its FSRS card (Card.to_dict() as JSON) and, for queries, due.
        (
            "CREATE TABLE parts ("
            " card_id TEXT NOT NULL REFERENCES cards (card_id) ON DELETE CASCADE, part TEXT NOT NULL,"
            " fsrs TEXT NOT NULL, due TEXT NOT NULL, reviews INTEGER NOT NULL, lapses INTEGER NOT NULL,"
            " last_review TEXT NOT NULL, PRIMARY KEY (card_id, part))"
        ),
        # Every answer: the self-grade (1 again .. 4 easy), seconds on the clock, what was typed,
        # when, and when the part is due again after it.
        (
            "CREATE TABLE reviews ("
            " id INTEGER PRIMARY KEY, card_id TEXT NOT NULL REFERENCES cards (card_id) ON DELETE CASCADE,"
            " part TEXT NOT NULL, grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),"
            " seconds REAL NOT NULL CHECK (seconds >= 0), typed TEXT NOT NULL, at TEXT NOT NULL,"
            " due TEXT NOT NULL)"
        ),
        "CREATE INDEX parts_due ON parts (due)",
        "CREATE INDEX reviews_card ON reviews (card_id, part)",
        "CREATE INDEX reviews_at ON reviews (at)",
    ),
)
# The tables a database of each version must have.
TABLES = {1: frozenset({"meta", "cards", "parts", "reviews"})}


class DrillStoreError(Exception):
    """A one-line message for the user: the database cannot be used (and was left as it was)."""


class Due(NamedTuple):
    card_id: str
    part: str


@dataclass(frozen=True)
class CardInfo:
    card_id: str
    code: str
    topic: str
    source: str
    path: str
    line: Optional[int]
    snippet: str
    first_seen: datetime
    last_seen: datetime
    reviews: int = 0  # answers recorded, all parts
    due: Optional[datetime] = None  # the earliest due time of its answered parts (None: new)


@dataclass(frozen=True)
class Review:
    card_id: str
    part: str
    grade: int
    seconds: float
    typed: str
    at: datetime
    due: datetime  # when the part comes back after this answer


@dataclass
class TopicStats:
    topic: str
    cards: int = 0  # in the deck
    seen: int = 0  # answered at least once
    due: int = 0  # cards with an answered part due now (new cards are not counted)
    new: int = 0  # never answered
    answers: int = 0  # main-question answers
    median_seconds: Optional[float] = None  # of the main-question answers
    under_target: Optional[float] = None  # share (0..1) of them within TARGET_SECONDS
    follow_ups: int = 0  # follow-up answers
    follow_ups_passed: int = 0  # ... graded Good or Easy
    streak: int = 0  # days in a row (UTC) with an answer, up to today (or yesterday, if none yet today)


@dataclass
class Stats:
    topics: dict[str, TopicStats] = field(default_factory=dict)  # by topic name, sorted
    total: TopicStats = field(default_factory=lambda: TopicStats("all"))

    @property
    def streak(self) -> int:
        return self.total.streak


def default_path() -> Path:
    """`$PITFALLS_DRILL_DB`, else drill.sqlite3 in the user's data folder for pitfalls."""
    override = os.environ.get("PITFALLS_DRILL_DB")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_data_path("pitfalls", appauthor=False) / "drill.sqlite3"


def _fsrs() -> Any:
    try:
        import fsrs
    except (ImportError, SyntaxError) as exc:
        if sys.version_info < (3, 10):
            raise DrillStoreError("pitfalls drill needs Python 3.10+ for fsrs") from None
        raise DrillStoreError(f"pitfalls drill needs the fsrs package ({exc}): pip install 'fsrs>=6'") from None
    return fsrs


def _utc(moment: Optional[datetime]) -> datetime:
    if moment is None:
        return datetime.now(timezone.utc)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _iso(moment: datetime) -> str:
    """One fixed format, so text order is time order in SQL."""
    return _utc(moment).isoformat(timespec="microseconds")


def _time(text: str) -> datetime:
    return _utc(datetime.fromisoformat(text))


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _not_ours(path: Path, why: str) -> DrillStoreError:
    return DrillStoreError(f"{path} is not a pitfalls drill database ({_one_line(why)}): move it away or pass --db")


def _newer(path: Path, version: int) -> DrillStoreError:
    return DrillStoreError(
        f"{path} was written by a newer pitfalls (drill schema {version}; this one reads up to"
        f" {SCHEMA_VERSION}): upgrade pitfalls, or pass --db to use another file"
    )


def _version(db: sqlite3.Connection, path: Path, application_id: int) -> int:
    """The schema version of an open database (0: empty, ours to fill); refuses what is not ours.
    Reads only."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables and application_id in (0, APPLICATION_ID):
        return 0
    if application_id != APPLICATION_ID:
        if not tables:
            raise _not_ours(path, f"a SQLite database with application id {application_id:#x}")
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise _not_ours(path, f"a SQLite database of something else, with tables {shown}")
    if "meta" not in tables:
        raise _not_ours(path, "it has no meta table")
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        version = int(row[0]) if row else -1
    except ValueError:
        version = -1
    if version < 1:
        raise _not_ours(path, "its meta table has no schema_version")
    if version > SCHEMA_VERSION:
        raise _newer(path, version)
    missing = sorted(TABLES[version] - tables)
    if missing:
        raise _not_ours(path, "it lacks the table" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
    return version


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; every write below says BEGIN and COMMIT.
    return sqlite3.connect(target, uri=uri, timeout=10.0, isolation_level=None, check_same_thread=False)


def _open(path: Path) -> sqlite3.Connection:
    """A connection to a database of ours at the current schema, made or migrated if needed. A
    file that is not ours, or is newer, is only ever read, and refused."""
    if path.is_dir():
        raise _not_ours(path, "it is a folder")
    db: Optional[sqlite3.Connection] = None
    if path.exists():
        try:
            with open(path, "rb") as handle:
                head = handle.read(100)
        except OSError as exc:
            raise DrillStoreError(f"cannot read {path}: {exc.strerror or exc}") from None
        if head:  # an empty file is an empty database: ours to fill
            if not head.startswith(_MAGIC):
                raise _not_ours(path, "not a SQLite file")
            application_id = int.from_bytes(head[68:72], "big") if len(head) >= 72 else 0
            try:
                probe = _connect(path.resolve().as_uri() + "?mode=ro", uri=True)
                try:
                    _version(probe, path, application_id)
                finally:
                    probe.close()
            except sqlite3.OperationalError as exc:
                # Ours, left in the middle of a write (a hot journal beside it): opening it for
                # writing is SQLite's crash recovery, which rolls the unfinished write back.
                hot = os.path.exists(str(path) + "-journal")
                if not (hot and application_id == APPLICATION_ID):
                    raise _not_ours(path, f"SQLite says: {exc}") from None
                db = _connect(str(path))  # _migrate below checks it as it checks any other
            except sqlite3.DatabaseError as exc:
                raise _not_ours(path, f"SQLite says: {exc}") from None
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DrillStoreError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    try:
        if db is None:
            db = _connect(str(path))
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = FULL")
        _migrate(db, path)
    except BaseException as exc:
        if db is not None:
            db.close()
        if isinstance(exc, sqlite3.Error):
            raise DrillStoreError(f"cannot open {path}: {_one_line(exc)}") from None
        raise
    return db


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    """Applies the pending migrations in one transaction (nothing to do: no write at all)."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    if _version(db, path, application_id) == SCHEMA_VERSION:
        return
    with _transaction(db):
        version = _version(db, path, application_id)  # again, under the write lock: another
        for number in range(version, SCHEMA_VERSION):  # process may have made it meanwhile
            for statement in MIGRATIONS[number]:
                db.execute(statement)
        if version == 0:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute("INSERT INTO meta (key, value) VALUES ('created', ?)", (_iso(_utc(None)),))
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One transaction, committed when the block ends, rolled back if it raises (Ctrl-C too)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # a failed COMMIT (a full disk) may leave it open
            db.execute("ROLLBACK")
        raise


def _fsrs_id(card_id: str, part: str) -> int:
    """The integer id fsrs wants, fixed for a part (fsrs would otherwise use the clock)."""
    return int.from_bytes(hashlib.blake2b(f"{card_id}/{part}".encode("utf-8"), digest_size=6).digest(), "big")


def _where(equal: dict[str, Any]) -> tuple[str, list[Any]]:
    """`" AND column = ?"` for each column whose value is given (None: any), and those values."""
    given = {column: value for column, value in equal.items() if value is not None}
    return "".join(f" AND {column} = ?" for column in given), list(given.values())


def _streak(days: set[date], today: date) -> int:
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


class DrillStore:
    """The drill's database. `DrillStore()` opens (or makes) the default one; `with` closes it.
    Raises DrillStoreError (one line, for the user) when the file cannot be used.

    `scheduler`: an fsrs.Scheduler (default: fsrs's defaults, fuzzing on)."""

    def __init__(self, path: Union[str, "os.PathLike[str]", None] = None, scheduler: Any = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()
        self._fsrs = _fsrs()
        self.scheduler = scheduler if scheduler is not None else self._fsrs.Scheduler()
        self._lock = threading.RLock()
        self._db: Optional[sqlite3.Connection] = _open(self.path)

    # -- life --

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> DrillStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _session(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock; SQLite's errors (a full disk, a locked file) become
        DrillStoreError."""
        with self._lock:
            if self._db is None:
                raise DrillStoreError(f"{self.path}: the drill database is closed")
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise DrillStoreError(f"{self.path}: {_one_line(exc)}") from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """The connection, in one _transaction."""
        with self._session() as db, _transaction(db):
            yield db

    # -- writing --

    def upsert_card(self, card_id: str, code: str, topic: str, source: str, path: str = "",
                    line: Optional[int] = None, snippet: str = "", at: Optional[datetime] = None) -> None:
        """Adds a card, or updates where it is now (path, line, snippet, topic) keeping its history."""
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
        now = _iso(_utc(at))
        with self._write() as db:
            db.execute(
                "INSERT INTO cards (card_id, code, topic, source, path, line, snippet, first_seen, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (card_id) DO UPDATE SET code = excluded.code, topic = excluded.topic,"
                " source = excluded.source, path = excluded.path, line = excluded.line,"
                " snippet = excluded.snippet, last_seen = excluded.last_seen",
                (card_id, code, topic, source, path, line, snippet, now, now),
            )

    def record(self, card_id: str, part: str, grade: int, seconds: float, typed: str = "",
               at: Optional[datetime] = None) -> datetime:
        """Records an answer to one part of a card (grade 1 again, 2 hard, 3 good, 4 easy) and
        schedules that part with FSRS, in one committed transaction. Returns when it is due again."""
        if not (isinstance(part, str) and _PART.fullmatch(part)):
            raise ValueError(f"part must be 'question' or 'follow-up:N' (N >= 1), not {part!r}")
        if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 4:
            raise ValueError(f"grade must be 1 (again), 2 (hard), 3 (good) or 4 (easy), not {grade!r}")
        seconds = float(seconds)
        if not seconds >= 0:  # NaN too
            raise ValueError(f"seconds must be 0 or more, not {seconds!r}")
        moment = _utc(at)
        fsrs = self._fsrs
        with self._write() as db:
            if db.execute("SELECT 1 FROM cards WHERE card_id = ?", (card_id,)).fetchone() is None:
                raise DrillStoreError(f"no card {card_id} in {self.path}: upsert_card() it first")
            row = db.execute("SELECT fsrs, reviews, lapses FROM parts WHERE card_id = ? AND part = ?",
                             (card_id, part)).fetchone()
            if row is None:
                card, reviews, lapses = fsrs.Card(card_id=_fsrs_id(card_id, part), due=moment), 0, 0
            else:
                card, reviews, lapses = fsrs.Card.from_dict(json.loads(row[0])), row[1], row[2]
            card, _ = self.scheduler.review_card(card, fsrs.Rating(grade), review_datetime=moment,
                                                 review_duration=round(seconds * 1000))
            due = _iso(card.due)
            db.execute(
                "INSERT INTO reviews (card_id, part, grade, seconds, typed, at, due) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (card_id, part, grade, seconds, typed, _iso(moment), due),
            )
            db.execute(
                "INSERT OR REPLACE INTO parts (card_id, part, fsrs, due, reviews, lapses, last_review)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (card_id, part, json.dumps(card.to_dict()), due, reviews + 1, lapses + (grade == 1), _iso(moment)),
            )
        return _time(due)

    # -- reading --

    def due(self, now: Optional[datetime] = None, topic: Optional[str] = None, limit: Optional[int] = None,
            source: Optional[str] = None, new: bool = True, cards: Optional[Iterable[str]] = None) -> list[Due]:
        """The parts to ask now, weakest first: answered parts that are due (lowest FSRS
        retrievability, then lowest stability, then longest due), then, if `new`, the main
        question of each card never answered (own hits first, in the order first seen).

        `topic`, `source` ("own"/"catalog") and `cards` (card ids: this run's deck, since one
        database holds the cards of every project the user drilled) narrow the choice."""
        moment = _utc(now)
        wanted = None if cards is None else set(cards)
        where, arguments = _where({"c.topic": topic, "c.source": source})
        with self._session() as db:
            rows = db.execute(
                "SELECT p.card_id, p.part, p.fsrs, p.due FROM parts p JOIN cards c ON c.card_id = p.card_id"
                " WHERE p.due <= ?" + where, [_iso(moment), *arguments],
            ).fetchall()
            fresh = db.execute(
                "SELECT c.card_id FROM cards c WHERE NOT EXISTS (SELECT 1 FROM parts p WHERE p.card_id = c.card_id)"
                + where + " ORDER BY c.source <> 'own', c.first_seen, c.card_id", arguments,
            ).fetchall() if new else []
        if wanted is not None:
            rows = [row for row in rows if row[0] in wanted]
            fresh = [row for row in fresh if row[0] in wanted]
        weakest = []
        for card_id, part, state, due in rows:
            card = self._fsrs.Card.from_dict(json.loads(state))
            weakness = (self.scheduler.get_card_retrievability(card, moment), card.stability or 0.0, due)
            weakest.append((weakness, card_id, part))
        weakest.sort()
        out = [Due(card_id, part) for _, card_id, part in weakest] + [Due(card_id, QUESTION) for (card_id,) in fresh]
        return out if limit is None else out[:limit]

    def known_cards(self) -> dict[str, CardInfo]:
        """Every card, by id, in the order first seen."""
        with self._session() as db:
            rows = db.execute(
                "SELECT c.card_id, c.code, c.topic, c.source, c.path, c.line, c.snippet, c.first_seen, c.last_seen,"
                " (SELECT count(*) FROM reviews r WHERE r.card_id = c.card_id),"
                " (SELECT min(p.due) FROM parts p WHERE p.card_id = c.card_id)"
                " FROM cards c ORDER BY c.first_seen, c.card_id"
            ).fetchall()
        return {
            row[0]: CardInfo(*row[:7], _time(row[7]), _time(row[8]), row[9], _time(row[10]) if row[10] else None)
            for row in rows
        }

    def card(self, card_id: str) -> Optional[CardInfo]:
        return self.known_cards().get(card_id)

    def history(self, card_id: Optional[str] = None, part: Optional[str] = None) -> list[Review]:
        """The answers recorded (of one card, of one part), oldest first."""
        where, arguments = _where({"card_id": card_id, "part": part})
        with self._session() as db:
            rows = db.execute("SELECT card_id, part, grade, seconds, typed, at, due FROM reviews WHERE 1" + where
                              + " ORDER BY at, id", arguments).fetchall()
        return [Review(c, p, g, s, t, _time(a), _time(d)) for c, p, g, s, t, a, d in rows]

    def stats(self, now: Optional[datetime] = None) -> Stats:
        """Per topic and in total: cards in the deck, seen, due and new; the median time of the
        main-question answers and the share within TARGET_SECONDS; follow-ups passed (graded
        Good or Easy) of those answered; the streak of days (UTC) with an answer."""
        moment = _utc(now)
        with self._session() as db:
            cards = db.execute("SELECT card_id, topic FROM cards").fetchall()
            due = {row[0] for row in db.execute("SELECT DISTINCT card_id FROM parts WHERE due <= ?", (_iso(moment),))}
            answers = db.execute(
                "SELECT c.topic, r.card_id, r.part, r.grade, r.seconds, r.at FROM reviews r"
                " JOIN cards c ON c.card_id = r.card_id"
            ).fetchall()
        cards_of: dict[str, set[str]] = {}
        for card_id, topic in cards:
            cards_of.setdefault(topic, set()).add(card_id)
        answers_of: dict[str, list[Any]] = {}
        for answer in answers:
            answers_of.setdefault(answer[0], []).append(answer)
        today = moment.date()

        def numbers(topic: str, ids: set[str], rows: list[Any]) -> TopicStats:
            seen = {card_id for _, card_id, *_ in rows}
            seconds = [seconds for _, _, part, _, seconds, _ in rows if part == QUESTION]
            passed = [grade >= PASSED for _, _, part, grade, _, _ in rows if part != QUESTION]
            return TopicStats(
                topic=topic,
                cards=len(ids),
                seen=len(seen),
                due=len(ids & due),
                new=len(ids - seen),
                answers=len(seconds),
                median_seconds=statistics.median(seconds) if seconds else None,
                under_target=sum(s <= TARGET_SECONDS for s in seconds) / len(seconds) if seconds else None,
                follow_ups=len(passed),
                follow_ups_passed=sum(passed),
                streak=_streak({_time(at).date() for *_, at in rows}, today),
            )

        topics = {topic: numbers(topic, cards_of[topic], answers_of.get(topic, [])) for topic in sorted(cards_of)}
        return Stats(topics, numbers("all", {card_id for card_id, _ in cards}, answers))
