"""What the matcher reads in an idea, pure: the query a caller gives, and what the lexicon and
the gazetteer make of it (themes, needs, equipment, food, wheelchair, head count, where the
resident lives, the words corrected for typos)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from knowledge.catalogue import NEEDS, Catalogue
from knowledge.text import ROUGH_COUNTS, normalise
from knowledge.vocabulary import stop_words, term

GROUP_WORDS = ("association", "informal", "alone")
_PEOPLE = (
    r"personnes?|gens|participants?|invites?|people|guests?|habitants?|voisins?|enfants?|"
    r"adultes?|kids?|children|residents?|joueurs?|benevoles?|familles?|jeunes|seniors?|ados?"
)
_HEADCOUNT = re.compile(rf"\b(\d{{1,4}})(?: a \d{{1,4}})? ({_PEOPLE})\b")
_ROUGH = re.compile(r"\b(?:une |un )?(" + "|".join(ROUGH_COUNTS) + r")\b")


@dataclass(frozen=True)
class IdeaQuery:
    text: str
    quartier: str | None = None
    group: str | None = None
    needs: frozenset[str] | None = None  # None: read them from the text
    top: int = 5
    headcount: int | None = None  # None: read it from the text


@dataclass(frozen=True)
class Understanding:
    """What the matcher read in the idea; shown in tests and useful to explain a result."""

    quartier: str | None
    commune: str | None  # the resident's commune, when known (from the quartier or named)
    group: str | None
    needs: tuple[str, ...]
    themes: frozenset[str]
    equipment: frozenset[str]
    wheelchair: bool
    food: bool
    headcount: int | None
    words: tuple[str, ...]


def understand(catalogue: Catalogue, query: IdeaQuery) -> Understanding:
    text = query.text
    lexicon = catalogue.lexicon
    found: dict[str, list[str]] = defaultdict(list)
    for hit in lexicon.hits(text, catalogue.gazetteer.name_words):
        if lexicon.negated(text, hit):
            continue
        if hit.value not in found[hit.category]:
            found[hit.category].append(hit.value)
    needs = (
        tuple(n for n in NEEDS if n in query.needs)
        if query.needs
        else tuple(n for n in found["need"] if n in NEEDS)
    )
    headcount = query.headcount or _headcount(normalise(text))
    wheelchair = "wheelchair" in found["flag"]
    if not needs and not query.needs and (headcount or wheelchair):
        needs = ("place",)  # people to seat: a place is implied
    group = query.group
    if group is None:
        group = next((g for g in GROUP_WORDS if g in found["group"]), None)
    quartier, commune = _place(catalogue, query.quartier) if query.quartier else (None, None)
    if quartier is None and commune is None and query.quartier is None:
        quartier = catalogue.gazetteer.find_quartier(text)
    if quartier is not None:
        commune = catalogue.gazetteer.commune_of(quartier)
    words: list[str] = []
    stop = stop_words()
    for word in normalise(text).split():
        if word in stop or len(word) < 2:
            continue
        corrected = catalogue.correct(word)
        words.append(term(corrected or word))
    return Understanding(
        quartier=quartier,
        commune=commune,
        group=group,
        needs=needs,
        themes=frozenset(found["theme"]),
        equipment=frozenset(found["equipment"]),
        wheelchair=wheelchair,
        food="food" in found["flag"],
        headcount=headcount,
        words=tuple(dict.fromkeys(words)),
    )


def _place(catalogue: Catalogue, value: str) -> tuple[str | None, str | None]:
    """(quartier, commune) for where the resident lives: a quartier, or a commune without
    quartiers (a rural commune's residents give its name)."""
    gazetteer = catalogue.gazetteer
    territory_id = catalogue.resolve(value) or gazetteer.find_quartier(value, whole_answer=True)
    territory = gazetteer.get(territory_id) if territory_id else None
    if territory is None:
        return None, None
    if territory.level == "quartier":
        return territory.id, gazetteer.commune_of(territory.id)
    return None, gazetteer.commune_of(territory.id)


def _headcount(flat: str) -> int | None:
    counts = [int(m.group(1)) for m in _HEADCOUNT.finditer(flat)]
    counts += [ROUGH_COUNTS[m.group(1)] for m in _ROUGH.finditer(flat)]
    counts = [c for c in counts if 2 <= c <= 5000]
    return max(counts) if counts else None
