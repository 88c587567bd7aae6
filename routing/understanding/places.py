"""Where a message says the project is: any object with ``find(text) -> territory id | None``.

``GazetteerPlaces`` wraps the city's gazetteer (``knowledge.territory.Gazetteer``, read from the
database): its ``find`` (streets, quartiers, other territories), then, for a short answer to
« which quartier? », a looser match on quartier names, then « elsewhere » for a place said to be
outside the town. It also lends the place names to titles.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Protocol, runtime_checkable

from knowledge.territory import Gazetteer
from knowledge.text import remembered, tokens
from routing.understanding import dates
from routing.understanding.model import ELSEWHERE

# « pas à Rivebelle », « autre ville », « outside town »: the place is not one of ours.
OUTSIDE = frozenset({"ailleurs", "elsewhere", "outside", "hors"})
OTHER_TOWN = (
    ("autre", "ville"),
    ("autre", "commune"),
    ("another", "town"),
    ("other", "town"),
    ("not", "here"),
    ("pas", "ici"),
)
NOT_HERE = frozenset({"pas", "not", "hors"})
# Prepositions that put a town name in front of us (« à Lyon », « in Leeds »).
TOWN_LEADS = frozenset({"a", "in", "sur", "vers"})


# A town that is none of ours, named in a short answer (« je suis de Grenoble », « from Leeds »).
FOREIGN_MAX_WORDS = 6
FOREIGN_TOWN = re.compile(
    r"(?:^|\s)(?:à|a|de|d['’]|from|in|near|vers|pr[eè]s de)\s*(?P<name>[A-ZÀ-Ý][\w-]{2,})"
)
STREET_WORDS = frozenset(
    {
        "rue",
        "avenue",
        "av",
        "boulevard",
        "bd",
        "place",
        "allee",
        "chemin",
        "impasse",
        "quai",
        "road",
    }
    | {"street", "lane", "cours", "square", "residence", "ecole", "college", "lycee", "parc"}
)
# Capitalised words after « à » or « de » that are no town.
NOT_TOWNS = frozenset(
    {"noel", "paques", "halloween", "toussaint", "christmas", "easter", "madame", "monsieur"}
    | {"mairie", "maire", "merci", "bientot", "demain", "plus", "tous", "toutes", "vous", "nous"}
)


@runtime_checkable
class Places(Protocol):
    def find(self, text: str) -> str | None: ...


class GazetteerPlaces:
    """``find`` over the knowledge gazetteer, plus the territory's display name for titles."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.name_words = gazetteer.name_words
        # The town itself (« à Rivebelle ») or the whole area tells no quartier.
        self._too_wide = frozenset(q.parent for q in gazetteer.quartiers if q.parent) | frozenset(
            t.id for t in gazetteer.territories if t.level == "agglomeration"
        )
        # The same short answers come back often (« Tanneurs », « oui »); fuzzy search is the
        # costliest part of reading a message, so they are remembered (long texts, which may
        # say personal things, only briefly: ``knowledge.text.remembered``).
        self._remembered = remembered(self._find)

    def find(self, text: str) -> str | None:
        return self._remembered(text)

    def _find(self, text: str) -> str | None:
        short = len(tokens(text)) <= 4
        found = self.gazetteer.find(text) or (
            short and self.gazetteer.find_quartier(text, whole_answer=True)
        )
        if found and found not in self._too_wide:
            return found
        commune = self.gazetteer.find_other_commune(text)
        if commune:
            return commune
        words = tokens(text)
        pairs = set(pairwise(words))
        if set(words) & OUTSIDE or pairs & set(OTHER_TOWN):
            return ELSEWHERE
        if set(words) & self.gazetteer.home_words and set(words) & NOT_HERE:
            return ELSEWHERE
        if len(words) <= FOREIGN_MAX_WORDS and self._foreign_town(text):
            return ELSEWHERE
        return None

    def _foreign_town(self, text: str) -> bool:
        """« je suis de Grenoble », « à Lyon », « from Leeds »: a short answer naming, after « à »,
        « de » or « from », a capitalised name that is none of ours, nor a street, a month, a
        weekday or a feast."""
        for found in FOREIGN_TOWN.finditer(text):
            name = tokens(found.group("name"))
            if not name or set(name) & (self.name_words | self.gazetteer.home_words | NOT_TOWNS):
                continue
            if set(tokens(text[: found.start("name")])[-3:]) & STREET_WORDS:
                continue
            if dates.month_number(name[0]) is not None or dates.weekdays_named(name[0]):
                continue
            return True
        return False

    def name(self, territory_id: str) -> str | None:
        return self.gazetteer.name(territory_id)
