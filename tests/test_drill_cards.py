"""`pitfalls drill`'s cards and plans: own hits first, ids that survive moved code, the cram boxes."""

from __future__ import annotations

from pathlib import Path

from pitfalls.drill.cards import QUESTION, catalog_cards, deck, own_cards, topic_of
from pitfalls.drill.plans import CRAM, cram, ordered, session
from pitfalls.source import check_source, split_lines

CART = (Path(__file__).parent.parent / "examples" / "shop" / "src" / "shop" / "cart.py").read_text(encoding="utf-8")


def cards_of(text: str, path: str = "shop/cart.py"):
    findings = check_source(text, path).findings
    return own_cards((path, f, split_lines(text)) for f in findings)


def test_a_hit_becomes_a_card_with_the_hit_marked_and_its_follow_ups():
    [pit101] = [c for c in cards_of(CART) if c.code == "PIT101"]
    assert pit101.source == "own" and pit101.topic == "mutability" and pit101.line == 15
    assert [line.number for line in pit101.lines if line.marked] == [15]
    assert "def add_line(sku, quantity, lines=[]):" in pit101.snippet
    question, *follow_ups = pit101.parts
    assert question.question == QUESTION and "add_line" in question.answer and question.seconds == 30
    assert follow_ups and all(p.key.startswith("follow-up:") and p.answer for p in follow_ups)
    assert "add_line" in pit101.deeper


def test_a_card_keeps_its_id_when_the_code_moves():
    before = {c.code: c.id for c in cards_of(CART)}
    moved = CART.replace('"""Carts and their lines."""\n', '"""Carts and their lines."""\n\nimport os\n\n\n')
    after = {c.code: c.id for c in cards_of(moved)}
    assert before == after
    changed = {c.code: c.id for c in cards_of(CART.replace("lines=[]", "items=[]").replace("lines.append", "items.append"))}
    assert changed["PIT101"] != before["PIT101"]


def test_the_deck_adds_the_catalog_only_for_topics_without_an_own_hit():
    own = cards_of(CART)
    cards = deck(own)
    assert cards[: len(own)] == own
    own_topics = {c.topic for c in own}
    catalog = cards[len(own):]
    assert catalog and all(c.source == "catalog" and c.topic not in own_topics for c in catalog)
    assert {c.topic for c in catalog} | own_topics == {topic_of(c.code) for c in catalog_cards()}
    assert all(c.id.endswith(":example") and any(l.marked for l in c.lines) for c in catalog)


def test_the_default_plan_asks_due_cards_first_then_new_ones():
    cards = deck(cards_of(CART))
    first, second, third = cards[0], cards[1], cards[2]
    chosen = session(cards, due=[third.id], seen=[first.id, third.id])
    assert chosen[0] is third and first not in chosen and second in chosen
    assert all(c.topic == "classes" for c in session(cards, [], [], topic="classes"))
    assert len(session(cards, [], [], limit=2)) == 2
    data = ordered(catalog_cards(), track="data")
    assert data[0].topic == "iteration"


def test_cram_keeps_its_time_boxes_with_a_fake_clock():
    now = [0.0]

    def clock() -> float:
        return now[0]

    asked = []
    for box, card in cram(catalog_cards(), clock):
        asked.append((box.title, card.code))
        now[0] += 4 * 60  # four minutes a card
    titles = [title for title, _ in asked]
    assert titles == sorted(titles, key=[b.title for b in CRAM].index)  # the boxes in the seed's order
    for box in CRAM:
        count = titles.count(box.title)
        assert count <= -(-box.minutes // 4)  # never past the box's minutes
    first_box = [code for title, code in asked if title == CRAM[0].title]
    assert len(first_box) == 4 and all(code[3] in "12" for code in first_box)  # 0, 4, 8, 12 < 15 minutes
    earlier = {code for title, code in asked if title != CRAM[4].title}
    debugging = [code for code in CRAM[4].codes if code not in earlier]
    assert [code for title, code in asked if title == CRAM[4].title][0] == debugging[0]  # asked once only
    assert len(set(asked)) == len(asked)
