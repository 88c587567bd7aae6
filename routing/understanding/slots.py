"""Slots a message gives: place, needs, group, timing and exact day, head count, themes, option.

Needs, themes, group and timing phrases come from the shared intake lexicon
(``knowledge.lexicon``) plus this layer's ``data/vocabulary.yaml``, matched with the lexicon's
typo tolerance and negation window. Places come from the city (``places.Places``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import yaml

from knowledge.lexicon import ENTRIES, Lexicon
from knowledge.resources import canonical_theme
from routing.understanding import dates, rules
from routing.understanding.model import Context, Intent, Slots, Step
from routing.understanding.normal import words
from routing.understanding.places import Places

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "vocabulary.yaml"
THEMES = frozenset(
    [
        "garden",
        "food",
        "culture",
        "youth",
        "energy",
        "repair",
        "parenting",
        "sport",
        "mobility",
        "digital",
        "health",
        "housing",
        "environment",
        "elderly",
        "accessibility",
        "events",
    ]
)
NEEDS = ("place", "funding", "legal", "equipment", "partners", "skills", "peers")
_PEOPLE = (
    r"personnes?|gens|participants?|invites?|people|guests?|habitants?|voisins?|enfants?|"
    r"adultes?|kids?|children|residents?|joueurs?|benevoles?|familles?|jeunes|seniors?|ados?"
)
_HEADCOUNT = re.compile(rf" (?:pour |for |environ |about |around |de )?(\d{{1,4}}) (?:{_PEOPLE}) ")
_WE_ARE = re.compile(
    r" (?:on est|on sera|nous sommes|nous serons|we are|we re|we ll be) (\d{1,4}) "
)
_ROUGHLY = {
    "dizaine": 10,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
}
_ROUGH = re.compile(r" (?:une |un )?(" + "|".join(_ROUGHLY) + r") ")
TIMING_WORDS = re.compile(
    r" (date|dates|decal\w*|deplac\w*|repousse\w*|report\w*|avanc\w*|move|reschedule|postpone|"
    r"jour|day|printemps|ete|automne|hiver|spring|summer|autumn|winter|mois|month) "
)
# English month names that are everyday words too (« we may », « a march »).
AMBIGUOUS_MONTHS = frozenset({"may", "march"})
MONTH_LEADS = frozenset({"in", "by", "until", "early", "late", "mid", "of", "next", "this", "en"})
TITLE_WORDS = re.compile(r" (titre|title|intitule|nom du projet) ")
# A season means its next start: « au printemps » in December is within the year ahead.
SEASONS = {
    "printemps": 3,
    "ete": 6,
    "rentree": 9,
    "automne": 9,
    "hiver": 12,
    "spring": 3,
    "summer": 6,
    "autumn": 9,
    "fall": 9,
    "winter": 12,
}


def merged_entries(extra: Mapping[str, Mapping[str, list[str]]]) -> dict[str, dict[str, tuple]]:
    merged: dict[str, dict[str, tuple[str, ...]]] = {c: dict(v) for c, v in ENTRIES.items()}
    for category, values in extra.items():
        for value, phrases in values.items():
            old = merged.setdefault(category, {}).get(value, ())
            merged[category][value] = (*old, *phrases)
    return merged


@cache
def default_vocabulary() -> Lexicon:
    """The intake lexicon with this layer's extra words (built once per process)."""
    extra = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    return Lexicon(merged_entries(extra))


class SlotReader:
    def __init__(self, places: Places | None, vocabulary: Lexicon) -> None:
        self.places = places
        self.vocabulary = vocabulary
        self.protected: frozenset[str] = frozenset(getattr(places, "name_words", ()) or ())

    def read(self, text: str, step: Step, intent: Intent, context: Context) -> Slots:
        hits = [
            h
            for h in self.vocabulary.hits(text, self.protected)
            if not self.vocabulary.negated(text, h) or h.category == "timing"
        ]
        needs = tuple(n for n in NEEDS if any(h.category == "need" and h.value == n for h in hits))
        themes = tuple(
            dict.fromkeys(
                canonical_theme(h.value)
                for h in hits
                if h.category == "theme" and canonical_theme(h.value) in THEMES
            )
        )
        day = dates.exact_date(text, context.today)
        timing = dates.bucket(day, context.today) if day else self._timing(text, hits, context)
        option = None
        if step is Step.SPRINT_OPTIONS and intent is Intent.ANSWER:
            option = rules.option(text, context.options, context.today)
        place = self.places.find(text) if self.places is not None else None
        group = self._group(hits, text)
        slots = Slots(
            neighbourhood=place,
            needs=needs,
            group=group,
            timing=timing,
            date=day,
            headcount=headcount(text),
            themes=themes,
            option=option,
        )
        if intent is Intent.CORRECTION:
            return Slots(**{**slots.__dict__, "corrects": corrects(text, slots)})
        return slots

    @staticmethod
    def _group(hits: list, text: str) -> str | None:
        found = {h.value for h in hits if h.category == "group"}
        for candidate in ("association", "alone", "informal"):
            if candidate in found:
                if candidate == "association" and re.search(
                    r" (creer|fonder|monter|lancer|create|start) (une |l |an |a )?asso", words(text)
                ):
                    continue
                return candidate
        return None

    @staticmethod
    def _timing(text: str, hits: list, context: Context) -> str | None:
        padded = words(text)
        for h in hits:
            if h.category == "timing":
                return h.value
        for word, month in SEASONS.items():
            if f" {word} " in padded:
                return _month_bucket(month, context.today)
        tokens = padded.split()
        for i, word in enumerate(tokens):
            month = dates.month_number(word)
            if month is None:
                continue
            if word in AMBIGUOUS_MONTHS and (i == 0 or tokens[i - 1] not in MONTH_LEADS):
                continue
            return _month_bucket(month, context.today)
        return None


def _month_bucket(month: int, today: datetime.date) -> str:
    ahead = (month - today.month) % 12
    return "within_3_months" if ahead <= 3 else "this_year"


def headcount(text: str) -> int | None:
    padded = words(text)
    counts = [int(m.group(1)) for m in _HEADCOUNT.finditer(padded)]
    counts += [int(m.group(1)) for m in _WE_ARE.finditer(padded)]
    counts += [_ROUGHLY[m.group(1)] for m in _ROUGH.finditer(padded)]
    counts = [c for c in counts if 2 <= c <= 5000]
    return max(counts) if counts else None


def corrects(text: str, slots: Slots) -> str:
    """Which field a correction changes: the one it names or gives, else the idea itself."""
    padded = words(text)
    if TITLE_WORDS.search(padded):
        return "title"
    if slots.neighbourhood or re.search(r" (quartier|neighbourhood|neighborhood|adresse) ", padded):
        return "neighbourhood"
    if slots.date or TIMING_WORDS.search(padded):
        return "timing"
    if slots.group:
        return "group"
    if slots.needs:
        return "needs"
    return "idea"
