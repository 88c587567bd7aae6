"""Thanks, hello and goodbye at the consent question, the summary and the summary's title and
idea prompts (routing.intake.leaving), as in the middle of the slot questions: a word back and the
question again for thanks and hello; for a goodbye, no question, everything kept, and the next
message picks it up where it stopped, welcomed back. A thank-you or a goodbye is never a
consent nor a « send it »: only the words that were a yes before are (« oui merci », « ok
merci », « d'accord »); at the edit prompts any text but a courtesy is the new title or words
of the idea."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.phrases import SAY
from knowledge.territory import load_gazetteer
from routing.intake import (
    Ask,
    ButtonIn,
    DialogueState,
    Say,
    Step,
    Summary,
    TextIn,
    Turn,
    reading_step,
)
from routing.intake.codes import Action
from routing.intake.draft import Slot
from routing.intake.leaving import ACK_WORDS, only_courtesies
from routing.intake.state_codec import state_from_json, state_to_json
from routing.understanding import Understander
from routing.understanding.model import Context, Intent, Slots, Understanding
from routing.understanding.places import GazetteerPlaces
from tests.support.dialogue import DIALOGUE, TODAY, keys, reach

CONTEXT = Context(today=TODAY)
PROMPTS = {"asking_title": "edit_title_prompt", "asking_idea": "edit_idea_prompt"}
# Put again after a word back: the same question without its « D'accord. ».
AGAIN = {"asking_title": "edit_title_again", "asking_idea": "edit_idea_again"}


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander(GazetteerPlaces(load_gazetteer()))


def heard(intent: Intent, confidence: float = 0.95) -> Understanding:
    return Understanding(intent, confidence, Slots(), None, False)


def say(state: DialogueState, text: str, understanding: Understanding) -> Turn:
    return DIALOGUE.step(state, TextIn(text, understanding=understanding), TODAY)


def read(understander: Understander, state: DialogueState, text: str, locale: str = "fr") -> Turn:
    """The turn with what the real understanding layer reads at the question asked."""
    understanding = understander.understand(text, reading_step(state), locale, CONTEXT)
    return say(state, text, understanding)


def asks_consent(turn: Turn) -> bool:
    return any(isinstance(r, Ask) and r.slot is Slot.CONSENT for r in turn.replies)


def consented(turn: Turn) -> bool:
    return turn.state.step is Step.SUMMARY and turn.state.draft.consent is True


def unchanged(turn: Turn, state: DialogueState) -> bool:
    return (
        turn.state.draft == state.draft
        and turn.state.step is state.step
        and turn.state.pending is state.pending
        and not turn.effects
    )


# -- the consent question ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "word"),
    [  # what the understanding layer reads these as at the consent question
        ("merci", Intent.THANKS_BYE, "thanks_mid_questions"),
        ("merci beaucoup", Intent.THANKS_BYE, "thanks_mid_questions"),
        ("je vous remercie par avance", Intent.THANKS_BYE, "thanks_mid_questions"),
        ("bonjour", Intent.GREETING, "hello_mid_questions"),
        ("hello", Intent.GREETING, "hello_mid_questions"),
    ],
)
def test_thanks_and_hello_at_consent_get_a_word_back_and_are_no_consent(
    text: str, intent: Intent, word: str
) -> None:
    state = reach("asking_consent")
    turn = say(state, text, heard(intent, 0.99))
    assert keys(turn) == [word] and turn.replies[0] == Say(word) and asks_consent(turn)
    assert unchanged(turn, state) and turn.state.draft.consent is None and not turn.state.away


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [  # declic understand at the consent question
        ("merci, bonne soirée", Intent.THANKS_BYE, 1.0),
        ("bonne soirée", Intent.THANKS_BYE, 0.96),
        ("bye", Intent.THANKS_BYE, 0.98),
        ("merci, au revoir", Intent.THANKS_BYE, 1.0),
        ("je dois y aller", Intent.HELP, 0.55),
        ("je dois filer", Intent.HELP, 0.86),
        ("gotta go", Intent.YES, 0.98),  # was a consent
        ("plus tard", Intent.MORE, 0.52),
        ("je reviendrai", Intent.THANKS_BYE, 0.33),
    ],
)
def test_a_goodbye_at_consent_keeps_everything_and_the_next_message_resumes_there(
    text: str, intent: Intent, confidence: float
) -> None:
    state = reach("asking_consent")
    left = say(state, text, heard(intent, confidence))
    assert left.replies == (Say("see_you_later"),) and unchanged(left, state)
    assert left.state.away and left.state.draft.consent is None
    assert left.state.version == state.version  # the consent buttons on screen still work
    stored = state_from_json(json.loads(json.dumps(state_to_json(left.state))), left.state.version)
    assert stored == left.state
    back = say(stored, "merci", heard(Intent.THANKS_BYE, 1.0))
    assert keys(back) == ["welcome_back"] and asks_consent(back) and not back.state.away
    assert back.state.draft.consent is None
    yes = say(stored, "oui", heard(Intent.YES, 0.99))
    assert keys(yes)[:2] == ["welcome_back", "noted"] and consented(yes)
    pressed = DIALOGUE.step(stored, ButtonIn(str(Action.ANSWER), "yes", stored.version), TODAY)
    assert keys(pressed)[:2] == ["welcome_back", "noted"] and consented(pressed)


@pytest.mark.parametrize(
    ("text", "locale", "word"),
    [
        ("merci", "fr", "thanks_mid_questions"),
        ("merci beaucoup", "fr", "thanks_mid_questions"),
        ("mrc", "fr", "thanks_mid_questions"),
        ("thanks", "en", "thanks_mid_questions"),
        ("bonjour", "fr", "hello_mid_questions"),
        ("salut", "fr", "hello_mid_questions"),
        ("coucou", "fr", "hello_mid_questions"),
        ("hello", "en", "hello_mid_questions"),
        ("merci, bonne soirée", "fr", "see_you_later"),
        ("bonne soirée", "fr", "see_you_later"),
        ("merci, au revoir", "fr", "see_you_later"),
        ("bye", "fr", "see_you_later"),
        ("a+", "fr", "see_you_later"),
        ("je dois y aller", "fr", "see_you_later"),
        ("je dois filer", "fr", "see_you_later"),
        ("plus tard", "fr", "see_you_later"),
        ("thank you, bye", "en", "see_you_later"),
        ("thanks, have a good evening", "en", "see_you_later"),
        ("gotta go", "en", "see_you_later"),
    ],
)
def test_with_the_real_understanding_at_consent(
    understander: Understander, text: str, locale: str, word: str
) -> None:
    state = replace(reach("asking_consent"), register=None)
    turn = read(understander, state, text, locale)
    assert keys(turn) == [word] and unchanged(turn, state)
    assert turn.state.draft.consent is None and asks_consent(turn) is (word != "see_you_later")


@pytest.mark.parametrize(
    ("text", "locale", "yes"),
    [  # an explicit yes or no answers, with thanks or a goodbye around it, as before
        ("oui merci", "fr", True),
        ("ok merci", "fr", True),
        ("d'accord", "fr", True),
        ("oui, bonne soirée", "fr", True),
        ("d'accord, à plus", "fr", True),
        ("ok bye", "en", True),
        ("yes thanks", "en", True),
        ("non merci", "fr", False),
        ("non, au revoir", "fr", False),
    ],
)
def test_an_explicit_yes_or_no_still_answers(
    understander: Understander, text: str, locale: str, yes: bool
) -> None:
    turn = read(understander, replace(reach("asking_consent"), register=None), text, locale)
    assert consented(turn) is yes and not turn.state.away
    assert yes or Say("consent_refused") in turn.replies


# -- the summary's title and idea prompts -------------------------------------------------------


@pytest.mark.parametrize("name", PROMPTS)
@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("merci", "thanks_mid_questions"),
        ("merci beaucoup", "thanks_mid_questions"),
        ("je vous remercie par avance", "thanks_mid_questions"),
        ("bonjour", "hello_mid_questions"),
        ("hello", "hello_mid_questions"),
    ],
)
def test_thanks_and_hello_at_an_edit_prompt_change_nothing(
    understander: Understander, name: str, text: str, word: str
) -> None:
    state = replace(reach(name), register=None)
    turn = read(understander, state, text)
    assert keys(turn) == [word, AGAIN[name]] and unchanged(turn, state)  # was the new title


@pytest.mark.parametrize("name", PROMPTS)
@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("merci, bonne soirée", "fr"),
        ("bye", "fr"),
        ("je dois y aller", "fr"),
        ("merci, bonne fin de journée", "fr"),
        ("thank you, bye", "en"),
        ("thanks, have a good evening", "en"),
        ("gotta go", "en"),
    ],
)
def test_a_goodbye_at_an_edit_prompt_keeps_the_idea_and_resumes_there(
    understander: Understander, name: str, text: str, locale: str
) -> None:
    state = replace(reach(name), register=None)
    left = read(understander, state, text, locale)
    assert left.replies == (Say("see_you_later"),) and unchanged(left, state) and left.state.away
    back = read(understander, left.state, "bonjour")
    assert keys(back) == ["welcome_back", AGAIN[name]] and unchanged(back, state)
    typed = read(understander, left.state, "Fête des voisins")
    assert keys(typed)[:2] == ["welcome_back", "noted"] and not typed.state.away
    assert typed.state.draft.title == "Fête des voisins"
    assert any(isinstance(r, Summary) for r in typed.replies)


@pytest.mark.parametrize("name", PROMPTS)
@pytest.mark.parametrize(
    "text", ["Bonne soirée entre voisins", "Bonjour Printemps", "Au revoir la grisaille"]
)
def test_a_title_with_courtesy_words_is_still_a_title(
    understander: Understander, name: str, text: str
) -> None:
    turn = read(understander, replace(reach(name), register=None), text)
    assert keys(turn)[0] == "noted" and turn.state.draft.title == text


NEEDED = {"asking_title": "title_needed", "asking_idea": "idea_needed"}


@pytest.mark.parametrize("name", PROMPTS)
@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("oui merci", "fr"), ("ok merci", "fr"), ("non merci", "fr"), ("d'accord", "fr"),
        ("ok", "fr"), ("oui", "fr"), ("non", "fr"), ("Oui, merci beaucoup !", "fr"),
        ("ok d'accord", "fr"), ("c'est bon", "fr"), ("Parfait, merci", "fr"),
        ("yes thanks", "en"), ("ok", "en"), ("no thanks", "en"), ("sure", "en"),
        ("yes", "en"), ("no thank you", "en"),
    ],
)  # fmt: skip
def test_only_yes_no_ok_and_thanks_at_an_edit_prompt_is_no_title_and_asks_again(
    understander: Understander, name: str, text: str, locale: str
) -> None:
    state = replace(reach(name), register=None)
    turn = read(understander, state, text, locale)  # « oui merci » was the title (and idea)
    assert keys(turn) == [NEEDED[name], AGAIN[name]] and unchanged(turn, state)
    assert turn.state.draft.title == state.draft.title and not turn.state.away
    typed = read(understander, turn.state, "Fête du potager", locale)
    assert keys(typed)[0] == "noted" and any(isinstance(r, Summary) for r in typed.replies)


@pytest.mark.parametrize(
    "text",
    ["Oui au jardin !", "OK Corral des Tanneurs", "Merci les voisins", "Non au béton",
     "D'accord pour la fête", "Yes we can garden", "Merci la vie", "Ok pour le compost"],
)  # fmt: skip
def test_a_real_short_title_with_yes_or_thanks_words_stays_a_title(
    understander: Understander, text: str
) -> None:
    state = replace(reach("asking_title"), register=None)
    turn = read(understander, state, text)
    assert keys(turn)[0] == "noted" and turn.state.step is Step.SUMMARY
    assert turn.state.draft.title == text.rstrip(" !")


@pytest.mark.parametrize(
    "text", ["Oui, et aussi un compost partagé", "Non pas le samedi, plutôt le dimanche matin"]
)
def test_real_words_with_yes_or_no_at_the_idea_prompt_are_the_idea(
    understander: Understander, text: str
) -> None:
    state = replace(reach("asking_idea"), register=None)
    turn = read(understander, state, text)
    assert keys(turn)[0] == "noted" and text in turn.state.draft.text


@pytest.mark.parametrize("name", PROMPTS)
@pytest.mark.parametrize(("text", "locale"), [("ok bye", "en"), ("ok, bonne soirée", "fr")])
def test_ok_and_a_goodbye_at_an_edit_prompt_is_a_goodbye(
    understander: Understander, name: str, text: str, locale: str
) -> None:
    state = replace(reach(name), register=None)
    left = read(understander, state, text, locale)
    assert left.replies == (Say("see_you_later"),) and unchanged(left, state) and left.state.away


def test_the_prompts_put_again_are_the_first_ones_without_their_lead_in() -> None:
    assert SAY["edit_title_prompt"] == "D'accord. " + SAY["edit_title_again"]
    assert SAY["edit_idea_prompt"] == "D'accord. " + SAY["edit_idea_again"]


@pytest.mark.parametrize(
    ("text", "only"),
    [
        ("oui merci", True), ("non merci", True), ("d'accord", True), ("ok", True),
        ("yes thanks", True), ("Oui au jardin !", False), ("OK Corral des Tanneurs", False),
        ("Merci les voisins", False), ("ok ?", False), ("", False),
    ],
)  # fmt: skip
def test_only_courtesies_and_yes_no_ok_words(text: str, only: bool) -> None:
    assert only_courtesies(text, ACK_WORDS) is only


@pytest.mark.parametrize(
    ("text", "only"),
    [
        ("merci", True), ("Merci beaucoup !", True), ("bonjour", True),
        ("merci, bonne soirée", True), ("je dois y aller", True), ("a+", True), ("à plus", True),
        ("thank you, bye", True), ("Bonne soirée entre voisins", False), ("merci ?", False),
        ("oui merci", False), ("", False), ("merci, bonne fin de journée", True),
        ("thanks, have a good evening", True), ("a", False), ("je", False), ("soirée", False),
        ("Bonne journée jeux", False),
    ],
)  # fmt: skip
def test_only_courtesies(text: str, only: bool) -> None:
    assert only_courtesies(text) is only


@pytest.mark.parametrize("text", ["thanks, have a good evening", "have a nice day"])
def test_have_a_good_evening_is_a_goodbye_at_the_slot_questions_too(
    understander: Understander, text: str
) -> None:
    state = replace(reach("asking_neighbourhood"), register=None)
    turn = read(understander, state, text, "en")
    assert turn.replies == (Say("see_you_later"),) and turn.state.away


# -- the summary ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "locale", "word"),
    [
        ("merci", "fr", "thanks_mid_questions"),
        ("thanks", "en", "thanks_mid_questions"),
        ("bonjour", "fr", "hello_mid_questions"),
        ("merci, bonne soirée", "fr", "see_you_later"),
        ("bye", "fr", "see_you_later"),
        ("a+", "fr", "see_you_later"),
        ("je dois y aller", "fr", "see_you_later"),
        ("thank you, bye", "en", "see_you_later"),
        ("gotta go", "en", "see_you_later"),  # read as a yes (0.98): it sent the idea
    ],
)
def test_thanks_hello_and_goodbye_at_the_summary_send_nothing(
    understander: Understander, text: str, locale: str, word: str
) -> None:
    state = replace(reach("summary"), register=None)
    turn = read(understander, state, text, locale)
    assert keys(turn) == [word] and unchanged(turn, state)  # was « not understood » or sent
    shown = any(isinstance(r, Summary) for r in turn.replies)
    assert shown is (word != "see_you_later") and turn.state.away is (word == "see_you_later")
    if turn.state.away:
        back = read(understander, turn.state, "c'est bon")
        assert keys(back)[:2] == ["welcome_back", "submitted"] and not back.state.away
        assert back.state.step is Step.SUBMITTED


@pytest.mark.parametrize(
    ("text", "locale"),
    [("oui merci", "fr"), ("ok merci", "fr"), ("d'accord", "fr"), ("oui, bonne soirée", "fr"),
     ("c'est bon", "fr"), ("ok bye", "en")],
)  # fmt: skip
def test_an_explicit_yes_at_the_summary_still_sends(
    understander: Understander, text: str, locale: str
) -> None:
    turn = read(understander, replace(reach("summary"), register=None), text, locale)
    assert turn.state.step is Step.SUBMITTED and keys(turn)[0] == "submitted"
