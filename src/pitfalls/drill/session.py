"""`pitfalls drill` end to end: the user's hits as cards, the store, the plan, the interface, the
summary; `drill stats` and `drill export`. The command line calls these; nothing else imports them.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Callable, Iterator, Optional, Sequence

from pitfalls.drill.cards import Card, Part, deck, own_cards
from pitfalls.drill.plans import cram, session
from pitfalls.drill.store import PASSED, QUESTION, TARGET_SECONDS, DrillStore
from pitfalls.source import read_source, split_lines


def collect(reports) -> list[Card]:
    """The deck for these check reports: the user's hits, then the catalog's missing topics."""
    hits = []
    for report in reports:
        if not report.findings:
            continue
        try:
            lines = split_lines(read_source(report.path)[1])
        except Exception:  # unreadable since the check: its hits are left out, not the session
            continue
        hits += [(report.path, finding, lines) for finding in report.findings]
    return deck(own_cards(hits))


def remember(store: DrillStore, cards: Sequence[Card]) -> None:
    for card in cards:
        store.upsert_card(card.id, card.code, card.topic, card.source, card.path, card.line, card.snippet)


def plan(cards: Sequence[Card], store: DrillStore, name: str, topic: Optional[str], track: Optional[str],
         limit: Optional[int], clock: Callable[[], float] = time.monotonic) -> Iterator[tuple[str, Card]]:
    """(status line, card) pairs in the order the plan asks them."""
    if name == "cram":
        for box, card in cram(cards, clock):
            if topic is None or card.topic == topic:
                yield f"cram · {box.title} ({box.minutes} min)", card
        return
    due = [item.card_id for item in store.due(new=False, cards=[card.id for card in cards])]
    answered = [card_id for card_id, info in store.known_cards().items() if info.reviews]
    chosen = session(cards, due, answered, topic, track, limit)
    easy = _easy_last_time(store)
    chosen = [card.deeper_card() if card.id in easy else card for card in chosen]
    for index, card in enumerate(chosen, 1):
        yield f"{card.topic} · {index} of {len(chosen)} · {len(cards)} in deck", card


def _easy_last_time(store: DrillStore) -> set[str]:
    """Cards whose main question was last graded easy: they come back as "go deeper" rounds."""
    last: dict[str, int] = {}
    for review in store.history(part=QUESTION):
        last[review.card_id] = review.grade
    return {card_id for card_id, grade in last.items() if grade == 4}


def recorder(store: DrillStore) -> Callable[[Card, Part, int, float, str], None]:
    def record(card: Card, part: Part, grade: int, seconds: float, typed: str) -> None:
        store.record(card.id, part.key, grade, seconds, typed)
    return record


def summary(graded: Sequence[tuple[str, str, int, float]]) -> str:
    questions = [g for g in graded if g[1] == QUESTION]
    if not graded:
        return "No card graded; nothing stored."
    times = [g[3] for g in questions]
    follow = [g for g in graded if g[1] != QUESTION]
    passed = sum(1 for g in follow if g[2] >= PASSED)
    median = f", median answer {statistics.median(times):.0f} s (target {TARGET_SECONDS} s)" if times else ""
    return (f"{len(questions)} card{'s' * (len(questions) != 1)} answered{median}; "
            f"follow-ups passed {passed} of {len(follow)}. Grades are stored.")


def render_stats(stats, fmt: str) -> str:
    """`drill stats` as a small chart per topic, or JSON."""
    from dataclasses import asdict

    if fmt == "json":
        return json.dumps({"topics": [asdict(t) for t in stats.topics.values()], "total": asdict(stats.total),
                           "streak": stats.streak, "target_seconds": TARGET_SECONDS}, indent=2)
    if not stats.total.seen:
        return "No card answered yet: run 'pitfalls drill' first."
    width = max(len(name) for name in stats.topics)
    most = max(t.seen for t in stats.topics.values()) or 1
    out = [f"{'topic':<{width}}  {'seen':<18}  due  median answer   follow-ups"]
    for name, topic in stats.topics.items():
        bar = "█" * max(1, round(14 * topic.seen / most)) if topic.seen else ""
        median = f"{topic.median_seconds:4.0f} s" if topic.median_seconds is not None else "   –  "
        mark = " ✓" if topic.median_seconds is not None and topic.median_seconds <= TARGET_SECONDS else "  "
        passed = f"{topic.follow_ups_passed}/{topic.follow_ups}" if topic.follow_ups else "–"
        out.append(f"{name:<{width}}  {bar:<14}{topic.seen:>4}  {topic.due:>5}  {median}{mark}      {passed}")
    out.append(f"target {TARGET_SECONDS} s a question (✓ = median within it); streak: {stats.streak} "
               f"day{'s' * (stats.streak != 1)}")
    return "\n".join(out)


def export_json(cards: Sequence[Card]) -> str:
    return json.dumps([
        {"id": c.id, "code": c.code, "name": c.name, "topic": c.topic, "source": c.source, "path": c.path,
         "line": c.line, "code_lines": [{"number": l.number, "text": l.text, "marked": l.marked} for l in c.lines],
         "parts": [{"key": p.key, "question": p.question, "answer": p.answer, "key_points": list(p.key_points)}
                   for p in c.parts]}
        for c in cards], indent=2)


def export_anki(cards: Sequence[Card], path: str) -> int:
    """An Anki package: the code (hit marked) and the question on the front, the answer and key
    points on the back; one note per question and follow-up."""
    import html

    import genanki

    model = genanki.Model(
        1607392319, "pitfalls drill",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
        css="pre { font-family: monospace; } .hit { background: #fff3b0; font-weight: bold; }",
    )
    notes = genanki.Deck(2059400110, "pitfalls drill")
    count = 0
    for card in cards:
        code = "\n".join(
            (f'<span class="hit">{html.escape(f"{l.number:>4} | {l.text}")}</span>' if l.marked
             else html.escape(f"{l.number:>4} | {l.text}")) for l in card.lines)
        for part in card.parts:
            front = f"<div>{html.escape(card.path)}:{card.line}</div><pre>{code}</pre><p>{html.escape(part.question)}</p>"
            points = "".join(f"<li>{html.escape(p)}</li>" for p in part.key_points)
            back = f"<p>{html.escape(part.answer).replace(chr(10), '<br>')}</p>" + (f"<ul>{points}</ul>" if points else "")
            notes.add_note(genanki.Note(model=model, fields=[front, back], guid=genanki.guid_for(card.id, part.key)))
            count += 1
    genanki.Package(notes).write_to_file(path)
    return count


