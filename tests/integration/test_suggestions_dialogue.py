"""After submitting, the resident sees suggestions from the demo directory and answers them.

Through the conversation service on a real database (SQLite and PostgreSQL), with the demo
directory loaded: the idea is matched in the submitting transaction, suggestions come grouped by
need a few at a time, and every answer is recorded (yes and no as journey events).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.callbacks import unpack
from infra.clock import FrozenClock
from knowledge.demo import load_demo_directory
from routing import matching
from routing.conversation.replies import SuggestionsPage
from routing.conversation.service import ConversationService
from routing.conversation.suggestion_replies import suggestions_page
from routing.intake import SUGGESTIONS_PER_PAGE, Action, ButtonIn, ShowSuggestions
from routing.journey.records import Idea, JourneyEvent, OutgoingMessage
from routing.matching.records import Suggestion
from tests.support.conversation import conversation_service, statements_sent
from tests.support.residents import ScriptedResident

IDEA = (
    "Avec des voisins on voudrait un jardin partagé aux Glycines, "
    "il nous faut un lieu et un peu d'argent pour les graines"
)


@pytest.fixture
async def service(uow_factory, clock: FrozenClock) -> ConversationService:
    await load_demo_directory(uow_factory, datetime(2026, 11, 1, tzinfo=UTC))
    return conversation_service(uow_factory, clock, directory=True)


async def _sent(service: ConversationService, ids: tuple[int, ...]) -> list[OutgoingMessage]:
    async with service.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(OutgoingMessage).where(OutgoingMessage.id.in_(ids)).order_by(OutgoingMessage.id)
        )
        return list(rows.all())


def _buttons(rows: list[OutgoingMessage]) -> list[tuple[str, str, str]]:
    """(action, value, label) of every button in ``rows``."""
    out = []
    for row in rows:
        for line in (row.payload.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in line:
                cb = unpack(button["callback_data"])
                assert cb is not None
                out.append((cb.action, cb.value, button["text"]))
    return out


async def _submit(resident: ScriptedResident) -> list[OutgoingMessage]:
    await resident.says("/start")
    await resident.says(IDEA)
    await resident.says("cet été")
    await resident.presses("a", "yes")
    outcome = await resident.presses("s", "ok")
    return await _sent(resident.service, outcome.outbox_ids)


async def _rows(service: ConversationService, model, *where):  # type: ignore[no-untyped-def]
    async with service.uow_factory() as uow:
        return list((await uow.session.scalars(select(model).where(*where))).all())


async def test_submitting_shows_suggestions_grouped_by_need_a_few_at_a_time(
    service: ConversationService,
) -> None:
    sent = await _submit(ScriptedResident(service))
    texts = [row.payload.get("text", "") for row in sent]
    assert texts[0].startswith("C'est envoyé !")
    assert "Voici des pistes" in texts[0]
    cards = [row for row in sent if any(a == Action.SUGGESTION for a, _, _ in _buttons([row]))]
    assert 1 <= len(cards) <= 3  # a few at a time
    # Both needs on the first page: the resident asked for a place and for money.
    joined = "\n".join(row.payload["text"] for row in cards)
    assert "Pour trouver un lieu :" in joined and "Pour un financement :" in joined
    for card in cards:
        labels = [label for _, _, label in _buttons([card])]
        assert labels == ["Ça m'intéresse", "Pas pour moi", "En savoir plus"]
        assert "• " in card.payload["text"]  # every suggestion says why
    menu = _buttons([sent[-1]])
    assert [value for _, value, _ in menu] == ["more", "sprint", "new", "human"]  # a person, always

    (idea,) = await _rows(service, Idea)
    suggested = await _rows(service, Suggestion, Suggestion.idea_id == idea.id)
    assert len(suggested) > len(cards)
    kinds = {e.kind for e in await _rows(service, JourneyEvent)}
    assert {"intake_completed", "suggested"} <= kinds


async def test_the_resident_answers_suggestions_and_sees_more(
    service: ConversationService,
) -> None:
    resident = ScriptedResident(service)
    sent = await _submit(resident)
    first_page = [v for a, v, _ in _buttons(sent) if a == Action.SUGGESTION]
    yes = next(v for v in first_page if v.endswith(".y"))
    no = next(v for v in first_page if v.endswith(".n") and v.split(".")[0] != yes.split(".")[0])

    replies = await _sent(service, (await resident.presses("g", yes)).outbox_ids)
    assert "t'intéresse" in replies[0].payload["text"]
    await resident.presses("g", no)
    accepted = await _rows(service, Suggestion, Suggestion.id == int(yes.split(".")[0]))
    declined = await _rows(service, Suggestion, Suggestion.id == int(no.split(".")[0]))
    assert accepted[0].status == "accepted" and declined[0].status == "declined"
    events = [e.kind for e in await _rows(service, JourneyEvent)]
    assert events.count("suggestion_accepted") == 1 and events.count("suggestion_declined") == 1

    info = yes.replace(".y", ".i")
    details = await _sent(service, (await resident.presses("g", info)).outbox_ids)
    assert len(details) == 1
    assert [label for _, _, label in _buttons(details)] == ["Ça m'intéresse", "Pas pour moi"]

    more = await _sent(service, (await resident.presses("n", "more")).outbox_ids)
    second_page = [v for a, v, _ in _buttons(more) if a == Action.SUGGESTION]
    assert second_page and not set(second_page) & set(first_page)
    # Typed words work as well as the button: nothing left, and it says so kindly.
    done = await _sent(service, (await resident.says("d'autres ?")).outbox_ids)
    assert "toutes les pistes" in done[0].payload["text"]


async def test_a_forged_suggestion_button_changes_nothing(service: ConversationService) -> None:
    """Buttons are never trusted: another resident's suggestion id is refused kindly."""
    awa = ScriptedResident(service, user_id="1")
    sent = await _submit(awa)
    target = next(v for a, v, _ in _buttons(sent) if a == Action.SUGGESTION and v.endswith(".y"))
    intruder = ScriptedResident(service, user_id="2")
    await intruder.says("/start")
    outcome = await service.handle(intruder._inbound(ButtonIn("g", target, 0), "button"))
    reply = (await _sent(service, outcome.outbox_ids))[0].payload["text"]
    assert "Je ne retrouve plus cette piste" in reply
    row = (await _rows(service, Suggestion, Suggestion.id == int(target.split(".")[0])))[0]
    assert row.status == "proposed"
    assert not [e for e in await _rows(service, JourneyEvent) if e.kind == "suggestion_accepted"]


async def test_the_page_after_a_submission_is_the_one_a_read_gives_without_reading_it(
    service: ConversationService,
) -> None:
    """The submission's turn shows the suggestions it has just written: the same page as one
    read from the database, and no statement of its own (``matching.suggestions_known``)."""
    resident = ScriptedResident(service)
    await resident.reaches_summary(IDEA, "cet été")
    async with statements_sent(service.uow_factory) as statements:
        outcome = await resident.presses("s", "ok")
    page = next(r for r in outcome.replies if isinstance(r, SuggestionsPage))
    assert page.cards
    assert any("INSERT INTO idea_suggestions" in s for s in statements)
    # (the submission's own statement asks whether the idea has any, in an EXISTS)
    assert not [s for s in statements if s.startswith("SELECT") and "FROM idea_suggestions" in s]
    (idea,) = await _rows(service, Idea)
    async with service.uow_factory() as uow:
        read = await suggestions_page(
            uow.session, idea.id, ShowSuggestions(0, SUGGESTIONS_PER_PAGE, page.version)
        )
    assert read == page


async def test_after_a_match_the_turn_knows_the_rows_a_read_would_give(
    service: ConversationService, clock: FrozenClock
) -> None:
    """Matched again with answers given: the answered rows stay (declined ones too, which the
    page leaves out), the pending ones are replaced, and what the turn remembers is the table."""
    await _submit(ScriptedResident(service))
    (idea,) = await _rows(service, Idea)
    first, second = (await _rows(service, Suggestion, Suggestion.idea_id == idea.id))[:2]
    assert service.catalogues is not None
    async with service.uow_factory() as uow:
        await matching.record_response(uow, first.id, True, clock.now())
        await matching.record_response(uow, second.id, False, clock.now())
        assert matching.suggestions_known(uow.session, idea.id) is None  # answered: read again
        await uow.commit()
    async with service.uow_factory() as uow:
        await matching.suggest_for_idea(uow, idea.id, service.catalogues, clock.now(), top=6)
        known = matching.suggestions_known(uow.session, idea.id)
        read = await matching.suggestions_for_idea(uow, idea.id)
    assert known == read
    assert {v.status for v in read} == {"accepted", "declined", "proposed"}
