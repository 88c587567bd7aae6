"""SMS and phonetic spelling written out before slots are read: « ds 2 sem » → « dans 2 semaines ».

The shared tokeniser (``knowledge.text.SHORTCUTS``) already expands the commonest shortcuts for
the lexicon; the timing, head-count and group patterns of this layer read ``words()`` text, so
they need the same words spelled out, plus the units residents glue to numbers (« 15j »,
« 40 perso », « 2 wks »). Only expansions that cannot change an ordinary word's meaning are kept:
« mé » (mais) is left alone, since without its accent it is « me ».
"""

from __future__ import annotations

import re

from routing.understanding.normal import words

# One word → its spelled-out form (input and output in ``words()`` form: no accents, lower case).
SHORTHAND = {
    "avc": "avec",
    "avk": "avec",
    "ac": "avec",
    "pr": "pour",
    "ds": "dans",
    "dns": "dans",
    "tt": "tout",
    "tte": "toute",
    "qd": "quand",
    "kan": "quand",
    "jsuis": "je suis",
    "jsui": "je suis",
    "chui": "je suis",
    "chuis": "je suis",
    "jsp": "je sais pas",
    "g": "j ai",
    "jai": "j ai",
    "ke": "que",
    "koi": "quoi",
    "ki": "qui",
    "pa": "pas",
    "dla": "de la",
    "d1": "d un",
    "d1e": "d une",
    "ht": "haut",
    "mw": "moi",
    "kartier": "quartier",
    "kartie": "quartier",
    "avek": "avec",
    "lokal": "local",
    "fo": "faut",
    "kel": "quel",
    "bocou": "beaucoup",
    "moa": "moi",
    "e": "et",
    "o": "au",
    "ppl": "people",
    "w": "with",
    "n": "and",
    "pls": "please",
    "plz": "please",
    "tbh": "",
    "mdr": "",
    "lol": "",
}
_DIGIT = re.compile(r"[0-9]")
# A number glued to a word: « 15j » → « 15 j » (then read as a unit below).
_GLUED = re.compile(r" (\d{1,4})([a-z]{1,8}) ")
_TENS = {
    10: "dizaine",
    20: "vingtaine",
    30: "trentaine",
    40: "quarantaine",
    50: "cinquantaine",
    60: "soixantaine",
    100: "centaine",
}
# Units glued to or following a number: « 15j », « 2 sem », « 40 perso », « 3 wks ».
_UNITS = (
    (re.compile(r" (\d{1,3}) ?(?:j|jr|jrs|jour|jours) "), r" \1 jours "),
    (re.compile(r" (\d{1,3}) ?(?:sem|sems|smn|semaine|semaines) "), r" \1 semaines "),
    (re.compile(r" (\d{1,3}) ?(?:wk|wks|week|weeks) "), r" \1 weeks "),
    (re.compile(r" (\d{1,4}) ?(?:pers|perso|persos|pax|pers0) "), r" \1 personnes "),
    (re.compile(r" (\d{1,4}) ?(?:ppl) "), r" \1 people "),
    (re.compile(r" 1 (?=[a-z]{3,})"), " un "),
    # « une 30aine » is SMS for « une trentaine » (« aîné » would otherwise be read).
    *((re.compile(rf" {number} aines? "), f" {word} ") for number, word in _TENS.items()),
)
# « é » after a subject is « est » (« on é 3 », « c é bien »), elsewhere « et » (« moi é lui »).
_IS = re.compile(r" (on|il|elle|c|ca|ce|qui) e (?=\S)")
_PLUS_FAST = re.compile(r"\bau ?\+ ?(vite|tot)\b")


def spelled_out(text: str) -> str:
    """``words(text)`` with shortcuts and glued units written out, padded with spaces.

    ``words`` leaves single spaces between words of ``[a-z0-9]``, so each word is looked up
    in ``SHORTHAND`` as it comes; every pattern for units has a digit (and no shortcut
    writes one), so a text without digits skips them, as one without « + » or « e » skips
    those patterns: the same text out, without running patterns that cannot match."""
    lowered = text.lower()
    padded = words(_PLUS_FAST.sub(r"au plus \1", lowered) if "+" in lowered else lowered)
    digits = _DIGIT.search(padded) is not None
    if digits:
        padded = _GLUED.sub(r" \1 \2 ", padded)
    if " e " in padded:
        padded = _IS.sub(r" \1 est ", padded)
    spoken = " ".join([SHORTHAND.get(word, word) for word in padded.split()])
    padded = " " + " ".join(spoken.split()) + " "
    if digits:
        for pattern, replacement in _UNITS:
            padded = pattern.sub(replacement, padded)
    return padded
