"""A poster speaks in the city's default register and names its office."""

from __future__ import annotations

import io

import pypdfium2 as pdfium

from console.posters import Poster, deep_link, poster_pdf


def _text(pdf: bytes) -> str:
    return pdfium.PdfDocument(io.BytesIO(pdf))[0].get_textpage().get_text_range()


def test_the_poster_says_tu_or_vous_as_the_city_chose() -> None:
    poster = Poster("Les Chaumes", "Maison des projets", deep_link("SorlangesBot", "x"), "x")
    assert "Raconte ton idée" in _text(poster_pdf(poster, "fr", "tu"))
    vous = _text(poster_pdf(poster, "fr", "vous"))
    assert "Racontez votre idée" in vous and "« Maison des projets »" in vous
    assert "An idea for Les Chaumes?" in _text(poster_pdf(poster, "en", "tu"))
