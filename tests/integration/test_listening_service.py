"""The conversation service reads typed words with the understanding layer (issue 14), on SQLite
and PostgreSQL: a question after submission is answered from the directory or sent to the team,
a request for a person says when the office answers (office hours, weekends), a resident with
no idea yet sees initiatives from the directory, a formal writer is answered with « vous », an
idea is answered in the language it is written in (unless the resident chose one), a goodbye in
the middle of the questions or at the consent question keeps the idea and the next message picks
it up, a thank-you there is no consent."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from infra.clock import FrozenClock
from knowledge.demo import load_demo_directory
from knowledge.territory import load_gazetteer
from routing.cases.policy import french_working_hours
from routing.conversation.filling import Listening
from routing.conversation.service import ConversationService, Outcome
from routing.journey.records import Case, Conversation, Idea, OutgoingMessage, Resident
from routing.understanding import GazetteerPlaces, Understander
from tests.support.conversation import conversation_service
from tests.support.residents import ScriptedResident

PARIS = ZoneInfo("Europe/Paris")


@cache
def _reader() -> Understander:
    return Understander(GazetteerPlaces(load_gazetteer()))


@pytest.fixture
async def service(uow_factory, clock: FrozenClock) -> ConversationService:
    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    reader = _reader()
    return conversation_service(
        uow_factory,
        clock,
        threshold=reader.threshold,
        directory=True,
        listening=Listening(
            reader,
            french_working_hours(
                PARIS, time(9), time(17, 30), range(5), country="FR", subdivision=None
            ),
            120,
            "tu",
        ),
    )


async def _said(resident: ScriptedResident, text: str) -> str:
    outcome = await resident.says(text)
    async with resident.service.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.id.in_(outcome.outbox_ids))
            .order_by(OutgoingMessage.id)
        )
        return "\n".join(r.payload.get("text", "") for r in rows.all())


async def _press(resident: ScriptedResident, action: str, value: str) -> str:
    outcome = await resident.presses(action, value)
    async with resident.service.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage).where(OutgoingMessage.id.in_(outcome.outbox_ids))
        )
        return "\n".join(r.payload.get("text", "") for r in rows.all())


async def _submitted(resident: ScriptedResident) -> None:
    await _said(resident, "/start")
    await _said(resident, "Un cours de cuisine pour les femmes du quartier, aux Tanneurs")
    await _press(resident, "a", "place")
    await _press(resident, "a", "done")
    await _said(resident, "moi et les voisin")
    await _said(resident, "Le samedi 24 avril 2027")
    await _said(resident, "ouai")
    sent = await _said(resident, "c'est bon")
    assert "C'est envoyé" in sent


async def test_a_question_after_submission_is_answered_not_filed(
    service: ConversationService,
) -> None:
    amina = ScriptedResident(service, "7001")
    await _submitted(amina)
    answer = await _said(amina, "je doi apele qui pour la sale ?")
    assert "annuaire" in answer, answer
    assert "je l'ajoute" not in answer
    grant = await _said(amina, "Is there any small grant for spare parts?")
    assert "annuaire" in grant or "équipe" in grant, grant
    bye = await _said(amina, "merci au revoir")
    assert "bientôt" in bye
    async with service.uow_factory() as uow:
        idea = (await uow.session.scalars(select(Idea))).one()
    assert "merci" not in idea.text and "sale" not in idea.text


async def test_waiting_for_a_person_says_when_the_office_answers(
    service: ConversationService, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 12, 5, 11, 0, tzinfo=PARIS))  # a Saturday
    odile = ScriptedResident(service, "7006")
    asked = await _said(odile, "je veux parler à quelqu'un")
    assert "nous sommes samedi, ce sera lundi matin" in asked, asked
    assert "Je ne peux pas encore te dire quand" not in asked, asked  # one answer, not two
    clock.advance(timedelta(minutes=50))
    again = await _said(odile, "y a une vraie personne ?")
    assert "déjà chez l'équipe, depuis 50 minutes" in again, again
    kept = await _said(odile, "allo ? il y a quelqu'un ?")
    assert "quartier" not in kept and ("garde ton message" in kept or "déjà chez" in kept)
    told = await _said(odile, "c'est pour organiser un vide-grenier rue des Lilas")
    assert "garde ton message" in told, told
    async with service.uow_factory() as uow:
        assert not (await uow.session.scalars(select(Idea))).all()
        assert [c.reason for c in (await uow.session.scalars(select(Case))).all()] == ["asked"]


async def test_without_office_hours_the_bot_promises_no_time(
    uow_factory, clock: FrozenClock
) -> None:
    """No office hours in the settings: the bot says it cannot tell when, once, and names no
    delay; asked again, it says how long the request has waited."""
    reader = _reader()
    service = conversation_service(
        uow_factory, clock, threshold=reader.threshold, listening=Listening(reader, None, 120, "tu")
    )
    clock.set(datetime(2026, 12, 5, 11, 0, tzinfo=PARIS))
    noor = ScriptedResident(service, "7016")
    asked = await _said(noor, "/humain")
    assert "parler à une personne" in asked, asked
    assert asked.count("Je ne peux pas encore te dire quand") == 1, asked
    assert "ouvrées" not in asked and "lundi" not in asked, asked
    clock.advance(timedelta(minutes=20))
    again = await _said(noor, "/humain")
    assert "déjà chez l'équipe, depuis 20 minutes" in again, again
    assert "ouvrées" not in again, again


async def test_no_idea_yet_shows_what_neighbours_started(service: ConversationService) -> None:
    sami = ScriptedResident(service, "7005")
    shown = await _said(sami, "je sais pas trop")
    assert "🌱" in shown, shown  # initiatives from the directory
    async with service.uow_factory() as uow:
        assert not (await uow.session.scalars(select(Idea))).all()


async def test_a_formal_letter_is_answered_with_vous(service: ConversationService) -> None:
    lefevre = ScriptedResident(service, "7004")
    said = await _said(
        lefevre,
        "Madame, Monsieur, je me permets de vous écrire afin de vous proposer une fête de "
        "quartier aux Glycines.",
    )
    assert "Vous" in said or "vous" in said, said
    assert " tu " not in f" {said} " and " ton " not in f" {said} ", said


async def _locale(service: ConversationService, chat: str) -> str:
    async with service.uow_factory() as uow:
        found = await uow.session.scalar(select(Resident.locale).where(Resident.chat_id == chat))
    assert found is not None
    return found


async def test_the_bot_answers_in_the_language_an_idea_is_written_in(
    service: ConversationService,
) -> None:
    """A phone in Turkish and an idea in English: the replies are in English from that turn
    on; a phone in English and an idea in French: in French. Telegram's language_code is the
    phone's, not always the resident's."""
    deniz = ScriptedResident(service, "7006", language_code="tr")
    await deniz.says("/start")
    said = await _said(deniz, "Hello, I would like to start a repair cafe with my neighbours")
    assert "Which neighbourhood?" in said, said
    assert "Who: With other residents" in said, said  # English punctuation too
    assert await _locale(service, "7006") == "en"
    claire = ScriptedResident(service, "7007", language_code="en")
    said = await _said(claire, "Bonjour, je voudrais créer un jardin partagé avec les voisins")
    assert "Dans quel quartier ?" in said, said
    assert "Qui : Avec d'autres habitants" in said, said
    assert await _locale(service, "7007") == "fr"


async def test_a_language_the_resident_chose_is_kept(service: ConversationService) -> None:
    """Once a resident chose English (/langue), an idea written in French does not switch."""
    ana = ScriptedResident(service, "7008", language_code="fr")
    assert "English" in await _said(ana, "/langue en")
    said = await _said(ana, "Bonjour, je voudrais créer un jardin partagé avec les voisins")
    assert "Which neighbourhood?" in said, said
    assert await _locale(service, "7008") == "en"


async def _kept_after_goodbye(
    service: ConversationService, bye: Outcome
) -> tuple[Conversation, Idea | None]:
    """After a goodbye: the one message sent says the idea is kept and asks nothing (no
    buttons: not the question again); the conversation and the idea as they are then."""
    async with service.uow_factory() as uow:
        sent = [await uow.session.get(OutgoingMessage, i) for i in bye.outbox_ids]
        kept = await uow.session.scalar(select(Conversation))
        idea = await uow.session.scalar(select(Idea))
    assert len(sent) == 1 and sent[0] is not None and "reste gardée" in sent[0].payload["text"]
    assert "reply_markup" not in sent[0].payload
    assert kept is not None
    return kept, idea


async def test_a_goodbye_in_the_middle_of_the_questions_keeps_the_idea_for_later(
    service: ConversationService,
) -> None:
    resident = ScriptedResident(service)
    await resident.says("On aimerait monter un groupe de parents pour le soutien scolaire")
    async with service.uow_factory() as uow:
        before = await uow.session.scalar(select(Conversation))
    assert before is not None and before.state["pending"] == "neighbourhood"
    draft = before.state["draft"]
    kept, idea = await _kept_after_goodbye(service, await resident.says("merci, au revoir"))
    assert kept.state["draft"] == draft and kept.state["away"]
    assert kept.state["pending"] == "neighbourhood" and kept.version == before.version
    assert idea is not None and idea.status == "draft" and "soutien scolaire" in idea.text
    back = await resident.says("bonjour")
    async with service.uow_factory() as uow:
        rows = [await uow.session.get(OutgoingMessage, i) for i in back.outbox_ids]
        after = await uow.session.scalar(select(Conversation))
    assert rows[0] is not None and rows[0].payload["text"].startswith("Re-bonjour")
    assert rows[-1] is not None and "Dans quel quartier" in rows[-1].payload["text"]
    assert after is not None and not after.state["away"] and after.state["draft"] == draft


async def test_thanks_and_a_goodbye_at_the_consent_question_are_no_consent(
    service: ConversationService,
) -> None:
    ana = ScriptedResident(service, "7009")
    await _said(ana, "/start")
    await _said(ana, "Un cours de cuisine pour les femmes du quartier, aux Tanneurs")
    await _press(ana, "a", "place")
    await _press(ana, "a", "done")
    await _said(ana, "moi et les voisin")
    asked = await _said(ana, "Le samedi 24 avril 2027")
    assert "Tu es d'accord ?" in asked, asked
    thanks = await _said(ana, "merci")
    assert thanks.startswith("Avec plaisir !") and "Tu es d'accord ?" in thanks, thanks
    kept, idea = await _kept_after_goodbye(service, await ana.says("merci, bonne soirée"))
    assert kept.state["away"] and kept.state["pending"] == "consent"
    assert kept.state["draft"]["consent"] is None
    assert idea is not None and idea.status == "draft" and "cuisine" in idea.text
    back = await _said(ana, "bonjour")
    assert back.startswith("Re-bonjour") and "Tu es d'accord ?" in back, back
    summary = await _said(ana, "oui merci")
    assert "Voici ton idée" in summary, summary
    async with service.uow_factory() as uow:
        after = await uow.session.scalar(select(Conversation))
    assert after is not None and after.state["draft"]["consent"] is True
    assert after.state["step"] == "summary" and not after.state["away"]


async def test_yes_or_thanks_at_the_title_prompt_is_no_title(service: ConversationService) -> None:
    ana = ScriptedResident(service, "7010")
    await _said(ana, "/start")
    await _said(ana, "Un cours de cuisine pour les femmes du quartier, aux Tanneurs")
    await _press(ana, "a", "place")
    await _press(ana, "a", "done")
    await _said(ana, "moi et les voisin")
    await _said(ana, "Le samedi 24 avril 2027")
    await _said(ana, "oui")
    asked = await _press(ana, "e", "title")
    assert asked == "D'accord. Quel titre court veux-tu donner à ton idée ?", asked
    again = await _said(ana, "oui merci")  # was the new title
    assert "Je garde ton titre tel quel" in again and "« Potager partagé" in again, again
    assert again.endswith("\nQuel titre court veux-tu donner à ton idée ?"), again
    thanks = await _said(ana, "merci")  # « Avec plaisir ! » then the question, no « D'accord. »
    assert thanks == "Avec plaisir !\n\nQuel titre court veux-tu donner à ton idée ?", thanks
    async with service.uow_factory() as uow:
        idea = await uow.session.scalar(select(Idea))
    assert idea is not None and idea.title != "oui merci" and "merci" not in idea.text
    summary = await _said(ana, "Merci les voisines")  # a real title with « merci » in it
    assert "Titre : Merci les voisines" in summary, summary
