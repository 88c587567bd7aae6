"""The intake dialogue as a pure function: (state, event) → (new state, replies, effects).

No aiogram, no database: the same code drives Telegram, the terminal and the tests. Replies are
decisions (``Ask(slot=...)``), turned into French or English words only by a transport.
Effects are what the service must do in the same transaction (submit, erase, open a case…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from knowledge.text import tokens
from routing.followups.policy import answer_from_words, score_from_words
from routing.intake.draft import (
    EDITABLE,
    ELSEWHERE,
    IDEA_MAX_CHARS,
    Draft,
    Group,
    Need,
    Slot,
    Timing,
    make_title,
)
from routing.intake.extraction import Extractor


class Step(StrEnum):
    NEW = "new"
    LISTENING = "listening"
    ASKING = "asking"
    SUMMARY = "summary"
    SUBMITTED = "submitted"
    IDLE = "idle"
    CONFIRM_FORGET = "confirm_forget"
    CHOOSING_LANGUAGE = "choosing_language"


class Command(StrEnum):
    START = "start"
    HELP = "aide"
    RESTART = "recommencer"
    CANCEL = "annuler"
    STATUS = "suivi"
    HUMAN = "humain"
    MYDATA = "mesdonnees"
    FORGET = "oublier"
    LANGUAGE = "langue"
    PAUSE = "pause"  # no more follow-ups until /reprendre
    RESUME = "reprendre"


COMMAND_ALIASES: dict[str, Command] = {
    **{c.value: c for c in Command},
    "help": Command.HELP,
    "restart": Command.RESTART,
    "cancel": Command.CANCEL,
    "status": Command.STATUS,
    "human": Command.HUMAN,
    "mydata": Command.MYDATA,
    "forget": Command.FORGET,
    "language": Command.LANGUAGE,
    "lang": Command.LANGUAGE,
    "resume": Command.RESUME,
}
LOCALES = ("fr", "en")
GREETINGS = frozenset(
    {
        "bonjour",
        "salut",
        "hello",
        "hi",
        "coucou",
        "bonsoir",
        "hey",
        "yo",
        "cc",
        "slt",
        "bjr",
        "hola",
        "good",
        "morning",
        "evening",
        "re",
    }
)
# Words that go with a greeting but tell no idea yet: "Bonjour, j'ai une idée !"
PREAMBLE = frozenset(
    {
        "a",
        "tous",
        "toi",
        "vous",
        "madame",
        "monsieur",
        "declic",
        "there",
        "everyone",
        "all",
        "ca",
        "va",
        "comment",
        "allez",
        "how",
        "are",
        "you",
        "j",
        "ai",
        "une",
        "idee",
        "i",
        "have",
        "an",
        "idea",
        "merci",
        "thanks",
        "afternoon",
        "day",
    }
)
PREAMBLE_MAX_WORDS = 8
SOURCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
IN_PROGRESS = (Step.LISTENING, Step.ASKING, Step.SUMMARY)


class Action(StrEnum):
    """Button families; a button is (action, value, version)."""

    ANSWER = "a"
    EDIT = "e"
    SUBMIT = "s"
    FORGET = "f"
    LANGUAGE = "l"
    NEXT = "n"
    SUGGESTION = "g"  # value "<suggestion id>.<verdict>"; never stale (see _suggestion_button)
    SPRINT = "p"  # value "b.<idea>.<yyyymmdd>.<room>", "r.<idea>" or "c.<idea>"; never stale
    FOLLOWUP = "u"  # value "<follow-up id>.<code>" (FOLLOWUP_CODES); never stale
    STILL_HERE = "k"  # « Je suis toujours là » under the retention notice; never stale


class Verdict(StrEnum):
    """A resident's answer to one suggestion."""

    YES = "y"  # « Ça m'intéresse »
    NO = "n"  # « Pas pour moi »
    INFO = "i"  # « En savoir plus »


# A follow-up's buttons: a check-in's answers (moving, blocked, paused, realized), the sprint's
# score (1 to 5), and yes/no to sharing the realized idea's line with others.
FOLLOWUP_ANSWERS = {"m": "moving", "b": "blocked", "p": "paused", "r": "realized"}
FOLLOWUP_CODES = frozenset({*FOLLOWUP_ANSWERS, "1", "2", "3", "4", "5", "y", "n"})
FOLLOWUP_VALUE = re.compile(r"([0-9]{1,12})\.([a-z0-9])")
FOLLOWUP_TEXT_CHARS = 500
SUGGESTIONS_PER_PAGE = 3
SUGGESTION_ID = re.compile(r"[0-9]{1,12}")  # ASCII digits only: isdigit() accepts "١٧"
SPRINT_BOOK = re.compile(r"b\.([0-9]{1,12})\.([0-9]{8})\.([0-9]{1,12})")
SPRINT_IDEA = re.compile(r"([rc])\.([0-9]{1,12})")
ORDINALS = {
    "1": 1, "2": 2, "3": 3, "premier": 1, "premiere": 1, "deuxieme": 2, "second": 2,
    "seconde": 2, "troisieme": 3, "first": 1, "third": 3, "un": 1, "une": 1, "deux": 2,
    "trois": 3, "two": 2, "three": 3,
}  # fmt: skip
QUARTIER_BUTTONS = 8  # more quartiers than this are paged
QUARTIERS_PER_PAGE = 6
QUARTIER_PAGE = "page."  # a quartier button's value that shows another page
FREE_PLACE_CHARS = 64  # without a city, the resident's own words for where (column size)
ORDINAL_FILLERS = frozenset({"la", "le", "l", "option", "the", "one", "choix", "je", "prends"})


# ---- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextIn:
    text: str
    edited: bool = False
    replaces_idea: bool = False


@dataclass(frozen=True)
class ButtonIn:
    action: str
    value: str
    version: int


@dataclass(frozen=True)
class CommandIn:
    command: Command
    arg: str | None = None


@dataclass(frozen=True)
class UnknownCommandIn:
    name: str


@dataclass(frozen=True)
class LocationIn:
    """A point the resident shared: turned into a quartier at once, the point itself never kept."""

    longitude: float
    latitude: float


@dataclass(frozen=True)
class AttachmentIn:
    kind: str  # photo, document, video, sticker, voice, audio, video_note, location, contact, other
    caption: str | None = None


Event = TextIn | ButtonIn | CommandIn | UnknownCommandIn | AttachmentIn | LocationIn

# ---- replies (decisions) -------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str | None = None  # a proper name (quartier); otherwise the transport words it
    selected: bool = False


@dataclass(frozen=True)
class Say:
    key: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Understood:
    draft: Draft


@dataclass(frozen=True)
class Ask:
    slot: Slot
    options: tuple[Option, ...]
    version: int
    multi: bool = False
    refresh: bool = False
    # The quartier question: "places" when a street or a shared location can answer it
    # (the transport offers Telegram's location button), "free" when no city is configured.
    mode: str = ""


@dataclass(frozen=True)
class Summary:
    draft: Draft
    neighbourhood_name: str | None
    version: int


@dataclass(frozen=True)
class Menu:
    key: str
    action: Action
    options: tuple[Option, ...]
    version: int


@dataclass(frozen=True)
class ShowSuggestions:
    """Filled in by the service: the current idea's suggestions ``offset``… (a few at a time),
    grouped by need; ``version`` is the one the "more" button must carry."""

    offset: int
    limit: int
    version: int


@dataclass(frozen=True)
class SuggestionFeedback:
    """Filled in by the service: the answer to a suggestion button (thanks, or the details)."""

    suggestion_id: int
    verdict: Verdict


@dataclass(frozen=True)
class ShowSprintOptions:
    """Filled in by the service: the planner's options for a two-day sprint, as buttons.
    ``idea_id`` None: the conversation's current idea."""

    idea_id: int | None = None


@dataclass(frozen=True)
class BookSprint:
    """Filled in by the service: confirm an option, chosen by its button (day and room) or by
    its place in the list just shown (``index``, 1-based, re-planned)."""

    idea_id: int | None = None
    day1: date | None = None
    room_id: int | None = None
    index: int | None = None


@dataclass(frozen=True)
class CancelSprint:
    """Filled in by the service: cancel the idea's confirmed sprint."""

    idea_id: int


@dataclass(frozen=True)
class FollowUpFeedback:
    """Filled in by the service: the answer to a follow-up, acknowledged (or refused when the
    follow-up is not the resident's). ``code``: a FOLLOWUP_CODES value, or "story"/"comment"
    for the line typed after « C'est réalisé ! » or after the score."""

    followup_id: int
    code: str


@dataclass(frozen=True)
class ShowStatus:
    """Filled in by the service with the resident's ideas."""


@dataclass(frozen=True)
class SendExport:
    """Filled in by the service with a JSON document of everything kept."""


Reply = (
    Say
    | Understood
    | Ask
    | Summary
    | Menu
    | ShowStatus
    | SendExport
    | ShowSuggestions
    | SuggestionFeedback
    | ShowSprintOptions
    | BookSprint
    | CancelSprint
    | FollowUpFeedback
)

# ---- effects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitIdea:
    pass


@dataclass(frozen=True)
class StartDraft:
    pass


@dataclass(frozen=True)
class CancelDraft:
    pass


@dataclass(frozen=True)
class DiscardDraft:
    """Consent refused: the draft's words are erased, not kept."""


@dataclass(frozen=True)
class RequestHuman:
    reason: str


@dataclass(frozen=True)
class EraseResident:
    pass


@dataclass(frozen=True)
class SetLocale:
    locale: str


@dataclass(frozen=True)
class AppendNote:
    text: str


@dataclass(frozen=True)
class AnswerSuggestion:
    """Record the resident's interest (or not) in one suggestion, as a journey event."""

    suggestion_id: int
    verdict: Verdict


@dataclass(frozen=True)
class AnswerFollowUp:
    """Record the answer to a follow-up: the idea's stage, journey events, maybe a case."""

    followup_id: int
    code: str
    text: str | None = None


@dataclass(frozen=True)
class PauseFollowUps:
    paused: bool


Effect = (
    SubmitIdea
    | StartDraft
    | CancelDraft
    | DiscardDraft
    | RequestHuman
    | EraseResident
    | SetLocale
    | AppendNote
    | AnswerSuggestion
    | AnswerFollowUp
    | PauseFollowUps
)

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
    # Set by the service for this turn only (never stored): the check-in the resident was last
    # asked and has not answered, as (follow-up id, kind), so "ça avance" typed is an answer.
    open_followup: tuple[int, str] | None = None
    # Set by the service for this turn only (never stored): the resident consented before (an
    # idea submitted), so what they send may go to a person at once.
    consented: bool = False
    # A voice message came before consent: it is held, and goes to a person who can listen
    # only once the resident agrees (issue 17).
    voice_waiting: bool = False

    @property
    def may_share(self) -> bool:
        """Whether the resident agreed that what they send is kept and seen by the team."""
        return self.consented or bool(self.draft.consent)


@dataclass(frozen=True)
class Turn:
    state: DialogueState
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()


# ---- the dialogue --------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialogue:
    extractor: Extractor

    def step(self, state: DialogueState, event: Event, today: date) -> Turn:
        if isinstance(event, CommandIn):
            return self._command(state, event)
        if isinstance(event, UnknownCommandIn):
            return self._reask(state, (Say("unknown_command"),))
        if isinstance(event, ButtonIn):
            return self._button(state, event)
        if isinstance(event, AttachmentIn):
            return self._attachment(state, event, today)
        if isinstance(event, LocationIn):
            return self._location(state, event)
        return self._text(state, event, today)

    # -- asking -----------------------------------------------------------------------------

    def options(self, slot: Slot, state: DialogueState) -> tuple[Option, ...]:
        if slot is Slot.NEIGHBOURHOOD:
            return self.quartier_options(0)
        if slot is Slot.NEEDS:
            return (
                *(Option(n.value, selected=n in state.selection) for n in Need),
                Option("done"),
                Option("unsure"),
            )
        if slot is Slot.GROUP:
            return tuple(Option(g.value) for g in Group)
        if slot is Slot.TIMING:
            return tuple(Option(t.value) for t in Timing)
        if slot is Slot.CONSENT:
            return (Option("yes"), Option("no"), Option("why"))
        return ()

    def quartier_options(self, page: int) -> tuple[Option, ...]:
        """Up to 8 quartiers as buttons; more are shown a page at a time with a « more »
        button (the street or a shared location answer too). « Ailleurs » always stays."""
        quartiers = self.extractor.gazetteer.quartiers
        if len(quartiers) <= QUARTIER_BUTTONS:
            return (*(Option(q.id, q.name) for q in quartiers), Option(ELSEWHERE))
        pages = -(-len(quartiers) // QUARTIERS_PER_PAGE)
        page %= pages
        shown = quartiers[page * QUARTIERS_PER_PAGE : (page + 1) * QUARTIERS_PER_PAGE]
        following = f"{QUARTIER_PAGE}{(page + 1) % pages}"
        return (*(Option(q.id, q.name) for q in shown), Option(following), Option(ELSEWHERE))

    def _quartier_mode(self) -> str:
        city = self.extractor.gazetteer
        if not city.configured:
            return "free"
        return "places" if city.shapes or city.streets else ""

    def _ask(
        self,
        state: DialogueState,
        slot: Slot,
        lead: tuple[Reply, ...] = (),
        *,
        editing: bool = False,
        effects: tuple[Effect, ...] = (),
        keep_ticks: bool = False,
    ) -> Turn:
        selection = frozenset[Need]()
        if slot is Slot.NEEDS:
            selection = state.selection if keep_ticks else (state.draft.needs or frozenset())
        new = replace(
            state,
            step=Step.ASKING,
            pending=slot,
            editing=editing,
            selection=selection,
            version=state.version + 1,
        )
        mode = self._quartier_mode() if slot is Slot.NEIGHBOURHOOD else ""
        ask = Ask(slot, self.options(slot, new), new.version, multi=slot is Slot.NEEDS, mode=mode)
        return Turn(new, (*lead, ask), effects)

    def _summary(
        self, state: DialogueState, lead: tuple[Reply, ...] = (), effects: tuple[Effect, ...] = ()
    ) -> Turn:
        new = replace(
            state, step=Step.SUMMARY, pending=None, editing=False, version=state.version + 1
        )
        name = self.extractor.gazetteer.name(new.draft.neighbourhood)
        return Turn(new, (*lead, Summary(new.draft, name, new.version)), effects)

    def _next(
        self, state: DialogueState, lead: tuple[Reply, ...] = (), effects: tuple[Effect, ...] = ()
    ) -> Turn:
        if state.editing and state.draft.consent:
            return self._summary(state, lead, effects)
        missing = state.draft.missing()
        if missing:
            return self._ask(state, missing[0], lead, effects=effects)
        return self._summary(state, lead, effects)

    def _menu(
        self,
        state: DialogueState,
        step: Step,
        key: str,
        action: Action,
        values: tuple[str, ...],
        lead: tuple[Reply, ...] = (),
    ) -> Turn:
        keep_back = state.step in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE)
        new = replace(
            state,
            step=step,
            version=state.version + 1,
            back_step=state.back_step if keep_back else state.step,
            back_pending=state.back_pending if keep_back else state.pending,
        )
        menu = Menu(key, action, tuple(Option(v) for v in values), new.version)
        return Turn(new, (*lead, menu))

    def _after_submit_menu(self, state: DialogueState, lead: tuple[Reply, ...]) -> Turn:
        new = replace(state, version=state.version + 1, sprint_menu=False)
        return Turn(new, (*lead, _after_submit(new.version, _sprintable(new))))

    def _reask(
        self, state: DialogueState, lead: tuple[Reply, ...] = (), effects: tuple[Effect, ...] = ()
    ) -> Turn:
        """Say ``lead``, then put the current question again so the conversation goes on."""
        if state.step is Step.ASKING and state.pending is Slot.IDEA:
            new = replace(state, version=state.version + 1)
            return Turn(new, (*lead, Say("edit_idea_prompt")), effects)
        if state.step is Step.ASKING and state.pending is not None:
            return self._ask(
                state, state.pending, lead, editing=state.editing, effects=effects, keep_ticks=True
            )
        if state.step is Step.SUMMARY:
            return self._summary(state, lead, effects)
        if state.step is Step.CONFIRM_FORGET:
            turn = self._menu(
                state, Step.CONFIRM_FORGET, "forget_confirm", Action.FORGET, ("yes", "no"), lead
            )
            return Turn(turn.state, turn.replies, effects)
        if state.step is Step.CHOOSING_LANGUAGE:
            turn = self._menu(
                state, Step.CHOOSING_LANGUAGE, "language", Action.LANGUAGE, LOCALES, lead
            )
            return Turn(turn.state, turn.replies, effects)
        if state.step is Step.SUBMITTED:
            turn = self._after_submit_menu(state, lead)
            return Turn(turn.state, turn.replies, effects)
        if state.step in (Step.NEW, Step.IDLE):
            return Turn(replace(state, step=Step.LISTENING), (*lead, Say("listen")), effects)
        return Turn(state, (*lead, Say("listen")), effects)

    # -- text -------------------------------------------------------------------------------

    def _text(self, state: DialogueState, event: TextIn, today: date) -> Turn:
        text = event.text.strip()[:IDEA_MAX_CHARS]
        if not text:
            return self._reask(state, (Say("empty_message"),))
        if event.edited:
            return self._edited(state, text, event.replaces_idea, today)
        followup = self._followup_text(state, text)
        if followup is not None:
            return followup
        step = state.step
        if step in (Step.NEW, Step.IDLE, Step.LISTENING):
            if _is_greeting(text):
                lead = (Say("welcome"),) if step is Step.NEW else ()
                return Turn(replace(state, step=Step.LISTENING), (*lead, Say("listen")))
            effects: tuple[Effect, ...] = (StartDraft(),) if step is not Step.LISTENING else ()
            fresh = (
                state
                if step is Step.LISTENING
                else replace(
                    state, draft=Draft(source=state.draft.source if step is Step.NEW else None)
                )
            )
            return self._absorb_idea(fresh, text, today, effects)
        if step is Step.SUBMITTED:
            if _asks_for_more(text):
                return self._more_suggestions(state)
            choice = _ordinal(text) if state.sprint_menu else None
            if choice is not None:
                return Turn(replace(state, sprint_menu=False), (BookSprint(index=choice),))
            if _sprintable(state) and "sprint" in tokens(text):
                return self._sprint_options(state)
            turn = self._after_submit_menu(state, (Say("note_added"),))
            return Turn(turn.state, turn.replies, (AppendNote(text),))
        if step is Step.ASKING and state.pending is not None:
            return self._answer_text(state, state.pending, text, today)
        if step is Step.SUMMARY:
            yes = self.extractor.yes_no(text)
            if yes:
                return self._submit(state)
            draft = state.draft.merge(self.extractor.draft(text, today))
            draft = replace(draft, text=f"{draft.text}\n{text}"[:IDEA_MAX_CHARS])
            return self._summary(replace(state, draft=draft), (Say("added_to_idea"),))
        if step is Step.CONFIRM_FORGET:
            answer = self.extractor.yes_no(text)
            if answer is not None:
                return self._forget_answer(state, "yes" if answer else "no")
            return self._reask(state, (Say("yes_or_no"),))
        if step is Step.CHOOSING_LANGUAGE:
            locale = _locale_from_text(text)
            if locale:
                return self._set_locale(state, locale)
            return self._reask(state, (Say("choose_language"),))
        return self._reask(state)

    def _absorb_idea(
        self, state: DialogueState, text: str, today: date, effects: tuple[Effect, ...]
    ) -> Turn:
        found = self.extractor.draft(text, today)
        draft = replace(state.draft, text=text, title=make_title(text)).merge(found)
        new = replace(state, draft=draft)
        lead: tuple[Reply, ...] = (Say("idea_thanks"),)
        if any((found.neighbourhood, found.needs, found.group, found.timing)):
            lead = (*lead, Understood(draft))
        return self._next(new, lead, effects)

    def _answer_text(self, state: DialogueState, slot: Slot, text: str, today: date) -> Turn:
        draft = state.draft
        if slot is Slot.IDEA:
            found = self.extractor.draft(text, today)
            whole = _whole_idea(draft.text, text)
            draft = replace(draft, text=whole, title=make_title(text), themes=found.themes)
            return self._summary(replace(state, draft=draft), (Say("noted"),))
        if slot is Slot.CONSENT:
            if _asks_why(text):  # "oui mais pourquoi ?": explain before taking any answer
                return self._reask(state, (Say("consent_details"),))
            answer = self.extractor.yes_no(text)
            if answer is None:
                return self._reask(state, (Say("yes_or_no"),))
            return self._answer(state, Slot.CONSENT, "yes" if answer else "no")
        others = self.extractor.draft(text, today)
        if slot is Slot.NEIGHBOURHOOD:
            quartier = self.extractor.neighbourhood(text, whole_answer=True)
            if quartier is None and not self.extractor.gazetteer.configured:
                quartier = " ".join(text.split())[:FREE_PLACE_CHARS] or None  # no city: as said
            if quartier is None:
                return self._reask(state, (Say("quartier_unknown"),))
            draft = replace(draft, neighbourhood=quartier)
        elif slot is Slot.NEEDS:
            needs = self.extractor.needs_answer(text)
            if needs is None:
                return self._reask(state, (Say("needs_unknown"),))
            base = frozenset() if state.editing else state.selection
            draft = replace(draft, needs=base | needs)
        elif slot is Slot.GROUP:
            if others.group is None:
                return self._reask(state, (Say("group_unknown"),))
            draft = replace(draft, group=others.group)
        elif slot is Slot.TIMING:
            if others.timing is None and (self.extractor.yes_no(text) or "?" in text):
                return self._reask(state, (Say("timing_unknown"),))
            timing = others.timing or Timing.NO_DATE
            draft = replace(draft, timing=timing, timing_words=others.timing_words or text[:200])
        merged = draft.merge(replace(others, needs=None)) if not state.editing else draft
        return self._next(replace(state, draft=merged), (Say("noted"),))

    def _edited(self, state: DialogueState, text: str, replaces_idea: bool, today: date) -> Turn:
        if state.step not in IN_PROGRESS or not state.draft.text:
            return self._reask(state, (Say("edit_noted"),), (AppendNote(text),))
        draft = state.draft
        if replaces_idea:
            found = self.extractor.draft(text, today)
            whole = _whole_idea(draft.text, text)
            draft = replace(draft, text=whole, title=make_title(text), themes=found.themes)
        draft = draft.merge(self.extractor.draft(text, today))
        if state.pending is Slot.NEEDS and draft.needs is not None and not state.editing:
            draft = replace(draft, needs=draft.needs | state.selection)  # keep the ticks
        new = replace(state, draft=draft)
        if new.step is Step.ASKING and new.pending and new.draft.known(new.pending):
            return self._next(new, (Say("edit_noted"),))
        return self._reask(new, (Say("edit_noted"),))

    # -- buttons ----------------------------------------------------------------------------

    def _button(self, state: DialogueState, event: ButtonIn) -> Turn:
        if event.action == Action.FOLLOWUP:
            return self._followup_button(state, event.value)
        if event.action == Action.SUGGESTION:
            return self._suggestion_button(state, event.value)
        if event.action == Action.SPRINT:
            return self._sprint_button(state, event.value)
        if event.action == Action.STILL_HERE:
            # Pressing it is the message that keeps everything (the service moves
            # ``last_seen_at``); the conversation stays where it was.
            return Turn(state, (Say("retention_kept"),))
        if event.version != state.version:
            return self._reask(state, (Say("stale_button"),))
        action = event.action
        if action == Action.ANSWER and state.step is Step.ASKING and state.pending is not None:
            if state.pending is Slot.NEIGHBOURHOOD and event.value.startswith(QUARTIER_PAGE):
                page = event.value.removeprefix(QUARTIER_PAGE)
                if page.isascii() and page.isdigit() and len(page) < 4:
                    new = replace(state, version=state.version + 1)
                    options = self.quartier_options(int(page))
                    ask = Ask(Slot.NEIGHBOURHOOD, options, new.version, refresh=True, mode="places")
                    return Turn(new, (ask,))
            allowed = {o.value for o in self.options(state.pending, state)}
            if state.pending is Slot.NEIGHBOURHOOD:
                allowed |= {q.id for q in self.extractor.gazetteer.quartiers}
            if event.value in allowed:
                return self._answer(state, state.pending, event.value)
        elif action == Action.EDIT and state.step is Step.SUMMARY:
            if event.value in {s.value for s in EDITABLE}:
                slot = Slot(event.value)
                if slot is Slot.IDEA:
                    new = replace(
                        state,
                        step=Step.ASKING,
                        pending=slot,
                        editing=True,
                        version=state.version + 1,
                    )
                    return Turn(new, (Say("edit_idea_prompt"),))
                return self._ask(state, slot, editing=True)
        elif action == Action.SUBMIT and state.step is Step.SUMMARY and event.value == "ok":
            return self._submit(state)
        elif action == Action.FORGET and state.step is Step.CONFIRM_FORGET:
            if event.value in ("yes", "no"):
                return self._forget_answer(state, event.value)
        elif action == Action.LANGUAGE and state.step is Step.CHOOSING_LANGUAGE:
            if event.value in LOCALES:
                return self._set_locale(state, event.value)
        elif action == Action.NEXT and state.step is Step.SUBMITTED:
            if event.value == "new":
                new = replace(state, step=Step.LISTENING, draft=Draft(), version=state.version + 1)
                return Turn(new, (Say("listen_new"),), (StartDraft(),))
            if event.value == "human":
                return self._reask(state, (Say("human_requested"),), (RequestHuman("asked"),))
            if event.value == "more":
                return self._more_suggestions(state)
            if event.value == "sprint" and _sprintable(state):
                return self._sprint_options(state)
        return self._reask(state, (Say("button_unknown"),))

    def _sprint_options(self, state: DialogueState, idea_id: int | None = None) -> Turn:
        new = replace(state, sprint_menu=True, version=state.version + 1)
        return Turn(new, (ShowSprintOptions(idea_id),))

    def _sprint_button(self, state: DialogueState, value: str) -> Turn:
        """Sprint buttons carry their idea, dates and room, so they stay valid whatever was said
        since; the service checks the idea is the resident's and the option still free."""
        book = SPRINT_BOOK.fullmatch(value)
        if book:
            raw = book.group(2)
            try:
                day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
            except ValueError:
                return self._reask(state, (Say("button_unknown"),))
            reply = BookSprint(int(book.group(1)), day, int(book.group(3)))
            return Turn(replace(state, sprint_menu=False), (reply,))
        other = SPRINT_IDEA.fullmatch(value)
        if other is None:
            return self._reask(state, (Say("button_unknown"),))
        idea_id = int(other.group(2))
        if other.group(1) == "r":
            return self._sprint_options(state, idea_id)
        return Turn(replace(state, sprint_menu=False), (CancelSprint(idea_id),))

    def _suggestion_button(self, state: DialogueState, value: str) -> Turn:
        """Suggestion buttons stay valid whatever was said since: a resident may scroll back
        and answer an older one. The state is untouched, so the current question still holds."""
        ident, _, verdict = value.partition(".")
        if not SUGGESTION_ID.fullmatch(ident) or verdict not in {v.value for v in Verdict}:
            return self._reask(state, (Say("button_unknown"),))
        answer = Verdict(verdict)
        suggestion_id = int(ident)
        return Turn(
            state,
            (SuggestionFeedback(suggestion_id, answer),),
            (AnswerSuggestion(suggestion_id, answer),),
        )

    def _followup_button(self, state: DialogueState, value: str) -> Turn:
        """Follow-up buttons stay valid whatever was said since (a check-in may arrive in the
        middle of another conversation); the service checks the follow-up is the resident's."""
        found = FOLLOWUP_VALUE.fullmatch(value)
        if found is None or found.group(2) not in FOLLOWUP_CODES:
            return self._reask(state, (Say("button_unknown"),))
        return self._followup_answer(state, int(found.group(1)), found.group(2))

    def _followup_answer(self, state: DialogueState, followup_id: int, code: str) -> Turn:
        awaiting = state.awaiting
        if code == "r":
            awaiting = f"r.{followup_id}"
        elif code in "12345":
            awaiting = f"c.{followup_id}"
        elif code in ("y", "n"):
            awaiting = None
        new = replace(state, awaiting=awaiting, open_followup=None)
        return Turn(
            new,
            (FollowUpFeedback(followup_id, code),),
            (AnswerFollowUp(followup_id, code),),
        )

    def _followup_text(self, state: DialogueState, text: str) -> Turn | None:
        """Words typed as a follow-up answer: the awaited line, or a check-in's answer."""
        if state.awaiting and state.step not in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE):
            kind, _, ident = state.awaiting.partition(".")
            if ident.isascii() and ident.isdigit():
                code = "story" if kind == "r" else "comment"
                new = replace(state, awaiting=None)
                line = text[:FOLLOWUP_TEXT_CHARS]
                return Turn(
                    new,
                    (FollowUpFeedback(int(ident), code),),
                    (AnswerFollowUp(int(ident), code, line),),
                )
        if state.open_followup is None or state.step in IN_PROGRESS:
            return None
        if state.step in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE):
            return None
        followup_id, kind = state.open_followup
        words = tokens(text)
        if kind == "sprint_feedback":
            score = score_from_words(words)
            return self._followup_answer(state, followup_id, str(score)) if score else None
        answer = answer_from_words(words)
        if answer is None:
            return None
        code = next(c for c, a in FOLLOWUP_ANSWERS.items() if a == answer.value)
        return self._followup_answer(state, followup_id, code)

    def _more_suggestions(self, state: DialogueState) -> Turn:
        new = replace(state, shown=state.shown + SUGGESTIONS_PER_PAGE, version=state.version + 1)
        page = ShowSuggestions(new.shown, SUGGESTIONS_PER_PAGE, new.version)
        return Turn(new, (page, _after_submit(new.version, _sprintable(new))))

    def _answer(self, state: DialogueState, slot: Slot, value: str) -> Turn:
        draft = state.draft
        if slot is Slot.NEIGHBOURHOOD:
            draft = replace(draft, neighbourhood=value)
        elif slot is Slot.NEEDS:
            if value in ("done", "unsure"):
                chosen = state.selection if value == "done" else frozenset()
                return self._next(
                    replace(state, draft=replace(draft, needs=chosen)), (Say("noted"),)
                )
            need = Need(value)
            selection = state.selection ^ {need}
            new = replace(state, selection=selection, version=state.version + 1)
            ask = Ask(
                Slot.NEEDS, self.options(Slot.NEEDS, new), new.version, multi=True, refresh=True
            )
            return Turn(new, (ask,))
        elif slot is Slot.GROUP:
            draft = replace(draft, group=Group(value))
        elif slot is Slot.TIMING:
            draft = replace(draft, timing=Timing(value), timing_words=None)
        elif slot is Slot.CONSENT:
            if value == "why":
                return self._reask(state, (Say("consent_details"),))
            if value == "no":
                if not state.consented:
                    # Nothing was ever agreed: all they sent (words, photos, voice) and who
                    # they are is erased, as /oublier does; they start afresh if they come back.
                    new = DialogueState(version=state.version + 1)
                    return Turn(new, (Say("consent_refused"),), (DiscardDraft(), EraseResident()))
                new = replace(
                    state,
                    step=Step.IDLE,
                    pending=None,
                    draft=Draft(),
                    voice_waiting=False,
                    version=state.version + 1,
                )
                return Turn(new, (Say("consent_refused"),), (DiscardDraft(),))
            draft = replace(draft, consent=True)
            if state.voice_waiting:  # the held voice message now goes to a person
                new = replace(state, draft=draft, voice_waiting=False)
                return self._next(new, (Say("voice_passed_on"),), (RequestHuman("voice"),))
        return self._next(replace(state, draft=draft), (Say("noted"),))

    def _submit(self, state: DialogueState) -> Turn:
        new = replace(
            state,
            step=Step.SUBMITTED,
            pending=None,
            editing=False,
            shown=0,
            version=state.version + 1,
        )
        page = ShowSuggestions(0, SUGGESTIONS_PER_PAGE, new.version)
        menu = _after_submit(new.version, _sprintable(new))
        return Turn(new, (Say("submitted"), page, menu), (SubmitIdea(),))

    def _forget_answer(self, state: DialogueState, value: str) -> Turn:
        if value == "yes":
            return Turn(
                DialogueState(version=state.version + 1), (Say("forgotten"),), (EraseResident(),)
            )
        return self._reask(self._back(state), (Say("forget_cancelled"),))

    def _set_locale(self, state: DialogueState, locale: str) -> Turn:
        back = self._back(state) if state.step is Step.CHOOSING_LANGUAGE else state
        return self._reask(back, (Say("language_set"),), (SetLocale(locale),))

    @staticmethod
    def _back(state: DialogueState) -> DialogueState:
        return replace(
            state,
            step=state.back_step or Step.NEW,
            pending=state.back_pending,
            back_step=None,
            back_pending=None,
        )

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
            return self._reask(state, (Say("human_requested"),), (RequestHuman("asked"),))
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
            return self._reask(state, (Say("location_unknown"),))
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


def _after_submit(version: int, sprint: bool = False) -> Menu:
    """What next, once the idea is sent: a person is always one button away; an idea with
    needs can book a two-day sprint."""
    if sprint:
        return Menu(
            "after_submit", Action.NEXT, (Option("sprint"), Option("new"), Option("human")), version
        )
    return Menu("after_submit", Action.NEXT, (Option("new"), Option("human")), version)


def _sprintable(state: DialogueState) -> bool:
    return state.step is Step.SUBMITTED and bool(state.draft.needs)


def _ordinal(text: str) -> int | None:
    """ "1", "la première", "the second one" → 1, 1, 2; anything else None."""
    words = [w for w in tokens(text) if w not in ORDINAL_FILLERS]
    if len(words) != 1:
        return None
    return ORDINALS.get(words[0])


MORE_WORDS = frozenset({"autre", "encore", "plus", "suite", "piste", "more", "other", "next"})
MORE_FILLERS = frozenset({"d", "des", "de", "la", "le", "voir", "les", "please", "stp", "svp"})


def _asks_for_more(text: str) -> bool:
    """A short "d'autres ?" typed instead of pressing « Voir d'autres pistes »."""
    words = [w if w in MORE_WORDS else w.removesuffix("s") for w in tokens(text)]
    if not 0 < len(words) <= 4:
        return False
    meaningful = [w for w in words if w not in MORE_FILLERS]
    return bool(meaningful) and all(w in MORE_WORDS for w in meaningful)


def _is_greeting(text: str) -> bool:
    """Only hello (and "j'ai une idée"): nothing yet to keep as the idea."""
    words = tokens(text)
    if not 0 < len(words) <= PREAMBLE_MAX_WORDS:
        return False
    return all(w in GREETINGS or w in PREAMBLE for w in words) and (
        any(w in GREETINGS for w in words) or "idee" in words or "idea" in words
    )


def _asks_why(text: str) -> bool:
    flat = f" {' '.join(tokens(text))} "
    if " pourquoi pas " in flat or " why not " in flat:
        return False
    return "?" in text or " pourquoi " in flat or " why " in flat


def _locale_from_text(text: str) -> str | None:
    flat = " ".join(tokens(text))
    if flat in ("fr", "francais", "french", "france"):
        return "fr"
    if flat in ("en", "english", "anglais", "englais"):
        return "en"
    return None


def parse_command(text: str) -> CommandIn | UnknownCommandIn | None:
    """``/aide``, ``/start poster-tanneurs``, ``/help@DeclicBot`` → a command event."""
    if not text.startswith("/"):
        return None
    head, _, arg = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    command = COMMAND_ALIASES.get(name)
    if command is None:
        return UnknownCommandIn(name[:32])
    return CommandIn(command, arg.strip() or None)


def _whole_idea(before: str, edit: str) -> str:
    """The idea as told so far and its edit, both kept: suggestions read the whole idea
    (an edited 100-guest dinner still needs a room for 100), the title follows the edit."""
    if not before or edit.strip() in before:
        return before or edit
    return f"{before}\n{edit}"[-IDEA_MAX_CHARS:]
