"""The drill's interface, driven as a person does (Textual's pilot): ask, Enter, reveal, grade,
then the follow-up; leaving mid-card keeps the grades already given."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pitfalls.drill.cards import own_cards
from pitfalls.drill.ui import DrillApp
from pitfalls.source import check_source, split_lines

CART = (Path(__file__).parent.parent / "examples" / "shop" / "src" / "shop" / "cart.py").read_text(encoding="utf-8")


def cards():
    findings = check_source(CART, "shop/cart.py").findings
    return own_cards(("shop/cart.py", f, split_lines(CART)) for f in findings)


def screen_text(app: DrillApp) -> str:
    return "\n".join(str(widget.render()) for widget in app.query("Static"))


def drive(steps, deck=None):
    """Runs the app on the cards with a fake clock; `steps(pilot, app, now)` presses keys."""
    deck = deck if deck is not None else cards()
    recorded = []
    now = [100.0]
    app = DrillApp(iter([(f"{c.topic} · {len(deck)} in deck", c) for c in deck]),
                   lambda card, part, grade, seconds, typed: recorded.append((card.code, part.key, grade, seconds, typed)),
                   clock=lambda: now[0])

    async def run():
        async with app.run_test() as pilot:
            await pilot.pause()
            await steps(pilot, app, now)
            await pilot.pause()

    asyncio.run(run())
    return app, recorded


def test_a_whole_card_then_its_follow_up_each_timed_revealed_and_graded():
    seen = {}

    async def steps(pilot, app, now):
        first = app.card
        seen["question"] = screen_text(app)
        now[0] += 12.0
        await pilot.press("enter")
        seen["reveal"] = screen_text(app)
        await pilot.press("2")  # hard
        seen["follow_up"] = screen_text(app)
        now[0] += 21.5
        await pilot.press("i", "t", " ", "r", "a", "i", "s", "e", "s", "enter")
        await pilot.press("4")  # easy
        seen["next"] = app.card is not first

    app, recorded = drive(steps)
    first = cards()[0]
    assert "What goes wrong here, and why?" in seen["question"] and "▶" in seen["question"]
    assert str(first.line) in seen["question"]
    assert first.parts[0].answer.split("\n")[0][:40] in seen["reveal"].replace("\n", " ") or "Key points" in seen["reveal"]
    assert "You took 12 s of 30" in seen["reveal"] and "1 again" in seen["reveal"]
    assert "Follow-up: " + first.parts[1].question[:30] in seen["follow_up"].replace("\n", " ")
    assert recorded == [(first.code, "question", 2, 12.0, ""), (first.code, "follow-up:1", 4, 21.5, "it raises")]
    assert seen["next"]


def test_leaving_mid_card_keeps_the_cards_already_graded():
    async def steps(pilot, app, now):
        await pilot.press("enter", "3", "enter", "3")  # the first card and its follow-up
        await pilot.press("enter")  # the second card revealed, not graded
        await pilot.press("ctrl+c")

    app, recorded = drive(steps)
    assert [(code, part) for code, part, *_ in recorded] == [(cards()[0].code, "question"), (cards()[0].code, "follow-up:1")]
    assert app.return_value == [(cards()[0].id, "question", 3, 0.0), (cards()[0].id, "follow-up:1", 3, 0.0)]


def test_the_session_ends_after_the_last_card():
    async def steps(pilot, app, now):
        for _ in cards():
            await pilot.press("enter", "3", "enter", "3")

    app, recorded = drive(steps)
    assert len(recorded) == 2 * len(cards()) and app.return_value is not None


def test_grades_go_to_the_store_and_the_weak_card_comes_back_first(tmp_path):
    import pytest

    fsrs = pytest.importorskip("fsrs")
    from datetime import datetime, timedelta, timezone

    from pitfalls.drill import session
    from pitfalls.drill.store import DrillStore

    deck = cards()[:2]
    weak, strong = deck
    store = DrillStore(tmp_path / "drill.sqlite3", scheduler=fsrs.Scheduler(enable_fuzzing=False))
    session.remember(store, deck)
    record = session.recorder(store)
    app = DrillApp(iter([("s", c) for c in deck]), record, clock=lambda: 0.0)

    async def run():
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press("enter", "1", "enter", "1")  # the first card: again, and its follow-up again
            await pilot.press("enter", "4", "enter", "4")  # the second: easy, easy
            await pilot.pause()

    asyncio.run(run())
    store.close()
    reopened = DrillStore(tmp_path / "drill.sqlite3", scheduler=fsrs.Scheduler(enable_fuzzing=False))
    assert [(r.card_id, r.part, r.grade) for r in reopened.history()] == [
        (weak.id, "question", 1), (weak.id, "follow-up:1", 1), (strong.id, "question", 4), (strong.id, "follow-up:1", 4)]
    later = datetime.now(timezone.utc) + timedelta(days=1)
    due = [d.card_id for d in reopened.due(now=later, new=False, cards=[c.id for c in deck])]
    assert due and due[0] == weak.id and strong.id not in due  # the weak card sooner; the easy one not yet
    info = reopened.known_cards()
    assert info[weak.id].due < info[strong.id].due


def test_a_card_answered_easily_comes_back_as_a_go_deeper_round(tmp_path):
    import pytest

    fsrs = pytest.importorskip("fsrs")
    from datetime import datetime, timedelta, timezone

    from pitfalls.drill import session
    from pitfalls.drill.store import DrillStore

    deck = cards()[:1]
    store = DrillStore(tmp_path / "drill.sqlite3", scheduler=fsrs.Scheduler(enable_fuzzing=False))
    session.remember(store, deck)
    store.record(deck[0].id, "question", 4, 9.0, at=datetime.now(timezone.utc) - timedelta(days=30))
    [(status, card)] = list(session.plan(deck, store, "due", None, None, None))
    assert card.parts[0].seconds == 60 and "Go deeper" in card.parts[0].question
    assert card.parts[0].answer == deck[0].deeper and card.parts[1:] == deck[0].parts[1:]


def test_no_timer_shows_no_countdown_but_keeps_the_time():
    deck = cards()[:1]
    recorded = []
    now = [0.0]
    app = DrillApp(iter([("s", c) for c in deck]), lambda c, p, g, s, t: recorded.append(s), clock=lambda: now[0],
                   timer=False)
    seen = {}

    async def run():
        async with app.run_test() as pilot:
            await pilot.pause()
            seen["status"] = str(app.query_one("#status").render())
            now[0] = 7.0
            await pilot.press("enter", "3")

    asyncio.run(run())
    assert "▕" not in seen["status"] and "0:30" not in seen["status"]
    assert recorded == [7.0]


def test_ctrl_c_mid_card_keeps_the_earlier_cards_in_the_store(tmp_path):
    import pytest

    pytest.importorskip("fsrs")
    from pitfalls.drill import session
    from pitfalls.drill.store import DrillStore

    deck = cards()[:2]
    store = DrillStore(tmp_path / "drill.sqlite3")
    session.remember(store, deck)
    app = DrillApp(iter([("s", c) for c in deck]), session.recorder(store), clock=lambda: 0.0)

    async def run():
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press("enter", "3", "enter", "3", "enter", "ctrl+c")  # the second card left mid-way

    asyncio.run(run())
    store.close()
    kept = DrillStore(tmp_path / "drill.sqlite3").history()
    assert [(r.card_id, r.part) for r in kept] == [(deck[0].id, "question"), (deck[0].id, "follow-up:1")]


def test_q_at_the_reveal_leaves_and_keeps_what_is_graded():
    async def steps(pilot, app, now):
        await pilot.press("enter", "3", "enter", "q")  # the follow-up revealed, left ungraded

    app, recorded = drive(steps)
    assert app.return_value == [(cards()[0].id, "question", 3, 0.0)] and len(recorded) == 1
