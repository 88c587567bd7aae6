"""Use case: one resident event, handled in one transaction.

Dedup by transport update id → resident and conversation loaded → message kept in the transcript
→ pure dialogue step → effects applied → replies rendered by the transport's renderer and written
to the outbox → commit. Only the outbox sender talks to Telegram, so a crash after the commit
loses nothing and a crash before it leaves the update unconfirmed, to be handled again.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol, assert_never

from sqlalchemy import and_, bindparam, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from infra.clock import Clock
from infra.i18n import pick_locale
from infra.outage import database_unavailable
from infra.uow import UnitOfWork
from knowledge.records import ResourceRow
from knowledge.store import CatalogueCache, resource_of
from routing import cases, followups, matching, privacy, sprints
from routing.cases import StaffGroup, WorkingHours
from routing.conversation import answers
from routing.conversation import sprints as sprint_conversation
from routing.followups import FollowUp as FollowUpRow
from routing.intake import (
    SUGGESTIONS_PER_PAGE,
    Added,
    AnswerFollowUp,
    AnswerQuestion,
    AnswerSuggestion,
    AppendNote,
    Ask,
    BookSprint,
    ButtonIn,
    CancelDraft,
    CancelSprint,
    CommandIn,
    Dialogue,
    DialogueState,
    DiscardDraft,
    Draft,
    Effect,
    EraseResident,
    Event,
    FollowUpFeedback,
    GeneralPointers,
    IdeaExamples,
    Menu,
    PauseFollowUps,
    Reply,
    RequestHuman,
    Say,
    SendExport,
    SetLocale,
    ShowSprintOptions,
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
    UpdateIdea,
    Verdict,
    Waiting,
    reading_step,
    state_from_json,
    state_to_json,
)
from routing.journey import (
    Case,
    Conversation,
    Idea,
    InboundUpdate,
    Message,
    Resident,
)
from routing.journey import journey_event as _event
from routing.matching import Suggestion as SuggestionRow
from routing.outbox import Recipient, RenderContext, enqueue
from routing.outbox import Renderer as OutboxRenderer
from routing.reasons import Reason
from routing.understanding import Context, Understanding
from routing.understanding import Step as ReadingStep

log = logging.getLogger(__name__)
SUGGESTIONS_OFFERED = 6  # two pages of three: enough to choose, not a catalogue
REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
FOLLOWUP_STEPS = (Step.SUBMITTED, Step.IDLE)  # where typed words may answer a check-in
DRAFTING_STEPS = frozenset({"listening", "asking", "summary"})  # the idea row mirrors the draft
# ``residents.last_seen_at`` is kept to the minute: an UPDATE per message bought nothing.
LAST_SEEN_STEP = timedelta(minutes=1)

# -- hot-path statements -------------------------------------------------------------------
# Built once: building a select() (operator overloading, coercion) costs more CPU than running
# it from SQLAlchemy's compiled cache. Append-only rows go through Core inserts: the ORM's unit
# of work (identity map, dependency sort, per-object events) is pure overhead for a row that
# is never read back in the same turn. RETURNING gives the ids the callers need.

_LOAD_TURN = (
    select(Resident, Conversation, Case)
    .outerjoin(Conversation, Conversation.resident_id == Resident.id)
    # At most one unresolved case per resident (a partial unique index): at most one row.
    .outerjoin(Case, and_(Case.resident_id == Resident.id, Case.status.in_(cases.HELD)))
    .where(
        Resident.channel == bindparam("channel"),
        Resident.external_id == bindparam("external_id"),
    )
)
_CLAIM_UPDATE = insert(InboundUpdate.__table__)
_KEEP_MESSAGE = insert(Message.__table__)
_KEEP_MESSAGE_ID = insert(Message.__table__).returning(Message.__table__.c.id)
_IDEA_EFFECTS = (CancelDraft, DiscardDraft, RequestHuman)  # the effects that read the idea row
_MIRROR_DRAFT = update(Idea.__table__).where(Idea.__table__.c.id == bindparam("idea_id"))
_SAVE_CONVERSATION = update(Conversation.__table__).where(
    Conversation.__table__.c.resident_id == bindparam("conversation_of")
)


@dataclass(frozen=True)
class Inbound:
    """A resident's event as a transport sees it, reduced to plain values."""

    channel: str
    external_user_id: str
    chat_id: str
    event: Event
    kind: str = "text"
    text: str | None = None
    file_id: str | None = None
    first_name: str | None = None
    language_code: str | None = None
    update_id: int | None = None
    channel_message_id: int | None = None
    edit_target: int | None = None
    throttled: bool = False
    throttle_notice: bool = False


@dataclass(frozen=True)
class IdeaLine:
    ref: str
    title: str | None
    status: str
    created_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class CaseHolder:
    """The person holding the resident's request: their first name and team (DESIGN §5)."""

    first_name: str
    team: str | None


@dataclass(frozen=True)
class StatusReport:
    ideas: tuple[IdeaLine, ...]
    open_requests: int
    holder: CaseHolder | None = None


@dataclass(frozen=True)
class HeldBy:
    """Instead of "your request is noted": a person already holds it, and here is who."""

    holder: CaseHolder


@dataclass(frozen=True)
class ExportDocument:
    """``/mesdonnees``: the words first (``summary``), then the file (keys in the README)."""

    filename: str
    content: bytes
    summary: privacy.DataSummary | None = None


@dataclass(frozen=True)
class SuggestionCard:
    """One suggestion as the resident sees it; ``heading`` opens a new need group."""

    id: int
    name: str
    kind: str | None
    need: str | None
    reasons: tuple[Reason, ...]
    heading: bool = False


@dataclass(frozen=True)
class SuggestionsPage:
    cards: tuple[SuggestionCard, ...]
    first: bool  # the first page, right after submitting
    remaining: int  # not shown yet, after this page
    unmet_needs: tuple[str, ...]  # needs nothing in the directory meets (first page only)
    version: int


@dataclass(frozen=True)
class SuggestionDetails:
    card: SuggestionCard
    organization: str | None
    description: str
    address: str | None
    opening_hours: str | None
    phone: str | None
    email: str | None
    url: str | None


@dataclass(frozen=True)
class SuggestionAnswered:
    """Thanks for a yes or a no; ``name`` None when the suggestion is not (or no longer) theirs."""

    verdict: Verdict
    name: str | None


@dataclass(frozen=True)
class FollowUpAck:
    """The answer to a follow-up, acknowledged; ``ok`` False: not theirs (a forged button)."""

    followup_id: int
    code: str
    ok: bool
    case_opened: bool = False


# What a transport renders: the dialogue's words, and its requests filled in with data
# (``_resolve``). Renderers match on it exhaustively: a new kind of reply must be rendered.
ServiceReply = (
    Say
    | Understood
    | Ask
    | Summary
    | Menu
    | StatusReport
    | ExportDocument
    | SuggestionsPage
    | SuggestionDetails
    | SuggestionAnswered
    | HeldBy
    | sprint_conversation.SprintReply
    | FollowUpAck
    | followups.FollowUpPrompt
    | privacy.RetentionNotice
    | answers.WaitingNotice
    | answers.QuestionAnswer
    | answers.Examples
    | answers.Pointers
    | Added
)


class Reader(Protocol):
    """The understanding layer as the service uses it (``routing.understanding``)."""

    threshold: float

    def understand(
        self, text: str, step: ReadingStep, locale: str, context: Context
    ) -> Understanding: ...


@dataclass(frozen=True)
class Listening:
    """What listening needs besides the dialogue: the reader, the office's hours and usual
    delay (to say when a person answers), the register residents get by default."""

    reader: Reader | None = None
    hours: WorkingHours | None = None
    delay_minutes: int = 120
    default_register: str = "tu"


Renderer = OutboxRenderer[ServiceReply]  # the transport's renderer, injected


@dataclass(frozen=True)
class Outcome:
    handled: bool
    resident_id: int | None = None
    locale: str = "fr"
    outbox_ids: tuple[int, ...] = ()
    erased: bool = False
    replies: tuple[ServiceReply, ...] = field(default=())


class ConversationService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        dialogue: Dialogue,
        renderer: Renderer,
        default_locale: str = "fr",
        catalogues: CatalogueCache | None = None,
        staff_group: StaffGroup | None = None,
        followup_planner: followups.Planner | None = None,
        sprint_rules: sprints.Rules | None = None,
        listening: Listening | None = None,
    ) -> None:
        self.listening = listening or Listening()
        self.uow_factory = uow_factory
        self.clock = clock
        self.dialogue = dialogue
        self.renderer = renderer
        self.default_locale = default_locale
        self.catalogues = catalogues  # None: no directory, so no suggestions
        self.staff_group = staff_group  # None: no Telegram staff group to post new cases to
        self.followups = followup_planner or followups.Planner()
        self.sprint_rules = sprint_rules or sprints.Rules()  # the town's time zone, holidays

    async def handle(self, inbound: Inbound) -> Outcome:
        """Handle one event; if that fails, keep the message and apologise instead.

        Except when the database is unreachable (restarting, connection cut): then nothing of
        the turn was committed and the error goes up to the transport, which leaves the update
        unconfirmed (the webhook answers 503, polling fetches the batch again). Telegram
        delivers it again and the turn happens whole once the database is back: no apology,
        nothing for the resident to repeat.
        """
        try:
            return await self._handle(inbound)
        except Exception as exc:
            if database_unavailable(exc):
                log.warning(
                    "turn interrupted: the database is unavailable (%s update %s, %s); "
                    "it will be delivered again",
                    inbound.channel,
                    inbound.update_id,
                    type(exc).__name__,
                )
                raise
            log.exception(
                "turn failed (%s update %s); keeping the message",
                inbound.channel,
                inbound.update_id,
            )
            return await self._keep_and_apologise(inbound)

    async def _keep_and_apologise(self, inbound: Inbound) -> Outcome:
        async with self.uow_factory() as uow:
            session = uow.session
            now = self.clock.now()
            if inbound.update_id is not None and not await _claim_update(
                session, inbound, "failed", now
            ):
                return Outcome(handled=False)
            resident, conversation, _held = await self._load(uow, inbound, now)
            await _keep_message(session, resident, conversation, inbound, now)
            await session.flush()  # the resident's and conversation's changes
            ids = await self._enqueue(
                session,
                resident,
                inbound,
                (Say("sorry_error"),),
                resident.locale,
                now,
                erased=False,
            )
            await uow.commit()
        return Outcome(
            handled=True, resident_id=resident.id, locale=resident.locale, outbox_ids=ids
        )

    async def _handle(self, inbound: Inbound) -> Outcome:
        async with self.uow_factory() as uow:
            session = uow.session
            now = self.clock.now()
            if inbound.update_id is not None and not await _claim_update(
                session, inbound, inbound.kind, now
            ):
                return Outcome(handled=False)
            resident, conversation, held = await self._load(uow, inbound, now)
            state = state_from_json(conversation.state, conversation.version)
            if resident.consent_at is not None:
                state = replace(state, consented=True)
            message_id = await _keep_message(
                session, resident, conversation, inbound, now, want_id=held is not None
            )
            if held is not None and not _reaches_the_bot(state, inbound.event):
                # A person holds the conversation: the words go to that person, and the bot
                # stays silent so that two voices never answer at once.
                await cases.record_resident_message(uow, held, message_id, now)
                replies: tuple[Reply, ...] = ()
                turn = Turn(state, ())
            elif inbound.throttled:
                replies = (Say("slow_down"),) if inbound.throttle_notice else ()
                turn = Turn(state, ())
            else:
                if isinstance(inbound.event, TextIn) and state.step in FOLLOWUP_STEPS:
                    # A check-in may be waiting for "ça avance" typed instead of pressed.
                    asked = await followups.open_followup(session, resident.id, now)
                    state = replace(state, open_followup=asked)
                state = await self._situation(uow, resident, conversation, state, inbound.event)
                event = self._read(inbound.event, state, resident.locale, now)
                turn = self.dialogue.step(state, event, now.date())
                replies = turn.replies
            if turn.state.register is None:  # stored, so later messages speak the same way
                turn = replace(
                    turn, state=replace(turn.state, register=self.listening.default_register)
                )
            erased = await self._apply(uow, resident, conversation, turn, now)
            resolved = await self._resolve(uow, resident, conversation, replies, turn.state)
            locale = resident.locale
            if not erased:
                await self._save(session, resident, conversation, state.draft, turn.state, now)
            # One flush for the turn's ORM changes (resident, conversation, idea), then the
            # outbox rows, which reference nothing the flush has not written.
            await session.flush()
            register = turn.state.register or self.listening.default_register
            outbox_ids = await self._enqueue(
                session, resident, inbound, resolved, locale, now, erased, register
            )
            try:
                await uow.commit()
            except IntegrityError:  # the same update committed by another worker meanwhile
                return Outcome(handled=False)
        if erased and isinstance(session.bind, AsyncEngine):
            await privacy.sqlite_checkpoint(session.bind)
        return Outcome(
            handled=True,
            resident_id=None if erased else resident.id,
            locale=locale,
            outbox_ids=outbox_ids,
            erased=erased,
            replies=resolved,
        )

    # -- listening -------------------------------------------------------------------------

    async def _situation(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        state: DialogueState,
        event: Event,
    ) -> DialogueState:
        """What the dialogue must know this turn and does not store: whether the request for a
        person still waits (the team may have closed it), and the current idea's booked sprint."""
        if state.waiting:
            case = await cases.active_case(uow, resident.id)
            state = replace(
                state,
                waiting=case is not None,
                human_since=case.opened_at if case is not None else None,
            )
        if (
            state.step is Step.SUBMITTED
            and conversation.idea_id is not None
            and isinstance(event, TextIn | CommandIn)
        ):
            sprint = await sprints.active_sprint(uow, conversation.idea_id)
            state = replace(state, sprint_day=sprint.day1 if sprint is not None else None)
        return state

    def _read(self, event: Event, state: DialogueState, locale: str, now: datetime) -> Event:
        """Typed words go to the dialogue with what the understanding layer read in them."""
        reader = self.listening.reader
        if reader is None or not isinstance(event, TextIn) or event.edited:
            return event
        step = ReadingStep(reading_step(state))
        context = Context(now.date(), sprint_day=state.sprint_day)
        return replace(event, understanding=reader.understand(event.text, step, locale, context))

    # -- loading ---------------------------------------------------------------------------

    async def _load(
        self, uow: UnitOfWork, inbound: Inbound, now: datetime
    ) -> tuple[Resident, Conversation, Case | None]:
        """The resident, their conversation and the case a person holds, in one query.

        A new resident (or one without a conversation yet) gets fresh rows; the resident is
        flushed at once for its id, the conversation is written by the turn's single flush.
        """
        session = uow.session
        row = (
            await session.execute(
                _LOAD_TURN, {"channel": inbound.channel, "external_id": inbound.external_user_id}
            )
        ).first()
        resident, conversation, held = row if row is not None else (None, None, None)
        if resident is None:
            resident = Resident(
                channel=inbound.channel,
                external_id=inbound.external_user_id,
                chat_id=inbound.chat_id,
                display_name=(inbound.first_name or "")[:128] or None,
                locale=pick_locale(inbound.language_code, self.default_locale),
                reachable=True,
                followups_paused=False,
                created_at=now,
                last_seen_at=now,
            )
            session.add(resident)
            await session.flush()
        else:
            # Assign only what changed: a resident talking in a row costs no UPDATE at all.
            if now - resident.last_seen_at >= LAST_SEEN_STEP:
                resident.last_seen_at = now
            if resident.chat_id != inbound.chat_id:
                resident.chat_id = inbound.chat_id
            if not resident.reachable:  # they had blocked the bot, and are back
                resident.reachable = True
                await followups.replan_resident(uow, resident, now, self.followups.policy)
        if conversation is None:
            conversation = Conversation(
                resident_id=resident.id, state={}, version=0, updated_at=now
            )
            session.add(conversation)
        return resident, conversation, held

    # -- effects ---------------------------------------------------------------------------

    async def _apply(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        turn: Turn,
        now: datetime,
    ) -> bool:
        """Carry out the dialogue's effects; True when the resident was erased."""
        for effect in turn.effects:
            if await self._apply_one(uow, resident, conversation, turn, effect, now):
                return True
        return False

    async def _apply_one(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        turn: Turn,
        effect: Effect,
        now: datetime,
    ) -> bool:
        session = uow.session
        idea = None
        if conversation.idea_id is not None and isinstance(effect, _IDEA_EFFECTS):
            idea = await session.get(Idea, conversation.idea_id)  # only the effects that need it
        match effect:
            case StartDraft():
                conversation.idea_id = None
            case CancelDraft():
                if idea is not None and idea.status == "draft":
                    idea.status = "cancelled"
                    idea.updated_at = now
                    conversation.idea_id = None
            case DiscardDraft():
                if idea is not None:
                    await privacy.discard_idea_words(session, idea, now)
                    conversation.idea_id = None
            case SubmitIdea():
                await self._submit(uow, resident, conversation, turn, now)
            case AnswerSuggestion():
                if effect.verdict is not Verdict.INFO:
                    row = await _own_suggestion(session, resident, effect.suggestion_id)
                    if row is not None:
                        yes = effect.verdict is Verdict.YES
                        await matching.record_response(uow, row.id, yes, now)
            case RequestHuman():
                source = "resident" if effect.reason == "asked" else "dialogue"
                await session.flush()
                await cases.open_case(
                    uow,
                    resident.id,
                    idea.id if idea else None,
                    effect.reason,
                    now,
                    source,
                    staff_group=self.staff_group,
                )
                session.add(_event(idea, "handoff_requested", now, reason=effect.reason))
            case AnswerFollowUp():

                async def blocked_case(idea_id: int) -> None:
                    await cases.open_case(
                        uow, resident.id, idea_id, "blocked", now, "resident",
                        staff_group=self.staff_group,
                    )  # fmt: skip

                await followups.answer(
                    uow, resident, effect.followup_id, effect.code, effect.text, now,
                    self.followups.policy, open_case=blocked_case,
                )  # fmt: skip
            case PauseFollowUps():
                policy = self.followups.policy
                await followups.set_paused(uow, resident, effect.paused, now, policy)
            case SetLocale():
                resident.locale = effect.locale
            case EraseResident():
                await privacy.erase_resident(uow, resident, now)
                return True
            case AppendNote():
                pass  # the words are already in the transcript, linked to the current idea
            case UpdateIdea():
                if conversation.idea_id is not None:
                    submitted = await session.get(Idea, conversation.idea_id)
                    if submitted is not None and submitted.resident_id == resident.id:
                        for name, value in _mirrored(effect.draft).items():
                            setattr(submitted, name, value)
                        submitted.updated_at = now
            case _:
                assert_never(effect)
        return False

    async def _submit(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        turn: Turn,
        now: datetime,
    ) -> None:
        """The idea is submitted: its follow-ups planned, its suggestions made (or, when the
        directory has nothing for it, a person asked to look at it)."""
        session = uow.session
        idea = await self._sync_idea(session, resident, conversation, turn.state.draft, now)
        idea.status = "submitted"
        idea.submitted_at = now
        resident.consent_at = now
        resident.neighbourhood = turn.state.draft.neighbourhood
        session.add(_event(idea, "intake_completed", now))
        await self.followups.plan(uow, idea.id, now)  # the nudge and the check-ins
        if self.catalogues is not None:
            await session.flush()
            found = await matching.suggest_for_idea(
                uow, idea.id, self.catalogues, now, top=SUGGESTIONS_OFFERED
            )
            if not found.suggestions:  # nothing in the directory: a person looks at it
                await cases.open_case(
                    uow,
                    resident.id,
                    idea.id,
                    "no_match",
                    now,
                    "dialogue",
                    staff_group=self.staff_group,
                )

    async def _save(
        self,
        session: AsyncSession,
        resident: Resident,
        conversation: Conversation,
        before: Draft,
        state: DialogueState,
        now: datetime,
    ) -> None:
        """Write the dialogue state; mirror the draft into its idea row when it changed.

        A draft equal to the one loaded at the start of the turn is already in its idea row
        (``_sync_idea`` ran when it last changed), so most turns skip the idea's SELECT and
        UPDATE; a reset draft (no ``idea_id``) always gets its row.
        """
        drafting = state.draft.text and state.step.value in DRAFTING_STEPS
        if drafting and (conversation.idea_id is None or state.draft != before):
            key = identity_key(Idea, conversation.idea_id) if conversation.idea_id else None
            if key is not None and key not in session.identity_map:
                # The row exists and this turn has not loaded it: one UPDATE, no SELECT.
                values = {**_mirrored(state.draft), "updated_at": now}
                await session.execute(_MIRROR_DRAFT, {"idea_id": conversation.idea_id, **values})
            else:
                await self._sync_idea(session, resident, conversation, state.draft, now)
        saved = state_to_json(state)
        if saved == conversation.state and state.version == conversation.version:
            return  # updated_at says when the dialogue moved, not when it was read
        values = {"state": saved, "version": state.version, "updated_at": now,
                  "idea_id": conversation.idea_id}  # fmt: skip
        if not inspect(conversation).persistent:  # a new conversation: the flush inserts it
            for name, value in values.items():
                setattr(conversation, name, value)
            return
        # The turn's one write to a known row, as a Core UPDATE: the ORM's flush of a single
        # dirty object costs several times the statement. The object is told the values are
        # stored, so the flush has nothing left to write for it.
        await session.execute(
            _SAVE_CONVERSATION, {"conversation_of": conversation.resident_id, **values}
        )
        for name, value in values.items():
            set_committed_value(conversation, name, value)

    async def _sync_idea(
        self,
        session: AsyncSession,
        resident: Resident,
        conversation: Conversation,
        draft: Draft,
        now: datetime,
    ) -> Idea:
        """Mirror the draft into its idea row, creating it (and `idea_received`) on first words."""
        idea = await session.get(Idea, conversation.idea_id) if conversation.idea_id else None
        if idea is None:
            idea = Idea(
                ref=_new_ref(),
                resident_id=resident.id,
                status="draft",
                locale=resident.locale,
                created_at=now,
                updated_at=now,
                needs=[],
                themes=[],
                unmet_needs=[],
            )
            session.add(idea)
            await session.flush()
            conversation.idea_id = idea.id
            created = True
        else:
            created = False
        for name, value in _mirrored(draft).items():
            setattr(idea, name, value)
        idea.updated_at = now
        if created:
            session.add(_event(idea, "idea_received", now))
        return idea

    # -- replies ---------------------------------------------------------------------------

    async def _resolve(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        replies: Sequence[Reply],
        state: DialogueState | None = None,
    ) -> tuple[ServiceReply, ...]:
        """Fill in the replies that need data: ideas, suggestions, the export document."""
        session = uow.session
        out: list[ServiceReply] = []
        for reply in replies:
            match reply:
                case Waiting() | AnswerQuestion() | IdeaExamples() | GeneralPointers():
                    found = await self._listened(uow, resident, conversation, reply, state)
                    if found is not None:
                        out.append(found)
                case Say(key="human_requested"):
                    holder = await _holder(uow, resident)  # asked again while a person holds it
                    out.append(HeldBy(holder) if holder is not None else reply)
                case Say() | Understood() | Ask() | Summary() | Menu() | Added():
                    out.append(reply)
                case ShowSuggestions():
                    if self.catalogues is not None:
                        out.append(await _page(session, conversation.idea_id, reply))
                case SuggestionFeedback():
                    out.append(await _feedback(session, resident, reply))
                case ShowSprintOptions() | BookSprint() | CancelSprint():
                    out.append(
                        await sprint_conversation.resolve(
                            uow,
                            resident,
                            conversation.idea_id,
                            reply,
                            self.clock.now(),
                            self.dialogue.extractor.gazetteer,
                            group=self.staff_group,
                            followups=self.followups,
                            rules=self.sprint_rules,
                        )
                    )
                case FollowUpFeedback():
                    out.append(await _followup_ack(session, resident, reply))
                case ShowStatus():
                    out.append(await _status(uow, resident))
                case SendExport():
                    await session.flush()
                    content = await privacy.export_resident(session, resident)
                    summary = await privacy.summarise(session, resident)
                    out.append(ExportDocument("declic-mes-donnees.json", content, summary))
                case _:
                    assert_never(reply)
        return tuple(out)

    async def _listened(
        self,
        uow: UnitOfWork,
        resident: Resident,
        conversation: Conversation,
        reply: Waiting | AnswerQuestion | IdeaExamples | GeneralPointers,
        state: DialogueState | None,
    ) -> ServiceReply | None:
        now = self.clock.now()
        today = now.date()
        if isinstance(reply, Waiting):
            holder = await _holder(uow, resident)
            if holder is not None:
                return HeldBy(holder)
            since = state.human_since if state is not None else None
            return answers.waiting_notice(
                self.listening.hours, self.listening.delay_minutes, now, since, again=reply.again
            )
        if isinstance(reply, IdeaExamples):
            return await answers.examples(uow, self.catalogues, resident.neighbourhood)
        if isinstance(reply, GeneralPointers):
            return await answers.pointers(uow, self.catalogues, reply.draft, today)
        needs = self.dialogue.extractor.draft(reply.text, today).needs or frozenset()
        draft = state.draft if state is not None else Draft()
        answer = await answers.answer_question(
            uow,
            self.catalogues,
            conversation.idea_id if state is not None and state.step is Step.SUBMITTED else None,
            frozenset(n.value for n in needs) | frozenset(reply.needs),
            reply.text,
            draft.neighbourhood or resident.neighbourhood,
            today,
        )
        if answer.routed:
            await uow.session.flush()
            await cases.open_case(
                uow, resident.id, conversation.idea_id, "question", now, "dialogue",
                staff_group=self.staff_group,
            )  # fmt: skip
        return answer

    async def _enqueue(
        self,
        session: AsyncSession,
        resident: Resident,
        inbound: Inbound,
        replies: Sequence[ServiceReply],
        locale: str,
        now: datetime,
        erased: bool,
        register: str = "tu",
    ) -> tuple[int, ...]:
        """Render the replies and write them to the outbox (one Core INSERT); their ids."""
        drafts = self.renderer(replies, RenderContext(locale, inbound.edit_target, register))
        if not drafts:
            return ()
        key = (
            f"{inbound.channel}:u{inbound.update_id}"
            if inbound.update_id is not None
            else f"{inbound.channel}:r{secrets.token_hex(8)}"
        )
        to = Recipient(inbound.channel, inbound.chat_id, None if erased else resident.id)
        return await enqueue(session, to, drafts, key, now, erase_after_send=erased)


def _mirrored(draft: Draft) -> dict[str, Any]:
    """The idea row's columns that mirror the draft."""
    return {
        "text": draft.text,
        "title": draft.title,
        "neighbourhood": draft.neighbourhood,
        "needs": sorted(n.value for n in draft.needs or ()),
        "themes": sorted(draft.themes),
        "group_type": draft.group.value if draft.group else None,
        "timing": draft.timing.value if draft.timing else None,
        "timing_words": draft.timing_words,
        "source": draft.source,
    }


async def _keep_message(
    session: AsyncSession,
    resident: Resident,
    conversation: Conversation,
    inbound: Inbound,
    now: datetime,
    *,
    want_id: bool = False,
) -> int | None:
    """Every word and file a resident sends is kept; button presses carry no words.

    A Core INSERT (the row is not read back in the turn); its id only when ``want_id`` (a
    person holds the conversation and the case links the message).
    """
    if inbound.kind == "button":
        return None
    values = {
        "resident_id": resident.id,
        "idea_id": conversation.idea_id,
        "direction": "in",
        "kind": inbound.kind,
        "text": inbound.text,
        "file_id": inbound.file_id,
        "channel_message_id": inbound.channel_message_id,
        "needs_human": inbound.kind in ("voice", "audio", "video_note"),
        "created_at": now,
    }
    if want_id:
        return (await session.execute(_KEEP_MESSAGE_ID, values)).scalar_one()
    await session.execute(_KEEP_MESSAGE, values)
    return None


async def _claim_update(session: AsyncSession, inbound: Inbound, kind: str, now: datetime) -> bool:
    """Record the update first; False when it was already handled (Telegram redelivered it).

    One INSERT instead of SELECT-then-INSERT: the unique key decides, so two workers given the
    same update cannot both handle it (the second waits for the first, then sees the conflict).
    """
    values = {
        "channel": inbound.channel,
        "update_id": inbound.update_id,
        "kind": kind,
        "received_at": now,
    }
    try:
        # The transaction's first write (a Core INSERT): a rollback loses nothing else.
        await session.execute(_CLAIM_UPDATE, values)
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def _holder(uow: UnitOfWork, resident: Resident) -> CaseHolder | None:
    held = await cases.held_case(uow, resident.id)
    found = await cases.holder_of(uow, held) if held is not None else None
    return CaseHolder(found.first_name, found.team) if found is not None else None


def _reaches_the_bot(state: DialogueState, event: Event) -> bool:
    """While a person holds the conversation, the bot still answers commands, buttons (an
    explicit choice in its own messages: a suggestion, the /oublier or /langue menu) and the
    typed answer to a menu a command opened; everything else is for the person."""
    if isinstance(event, CommandIn | ButtonIn):
        return True
    return state.step in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE)


async def _status(uow: UnitOfWork, resident: Resident) -> StatusReport:
    session = uow.session
    ideas = (
        await session.scalars(
            select(Idea)
            .where(Idea.resident_id == resident.id, Idea.status != "discarded")
            .order_by(Idea.created_at)
        )
    ).all()
    active = (
        await session.scalars(
            select(Case.id).where(Case.resident_id == resident.id, Case.status != "resolved")
        )
    ).all()
    lines = tuple(IdeaLine(i.ref, i.title, i.status, i.created_at, i.submitted_at) for i in ideas)
    return StatusReport(lines, len(active), await _holder(uow, resident))


async def _own_suggestion(
    session: AsyncSession, resident: Resident, suggestion_id: int
) -> SuggestionRow | None:
    """The suggestion, only if it was made to one of this resident's ideas (buttons lie)."""
    return await session.scalar(
        select(SuggestionRow)
        .join(Idea, Idea.id == SuggestionRow.idea_id)
        .where(SuggestionRow.id == suggestion_id, Idea.resident_id == resident.id)
    )


def _card(row: SuggestionRow, heading: bool = False) -> SuggestionCard:
    return SuggestionCard(
        id=row.id,
        name=row.name,
        kind=row.kind,
        need=row.need,
        reasons=tuple(Reason(r["code"], r.get("params", {})) for r in row.reasons or ()),
        heading=heading,
    )


async def _page(
    session: AsyncSession, idea_id: int | None, request: ShowSuggestions
) -> SuggestionsPage:
    """A few suggestions at a time, grouped by need in the idea's order, declined ones left out."""
    idea = await session.get(Idea, idea_id) if idea_id is not None else None
    if idea is None:
        return SuggestionsPage((), request.offset == 0, 0, (), request.version)
    rows = (
        await session.scalars(
            select(SuggestionRow)
            .where(
                SuggestionRow.idea_id == idea.id,
                SuggestionRow.status != matching.DECLINED,
            )
            .order_by(SuggestionRow.rank, SuggestionRow.id)
        )
    ).all()
    ranked = _interleave_needs(rows, [*(idea.needs or []), None])
    window = ranked[request.offset : request.offset + request.limit]
    cards = []
    for index, row in enumerate(window):
        previous = window[index - 1] if index else None
        cards.append(_card(row, heading=previous is None or previous.need != row.need))
    return SuggestionsPage(
        cards=tuple(cards),
        first=request.offset == 0,
        remaining=max(0, len(ranked) - request.offset - len(window)),
        unmet_needs=tuple(idea.unmet_needs or ()) if request.offset == 0 else (),
        version=request.version,
    )


def _interleave_needs(
    rows: Sequence[SuggestionRow], order: list[str | None]
) -> list[SuggestionRow]:
    """Best of each need first, then the second best of each…, so that a resident who needs a
    room and money sees both on the first page; inside a page, suggestions stay grouped."""
    groups: dict[str | None, list[SuggestionRow]] = {}
    for row in sorted(rows, key=lambda r: (r.rank, r.id)):
        groups.setdefault(row.need, []).append(row)
    needs = sorted(groups, key=lambda n: order.index(n) if n in order else len(order))
    rounds: list[list[SuggestionRow]] = []
    for need in needs:
        for depth, row in enumerate(groups[need]):
            if depth == len(rounds):
                rounds.append([])
            rounds[depth].append(row)
    flat = [row for round_ in rounds for row in round_]
    position = {need: i for i, need in enumerate(needs)}
    pages = [flat[i : i + SUGGESTIONS_PER_PAGE] for i in range(0, len(flat), SUGGESTIONS_PER_PAGE)]
    return [row for page in pages for row in sorted(page, key=lambda r: position[r.need])]


async def _feedback(
    session: AsyncSession, resident: Resident, reply: SuggestionFeedback
) -> SuggestionDetails | SuggestionAnswered:
    row = await _own_suggestion(session, resident, reply.suggestion_id)
    if row is None:
        return SuggestionAnswered(reply.verdict, None)
    if reply.verdict is not Verdict.INFO:
        return SuggestionAnswered(reply.verdict, row.name)
    resource = None
    if row.resource_id is not None:
        stored = await session.get(ResourceRow, row.resource_id)
        resource = resource_of(stored) if stored is not None else None
    return SuggestionDetails(
        card=_card(row),
        organization=resource.organization if resource else None,
        description=resource.description if resource else "",
        address=resource.address if resource else None,
        opening_hours=resource.opening_hours if resource else None,
        phone=resource.phone if resource else None,
        email=resource.email if resource else None,
        url=resource.url if resource else None,
    )


async def _followup_ack(
    session: AsyncSession, resident: Resident, reply: FollowUpFeedback
) -> FollowUpAck:
    row = await session.get(FollowUpRow, reply.followup_id)
    ok = row is not None and row.resident_id == resident.id and row.status in ("sent", "answered")
    opened = ok and reply.code == "b"
    return FollowUpAck(reply.followup_id, reply.code, ok, case_opened=opened)


def _new_ref() -> str:
    return "D-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(6))
