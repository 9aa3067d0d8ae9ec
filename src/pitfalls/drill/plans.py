"""Which cards a drill session asks, and in what order: due first, the cram plan, topics, tracks.

Pure functions over cards and what the store knows (due ids, seen ids): the store and the
interface stay out, and a test can give any clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional, Sequence

from pitfalls.drill.cards import TOPICS, Card

# Topics each track asks first (DRILL.md: data favours iteration, generators, copies and
# complexity; engineer favours classes, references, threads); the rest follow in code order.
TRACKS = {
    "engineer": ("classes", "mutability", "scope", "concurrency", "memory", "decorators"),
    "data": ("iteration", "copies", "complexity", "mutability", "memory"),
}


@dataclass(frozen=True)
class Box:
    """One time box of the cram plan: minutes, and the cards it asks (codes first, then topics)."""

    title: str
    minutes: int
    codes: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    def takes(self, card: Card) -> bool:
        return card.code in self.codes or card.topic in self.topics

    def rank(self, card: Card) -> int:
        return self.codes.index(card.code) if card.code in self.codes else len(self.codes)


# The seed's 60-minute plan, in its order (DRILL.md, "Plans").
CRAM = (
    Box("mutability, references and scope", 15, topics=("mutability", "scope")),
    Box("lists versus tuples and their traps", 10, codes=("PIT105", "PIT106", "PIT602", "PIT104")),
    Box("__init__, self, class versus instance attributes", 10, topics=("classes",)),
    Box("decorators and generators", 10, topics=("decorators", "iteration")),
    Box("a debugging example out loud, then copies, memory and the GIL", 15,
        codes=("PIT101", "PIT601", "PIT301"), topics=("copies", "memory", "concurrency")),
)


def ordered(cards: Iterable[Card], track: Optional[str] = None) -> list[Card]:
    """The user's own cards before the catalog's; within each, the track's topics first."""
    first = TRACKS.get(track or "", ())
    order = {topic: index for index, topic in enumerate((*first, *(t for t in TOPICS.values() if t not in first)))}
    return sorted(cards, key=lambda card: (card.source != "own", order[card.topic], card.code, card.line))


def session(cards: Sequence[Card], due: Sequence[str], seen: Iterable[str], topic: Optional[str] = None,
            track: Optional[str] = None, limit: Optional[int] = None) -> list[Card]:
    """The default plan: the cards due (in the store's order, weakest first), then the new ones
    (never graded) in `ordered` order; only `topic`'s if given; at most `limit`."""
    by_id = {card.id: card for card in cards}
    chosen = [by_id[card_id] for card_id in dict.fromkeys(due) if card_id in by_id]
    skipped = {*seen, *(card.id for card in chosen)}
    chosen += [card for card in ordered(cards, track) if card.id not in skipped]
    if topic is not None:
        chosen = [card for card in chosen if card.topic == topic]
    return chosen[:limit] if limit is not None else chosen


def cram(cards: Sequence[Card], clock: Callable[[], float], boxes: Sequence[Box] = CRAM) -> Iterator[tuple[Box, Card]]:
    """The cram plan: each box in turn, its cards (own first, its codes in order) until its minutes
    are spent by `clock` (seconds); then the next box, even mid-list. A card is asked once."""
    asked: set[str] = set()
    for box in boxes:
        start = clock()
        mine = sorted((c for c in ordered(cards) if box.takes(c)), key=lambda c: (c.source != "own", box.rank(c)))
        for card in mine:
            if clock() - start >= box.minutes * 60:
                break
            if card.id in asked:
                continue
            asked.add(card.id)
            yield box, card
