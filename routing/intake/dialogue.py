"""The intake dialogue as a pure function: (state, event) → (new state, replies, effects).

No aiogram, no database: the same code drives Telegram, the terminal and the tests. Replies are
decisions (``Ask(slot=...)``), turned into French or English words only by a transport.
Effects are what the service must do in the same transaction (submit, erase, open a case…).

``Dialogue`` is put together from its parts, one module each: ``asking`` (questions, summary,
menus), ``listening`` (typed words, read by the understanding layer), ``pressing`` (buttons)
and ``commands`` (commands and attachments); the vocabulary they share is in ``codes``,
``events``, ``replies``, ``effects`` and ``state``. The names other packages import from here
are re-exported below.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from routing.intake.asking import (
    _location_button,
)
from routing.intake.codes import (
    COMMAND_ALIASES,
    SUGGESTIONS_PER_PAGE,
    Action,
    Command,
    Step,
    Verdict,
)
from routing.intake.commands import Commanding
from routing.intake.effects import (
    AnswerFollowUp,
    AnswerSuggestion,
    AppendNote,
    CancelDraft,
    DiscardDraft,
    Effect,
    EraseResident,
    PauseFollowUps,
    RequestHuman,
    SetLocale,
    StartDraft,
    SubmitIdea,
    UpdateIdea,
)
from routing.intake.events import (
    AttachmentIn,
    ButtonIn,
    CommandIn,
    Event,
    LocationIn,
    TextIn,
    UnknownCommandIn,
)
from routing.intake.extraction import Extractor
from routing.intake.listening import Listening
from routing.intake.pressing import Pressing
from routing.intake.reading import (
    INTENT_COMMANDS,
    parse_command,
    reading_step,
)
from routing.intake.replies import (
    Added,
    AnswerQuestion,
    Ask,
    BookSprint,
    CancelSprint,
    FollowUpFeedback,
    GeneralPointers,
    IdeaExamples,
    Menu,
    Option,
    Reply,
    Say,
    SendExport,
    ShowSprintOptions,
    ShowStatus,
    ShowSuggestions,
    SuggestionFeedback,
    Summary,
    Understood,
    Waiting,
)
from routing.intake.state import (
    DialogueState,
    Turn,
)

# ---- the dialogue --------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialogue(Listening, Pressing, Commanding):  # each is an Asking
    extractor: Extractor
    threshold: float = 0.5  # the understander's: below it, ask rather than guess

    def step(self, state: DialogueState, event: Event, today: date) -> Turn:
        return _location_button(self._step(state, event, today))

    def _step(self, state: DialogueState, event: Event, today: date) -> Turn:
        heard = event.understanding if isinstance(event, TextIn) else None
        if heard is not None and heard.formal and state.register != "vous":
            state = replace(state, register="vous")  # mirrored from now on
        if isinstance(event, CommandIn):
            return self._command(state, event)
        if isinstance(event, UnknownCommandIn):
            return self._reask(state, (Say("unknown_command"),))
        if isinstance(event, ButtonIn):
            return self._button(state, event, today)
        if isinstance(event, AttachmentIn):
            return self._attachment(state, event, today)
        if isinstance(event, LocationIn):
            return self._location(state, event)
        return self._text(state, event, today)


__all__ = [
    "COMMAND_ALIASES",
    "INTENT_COMMANDS",
    "SUGGESTIONS_PER_PAGE",
    "Action",
    "Added",
    "AnswerFollowUp",
    "AnswerQuestion",
    "AnswerSuggestion",
    "AppendNote",
    "Ask",
    "AttachmentIn",
    "BookSprint",
    "ButtonIn",
    "CancelDraft",
    "CancelSprint",
    "Command",
    "CommandIn",
    "Dialogue",
    "DialogueState",
    "DiscardDraft",
    "Effect",
    "EraseResident",
    "Event",
    "FollowUpFeedback",
    "GeneralPointers",
    "IdeaExamples",
    "LocationIn",
    "Menu",
    "Option",
    "PauseFollowUps",
    "Reply",
    "RequestHuman",
    "Say",
    "SendExport",
    "SetLocale",
    "ShowSprintOptions",
    "ShowStatus",
    "ShowSuggestions",
    "StartDraft",
    "Step",
    "SubmitIdea",
    "SuggestionFeedback",
    "Summary",
    "TextIn",
    "Turn",
    "Understood",
    "UnknownCommandIn",
    "UpdateIdea",
    "Verdict",
    "Waiting",
    "parse_command",
    "reading_step",
]
