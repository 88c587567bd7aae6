"""Whatever a resident sends, in whatever order, the dialogue answers and keeps its promises."""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.intake import (
    Action,
    Ask,
    AttachmentIn,
    ButtonIn,
    Command,
    CommandIn,
    DialogueState,
    DiscardDraft,
    Event,
    Menu,
    Step,
    SubmitIdea,
    Summary,
    TextIn,
    Turn,
    UnknownCommandIn,
)
from routing.intake.draft import EDITABLE, IDEA_MAX_CHARS, TITLE_MAX_CHARS, Draft, Slot
from routing.intake.state_codec import state_from_json, state_to_json
from tests.support.dialogue import DIALOGUE, PATHS, TODAY, keys, on_screen, run


@dataclass(frozen=True)
class Tap:
    """Tap one of the buttons on screen, with the version they carry."""

    index: int


@dataclass(frozen=True)
class Current:
    """A hand-made button with the current version: valid or forged action and value."""

    action: str
    value: str


RESIDENT_WORDS = [
    "",
    " ",
    "\n\t ",
    "🙂",
    "👍",
    "oui",
    "non",
    "ok !",
    "Non merci",
    "pourquoi ?",
    "ailleurs",
    "aux Tanneurs",
    "une salle et des sous",
    "avec des voisins",
    "dès que possible",
    "en juin",
    "Bonjour",
    "Un jardin partagé aux Glycines avec une association, il nous faut un local",
    "/aide",
    "english",
    "x" * 5000,
    ("Un atelier vélo à la gare, on a pas de sous. " * 120)[:5000],
]
VALUES = [
    *(s.value for s in Slot),
    "tanneurs",
    "elsewhere",
    "place",
    "done",
    "unsure",
    "alone",
    "asap",
    "yes",
    "no",
    "why",
    "ok",
    "fr",
    "en",
    "new",
    "human",
]

texts = st.one_of(
    st.sampled_from(RESIDENT_WORDS),
    st.text(max_size=60),
    st.text(min_size=1, max_size=8).map(lambda t: (t * 5000)[:5000]),
)
text_events = st.builds(TextIn, texts, st.booleans(), st.booleans())
actions = st.one_of(st.sampled_from([a.value for a in Action]), st.text(max_size=3))
values = st.one_of(st.sampled_from(VALUES), st.text(max_size=20))
buttons = st.one_of(
    st.builds(ButtonIn, actions, values, st.integers(min_value=-2, max_value=60)),
    st.builds(Current, actions, values),
    st.builds(Tap, st.integers(min_value=0, max_value=20)),
)
commands = st.builds(
    CommandIn,
    st.sampled_from(list(Command)),
    st.one_of(st.none(), st.sampled_from(["en", "fr", "poster-1", "<x>"]), st.text(max_size=20)),
)
attachments = st.builds(
    AttachmentIn,
    st.one_of(
        st.sampled_from(
            ["photo", "document", "video", "sticker", "voice", "audio", "location", "contact"]
        ),
        st.text(max_size=8),
    ),
    st.one_of(st.none(), texts),
)
inputs = st.one_of(
    text_events,
    buttons,
    buttons,
    commands,
    st.builds(UnknownCommandIn, st.text(max_size=32)),
    attachments,
)


def realise(item: object, state: DialogueState, turn: Turn | None) -> Event:
    if isinstance(item, Current):
        return ButtonIn(item.action, item.value, state.version)
    if isinstance(item, Tap):
        screen = on_screen(turn) if turn else None
        if isinstance(screen, Ask):
            option = screen.options[item.index % len(screen.options)]
            return ButtonIn(Action.ANSWER, option.value, screen.version)
        if isinstance(screen, Menu):
            option = screen.options[item.index % len(screen.options)]
            return ButtonIn(screen.action, option.value, screen.version)
        if isinstance(screen, Summary):
            choices = [(Action.EDIT, s.value) for s in EDITABLE] + [(Action.SUBMIT, "ok")]
            action, value = choices[item.index % len(choices)]
            return ButtonIn(action, value, screen.version)
        return TextIn("Un jardin partagé")
    return item  # type: ignore[return-value]


def check(before: DialogueState, event: Event, turn: Turn, tapped: bool) -> None:
    state = turn.state
    assert turn.replies, "every input gets an answer"
    assert state.version >= before.version
    if tapped:
        assert not {"stale_button", "button_unknown"} & set(keys(turn)), "offered buttons work"
    for reply in turn.replies:
        if isinstance(reply, Summary):
            assert reply.draft.consent is True and state.step is Step.SUMMARY
        if isinstance(reply, Ask):
            assert reply.slot is not Slot.IDEA and reply.options
            assert state.step is Step.ASKING and reply.slot is state.pending
    screen = on_screen(turn)
    if screen is not None:
        assert screen.version == state.version, "buttons on screen carry the current version"
    if any(isinstance(e, SubmitIdea) for e in turn.effects):
        assert before.step is Step.SUMMARY and before.draft.consent and before.draft.text
    if any(isinstance(e, DiscardDraft) for e in turn.effects):
        assert state.draft == Draft()
    if state.step is Step.ASKING:
        assert state.pending is not None
        assert state.pending is not Slot.IDEA or state.editing
    if state.step is Step.SUMMARY:
        assert not state.draft.missing()
    assert len(state.draft.text) <= IDEA_MAX_CHARS
    assert state.draft.title is None or len(state.draft.title) <= TITLE_MAX_CHARS + 1
    stored = json.loads(json.dumps(state_to_json(state)))
    assert state_from_json(stored, state.version) == state, "the state survives storage"


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(inputs, min_size=1, max_size=15))
def test_any_sequence_of_inputs_is_answered_and_keeps_the_invariants(items: list[object]) -> None:
    state = DialogueState()
    turn: Turn | None = None
    for item in items:
        event = realise(item, state, turn)
        tapped = isinstance(item, Tap) and on_screen(turn) is not None if turn else False
        turn = DIALOGUE.step(state, event, TODAY)
        check(state, event, turn, tapped)
        state = turn.state


# Random input seldom gets deep into the intake: start from every step a path reaches,
# then carry on with a resident who mostly taps the buttons offered.
cooperative = st.lists(
    st.one_of(st.builds(Tap, st.integers(-3, 20)), inputs), min_size=1, max_size=12
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PATHS)), cooperative)
def test_from_every_step_any_inputs_keep_the_invariants(start: str, items: list[object]) -> None:
    turn: Turn | None = run(PATHS[start])
    state = turn.state
    for item in items:
        event = realise(item, state, turn)
        tapped = isinstance(item, Tap) and on_screen(turn) is not None if turn else False
        turn = DIALOGUE.step(state, event, TODAY)
        check(state, event, turn, tapped)
        state = turn.state
