"""The dialogue acts on intents at every step (issue 14): every step × every intent, with a
stub understanding (a fixed intent), so that what the dialogue decides is tested apart from
what the understanding layer reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from routing.intake import (
    Action,
    Added,
    AnswerQuestion,
    AppendNote,
    Ask,
    BookSprint,
    CancelSprint,
    CommandIn,
    DialogueState,
    DiscardDraft,
    GeneralPointers,
    IdeaExamples,
    Menu,
    RequestHuman,
    Say,
    StartDraft,
    Step,
    Summary,
    TextIn,
    Turn,
    UpdateIdea,
    Waiting,
    reading_step,
)
from routing.intake.draft import Group, Slot, Timing
from routing.intake.reading import INTENT_COMMANDS
from routing.understanding.model import Intent, Slots, Understanding
from tests.support.dialogue import DIALOGUE, TODAY, Press, reach, run, send

SURE = 0.95
UNSURE = 0.2
WORDS = "bla bla quelque chose"


def heard(intent: Intent, confidence: float = SURE, **slots: object) -> Understanding:
    return Understanding(intent, confidence, Slots(**slots), "Potager partagé", False)  # type: ignore[arg-type]


def say(state: DialogueState, understanding: Understanding, text: str = WORDS) -> Turn:
    return DIALOGUE.step(state, TextIn(text, understanding=understanding), TODAY)


def keys(turn: Turn) -> list[str]:
    return [r.key for r in turn.replies if isinstance(r, Say)]


def _submitted(**changes: object) -> DialogueState:
    return replace(reach("submitted"), **changes)  # type: ignore[arg-type]


# One dialogue state for each step of the understanding layer.
STATES = {
    "start": lambda: reach("listening"),
    "start_new": lambda: reach("new"),
    "start_idle": lambda: reach("idle"),
    "quartier": lambda: reach("asking_neighbourhood"),
    "needs": lambda: reach("asking_needs"),
    "group": lambda: reach("asking_group"),
    "timing": lambda: reach("asking_timing"),
    "consent": lambda: reach("asking_consent"),
    "summary": lambda: reach("summary"),
    "after_submit": lambda: reach("submitted"),
    "sprint_options": lambda: _submitted(sprint_menu=True),
    "sprint_booked": lambda: _submitted(sprint_day=date(2026, 12, 12)),
    "waiting_human": lambda: replace(reach("asking_neighbourhood"), waiting=True),
}


def test_every_step_of_the_understanding_layer_is_reached() -> None:
    steps = {reading_step(make()) for make in STATES.values()}
    assert steps == {
        "start", "quartier", "needs", "group", "timing", "consent", "summary",
        "after_submit", "sprint_options", "sprint_booked", "waiting_human",
    }  # fmt: skip


@pytest.mark.parametrize("name", sorted(STATES))
@pytest.mark.parametrize("intent", list(Intent), ids=[i.value for i in Intent])
@pytest.mark.parametrize("confidence", [SURE, UNSURE], ids=["sure", "unsure"])
def test_every_intent_at_every_step_gets_an_answer_and_files_nothing_wrongly(
    name: str, intent: Intent, confidence: float
) -> None:
    state = STATES[name]()
    turn = say(state, heard(intent, confidence))
    assert turn.replies, (name, intent)
    sure = confidence >= DIALOGUE.threshold
    effects = {type(e) for e in turn.effects}
    if state.waiting:
        # Waiting for a person: nothing becomes an idea, no intake question is asked.
        assert StartDraft not in effects and AppendNote not in effects
        assert not any(isinstance(r, Ask | Summary) for r in turn.replies)
        assert turn.state.draft == state.draft or intent in (Intent.CANCEL, Intent.FORGET)
        return
    if not sure or intent not in (Intent.IDEA, Intent.CORRECTION):
        # Only words the understanding layer is sure are content are added to an idea.
        assert AppendNote not in effects, (name, intent)
    if not sure and state.step in (Step.NEW, Step.IDLE, Step.LISTENING):
        assert StartDraft not in effects, "an unsure reading never starts an idea"
    if sure and intent in INTENT_COMMANDS:
        command = DIALOGUE.step(state, CommandIn(INTENT_COMMANDS[intent]), TODAY)
        assert turn == command, "typed in words, it works like its command"
    if sure and intent is Intent.FRUSTRATED:
        assert keys(turn) == ["sorry_frustrated"]
        assert isinstance(turn.replies[-1], Menu) and turn.replies[-1].key == "offer_human"


@pytest.mark.parametrize("name", sorted(STATES))
def test_asking_for_a_person_in_words_stops_the_questions(name: str) -> None:
    state = STATES[name]()
    turn = say(state, heard(Intent.HUMAN), "je veux parler à quelqu'un")
    assert turn.state.waiting
    if state.waiting:
        assert turn.replies == (Waiting(again=True),) and not turn.effects
    else:
        assert RequestHuman("asked") in turn.effects
        assert turn.replies[-1] == Waiting()
    later = say(turn.state, heard(Intent.OTHER, UNSURE), "allo ? il y a quelqu'un ?")
    assert keys(later) == ["kept_for_agent"] and later.replies[-1] == Waiting()
    assert not later.effects and later.state.draft == turn.state.draft
    idea = say(turn.state, heard(Intent.IDEA), "je veux parler a une vraie personne svp")
    assert not idea.effects and idea.state.draft == turn.state.draft
    bye = say(turn.state, heard(Intent.THANKS_BYE), "merci")
    assert keys(bye) == ["goodbye_waiting"]


def test_no_idea_yet_creates_no_idea_and_offers_examples_kinds_and_a_person() -> None:
    for name in ("start", "start_new", "start_idle"):
        turn = say(STATES[name](), heard(Intent.DONT_KNOW), "je sais pas trop")
        assert not turn.effects
        assert not turn.state.draft.text
        assert keys(turn) == ["no_idea_yet"]
        assert IdeaExamples() in turn.replies
        menu = turn.replies[-1]
        assert isinstance(menu, Menu) and menu.key == "idea_kinds"
        assert "human" in {o.value for o in menu.options} and len(menu.options) >= 5
        chosen = send(turn.state, Press(Action.HELP, "garden"))
        assert keys(chosen) == ["kind_chosen"] and not chosen.effects
        person = send(turn.state, Press(Action.HELP, "human"))
        assert RequestHuman("asked") in person.effects


def test_greetings_and_hesitations_never_become_ideas() -> None:
    state = reach("listening")
    for intent, text in ((Intent.GREETING, "coucou c'est encore moi"), (Intent.DONT_KNOW, "euh…")):
        turn = say(state, heard(intent), text)
        assert not turn.effects and not turn.state.draft.text


def test_an_unsure_first_message_is_asked_about_with_buttons_never_filed() -> None:
    turn = say(reach("listening"), heard(Intent.OTHER, UNSURE), "hmm ok")
    menu = turn.replies[-1]
    assert isinstance(menu, Menu) and menu.key == "clarify_start"
    assert {o.value for o in menu.options} == {"idea", "human", "examples"}
    assert not turn.effects and not turn.state.draft.text
    told = send(turn.state, Press(Action.HELP, "idea"))
    assert told.state.draft.text == "hmm ok"  # the words they had written, now as the idea
    assert told.state.step is Step.ASKING


def test_a_sure_idea_at_the_start_uses_the_understood_title() -> None:
    turn = say(reach("new"), heard(Intent.IDEA), "Salut ! On voudrait un potager partagé")
    assert StartDraft() in turn.effects
    assert turn.state.draft.title == "Potager partagé"


def test_ordinary_answers_fill_the_question_asked() -> None:
    group = say(reach("asking_group"), heard(Intent.ANSWER, group="informal"), "avc mes potes")
    assert group.state.draft.group is Group.INFORMAL
    neighbours = say(
        reach("asking_group"), heard(Intent.IDEA, group="informal"), "moi et les voisin"
    )
    assert neighbours.state.draft.group is Group.INFORMAL
    when = say(
        reach("asking_timing"),
        heard(Intent.ANSWER, timing="this_year", date=date(2027, 4, 24)),
        "Le samedi 24 avril 2027",
    )
    assert when.state.draft.timing is Timing.THIS_YEAR
    assert when.state.draft.timing_words == "Le samedi 24 avril 2027"
    consent = say(reach("asking_consent"), heard(Intent.YES), "J'y consens.")
    assert consent.state.draft.consent is True
    assert say(reach("summary"), heard(Intent.YES), "c'est bon").state.step is Step.SUBMITTED


def test_at_the_summary_only_new_words_are_added_and_quoted() -> None:
    state = reach("summary")
    same = say(state, heard(Intent.IDEA), state.draft.text)
    assert keys(same) == ["already_there"] and same.state.draft.text == state.draft.text
    more = say(state, heard(Intent.IDEA), "avec des bacs surélevés pour les fauteuils")
    assert Added("avec des bacs surélevés pour les fauteuils") in more.replies
    assert more.state.draft.text.endswith("fauteuils")
    unsure = say(state, heard(Intent.OTHER, UNSURE), "c'est bon")
    assert unsure.state.draft.text == state.draft.text


def test_the_title_is_corrected_from_the_summary() -> None:
    turn = run([*_summary_inputs(), Press(Action.EDIT, "title"), "Fête des Glycines"])
    assert turn.state.step is Step.SUMMARY
    assert turn.state.draft.title == "Fête des Glycines"
    asked = say(reach("summary"), heard(Intent.CORRECTION, corrects="title"), "change le titre")
    assert asked.state.pending is Slot.TITLE and "edit_title_prompt" in keys(asked)


def _summary_inputs() -> tuple[object, ...]:
    from tests.support.dialogue import PATHS

    return PATHS["summary"]


def test_after_submission_each_intent_gets_its_own_answer() -> None:
    state = reach("submitted")
    question = say(state, heard(Intent.QUESTION), "je doi apele qui pour la sale ?")
    assert AnswerQuestion("je doi apele qui pour la sale ?") in question.replies  # stub: no needs
    assert not question.effects
    bye = say(state, heard(Intent.THANKS_BYE), "merci au revoir")
    assert keys(bye) == ["goodbye"] and not bye.effects
    more = say(state, heard(Intent.MORE), "y en a d'autres ?")
    assert more.state.shown > state.shown
    corrected = say(state, heard(Intent.CORRECTION, neighbourhood="glycines"), "c'est aux Glycines")
    assert corrected.state.draft.neighbourhood == "glycines"
    assert UpdateIdea(corrected.state.draft) in corrected.effects
    added = say(state, heard(Intent.IDEA), "On aura aussi besoin de graines et d'un tuyau")
    assert Added("On aura aussi besoin de graines et d'un tuyau") in added.replies
    assert AppendNote("On aura aussi besoin de graines et d'un tuyau") in added.effects
    unsure = say(state, heard(Intent.OTHER, UNSURE), "ok")
    assert isinstance(unsure.replies[-1], Menu) and unsure.replies[-1].key == "clarify_after"
    assert not unsure.effects


def test_the_booked_sprint_is_cancelled_in_words_or_by_command_after_a_confirmation() -> None:
    state = _submitted(sprint_day=date(2026, 12, 12))
    for turn in (
        say(state, heard(Intent.CANCEL), "annuler le sprint"),
        say(state, heard(Intent.CANCEL), "annule le truc du 12"),
        send(state, CommandIn(INTENT_COMMANDS[Intent.CANCEL])),
    ):
        menu = turn.replies[-1]
        assert isinstance(menu, Menu) and menu.key == "sprint_cancel"
        yes = send(turn.state, Press(Action.HELP, "sprint_cancel_yes"))
        assert yes.replies == (CancelSprint(None),)
        no = send(turn.state, Press(Action.HELP, "sprint_cancel_no"))
        assert "sprint_kept" in keys(no)


def test_a_sprint_option_is_chosen_by_words() -> None:
    state = _submitted(sprint_menu=True)
    for text, option in (("le deuxième", 2), ("The second one, please", 2), ("celui de mai", 3)):
        turn = say(state, heard(Intent.ANSWER, option=option), text)
        assert turn.replies == (BookSprint(index=option),)


def test_refusing_consent_keeps_nothing_but_gives_pointers_and_a_person() -> None:
    state = reach("asking_consent")
    turn = say(state, heard(Intent.NO), "non")
    assert DiscardDraft() in turn.effects  # and, never having agreed, the resident is erased
    assert not turn.state.draft.text
    assert turn.replies == (Say("consent_refused"), GeneralPointers(state.draft))  # says /humain
    before = replace(state, consented=True)  # an earlier idea was agreed to
    again = say(before, heard(Intent.NO), "non")
    assert again.effects == (DiscardDraft(),)
    assert GeneralPointers(state.draft) in again.replies
    assert isinstance(again.replies[-1], Menu) and again.replies[-1].key == "offer_human"


def test_a_formal_writer_is_answered_with_vous_from_then_on() -> None:
    formal = Understanding(Intent.IDEA, SURE, Slots(), "Fête de quartier", True)
    turn = say(reach("new"), formal, "Madame, Monsieur, je me permets de vous proposer une fête")
    assert turn.state.register == "vous"
    later = say(turn.state, heard(Intent.ANSWER, neighbourhood="glycines"), "aux Glycines")
    assert later.state.register == "vous"


def test_answers_to_questions_not_asked_yet_are_kept_not_asked_again() -> None:
    """« aux Glycines, avec des voisins, en juin » at the quartier question: the group and the
    timing are kept too, and the next question is the needs', never the group's or timing's."""
    state = reach("asking_neighbourhood")
    text = "aux Glycines, et on voudrait commencer en juin avec des voisins"
    turn = say(state, heard(Intent.ANSWER, neighbourhood="glycines"), text)
    assert turn.state.draft.neighbourhood == "glycines"
    assert turn.state.draft.group is Group.INFORMAL
    assert turn.state.draft.timing is not None
    assert turn.state.pending is Slot.NEEDS
    needs = say(turn.state, heard(Intent.ANSWER, needs=("place",)), "une salle")
    assert needs.state.pending is Slot.CONSENT  # group and timing were not asked again
    # what the resident already said is never overwritten by a later answer's words
    group = say(
        reach("asking_group"), heard(Intent.ANSWER, group="association"), "une asso, aux Glycines"
    )
    assert group.state.draft.neighbourhood == "tanneurs"
