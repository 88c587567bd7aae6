"""Which supported language a message is plainly written in, if any.

A phone's language (Telegram's ``language_code``) is not always the one a resident writes: a
phone set to Arabic or Turkish and a message in English, a phone in English and a message in
French. The bot answers in the language the resident writes when the words leave no doubt:
several of one language's small everyday words (articles, pronouns, prepositions, greetings)
and few of the other's. Short answers (« oui », « Tanneurs », « ok ») say nothing, and change
nothing. Words both languages share (« a », « on », « me », « en ») count for neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from infra.i18n import SUPPORTED
from knowledge.word_lists import VOCAB_DIR, read_words
from routing.understanding.normal import words

SMALL_WORDS_FILE = VOCAB_DIR / "small_words.yaml"
MIN_WORDS = 2  # fewer small words than this: too short to tell
DOMINANCE = 3  # the language must have at least this many times the other's small words


def written_in(text: str) -> str | None:
    """The language ``text`` is plainly written in ("fr" or "en"), or None if unclear."""
    found = words(text).split()
    counts = {lang: sum(word in small for word in found) for lang, small in small_words().items()}
    best = max(counts, key=counts.__getitem__)
    others = max((n for lang, n in counts.items() if lang != best), default=0)
    if counts[best] >= MIN_WORDS and counts[best] >= DOMINANCE * others:
        return best
    return None


@cache
def small_words() -> Mapping[str, frozenset[str]]:
    """Language → its small words (knowledge/vocab/small_words.yaml), read once."""
    return {lang: frozenset(read_words(SMALL_WORDS_FILE, lang)) for lang in sorted(SUPPORTED)}
