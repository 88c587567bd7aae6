"""Driving the pure intake dialogue in tests: a resident's inputs in, the last turn out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from knowledge.lexicon import default_lexicon
from knowledge.territory import load_gazetteer
from routing.intake import (
    Action,
    Ask,
    ButtonIn,
    Command,
    CommandIn,
    Dialogue,
    DialogueState,
    Event,
    Menu,
    Say,
    Summary,
    TextIn,
    Turn,
)
from routing.intake.extraction import Extractor

DIALOGUE = Dialogue(Extractor(load_gazetteer(), default_lexicon()))
TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class Press:
    """A button of the message on screen: its version is filled in when pressed."""

    action: Action | str
    value: str


Input = Event | Press | str


def as_event(item: Input, state: DialogueState) -> Event:
    if isinstance(item, Press):
        return ButtonIn(str(item.action), item.value, state.version)
    if isinstance(item, str):
        return TextIn(item)
    return item


def run(inputs: Iterable[Input], state: DialogueState | None = None) -> Turn:
    """Feed inputs one by one; return the last turn (its state is the conversation's)."""
    turn = Turn(state or DialogueState(), ())
    for item in inputs:
        turn = DIALOGUE.step(turn.state, as_event(item, turn.state), TODAY)
    return turn


def send(state: DialogueState, item: Input) -> Turn:
    return DIALOGUE.step(state, as_event(item, state), TODAY)


def keys(turn: Turn) -> list[str]:
    return [r.key for r in turn.replies if isinstance(r, Say)]


def last(turn: Turn) -> object:
    return turn.replies[-1]


def asked(turn: Turn) -> str | None:
    reply = turn.replies[-1] if turn.replies else None
    return reply.slot.value if isinstance(reply, Ask) else None


IDEA = "Je voudrais un jardin partagé"
# Inputs that bring a new conversation to each step it can be in.
PATHS: dict[str, tuple[Input, ...]] = {
    "new": (),
    "listening": (CommandIn(Command.START),),
    "asking_neighbourhood": (IDEA,),
    "asking_needs": (IDEA, "aux Tanneurs"),
    "asking_group": (IDEA, "aux Tanneurs", "une salle"),
    "asking_timing": (IDEA, "aux Tanneurs", "une salle", "avec des voisins"),
    "asking_consent": (IDEA, "aux Tanneurs", "une salle", "avec des voisins", "au plus vite"),
    "summary": (IDEA, "aux Tanneurs", "une salle", "avec des voisins", "au plus vite", "oui"),
}
PATHS["asking_idea"] = (*PATHS["summary"], Press(Action.EDIT, "idea"))
PATHS["asking_title"] = (*PATHS["summary"], Press(Action.EDIT, "title"))
PATHS["submitted"] = (*PATHS["summary"], Press(Action.SUBMIT, "ok"))
PATHS["idle"] = (*PATHS["asking_needs"], CommandIn(Command.CANCEL))
PATHS["confirm_forget"] = (*PATHS["asking_timing"], CommandIn(Command.FORGET))
PATHS["choosing_language"] = (*PATHS["asking_timing"], CommandIn(Command.LANGUAGE))


def reach(name: str) -> DialogueState:
    return run(PATHS[name]).state


def on_screen(turn: Turn) -> Ask | Summary | Menu | None:
    """The last message with buttons, the one a resident would tap next."""
    for reply in reversed(turn.replies):
        if isinstance(reply, Ask | Summary | Menu):
            return reply
    return None
