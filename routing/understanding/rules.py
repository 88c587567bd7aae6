"""Rules for what must never be missed or misread: commands typed in words, and closed answers.

The command patterns (data/rules.yaml) take a message before the classifier does, because a
missed « efface tout » or « stop les messages » costs a resident more than a clarifying question.
Closed answers are read by rules because their sets are small and known: yes/no, an option
among those offered (« le deuxième », « the second one », « celui de mai »).
"""

from __future__ import annotations

import datetime
import re
from functools import cache
from pathlib import Path

from knowledge.word_lists import read_words
from routing.understanding import dates
from routing.understanding.model import Intent
from routing.understanding.normal import flat, words

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.yaml"
COMMANDS = (Intent.FORGET, Intent.CANCEL, Intent.PAUSE, Intent.HUMAN)

ORDINALS = {
    1: r"premier|premiere|1er|1ere|1re|first|1st|un|une|one|1",
    2: r"deuxieme|deuxiem|deuxeme|deuz|deuze|2eme|2e|2nd|second|seconde|segonde|two|deux|2",
    3: r"troisieme|troisiem|3eme|3e|3rd|third|three|trois|3",
}
LAST = r"derniere|dernier|last"
EARLIEST = r"plus tot|plus proche|earliest|soonest|first available|au plus vite"
LATEST = r"plus tard|latest"
EARLY_IN_MONTH = r"debut|early|beginning|start|premiere"
LATE_IN_MONTH = r"fin|late|end|later|last|derniere|dernier|second|deuxieme"
KEYCAPS = {"1️⃣": 1, "2️⃣": 2, "3️⃣": 3}

YES = frozenset(
    [
        "oui",
        "ouii",
        "ouai",
        "ouais",
        "ouaip",
        "ouep",
        "oue",
        "ue",
        "we",
        "wi",
        "ui",
        "yes",
        "yep",
        "yup",
        "yeah",
        "ya",
        "ok",
        "okay",
        "oki",
        "okk",
        "dac",
        "dacc",
        "daccord",
        "sure",
        "bien",
        "parfait",
        "nickel",
        "top",
        "go",
        "valide",
        "confirme",
        "accepte",
        "volontiers",
        "absolument",
        "certainly",
        "absolutely",
        "fine",
        "correct",
    ]
)
YES_PHRASES = (
    " d accord ",
    " c est bon ",
    " c bon ",
    " c good ",
    " ca marche ",
    " ca me va ",
    " vas y ",
    " bien sur ",
    " pas de souci ",
    " pas de probleme ",
    " je veux bien ",
    " j accepte ",
    " je suis d accord ",
    " j y consens ",
    " je consens ",
    " je donne mon accord ",
    " tout a fait ",
    " of course ",
    " i agree ",
    " looks good ",
    " sounds good ",
    " that s fine ",
    " fine by me ",
    " ok pour moi ",
    " c est ok ",
    " envoie ",
    " send it ",
    " je confirme ",
    " je valide ",
)
NO = frozenset(["non", "nan", "nn", "no", "nope", "nah", "naan", "nop", "jamais", "never"])
NO_PHRASES = (
    " pas d accord ",
    " je refuse ",
    " je ne veux pas ",
    " je veux pas ",
    " j veux pas ",
    " pas vraiment ",
    " pas du tout ",
    " not really ",
    " no way ",
    " i d rather not ",
    " je ne donne pas ",
    " hors de question ",
    " pas question ",
    " i don t agree ",
    " i do not agree ",
    " je ne consens pas ",
    " pas tout a fait ",
    " pas exactement ",
    " pas vraiment ",
    " not quite ",
    " not exactly ",
    " c est pas bon ",
    " c est faux ",
)
YES_EMOJI = frozenset("👍👌✅🙂😊🆗")
NO_EMOJI = frozenset("👎❌🚫")


@cache
def _command_patterns() -> tuple[tuple[Intent, tuple[re.Pattern[str], ...]], ...]:
    return tuple(
        (intent, tuple(re.compile(p) for p in read_words(RULES_FILE, intent.value)))
        for intent in COMMANDS
    )


def command(text: str) -> Intent | None:
    """A command typed in words (« efface tout », « annule », « stop les messages »…), or None."""
    padded = words(text)
    for intent, patterns in _command_patterns():
        if any(p.search(padded) for p in patterns):
            return intent
    return None


def yes_no(text: str) -> Intent | None:
    """YES, NO, or None for a short closed answer; long texts are left to the classifier."""
    padded = words(text)
    tokens = padded.split()
    if any(p in padded for p in NO_PHRASES):
        return Intent.NO
    if not tokens:
        if set(text) & YES_EMOJI and not set(text) & NO_EMOJI:
            return Intent.YES
        if set(text) & NO_EMOJI and not set(text) & YES_EMOJI:
            return Intent.NO
        return None
    if len(tokens) > 6:
        return None
    if tokens[-1] in NO and len(tokens) > 1:  # « 2 ans c'est trop, non »
        return Intent.NO
    if tokens[0] in NO:
        return Intent.NO
    if tokens[0] in YES or any(p in padded for p in YES_PHRASES):
        return Intent.YES
    return None


def option(
    text: str, offered: tuple[datetime.date, ...], today: datetime.date | None = None
) -> int | None:
    """Which of the offered options (1-based) the text picks, or None.

    By rank (« le deuxième », « the second one », « la 3 », 2️⃣), by day (« lundi 12 »,
    « celle du 22 »), by month (« celui de mai ») or weekday (« le jeudi ») when that names
    exactly one of the offered first days; « la plus proche » is the first.
    """
    count = len(offered) or 3
    for emoji, number in KEYCAPS.items():
        if emoji in text:
            return number if number <= count else None
    padded = words(text)
    if re.search(rf" ({EARLIEST}) ", padded):
        return 1
    if offered:
        by_date = _by_date(text, offered, today)
        if by_date is not None:
            return by_date
    if re.search(rf" ({LAST}|{LATEST}) ", padded):
        return count
    for number, pattern in ORDINALS.items():
        if number <= count and re.search(
            rf"(^ | (le|la|l|the|option|choix|choice|number|numero|n|no|prends|take|pour) )"
            rf"({pattern})( (one|option|choix|choice|date|proposition|svp|stp|please))?( |$)",
            padded,
        ):
            return number
        if number <= count and re.fullmatch(rf" ({pattern}) ", padded):
            return number
    return None


def _by_date(
    text: str, offered: tuple[datetime.date, ...], today: datetime.date | None
) -> int | None:
    exact = dates.exact_date(text, today or offered[0]) if today or offered else None
    if exact is not None:
        for i, first in enumerate(offered, 1):
            if 0 <= (exact - first).days <= 1:
                return i
    day = dates.day_of_month(text)
    if day is not None and day > 3:
        hits = [i for i, f in enumerate(offered, 1) if day in (f.day, (f + _ONE_DAY).day)]
        if len(hits) == 1:
            return hits[0]
    months = dates.months_named(text)
    if months:
        hits = [i for i, f in enumerate(offered, 1) if f.month in months]
        if len(hits) == 1:
            return hits[0]
        padded = words(text)
        if len(hits) > 1 and re.search(rf" ({EARLY_IN_MONTH}) ", padded):
            return hits[0]  # « début avril » of two April options: the first
        if len(hits) > 1 and re.search(rf" ({LATE_IN_MONTH}) ", padded):
            return hits[-1]
    weekdays = dates.weekdays_named(text)
    if weekdays:
        hits = [
            i
            for i, f in enumerate(offered, 1)
            if any(w in (f.weekday(), (f + _ONE_DAY).weekday()) for w in weekdays)
        ]
        if len(hits) == 1:
            return hits[0]
        if day is not None:
            hits = [i for i, f in enumerate(offered, 1) if f.day == day]
            if len(hits) == 1:
                return hits[0]
    return None


_ONE_DAY = datetime.timedelta(days=1)
__all__ = ["command", "flat", "option", "yes_no"]
