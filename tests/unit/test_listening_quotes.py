"""Issue 14's quoted failures, read by the real understanding layer and handled by the dialogue;
and a property: any text at any step yields one intent and at least one reply, never an error."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.territory import load_gazetteer
from routing.intake import (
    AnswerQuestion,
    AppendNote,
    Ask,
    CancelSprint,
    DialogueState,
    IdeaExamples,
    Menu,
    RequestHuman,
    Say,
    StartDraft,
    Step,
    TextIn,
    Turn,
    Waiting,
    reading_step,
)
from routing.intake.draft import Group
from routing.understanding import Context, GazetteerPlaces, Understander
from routing.understanding.model import Step as ReadingStep
from tests.support.dialogue import DIALOGUE, TODAY, reach
from tests.unit.test_listening import STATES


@cache
def reader() -> Understander:
    return Understander(GazetteerPlaces(load_gazetteer()))


def tell(state: DialogueState, text: str, locale: str = "fr") -> Turn:
    step = ReadingStep(reading_step(state))
    context = Context(TODAY, sprint_day=state.sprint_day)
    event = TextIn(text, understanding=reader().understand(text, step, locale, context))
    return DIALOGUE.step(state, event, TODAY)


def keys(turn: Turn) -> list[str]:
    return [r.key for r in turn.replies if isinstance(r, Say)]


def test_after_submission_typed_lines_are_not_all_filed_as_notes() -> None:
    state = reach("submitted")
    bye = tell(state, "merci au revoir")
    assert keys(bye) == ["goodbye"] and not bye.effects
    grant = tell(state, "Is there any small grant for spare parts?", "en")
    asked = AnswerQuestion("Is there any small grant for spare parts?", ("funding",))
    assert asked in grant.replies
    call = tell(state, "je doi apele qui pour la sale ?")
    assert AnswerQuestion("je doi apele qui pour la sale ?", ("place",)) in call.replies
    for turn in (bye, grant, call):
        assert not any(isinstance(e, AppendNote) for e in turn.effects)
        assert "note_added" not in keys(turn)


def test_cancelling_the_sprint_in_words_is_not_a_note_nor_new_dates() -> None:
    booked = replace(reach("submitted"), sprint_day=date(2026, 12, 12))
    for text in ("non je veux annuler, pas changer de date", "annuler le sprint",
                 "annule le truc du 12"):  # fmt: skip
        turn = tell(booked, text)
        menu = turn.replies[-1]
        assert isinstance(menu, Menu) and menu.key == "sprint_cancel", text
        assert not turn.effects


def test_typed_requests_for_a_person_are_recognised_and_then_the_questions_stop() -> None:
    state = reach("asking_neighbourhood")
    for text in ("je veux parler à quelqu'un", "y a une vraie personne ?"):
        turn = tell(state, text)
        assert RequestHuman("asked") in turn.effects, text
        assert turn.state.waiting
    waiting = tell(state, "je veux parler à quelqu'un").state
    after = tell(waiting, "je veux parler a une vraie personne svp, pas un robot")
    assert after.replies == (Waiting(again=True),)
    assert after.state.draft == waiting.draft
    hello = tell(waiting, "allo ? il y a quelqu'un ?")
    assert "quartier_unknown" not in keys(hello)
    assert not any(isinstance(r, Ask) for r in hello.replies)
    assert hello.state.draft == waiting.draft


def test_hesitations_and_greetings_are_not_ideas() -> None:
    for text in ("je sais pas trop", "euh…", "coucou c'est encore moi"):
        turn = tell(reach("listening"), text)
        assert StartDraft() not in turn.effects and not turn.state.draft.text, text
    helped = tell(reach("new"), "je sais pas trop")
    assert IdeaExamples() in helped.replies


def test_ordinary_answers_are_understood() -> None:
    assert tell(reach("asking_group"), "avc mes potes").state.draft.group is Group.INFORMAL
    assert tell(reach("asking_group"), "moi et les voisin").state.draft.group is Group.INFORMAL
    dated = tell(reach("asking_timing"), "Le samedi 24 avril 2027").state.draft
    assert dated.timing_words == "Le samedi 24 avril 2027"
    for text in ("ouai", "J'y consens."):
        assert tell(reach("asking_consent"), text).state.draft.consent is True, text
    summary = reach("summary")
    sent = tell(summary, "c'est bon")
    assert sent.state.step is Step.SUBMITTED
    assert sent.state.draft.text == summary.draft.text


def test_an_option_is_chosen_in_words() -> None:
    state = replace(reach("submitted"), sprint_menu=True)
    for text in ("le deuxième", "The second one, please"):
        turn = tell(state, text, "en" if text.startswith("The") else "fr")
        assert [type(r).__name__ for r in turn.replies] == ["BookSprint"], text
        assert turn.replies[0].index == 2  # type: ignore[union-attr]


def test_a_formal_letter_is_answered_with_vous() -> None:
    letter = (
        "Madame, Monsieur, Je me permets de vous écrire au nom de l'association des locataires "
        "afin de vous proposer l'organisation d'une fête de quartier aux Glycines."
    )
    turn = tell(reach("new"), letter)
    assert turn.state.register == "vous"
    title = turn.state.draft.title or ""
    assert "Madame" not in title and "Monsieur" not in title and len(title) <= 50


def test_cancel_sprint_is_confirmed_before_it_happens() -> None:
    booked = replace(reach("submitted"), sprint_day=date(2026, 12, 12))
    turn = tell(booked, "annuler le sprint")
    assert not any(isinstance(r, CancelSprint) for r in turn.replies)


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(name=st.sampled_from(sorted(STATES)), text=st.text(max_size=300))
def test_any_text_at_any_step_gets_a_reply_and_never_raises(name: str, text: str) -> None:
    state = STATES[name]()
    step = ReadingStep(reading_step(state))
    understood = reader().understand(text, step, "fr", Context(TODAY))
    assert understood.intent is not None
    turn = DIALOGUE.step(state, TextIn(text, understanding=understood), TODAY)
    assert turn.replies
