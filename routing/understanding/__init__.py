"""The understanding layer: what a resident's message means, at every step of the conversation.

``Understander(gazetteer, vocabulary, threshold).understand(text, step, locale, context)``
returns one ``Understanding``: an intent from a closed set with its confidence (below
``threshold`` the dialogue asks a short clarifying question), the slots the words give, a short
title for an idea, and whether the resident writes formally. Pure: no database, no network, no
Telegram; the only files read are this package's data, once, at construction.

Inside: ``rules`` (commands typed in words, yes/no, options), ``classifier`` (character n-grams,
scikit-learn), ``slots`` (lexicon, places, ``dates`` with Babel), ``titles``.
"""

from __future__ import annotations

from routing.understanding.model import Context, Intent, Slots, Step, Understanding
from routing.understanding.places import GazetteerPlaces, Places
from routing.understanding.understander import DEFAULT_THRESHOLD, Understander

_DEFAULT: Understander | None = None


def understand(text: str, step: Step | str, locale: str, context: Context) -> Understanding:
    """For tests and the CLI: the default Understander on the demo territories."""
    global _DEFAULT
    if _DEFAULT is None:
        from knowledge.territory import load_gazetteer

        _DEFAULT = Understander(GazetteerPlaces(load_gazetteer()))
    return _DEFAULT.understand(text, step, locale, context)


__all__ = [
    "DEFAULT_THRESHOLD",
    "Context",
    "GazetteerPlaces",
    "Intent",
    "Places",
    "Slots",
    "Step",
    "Understander",
    "Understanding",
    "understand",
]
