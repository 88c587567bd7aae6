"""The intake dialogue as a pure function: (state, event) → (new state, replies, effects).

No aiogram, no database: the same code drives Telegram, the terminal and the tests. Replies are
decisions (``Ask(slot=...)``), turned into French or English words only by a transport.
Effects are what the service must do in the same transaction (submit, erase, open a case…).

``Dialogue`` is put together from its parts, one module each: ``asking`` (questions, summary,
menus), ``listening`` (typed words, read by the understanding layer), ``pressing`` (buttons)
and ``commands`` (commands and attachments); the vocabulary they share is in ``codes``,
``events``, ``replies``, ``effects`` and ``state``. Other packages import these names from
``routing.intake``, the package's public surface.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from infra.frozen import replace
from routing.intake import events
from routing.intake.asking import _location_button
from routing.intake.codes import Step
from routing.intake.commands import Commanding
from routing.intake.effects import SetLocale
from routing.intake.extraction import Extractor
from routing.intake.listening import Listening
from routing.intake.pressing import Pressing
from routing.intake.replies import Say
from routing.intake.state import DialogueState, Turn

# ---- the dialogue --------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialogue(Listening, Pressing, Commanding):  # each is an Asking
    extractor: Extractor
    threshold: float = 0.5  # the understander's: below it, ask rather than guess

    def step(self, state: DialogueState, event: events.Event, today: date) -> Turn:
        turn = _location_button(self._step(state, event, today))
        if state.away and Say("see_you_later") not in turn.replies:
            turn = _back(turn)
        language = _language_followed(state, event)
        if language is None:
            return turn
        return Turn(turn.state, turn.replies, (SetLocale(language), *turn.effects))

    def _step(self, state: DialogueState, event: events.Event, today: date) -> Turn:
        heard = event.understanding if isinstance(event, events.TextIn) else None
        if heard is not None and heard.formal and state.register != "vous":
            state = replace(state, register="vous")  # mirrored from now on
        if isinstance(event, events.CommandIn):
            return self._command(state, event)
        if isinstance(event, events.UnknownCommandIn):
            return self._reask(state, (Say("unknown_command"),))
        if isinstance(event, events.ButtonIn):
            return self._button(state, event, today)
        if isinstance(event, events.AttachmentIn):
            return self._attachment(state, event, today)
        if isinstance(event, events.LocationIn):
            return self._location(state, event)
        return self._text(state, event, today)


def _back(turn: Turn) -> Turn:
    """The turn after a goodbye in the middle of the questions: welcomed back (once), and the
    questions go on where they stopped."""
    replies = turn.replies
    if Say("welcome_back") not in replies:
        replies = (Say("welcome_back"), *replies)
    return Turn(replace(turn.state, away=False), replies, turn.effects)


def _language_followed(state: DialogueState, event: events.Event) -> str | None:
    """The language a resident starting an idea plainly writes in, when the bot speaks
    another and the resident never chose one: the replies follow them from this turn on."""
    if not isinstance(event, events.TextIn) or event.understanding is None:
        return None
    if state.locale_chosen or state.step not in (Step.NEW, Step.IDLE, Step.LISTENING):
        return None
    return event.understanding.written_in
