"""Text normalisation shared by extraction and matching: case, accents, elisions, SMS shortcuts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

_T = TypeVar("_T")
SHORT_TEXT = 40  # characters: an answer (« oui », a quartier's name), not a story

_WORD = re.compile(r"[a-z0-9]+")
_NOT = re.compile(r"n['’]t\b")  # English "don't", "haven't" → "do not", "have not"
# « une dizaine », « une centaine de personnes »: a rough count in words, and its number.
ROUGH_COUNTS = {
    "dizaine": 10,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
}
# Everyday shortcuts residents type; expanded before any matching.
SHORTCUTS = {
    "st": "saint",
    "ste": "sainte",
    "asso": "association",
    "assoc": "association",
    "qq": "quelques",
    "pr": "pour",
    "ds": "dans",
    "ac": "avec",
    "avc": "avec",
    "avek": "avec",
    "bcp": "beaucoup",
    "tt": "tout",
    "jsp": "je sais pas",
    "pb": "probleme",
    "rdv": "rendez vous",
    "svp": "s il vous plait",
    "stp": "s il te plait",
    "c": "c est",
    "chuis": "je suis",
    "jsuis": "je suis",
    "ptit": "petit",
    "ptite": "petite",
    "mtn": "maintenant",
    "w": "with",
    "u": "you",
}


def remembered(read: Callable[[str], _T]) -> Callable[[str], _T]:
    """``read`` (a pure function of a resident's text) with its results cached, the way a
    resident's words may be: short texts, which come back from many residents (« oui »,
    « Tanneurs »), in a large cache; longer ones, which may say personal things, only the last
    64 (enough for the several readers of one message in a turn), so that a message does not
    stay in the process's memory long after its turn, nor after ``/oublier``."""
    short = lru_cache(maxsize=8192)(read)
    recent = lru_cache(maxsize=64)(read)

    @wraps(read)
    def cached(text: str) -> _T:
        return short(text) if len(text) <= SHORT_TEXT else recent(text)

    return cached


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@remembered
def tokens(text: str) -> tuple[str, ...]:
    """Lower-case, accent-free word tokens, French elisions split (l'atelier → l atelier)."""
    flat = strip_accents(text.lower()).replace("œ", "oe").replace("æ", "ae")
    flat = _NOT.sub(" not", flat)
    words: list[str] = []
    for word in _WORD.findall(flat):
        words.extend(SHORTCUTS.get(word, word).split())
    return tuple(words)


def token_spans(text: str) -> tuple[tuple[int, int], ...]:
    """For each of ``tokens(text)``, the span of the resident's own words it came from."""
    spans: list[tuple[int, int]] = []
    for chunk in re.finditer(r"\S+", text):
        spans.extend([chunk.span()] * len(tokens(chunk.group())))
    return tuple(spans)


def original_words(text: str, start: int, end: int) -> str:
    """The resident's words behind tokens ``start:end``, punctuation trimmed at both ends."""
    spans = token_spans(text)
    if not spans or start >= len(spans):
        return ""
    words = text[spans[start][0] : spans[min(end, len(spans)) - 1][1]]
    return words.strip(" \t\n.,;:!?()[]«»\"'…")


def normalise(text: str) -> str:
    return " ".join(tokens(text))


def singular(word: str) -> str:
    """A crude French/English singular: enough to make 'jardins' meet 'jardin'."""
    if len(word) > 4 and word.endswith(("aux",)):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word
