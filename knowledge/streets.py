"""Streets, squares and housing estates residents name, each leading to its quartier.

Residents rarely know their quartier's official name; they know their street. A street is
found in running text when a street-type word (« rue », « bd », « résidence »…) is followed by
a close spelling of a known name (« rue de la paie » for « Rue de la Paix »; the name's own
words may carry a typo, not be another word: « rue des bergerons » is not « Rue des Forgerons »).
Estates and squares are also found without their type word when their name is long enough to be no
everyday phrase (« les Hirondelles »). A name listed in two quartiers leads nowhere: the
resident is asked rather than guessed at.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from knowledge.text import tokens

# Street-type words as residents write them (after knowledge.text's normalisation), each
# with its canonical form, so « bd victor hugo » meets « Boulevard Victor Hugo ».
TYPES: dict[str, str] = {
    "rue": "rue", "r": "rue", "ruelle": "ruelle",
    "avenue": "avenue", "av": "avenue", "ave": "avenue", "avn": "avenue",
    "boulevard": "boulevard", "bd": "boulevard", "bld": "boulevard", "blvd": "boulevard",
    "boul": "boulevard",
    "place": "place", "pl": "place", "placette": "placette",
    "impasse": "impasse", "imp": "impasse",
    "allee": "allee", "all": "allee", "allees": "allee",
    "chemin": "chemin", "ch": "chemin", "che": "chemin", "chem": "chemin",
    "route": "route", "rte": "route",
    "quai": "quai", "cours": "cours", "passage": "passage", "pass": "passage",
    "square": "square", "sq": "square", "esplanade": "esplanade", "parvis": "parvis",
    "promenade": "promenade", "prom": "promenade", "mail": "mail", "sentier": "sentier",
    "voie": "voie", "rond": "rond", "carrefour": "carrefour", "montee": "montee",
    "faubourg": "faubourg", "fbg": "faubourg", "fg": "faubourg",
    "cite": "cite", "residence": "residence", "res": "residence", "resid": "residence",
    "lotissement": "lotissement", "lot": "lotissement", "hameau": "hameau",
    "domaine": "domaine", "dom": "domaine", "clos": "clos", "jardins": "jardins",
    "parc": "parc", "ilot": "ilot", "tour": "tour", "tours": "tours", "barre": "barre",
}  # fmt: skip
# Types whose bare name (« les Glaïeuls », « Bellevue ») is how residents say where they live.
ESTATE_TYPES = frozenset(
    {"cite", "residence", "lotissement", "hameau", "domaine", "clos", "square", "parc", "tour"}
)
# Words that only join a name (« de la », « des ») do not make it distinctive on their own.
JOINERS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "et"})
TYPED_CUTOFF = 86.0  # a type word was written: the name may carry a typo or two
BARE_CUTOFF = 92.0  # no type word: close to exact, and long enough to be no everyday phrase
BARE_MIN_CHARS = 9
TYPE_TYPO_CUTOFF = 84.0  # « bouelvard », « residance »
LONG_TYPES = tuple(sorted({t for t in TYPES if len(t) >= 5}))


def street_key(name: str) -> tuple[str, ...]:
    """A street's words in canonical form: accents, case and type abbreviations aside."""
    words = tokens(name)
    if words and words[0] in TYPES:
        words = (TYPES[words[0]], *words[1:])
    return words


@dataclass(frozen=True)
class Street:
    name: str
    territory: str


@dataclass
class StreetIndex:
    """Known street names by the word count of their canonical form, for windowed lookups."""

    streets: tuple[Street, ...]
    _owners: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set), repr=False)
    _typed: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _bare: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list), repr=False)

    def __post_init__(self) -> None:
        for street in self.streets:
            words = street_key(street.name)
            if not words:
                continue
            self._owners[" ".join(words)].add(street.territory)
            bare = words[1:] if words[0] in TYPES.values() else words
            while bare and bare[0] in JOINERS:  # « les Hirondelles » is said « aux Hirondelles »
                bare = bare[1:]
            if words[0] in TYPES.values() and len(words) > 1:
                self._typed[len(words)].append(" ".join(words))
            distinctive = [w for w in bare if w not in JOINERS]
            if distinctive and (words[0] in ESTATE_TYPES or words[0] not in TYPES.values()):
                joined = " ".join(bare)
                if len(joined) >= BARE_MIN_CHARS:
                    self._owners.setdefault(joined, set())
                    self._owners[joined] |= {street.territory}
                    self._bare[len(bare)].append(joined)
        for table in (self._typed, self._bare):
            for width, names in table.items():
                table[width] = sorted(set(names))

    def __len__(self) -> int:
        return len(self.streets)

    def find(self, text: str) -> str | None:
        """The territory of the street the text names, or None (nothing, or two quartiers)."""
        words = tokens(text)
        found = self._typed_match(words) or self._bare_match(words)
        if found is None:
            return None
        owners = self._owners.get(found, set())
        return next(iter(owners)) if len(owners) == 1 else None

    def _typed_match(self, words: tuple[str, ...]) -> str | None:
        best: tuple[float, int, str] | None = None
        for start, word in enumerate(words):
            kind = _street_type(word)
            if kind is None:
                continue
            for width, names in self._typed.items():
                window = words[start : start + width]
                if len(window) < width:
                    continue
                phrase = " ".join((kind, *window[1:]))
                hits = process.extract(
                    phrase, names, scorer=fuzz.ratio, score_cutoff=TYPED_CUTOFF, limit=5
                )
                hit = next((h for h in hits if _few_typos(phrase, h[0])), None)
                if hit and (best is None or (hit[1], len(hit[0])) > best[:2]):
                    best = (hit[1], len(hit[0]), hit[0])
        return best[2] if best else None

    def _bare_match(self, words: tuple[str, ...]) -> str | None:
        best: tuple[float, int, str] | None = None
        for width, names in self._bare.items():
            for start in range(max(0, len(words) - width + 1)):
                phrase = " ".join(words[start : start + width])
                if len(phrase) < BARE_MIN_CHARS - 2:
                    continue
                hit = process.extractOne(phrase, names, scorer=fuzz.ratio, score_cutoff=BARE_CUTOFF)
                if hit and (best is None or (hit[1], len(hit[0])) > best[:2]):
                    best = (hit[1], len(hit[0]), hit[0])
        return best[2] if best else None


def _few_typos(said: str, known: str) -> bool:
    """The distinctive words (type and joiners aside) are a typo or two away, one more per ten
    letters: the whole phrase's ratio alone is raised by the « rue des » both share."""
    mine = " ".join(w for w in said.split()[1:] if w not in JOINERS)
    theirs = " ".join(w for w in known.split()[1:] if w not in JOINERS)
    return OSA.distance(mine, theirs) <= 1 + len(theirs) // 10


@lru_cache(maxsize=16384)  # asked for every word of every message; the answers never change
def _street_type(word: str) -> str | None:
    if word in TYPES:
        return TYPES[word]
    if len(word) >= 5:
        hit = process.extractOne(word, LONG_TYPES, scorer=fuzz.ratio, score_cutoff=TYPE_TYPO_CUTOFF)
        if hit:
            return TYPES[hit[0]]
    return None


def street_index(pairs: Iterable[tuple[str, str]]) -> StreetIndex:
    """An index of (street name, territory id) pairs."""
    return StreetIndex(tuple(Street(name, territory) for name, territory in pairs))
