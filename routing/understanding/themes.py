"""The themes of a message: those of the activity it proposes, not every theme word it holds.

A resident's idea names one activity and often much around it: who writes (« je suis
retraité », « maman de deux enfants »), where (« à la salle des fêtes »), what comes with it
(« suivi d'un goûter »), why (« pour que les anciens s'y retrouvent »). Only the activity's
themes, and the people it is for, say what the idea is about. Salience, in order:

1. The activity is the first theme word after the first word that introduces it (a verb of
   proposing, « idée », « projet », « would like »…), or the first theme word when none does.
   A theme word naming a venue (« la salle des fêtes », « à la bibliothèque ») comes after all
   the others.
2. Theme words joined to it in the same noun phrase (« fête de la musique », « atelier vélo »,
   « tournoi de foot et de basket ») are as salient as it is.
3. People it is for or done with (« pour les seniors », « avec les jeunes ») are kept when they
   follow it in the same sentence, outside a clause of their own (« pour que les enfants… »).

Everything else is dropped. The words this reads come from ``data/vocabulary.yaml``
(``theme_reading``); the pieces of the text between punctuation come from the resident's own
text, since the lexicon reads words without it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from knowledge.lexicon import Hit
from knowledge.resources import PROFILE_THEMES, canonical_theme
from knowledge.text import tokens
from routing.understanding.spelling import spelled_out

THEMES = frozenset(PROFILE_THEMES)
# Who the group is, not what it does: « une association de parents », « une vingtaine de familles »,
# « a group of parents ». A people theme right after these is dropped; after « pour » it stays.
PEOPLE_THEMES = frozenset({"parenting", "youth", "elderly"})
WHO_BEFORE = re.compile(
    r" (association|asso|collectif|groupe|group|comite|conseil|amicale|bande|club|dizaine|"
    r"douzaine|quinzaine|vingtaine|trentaine|quarantaine|cinquantaine|centaine|quelques|"
    r"plusieurs|\d+) (de|des|d|du|of) $"
)
FOR = re.compile(r" (pour|for|to|aux|avec|with) ")
# Bikes mended in a repair workshop are its object, not a mobility project; a bike workshop
# (« atelier vélo ») is both.
REPAIR_OBJECTS = frozenset({"mobility"})
BIKE_WORKSHOPS = frozenset({"atelier velo", "bike workshop", "bike repair", "cycle workshop"})
# Punctuation that ends a sentence, and the comma, which ends a phrase but not a sentence.
SENTENCE_END = re.compile(r"[!?;…\n]+|(?<!\d)[.:]+(?!\d)")
COMMA = re.compile(r",")
# A people word at most this many words after « pour », « with »… is who the activity is for.
BENEFICIARY_REACH = 4
AND = frozenset({"et", "and", "ou", "or"})
# « je suis maman de deux enfants »: at most this many words between « je suis » and the word.
WHO_REACH = 4
# Words that may join two theme words of one noun phrase (« fête de la musique »).
LINK_REACH = 3
ARTICLES = frozenset(
    {"la", "le", "les", "l", "the", "un", "une", "des", "du", "de", "d", "a", "an", "some"}
    | {"nos", "our"}
)


@dataclass(frozen=True)
class Reading:
    """The words ``theme_reading`` in ``data/vocabulary.yaml`` gives (see that file)."""

    leads: frozenset[str]
    links: frozenset[str]
    beneficiary: frozenset[str]
    amounts: frozenset[str]
    clause: frozenset[str]
    side: frozenset[str]
    youth_words: frozenset[str]
    identity: tuple[tuple[str, ...], ...]
    venues: tuple[tuple[str, ...], ...]
    place_words: frozenset[str]
    locatives: frozenset[str]
    only_after: Mapping[str, frozenset[str]]

    @cached_property
    def stops(self) -> frozenset[str]:
        """Words that end a description of who writes: the activity or its public starts."""
        return self.leads | self.beneficiary | self.clause | {"et", "and", "mais", "but"}

    @cached_property
    def identity_by_length(self) -> tuple[tuple[int, frozenset[tuple[str, ...]]], ...]:
        """``identity`` grouped by length: a hit looks up the words before it once per length
        instead of comparing them with every phrase (computed once, the same answers)."""
        return _by_length(self.identity)

    @cached_property
    def venues_by_length(self) -> tuple[tuple[int, frozenset[tuple[str, ...]]], ...]:
        """``venues`` grouped by length, as ``identity_by_length``."""
        return _by_length(self.venues)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Reading:
        def words(key: str) -> frozenset[str]:
            return frozenset(str(w) for w in data.get(key, ()))

        return cls(
            leads=words("leads"),
            links=words("links"),
            beneficiary=words("beneficiary"),
            amounts=words("amounts"),
            clause=words("clause"),
            side=words("side"),
            youth_words=words("youth_words"),
            identity=tuple(tokens(str(v)) for v in data.get("identity", ())),
            venues=tuple(tokens(str(v)) for v in data.get("venues", ())),
            place_words=words("place_words"),
            locatives=words("locatives"),
            only_after={
                str(k): frozenset(str(w) for w in v)
                for k, v in (data.get("only_after") or {}).items()
            },
        )


@dataclass(frozen=True)
class Candidate:
    value: str
    hit: Hit
    venue: bool  # the word names where it happens, not what


def salient_themes(
    hits: Sequence[Hit], text: str, original: str, reading: Reading
) -> tuple[str, ...]:
    """The themes of the activity ``text`` proposes. ``hits`` are the lexicon's theme hits on
    ``text`` (the spelled-out ``original``); ``original`` gives the punctuation."""
    spoken = tokens(text)
    candidates = _candidates(hits, spoken, reading)
    if len({c.value for c in candidates}) < 2:  # nothing to weigh
        return tuple({c.value: None for c in candidates})
    sentence, phrase = _pieces(original, len(spoken))
    lead = next((i for i, w in enumerate(spoken) if w in reading.leads), len(spoken))
    main = min(
        candidates,
        key=lambda c: (c.venue, c.hit.start <= lead, c.hit.start, c.hit.start - c.hit.end),
    )
    joinable = [c for c in candidates if not c.venue or c is main]
    chain = _noun_phrase(main, joinable, spoken, phrase, reading)
    end = max(c.hit.end for c in chain)
    start = min(c.hit.start for c in chain)
    chosen = [*chain, *_for_whom(start, end, candidates, spoken, sentence, phrase, reading)]
    workshops = [c.hit for c in chain if c.hit.phrase in BIKE_WORKSHOPS]
    explicit_repair = any(c.value == "repair" and c.hit not in workshops for c in chain)
    return tuple(
        dict.fromkeys(
            c.value
            for c in chosen
            if not (
                explicit_repair
                and c.value in REPAIR_OBJECTS
                and not any(w.start <= c.hit.start and c.hit.end <= w.end for w in workshops)
            )
        )
    )


def _candidates(hits: Sequence[Hit], spoken: tuple[str, ...], reading: Reading) -> list[Candidate]:
    """Theme words that may be read at all: a people word naming who the group is (« association
    de parents ») is not one, nor a homograph in its other sense (« le marché », « ça marche »)."""
    kept: list[Candidate] = []
    for hit in hits:
        value = canonical_theme(hit.value)
        if hit.phrase in reading.youth_words and value in PEOPLE_THEMES:
            value = "youth"
        if value not in THEMES:
            continue
        before = " " + " ".join(spoken[max(0, hit.start - 2) : hit.start]) + " "
        lead = " " + " ".join(spoken[max(0, hit.start - 4) : hit.start - 2]) + " "
        if value in PEOPLE_THEMES and WHO_BEFORE.search(before) and not FOR.search(lead):
            continue
        if _who_writes(hit, spoken, reading):
            continue
        if _inside_a_longer(hit, hits):
            continue  # « jeunes parents » are parents, « arbres fruitiers » an orchard
        needed = reading.only_after.get(hit.phrase)
        if needed is not None and (hit.start == 0 or spoken[hit.start - 1] not in needed):
            continue
        kept.append(Candidate(value, hit, _is_venue(hit, spoken, reading)))
    return kept


def _inside_a_longer(hit: Hit, hits: Sequence[Hit]) -> bool:
    """The longest phrase says what the words mean; a bike workshop is about bikes too."""
    return any(
        h.category == "theme"
        and h.phrase not in BIKE_WORKSHOPS
        and h.start <= hit.start
        and hit.end <= h.end
        and h.end - h.start > hit.end - hit.start
        for h in hits
    )


def _by_length(
    phrases: Sequence[tuple[str, ...]],
) -> tuple[tuple[int, frozenset[tuple[str, ...]]], ...]:
    lengths = sorted({len(p) for p in phrases})
    return tuple((n, frozenset(p for p in phrases if len(p) == n)) for n in lengths)


def _who_writes(hit: Hit, spoken: tuple[str, ...], reading: Reading) -> bool:
    """« je suis étudiante », « je suis maman de deux enfants », « nous sommes des parents
    d'élèves », « I'm a dad »: who writes, not what the idea is about. The words between must
    not introduce the activity (« je suis ravie d'organiser un tournoi »)."""
    stops, identity = reading.stops, reading.identity_by_length
    for start in range(hit.start, max(-1, hit.start - WHO_REACH - 1), -1):
        if start < hit.start and spoken[start] in stops:
            return False
        if any(start >= n and spoken[start - n : start] in same for n, same in identity):
            return True
    return False


def _is_venue(hit: Hit, spoken: tuple[str, ...], reading: Reading) -> bool:
    """« la salle des fêtes », « au jardin public », « at the library »: where, not what."""
    for n, venues in reading.venues_by_length:
        for start in range(max(0, hit.start - n + 1), hit.start + 1):
            if hit.end <= start + n and spoken[start : start + n] in venues:
                return True
    if hit.phrase not in reading.place_words:
        return False
    before = list(spoken[max(0, hit.start - 2) : hit.start])
    if before and before[-1] in ARTICLES:
        before = before[:-1]
    return bool(before) and before[-1] in reading.locatives


def _noun_phrase(
    main: Candidate,
    candidates: Sequence[Candidate],
    spoken: tuple[str, ...],
    phrase: Sequence[int],
    reading: Reading,
) -> list[Candidate]:
    """The main theme word and those joined to it: overlapping it, or after it with only
    linking words between, in the same phrase (no comma or full stop between)."""
    chain = [c for c in candidates if c.hit.start < main.hit.end and main.hit.start < c.hit.end]
    end = max(c.hit.end for c in chain)
    for c in sorted(candidates, key=lambda c: c.hit.start):
        if c in chain or c.hit.start < end:
            continue
        gap = spoken[end : c.hit.start]
        if (
            len(gap) <= LINK_REACH
            and all(w in reading.links for w in gap)
            and phrase[end - 1] == phrase[c.hit.start]
        ):
            joined = [o for o in candidates if o.hit.start < c.hit.end and c.hit.start < o.hit.end]
            chain += [o for o in joined if o not in chain]
            end = max(o.hit.end for o in chain)
        else:
            break
    return chain


def _for_whom(
    start: int,
    end: int,
    candidates: Sequence[Candidate],
    spoken: tuple[str, ...],
    sentence: Sequence[int],
    phrase: Sequence[int],
    reading: Reading,
) -> list[Candidate]:
    """People the activity (words ``start`` to ``end``) is for or done with: « pour les seniors »,
    « with teenagers » later in its sentence, or « Pour les jeunes, … » opening it; not inside a
    clause of their own (« pour que les enfants… »)."""
    found: list[Candidate] = []
    first = sentence.index(sentence[start])  # where the activity's sentence starts
    for c in sorted(candidates, key=lambda c: c.hit.start):
        if c.value not in PEOPLE_THEMES or sentence[c.hit.start] != sentence[start]:
            continue
        if c.hit.start >= end:  # « un tournoi de foot pour les jeunes »
            between = spoken[end : c.hit.start]
            ok = _after_for(c.hit, spoken, end, reading) and not _of_a_side_thing(
                c.hit, end, spoken, phrase, reading
            )
        elif c.hit.end <= start:  # « Pour les jeunes du quartier, on voudrait un tournoi »
            between = spoken[first:start]
            ok = _after_for(c.hit, spoken, first, reading) and spoken[first] in reading.beneficiary
        else:
            continue
        if not ok and found:  # « pour les anciens et les jeunes »
            between = spoken[found[-1].hit.end : c.hit.start]
            ok = bool(between) and all(w in AND or w in ARTICLES for w in between)
        if ok and not any(w in reading.clause for w in between):
            found.append(c)
    return found


def _of_a_side_thing(
    hit: Hit, end: int, spoken: tuple[str, ...], phrase: Sequence[int], reading: Reading
) -> bool:
    """« une fête des voisins, avec un repas et des jeux pour les enfants »: after a comma, what
    comes « avec » the activity has its own public; « …, peinte avec les jeunes » does not."""
    sides = [
        i
        for i in range(end, hit.start)
        if spoken[i] in reading.side and phrase[i] != phrase[end - 1]
    ]
    if not sides:
        return False
    others = [
        w
        for w in spoken[sides[-1] + 1 : hit.start]
        if w not in ARTICLES and w not in reading.amounts and not w.isdigit()
    ]
    return len(others) > 1


def _after_for(hit: Hit, spoken: tuple[str, ...], end: int, reading: Reading) -> bool:
    """« pour les jeunes », « pour une centaine de jeunes », « for lonely older people »: a word
    of ``beneficiary`` before the people word, with only articles and amounts between, and at
    most one other word."""
    if spoken[hit.start] in reading.beneficiary:  # « pour les petits » is one phrase
        return True
    others = 0
    for word in reversed(spoken[max(end, hit.start - BENEFICIARY_REACH) : hit.start]):
        if word in reading.beneficiary:
            return True
        if word not in ARTICLES and word not in reading.amounts and not word.isdigit():
            others += 1
            if others > 1:
                return False
    return False


def _pieces(original: str, count: int) -> tuple[list[int], list[int]]:
    """For each word of the spelled-out text, the number of its sentence and of its phrase (a
    comma starts a new phrase). When the pieces do not add up to the same words (a shortcut
    read across a comma), the whole text is one sentence and one phrase."""
    sentence: list[int] = []
    phrase: list[int] = []
    number = 0
    for s, part in enumerate(SENTENCE_END.split(original)):
        for piece in COMMA.split(part):
            n = len(tokens(spelled_out(piece)))
            sentence += [s] * n
            phrase += [number] * n
            number += 1
    if len(sentence) != count:
        return [0] * count, [0] * count
    return sentence, phrase
