"""The directory in memory, ready to match: normalised terms, concept tags, an inverted index.

Built once from the resources (seconds for 100,000), then read by ``routing.matching.matcher`` for
every
idea. Scores in the index are BM25 term weights, precomputed, so a query only adds numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from knowledge.lexicon import Lexicon
from knowledge.resources import KINDS, Resource, canonical_theme
from knowledge.territory import Gazetteer
from knowledge.text import normalise, singular, tokens
from knowledge.vocabulary import (
    PhraseTagger,
    en_fr,
    english_term,
    merged_entries,
    stem_key,
    stop_words,
    term,
    terms,
)

# Which kinds of resource can meet which need (values of routing.intake.draft.Need).
NEEDS = ("place", "funding", "legal", "equipment", "partners", "skills", "peers")
K1 = 1.2
B = 0.6
NAME_WEIGHT = 2.0
STEM_WEIGHT = 0.5  # a word of the same family counts less than the word itself
STEM_MIN = 3
TYPO_MIN = 5
TYPO_CUTOFF = 82.0
UNKNOWN_AREA = "?"


@dataclass(frozen=True)
class Nearby:
    """The geographic buckets a resident's match reads, nearest first: ``first`` (the quartier,
    its neighbours, the commune, area-wide, unplaced), then every other quartier of ``home``."""

    first: tuple[str, ...]
    home: str | None
    first_set: frozenset[str]


@dataclass(frozen=True)
class _Run:
    """A commune's quartier lists for one concept, each cut at a cap, end to end (``entries``),
    and where each quartier's part lies in it (``spans``)."""

    entries: list[int]
    spans: dict[str, list[tuple[int, int]]]


@dataclass(frozen=True)
class Entry:
    """A resource with what matching derives from it (never stored, never shown as a fact)."""

    index: int
    resource: Resource
    kind: str | None
    themes: frozenset[str]
    serves: frozenset[str]
    equipment: frozenset[str]
    quartiers: frozenset[str]  # quartier ids served
    communes: frozenset[str]  # commune ids served ("*" = a wider area covering all)
    town_wide: bool
    key: str  # normalised name, to spot near-duplicates
    associations_only: bool  # the resource's ``only_for_associations()``, asked for every idea


def serves(kind: str | None, resource: Resource, tags: set[tuple[str, str]]) -> frozenset[str]:
    needs: set[str] = set()
    if kind == "room":
        needs.add("place")
        if resource.equipment:
            needs.add("equipment")
    elif kind == "grant":
        needs.add("funding")
    elif kind == "legal":
        needs.add("legal")
    elif kind == "sponsor":
        support = set(resource.support) or {"financial"}
        needs.add("partners")
        if "financial" in support:
            needs.add("funding")
        if "in_kind" in support:
            needs.add("equipment")
        if "skills" in support:
            needs.add("skills")
    elif kind == "contact":  # a person to call: for know-how and for finding partners
        needs.update(("skills", "partners"))
    elif kind == "initiative":
        needs.update(("peers", "partners"))
        if ("need", "equipment") in tags:
            needs.add("equipment")
    return frozenset(needs)


def infer_kind(tags: set[tuple[str, str]]) -> str | None:
    """The kind a text's words point to, or None when they point nowhere or several ways."""
    kinds = {value for category, value in tags if category == "kind"}
    for preferred in ("grant", "room", "legal", "sponsor", "contact", "initiative"):
        if preferred in kinds:
            return preferred
    return None


class Catalogue:
    def __init__(self, resources: Sequence[Resource], gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer(())
        self.tagger = PhraseTagger(merged_entries())
        self.lexicon = Lexicon(merged_entries())
        self.home_commune = next((q.parent for q in self.gazetteer.quartiers if q.parent), None)
        self._names = self._territory_names()
        self.entries: list[Entry] = []
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.concepts: dict[tuple[str, str], list[int]] = defaultdict(list)
        # (concept, commune) -> the commune's quartiers (gazetteer order) filed under the concept,
        # with their lists; and per cap, those lists cut and laid end to end (made when first read).
        self._in_commune: dict[tuple[str, str | None], list[tuple[str, list[int]]]] = {}
        self._runs: dict[tuple[str, str | None, int], _Run] = {}
        self.idf: dict[str, float] = {}
        self._build(resources)
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self._surface):
            self._by_initial[word[0]].append(word)
        self._known = self.lexicon.known_words | stop_words() | set(en_fr()) | set(en_fr().values())
        self.correct = lru_cache(maxsize=65536)(self._correct)

    def __len__(self) -> int:
        return len(self.entries)

    def _territory_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for territory in self.gazetteer.territories:
            for name in (territory.id, territory.name, *territory.aliases):
                names.setdefault(normalise(name), territory.id)
        return names

    def resolve(self, area: str) -> str | None:
        """A territory id for an id or a name as written, or None if unknown."""
        if self.gazetteer.get(area) is not None:
            return area
        return self._names.get(normalise(area))

    def _geography(self, resource: Resource) -> tuple[frozenset[str], frozenset[str], bool]:
        quartiers: set[str] = set()
        communes: set[str] = set()
        town_wide = False
        for area in resource.territories:
            territory_id = self.resolve(area)
            territory = self.gazetteer.get(territory_id) if territory_id else None
            if territory is None:
                continue
            if territory.level == "quartier":
                quartiers.add(territory.id)
                communes.add(self.gazetteer.commune_of(territory.id) or "*")
            elif territory.level == "commune":
                communes.add(territory.id)
                town_wide = True
            else:
                communes.add("*")
                town_wide = True
        return frozenset(quartiers), frozenset(communes), town_wide

    def _build(self, resources: Iterable[Resource]) -> None:
        counts: list[tuple[dict[str, float], float]] = []
        self._surface: set[str] = set()  # the directory's own spellings, to correct typos
        for index, resource in enumerate(resources):
            text = resource.text()
            tags = self.tagger.tags(text)
            kind = resource.kind if resource.kind in KINDS else infer_kind(tags)
            explicit = {canonical_theme(t) for t in resource.themes}
            themes = explicit | {v for c, v in tags if c == "theme"}
            equipment = set(resource.equipment) | {v for c, v in tags if c == "equipment"}
            if kind != "room":
                equipment = set(resource.equipment)
            quartiers, communes, town_wide = self._geography(resource)
            entry = Entry(
                index=index,
                resource=resource,
                kind=kind,
                themes=frozenset(themes),
                serves=serves(kind, resource, tags),
                equipment=frozenset(equipment),
                quartiers=quartiers,
                communes=communes,
                town_wide=town_wide,
                key=normalise(resource.name),
                associations_only=resource.only_for_associations(),
            )
            self.entries.append(entry)
            bag: defaultdict[str, float] = defaultdict(float)  # weights, not counts
            for word in terms(resource.name):
                bag[word] += NAME_WEIGHT
            for word in terms(text):
                bag[word] += 1.0
            self._surface.update(
                w for w in tokens(text) if len(w) >= TYPO_MIN - 1 and w[0].isalpha()
            )
            for word in list(bag):
                if len(word) > STEM_MIN:
                    bag[stem_key(word)] += bag[word] * STEM_WEIGHT
            length = sum(bag.values())
            for theme in themes:
                bag["#t:" + theme] = 1.0 if theme in explicit else 0.6
            for need in entry.serves:
                bag["#n:" + need] = 1.0
            for item in equipment:
                bag["#e:" + item] = 1.0
            counts.append((bag, length))
        if not counts:
            return
        average = sum(length for _, length in counts) / len(counts) or 1.0
        for index, (weights, length) in enumerate(counts):
            norm = K1 * (1 - B + B * length / average)
            for word, tf in weights.items():
                weight = tf if word[0] == "#" else tf * (K1 + 1) / (tf + norm)
                self.postings[word].append((index, weight))
        for plist in self.postings.values():
            plist.sort(key=lambda p: -p[1])  # impact order: a query may stop early
        for word, plist in self.postings.items():
            if word[0] != "#":
                continue
            for i, _ in plist:
                for bucket in self.buckets_of(self.entries[i]):
                    self.concepts[word, bucket].append(i)
        self._index_communes()
        total = len(counts)
        self.idf = {
            word: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5))
            for word, p in self.postings.items()
        }

    @staticmethod
    def buckets_of(entry: Entry) -> set[str]:
        """The geographic buckets an entry is filed under for concept lookups."""
        buckets = set(entry.quartiers)
        if entry.town_wide:
            buckets |= entry.communes
        return buckets or {UNKNOWN_AREA}

    def _index_communes(self) -> None:
        keys_of: dict[str, list[str]] = defaultdict(list)
        for key, bucket in self.concepts:
            keys_of[bucket].append(key)
        in_commune: defaultdict[tuple[str, str | None], list[tuple[str, list[int]]]]
        in_commune = defaultdict(list)
        for quartier in self.gazetteer.quartiers:
            for key in keys_of.get(quartier.id, ()):
                found = self.concepts[key, quartier.id]
                in_commune[key, quartier.parent].append((quartier.id, found))
        self._in_commune = dict(in_commune)

    def nearby(self, quartier: str | None, home: str | None) -> Nearby:
        """The buckets worth reading for a resident of ``quartier`` in ``home`` (nearest first)."""
        first: list[str] = []
        if quartier:
            territory = self.gazetteer.get(quartier)
            first += [quartier, *(territory.neighbours if territory else ())]
        first += [b for b in (home, "*", UNKNOWN_AREA) if b]
        return Nearby(tuple(first), home, frozenset(first))

    def concept_lists(self, key: str, nearby: Nearby, cap: int) -> list[list[int]]:
        """The entries filed under concept ``key`` in each bucket ``nearby`` names, in its order,
        at most ``cap`` of each bucket: the near buckets' lists, then the commune's other
        quartiers' read in a few slices of one list made once per concept, commune and cap.
        A match's work grows with what it finds, not with the number of quartiers."""
        concepts = self.concepts
        found = [hit[:cap] for bucket in nearby.first if (hit := concepts.get((key, bucket)))]
        run = self._runs.get((key, nearby.home, cap)) or self._run(key, nearby.home, cap)
        if not run.entries:
            return found
        spans = run.spans
        cuts = sorted(span for bucket in nearby.first_set for span in spans.get(bucket, ()))
        start = 0
        for cut, end in cuts:
            if cut > start:
                found.append(run.entries[start:cut])
            start = end
        if start < len(run.entries):
            found.append(run.entries[start:])
        return found

    def _run(self, key: str, home: str | None, cap: int) -> _Run:
        entries: list[int] = []
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for bucket, hit in self._in_commune.get((key, home), ()):
            start = len(entries)
            entries += hit[:cap]
            spans[bucket].append((start, len(entries)))
        run = self._runs[key, home, cap] = _Run(entries, dict(spans))
        return run

    def _correct(self, word: str) -> str | None:
        """The directory's spelling closest to a typo (a surface word, not a stem), or None
        when nothing is close enough."""
        if term(word) in self.postings:
            return word
        if len(word) > STEM_MIN and stem_key(term(word)) in self.postings:
            return word  # its family is in the directory: « cuisiner » meets « cuisine »
        french = english_term(word)
        if french is not None and french in self.postings:
            return french  # an English word in another form: « rehearsing » → « repetition »
        if len(word) < TYPO_MIN or not word[0].isalpha():
            return None
        candidates = self._by_initial.get(word[0], ())
        found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        if found and singular(word) in self._known and not found[0].startswith(word[:4]):
            return None  # a real word the directory does not use: « argent » is not « agent »
        return found[0] if found else None
