"""The drill's terminal interface (Textual), imported only by `pitfalls drill`.

One screen per question: the status line with the clock, the code with the hit marked, the
question, an optional typed answer. Enter stops the clock and reveals the answer about that code
with the rule's key points; a key grades it (1 again, 2 hard, 3 good, 4 easy), the grade is
stored at once, and the follow-up comes next with its own clock. Escape or Ctrl-C leaves, and `q`
at the reveal (while the clock runs it is typed): every grade given so far is already stored.
"""

from __future__ import annotations

import time
from typing import Callable, Iterator, Optional

from rich.markup import escape
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from pitfalls.drill.cards import Card, Part
from pitfalls.drill.fingerprints import QUESTION

GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "a": 1, "h": 2, "g": 3, "e": 4}
BAR = 10  # cells of the countdown bar
Record = Callable[[Card, Part, int, float, str], None]  # card, part, grade, seconds, typed answer


class DrillApp(App):
    """Asks each (status, card) of `cards`: its question, then its first follow-up."""

    CSS = """
    #status { height: 1; background: $boost; }
    #code { height: auto; max-height: 10; border: round $primary; padding: 0 1; }
    #prompt { height: auto; margin: 1 0 0 0; text-style: bold; }
    #typed { margin: 0; }
    #reveal { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+c", "leave", "leave", priority=True),
        Binding("escape", "leave", "leave", priority=True),
    ]

    def __init__(self, cards: Iterator[tuple[str, Card]], record: Record, clock: Callable[[], float] = time.monotonic,
                 timer: bool = True, follow_ups: int = 1) -> None:
        super().__init__()
        self.cards = cards
        self.record = record
        self.clock = clock
        self.timer = timer
        self.follow_ups = follow_ups
        self.card: Optional[Card] = None
        self.parts: list[Part] = []
        self.part: Optional[Part] = None
        self.status = ""
        self.state = "ask"  # "ask": the clock runs; "reveal": waiting for a grade
        self.started = 0.0
        self.seconds = 0.0
        self.typed = ""
        self.graded: list[tuple[str, str, int, float]] = []  # card id, part, grade, seconds

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with VerticalScroll():
            yield Static(id="code")
            yield Static(id="prompt")
            yield Input(placeholder="type your answer if you like; Enter when done", id="typed")
            yield Static(id="reveal")

    def on_mount(self) -> None:
        self.title = "pitfalls drill"
        if self.timer:
            self.set_interval(0.25, self._tick)
        self._next_card()

    # -- the loop ------------------------------------------------------------------------------

    def _next_card(self) -> None:
        try:
            self.status, card = next(self.cards)
        except StopIteration:
            self.exit(self.graded)
            return
        self.card = card
        self.parts = list(card.parts[: 1 + self.follow_ups])
        self.query_one("#code", Static).update(_code(card))
        self._ask(self.parts.pop(0))

    def _ask(self, part: Part) -> None:
        self.part, self.state, self.typed = part, "ask", ""
        self.started = self.clock()
        self.query_one("#prompt", Static).update(f"{_question(part)}  Answer out loud; Enter when done.")
        field = self.query_one("#typed", Input)
        field.value, field.disabled = "", False
        field.focus()
        self.query_one("#reveal", Static).update("")
        self._tick()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.state != "ask" or self.part is None:
            return
        self.seconds = self.clock() - self.started
        self.typed = event.value
        self.state = "reveal"
        self.query_one("#typed", Input).disabled = True
        self.query_one("#prompt", Static).update(_question(self.part))
        points = "".join(f"\n  [ ] {escape(point)}" for point in self.part.key_points)
        self.query_one("#reveal", Static).update(
            f"{escape(self.part.answer)}\n" + (f"\nKey points:{points}\n" if points else "")
            + f"\nYou took {self.seconds:.0f} s of {self.part.seconds}. "
            "Grade yourself: 1 again  2 hard  3 good  4 easy")
        self._tick()

    def on_key(self, event) -> None:
        if self.state != "reveal" or self.card is None or self.part is None:
            return
        if event.key == "q":
            self.action_leave()
            return
        grade = GRADES.get(event.key)
        if grade is None:
            return
        event.stop()
        self.record(self.card, self.part, grade, self.seconds, self.typed)
        self.graded.append((self.card.id, self.part.key, grade, self.seconds))
        if self.parts:
            self._ask(self.parts.pop(0))
        else:
            self._next_card()

    def action_leave(self) -> None:
        self.exit(self.graded)

    def _tick(self) -> None:
        part = self.part
        if part is None:
            return
        clock = ""
        if self.timer:
            used = self.seconds if self.state == "reveal" else self.clock() - self.started
            left = max(0.0, part.seconds - used)
            full = round(BAR * left / part.seconds)
            clock = f"  {int(left) // 60}:{int(left) % 60:02d} ▕{'█' * full}{' ' * (BAR - full)}▏"
        self.query_one("#status", Static).update(f" {escape(self.status)}{clock}")


def _question(part: Part) -> str:
    return ("Follow-up: " if part.key != QUESTION else "") + escape(part.question)


def _code(card: Card) -> str:
    width = len(str(card.lines[-1].number)) if card.lines else 1
    rows = [f"[dim]{escape(card.path)}:{card.line}[/dim]"]
    for line in card.lines:
        marker = "▶" if line.marked else " "
        text = escape(line.text)
        rows.append(f"{marker}{line.number:>{width}} │ " + (f"[b]{text}[/b]" if line.marked else text))
    return "\n".join(rows)
