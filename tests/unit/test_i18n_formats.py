"""infra.i18n.Translator's amounts and days, kept once formatted: the same text as Babel's own
call, each value apart (issue 18: a suggestion card's amounts were a third of its rendering)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency

from infra.i18n import Translator


def _babel_whole(amount: int | float | Decimal, locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return format_currency(amount, "EUR", format=pattern.replace(".00", ""),
                           currency_digits=False, locale=locale)  # fmt: skip


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_whole_amounts_are_written_as_babel_writes_them(locale: str) -> None:
    t = Translator(locale)
    for amount in (1500, 1500.0, 1500.6, Decimal("1500.4"), 300, 12000, 1500):
        assert t.money(amount, whole=True) == _babel_whole(amount, locale)
    assert t.money(1500.6, whole=True) != t.money(1500, whole=True)  # not mistaken for 1500
    assert t.money(1500, whole=True) == ("1\u202f500\xa0€" if locale == "fr" else "€1,500")
    assert t.money(12.5) == format_currency(12.5, "EUR", locale=locale)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_days_are_written_as_babel_writes_them(locale: str) -> None:
    t = Translator(locale)
    for day, fmt in ((date(2027, 3, 31), "long"), (date(2027, 3, 31), "EEEE d MMMM"),
                     (date(2026, 12, 5), "long"), (date(2027, 3, 31), "long")):  # fmt: skip
        assert t.date(day, fmt) == format_date(day, format=fmt, locale=locale)
    late = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # already the 6th in Paris
    with pytest.raises(ValueError, match="no time zone"):  # none given: no zone guessed
        t.date(late, "d MMMM")
    with pytest.raises(ValueError, match="no time zone"):
        t.datetime(late, "short")
    paris = Translator(locale, ZoneInfo("Europe/Paris"))
    assert paris.date(late, "d MMMM") == format_date(date(2026, 12, 6), "d MMMM", locale=locale)
    montreal = Translator(locale, ZoneInfo("America/Montreal"))
    assert montreal.date(late, "d MMMM") == format_date(date(2026, 12, 5), "d MMMM", locale=locale)
