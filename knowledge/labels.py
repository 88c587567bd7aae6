"""The profile's codes and their human labels (knowledge/vocab/labels.yaml), loaded once.

Publishers put the machine value of a taxonomy term in ``code`` and a label for people in
``name``; some put only a label. :func:`value_of` reads the code first and, when it is unknown,
recognises the label in French or English, whatever its case, accents or punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from knowledge.text import normalise
from knowledge.word_lists import VOCAB_DIR, read_phrases

LABELS_FILE = VOCAB_DIR / "labels.yaml"
_BRACKETS = re.compile(r"\([^)]*\)|\[[^]]*\]")
OPEN_FAMILIES = frozenset({"theme", "equipment"})  # a city may add its own values


@cache
def labels() -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    """family → code → labels (French first, then English), read once."""
    return read_phrases(LABELS_FILE)


def _key(text: str) -> str:
    return normalise(_BRACKETS.sub(" ", text)).replace(" ", "")


@cache
def _by_label(family: str) -> Mapping[str, str]:
    found: dict[str, str] = {}
    for code, names in labels().get(family, {}).items():
        for name in (code, code.replace("_", " "), *names):
            found.setdefault(_key(name), code)
    return found


def codes(family: str) -> frozenset[str]:
    return frozenset(labels().get(family, {}))


def value_of(family: str, code: str | None, name: str | None) -> str | None:
    """The profile value a term stands for, or None when neither its code nor its name is known."""
    known = codes(family)
    code = (code or "").strip()
    if code in known:
        return code
    by_label = _by_label(family)
    for candidate in (code, name or ""):
        if candidate.strip():
            found = by_label.get(_key(candidate))
            if found:
                return found
    return None
