"""Babel catalogs: French is the source language (msgids), English is a translation.

Catalogs are read from ``locales/<lang>/LC_MESSAGES/declic.po`` and compiled in memory, so a
fresh checkout needs no build step. Only transports (bot, console, CLI) turn decisions into words.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "declic"
# French in « vous »: a catalog whose msgids are the « tu » phrases (the source) and whose
# msgstrs say them with « vous »; an empty msgstr means the phrase has no « tu » in it.
VOUS_DOMAIN = "declic_vous"
REGISTERS = ("tu", "vous")
SUPPORTED = ("fr", "en")
SOURCE_LOCALE = "fr"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translated at the edge)."""
    return message


def Np_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction; translated later with ``ngettext``."""
    return singular, plural


MONTHS = Np_("{count} mois", "{count} mois")
YEARS = Np_("{count} an", "{count} ans")


@lru_cache(maxsize=1024)
def _whole_number(value: int, locale: str) -> str:
    """A whole number as ``format_decimal`` writes it, kept: replies write the same few again and
    again (the retention period in the welcome and privacy texts), and each call of Babel's
    parses the locale's pattern anew (about a fifth of a reply's rendering CPU)."""
    return format_decimal(value, locale=locale)


@lru_cache(maxsize=1024, typed=True)
def _whole_money(amount: int | float | Decimal, currency: str, locale: str) -> str:
    """An amount in whole units as ``format_currency`` writes it with the locale's pattern less
    its cents, kept: a suggestion card names a fund's amounts, the same few again and again, and
    each call of Babel's parses the locale and its pattern anew (a third of the cards' rendering
    CPU). ``typed``: 1500 and 1500.0 are kept apart, as Babel might write them apart."""
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return format_currency(
        amount, currency, format=pattern.replace(".00", ""), currency_digits=False, locale=locale
    )


@lru_cache(maxsize=1024)
def _day(value: date, fmt: str, locale: str) -> str:
    """A day as ``format_date`` writes it, kept (a grant's deadline on its card)."""
    return format_date(value, format=fmt, locale=locale)


@cache
def translations(locale: str) -> Translations:
    po_path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == SOURCE_LOCALE or not po_path.exists():
        return Translations()  # msgids are French: identity
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@cache
def vous_translations() -> Translations:
    po_path = LOCALES_DIR / SOURCE_LOCALE / "LC_MESSAGES" / f"{VOUS_DOMAIN}.po"
    if not po_path.exists():
        return Translations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=SOURCE_LOCALE, domain=VOUS_DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=VOUS_DOMAIN)


def pick_locale(language_code: str | None, default: str = SOURCE_LOCALE) -> str:
    """Telegram's ``language_code`` (e.g. "en-GB") → one of the supported locales."""
    if language_code:
        base = language_code.split("-", 1)[0].lower()
        if base in SUPPORTED:
            return base
    return default


class Translator:
    """Words and formats for one locale and time zone; French speaks « tu » or « vous »
    (``register``; English has one register).

    ``tz`` is the town's time zone (DECLIC_TIMEZONE), needed to tell a moment (a datetime). A
    Translator made without one says words, numbers and calendar days, and refuses a moment
    rather than guess a zone (it used to guess Europe/Paris)."""

    def __init__(self, locale: str, tz: ZoneInfo | None = None, register: str = "tu") -> None:
        self.locale = locale if locale in SUPPORTED else SOURCE_LOCALE
        self.tz = tz
        self.register = register if register in REGISTERS else "tu"
        vous = self.locale == SOURCE_LOCALE and self.register == "vous"
        self._t = vous_translations() if vous else translations(self.locale)

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def local(self, value: datetime) -> datetime:
        """The moment in the town's time zone."""
        if self.tz is None:
            raise ValueError("this Translator has no time zone: give it DECLIC_TIMEZONE's")
        return value.astimezone(self.tz)

    def date(self, value: date | datetime, fmt: str = "long") -> str:
        if isinstance(value, datetime):
            return format_date(self.local(value), format=fmt, locale=self.locale)
        return _day(value, fmt, self.locale)

    def datetime(self, value: datetime, fmt: str = "medium") -> str:
        return format_datetime(self.local(value), format=fmt, tzinfo=self.tz, locale=self.locale)

    def number(self, value: int | float | Decimal) -> str:
        if type(value) is int:
            return _whole_number(value, self.locale)
        return format_decimal(value, locale=self.locale)

    def money(
        self, amount: int | float | Decimal, currency: str = "EUR", *, whole: bool = False
    ) -> str:
        """Money in the locale's style; ``whole`` drops the cents (grants are whole euros)."""
        if whole:
            return _whole_money(amount, currency, self.locale)
        return format_currency(amount, currency, locale=self.locale)

    def months(self, count: int) -> str:
        """A period as people say it: « 12 mois », « 18 mois », « 2 ans » (whole years from two
        on), « 1 mois »; the privacy notice states the retention period this way."""
        if count >= 24 and count % 12 == 0:
            years = count // 12
            return self.ngettext(*YEARS, years).format(count=self.number(years))
        return self.ngettext(*MONTHS, count).format(count=self.number(count))

    @property
    def language_name(self) -> str:
        return Locale.parse(self.locale).get_display_name(self.locale) or self.locale
