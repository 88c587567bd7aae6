"""The intake dialogue, step by step: listen, ask only what is missing, let every answer in."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing.intake import (
    SUGGESTIONS_PER_PAGE,
    Action,
    AnswerSuggestion,
    AppendNote,
    Ask,
    AttachmentIn,
    ButtonIn,
    CancelDraft,
    Command,
    CommandIn,
    DialogueState,
    DiscardDraft,
    EraseResident,
    Menu,
    RequestHuman,
    Say,
    SendExport,
    SetLocale,
    ShowStatus,
    ShowSuggestions,
    StartDraft,
    Step,
    SubmitIdea,
    SuggestionFeedback,
    Summary,
    TextIn,
    Turn,
    Understood,
    UnknownCommandIn,
    Verdict,
    Waiting,
    parse_command,
)
from routing.intake.codes import COMMAND_ALIASES
from routing.intake.draft import EDITABLE, ELSEWHERE, Draft, Group, Need, Slot, Timing
from tests.support.dialogue import (
    IDEA,
    PATHS,
    Input,
    Press,
    asked,
    keys,
    last,
    on_screen,
    reach,
    run,
    send,
)

ANSWER, EDIT = Action.ANSWER, Action.EDIT


class TestAsksOnlyWhatIsMissing:
    def test_a_first_message_telling_quartier_needs_and_group_skips_those_questions(self) -> None:
        first = run(
            ["Avec des voisins on voudrait un jardin partagé aux Tanneurs, il nous faut un terrain"]
        )
        assert keys(first) == ["idea_thanks"]
        assert isinstance(first.replies[1], Understood)
        assert asked(first) == "timing"
        draft = first.state.draft
        assert (draft.neighbourhood, draft.needs, draft.group) == (
            "tanneurs",
            frozenset({Need.PLACE}),
            Group.INFORMAL,
        )
        then = send(first.state, Press(ANSWER, "asap"))
        assert asked(then) == "consent"

    def test_a_first_message_telling_nothing_asks_all_five_in_order(self) -> None:
        turn = run([IDEA])
        assert not any(isinstance(r, Understood) for r in turn.replies)
        slots = []
        for answer in ("tanneurs", "unsure", "alone", "no_date", "yes"):
            slots.append(asked(turn))
            turn = send(turn.state, Press(ANSWER, answer))
        assert slots == ["neighbourhood", "needs", "group", "timing", "consent"]
        assert isinstance(last(turn), Summary)

    def test_the_first_message_is_kept_whole_with_a_short_title(self) -> None:
        text = "Un jardin partagé aux Tanneurs. Avec une grainothèque et des bancs pour tous."
        draft = run([text]).state.draft
        assert draft.text == text
        assert draft.title == "Un jardin partagé aux Tanneurs"

    @pytest.mark.parametrize(
        "hello", ["Bonjour", "salut !", "Bonjour, j'ai une idée !", "hi there", "bjr"]
    )
    def test_a_greeting_alone_is_welcomed_and_the_idea_awaited(self, hello: str) -> None:
        turn = run([hello])
        assert keys(turn) == ["welcome", "listen"]
        assert turn.state.step is Step.LISTENING
        assert turn.state.draft.text == ""
        assert asked(send(turn.state, IDEA)) == "neighbourhood"

    def test_a_greeting_with_an_idea_is_the_idea(self) -> None:
        turn = run(["Bonjour, je voudrais un potager aux Glycines"])
        assert turn.state.draft.neighbourhood == "glycines"
        assert asked(turn) == "needs"

    def test_start_with_a_campaign_payload_remembers_the_source(self) -> None:
        turn = run([CommandIn(Command.START, "affiche-tanneurs"), IDEA])
        assert turn.state.draft.source == "affiche-tanneurs"
        forged = run([CommandIn(Command.START, "<script>")])
        assert forged.state.draft.source is None


# Each question, answered by its button and by free text, and what the draft then holds.
ANSWERS = [
    pytest.param("asking_neighbourhood", Press(ANSWER, "glycines"), "neighbourhood", "glycines",
                 id="neighbourhood-button"),
    pytest.param("asking_neighbourhood", "les glycynes", "neighbourhood", "glycines",
                 id="neighbourhood-text-typo"),
    pytest.param("asking_neighbourhood", Press(ANSWER, "elsewhere"), "neighbourhood", ELSEWHERE,
                 id="neighbourhood-button-elsewhere"),
    pytest.param("asking_neighbourhood", "c'est ailleurs", "neighbourhood", ELSEWHERE,
                 id="neighbourhood-text-ailleurs"),
    pytest.param("asking_neighbourhood", "somewhere else", "neighbourhood", ELSEWHERE,
                 id="neighbourhood-text-elsewhere"),
    pytest.param("asking_needs", Press(ANSWER, "unsure"), "needs", frozenset(),
                 id="needs-button-unsure"),
    pytest.param("asking_needs", "une salle et des sous", "needs",
                 frozenset({Need.PLACE, Need.FUNDING}), id="needs-text"),
    pytest.param("asking_needs", "je sais pas encore", "needs", frozenset(),
                 id="needs-text-unsure"),
    pytest.param("asking_group", Press(ANSWER, "association"), "group", Group.ASSOCIATION,
                 id="group-button"),
    pytest.param("asking_group", "on est une asso", "group", Group.ASSOCIATION, id="group-text"),
    pytest.param("asking_group", "toute seule", "group", Group.ALONE, id="group-text-alone"),
    pytest.param("asking_timing", Press(ANSWER, "this_year"), "timing", Timing.THIS_YEAR,
                 id="timing-button"),
    pytest.param("asking_timing", "dès que possible", "timing", Timing.ASAP, id="timing-text"),
    pytest.param("asking_timing", "en février", "timing", Timing.WITHIN_3_MONTHS,
                 id="timing-text-month"),
    pytest.param("asking_timing", "quand il fera beau", "timing", Timing.NO_DATE,
                 id="timing-text-free-words"),
    pytest.param("asking_consent", Press(ANSWER, "yes"), "consent", True, id="consent-button"),
    pytest.param("asking_consent", "oui bien sûr", "consent", True, id="consent-text"),
    pytest.param("asking_consent", "ok !", "consent", True, id="consent-text-ok"),
]  # fmt: skip
NEXT_QUESTION = {
    "neighbourhood": "needs",
    "needs": "group",
    "group": "timing",
    "timing": "consent",
}


@pytest.mark.parametrize(("start", "answer", "field", "value"), ANSWERS)
def test_each_question_is_answered_by_button_or_free_text(
    start: str, answer: object, field: str, value: object
) -> None:
    turn = send(reach(start), answer)  # type: ignore[arg-type]
    assert getattr(turn.state.draft, field) == value
    assert keys(turn) == ["noted"]
    if field == "consent":
        assert isinstance(last(turn), Summary)
    else:
        assert asked(turn) == NEXT_QUESTION[field]


def test_free_text_timing_keeps_the_residents_words() -> None:
    turn = send(reach("asking_timing"), "quand il fera beau")
    assert turn.state.draft.timing_words == "quand il fera beau"
    assert send(reach("asking_timing"), "dès que possible !").state.draft.timing_words == (
        "dès que possible"
    )


@pytest.mark.parametrize(
    ("start", "text", "key"),
    [
        ("asking_neighbourhood", "euh", "quartier_unknown"),
        ("asking_needs", "bof", "needs_unknown"),
        ("asking_group", "hmm", "group_unknown"),
        ("asking_timing", "oui", "timing_unknown"),
        ("asking_timing", "pourquoi ?", "timing_unknown"),
        ("asking_consent", "peut-être", "yes_or_no"),
        ("asking_consent", "oui mais pourquoi ?", "consent_details"),
        ("asking_consent", "c'est pour quoi faire ?", "consent_details"),
    ],
)
def test_an_answer_not_understood_is_said_kindly_and_the_question_asked_again(
    start: str, text: str, key: str
) -> None:
    state = reach(start)
    turn = send(state, text)
    assert keys(turn) == [key]
    assert asked(turn) == state.pending.value  # type: ignore[union-attr]
    assert turn.state.draft == state.draft


class TestNeedsMultiSelect:
    def test_ticks_toggle_then_done_keeps_the_ticked(self) -> None:
        state = reach("asking_needs")
        for need in ("place", "funding", "legal", "place"):
            turn = send(state, Press(ANSWER, need))
            ask = last(turn)
            assert isinstance(ask, Ask) and ask.refresh and ask.multi
            state = turn.state
        assert {o.value for o in ask.options if o.selected} == {"funding", "legal"}
        done = send(state, Press(ANSWER, "done"))
        assert done.state.draft.needs == frozenset({Need.FUNDING, Need.LEGAL})
        assert asked(done) == "group"

    def test_unsure_records_no_need_and_is_not_asked_again(self) -> None:
        turn = send(
            send(reach("asking_needs"), Press(ANSWER, "place")).state, Press(ANSWER, "unsure")
        )
        assert turn.state.draft.needs == frozenset()
        assert asked(turn) == "group"

    def test_text_after_ticks_adds_to_them(self) -> None:
        ticked = send(reach("asking_needs"), Press(ANSWER, "equipment")).state
        turn = send(ticked, "et une assurance")
        assert turn.state.draft.needs == frozenset({Need.EQUIPMENT, Need.LEGAL})

    @pytest.mark.parametrize(
        "interruption",
        [CommandIn(Command.HELP), AttachmentIn("sticker"), TextIn("bof"), UnknownCommandIn("x")],
        ids=["help", "sticker", "not-understood", "unknown-command"],
    )
    def test_asking_again_keeps_the_ticks(self, interruption: object) -> None:
        ticked = run([Press(ANSWER, "place"), Press(ANSWER, "skills")], reach("asking_needs"))
        turn = send(ticked.state, interruption)  # type: ignore[arg-type]
        ask = last(turn)
        assert isinstance(ask, Ask) and ask.slot is Slot.NEEDS
        assert {o.value for o in ask.options if o.selected} == {"place", "skills"}
        assert turn.state.selection == frozenset({Need.PLACE, Need.SKILLS})
        done = send(turn.state, Press(ANSWER, "done"))
        assert done.state.draft.needs == frozenset({Need.PLACE, Need.SKILLS})


# From the summary: the edit button, the new answer, and what the draft then holds.
EDITS = [
    pytest.param("idea", "Une fête de rue aux Tanneurs", "text",
                 "Je voudrais un jardin partagé\nUne fête de rue aux Tanneurs", id="idea"),
    pytest.param("neighbourhood", Press(ANSWER, "gare"), "neighbourhood", "gare",
                 id="neighbourhood-button"),
    pytest.param("neighbourhood", "bois fleuri", "neighbourhood", "bois-fleuri",
                 id="neighbourhood-text"),
    pytest.param("needs", Press(ANSWER, "unsure"), "needs", frozenset(), id="needs-button"),
    pytest.param("needs", "du matériel", "needs", frozenset({Need.EQUIPMENT}), id="needs-text"),
    pytest.param("group", Press(ANSWER, "alone"), "group", Group.ALONE, id="group-button"),
    pytest.param("group", "une association", "group", Group.ASSOCIATION, id="group-text"),
    pytest.param("timing", Press(ANSWER, "no_date"), "timing", Timing.NO_DATE,
                 id="timing-button"),
    pytest.param("timing", "cette année", "timing", Timing.THIS_YEAR, id="timing-text"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "answer", "attribute", "value"), EDITS)
def test_an_edit_from_the_summary_changes_one_field_and_returns_to_the_summary(
    field: str, answer: object, attribute: str, value: object
) -> None:
    summary = reach("summary")
    before = summary.draft
    editing = send(summary, Press(EDIT, field))
    if field == "idea":
        assert keys(editing) == ["edit_idea_prompt"]
    else:
        assert asked(editing) == field
    turn = send(editing.state, answer)  # type: ignore[arg-type]
    shown = last(turn)
    assert isinstance(shown, Summary) and turn.state.step is Step.SUMMARY
    assert getattr(turn.state.draft, attribute) == value
    others = {f: getattr(before, f) for f in ("neighbourhood", "needs", "group", "timing", "text")}
    others.pop(attribute)
    assert {f: getattr(turn.state.draft, f) for f in others} == others
    assert turn.state.draft.consent is True


def test_editing_needs_shows_the_current_needs_ticked() -> None:
    editing = send(reach("summary"), Press(EDIT, "needs"))
    ask = last(editing)
    assert isinstance(ask, Ask)
    assert {o.value for o in ask.options if o.selected} == {"place"}
    toggled = run([Press(ANSWER, "funding"), Press(ANSWER, "done")], editing.state)
    assert toggled.state.draft.needs == frozenset({Need.PLACE, Need.FUNDING})
    assert isinstance(last(toggled), Summary)


def test_every_editable_field_has_an_edit_that_leads_somewhere() -> None:
    for slot in EDITABLE:
        turn = send(reach("summary"), Press(EDIT, slot.value))
        assert "button_unknown" not in keys(turn)
        assert turn.state.pending is slot and turn.state.editing


@pytest.mark.parametrize("refusal", [Press(ANSWER, "no"), "Non merci", "non"])
def test_consent_refused_discards_the_draft(refusal: object) -> None:
    """Someone who agreed before (an earlier idea) loses this draft's words only."""
    before = replace(reach("asking_consent"), consented=True)
    turn = send(before, refusal)  # type: ignore[arg-type]
    assert turn.effects == (DiscardDraft(),)
    assert keys(turn) == ["consent_refused"]
    assert turn.state.step is Step.IDLE
    assert turn.state.draft == Draft()
    assert not any(isinstance(r, Summary) for r in turn.replies)


@pytest.mark.parametrize("refusal", [Press(ANSWER, "no"), "Non merci"])
def test_a_first_refusal_erases_everything_sent_before_it(refusal: object) -> None:
    """Nothing was ever agreed: words, photos, voice and identity go, as with /oublier."""
    turn = send(reach("asking_consent"), refusal)  # type: ignore[arg-type]
    assert turn.effects == (DiscardDraft(), EraseResident())
    assert keys(turn) == ["consent_refused"]
    assert turn.state.step is Step.NEW and turn.state.draft == Draft()


def test_consent_why_explains_then_asks_again() -> None:
    turn = send(reach("asking_consent"), Press(ANSWER, "why"))
    assert keys(turn) == ["consent_details"]
    assert asked(turn) == "consent"


def test_confirming_the_summary_submits_once() -> None:
    turn = send(reach("summary"), Press(Action.SUBMIT, "ok"))
    assert turn.effects == (SubmitIdea(),)
    assert turn.state.step is Step.SUBMITTED
    again = send(turn.state, Press(Action.SUBMIT, "ok"))
    assert SubmitIdea() not in again.effects


def test_yes_typed_at_the_summary_submits() -> None:
    assert send(reach("summary"), "oui c'est bon").effects == (SubmitIdea(),)


def test_text_at_the_summary_is_added_to_the_idea() -> None:
    turn = send(reach("summary"), "avec des bacs à compost")
    assert turn.state.draft.text.endswith("\navec des bacs à compost")
    assert keys(turn) == ["added_to_idea"] and isinstance(last(turn), Summary)


# ---- every command at every step ------------------------------------------------------------

STEPS = sorted(PATHS)
COMMANDS = list(Command)
# /humain is not a side command any more: intake questions stop until a person answers.
SIDE_COMMANDS = (Command.HELP, Command.STATUS, Command.MYDATA, Command.START)


def test_the_paths_reach_every_step() -> None:
    reached = {reach(name).step for name in STEPS}
    assert reached == set(Step)
    pending = {reach(name).pending for name in STEPS if name.startswith("asking")}
    assert pending == set(Slot)


def _continue(turn_state: DialogueState, screen: object) -> object:
    """Tap the first button of what is on screen, as a resident who carries on would."""
    if isinstance(screen, Summary):
        return Press(Action.SUBMIT, "ok")
    if isinstance(screen, Menu):
        return Press(screen.action, screen.options[-1].value)
    if isinstance(screen, Ask):
        return Press(ANSWER, screen.options[0].value)
    return "Un atelier vélo à la gare"


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("command", COMMANDS, ids=[c.value for c in COMMANDS])
@pytest.mark.parametrize("arg", [None, "en"], ids=["bare", "with-arg"])
def test_every_command_at_every_step_answers_and_lets_the_conversation_go_on(
    step: str, command: Command, arg: str | None
) -> None:
    state = reach(step)
    turn = send(state, CommandIn(command, arg))
    assert turn.replies
    assert turn.state.version >= state.version
    screen = on_screen(turn)
    if screen is not None:
        assert screen.version == turn.state.version
    following = send(turn.state, _continue(turn.state, screen))  # type: ignore[arg-type]
    assert following.replies
    assert not {"stale_button", "button_unknown"} & set(keys(following))


def _expected_question(state: DialogueState) -> tuple[type | None, object]:
    """What a re-ask shows at this state: the pending question, the summary or the menu."""
    if state.step is Step.ASKING and state.pending not in (Slot.IDEA, Slot.TITLE):
        return Ask, state.pending
    return {
        Step.SUMMARY: (Summary, None),
        Step.SUBMITTED: (Menu, "after_submit"),
        Step.CONFIRM_FORGET: (Menu, "forget_confirm"),
        Step.CHOOSING_LANGUAGE: (Menu, "language"),
    }.get(state.step, (None, None))


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("command", SIDE_COMMANDS, ids=[c.value for c in SIDE_COMMANDS])
def test_side_commands_put_the_same_question_again(step: str, command: Command) -> None:
    state = reach(step)
    turn = send(state, CommandIn(command))
    if state.step in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE) and command is not Command.HELP:
        state = replace(state, step=state.back_step, pending=state.back_pending)  # type: ignore[arg-type]
    if command is Command.START and state.step is Step.SUBMITTED:  # /start after sending: anew
        assert keys(turn) == ["welcome_back_new", "listen"]
        return
    _assert_same_question(state, turn)
    if state.step is Step.ASKING:
        assert turn.state.pending is state.pending
    assert turn.state.draft.text == state.draft.text


@pytest.mark.parametrize(
    ("command", "reply", "effect"),
    [
        (Command.STATUS, ShowStatus(), None),
        (Command.MYDATA, SendExport(), None),
    ],
)
def test_data_commands_while_asking_the_timing(
    command: Command, reply: object, effect: object
) -> None:
    turn = send(reach("asking_timing"), CommandIn(command))
    if reply is not None:
        assert reply in turn.replies
    if effect is not None:
        assert effect in turn.effects
    assert asked(turn) == "timing"


@pytest.mark.parametrize("step", STEPS)
def test_human_stops_the_questions_and_says_when_the_team_answers(step: str) -> None:
    state = reach(step)
    turn = send(state, CommandIn(Command.HUMAN))
    assert RequestHuman("asked") in turn.effects
    assert turn.replies[-2:] == (Say("human_requested"), Waiting())
    assert turn.state.waiting
    assert not any(isinstance(r, Ask | Summary) for r in turn.replies)
    assert turn.state.draft.text == state.draft.text  # kept for when the team has answered
    again = send(turn.state, CommandIn(Command.HUMAN))
    assert again.replies == (Waiting(again=True),)
    assert not again.effects


def test_help_while_asking_the_timing_asks_the_timing_again() -> None:
    turn = send(reach("asking_timing"), CommandIn(Command.HELP))
    assert keys(turn) == ["help"]
    assert asked(turn) == "timing"


@pytest.mark.parametrize("step", ["asking_needs", "asking_timing", "summary"])
def test_cancel_puts_the_idea_aside(step: str) -> None:
    turn = send(reach(step), CommandIn(Command.CANCEL))
    assert turn.effects == (CancelDraft(),)
    assert turn.state.step is Step.IDLE and turn.state.draft == Draft()


@pytest.mark.parametrize(
    ("step", "then"),
    [("new", "listen"), ("listening", "listen"), ("idle", "listen"), ("submitted", None)],
)
def test_cancel_with_nothing_in_progress_says_so_and_offers_the_next_step(
    step: str, then: str | None
) -> None:
    turn = send(reach(step), CommandIn(Command.CANCEL))
    assert keys(turn)[0] == "nothing_to_cancel"
    assert CancelDraft() not in turn.effects
    if then:
        assert keys(turn)[-1] == then
    else:
        assert isinstance(last(turn), Menu)


@pytest.mark.parametrize("step", ["asking_group", "summary", "submitted"])
def test_restart_starts_afresh(step: str) -> None:
    turn = send(reach(step), CommandIn(Command.RESTART))
    assert turn.state.step is Step.LISTENING and turn.state.draft.text == ""
    assert StartDraft() in turn.effects
    assert asked(send(turn.state, "un jardin aux Tanneurs")) == "needs"


@pytest.mark.parametrize("answer", [Press(Action.FORGET, "no"), "non"])
def test_forget_refused_returns_to_the_same_question(answer: object) -> None:
    asking = send(reach("confirm_forget"), answer)  # type: ignore[arg-type]
    assert keys(asking) == ["forget_cancelled"] and asked(asking) == "timing"


@pytest.mark.parametrize("answer", [Press(Action.FORGET, "yes"), "oui"])
def test_forget_confirmed_erases_everything(answer: object) -> None:
    turn = send(reach("confirm_forget"), answer)  # type: ignore[arg-type]
    assert turn.effects == (EraseResident(),)
    assert turn.state.step is Step.NEW and turn.state.draft == Draft()


@pytest.mark.parametrize("answer", [Press(Action.LANGUAGE, "en"), "english", "English please"])
def test_language_chosen_returns_to_the_same_question(answer: object) -> None:
    turn = send(reach("choosing_language"), answer)  # type: ignore[arg-type]
    if turn.effects:
        assert turn.effects == (SetLocale("en"),)
        assert asked(turn) == "timing"
    else:
        assert keys(turn) == ["choose_language"]


def test_language_with_an_argument_switches_at_once() -> None:
    turn = send(reach("asking_group"), CommandIn(Command.LANGUAGE, "english"))
    assert turn.effects == (SetLocale("en"),) and asked(turn) == "group"


# ---- buttons from elsewhere -----------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
def test_a_stale_button_gets_a_kind_reply_and_the_current_question(step: str) -> None:
    state = reach(step)
    turn = send(state, ButtonIn(Action.ANSWER, "tanneurs", state.version - 1))
    assert keys(turn)[0] == "stale_button"
    assert turn.state.draft == state.draft
    _assert_same_question(state, turn)


FORGED = [
    pytest.param("zz", "tanneurs", id="unknown-action"),
    pytest.param(Action.ANSWER, "🙂" * 40, id="unknown-value"),
    pytest.param(Action.EDIT, "consent", id="consent-is-not-editable"),
    pytest.param(Action.SUBMIT, "nope", id="submit-unknown-value"),
    pytest.param(Action.FORGET, "yes", id="forget-out-of-place"),
    pytest.param(Action.LANGUAGE, "de", id="unknown-language"),
    pytest.param(Action.NEXT, "new", id="next-out-of-place"),
]


@pytest.mark.parametrize(("action", "value"), FORGED)
@pytest.mark.parametrize(
    "step", ["asking_neighbourhood", "asking_needs", "asking_consent", "summary"]
)
def test_a_forged_button_gets_a_kind_reply_and_the_current_question(
    step: str, action: str, value: str
) -> None:
    state = reach(step)
    turn = send(state, ButtonIn(action, value, state.version))
    assert keys(turn)[0] == "button_unknown"
    assert turn.state.draft == state.draft
    assert not turn.effects
    _assert_same_question(state, turn)


def test_consent_cannot_be_edited_from_the_summary() -> None:
    state = reach("summary")
    turn = send(state, Press(EDIT, "consent"))
    assert keys(turn) == ["button_unknown"] and isinstance(last(turn), Summary)


def _assert_same_question(state: DialogueState, turn: Turn) -> None:
    kind, what = _expected_question(state)
    screen = last(turn)
    if kind is Ask:
        assert isinstance(screen, Ask) and screen.slot is what
    elif kind is Menu:
        assert isinstance(screen, Menu) and screen.key == what
    elif kind is Summary:
        assert isinstance(screen, Summary)
    elif state.step is Step.ASKING:  # the idea (or its title) being rewritten
        again = len(turn.replies) > 1  # after a word: without its « D'accord. »
        assert keys(turn)[-1] == f"edit_{state.pending}_{'again' if again else 'prompt'}"
    else:
        assert keys(turn)[-1] in ("listen", "listen_new")
    if isinstance(screen, Ask | Menu | Summary):
        assert screen.version == turn.state.version


# ---- attachments and edited messages --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("photo", "file_kept"),
        ("document", "file_kept"),
        ("sticker", "sticker"),
        ("location", "location"),
        ("contact", "contact_not_kept"),
        ("poll", "unsupported"),
    ],
)
@pytest.mark.parametrize("step", ["new", "asking_timing", "summary"])
def test_attachments_without_words_get_a_kind_reply_and_lose_nothing(
    step: str, kind: str, key: str
) -> None:
    state = reach(step)
    turn = send(state, AttachmentIn(kind))
    assert keys(turn)[0] == key
    assert turn.state.draft == state.draft
    assert not turn.effects
    _assert_same_question(state, turn)


@pytest.mark.parametrize("kind", ["voice", "audio", "video_note"])
def test_a_voice_message_goes_to_a_human_who_can_listen(kind: str) -> None:
    """Once the resident agreed (now or for an earlier idea), at once."""
    turn = send(replace(reach("asking_group"), consented=True), AttachmentIn(kind))
    assert turn.effects == (RequestHuman("voice"),)
    assert keys(turn) == ["voice_kept"] and asked(turn) == "group"
    turn = send(reach("summary"), AttachmentIn(kind))  # consent given in this intake
    assert turn.effects == (RequestHuman("voice"),)


@pytest.mark.parametrize("step", ["new", "asking_group", "asking_consent"])
def test_a_voice_message_before_consent_is_held_until_the_answer(step: str) -> None:
    turn = send(reach(step), AttachmentIn("voice"))
    assert turn.effects == () and keys(turn)[0] == "voice_held"
    assert turn.state.voice_waiting
    if step != "asking_consent":
        return
    agreed = send(turn.state, Press(ANSWER, "yes"))
    assert agreed.effects == (RequestHuman("voice"),)
    assert keys(agreed)[:1] == ["voice_passed_on"] and not agreed.state.voice_waiting
    refused = send(turn.state, Press(ANSWER, "no"))
    assert refused.effects == (DiscardDraft(), EraseResident())


def test_a_photo_with_a_caption_tells_the_idea() -> None:
    turn = send(
        reach("listening"), AttachmentIn("photo", "Ce mur aux Tanneurs, on voudrait une fresque")
    )
    assert keys(turn)[:2] == ["file_kept", "idea_thanks"]
    assert turn.state.draft.neighbourhood == "tanneurs"
    assert turn.state.draft.text == "Ce mur aux Tanneurs, on voudrait une fresque"


def test_a_photo_with_a_caption_answers_the_question() -> None:
    turn = send(reach("asking_neighbourhood"), AttachmentIn("photo", "c'est à Saint-Éloi"))
    assert turn.state.draft.neighbourhood == "saint-eloi" and asked(turn) == "needs"


def test_an_edited_message_that_answers_the_pending_question_moves_on() -> None:
    turn = send(reach("asking_neighbourhood"), TextIn("un jardin aux Glycines", edited=True))
    assert keys(turn) == ["edit_noted"]
    assert turn.state.draft.neighbourhood == "glycines" and asked(turn) == "needs"


def test_an_edited_message_keeps_the_ticks_of_the_needs_question() -> None:
    ticked = send(reach("asking_needs"), Press(ANSWER, "equipment")).state
    turn = send(ticked, TextIn("il nous faut aussi une salle", edited=True))
    assert turn.state.draft.needs == frozenset({Need.PLACE, Need.EQUIPMENT})


def test_an_edited_idea_keeps_the_whole_text_and_the_answers() -> None:
    state = reach("summary")
    turn = send(state, TextIn("Un verger partagé", edited=True, replaces_idea=True))
    assert turn.state.draft.text == "Je voudrais un jardin partagé\nUn verger partagé"
    assert turn.state.draft.title == "Un verger partagé"
    assert turn.state.draft.neighbourhood == state.draft.neighbourhood
    assert isinstance(last(turn), Summary)


def test_an_edited_message_after_submitting_becomes_a_note() -> None:
    turn = send(reach("submitted"), TextIn("pardon, c'est aux Glycines", edited=True))
    assert turn.effects == (AppendNote("pardon, c'est aux Glycines"),)
    assert keys(turn)[0] == "edit_noted"


def test_words_after_submitting_are_added_as_a_note() -> None:
    turn = send(reach("submitted"), "J'ai oublié : on est 5")
    assert turn.effects == (AppendNote("J'ai oublié : on est 5"),)
    assert isinstance(last(turn), Menu)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
@pytest.mark.parametrize("step", ["new", "asking_needs", "summary"])
def test_an_empty_message_is_asked_again(step: str, text: str) -> None:
    state = reach(step)
    turn = send(state, text)
    assert keys(turn)[0] == "empty_message"
    _assert_same_question(state, turn)


# ---- parsing commands -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("/start", CommandIn(Command.START)),
        ("/start affiche-tanneurs", CommandIn(Command.START, "affiche-tanneurs")),
        ("/aide", CommandIn(Command.HELP)),
        ("/aide@DeclicBot", CommandIn(Command.HELP)),
        ("/AIDE", CommandIn(Command.HELP)),
        ("/help", CommandIn(Command.HELP)),
        ("/help@DeclicBot extra words", CommandIn(Command.HELP, "extra words")),
        ("/restart", CommandIn(Command.RESTART)),
        ("/cancel", CommandIn(Command.CANCEL)),
        ("/status", CommandIn(Command.STATUS)),
        ("/human", CommandIn(Command.HUMAN)),
        ("/mydata", CommandIn(Command.MYDATA)),
        ("/forget", CommandIn(Command.FORGET)),
        ("/lang en", CommandIn(Command.LANGUAGE, "en")),
        ("/language  english ", CommandIn(Command.LANGUAGE, "english")),
        ("/langue", CommandIn(Command.LANGUAGE)),
        ("/foo", UnknownCommandIn("foo")),
        ("/", UnknownCommandIn("")),
        ("/" + "x" * 100, UnknownCommandIn("x" * 32)),
        ("bonjour /aide", None),
        ("aide", None),
    ],
)
def test_parse_command(text: str, event: object) -> None:
    assert parse_command(text) == event


def test_every_command_has_its_french_name_as_an_alias() -> None:
    assert all(COMMAND_ALIASES[c.value] is c for c in Command)


def test_an_unknown_command_while_asking_says_so_and_asks_again() -> None:
    turn = send(reach("asking_group"), UnknownCommandIn("foo"))
    assert keys(turn) == ["unknown_command"] and asked(turn) == "group"


# -- suggestions after submitting (issue 3) ----------------------------------------------------


def test_submitting_asks_the_service_for_the_first_page_of_suggestions() -> None:
    turn = send(reach("summary"), Press(Action.SUBMIT, "ok"))
    pages = [r for r in turn.replies if isinstance(r, ShowSuggestions)]
    assert pages == [ShowSuggestions(0, SUGGESTIONS_PER_PAGE, turn.state.version)]
    assert isinstance(last(turn), Menu)  # "Parler à quelqu'un" always one button away
    assert {o.value for o in last(turn).options} >= {"human"}


@pytest.mark.parametrize("step", ["submitted", "asking_needs", "summary", "listening"])
@pytest.mark.parametrize("verdict", list(Verdict))
def test_a_suggestion_button_is_answered_at_any_step_without_moving_the_dialogue(
    step: str, verdict: Verdict
) -> None:
    state = reach(step)
    stale = ButtonIn(Action.SUGGESTION, f"17.{verdict.value}", state.version - 3)
    turn = send(state, stale)
    assert turn.state == state  # the question on screen stays valid
    assert turn.replies == (SuggestionFeedback(17, verdict),)
    assert turn.effects == (AnswerSuggestion(17, verdict),)


@pytest.mark.parametrize("value", ["", "x.y", "17", "17.z", "-1.y", "17.y.y", "١٧.y"])
def test_a_malformed_suggestion_button_is_refused_kindly(value: str) -> None:
    state = reach("submitted")
    turn = send(state, ButtonIn(Action.SUGGESTION, value, state.version))
    assert keys(turn)[0] == "button_unknown"
    assert not turn.effects


@pytest.mark.parametrize("ask_more", [Press(Action.NEXT, "more"), "d'autres ?", "more please"])
def test_more_suggestions_by_button_or_by_words(ask_more: Input) -> None:
    state = reach("submitted")
    first = send(state, ask_more)
    second = send(first.state, ask_more)
    offsets = [
        r.offset for t in (first, second) for r in t.replies if isinstance(r, ShowSuggestions)
    ]
    assert offsets == [SUGGESTIONS_PER_PAGE, 2 * SUGGESTIONS_PER_PAGE]
    assert not first.effects and isinstance(last(second), Menu)


def test_words_that_only_look_like_more_are_kept_as_a_note() -> None:
    turn = send(reach("submitted"), "plus de sous pour les graines")
    assert turn.effects == (AppendNote("plus de sous pour les graines"),)
