"""Words for matching: stop words, English→French, and the concepts a directory entry names.

The intake lexicon (``knowledge.lexicon``) maps residents' words to needs and themes; this
module adds what matching also needs (equipment, food, wheelchair, kinds of resource, energy and
housing themes, and stop words: knowledge/vocab/matching.yaml) and a fast phrase tagger for
directory texts, without typo correction, so a catalogue of 100,000 entries builds in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

import Stemmer

from knowledge.lexicon import intake_entries
from knowledge.resources import canonical_theme
from knowledge.text import singular, tokens
from knowledge.word_lists import VOCAB_DIR, Phrases, read_pairs, read_phrases, read_words

MATCHING_FILE = VOCAB_DIR / "matching.yaml"


def matching_entries() -> Phrases:
    """What matching reads beyond the intake lexicon: ``entries`` of matching.yaml."""
    return read_phrases(MATCHING_FILE, "entries")


@cache
def stop_words() -> frozenset[str]:
    """Words an index and a query skip: ``stop_words`` of knowledge/vocab/matching.yaml."""
    return frozenset(read_words(MATCHING_FILE, "stop_words"))


EN_FR_FILE = VOCAB_DIR / "en_fr.yaml"


@cache  # looked up for every word an index stores: one call, no argument to hash
def en_fr() -> Mapping[str, str]:
    """English word → French word (knowledge/vocab/en_fr.yaml), loaded once."""
    return read_pairs(EN_FR_FILE)


_STEMMER = Stemmer.Stemmer("french")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """French Snowball stem (PyStemmer) of an accent-free word: jardins, jardinage → jardin."""
    return str(_STEMMER.stemWord(word))  # PyStemmer ships no type hints


PREFIX = 5
_ENGLISH = Stemmer.Stemmer("english")


@cache
def _en_fr_by_stem() -> dict[str, str]:
    by_stem: dict[str, str] = {}
    for english, french in en_fr().items():
        by_stem.setdefault(_ENGLISH.stemWord(english), french)
    return by_stem


def english_term(word: str) -> str | None:
    """The French word for an English word written in another form than the vocabulary's
    (« rehearsing », « benches » → the entry of « rehearse », « bench »), or None. Only a word
    with an English ending is read so: « train » stays itself, whatever « training » means."""
    root = _ENGLISH.stemWord(word)
    return _en_fr_by_stem().get(root) if root != word else None


def term(word: str) -> str:
    """A word as the index stores it: singular, English mapped to French."""
    word = singular(word)
    return en_fr().get(word, word)


def stem_key(word: str) -> str:
    """The index key of a word's family (jardin, jardins, jardinage → ``~jardin``): a
    French Snowball stem, matched with a lower weight than the word itself."""
    return "~" + stem(word)


def terms(text: str) -> list[str]:
    """Index terms of a text: content words, singular, English mapped to French."""
    stop = stop_words()
    return [term(w) for w in tokens(text) if w not in stop and len(w) > 1]


def merged_entries() -> dict[str, dict[str, tuple[str, ...]]]:
    """The intake lexicon plus the matching words, themes under their profile names."""
    merged: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for entries in (intake_entries(), matching_entries()):
        for category, values in entries.items():
            for value, phrases in values.items():
                key = canonical_theme(value) if category == "theme" else value
                merged[category][key].extend(phrases)
    return {c: {v: tuple(dict.fromkeys(p)) for v, p in vs.items()} for c, vs in merged.items()}


class PhraseTagger:
    """Exact phrase lookup on singular tokens: (category, value) pairs a text mentions."""

    def __init__(self, entries: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
        self._index: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
        for category, values in entries.items():
            for value, phrases in values.items():
                for phrase in phrases:
                    key = tuple(singular(t) for t in tokens(phrase))
                    if key:
                        self._index[key[0]].append((key, category, value))

    def tags(self, text: str) -> set[tuple[str, str]]:
        words = tuple(singular(t) for t in tokens(text))
        found: set[tuple[str, str]] = set()
        for start, word in enumerate(words):
            for key, category, value in self._index.get(word, ()):
                if words[start : start + len(key)] == key:
                    found.add((category, value))
        return found
