"""Which language a resident plainly writes in, and the dialogue following it (a phone's
language is not always its owner's): pure, no I/O."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing.intake import DialogueState, SetLocale, Step, TextIn, Turn
from routing.understanding.language import written_in
from routing.understanding.model import Intent, Slots, Understanding
from tests.support.dialogue import DIALOGUE, TODAY

IDEA_EN = "Hello, I would like to start a repair cafe with my neighbours"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (IDEA_EN, "en"),
        ("We need a room for our street party in June", "en"),
        ("Bonjour, je voudrais créer un jardin partagé avec les voisins", "fr"),
        ("slt jvoudrai faire 1 repair cafe ds la salle des glycines avc les voisins", "fr"),
        ("Madame, Monsieur, je me permets de vous écrire afin de proposer une fête", "fr"),
        # too short to tell, or both languages at once
        ("oui", None),
        ("Tanneurs", None),
        ("ok merci", None),
        ("Hello", None),
        ("repair café", None),
        ("Bonjour, I would like un jardin partagé avec les voisins", None),
        ("", None),
    ],
)
def test_a_message_is_plainly_in_one_language_or_unclear(text: str, language: str | None) -> None:
    assert written_in(text) == language


def _heard(language: str | None) -> Understanding:
    return Understanding(Intent.IDEA, 0.95, Slots(), "Repair café", False, language)


def _say(state: DialogueState, language: str | None) -> Turn:
    return DIALOGUE.step(state, TextIn(IDEA_EN, understanding=_heard(language)), TODAY)


@pytest.mark.parametrize("step", [Step.NEW, Step.IDLE, Step.LISTENING])
def test_an_idea_in_the_other_language_switches_the_replies(step: Step) -> None:
    turn = _say(DialogueState(step=step), "en")
    assert turn.effects[0] == SetLocale("en")
    assert not turn.state.locale_chosen  # followed, not chosen: the next idea may switch back
    same = _say(DialogueState(step=step), None)
    assert not any(isinstance(e, SetLocale) for e in same.effects)


def test_a_chosen_language_is_not_switched() -> None:
    turn = _say(DialogueState(step=Step.LISTENING, locale_chosen=True), "en")
    assert not any(isinstance(e, SetLocale) for e in turn.effects)


def test_choosing_a_language_is_remembered() -> None:
    turn = DIALOGUE.step(DialogueState(step=Step.CHOOSING_LANGUAGE), TextIn("english"), TODAY)
    assert SetLocale("en") in turn.effects
    assert turn.state.locale_chosen


def test_an_answer_mid_question_never_switches() -> None:
    asking = replace(DialogueState(step=Step.ASKING))
    turn = _say(asking, "en")
    assert not any(isinstance(e, SetLocale) for e in turn.effects)
