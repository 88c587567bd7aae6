"""Everyday French and English words mapped to needs, themes, group types and timing.

Residents do not write "subvention de fonctionnement"; they write "des sous", "un local",
"assurance des bénévoles". The phrases (knowledge/vocab/lexicon.yaml) are matched on normalised,
singularised tokens, with single-word typo tolerance (rapidfuzz), and a negation window ("pas
besoin de salle").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from rapidfuzz import fuzz, process

from knowledge.text import singular, tokens
from knowledge.word_lists import VOCAB_DIR, Phrases, read_phrases, read_words

LEXICON_FILE = VOCAB_DIR / "lexicon.yaml"


def intake_entries() -> Phrases:
    """category → value → phrases (French first, then English): ``entries`` of
    knowledge/vocab/lexicon.yaml, read once."""
    return read_phrases(LEXICON_FILE, "entries")


@cache
def negations() -> frozenset[str]:
    """Words that cancel a phrase a few words after them: ``negations`` of lexicon.yaml."""
    return frozenset(read_words(LEXICON_FILE, "negations"))


NEGATION_WINDOW = 3
TYPO_MIN_LENGTH = 5
TYPO_CUTOFF = 84.0


@dataclass(frozen=True)
class Hit:
    category: str
    value: str
    start: int
    end: int
    phrase: str


class Lexicon:
    def __init__(self, entries: Mapping[str, Mapping[str, Iterable[str]]] | None = None) -> None:
        if entries is None:
            entries = intake_entries()
        self._index: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
        for category, values in entries.items():
            for value, phrases in values.items():
                for phrase in phrases:
                    key = tuple(singular(t) for t in tokens(phrase))
                    if key:
                        self._index[key[0]].append((key, category, value))
        for candidates in self._index.values():
            candidates.sort(key=lambda item: -len(item[0]))
        # A word's typo twin, remembered: residents' words repeat from message to message, and
        # each unknown one cost a fuzzy search of the words with its initial (the lexicon does
        # not change once built, so neither do the answers).
        self._twin = lru_cache(maxsize=16384)(self._typo_twin)

    @cached_property
    def known_words(self) -> frozenset[str]:
        """Every word of every phrase: real words, never to be read as someone's typo."""
        return frozenset(w for cands in self._index.values() for key, _, _ in cands for w in key)

    @cached_property
    def _vocabulary(self) -> dict[str, dict[str, None]]:
        """Words long enough to have typo twins, by first letter: a typo rarely hits the first
        letter, and without that rule "looking" would read as "cooking"."""
        words: dict[str, dict[str, None]] = defaultdict(dict)
        for candidates in self._index.values():
            for key, _, _ in candidates:
                for word in key:
                    if len(word) >= TYPO_MIN_LENGTH:
                        words[word[0]][word] = None
        return words

    def correct(
        self, words: tuple[str, ...], protected: frozenset[str] = frozenset()
    ) -> tuple[str, ...]:
        """Singularise, then replace a word absent from the lexicon by its close typo twin.

        ``protected`` words (place names) are kept as they are.
        """
        twin = self._twin
        return tuple(raw if raw in protected else twin(singular(raw)) for raw in words)

    def _typo_twin(self, word: str) -> str:
        """``word`` (singular), or its close typo twin when the lexicon does not know it."""
        same_initial = self._vocabulary.get(word[:1], {})
        if len(word) >= TYPO_MIN_LENGTH and word not in same_initial and word not in self._index:
            match = process.extractOne(
                word, same_initial.keys(), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
            )
            if match is not None:
                return str(match[0])
        return word

    def hits(self, text: str, protected: frozenset[str] = frozenset()) -> list[Hit]:
        words = self.correct(tokens(text), protected)
        found: list[Hit] = []
        for start, word in enumerate(words):
            for key, category, value in self._index.get(word, ()):
                end = start + len(key)
                if words[start:end] == key:
                    found.append(Hit(category, value, start, end, " ".join(key)))
        return found

    def negated(self, text: str, hit: Hit) -> bool:
        words = tokens(text)
        window = words[max(0, hit.start - NEGATION_WINDOW) : hit.start]
        negation = negations()
        return any(w in negation for w in window)

    def values(
        self,
        text: str,
        category: str,
        *,
        respect_negation: bool = True,
        protected: frozenset[str] = frozenset(),
        hits: Sequence[Hit] | None = None,
    ) -> list[str]:
        """Values of one category found in text, in order of first appearance, deduplicated.
        ``hits``: ``self.hits(text, protected)`` when the caller has read them already."""
        seen: dict[str, None] = {}
        for hit in self.hits(text, protected) if hits is None else hits:
            if hit.category != category:
                continue
            if respect_negation and self.negated(text, hit):
                continue
            seen.setdefault(hit.value, None)
        return list(seen)


_DEFAULT: Lexicon | None = None


def default_lexicon() -> Lexicon:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Lexicon()
    return _DEFAULT
