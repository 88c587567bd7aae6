"""Where a resident is in the dialogue (``DialogueState``) and what one turn decides
(``Turn``: the new state, the replies, the effects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from routing.intake.codes import Step
from routing.intake.draft import (
    Draft,
    Need,
    Slot,
)
from routing.intake.effects import Effect
from routing.intake.replies import Reply

# ---- state ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DialogueState:
    step: Step = Step.NEW
    pending: Slot | None = None
    editing: bool = False
    draft: Draft = field(default_factory=Draft)
    selection: frozenset[Need] = frozenset()
    version: int = 0
    back_step: Step | None = None
    back_pending: Slot | None = None
    shown: int = 0  # suggestions of the submitted idea already shown
    sprint_menu: bool = False  # sprint options were just shown: "la première" picks one
    # After « C'est réalisé ! » ("r.<id>") or a sprint score ("c.<id>"): the next words typed
    # are the line to tell others, or the comment.
    awaiting: str | None = None
    register: str | None = None  # "vous" once the resident wrote formally; None: the default
    waiting: bool = False  # asked for a person; until the team closes it, no intake questions
    held_text: str | None = None  # words the bot asked about (not sure what they meant)
    # Set by the service for this turn only (never stored): the check-in the resident was last
    # asked and has not answered, as (follow-up id, kind), so "ça avance" typed is an answer;
    # since when the request for a person waits; the booked sprint's first day.
    open_followup: tuple[int, str] | None = None
    human_since: datetime | None = None
    sprint_day: date | None = None
    # Set by the service for this turn only (never stored): the resident consented before (an
    # idea submitted), so what they send may go to a person at once.
    consented: bool = False
    # A voice message came before consent: it is held, and goes to a person who can listen
    # only once the resident agrees (issue 17).
    voice_waiting: bool = False
    sharing: bool = False  # Telegram's location button is on the resident's screen
    # The resident chose a language (/langue, its buttons): the bot no longer follows the
    # language they write in.
    locale_chosen: bool = False
    # Said goodbye in the middle of the questions: the next message is welcomed back.
    away: bool = False

    @property
    def may_share(self) -> bool:
        """Whether the resident agreed that what they send is kept and seen by the team."""
        return self.consented or bool(self.draft.consent)


@dataclass(frozen=True)
class Turn:
    state: DialogueState
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()
