"""Thanks, hello and goodbye in the middle of the questions (routing.intake.leaving): a word
back and the question again for thanks and hello; for a goodbye, no question: the idea is kept
and the next message picks it up where it stopped, welcomed back. Words that answer the
question are read first, and a long message with content is never answered with a goodbye."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from knowledge.territory import load_gazetteer
from routing.intake import (
    Ask,
    ButtonIn,
    CommandIn,
    DialogueState,
    Say,
    Step,
    TextIn,
    Turn,
    reading_step,
)
from routing.intake.codes import Action, Command
from routing.intake.draft import Slot
from routing.intake.leaving import says_goodbye
from routing.intake.state_codec import state_from_json, state_to_json
from routing.understanding import Understander
from routing.understanding.model import Context, Intent, Slots, Understanding
from routing.understanding.places import GazetteerPlaces
from tests.support.dialogue import DIALOGUE, TODAY, keys, reach

ASKING = ("asking_neighbourhood", "asking_needs", "asking_group", "asking_timing")
SLOTS = {
    "asking_neighbourhood": Slot.NEIGHBOURHOOD,
    "asking_needs": Slot.NEEDS,
    "asking_group": Slot.GROUP,
    "asking_timing": Slot.TIMING,
}
CONTEXT = Context(today=TODAY)


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander(GazetteerPlaces(load_gazetteer()))


def heard(intent: Intent, confidence: float = 0.95, **slots: object) -> Understanding:
    return Understanding(intent, confidence, Slots(**slots), None, False)  # type: ignore[arg-type]


def say(state: DialogueState, text: str, understanding: Understanding) -> Turn:
    return DIALOGUE.step(state, TextIn(text, understanding=understanding), TODAY)


def read(understander: Understander, state: DialogueState, text: str, locale: str = "fr") -> Turn:
    """The turn with what the real understanding layer reads at the question asked."""
    understanding = understander.understand(text, reading_step(state), locale, CONTEXT)
    return say(state, text, understanding)


def asks(turn: Turn, slot: Slot) -> bool:
    return any(isinstance(r, Ask) and r.slot is slot for r in turn.replies)


@pytest.mark.parametrize("name", ASKING)
@pytest.mark.parametrize(
    ("text", "intent", "word"),
    [
        ("merci", Intent.THANKS_BYE, "thanks_mid_questions"),
        ("Je vous remercie par avance", Intent.THANKS_BYE, "thanks_mid_questions"),
        ("bonjour", Intent.GREETING, "hello_mid_questions"),
        ("hello", Intent.GREETING, "hello_mid_questions"),
    ],
)
def test_thanks_and_hello_get_a_word_back_then_the_question(
    name: str, text: str, intent: Intent, word: str
) -> None:
    state = reach(name)
    turn = say(state, text, heard(intent))
    assert keys(turn) == [word]
    assert asks(turn, SLOTS[name]) and turn.replies[0] == Say(word)
    assert turn.state.draft == state.draft and not turn.state.away and not turn.effects


@pytest.mark.parametrize("name", ASKING)
@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [  # what the understanding layer reads these as at the questions (declic understand)
        ("merci, au revoir", Intent.THANKS_BYE, 0.99),
        ("bye", Intent.THANKS_BYE, 0.99),
        ("a+", Intent.THANKS_BYE, 0.98),
        ("bonne soirée", Intent.THANKS_BYE, 0.97),
        ("merci bonne soirée", Intent.THANKS_BYE, 0.99),
        ("je dois y aller", Intent.HELP, 0.76),
        ("je dois filer", Intent.HELP, 0.89),
        ("je reviendrai", Intent.THANKS_BYE, 0.38),
        ("thank you, bye", Intent.THANKS_BYE, 0.99),
        ("gotta go", Intent.YES, 0.45),
    ],
)
def test_a_goodbye_keeps_the_idea_and_the_next_message_picks_it_up(
    name: str, text: str, intent: Intent, confidence: float
) -> None:
    state = reach(name)
    left = say(state, text, heard(intent, confidence))
    assert left.replies == (Say("see_you_later"),) and not left.effects  # no question again
    assert left.state.away and left.state.draft == state.draft
    assert left.state.step is Step.ASKING and left.state.pending is SLOTS[name]
    assert left.state.version == state.version  # the buttons on screen still work
    stored = state_from_json(json.loads(json.dumps(state_to_json(left.state))), left.state.version)
    assert stored == left.state  # kept between messages
    back = say(stored, "coucou", heard(Intent.GREETING))
    assert keys(back) == ["welcome_back"] and asks(back, SLOTS[name])
    assert not back.state.away and back.state.draft == state.draft
    again = say(back.state, "merci", heard(Intent.THANKS_BYE))
    assert keys(again) == ["thanks_mid_questions"]  # welcomed back once


def test_after_a_goodbye_an_answer_or_a_button_goes_on_welcomed_back() -> None:
    state = reach("asking_neighbourhood")
    left = say(state, "bye", heard(Intent.THANKS_BYE))
    typed = say(left.state, "aux Tanneurs", heard(Intent.ANSWER, neighbourhood="tanneurs"))
    assert keys(typed)[:2] == ["welcome_back", "noted"] and asks(typed, Slot.NEEDS)
    assert typed.state.draft.neighbourhood == "tanneurs" and not typed.state.away
    old_question = ButtonIn(str(Action.ANSWER), "tanneurs", left.state.version)
    pressed = DIALOGUE.step(left.state, old_question, TODAY)
    assert keys(pressed)[:2] == ["welcome_back", "noted"] and asks(pressed, Slot.NEEDS)
    status = DIALOGUE.step(left.state, CommandIn(Command.STATUS), TODAY)
    assert not status.state.away


@pytest.mark.parametrize(
    ("text", "understanding"),
    [
        ("aux Tanneurs, merci au revoir", heard(Intent.THANKS_BYE, neighbourhood="tanneurs")),
        ("Aux Tanneurs. Bonne soirée", heard(Intent.ANSWER, neighbourhood="tanneurs")),
    ],
)
def test_an_answer_with_a_goodbye_is_taken_first(text: str, understanding: Understanding) -> None:
    turn = say(reach("asking_neighbourhood"), text, understanding)
    assert turn.state.draft.neighbourhood == "tanneurs" and keys(turn) == ["noted"]
    assert asks(turn, Slot.NEEDS) and not turn.state.away


def test_a_sure_command_wins_over_a_goodbye() -> None:
    state = reach("asking_needs")
    cancel = say(state, "laisse tomber, pas le temps", heard(Intent.CANCEL))
    assert cancel.state.step is not Step.ASKING and Say("see_you_later") not in cancel.replies
    person = say(state, "je dois y aller, rappelez-moi", heard(Intent.HUMAN))
    assert person.state.waiting and Say("see_you_later") not in person.replies


def test_at_the_timing_question_later_is_an_answer_and_bye_is_a_goodbye() -> None:
    state = reach("asking_timing")
    later = say(state, "plus tard", heard(Intent.ANSWER, 0.69))
    assert later.state.draft.timing_words == "plus tard" and not later.state.away
    assert say(state, "bye", heard(Intent.THANKS_BYE)).state.away
    assert say(reach("asking_needs"), "plus tard", heard(Intent.ANSWER, 0.5)).state.away


@pytest.mark.parametrize(
    "text",
    [
        "merci, au revoir", "bye", "Bye !", "a+", "A+ !", "@+", "à plus", "a plus tard",
        "ok a plus", "bonne soirée", "Merci et bonne journée", "bon week-end", "je dois y aller",
        "je dois filer",
        "je reviendrai", "plus tard", "pas le temps là", "à tout à l'heure", "ciao",
        "thank you, bye", "goodbye", "see you later", "gotta go", "I'll come back later",
    ],
)  # fmt: skip
def test_goodbyes_as_residents_write_them(text: str) -> None:
    assert says_goodbye(text, Slot.NEIGHBOURHOOD)


@pytest.mark.parametrize(
    "text",
    [
        "merci", "mrc", "mci", "merci beaucoup", "ok merci", "thanks", "thx", "cordialement",
        "Je vous remercie par avance", "bonjour", "Les Tanneurs", "on est à plus de vingt",
        "ouvert à tout le monde", "je reviendrai plus tard ?", "une salle",
        "Madame, Monsieur, nous aurions besoin d'une salle et de chaises pour les enfants. "
        "Je vous remercie par avance et vous souhaite une bonne soirée.",
    ],
)  # fmt: skip
def test_thanks_and_content_are_not_goodbyes(text: str) -> None:
    assert not says_goodbye(text, Slot.NEIGHBOURHOOD)


@pytest.mark.parametrize(
    ("text", "locale", "word"),
    [
        ("merci", "fr", "thanks_mid_questions"),
        ("mrc", "fr", "thanks_mid_questions"),
        ("mci", "fr", "thanks_mid_questions"),
        ("merci beaucoup", "fr", "thanks_mid_questions"),
        ("Je vous remercie par avance", "fr", "thanks_mid_questions"),
        ("thanks", "en", "thanks_mid_questions"),
        ("bonjour", "fr", "hello_mid_questions"),
        ("coucou", "fr", "hello_mid_questions"),
        ("hello", "en", "hello_mid_questions"),
        ("merci, au revoir", "fr", "see_you_later"),
        ("bye", "fr", "see_you_later"),
        ("a+", "fr", "see_you_later"),
        ("a plus tard", "fr", "see_you_later"),
        ("bonne soirée", "fr", "see_you_later"),
        ("je dois y aller", "fr", "see_you_later"),
        ("je reviendrai", "fr", "see_you_later"),
        ("plus tard", "fr", "see_you_later"),
        ("pas le temps là", "fr", "see_you_later"),
        ("thank you, bye", "en", "see_you_later"),
        ("see you later", "en", "see_you_later"),
        ("gotta go", "en", "see_you_later"),
        ("Aux Glycines. Je vous remercie par avance", "fr", "noted"),
        ("Madame, Monsieur, nous sommes aux Tanneurs. Merci, bonne soirée", "fr", "noted"),
    ],
)
def test_with_the_real_understanding_at_the_quartier_question(
    understander: Understander, text: str, locale: str, word: str
) -> None:
    state = replace(reach("asking_neighbourhood"), register=None)
    turn = read(understander, state, text, locale)
    assert keys(turn)[0] == word
    assert asks(turn, Slot.NEEDS if word == "noted" else Slot.NEIGHBOURHOOD) is (
        word != "see_you_later"
    )
