"""Commands (/start, /humain, /annuler, /oublier…) and what is neither text nor a button: a
shared location, a photo, a voice message."""

from __future__ import annotations

from datetime import date

from infra.frozen import replace
from routing.intake.asking import Asking
from routing.intake.codes import (
    IN_PROGRESS,
    LOCALES,
    SOURCE_PATTERN,
    Action,
    Command,
    Step,
)
from routing.intake.draft import (
    ELSEWHERE,
    Draft,
    Slot,
)
from routing.intake.effects import (
    CancelDraft,
    Effect,
    PauseFollowUps,
    RequestHuman,
    StartDraft,
)
from routing.intake.events import (
    AttachmentIn,
    CommandIn,
    LocationIn,
    TextIn,
)
from routing.intake.extraction import Extractor
from routing.intake.reading import _locale_from_text
from routing.intake.replies import (
    Menu,
    Option,
    Reply,
    Say,
    SendExport,
    ShowStatus,
)
from routing.intake.state import (
    DialogueState,
    Turn,
)


class Commanding(Asking):
    """The part of ``Dialogue`` that handles commands and attachments; see
    ``routing.intake.dialogue``."""

    extractor: Extractor
    threshold: float

    # -- commands ---------------------------------------------------------------------------

    def _command(self, state: DialogueState, event: CommandIn) -> Turn:
        command = event.command
        if state.step in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE) and command not in (
            Command.FORGET,
            Command.LANGUAGE,
            Command.HELP,
        ):
            state = self._back(state)
        if state.awaiting:
            state = replace(state, awaiting=None)
        if command is Command.PAUSE:
            return self._reask(state, (Say("followups_paused"),), (PauseFollowUps(True),))
        if command is Command.RESUME:
            return self._reask(state, (Say("followups_resumed"),), (PauseFollowUps(False),))
        if command is Command.START:
            return self._start(state, event.arg)
        if command is Command.HELP:
            return self._reask(state, (Say("help"),))
        if command is Command.RESTART:
            effects: tuple[Effect, ...] = (StartDraft(),)
            if state.step in IN_PROGRESS and state.draft.text:
                effects = (CancelDraft(), StartDraft())
            new = replace(
                state,
                step=Step.LISTENING,
                pending=None,
                editing=False,
                draft=Draft(source=state.draft.source),
                version=state.version + 1,
            )
            return Turn(new, (Say("restarted"),), effects)
        if command is Command.CANCEL:
            if state.step is Step.SUBMITTED and state.sprint_menu:
                return self._after_submit_menu(state, (Say("no_sprint_booked"),))
            if state.step is Step.SUBMITTED and state.sprint_day is not None:
                new = replace(state, version=state.version + 1)
                menu = Menu("sprint_cancel", Action.HELP, (Option("sprint_cancel_yes"),
                            Option("sprint_cancel_no")), new.version)  # fmt: skip
                return Turn(new, (menu,))
            if state.step in IN_PROGRESS and state.draft.text:
                new = replace(
                    state,
                    step=Step.IDLE,
                    pending=None,
                    editing=False,
                    draft=Draft(),
                    version=state.version + 1,
                )
                return Turn(new, (Say("draft_cancelled"),), (CancelDraft(),))
            return self._reask(state, (Say("nothing_to_cancel"),))
        if command is Command.STATUS:
            return self._reask(state, (ShowStatus(),))
        if command is Command.HUMAN:
            return self._ask_human(state)
        if command is Command.MYDATA:
            return self._reask(state, (SendExport(),))
        if command is Command.FORGET:
            return self._menu(
                state, Step.CONFIRM_FORGET, "forget_confirm", Action.FORGET, ("yes", "no")
            )
        locale = _locale_from_text(event.arg or "")
        if locale:
            return self._set_locale(state, locale)
        return self._menu(state, Step.CHOOSING_LANGUAGE, "language", Action.LANGUAGE, LOCALES)

    def _start(self, state: DialogueState, arg: str | None) -> Turn:
        source = arg if arg and SOURCE_PATTERN.match(arg) else None
        if state.step in IN_PROGRESS:
            draft = state.draft
            if source and not draft.source:
                draft = replace(draft, source=source)
            return self._reask(replace(state, draft=draft), (Say("welcome_back"),))
        lead = (Say("welcome"),) if state.step is Step.NEW else (Say("welcome_back_new"),)
        new = replace(
            state,
            step=Step.LISTENING,
            pending=None,
            draft=Draft(source=source),
            version=state.version + 1,
        )
        effects: tuple[Effect, ...] = () if state.step is Step.NEW else (StartDraft(),)
        return Turn(new, (*lead, Say("listen")), effects)

    # -- attachments ------------------------------------------------------------------------

    def _location(self, state: DialogueState, event: LocationIn) -> Turn:
        """A shared point answers the quartier question (or corrects the quartier at any
        time); only the quartier is kept, and the resident is told so."""
        city = self.extractor.gazetteer
        found = city.locate(event.longitude, event.latitude)
        if found is None or not city.configured:
            asked = state.step is Step.ASKING and state.pending is Slot.NEIGHBOURHOOD
            # « tell me your street » only when the quartier is the question being asked
            return self._reask(
                state, (Say("location_unknown" if asked else "location_not_placed"),)
            )
        quartier = found if city.level(found) == "quartier" else ELSEWHERE
        name = city.name(found) or found
        lead = (Say("location_quartier", (("quartier", name),)),)
        if state.step is Step.ASKING and state.pending is Slot.NEIGHBOURHOOD:
            return self._answer_with(state, quartier, lead)
        if state.step in IN_PROGRESS:
            new = replace(state, draft=replace(state.draft, neighbourhood=quartier))
            return self._reask(new, lead)
        return self._reask(state, lead)

    def _answer_with(self, state: DialogueState, quartier: str, lead: tuple[Reply, ...]) -> Turn:
        turn = self._answer(state, Slot.NEIGHBOURHOOD, quartier)
        return Turn(turn.state, (*lead, *turn.replies), turn.effects)

    def _attachment(self, state: DialogueState, event: AttachmentIn, today: date) -> Turn:
        kind = event.kind
        if kind in ("voice", "audio", "video_note"):
            if state.may_share:
                return self._reask(state, (Say("voice_kept"),), (RequestHuman("voice"),))
            # Before consent: held, not passed on; the resident is told it will be once they agree.
            return self._reask(replace(state, voice_waiting=True), (Say("voice_held"),))
        if kind in ("photo", "document", "video", "animation"):
            if event.caption and event.caption.strip():
                turn = self._text(state, TextIn(event.caption), today)
                return Turn(turn.state, (Say("file_kept"), *turn.replies), turn.effects)
            return self._reask(state, (Say("file_kept"),))
        if kind == "sticker":
            return self._reask(state, (Say("sticker"),))
        if kind == "location":
            return self._reask(state, (Say("location"),))
        if kind == "contact":
            return self._reask(state, (Say("contact_not_kept"),))
        return self._reask(state, (Say("unsupported"),))


# Intents that do what a command does, wherever they are said.
