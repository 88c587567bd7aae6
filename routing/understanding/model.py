"""The understanding layer's vocabulary: steps, intents, slots, what one message means. Pure data.

This is the contract shared with the dialogue (see ``Understander``): a closed set of intents,
one per message, with a confidence the dialogue compares to ``Understander.threshold``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum


class Step(StrEnum):
    """What the bot had just asked when the message came."""

    START = "start"
    QUARTIER = "quartier"
    NEEDS = "needs"
    GROUP = "group"
    TIMING = "timing"
    CONSENT = "consent"
    SUMMARY = "summary"
    AFTER_SUBMIT = "after_submit"
    SPRINT_OPTIONS = "sprint_options"
    SPRINT_BOOKED = "sprint_booked"
    WAITING_HUMAN = "waiting_human"


class Intent(StrEnum):
    IDEA = "idea"
    ANSWER = "answer"
    HUMAN = "human"
    CANCEL = "cancel"
    HELP = "help"
    QUESTION = "question"
    DONT_KNOW = "dont_know"
    GREETING = "greeting"
    THANKS_BYE = "thanks_bye"
    YES = "yes"
    NO = "no"
    MORE = "more"
    STATUS = "status"
    FORGET = "forget"
    PAUSE = "pause"
    CORRECTION = "correction"
    FRUSTRATED = "frustrated"
    OTHER = "other"


# Steps whose question has an answer that fills a slot ("Tanneurs", "avec mes potes", "le 2e").
ANSWER_STEPS = frozenset({Step.QUARTIER, Step.NEEDS, Step.GROUP, Step.TIMING, Step.SPRINT_OPTIONS})
ELSEWHERE = "elsewhere"


@dataclass(frozen=True)
class Slots:
    neighbourhood: str | None = None  # territory id of the configured city, or "elsewhere"
    needs: tuple[str, ...] = ()  # place, funding, legal, equipment, partners, skills, peers
    group: str | None = None  # alone | informal | association
    timing: str | None = None  # asap | within_3_months | this_year | no_date
    date: datetime.date | None = None  # exact date when given
    headcount: int | None = None
    themes: tuple[str, ...] = ()
    option: int | None = None  # 1-based choice among offered options (sprint_options)
    corrects: str | None = None  # idea | neighbourhood | needs | group | timing | title

    def as_json(self) -> dict[str, object]:
        """Only the slots the text gave, JSON-ready (lists for tuples, ISO dates)."""
        out: dict[str, object] = {}
        for name, value in self.__dict__.items():
            if value is None or value == ():
                continue
            if isinstance(value, tuple):
                out[name] = list(value)
            elif isinstance(value, datetime.date):
                out[name] = value.isoformat()
            else:
                out[name] = value
        return out


@dataclass(frozen=True)
class Understanding:
    intent: Intent
    confidence: float  # 0..1; below Understander.threshold the dialogue asks to clarify
    slots: Slots = field(default_factory=Slots)
    title: str | None = None  # ≤ 50 chars, for an idea (and at start); never a greeting
    formal: bool = False  # « vous » or a formal register (for register mirroring)
    # At the start: the supported language the words are plainly written in, when it is not
    # the one they were read in (a phone in Turkish or English, an idea typed in the other).
    written_in: str | None = None


@dataclass(frozen=True)
class Context:
    """What the dialogue knows; all optional but today."""

    today: datetime.date
    options: tuple[datetime.date, ...] = ()  # first days of the offered sprint options, in order
    sprint_day: datetime.date | None = None  # booked sprint's first day
