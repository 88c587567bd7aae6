"""The intake dialogue as a pure function: (state, event) → (new state, replies, effects).

No aiogram, no database: the same code drives Telegram, the terminal and the tests. Replies are
decisions (``Ask(slot=...)``), turned into French or English words only by a transport.
Effects are what the service must do in the same transaction (submit, erase, open a case…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from knowledge.text import tokens
from routing.followups import answer_from_words, score_from_words
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
    short_title,
)
from routing.intake.extraction import Extractor
from routing.understanding import Intent, Understanding


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
    HELP = "h"  # the bot's own offers: a person, a clarifying choice, kinds of ideas
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
    """Words typed; ``understanding`` is what the understanding layer read in them (filled in
    by the service before the dialogue steps; None: only the slot parsers read them)."""

    text: str
    edited: bool = False
    replaces_idea: bool = False
    understanding: Understanding | None = None


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
    share: bool = False  # send Telegram's location button with it (not on screen yet)


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
    """Filled in by the service: cancel the idea's confirmed sprint (None: the current idea's)."""

    idea_id: int | None


@dataclass(frozen=True)
class FollowUpFeedback:
    """Filled in by the service: the answer to a follow-up, acknowledged (or refused when the
    follow-up is not the resident's). ``code``: a FOLLOWUP_CODES value, or "story"/"comment"
    for the line typed after « C'est réalisé ! » or after the score."""

    followup_id: int
    code: str


@dataclass(frozen=True)
class Waiting:
    """Filled in by the service: when the office will answer the request for a person
    (office hours and holidays), and, ``again``, how long it has waited so far."""

    again: bool = False


@dataclass(frozen=True)
class AnswerQuestion:
    """Filled in by the service: an answer from the process, the idea's suggestions or the
    directory; failing those, the question goes to the team as a question, and the bot says so.
    ``needs``: the needs the understanding layer read in the question (« la sale » → place)."""

    text: str
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdeaExamples:
    """Filled in by the service: a few things neighbours have started (directory initiatives),
    for a resident who has no idea yet."""


@dataclass(frozen=True)
class GeneralPointers:
    """Filled in by the service: suggestions computed for ``draft`` and never stored (consent
    was refused)."""

    draft: Draft


@dataclass(frozen=True)
class Added:
    """What was added to the idea, quoted back so the resident knows."""

    words: str


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
    | Waiting
    | AnswerQuestion
    | IdeaExamples
    | GeneralPointers
    | Added
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


@dataclass(frozen=True)
class UpdateIdea:
    """A correction typed after submission: the submitted idea's row takes the new draft."""

    draft: Draft


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
    | UpdateIdea
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
        mode = self._quartier_mode() if slot is Slot.NEIGHBOURHOOD else ""
        # The location button is sent once: a re-asked question finds it still on screen.
        share = mode == "places" and bool(self.extractor.gazetteer.shapes) and not state.sharing
        new = replace(
            state,
            step=Step.ASKING,
            pending=slot,
            editing=editing,
            selection=selection,
            version=state.version + 1,
            sharing=state.sharing or share,
        )
        multi = slot is Slot.NEEDS
        ask = Ask(slot, self.options(slot, new), new.version, multi=multi, mode=mode, share=share)
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

    def _after_submit_menu(self, state: DialogueState, lead: tuple[Reply, ...] = ()) -> Turn:
        new = replace(state, version=state.version + 1, sprint_menu=False)
        return Turn(new, (*lead, _after_submit(new.version, _sprintable(new))))

    def _reask(
        self, state: DialogueState, lead: tuple[Reply, ...] = (), effects: tuple[Effect, ...] = ()
    ) -> Turn:
        """Say ``lead``, then put the current question again so the conversation goes on
        (not while a person is awaited: then the intake questions wait too)."""
        if state.waiting and state.step not in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE):
            return Turn(state, lead or (Waiting(),), effects)
        if state.step is Step.ASKING and state.pending in (Slot.IDEA, Slot.TITLE):
            new = replace(state, version=state.version + 1)
            prompt = Say("edit_title_prompt" if state.pending is Slot.TITLE else "edit_idea_prompt")
            return Turn(new, (*lead, prompt), effects)
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
        if event.understanding is not None:
            heard = self._listen(state, text, event.understanding, today)
            if heard is not None:
                return heard
        step = state.step
        if step in (Step.NEW, Step.IDLE, Step.LISTENING):
            if _is_greeting(text):
                lead = (Say("welcome"),) if step is Step.NEW else ()
                return Turn(replace(state, step=Step.LISTENING), (*lead, Say("listen")))
            return self._start_idea(state, text, None, today)
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

    # -- listening: what the understanding layer read ----------------------------------------

    def _listen(
        self, state: DialogueState, text: str, heard: Understanding, today: date
    ) -> Turn | None:
        """Act on the intent at every step. None: the slot parsers below decide (an answer to
        the question asked, read as before)."""
        if state.step in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE):
            return None  # their menus read yes, no and language names
        sure = heard.confidence >= self.threshold
        intent = heard.intent if sure else Intent.OTHER
        if state.waiting:
            return self._while_waiting(state, intent)
        command = INTENT_COMMANDS.get(intent)
        if command is not None:
            return self._command(state, CommandIn(command))
        if intent is Intent.FRUSTRATED:
            return self._offer_human(replace(state, held_text=None), (Say("sorry_frustrated"),))
        step = state.step
        if step in (Step.NEW, Step.IDLE, Step.LISTENING):
            return self._listen_start(state, text, heard, intent, sure, today)
        if step is Step.ASKING and state.pending in ANSWERED_BY_SLOTS:
            return self._listen_answer(state, text, heard, intent, today)
        if step is Step.ASKING and state.pending is Slot.CONSENT:
            if intent is Intent.YES:
                return self._answer(state, Slot.CONSENT, "yes")
            if intent is Intent.NO:
                return self._answer(state, Slot.CONSENT, "no")
            if intent is Intent.QUESTION:
                return self._reask(state, (Say("consent_details"),))
            return None
        if step is Step.SUMMARY:
            return self._listen_summary(state, text, heard, intent)
        if step is Step.SUBMITTED:
            return self._listen_after(state, text, heard, intent, sure)
        return None

    def _while_waiting(self, state: DialogueState, intent: Intent) -> Turn:
        """A person has been asked for: no intake question, nothing becomes an idea; every
        word is kept in the transcript for the agent, and the bot says when the team answers."""
        if intent is Intent.HUMAN:
            return Turn(state, (Waiting(again=True),))
        if intent is Intent.THANKS_BYE:
            return Turn(state, (Say("goodbye_waiting"),))
        command = INTENT_COMMANDS.get(intent)
        if command is not None:
            return self._command(state, CommandIn(command))
        return Turn(state, (Say("kept_for_agent"), Waiting()))

    def _listen_start(
        self,
        state: DialogueState,
        text: str,
        heard: Understanding,
        intent: Intent,
        sure: bool,
        today: date,
    ) -> Turn | None:
        step = state.step
        if intent is Intent.GREETING:
            lead = (Say("welcome"),) if step is Step.NEW else ()
            if step is Step.IDLE:
                lead = (Say("welcome_back_new"),)
            return Turn(replace(state, step=Step.LISTENING, held_text=None), (*lead, Say("listen")))
        if intent is Intent.DONT_KNOW:
            return self._no_idea_yet(state)
        if intent is Intent.THANKS_BYE:
            return Turn(replace(state, held_text=None), (Say("goodbye"),))
        if intent is Intent.QUESTION:
            return Turn(state, (AnswerQuestion(text, heard.slots.needs), Say("listen")))
        if intent is Intent.IDEA or (sure and _substantial(text) and intent is not Intent.YES):
            return self._start_idea(state, text, heard.title, today)
        # Too short or too unsure to be an idea: ask, never file it.
        new = replace(state, held_text=text[:IDEA_MAX_CHARS], version=state.version + 1)
        menu = Menu("clarify_start", Action.HELP, (Option("idea"), Option("human"),
                    Option("examples")), new.version)  # fmt: skip
        return Turn(new, (menu,))

    def _start_idea(self, state: DialogueState, text: str, title: str | None, today: date) -> Turn:
        step = state.step
        effects: tuple[Effect, ...] = (StartDraft(),) if step is not Step.LISTENING else ()
        fresh = (
            state
            if step is Step.LISTENING
            else replace(
                state, draft=Draft(source=state.draft.source if step is Step.NEW else None)
            )
        )
        return self._absorb_idea(replace(fresh, held_text=None), text, today, effects, title)

    def _no_idea_yet(self, state: DialogueState) -> Turn:
        """No idea yet: no draft; what neighbours have started, common kinds, and a person."""
        new = replace(state, step=Step.LISTENING, held_text=None, version=state.version + 1)
        kinds = Menu(
            "idea_kinds",
            Action.HELP,
            (Option("garden"), Option("party"), Option("workshop"), Option("sport"),
             Option("solidarity"), Option("environment"), Option("human")),
            new.version,
        )  # fmt: skip
        return Turn(new, (Say("no_idea_yet"), IdeaExamples(), kinds))

    def _listen_answer(
        self, state: DialogueState, text: str, heard: Understanding, intent: Intent, today: date
    ) -> Turn | None:
        slot = state.pending
        assert slot is not None
        filled = self._fill_from(state, slot, heard, text)
        if filled is not None:
            return filled
        if intent is Intent.QUESTION:
            return self._reask(state, (AnswerQuestion(text, heard.slots.needs),))
        if intent is Intent.DONT_KNOW:
            if slot is Slot.NEEDS:
                return self._answer(state, Slot.NEEDS, "unsure")
            if slot is Slot.TIMING:
                return self._answer(state, Slot.TIMING, Timing.NO_DATE.value)
            return self._reask(
                state, (Say("quartier_unknown" if slot is Slot.NEIGHBOURHOOD else "group_unknown"),)
            )
        if intent is Intent.CORRECTION:
            corrected = _corrected(state.draft, heard)
            if corrected is not None:
                return self._reask(replace(state, draft=corrected), (Say("corrected"),))
        if intent in (Intent.GREETING, Intent.THANKS_BYE, Intent.MORE):
            return self._reask(state)
        return None

    def _fill_from(
        self, state: DialogueState, slot: Slot, heard: Understanding, text: str
    ) -> Turn | None:
        """The answer the understanding layer read in the words (« avc mes potes »)."""
        slots = heard.slots
        draft = state.draft
        if slot is Slot.NEIGHBOURHOOD and slots.neighbourhood:
            valid = {q.id for q in self.extractor.gazetteer.quartiers} | {ELSEWHERE}
            if slots.neighbourhood not in valid:
                return None
            draft = replace(draft, neighbourhood=slots.neighbourhood)
        elif slot is Slot.NEEDS and slots.needs:
            needs = frozenset(Need(n) for n in slots.needs if n in NEED_CODES)
            if not needs:
                return None
            base = frozenset() if state.editing else state.selection
            draft = replace(draft, needs=base | needs)
        elif slot is Slot.GROUP and slots.group in GROUP_CODES:
            draft = replace(draft, group=Group(slots.group))
        elif slot is Slot.TIMING and (slots.timing in TIMING_CODES or slots.date):
            timing = Timing(slots.timing) if slots.timing in TIMING_CODES else Timing.NO_DATE
            words = text.strip()[:200] if slots.date else None  # the date as they said it
            draft = replace(draft, timing=timing, timing_words=words)
        else:
            return None
        return self._next(replace(state, draft=draft), (Say("noted"),))

    def _listen_summary(
        self, state: DialogueState, text: str, heard: Understanding, intent: Intent
    ) -> Turn | None:
        if intent is Intent.YES:
            return self._submit(state)
        if intent is Intent.NO:
            return self._summary(state, (Say("what_to_fix"),))
        if intent is Intent.CORRECTION and heard.slots.corrects == "title":
            return self._edit(state, Slot.TITLE)
        if intent is Intent.CORRECTION:
            corrected = _corrected(state.draft, heard)
            if corrected is not None:
                return self._summary(replace(state, draft=corrected), (Say("corrected"),))
        if intent in (Intent.IDEA, Intent.CORRECTION, Intent.ANSWER):
            added = _new_words(state.draft.text, text)
            if added is None:
                return self._summary(state, (Say("already_there"),))
            draft = replace(state.draft, text=f"{state.draft.text}\n{added}"[:IDEA_MAX_CHARS])
            return self._summary(replace(state, draft=draft), (Added(_quote(added)),))
        if intent is Intent.QUESTION:
            return self._summary(state, (AnswerQuestion(text, heard.slots.needs),))
        return self._summary(state, (Say("summary_unclear"),))

    def _listen_after(
        self, state: DialogueState, text: str, heard: Understanding, intent: Intent, sure: bool
    ) -> Turn | None:
        """After the idea is sent: answer, close, show more, correct, or add, saying which."""
        if state.sprint_menu:
            choice = heard.slots.option or _ordinal(text)
            if choice is not None and intent in (Intent.ANSWER, Intent.OTHER, Intent.YES):
                return Turn(replace(state, sprint_menu=False), (BookSprint(index=choice),))
            if intent is Intent.NO:
                return self._after_submit_menu(state, (Say("no_sprint_booked"),))
        if intent is Intent.QUESTION:
            if _sprintable(state) and "sprint" in tokens(text) and _wants(text):
                return self._sprint_options(state)
            return self._after_submit_menu(state, (AnswerQuestion(text, heard.slots.needs),))
        if intent is Intent.THANKS_BYE:
            return Turn(replace(state, held_text=None), (Say("goodbye"),))
        if intent is Intent.MORE:
            return self._more_suggestions(state)
        if intent is Intent.GREETING:
            return self._after_submit_menu(state, (Say("welcome_back"),))
        if intent is Intent.DONT_KNOW:
            return self._offer_human(state, (Say("no_worries"),))
        if _sprintable(state) and "sprint" in tokens(text):
            return self._sprint_options(state)
        if intent is Intent.CORRECTION:
            corrected = _corrected(state.draft, heard)
            if corrected is not None:
                turn = self._after_submit_menu(
                    replace(state, draft=corrected), (Say("idea_corrected"),)
                )
                return Turn(turn.state, turn.replies, (UpdateIdea(corrected),))
        if intent in (Intent.IDEA, Intent.CORRECTION) and sure:
            return self._add_to_idea(state, text)
        if intent in (Intent.YES, Intent.NO):
            return self._after_submit_menu(state)
        new = replace(state, held_text=text[:IDEA_MAX_CHARS], version=state.version + 1)
        menu = Menu("clarify_after", Action.HELP, (Option("add"), Option("question"),
                    Option("new"), Option("human")), new.version)  # fmt: skip
        return Turn(new, (menu,))

    def _add_to_idea(self, state: DialogueState, text: str) -> Turn:
        """Only words the idea does not already hold are added, and quoted back."""
        added = _new_words(state.draft.text, text)
        if added is None:
            return self._after_submit_menu(replace(state, held_text=None), (Say("already_there"),))
        draft = replace(state.draft, text=f"{state.draft.text}\n{added}"[:IDEA_MAX_CHARS])
        new = replace(state, draft=draft, held_text=None)
        turn = self._after_submit_menu(new, (Added(_quote(added)),))
        return Turn(turn.state, turn.replies, (AppendNote(added), UpdateIdea(draft)))

    def _offer_human(self, state: DialogueState, lead: tuple[Reply, ...]) -> Turn:
        new = replace(state, version=state.version + 1)
        menu = Menu("offer_human", Action.HELP, (Option("human"), Option("continue")), new.version)
        return Turn(new, (*lead, menu))

    def _ask_human(self, state: DialogueState, lead: tuple[Reply, ...] = ()) -> Turn:
        """/humain, typed or pressed: the request goes to the team and intake questions stop
        until it is closed; asked again, the bot says it is already with the team."""
        if state.waiting:
            return Turn(state, (*lead, Waiting(again=True)))
        new = replace(state, waiting=True, held_text=None, sprint_menu=False)
        return Turn(new, (*lead, Say("human_requested"), Waiting()), (RequestHuman("asked"),))

    def _help_button(self, state: DialogueState, value: str, today: date) -> Turn:
        held = state.held_text
        state = replace(state, held_text=None)
        if value == "human":
            return self._ask_human(state)
        if value == "continue":
            return self._reask(state, (Say("lets_go_on"),))
        if value == "examples":
            return self._no_idea_yet(state)
        if value == "idea" and held and state.step in (Step.NEW, Step.IDLE, Step.LISTENING):
            return self._start_idea(state, held, None, today)
        if value == "idea" or value in IDEA_KINDS:
            new = replace(state, step=Step.LISTENING, version=state.version + 1)
            return Turn(new, (Say("tell_me_more" if value == "idea" else "kind_chosen"),))
        if state.step is Step.SUBMITTED and held:
            if value == "add":
                return self._add_to_idea(state, held)
            if value == "question":
                return self._after_submit_menu(state, (AnswerQuestion(held),))
            if value == "new":
                fresh = replace(state, step=Step.LISTENING, draft=Draft())
                return self._absorb_idea(fresh, held, today, (StartDraft(),), None)
        if value in ("sprint_cancel_yes", "sprint_cancel_no") and state.step is Step.SUBMITTED:
            if value == "sprint_cancel_yes":
                return Turn(replace(state, sprint_menu=False), (CancelSprint(None),))
            return self._after_submit_menu(state, (Say("sprint_kept"),))
        return self._reask(state, (Say("button_unknown"),))

    def _absorb_idea(
        self,
        state: DialogueState,
        text: str,
        today: date,
        effects: tuple[Effect, ...],
        title: str | None = None,
    ) -> Turn:
        found = self.extractor.draft(text, today)
        draft = replace(state.draft, text=text, title=title or make_title(text)).merge(found)
        new = replace(state, draft=draft)
        lead: tuple[Reply, ...] = (Say("idea_thanks"),)
        if any((found.neighbourhood, found.needs, found.group, found.timing)):
            lead = (*lead, Understood(draft))
        return self._next(new, lead, effects)

    def _answer_text(self, state: DialogueState, slot: Slot, text: str, today: date) -> Turn:
        draft = state.draft
        if slot is Slot.TITLE:
            draft = replace(draft, title=short_title(text))
            return self._summary(replace(state, draft=draft), (Say("noted"),))
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

    def _button(self, state: DialogueState, event: ButtonIn, today: date) -> Turn:
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
        if action == Action.HELP:
            return self._help_button(state, event.value, today)
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
                return self._edit(state, Slot(event.value))
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
                return self._ask_human(state)
            if event.value == "more":
                return self._more_suggestions(state)
            if event.value == "sprint" and _sprintable(state):
                return self._sprint_options(state)
        return self._reask(state, (Say("button_unknown"),))

    def _edit(self, state: DialogueState, slot: Slot) -> Turn:
        """A summary line to correct: its question again, or the words to type (idea, title)."""
        if slot in (Slot.IDEA, Slot.TITLE):
            new = replace(
                state, step=Step.ASKING, pending=slot, editing=True, version=state.version + 1
            )
            return Turn(
                new, (Say("edit_title_prompt" if slot is Slot.TITLE else "edit_idea_prompt"),)
            )
        return self._ask(state, slot, editing=True)

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
                # Nothing is kept, but the resident does not leave empty-handed: pointers
                # computed from the words in memory, never stored (and /humain, said).
                pointers = GeneralPointers(state.draft)
                if not state.consented:
                    # Nothing was ever agreed: all they sent (words, photos, voice) and who
                    # they are is erased, as /oublier does; they start afresh if they come back.
                    new = DialogueState(version=state.version + 1)
                    return Turn(
                        new,
                        (Say("consent_refused"), pointers),
                        (DiscardDraft(), EraseResident()),
                    )
                new = replace(
                    state,
                    step=Step.IDLE,
                    pending=None,
                    draft=Draft(),
                    voice_waiting=False,
                    version=state.version + 1,
                )
                offer = Menu("offer_human", Action.HELP, (Option("human"),), new.version)
                return Turn(
                    new,
                    (Say("consent_refused"), pointers, offer),
                    (DiscardDraft(),),
                )
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


# Intents that do what a command does, wherever they are said.
INTENT_COMMANDS = {
    Intent.HUMAN: Command.HUMAN,
    Intent.CANCEL: Command.CANCEL,
    Intent.FORGET: Command.FORGET,
    Intent.PAUSE: Command.PAUSE,
    Intent.STATUS: Command.STATUS,
    Intent.HELP: Command.HELP,
}
ANSWERED_BY_SLOTS = frozenset({Slot.NEIGHBOURHOOD, Slot.NEEDS, Slot.GROUP, Slot.TIMING})
NEED_CODES = frozenset(n.value for n in Need)
GROUP_CODES = frozenset(g.value for g in Group)
TIMING_CODES = frozenset(t.value for t in Timing)
# Common kinds of ideas offered, as buttons, to a resident who has none yet.
IDEA_KINDS = ("garden", "party", "workshop", "sport", "solidarity", "environment")
SUBSTANTIAL_WORDS = 5  # fewer words, and not surely an idea: ask what they meant
WANT_WORDS = frozenset({"reserver", "book", "veux", "want", "voudrais", "prendre", "faire"})


def _substantial(text: str) -> bool:
    return len(tokens(text)) >= SUBSTANTIAL_WORDS


def _wants(text: str) -> bool:
    return bool(WANT_WORDS & set(tokens(text)))


def _corrected(draft: Draft, heard: Understanding) -> Draft | None:
    """The draft with the field the resident corrects replaced (not merged); None when the
    words name no new value for it."""
    slots = heard.slots
    field_ = slots.corrects
    if field_ in (None, "neighbourhood") and slots.neighbourhood:
        return replace(draft, neighbourhood=slots.neighbourhood)
    if field_ in (None, "needs") and slots.needs:
        needs = frozenset(Need(n) for n in slots.needs if n in NEED_CODES)
        return replace(draft, needs=needs) if needs else None
    if field_ in (None, "group") and slots.group in GROUP_CODES:
        return replace(draft, group=Group(slots.group))
    if field_ in (None, "timing") and (slots.timing in TIMING_CODES or slots.date):
        timing = Timing(slots.timing) if slots.timing in TIMING_CODES else draft.timing
        words = slots.date.isoformat() if slots.date else None
        return replace(draft, timing=timing, timing_words=words)
    if field_ == "title" and heard.title:
        return replace(draft, title=heard.title)
    return None


def _new_words(known: str, text: str) -> str | None:
    """``text`` when it tells something the idea does not already say, else None."""
    words = [w for w in tokens(text) if len(w) > 2]
    if not words:
        return None
    have = set(tokens(known))
    fresh = [w for w in words if w not in have]
    return text.strip() if len(fresh) * 2 >= len(words) or len(fresh) >= 3 else None


QUOTE_CHARS = 120


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"


def reading_step(state: DialogueState) -> str:
    """The understanding layer's step for what the bot last asked (its ``Step`` values)."""
    if state.waiting:
        return "waiting_human"
    if state.step is Step.ASKING:
        return {
            Slot.NEIGHBOURHOOD: "quartier",
            Slot.NEEDS: "needs",
            Slot.GROUP: "group",
            Slot.TIMING: "timing",
            Slot.CONSENT: "consent",
        }.get(state.pending or Slot.IDEA, "start")
    if state.step is Step.SUMMARY:
        return "summary"
    if state.step is Step.SUBMITTED:
        if state.sprint_menu:
            return "sprint_options"
        return "sprint_booked" if state.sprint_day else "after_submit"
    if state.step is Step.CONFIRM_FORGET:
        return "consent"
    return "start"


def _location_button(turn: Turn) -> Turn:
    """Telegram's location button stays on screen until a message takes it away: the one
    placing a shared location, or else the « noted » once the quartier is answered."""
    state = turn.state
    if not state.sharing:
        return turn
    if any(isinstance(r, Say) and r.key == "location_quartier" for r in turn.replies):
        return replace(turn, state=replace(state, sharing=False))
    if state.step is Step.ASKING and state.pending is Slot.NEIGHBOURHOOD:
        return turn
    for index, reply in enumerate(turn.replies):
        if reply == Say("noted"):
            replies = (*turn.replies[:index], Say("noted_place"), *turn.replies[index + 1 :])
            return Turn(replace(state, sharing=False), replies, turn.effects)
    return turn  # left another way (a menu, /annuler): the button stays until next time


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
