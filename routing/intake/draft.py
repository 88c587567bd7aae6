"""The intake's vocabulary: slots, answers and the draft an idea grows into. Pure data.

Flow map (one question per message; any slot already known is skipped)::

    NEW ─/start─▶ LISTENING ─idea─▶ ASKING(neighbourhood → needs → group → timing → consent)
                                                   │ all known
                                                   ▼
               /annuler ◀── SUMMARY (edit a field ⇄ ASKING, then back) ──confirm──▶ SUBMITTED
    Commands (/aide /recommencer /annuler /suivi /humain /mesdonnees /oublier /langue) work from
    every step; /oublier and /langue go through a confirmation step and come back where they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from infra.frozen import replace


class Slot(StrEnum):
    IDEA = "idea"
    NEIGHBOURHOOD = "neighbourhood"
    NEEDS = "needs"
    GROUP = "group"
    TIMING = "timing"
    CONSENT = "consent"
    TITLE = "title"  # never asked: corrected from the summary


class Need(StrEnum):
    PLACE = "place"
    FUNDING = "funding"
    LEGAL = "legal"
    EQUIPMENT = "equipment"
    PARTNERS = "partners"
    SKILLS = "skills"
    PEERS = "peers"


class Group(StrEnum):
    ALONE = "alone"
    INFORMAL = "informal"
    ASSOCIATION = "association"


class Timing(StrEnum):
    ASAP = "asap"
    WITHIN_3_MONTHS = "within_3_months"
    THIS_YEAR = "this_year"
    NO_DATE = "no_date"


ELSEWHERE = "elsewhere"
SLOT_ORDER = (Slot.NEIGHBOURHOOD, Slot.NEEDS, Slot.GROUP, Slot.TIMING, Slot.CONSENT)
EDITABLE = (Slot.TITLE, Slot.IDEA, Slot.NEIGHBOURHOOD, Slot.NEEDS, Slot.GROUP, Slot.TIMING)
IDEA_MAX_CHARS = 20_000
TITLE_MAX_CHARS = 80
SHORT_TITLE_CHARS = 50  # a title the resident types in


@dataclass(frozen=True)
class Draft:
    """What the resident told so far. ``needs`` is None until asked or found in their words."""

    text: str = ""
    title: str | None = None
    neighbourhood: str | None = None
    needs: frozenset[Need] | None = None
    group: Group | None = None
    timing: Timing | None = None
    timing_words: str | None = None
    themes: frozenset[str] = field(default_factory=frozenset)
    consent: bool | None = None
    source: str | None = None

    def known(self, slot: Slot) -> bool:
        """Whether the resident told ``slot`` (the idea: some words; the consent: a yes)."""
        if slot is Slot.IDEA:
            return bool(self.text)
        if slot is Slot.CONSENT:
            return bool(self.consent)
        # the other slots store their answer as it is, in the field the slot's value names
        return getattr(self, slot.value) is not None

    def missing(self) -> list[Slot]:
        return [slot for slot in SLOT_ORDER if not self.known(slot)]

    def merge(self, found: Draft) -> Draft:
        """Fill what is unknown from ``found``; never overwrite what the resident already said."""
        return replace(
            self,
            neighbourhood=self.neighbourhood or found.neighbourhood,
            needs=(self.needs or frozenset()) | found.needs if found.needs else self.needs,
            group=self.group or found.group,
            timing=self.timing or found.timing,
            timing_words=self.timing_words or found.timing_words,
            themes=self.themes | found.themes,
        )


def make_title(text: str) -> str:
    """A short title from the resident's first sentence, cut on a word boundary."""
    first = text.strip().split("\n", 1)[0]
    for stop in (". ", "! ", "? "):
        first = first.split(stop, 1)[0]
    first = " ".join(first.split())
    if len(first) <= TITLE_MAX_CHARS:
        return first
    cut = first[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def short_title(text: str) -> str:
    """A title typed by the resident, on one line, cut to ``SHORT_TITLE_CHARS`` on a word."""
    flat = " ".join(text.split()).strip(" .!?«»\"'")
    if len(flat) <= SHORT_TITLE_CHARS:
        return flat
    return flat[: SHORT_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
