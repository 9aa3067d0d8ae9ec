"""The cards of `pitfalls drill`: the user's own hits first, then each rule's own example.

A card is a piece of code with the hit marked and its parts: the main question ("What goes wrong
here, and why?") with the 30-second answer about that code and the rule's key points, then the
rule's follow-up questions about that code. Nothing here draws or schedules: the plans choose
cards, the store remembers grades, the interface asks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Optional, Sequence

from pitfalls.answers import answer_for, rule_answer
from pitfalls.catalog import ALL_RULES, BY_CODE
from pitfalls.drill.fingerprints import EXAMPLE, card_id, fingerprint, follow_up
from pitfalls.drill.fingerprints import QUESTION as MAIN_PART
from pitfalls.explanation import Answer
from pitfalls.findings import Finding

# The hundreds digit of a code is its topic (DRILL.md, "Plans").
TOPICS = {
    "1": "mutability", "2": "scope", "3": "classes", "4": "decorators", "5": "iteration",
    "6": "copies", "7": "memory", "8": "concurrency", "9": "complexity",
}
QUESTION = "What goes wrong here, and why?"
SECONDS = 30  # the spoken 30-second answer
DEEPER_SECONDS = 60  # a "go deeper" card: the 60-second answer
CONTEXT_LINES = 1  # lines shown around the hit
MAX_LINES = 8


def topic_of(code: str) -> str:
    return TOPICS[code[3]]


@dataclass(frozen=True)
class Part:
    """One question of a card, with what a good answer says."""

    key: str  # "question", "follow-up:1", ...
    question: str
    answer: str
    key_points: tuple[str, ...] = ()
    seconds: int = SECONDS


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    marked: bool  # part of the hit


@dataclass(frozen=True)
class Card:
    id: str  # "PIT101:<fingerprint>": the same hit keeps its id when the code moves
    code: str
    name: str
    topic: str
    source: str  # "own" (the user's code) or "catalog" (the rule's own example)
    path: str
    line: int
    lines: tuple[Line, ...]
    parts: tuple[Part, ...]
    deeper: str = ""  # the 60-second answer, for a "go deeper" round

    def deeper_card(self) -> "Card":
        """The same card as a "go deeper" round: one minute for the 60-second answer."""
        first = self.parts[0]
        deeper = replace(first, question=f"{first.question} Go deeper: the one-minute answer.",
                         answer=self.deeper or first.answer, seconds=DEEPER_SECONDS)
        return replace(self, parts=(deeper, *self.parts[1:]))

    @property
    def snippet(self) -> str:
        return "\n".join(line.text for line in self.lines if line.marked)


def own_cards(hits: Iterable[tuple[str, Finding, Sequence[str]]]) -> list[Card]:
    """Cards from the user's hits: (path, finding, the file's lines), one per distinct hit."""
    cards: dict[str, Card] = {}
    for path, finding, lines in hits:
        card = _card(finding.code, answer_for(finding), "own", path, finding.line,
                     finding.span.end_line, lines)
        cards.setdefault(card.id, card)
    return list(cards.values())


def catalog_cards(topics: Optional[Iterable[str]] = None) -> list[Card]:
    """A card for each rule's own bad example (of these topics, if given), in code order."""
    wanted = set(topics) if topics is not None else None
    cards = []
    for rule in ALL_RULES:
        if wanted is not None and topic_of(rule.code) not in wanted:
            continue
        lines = rule.bad_example.rstrip("\n").split("\n")
        cards.append(_card(rule.code, rule_answer(rule), "catalog", f"{rule.code} example", 1, len(lines), lines,
                           whole=True))
    return cards


def deck(own: Sequence[Card]) -> list[Card]:
    """The user's cards first, then the catalog's for every topic their code has no hit in."""
    covered = {card.topic for card in own}
    return [*own, *catalog_cards(t for t in TOPICS.values() if t not in covered)]


def _card(code: str, answer: Answer, source: str, path: str, line: int, end_line: int,
          lines: Sequence[str], whole: bool = False) -> Card:
    rule = BY_CODE[code]
    first = 1 if whole else max(1, line - CONTEXT_LINES)
    last = len(lines) if whole else min(len(lines), end_line + CONTEXT_LINES, first + MAX_LINES - 1)
    shown = tuple(Line(n, lines[n - 1].rstrip("\r\n"), line <= n <= end_line) for n in range(first, last + 1))
    marked = "\n".join(item.text for item in shown if item.marked) or lines[line - 1]
    parts = [Part(MAIN_PART, QUESTION, answer.answer_30s, answer.key_points)]
    parts += [Part(follow_up(number), asked.question, asked.answer) for number, asked in enumerate(answer.follow_ups, 1)]
    identity = EXAMPLE if source == "catalog" else fingerprint(code, marked, path)
    return Card(card_id(code, identity), code, rule.name, topic_of(code), source, path, line, shown, tuple(parts),
                deeper=answer.answer_60s)
