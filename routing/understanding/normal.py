"""One normal form for rules and the classifier: lower case, no accents, letters not repeated.

"Annulé TOUT ça !!!" and "annule tout ca" must look alike; "merciii" and "merci" nearly so.
Apostrophes become spaces (« l'atelier » → "l atelier"), as in ``knowledge.text``.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.text import remembered

_REPEATS = re.compile(r"([a-z])\1{2,}")
_APOSTROPHES = re.compile(r"[’'`´]")
_SPACES = re.compile(r"\s+")
# Emoji variants (skin tones, presentation selectors, joiners) read as their base emoji.
_EMOJI_VARIANTS = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")
_WORDS = re.compile(r"[a-z0-9]+")
MAX_CHARS = 2000  # longer messages are read by their beginning: the intent is said early


@remembered
def flat(text: str) -> str:
    """Lower case, accents stripped, letters repeated three times or more kept twice."""
    text = text[:MAX_CHARS].lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _EMOJI_VARIANTS.sub("", text)
    text = _APOSTROPHES.sub(" ", text)
    text = _REPEATS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


@remembered
def words(text: str) -> str:
    """Only the words of ``flat(text)``, one space between them, padded: " annule tout ca "."""
    return " " + " ".join(_WORDS.findall(flat(text))) + " "
