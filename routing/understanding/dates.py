"""Exact days in residents' words: « le samedi 24 avril 2027 », « 21 juin », « May 3rd ».

Month and weekday names come from Babel's CLDR data (French and English, accents stripped), so
no word list is kept here. dateparser was measured too: 2 to 4 ms a message and dates found in
plain words (« je » read as a day), which would break the 2 ms budget of this layer.
"""

from __future__ import annotations

import datetime
import re
from functools import cache

from babel.dates import get_day_names, get_month_names

from routing.understanding.normal import flat

LOCALES = ("fr", "en")
DAYS_WITHIN_QUARTER = 92  # « within 3 months » counted from today, as the evaluation set does
DAYS_WITHIN_YEAR = 366


@cache
def _names() -> tuple[dict[str, int], dict[str, int]]:
    months: dict[str, int] = {}
    days: dict[str, int] = {}
    for locale in LOCALES:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                key = flat(name).rstrip(".")
                if len(key) >= 3:
                    months.setdefault(key, number)
            for number, name in get_day_names(width, locale=locale).items():
                days.setdefault(flat(name).rstrip("."), number)
    months.setdefault("fevier", 2)
    months.setdefault("fev", 2)
    months.setdefault("fevrie", 2)
    months.setdefault("janvie", 1)
    months.setdefault("juil", 7)
    months.setdefault("aout", 8)
    return months, days


@cache
def _pattern() -> re.Pattern[str]:
    months, days = _names()
    month = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    day = "|".join(sorted(map(re.escape, days), key=len, reverse=True))
    return re.compile(
        rf"(?:\b(?P<weekday>{day})\b[\s,]*)?"
        rf"(?:\b(?P<day>[0-3]?\d)(?:er|st|nd|rd|th|e)?\s+(?:of\s+)?(?P<month>{month})\b"
        rf"|\b(?P<month2>{month})\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?\b)"
        rf"(?:\s*,?\s*(?P<year>20\d\d)\b)?"
    )


@cache
def _weekday_day_pattern() -> re.Pattern[str]:
    _, days = _names()
    day = "|".join(sorted(map(re.escape, days), key=len, reverse=True))
    return re.compile(
        rf"\b(?P<weekday>{day})\.?\s+(?:the\s+|le\s+)?(?P<day>[0-3]?\d)(?:er|st|nd|rd|th|e)?\b"
    )


_WORD = re.compile(r"\w+")  # a whole word, as ``\b`` sees one
_NUMERIC = re.compile(r"\b([0-3]?\d)[/.]([01]?\d)(?:[/.](20\d\d|\d\d))?\b")
_NEXT = re.compile(r"\b(?:(?P<a>[a-z]+) prochain|next (?P<b>[a-z]+))\b")


def exact_date(text: str, today: datetime.date) -> datetime.date | None:
    """The first day named with its month (« samedi 24 avril 2027 », « 24/04 », « May 3rd »)
    or « samedi prochain »; without a year, the next one to come.

    The patterns with a month's or a weekday's name match that name as a whole word only, the
    numeric one a « / » or a « . », « prochain » and « next » themselves: a text without them
    (most) is not searched with those patterns."""
    normal = flat(text)
    said = set(_WORD.findall(normal))
    months, days = _names()
    match = None if months.keys().isdisjoint(said) else _pattern().search(normal)
    if match is None:
        return (
            (_numeric(normal, today) if "/" in normal or "." in normal else None)
            or (None if days.keys().isdisjoint(said) else _weekday_and_day(normal, today))
            or (_next_weekday(normal, today) if "prochain" in said or "next" in said else None)
        )
    month = months[match.group("month") or match.group("month2")]
    day = int(match.group("day") or match.group("day2"))
    year = int(match.group("year")) if match.group("year") else today.year
    try:
        found = datetime.date(year, month, day)
    except ValueError:
        return None
    if not match.group("year") and found < today:
        try:
            found = found.replace(year=year + 1)
        except ValueError:
            return None
    return found


def _numeric(normal: str, today: datetime.date) -> datetime.date | None:
    """« le 24/04 », « 24.04.2027 » (day first, as in French and British writing)."""
    match = _NUMERIC.search(normal)
    if match is None:
        return None
    day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
    full = int(year) + (2000 if len(year) == 2 else 0) if year else today.year
    try:
        found = datetime.date(full, month, day)
    except ValueError:
        return None
    if not year and found < today:
        found = found.replace(year=full + 1)
    return found


def _weekday_and_day(normal: str, today: datetime.date) -> datetime.date | None:
    """« sam 12 », « samedi 12 », « Sat 12th »: the next 12th that falls on that weekday,
    within the year ahead (the weekday tells which month is meant)."""
    match = _weekday_day_pattern().search(normal)
    if match is None:
        return None
    weekday = _names()[1][match.group("weekday")]
    number = int(match.group("day"))
    year, month = today.year, today.month
    for _ in range(13):
        try:
            found = datetime.date(year, month, number)
        except ValueError:
            found = None
        if found is not None and found >= today and found.weekday() == weekday:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _next_weekday(normal: str, today: datetime.date) -> datetime.date | None:
    """« samedi prochain », « next Saturday »: that weekday in the coming week."""
    _, days = _names()
    for match in _NEXT.finditer(normal):
        weekday = days.get(match.group("a") or match.group("b") or "")
        if weekday is not None:
            ahead = (weekday - today.weekday()) % 7 or 7
            return today + datetime.timedelta(days=ahead)
    return None


def day_of_month(text: str) -> int | None:
    """A day number said alone (« lundi 12 », « celle du 22 », « the 22nd one »)."""
    match = re.search(r"\b([0-3]?\d)(?:er|st|nd|rd|th|e)?\b", flat(text))
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= 31 else None


def months_named(text: str) -> list[int]:
    months, _ = _names()
    return [months[w] for w in re.findall(r"[a-z]+", flat(text)) if w in months]


def month_number(word: str) -> int | None:
    return _names()[0].get(word)


def weekdays_named(text: str) -> list[int]:
    _, days = _names()
    return [days[w] for w in re.findall(r"[a-z]+", flat(text)) if w in days and len(w) > 3]


def bucket(day: datetime.date, today: datetime.date) -> str:
    """The timing answer a day falls in: within three months, or within the year ahead."""
    ahead = (day - today).days
    if ahead <= DAYS_WITHIN_QUARTER:
        return "within_3_months"
    return "this_year"
