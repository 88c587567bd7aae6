"""Slots a message gives: place, needs, group, timing and exact day, head count, themes, option.

Needs, themes, group and timing phrases come from the shared intake lexicon
(``knowledge.lexicon``) plus this layer's ``data/vocabulary.yaml``, matched with the lexicon's
typo tolerance and negation window. Places come from the city (``places.Places``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

from knowledge.lexicon import Hit, Lexicon, intake_entries
from knowledge.text import ROUGH_COUNTS, tokens
from knowledge.word_lists import read_lists, read_phrases, read_words
from routing.understanding import dates, rules
from routing.understanding.model import ELSEWHERE, Context, Intent, Slots, Step
from routing.understanding.normal import words
from routing.understanding.places import Places
from routing.understanding.spelling import spelled_out
from routing.understanding.themes import Reading, salient_themes

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "vocabulary.yaml"
# Place-name words shorter than this (« de », « la ») tell no place name.
PLACE_WORD_MIN = 3
# Sections of the vocabulary file that are not lexicon categories.
READINGS = frozenset({"not_typos", "theme_reading"})
NEEDS = ("place", "funding", "legal", "equipment", "partners", "skills", "peers")
_PEOPLE = (
    r"personnes?|gens|participants?|invites?|people|guests?|habitants?|voisins?|enfants?|"
    r"adultes?|kids?|children|residents?|joueurs?|benevoles?|familles?|jeunes|seniors?|ados?|"
    r"neighbou?rs?|members?|membres?|adherents?|locataires?|families|participants?|visiteurs?|"
    r"visitors?|eleves?|parents?|mamans?|retraites?|spectateurs?|folks|ppl"
)
_HEADCOUNT = re.compile(rf" (?:pour |for |environ |about |around |de )?(\d{{1,4}}) (?:{_PEOPLE}) ")
# Words between « on sera » and the number: « environ », « plutôt », « au moins », « maybe ».
_ABOUT = (
    r"(?:(?:environ|about|around|roughly|approximately|a peu pres|genre|presque|pres de|plutot|"
    r"au moins|au minimum|peut etre|sans doute|probablement|bien|plus de|at least|maybe|"
    r"probably|more like|over|more than) )*"
)
_WE_ARE = re.compile(
    r" (?:on est|on sera|on serait|nous sommes|nous serons|nous serions|we are|we re|we ll be|"
    rf"we will be|there will be|there ll be|il y aura) {_ABOUT}(\d{{1,4}}) "
)
# « une salle pour 40 ? », « tables for 60 »: a number closing the message is people.
_FOR_LAST = re.compile(
    rf" (?:pour|for|up to|jusqu a) {_ABOUT}(\d{{1,4}}) (?:(?:please|svp|stp|merci|thanks) )*$"
)
_ROUGHLY = {**ROUGH_COUNTS, "douzaine": 12}  # the understanding reads « une douzaine » too
NUMBERS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "dix": 10, "douze": 12,
    "quinze": 15, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "cent": 100, "deux cents": 200, "trois cents": 300, "mille": 1000,
    "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "a hundred": 100,
    "hundred": 100, "a dozen": 12, "dozen": 12, "two hundred": 200,
}  # fmt: skip
NUMBER_WORDS = re.compile(r"(?<= )(" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")(?= )")
# « entre 30 et 40 », « 20 à 30 », « between 40 and 50 »: the upper bound is what to plan for.
_RANGE = re.compile(r" (?:entre |between )?\d{1,4} (?:et|and|a|to|ou|or) (\d{1,4}) ")
_OF_US = re.compile(r" (\d{1,4}) of us ")
_ROUGH = re.compile(r" (?:une |un )?(" + "|".join(_ROUGHLY) + r") ")
TIMING_WORDS = re.compile(
    r" (date|dates|decal\w*|deplac\w*|repousse\w*|report\w*|avanc\w*|move|reschedule|postpone|"
    r"jour|day|printemps|ete|automne|hiver|spring|summer|autumn|winter|mois|month) "
)
# English month names that are everyday words too (« we may », « a march »).
AMBIGUOUS_MONTHS = frozenset({"may", "march"})
MONTH_LEADS = frozenset({"in", "by", "until", "early", "late", "mid", "of", "next", "this", "en"})
# Feasts named by residents: their next date (month, day).
MOMENTS = {
    "noel": (12, 25),
    "christmas": (12, 25),
    "nouvel an": (1, 1),
    "new year": (1, 1),
    "paques": (4, 5),
    "easter": (4, 5),
    "fete de la musique": (6, 21),
    "14 juillet": (7, 14),
    "halloween": (10, 31),
}
# Phrases the shared lexicon reads otherwise, or not at all, for this layer's buckets.
TIMING_OVERRIDES = (
    (
        "asap",
        re.compile(
            r" (le plus (tot|vite) possible|au plus vite|dans la semaine|this week|"
            r"(meilleurs|plus brefs) delais|sans tarder|des maintenant|tres vite) "
        ),
    ),
    (
        "within_3_months",
        re.compile(
            r" (quinze jours|15 jours|(deux|2|trois|3|quelques) semaines|semaine prochaine|"
            r"next week|(two|2|three|3|few) weeks|un mois|1 mois|next month|"
            r"\d{1,2} jours|fin du mois|ce mois ci|end of the month|this month|"
            r"(premier|1er) trimestre|first quarter|avant (noel|la fin de l annee)) "
        ),
    ),
    (
        "this_year",
        re.compile(
            r" (annee prochaine|an prochain|next year|dans (six|6|huit|8|neuf|9) mois|"
            r"in (six|6|eight|8|nine|9) months|d ici un an|within a year) "
        ),
    ),
    (
        "no_date",
        re.compile(
            r" (rien ne presse|pas presse\w*|no rush|no hurry|pas urgent|aucune echeance|"
            r"pas (encore )?(arrete|fixe|choisi|decide|defini) (de|la|une|d) date|"
            r"pas d echeance|sans echeance|no deadline|peu importe|n importe quand|osef|"
            r"quand (ca|cela) (vous|t|te|nous) (arrange|convient|va)|any time|anytime) "
        ),
    ),
)
HAVE = re.compile(
    r" (on a|nous avons|on dispose|disposons|dispose|j ai|we have|we ve got|we ve|"
    r"porte|portee|portes|run by|carried by) "
)
# Words that ask for help in general: the need is the one they name (« un accompagnement
# juridique », « advice on funding », « un accompagnement pour rédiger les statuts ») when another
# need is within a few words.
GENERIC_HELP = frozenset(
    {"accompagnement", "conseil", "un conseil", "de conseil", "des conseil", "advice", "aide pour",
     "help with", "coup de main", "expertise"}
)  # fmt: skip
HELP_REACH = 5
NEED_VERBS = re.compile(
    r" (besoin|faut|faudr\w*|need|needs|cherch\w*|recherch\w*|manque\w*|looking) "
)
STORE = re.compile(r" (stock\w*|stok\w*|range\w*|entrepos\w*|store|storing|storage|keep) ")
# « nos bénévoles », « our tools »: what the group already has is not a need.
OURS = frozenset({"nos", "notre", "our", "mes", "mon", "ma", "my"})
HAVE_WINDOW = 4
# « we have no room », « on a pas de salle », « j'ai aucun local »: having none is a need.
LACK = re.compile(r" (no|not|none|pas|plus|aucun|aucune|zero|rien|ni|never) ")
NO_NEED = re.compile(
    r" (pas|plus|no|not|don t|do not|sans|without|deja|already) (\w+ )?(besoin|need|needed) "
    r"| (sans|without|deja|already) "
)
PLACE_TURNS = re.compile(
    r" (?=(?:pas|not|non|mais|but|plutot|rather|actually|instead) )| (?:c est|it s|it is|en fait) "
)
DENIAL = re.compile(r"^ ?(pas|not|non) ")
TITLE_WORDS = re.compile(r" (titre|title|intitule|nom du projet) ")
# A season means its next start (month, day): « au printemps » said on 3 December is after
# the first three months, so within the year ahead, not « within 3 months ».
SEASONS = {
    "printemps": (3, 20),
    "ete": (6, 21),
    "rentree": (9, 1),
    "automne": (9, 22),
    "hiver": (12, 21),
    "spring": (3, 20),
    "summer": (6, 21),
    "autumn": (9, 22),
    "fall": (9, 22),
    "winter": (12, 21),
}


def merged_entries(
    extra: Mapping[str, Mapping[str, Sequence[str]]],
) -> dict[str, dict[str, tuple[str, ...]]]:
    merged = {c: dict(v) for c, v in intake_entries().items()}
    for category, values in extra.items():
        for value, phrases in values.items():
            old = merged.setdefault(category, {}).get(value, ())
            merged[category][value] = (*old, *phrases)
    return merged


@cache
def default_vocabulary() -> Lexicon:
    """The intake lexicon with this layer's extra words (built once per process)."""
    return Lexicon(merged_entries(read_phrases(VOCABULARY_FILE, skip=READINGS)))


@cache
def theme_reading() -> Reading:
    """How theme words are weighed (``themes.salient_themes``), from ``theme_reading``: a list
    of words for each of ``Reading``'s fields, and ``only_after`` word → words."""
    data: dict[str, object] = {
        f.name: read_words(VOCABULARY_FILE, f"theme_reading.{f.name}")
        for f in fields(Reading)
        if f.name != "only_after"
    }
    data["only_after"] = read_lists(VOCABULARY_FILE, "theme_reading.only_after")
    return Reading.from_data(data)


@cache
def not_typos() -> frozenset[str]:
    """Ordinary words the lexicon's typo tolerance would read as one of its own (« agent » as
    « argent », « finalement » as « financement »): kept as they are."""
    return frozenset(read_words(VOCABULARY_FILE, "not_typos"))


class SlotReader:
    def __init__(self, places: Places | None, vocabulary: Lexicon) -> None:
        self.places = places
        self.vocabulary = vocabulary
        # The words of the city's place names (« bois », « fleuri »), not their « de » or « la ».
        self.place_words: frozenset[str] = frozenset(
            w for w in getattr(places, "name_words", ()) or () if len(w) > PLACE_WORD_MIN
        )
        self.protected: frozenset[str] = (
            frozenset(getattr(places, "name_words", ()) or ()) | not_typos()
        )

    def read(self, text: str, context: Context) -> Slots:
        """Every slot the words give, whatever the intent."""
        original, text = text, spelled_out(text)
        hits = self._hits(text)
        needs = tuple(n for n in NEEDS if any(h.category == "need" and h.value == n for h in hits))
        themes = self._themes(hits, text, original)
        day = dates.exact_date(original, context.today)
        timing = dates.bucket(day, context.today) if day else self._timing(text, hits, context)
        place = self._place(original) or self._place(text)
        group = self._group(hits, text)
        slots = Slots(
            neighbourhood=place,
            needs=needs,
            group=group,
            timing=timing,
            date=day,
            headcount=headcount(text),
            themes=themes,
        )
        return slots

    def _hits(self, text: str) -> list[Hit]:
        return _longest_needs(
            [
                h
                for h in self.vocabulary.hits(text, self.protected)
                if h.category in ("timing", "need") or not self.vocabulary.negated(text, h)
            ],
            text,
        )

    def _themes(self, hits: list[Hit], text: str, original: str) -> tuple[str, ...]:
        return salient_themes(
            [h for h in hits if h.category == "theme" and not self._in_a_place_name(text, h)],
            text,
            original,
            theme_reading(),
        )

    @staticmethod
    def settle(slots: Slots, text: str, step: Step, intent: Intent, context: Context) -> Slots:
        """What depends on the intent: the option chosen, the field a correction changes."""
        if step is Step.SPRINT_OPTIONS and intent is Intent.ANSWER:
            option = rules.option(text, context.options, context.today)
            return replace(slots, option=option)
        if intent is Intent.CORRECTION:
            return replace(slots, corrects=corrects(text, slots))
        return slots

    def _in_a_place_name(self, text: str, hit: Hit) -> bool:
        """« Bois Fleury » names a quartier, not a garden: a theme word that misspells a place
        word, right next to another word of that place name."""
        spoken = tokens(text)
        words_of_hit = [w for w in spoken[hit.start : hit.end] if len(w) > 3]
        beside = {*spoken[max(0, hit.start - 1) : hit.start], *spoken[hit.end : hit.end + 1]}
        return (
            bool(words_of_hit)
            and bool(beside & self.place_words)
            and all(
                process.extractOne(w, self.place_words, scorer=fuzz.ratio, score_cutoff=80)
                for w in words_of_hit
            )
        )

    def _place(self, text: str) -> str | None:
        """The place the text settles on: « c'est pas la Gare, c'est aux Glycines » → glycines.

        The text is cut at « c'est », « mais », « plutôt », « pas »…; the last piece that names
        a place and does not deny it wins, else the whole text is read.
        """
        if self.places is None:
            return None
        pieces = PLACE_TURNS.split(words(text))
        if len(pieces) > 1:
            for piece in reversed(pieces):
                if piece.strip() and not DENIAL.match(piece):
                    found = self.places.find(piece)
                    if found and found != ELSEWHERE:
                        return found
        return self.places.find(text)

    @staticmethod
    def _group(hits: list[Hit], text: str) -> str | None:
        found = {h.value for h in hits if h.category == "group"}
        for candidate in ("association", "alone", "informal"):
            if candidate in found:
                if candidate == "association" and re.search(
                    r" (creer|fonder|monter|lancer|create|start|set up) (\w+ ){0,2}(asso|club)",
                    text,
                ):
                    continue
                return candidate
        return None

    @staticmethod
    def _timing(text: str, hits: list[Hit], context: Context) -> str | None:
        """Words that name a moment are dated from today first (« cet été » said in December
        is within the year ahead); then the lexicon's phrases (« dès que possible »)."""
        padded = words(text)
        for phrase, (month, day) in MOMENTS.items():
            if f" {phrase} " in padded:
                return _next_bucket(month, day, context.today)
        for word, (month, day) in SEASONS.items():
            if f" {word} " in padded:
                return _next_bucket(month, day, context.today)
        year = re.search(r" (?:en|in|for|pour|d ici|courant|annee|during|of|de) (20\d\d) ", padded)
        if year and int(year.group(1)) > context.today.year:
            return "this_year" if int(year.group(1)) == context.today.year + 1 else None
        for bucket, pattern in TIMING_OVERRIDES:
            if pattern.search(padded):
                return bucket
        for h in hits:
            if h.category == "timing":
                return h.value
        tokens = padded.split()
        for i, word in enumerate(tokens):
            named = dates.month_number(word)
            if named is None:
                continue
            if word in AMBIGUOUS_MONTHS and (i == 0 or tokens[i - 1] not in MONTH_LEADS):
                continue
            return _next_bucket(named, 1, context.today)
        return None


def _longest_needs(hits: list[Hit], text: str) -> list[Hit]:
    """Needs named by the longest phrase (« local shops » is partners, not a « local ») and not
    already met (« on a des outils », « nous disposons de bénévoles »)."""
    spoken = tokens(text)  # the words the hits count (« c » is « c est » there)
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: h.start - h.end):
        if hit.category != "need":
            kept.append(hit)
            continue
        if any(
            k.category == "need"
            and k.value != hit.value
            and k.start < hit.end
            and hit.start < k.end
            for k in kept
        ):
            continue
        before = " " + " ".join(spoken[max(0, hit.start - HAVE_WINDOW) : hit.start]) + " "
        had = HAVE.search(before)
        if had and not NEED_VERBS.search(before) and not LACK.search(before[had.end() - 1 :]):
            continue
        if hit.start and spoken[hit.start - 1] in OURS:
            continue
        if hit.value == "equipment" and STORE.search(before):
            continue  # « un local pour stocker le matériel »: the need is the place
        if NO_NEED.search(before):  # « pas besoin de salle »; but « pas d'argent » is a need
            continue
        kept.append(hit)
    return [h for h in kept if not _help_with_another_need(h, kept)]


def _help_with_another_need(hit: Hit, hits: list[Hit]) -> bool:
    return (
        hit.category == "need"
        and hit.value == "skills"
        and hit.phrase in GENERIC_HELP
        and any(
            other.category == "need"
            and other.value != "skills"
            and (0 <= other.start - hit.end < HELP_REACH or 0 <= hit.start - other.end <= 1)
            for other in hits
        )
    )


def _next_bucket(month: int, day: int, today: datetime.date) -> str:
    """The bucket of the next (month, day) to come; the current month counts as now."""
    if month == today.month and day <= today.day:
        return "within_3_months"
    start = datetime.date(today.year, month, day)
    if start < today:
        start = start.replace(year=today.year + 1)
    return dates.bucket(start, today)


def headcount(text: str) -> int | None:
    """People expected: « 80 personnes », « on sera 15 », « une trentaine », « fifty people »."""
    padded = NUMBER_WORDS.sub(lambda m: str(NUMBERS[m.group(1)]), words(text))
    padded = _RANGE.sub(r" \1 ", padded)  # « entre 30 et 40 » people: up to 40
    counts = [int(m.group(1)) for m in _HEADCOUNT.finditer(padded)]
    counts += [int(m.group(1)) for m in _OF_US.finditer(padded)]
    counts += [int(m.group(1)) for m in _WE_ARE.finditer(padded)]
    counts += [_ROUGHLY[m.group(1)] for m in _ROUGH.finditer(padded)]
    counts += [int(m.group(1)) for m in _FOR_LAST.finditer(padded)]
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
