"""Posters for « aller vers »: one printable A4 page per quartier, in plain words, with the
office's name and a QR code for the bot's deep link ``https://t.me/<bot>?start=<source>``.

The source (the poster campaign) comes back as the /start payload, is kept on the ideas
started from it, and is a statistics cut (« Campagne »). fpdf2 draws the page, segno the QR
code; both are pure Python and need no system library. Text is set in the PDF core fonts
(Latin-1): characters outside it are replaced, never dropped silently.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import segno
from fpdf import FPDF

from infra.i18n import N_, Translator

SOURCE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # Telegram's start parameter
WORDS = {
    "title": N_("Une idée pour {quartier} ?"),
    "body": N_(
        "Un jardin, une fête, un atelier, un coup de main entre voisins… Raconte ton idée "
        "à Déclic sur Telegram, avec tes mots. On t'aide à trouver un lieu, un peu d'argent "
        "et les bonnes personnes pour la lancer."
    ),
    "scan": N_("Scanne ce code avec ton téléphone, ou ouvre ce lien :"),
}  # said with « vous » from locales/fr/LC_MESSAGES/declic_vous.po when the register is vous
FOOTER = N_("Proposé par « {office} ». C'est gratuit.")
NO_BOT = N_("(le nom du bot n'est pas réglé : DECLIC_BOT_USERNAME)")


STAND_INS = (("œ", "oe"), ("Œ", "OE"), ("’", "'"), ("…", "..."), ("·", "."), ("\u202f", " "))


class PosterError(ValueError):
    """The poster cannot be made; ``code`` says why (unknown quartier, bad source…)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Poster:
    quartier: str  # the quartier's name
    office: str
    link: str | None  # None: no bot username configured
    source: str


def default_source(quartier_id: str) -> str:
    return f"affiche-{quartier_id}"[:64]


def check_source(source: str) -> str:
    if not SOURCE.fullmatch(source):
        raise PosterError("bad_source")
    return source


def deep_link(bot_username: str, source: str) -> str:
    return f"https://t.me/{bot_username}?start={check_source(source)}"


def poster_pdf(poster: Poster, locale: str, register: str) -> bytes:
    """One A4 page: the invitation, the QR code and its link, the office."""
    t = Translator(locale, register=register)
    words = WORDS
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(_latin(t.gettext(words["title"]).format(quartier=poster.quartier)))
    pdf.set_author(_latin(poster.office))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    width = pdf.w - 2 * 20
    pdf.set_xy(20, 25)
    pdf.set_font("Helvetica", "B", 34)
    title = t.gettext(words["title"]).format(quartier=poster.quartier)
    pdf.multi_cell(width, 14, _latin(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 17)
    pdf.multi_cell(
        width, 9, _latin(t.gettext(words["body"])), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(10)
    if poster.link is not None:
        png = io.BytesIO()
        segno.make(poster.link, error="m").save(png, kind="png", scale=12, border=4)
        png.seek(0)
        size = 95
        pdf.image(png, x=(pdf.w - size) / 2, y=pdf.get_y(), w=size, h=size)
        pdf.set_y(pdf.get_y() + size + 6)
        pdf.set_font("Helvetica", "", 14)
        pdf.multi_cell(
            width, 7, _latin(t.gettext(words["scan"])), align="C", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(
            width, 7, poster.link, align="C", link=poster.link, new_x="LMARGIN", new_y="NEXT"
        )
    else:
        pdf.set_font("Helvetica", "I", 14)
        pdf.multi_cell(
            width, 7, _latin(t.gettext(NO_BOT)), align="C", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.set_xy(20, pdf.h - 35)
    pdf.set_font("Helvetica", "", 13)
    pdf.multi_cell(
        width,
        7,
        _latin(t.gettext(FOOTER).format(office=poster.office)),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def _latin(text: str) -> str:
    """The core fonts' Latin-1, with the usual typographic stand-ins."""
    for char, plain in STAND_INS:
        text = text.replace(char, plain)
    return text.encode("latin-1", "replace").decode("latin-1")
