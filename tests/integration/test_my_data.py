"""``/mesdonnees``, readable (issue 17), on SQLite and PostgreSQL: first a short message in the
resident's language (what is kept, since when, who sees it, until when, how to erase it), then
the JSON file, whose every key is documented in the README (and every documented key exists)."""

from __future__ import annotations

import json
from base64 import b64decode
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update

from infra.clock import FrozenClock
from infra.i18n import Translator
from routing.conversation.service import ConversationService
from routing.followups.records import FollowUp
from routing.journey.records import OutgoingMessage
from tests.support.conversation import conversation_service
from tests.support.export_keys import documented_keys, key_paths
from tests.support.residents import ScriptedResident


@pytest.fixture
def service(uow_factory, clock: FrozenClock) -> ConversationService:
    return conversation_service(uow_factory, clock, quartier_names=False)


async def _my_data(resident: ScriptedResident) -> tuple[str, dict]:  # type: ignore[type-arg]
    outcome = await resident.says("/mesdonnees" if resident.language_code == "fr" else "/mydata")
    async with resident.service.uow_factory() as uow:
        rows = [await uow.session.get(OutgoingMessage, i) for i in outcome.outbox_ids]
    methods = [r.method for r in rows if r is not None]
    # the words first, then the file (then, maybe, the question the conversation was at)
    assert methods[:2] == ["sendMessage", "sendDocument"], methods
    words, document = rows[0], rows[1]
    assert words is not None and document is not None
    return words.payload["text"], json.loads(b64decode(document.payload["content_b64"]))


async def _submit(resident: ScriptedResident) -> None:
    await resident.submits(
        "On voudrait un jardin partagé aux Tanneurs avec des voisins, un local",
        "quand il fera beau",
    )
    await resident.says("/humain")


async def test_the_words_first_then_a_file_whose_keys_are_all_documented(
    service: ConversationService, clock: FrozenClock
) -> None:
    resident = ScriptedResident(service, user_id="6060")
    await _submit(resident)
    async with service.uow_factory() as uow:  # one answered check-in, with words in it
        first = await uow.session.scalar(select(FollowUp.id).order_by(FollowUp.id))
        await uow.session.execute(
            update(FollowUp)
            .where(FollowUp.id == first)
            .values(status="answered", answer="y",
                    data={"score": 4, "comment": "bien", "story": "fait", "share": True})
        )  # fmt: skip
        await uow.commit()
    clock.advance(relativedelta(days=3))
    text, document = await _my_data(resident)

    until = Translator("fr", ZoneInfo("Europe/Paris")).date(
        clock.now() + relativedelta(months=24), "long"
    )
    for part in ("Voici ce que je garde sur toi", "ton prénom : Awa", "1 idée",
                 "Depuis quand", "Qui le voit : seulement l'équipe « Participation citoyenne »",
                 "Jusqu'à quand : 2 ans après ton dernier message", until, "/oublier"):  # fmt: skip
        assert part in text, (part, text)

    found = key_paths(document)
    documented = documented_keys()
    assert found <= documented, f"undocumented keys: {sorted(found - documented)}"
    assert documented <= found, f"documented but never exported: {sorted(documented - found)}"
    assert document["format_version"] == 1
    assert document["follow_ups"][0]["score"] == 4


async def test_the_words_are_in_the_residents_language(service: ConversationService) -> None:
    resident = ScriptedResident(service, user_id="6061", language_code="en")
    await resident.says("/start")
    text, document = await _my_data(resident)
    assert text.startswith("Here is what I keep about you"), text
    assert "/forget" in text or "/oublier" in text
    assert key_paths(document) <= documented_keys()
