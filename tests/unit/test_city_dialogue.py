"""The conversation uses the city: its quartiers as buttons (paged beyond 8), a street named in
any message, a shared location; with no city, the resident's own words."""

from __future__ import annotations

from datetime import date

from bot.render import Renderer
from knowledge.lexicon import default_lexicon
from knowledge.territory import Gazetteer, Territory
from routing.conversation.service import RenderContext
from routing.intake import (
    Action,
    Ask,
    ButtonIn,
    Command,
    CommandIn,
    Dialogue,
    DialogueState,
    LocationIn,
    Say,
    Step,
    TextIn,
)
from routing.intake.draft import Slot
from routing.intake.extraction import Extractor
from tests.support.city import SAMPLE, city_from_files
from tests.support.conversation import OFFICE

TODAY = date(2026, 11, 23)
CITY = city_from_files(SAMPLE)
TALK = Dialogue(Extractor(CITY, default_lexicon()))
IDEA = "On voudrait monter un atelier de réparation de vélos entre voisins"


def _turns(dialogue: Dialogue, *events):  # type: ignore[no-untyped-def]
    state, turn = DialogueState(), None
    for event in events:
        turn = dialogue.step(state, TextIn(event) if isinstance(event, str) else event, TODAY)
        state = turn.state
    return state, turn


def _ask(turn) -> Ask:  # type: ignore[no-untyped-def]
    return next(r for r in turn.replies if isinstance(r, Ask))


def test_the_quartier_question_offers_the_city_s_quartiers_and_elsewhere() -> None:
    _, turn = _turns(TALK, IDEA)
    ask = _ask(turn)
    assert ask.slot is Slot.NEIGHBOURHOOD and ask.mode == "places"
    assert [o.value for o in ask.options] == [
        "vieille-ville", "la-garenne", "les-forges", "pont-rouge", "elsewhere",
    ]  # fmt: skip


def test_a_street_in_the_first_message_sets_the_quartier_without_asking() -> None:
    state, turn = _turns(TALK, IDEA + ", au 4 bd Victor Hugo")
    assert state.draft.neighbourhood == "la-garenne"
    assert _ask(turn).slot is not Slot.NEIGHBOURHOOD


def test_a_street_answers_the_quartier_question() -> None:
    state, _ = _turns(TALK, IDEA, "impasse du moulin")
    assert state.draft.neighbourhood == "pont-rouge"


def test_a_shared_location_answers_the_quartier_question_and_is_not_kept() -> None:
    state, turn = _turns(TALK, IDEA, LocationIn(1.003, 45.004))
    assert state.draft.neighbourhood == "vieille-ville"
    assert Say("location_quartier", (("quartier", "Vieille-Ville"),)) in turn.replies
    assert "1.003" not in repr(state) and "45.004" not in repr(state)
    drafts = Renderer(office=OFFICE)(turn.replies, RenderContext("fr"))
    said = drafts[0].payload
    assert "Je garde seulement le quartier, pas ta position" in said["text"]
    assert said["reply_markup"] == {"remove_keyboard": True}


def test_a_location_before_the_quartier_question_asks_for_no_street() -> None:
    """Sent while the bot asks for the idea: not placed, not kept, and the bot goes on asking
    for the idea (not « tell me your street »)."""
    state, turn = _turns(TALK, CommandIn(Command.START), LocationIn(5.0, 48.0))
    assert state.draft.neighbourhood is None and state.step is Step.LISTENING
    assert Say("location_not_placed") in turn.replies
    assert Say("location_unknown") not in turn.replies


def test_a_location_outside_the_city_is_not_placed() -> None:
    state, turn = _turns(TALK, IDEA, LocationIn(5.0, 48.0))
    assert state.draft.neighbourhood is None
    assert Say("location_unknown") in turn.replies and _ask(turn).slot is Slot.NEIGHBOURHOOD


def test_a_location_in_another_commune_is_elsewhere() -> None:
    state, _ = _turns(TALK, IDEA, LocationIn(1.04, 45.01))
    assert state.draft.neighbourhood == "elsewhere"


def test_the_question_comes_with_telegram_s_location_button() -> None:
    _, turn = _turns(TALK, IDEA)
    drafts = Renderer(office=OFFICE)(turn.replies, RenderContext("fr"))
    assert "partager ta position" in drafts[0].payload["text"]
    button = drafts[-1].payload["reply_markup"]["keyboard"][0][0]
    assert button == {"text": "📍 Partager ma position", "request_location": True}


def _big_city(count: int) -> Gazetteer:
    quartiers = tuple(Territory(f"q{i}", f"Quartier {i}", "quartier", "t") for i in range(count))
    return Gazetteer((Territory("t", "T", "commune"), *quartiers))


def test_more_than_eight_quartiers_are_paged_and_every_one_is_reachable() -> None:
    talk = Dialogue(Extractor(_big_city(13), default_lexicon()))
    state, turn = _turns(talk, IDEA)
    seen: list[str] = []
    for _ in range(3):
        ask = _ask(turn)
        assert len(ask.options) <= 8 and ask.options[-1].value == "elsewhere"
        seen += [o.value for o in ask.options if o.value.startswith("q")]
        more = next(o.value for o in ask.options if o.value.startswith("page."))
        turn = talk.step(state, ButtonIn(Action.ANSWER, more, state.version), TODAY)
        state = turn.state
    assert sorted(seen) == sorted(f"q{i}" for i in range(13))
    turn = talk.step(state, ButtonIn(Action.ANSWER, "q11", state.version), TODAY)
    assert turn.state.draft.neighbourhood == "q11"


def test_without_a_city_the_resident_s_words_are_kept_and_nothing_is_invented() -> None:
    talk = Dialogue(Extractor(Gazetteer(()), default_lexicon()))
    state, turn = _turns(talk, IDEA)
    ask = _ask(turn)
    assert ask.mode == "free" and [o.value for o in ask.options] == ["elsewhere"]
    state, _ = _turns(talk, IDEA, "  près de la gare de Trifouilly ")
    assert state.draft.neighbourhood == "près de la gare de Trifouilly"
    state, _ = _turns(talk, IDEA, LocationIn(1.0, 45.0))
    assert state.draft.neighbourhood is None


def _reply_keyboards(turn) -> list[dict]:  # type: ignore[no-untyped-def]
    """The reply-keyboard changes the turn's messages carry (inline keyboards left out)."""
    drafts = Renderer(office=OFFICE)(turn.replies, RenderContext("fr"))
    shown = [d.payload.get("reply_markup") or {} for d in drafts]
    return [k for k in shown if "keyboard" in k or "remove_keyboard" in k]


def test_the_location_button_is_sent_once_while_the_question_is_asked_again() -> None:
    state, turn = _turns(TALK, IDEA)
    assert _ask(turn).share and state.sharing
    assert [k.get("keyboard") is not None for k in _reply_keyboards(turn)] == [True]
    for event in ("euh je sais pas trop", ButtonIn(Action.ANSWER, "la-garenne", 0)):
        turn = TALK.step(state, TextIn(event) if isinstance(event, str) else event, TODAY)
        state = turn.state
        assert _ask(turn).slot is Slot.NEIGHBOURHOOD and not _ask(turn).share  # still there
        assert _reply_keyboards(turn) == []


def test_the_location_button_goes_away_once_the_quartier_is_answered_by_a_button() -> None:
    state, _ = _turns(TALK, IDEA)
    turn = TALK.step(state, ButtonIn(Action.ANSWER, "la-garenne", state.version), TODAY)
    assert turn.state.draft.neighbourhood == "la-garenne" and not turn.state.sharing
    drafts = Renderer(office=OFFICE)(turn.replies, RenderContext("fr"))
    assert drafts[0].payload == {"text": "C'est noté.", "reply_markup": {"remove_keyboard": True}}
    assert "inline_keyboard" in drafts[1].payload["reply_markup"]  # the next question
    state, turn = _turns(TALK, IDEA, "impasse du moulin")  # a street typed: the same
    assert state.draft.neighbourhood == "pont-rouge" and not state.sharing
    assert _reply_keyboards(turn) == [{"remove_keyboard": True}]


def test_a_location_outside_the_city_keeps_the_button_without_sending_it_again() -> None:
    state, turn = _turns(TALK, IDEA, LocationIn(5.0, 48.0))
    assert state.sharing and not _ask(turn).share
    assert _reply_keyboards(turn) == []
    state, turn = _turns(TALK, IDEA, LocationIn(5.0, 48.0), LocationIn(1.003, 45.004))
    assert state.draft.neighbourhood == "vieille-ville" and not state.sharing
    assert _reply_keyboards(turn) == [{"remove_keyboard": True}]


def test_a_location_sent_later_corrects_the_quartier_and_the_question_goes_on() -> None:
    state, turn = _turns(TALK, IDEA, "impasse du moulin")
    assert state.draft.neighbourhood == "pont-rouge" and _ask(turn).slot is Slot.NEEDS
    state, turn = _turns(TALK, IDEA, "impasse du moulin", LocationIn(1.003, 45.004))
    assert state.draft.neighbourhood == "vieille-ville"
    assert Say("location_quartier", (("quartier", "Vieille-Ville"),)) in turn.replies
    assert _ask(turn).slot is Slot.NEEDS and not _ask(turn).share
