"""A rule's explanation as data, and its rendering into an answer about one finding's names."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Mapping, Union

# Budgets from DESIGN.md ("Explanations"): spoken at 150 words a minute.
WORDS_30S = 75
CODE_LINES_30S = 3
WORDS_60S = 150
WORDS_FOLLOW_UP = 50

Template = Union[str, Mapping[str, str]]


@dataclass(frozen=True)
class FollowUp:
    question: str
    answer: str


@dataclass(frozen=True)
class Explanation:
    """A rule's answer, in parts. Text fields are templates over the finding's context
    (`$function`, `$param`, `${kind}s`...), so the answer talks about the user's code.

    `definition`: one sentence, what the pitfall is. `implication`: one sentence, what goes
    wrong at runtime in *this* code. `example`: 1-3 lines of code in the user's names.
    `layer`: the one extra layer of the 60-second answer (a tradeoff, an edge case or a
    misconception). `demo`: a runnable program whose assertions prove what the text claims;
    the test suite executes it. `key_points`: two to four short checks of what a good answer
    says (the mechanism, what goes wrong in this code, the fix), each a template like the other
    fields and true of every variant; shown after the 30-second answer, and in `pitfalls drill`
    after the reveal, so the user can tell what they left out.

    `implication`, `example`, `fix` and `fix_code` may instead map variants to templates: the
    finding's context value under `variant_key` picks one ("" is the fallback), so a hit that
    mutates and a hit that only reads are each told what is true of them.
    """

    definition: str
    implication: Template
    example: Template
    layer: str
    follow_ups: tuple[FollowUp, ...]
    fix: Template
    fix_code: Template
    demo: str
    names: tuple[str, ...] = ()  # context keys whose values the 30-second answer must say
    flags: str = ""  # for the docs: what fires, in a sentence or two
    not_flagged: tuple[str, ...] = ()  # for the docs: what is deliberately left alone, and why
    references: tuple[str, ...] = ()
    prior_art: tuple[str, ...] = ()
    variant_key: str = ""
    key_points: tuple[str, ...] = ()

    def pick(self, template: Template, context: Mapping[str, str]) -> str:
        if isinstance(template, str):
            return template
        return template.get(context.get(self.variant_key, ""), template[""])


@dataclass(frozen=True)
class Answer:
    """An explanation rendered about one finding. `answer_30s`, `answer_60s` and `fix` are the
    whole texts (prose, then code indented by four spaces); the parts they are made of are kept
    apart too, so a reader (`explain --format json`, an editor) gets prose and code separately."""

    answer_30s: str
    answer_60s: str
    follow_ups: tuple[FollowUp, ...]
    fix: str
    prose_30s: str = ""  # the 30-second answer's prose
    example: str = ""  # its code, not indented
    layer: str = ""  # the one layer the 60-second answer adds
    fix_prose: str = ""
    fix_code: str = ""  # not indented
    key_points: tuple[str, ...] = ()  # short checks of what a good answer says

    def as_dict(self) -> dict:
        return {
            "answer_30s": self.answer_30s,
            "answer_60s": self.answer_60s,
            "follow_ups": [{"question": f.question, "answer": f.answer} for f in self.follow_ups],
            "fix": self.fix,
            "prose_30s": self.prose_30s,
            "example": self.example,
            "layer": self.layer,
            "fix_prose": self.fix_prose,
            "fix_code": self.fix_code,
            "key_points": list(self.key_points),
        }


class _Context(dict):
    """Template values: a key the finding lacks renders as a readable placeholder, never a crash."""

    def __missing__(self, key: str) -> str:
        return key.replace("_", " ")


def fill(template: str, context: Mapping[str, str]) -> str:
    """`$name` placeholders (not `{name}`: explanations are full of dict and set braces)."""
    return string.Template(template).substitute(_Context(context)).strip()


def indent(code: str) -> str:
    return "\n".join("    " + line if line else "" for line in code.splitlines())


def render(explanation: Explanation, context: Mapping[str, str]) -> Answer:
    implication = explanation.pick(explanation.implication, context)
    prose_30 = f"{fill(explanation.definition, context)} {fill(implication, context)}"
    example = fill(explanation.pick(explanation.example, context), context)
    answer_30s = f"{prose_30}\n\n{indent(example)}"
    answer_60s = f"{prose_30} {fill(explanation.layer, context)}\n\n{indent(example)}"
    follow_ups = tuple(
        FollowUp(fill(f.question, context), fill(f.answer, context)) for f in explanation.follow_ups
    )
    fix_prose = fill(explanation.pick(explanation.fix, context), context)
    fix_code = fill(explanation.pick(explanation.fix_code, context), context)
    fix = f"{fix_prose}\n\n{indent(fix_code)}"
    key_points = tuple(fill(point, context) for point in explanation.key_points)
    return Answer(answer_30s, answer_60s, follow_ups, fix, prose_30, example, fill(explanation.layer, context),
                  fix_prose, fix_code, key_points)


# -- measuring (budgets are enforced by the test suite for every rule and fixture hit) --------

_WORD = re.compile(r"[A-Za-z0-9_'`.\[\]()=+*{}:\"-]+")


def prose_and_code(text: str) -> tuple[str, list[str]]:
    """Splits an answer into its prose and its code lines (indented by four spaces)."""
    prose, code = [], []
    for line in text.splitlines():
        (code if line.startswith("    ") else prose).append(line)
    return " ".join(prose), [line for line in code if line.strip()]


def word_count(prose: str) -> int:
    return len(_WORD.findall(prose))
