"""Territories as a hierarchy (quartier < commune < agglomeration) and a typo-tolerant gazetteer.

The city's geography lives in the database (``knowledge.city``); a ``Gazetteer`` is its
in-memory reading, built once at start and passed to whoever needs it: names, aliases,
streets (``knowledge.streets``) and shapes (``knowledge.shapes``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy
from rapidfuzz import fuzz, process

from knowledge.streets import StreetIndex, street_index
from knowledge.text import normalise, remembered, tokens
from knowledge.yaml_files import read_yaml

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from knowledge.shapes import Locator

# Test fixture and `declic demo` input only: at run time the city comes from the database.
DEMO_TERRITORIES = Path(__file__).resolve().parent / "demo" / "territories.yaml"
ELSEWHERE = "elsewhere"
# Short everyday nouns that are also quartier names: in running text they must be spelled
# out and not be qualified ("entre voisins", "centre social", "moulin à vent" are no places).
EXACT_BELOW = 8
QUALIFIERS = frozenset(
    {"a", "aere", "commercial", "culturel", "d", "de", "des", "du", "social", "sociaux", "sportif"}
)


@dataclass(frozen=True)
class Territory:
    id: str
    name: str
    level: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    neighbours: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gazetteer:
    territories: tuple[Territory, ...]
    # (street name, territory id): streets, squares and estates, each in one territory.
    streets: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)
    shapes: Mapping[str, BaseGeometry] = field(default_factory=dict, compare=False, repr=False)
    _by_id: dict[str, Territory] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({t.id: t for t in self.territories})

    @property
    def configured(self) -> bool:
        """A city was imported: there are quartiers to offer."""
        return bool(self.quartiers)

    @cached_property
    def street_index(self) -> StreetIndex:
        return street_index(self.streets)

    @cached_property
    def locator(self) -> Locator:
        from knowledge.shapes import Locator  # shapely loads only where shapes are used

        levels = {t.id: t.level for t in self.territories}
        return Locator({k: v for k, v in self.shapes.items() if k in levels}, levels)

    def locate(self, longitude: float, latitude: float) -> str | None:
        """The most specific known territory holding the point, or None."""
        return self.locator.locate(longitude, latitude) if self.shapes else None

    def find(self, text: str) -> str | None:
        """The territory a text names: a street, square or estate, a quartier's name or
        alias, or another territory's (« Vaudrémont »); typo-tolerant; None when unsure."""
        return (
            self.street_index.find(text)
            or self.find_quartier(text)
            or _find(self._other_names, tokens(text), whole_answer=False)
        )

    @cached_property
    def _other_names(self) -> tuple[tuple[str, str], ...]:
        names = {
            (normalise(name), t.id)
            for t in self.territories
            if t.level != "quartier"
            for name in (t.name, t.id, *t.aliases)
            if len(normalise(name)) >= 4
        }
        return tuple(sorted(names, key=lambda pair: -len(pair[0])))

    def get(self, territory_id: str) -> Territory | None:
        return self._by_id.get(territory_id)

    @cached_property
    def quartiers(self) -> tuple[Territory, ...]:
        return tuple(t for t in self.territories if t.level == "quartier")

    @cached_property
    def _quartier_names(self) -> tuple[tuple[str, str], ...]:
        names: list[tuple[str, str]] = []
        for quartier in self.quartiers:
            for name in (quartier.name, quartier.id, *quartier.aliases):
                names.append((normalise(name), quartier.id))
        # Longest names first so "haut vernet" wins over "vernet".
        return tuple(sorted(set(names), key=lambda pair: -len(pair[0])))

    def ancestors(self, territory_id: str) -> list[str]:
        chain: list[str] = []
        current = self.get(territory_id)
        while current is not None and current.parent:
            chain.append(current.parent)
            current = self.get(current.parent)
        return chain

    def commune_of(self, territory_id: str) -> str | None:
        for candidate in [territory_id, *self.ancestors(territory_id)]:
            territory = self.get(candidate)
            if territory is not None and territory.level == "commune":
                return territory.id
        return None

    def find_quartier(self, text: str, *, whole_answer: bool = False) -> str | None:
        """The quartier a text names, tolerant of typos and missing accents; None if unsure.

        Names are compared with windows of as many words of the text (and the same words
        glued together, for "boisfleuri"). ``whole_answer`` is for a reply to "which
        quartier?": the whole short text is the name, so a looser cutoff is safe.

        Remembered as ``knowledge.text.remembered`` keeps a resident's words (long texts only
        the last few): a message is read for its quartier by the understanding (``find``) and
        again by the draft's extraction, in the same turn.
        """
        return (self._whole_answer if whole_answer else self._quartier_in)(text)

    @cached_property
    def _quartier_in(self) -> Callable[[str], str | None]:
        return remembered(partial(self._find_quartier, whole_answer=False))

    @cached_property
    def _whole_answer(self) -> Callable[[str], str | None]:
        return remembered(partial(self._find_quartier, whole_answer=True))

    def _find_quartier(self, text: str, *, whole_answer: bool) -> str | None:
        street = self.street_index.find(text) if self.streets else None
        if street is not None and self.level(street) == "quartier":
            return street
        return _find(self._quartier_names, tokens(text), whole_answer=whole_answer)

    def level(self, territory_id: str) -> str | None:
        territory = self.get(territory_id)
        return territory.level if territory else None

    @cached_property
    def _other_commune_names(self) -> tuple[tuple[str, str], ...]:
        homes = {q.parent for q in self.quartiers}
        names = {
            (normalise(name), t.id)
            for t in self.territories
            if t.level == "commune" and t.id not in homes
            for name in (t.name, t.id, *t.aliases)
        }
        return tuple(sorted(names, key=lambda pair: -len(pair[0])))

    @cached_property
    def home_words(self) -> frozenset[str]:
        """The home commune's name ("rivebelle"), which names no single quartier."""
        homes = {q.parent for q in self.quartiers if q.parent}
        return frozenset(w for h in homes for w in tokens(self.name(h) or h))

    def find_other_commune(self, text: str) -> str | None:
        """A commune of the area outside the quartiers we know (Montclair…), from a short answer
        or one of its streets."""
        street = self.street_index.find(text) if self.streets else None
        if street is not None and street not in self.home_communes:
            commune = self.commune_of(street)
            if commune is not None and commune not in self.home_communes:
                return commune
        return _find(self._other_commune_names, tokens(text), whole_answer=True)

    @cached_property
    def home_communes(self) -> frozenset[str]:
        """The communes whose quartiers we know (the town Déclic serves)."""
        return frozenset(q.parent for q in self.quartiers if q.parent)

    @cached_property
    def name_words(self) -> frozenset[str]:
        """Words of place names, which the lexicon must not mistake for typos of its own words."""
        return frozenset(w for name, _ in self._quartier_names for w in name.split())

    def name(self, territory_id: str | None) -> str | None:
        territory = self.get(territory_id) if territory_id else None
        return territory.name if territory else None


# A window width compared with at least this many names gets one ``process.cdist`` call for
# all of them; below, one ``extractOne`` a name costs less than the call and its array.
BATCH_FROM = 8


@dataclass(frozen=True)
class _Fuzzy:
    """How ``_find`` compares a list of names: each name's ``(name, territory id, exact, cutoff,
    widths)`` in order, and the widths compared with many names at once, with those names."""

    names: tuple[tuple[str, str, bool, float, tuple[int, ...]], ...]
    batched: dict[int, list[str]]


@lru_cache(maxsize=16)
def _fuzzy(names: tuple[tuple[str, str], ...], whole_answer: bool) -> _Fuzzy:
    plan: list[tuple[str, str, bool, float, tuple[int, ...]]] = []
    by_width: dict[int, dict[str, None]] = {}
    for name, territory_id in names:
        size = len(name.split())
        exact = size == 1 and len(name) < EXACT_BELOW and not whole_answer
        cutoff = 100.0 if len(name) < 5 else (80.0 if whole_answer else 86.0)
        widths = () if exact else ((size, size + 1) if size > 1 else (1, 2))
        plan.append((name, territory_id, exact, cutoff, widths))
        for width in widths:
            by_width.setdefault(width, {})[name] = None
    batched = {w: list(queries) for w, queries in by_width.items() if len(queries) >= BATCH_FROM}
    return _Fuzzy(tuple(plan), batched)


@lru_cache(maxsize=64)
def _windows(words: tuple[str, ...], width: int) -> tuple[str, ...]:
    """Every run of ``width`` words (all of them when fewer), spaced and glued together.

    A text is read for places several times in a turn (the quartiers, the other names, the
    other communes; the resident's words and their spelled-out copy), each time with the same
    windows: the last few texts' are kept, no more (as ``knowledge.text.remembered`` keeps
    longer texts: not long after their turn)."""
    spans = (words[i : i + width] for i in range(max(1, len(words) - width + 1)))
    return tuple({joined for w in spans for joined in (" ".join(w), "".join(w))})


def _find(
    names: tuple[tuple[str, str], ...], words: tuple[str, ...], *, whole_answer: bool
) -> str | None:
    """The territory whose name is closest to a window of ``words`` (as many words as the name
    has, or one more; the same words glued together too), above the name's cutoff; the longer
    name wins a tie, then the first. Short one-word names must be spelled out (``EXACT_BELOW``).

    A width compared with many names compares its windows with all of them in one call
    (``process.cdist``, the same ``fuzz.ratio``, so the same scores), the others name by name."""
    plan = _fuzzy(names, whole_answer)

    def windows_of(width: int) -> tuple[str, ...]:
        return _windows(words, width)

    batched: dict[int, dict[str, float]] = {}
    for width, queries in plan.batched.items():
        scores = process.cdist(queries, windows_of(width), scorer=fuzz.ratio, dtype=numpy.float64)
        batched[width] = dict(zip(queries, scores.max(axis=1).tolist(), strict=True))
    followers: dict[str, set[str]] = {}  # each word, and the words right after it ("" last)
    for word, after in zip(words, (*words[1:], ""), strict=False):
        followers.setdefault(word, set()).add(after)
    best: tuple[float, int, str] | None = None
    for name, territory_id, exact, cutoff, widths in plan.names:
        if exact:  # spelled out, and not qualified (« centre social » is no place)
            if any(after not in QUALIFIERS for after in followers.get(name, ())):
                best = max(best or (0.0, 0, ""), (100.0, len(name), territory_id))
            continue
        for width in widths:
            if width in batched:
                score = batched[width][name]
                if score < cutoff:
                    continue
            else:
                match = process.extractOne(
                    name, windows_of(width), scorer=fuzz.ratio, score_cutoff=cutoff
                )
                if match is None:
                    continue
                score = match[1]
            if best is None or (score, len(name)) > best[:2]:
                best = (score, len(name), territory_id)
    return best[2] if best else None


def territories_from_rows(
    rows: Iterable[Mapping[str, object]],
    streets: Iterable[tuple[str, str]] = (),
    shapes: Mapping[str, BaseGeometry] | None = None,
) -> Gazetteer:
    def as_tuple(value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        return tuple(str(v) for v in value) if isinstance(value, Sequence) else ()

    rows = list(rows)
    streets = [*streets] or [
        (street, str(row["id"])) for row in rows for street in as_tuple(row.get("streets", ()))
    ]

    return Gazetteer(
        tuple(
            Territory(
                id=str(row["id"]),
                name=str(row["name"]),
                level=str(row.get("level", "quartier")),
                parent=str(row["parent"]) if row.get("parent") else None,
                aliases=as_tuple(row.get("aliases", ())),
                neighbours=as_tuple(row.get("neighbours", ())),
            )
            for row in rows
        ),
        tuple(streets),
        dict(shapes or {}),
    )


def load_gazetteer(path: Path = DEMO_TERRITORIES) -> Gazetteer:
    return territories_from_rows(read_yaml(path))
