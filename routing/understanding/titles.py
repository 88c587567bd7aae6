"""A short title for an idea: the activity and, when known, the place.

« Potager partagé aux Tanneurs ».

Cut from the resident's own words, not invented: greetings, salutations, self-introductions and
sign-offs are dropped (data/titles.yaml), the activity is read after the verb that announces it
(« je voudrais organiser … », « we'd like to run … ») up to the first mark of time, frequency or
purpose, and the place comes from the city's names. Never longer than 50 characters, never a
greeting; None when nothing but a greeting or filler is left.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from knowledge.word_lists import read_pairs, read_words
from routing.understanding.normal import flat

TITLE_MAX = 50
TITLES_FILE = Path(__file__).resolve().parent / "data" / "titles.yaml"
# Words a title must not end on (« Fête de quartier à » → « Fête de quartier »).
DANGLING = frozenset(
    [
        "a",
        "à",
        "au",
        "aux",
        "de",
        "des",
        "du",
        "d",
        "l",
        "la",
        "le",
        "les",
        "et",
        "en",
        "pour",
        "avec",
        "sur",
        "dans",
        "un",
        "une",
        "the",
        "a",
        "an",
        "of",
        "for",
        "to",
        "in",
        "pr",
        "ds",
        "o",
        "with",
        "and",
        "at",
        "on",
        "my",
        "our",
        "nos",
        "notre",
        "mon",
        "ma",
        "mes",
    ]
)
# Prepositions of place left hanging once the place is cut (« Jardin partagé derrière »).
DANGLING |= frozenset(
    [
        *("derrière", "derriere", "devant", "près", "pres", "vers", "côté", "cote"),
        *("near", "behind", "next", "by", "around", "outside", "entre", "between", "parmi"),
    ]
)
FILLERS = frozenset(["euh", "bah", "ben", "bon", "ok", "alors", "hmm", "um", "well", "so", "donc"])
_DETERMINERS = re.compile(
    r"^(?:(?:un|une|des|de la|du|d'|d’|l'|l’|le|la|les|a|an|some|the|1|vous|nous)\s+"
    r"|(?:de )?(?:d|l)['’])+",
    re.I,
)
_SPACES = re.compile(r"\s+")
_ALNUM = re.compile(r"[a-z0-9]+")
ARTICLES = frozenset(["de", "des", "du", "d", "la", "le", "les", "l"])
PLACE_NOUNS = frozenset({"quartier", "cite", "o", "residence"})
# Words of place names that tell no place on their own (« quartier de la Gare »).
NOT_PLACE = DANGLING | frozenset(
    ["quartier", "cite", "centre", "ville", "rue", "place", "parc", "les"]
)


@cache
def _patterns() -> tuple[list[re.Pattern[str]], list[re.Pattern[str]], re.Pattern[str]]:
    drop = [re.compile(p, re.I) for p in read_words(TITLES_FILE, "drop")]
    lead = [re.compile(p, re.I) for p in read_words(TITLES_FILE, "lead")]
    stop = re.compile("|".join(f"(?:{p})" for p in read_words(TITLES_FILE, "stop")), re.I)
    return drop, lead, stop


def _spell(word: str) -> str:
    """Phonetic and SMS spellings written right (data/titles.yaml: « fransai » → « français »);
    any other word as the resident wrote it."""
    bare = flat(word).strip(".,!?;:")
    right = _spelling().get(bare)
    if right is None:
        return word
    return right.capitalize() if word[:1].isupper() else right


@cache
def _spelling() -> dict[str, str]:
    return {flat(wrong): right for wrong, right in read_pairs(TITLES_FILE, "spelling").items()}


def _strip_greetings(text: str) -> str:
    """The patterns applied until none changes the text; a pattern is not run again on a text
    it left as it was (its answer would be the same)."""
    drop, _, _ = _patterns()
    text = _SPACES.sub(" ", text.replace("\n", " . ")).strip()
    kept: list[str | None] = [None] * len(drop)  # the text each pattern last left unchanged
    changed = True
    while changed and text:
        changed = False
        for i, pattern in enumerate(drop):
            if kept[i] == text:
                continue
            new = pattern.sub("", text, count=1).strip(" ,.!:;-–")
            if new != text:
                text, changed = new, True
            else:
                kept[i] = text
    return text


def _activity(text: str) -> str:
    _, lead, stop = _patterns()
    best = None
    for pattern in lead:
        match = pattern.search(text)
        if match and match.end() < len(text) and (best is None or match.start() < best.start()):
            best = match
    chunk = text[best.end() :] if best else text
    for _ in range(3):  # « souhaiterais vous soumettre un projet d'épicerie »: lead after lead
        chunk = _DETERMINERS.sub("", chunk.strip())
        again = next((m for p in lead if (m := p.match(chunk)) and m.end() < len(chunk)), None)
        if again is None or again.end() == 0:
            break
        chunk = chunk[again.end() :]
    chunk = _DETERMINERS.sub("", chunk.strip())
    end = stop.search(chunk)
    return chunk[: end.start()] if end else chunk


def _without_place(chunk: str, place_words: frozenset[str]) -> str:
    """The chunk cut before the words that name the place (added back in canonical form)."""
    tokens = chunk.split()
    for i, token in enumerate(tokens):
        if not place_words.isdisjoint(_ALNUM.findall(flat(token))):
            j = i
            while j > 0 and flat(tokens[j - 1]) in ARTICLES:
                j -= 1
            if j > 0 and flat(tokens[j - 1]) in PLACE_NOUNS:  # « du quartier des Glycines »
                j -= 1
            while j > 0 and flat(tokens[j - 1]) in DANGLING:
                j -= 1
            return " ".join(tokens[:j])
    return chunk


def _trim(words: list[str], limit: int) -> str:
    while words and (flat(words[-1]) in DANGLING or flat(words[-1]) in FILLERS):
        words = words[:-1]
    while words and len(" ".join(words)) > limit:
        words = words[:-1]
        while words and flat(words[-1]) in DANGLING:
            words = words[:-1]
    return " ".join(words)


def place_phrase(name: str, locale: str) -> str:
    """« aux Tanneurs », « au Haut-Vernet », « à Moulin-Neuf », « in Bois-Fleuri »."""
    if locale == "en":
        return f"in {re.sub(r'^(Le|La) ', '', name)}"
    lowered = name.lower()
    if lowered.startswith("les "):
        return f"aux {name[4:]}"
    if lowered.startswith("le "):
        return f"au {name[3:]}"
    if lowered.startswith("quartier "):
        return name[0].lower() + name[1:]
    return f"à {name}"


def make_title(
    text: str, locale: str, place_name: str | None = None, place_words: frozenset[str] = frozenset()
) -> str | None:
    body = _strip_greetings(text)
    if not body:
        return None
    chunk = _activity(body).strip(" ,.!:;-–'\"«»")
    if place_words:
        chunk = _without_place(chunk, place_words - NOT_PLACE) or chunk
    words = [_spell(w) for w in chunk.split() if w]
    while words and flat(words[0]) in FILLERS:
        words = words[1:]
    if not words:
        return None
    suffix = f" {place_phrase(place_name, locale)}" if place_name else ""
    if len(suffix) > TITLE_MAX // 2:
        suffix = ""
    whole = _trim(words, TITLE_MAX)
    core = _trim(words, TITLE_MAX - len(suffix))
    if suffix and len(core.split()) < len(whole.split()) - 2:
        core, suffix = whole, ""  # the activity matters more than the place
    if not core:
        return None
    if suffix and flat(suffix) in flat(core):
        suffix = ""
    title = (core + suffix).strip()
    return title[0].upper() + title[1:]
