"""« tu » and « vous » (issue 14): every French phrase a resident reads exists in both registers
(locales/fr/LC_MESSAGES/declic_vous.po), the renderer speaks the resident's register, English
is unaffected. When a test here fails after a phrase changed: `make catalogs`, then give the new
« tu » phrases their « vous » wording in declic_vous.po."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import phrases
from bot.render import Renderer
from infra.i18n import LOCALES_DIR, VOUS_DOMAIN, Translator
from routing.intake import Say
from routing.outbox.drafts import RenderContext
from tests.support.conversation import OFFICE

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "locales" / "declic.pot"
VOUS = LOCALES_DIR / "fr" / "LC_MESSAGES" / f"{VOUS_DOMAIN}.po"
# A phrase says « tu » when it has a second-person pronoun or possessive, or an imperative.
TU = re.compile(
    r"(?<![\w-])([Tt]u|[Tt]e|[Tt]on|[Tt]a|[Tt]es|[Tt]oi)(?![\w])|(?<![\w-])[Tt]['’]|-toi\b|-tu\b"
    r"|(?<![\w])(Raconte|Tape|tape|Choisis|choisis|Touche|touche|Dis|Écris|écris|Réponds"
    r"|Appuie|Laisse|Envoie|Regarde|Reviens|Essaie|Donne|Apporte|Ajoute)\b"
)
PRONOUNS = re.compile(
    r"(?<![\w-])([Tt]u|[Tt]e|[Tt]on|[Tt]a|[Tt]es|[Tt]oi)(?![\w])|(?<![\w-])[Tt]['’]"
)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _catalog(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return read_po(handle, locale="fr")


def test_every_tu_phrase_has_its_vous_wording() -> None:
    pot = [m.id for m in _catalog(POT) if m.id and isinstance(m.id, str)]
    vous = {m.id: m for m in _catalog(VOUS) if m.id}
    tu = [msgid for msgid in pot if TU.search(msgid)]
    assert len(tu) > 100  # the detector really found the resident's phrases
    missing = [m for m in tu if m not in vous or not vous[m].string or vous[m].fuzzy]
    assert not missing, f"no « vous » wording in {VOUS.name} for: {missing}"
    for msgid in tu:
        said = vous[msgid].string
        assert isinstance(said, str)
        assert not PRONOUNS.search(said), f"still « tu »: {said!r}"
        assert _fields(said) == _fields(msgid), f"placeholders differ: {said!r}"


def test_the_renderer_speaks_vous_to_who_writes_vous_and_english_is_unchanged() -> None:
    render = Renderer(office=OFFICE)
    keys = sorted(k for k in phrases.SAY if k != "sticker")
    office = {"office", "town", "period"}  # filled from the settings
    fields = sorted({f for k in keys for f in _fields(phrases.SAY[k])} - office)
    replies = [Say(k, tuple((f, "x") for f in fields)) for k in keys]
    for reply in replies:
        tu = render([reply], RenderContext("fr", register="tu"))
        vous = render([reply], RenderContext("fr", register="vous"))
        english = render([reply], RenderContext("en", register="vous"))
        assert english == render([reply], RenderContext("en", register="tu"))
        text = vous[0].payload["text"]
        assert not PRONOUNS.search(text), (reply.key, text)
        if TU.search(tu[0].payload["text"]):
            assert text != tu[0].payload["text"], reply.key


@pytest.mark.parametrize(
    ("register", "expected"),
    [
        ("tu", "Tu aimerais que ça démarre quand ?"),
        ("vous", "Vous aimeriez que ça démarre quand ?"),
    ],
)
def test_a_question_in_each_register(register: str, expected: str) -> None:
    assert Translator("fr", register=register).gettext(phrases.QUESTIONS["timing"]) == expected
