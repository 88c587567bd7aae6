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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from infra.clock import Clock
from infra.i18n import pick_locale
from infra.uow import UnitOfWork
from knowledge.records import ResourceRow
from knowledge.store import CatalogueCache, resource_of
from routing import cases, privacy, sprint_conversation, suggestions
from routing.dialogue import (
    SUGGESTIONS_PER_PAGE,
    AnswerSuggestion,
    AppendNote,
    BookSprint,
    ButtonIn,
    CancelDraft,
    CancelSprint,
    CommandIn,
    Dialogue,
    DialogueState,
    DiscardDraft,
    Effect,
    EraseResident,
    Event,
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
    Turn,
    Verdict,
)
from routing.group_posts import StaffGroup
from routing.intake import Draft
from routing.journey import journey_event as _event
from routing.match_records import Suggestion as SuggestionRow
from routing.reasons import Reason
from routing.records import (
    Case,
    Conversation,
    Idea,
    InboundUpdate,
    Message,
    OutgoingMessage,
    Resident,
)
from routing.state_codec import state_from_json, state_to_json

log = logging.getLogger(__name__)
SUGGESTIONS_OFFERED = 6  # two pages of three: enough to choose, not a catalogue
REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


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
    filename: str
    content: bytes


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


ServiceReply = (
    Reply
    | StatusReport
    | ExportDocument
    | SuggestionsPage
    | SuggestionDetails
    | SuggestionAnswered
    | HeldBy
    | sprint_conversation.SprintReply
)


@dataclass(frozen=True)
class OutgoingDraft:
    """One Bot API call to make: ``sendMessage``, ``editMessageText`` or ``sendDocument``."""

    method: str
    payload: dict[str, Any]
    erase_after_send: bool = False


@dataclass(frozen=True)
class RenderContext:
    locale: str
    edit_target: int | None = None


class Renderer(Protocol):
    def __call__(
        self, replies: Sequence[ServiceReply], context: RenderContext
    ) -> list[OutgoingDraft]: ...


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
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.dialogue = dialogue
        self.renderer = renderer
        self.default_locale = default_locale
        self.catalogues = catalogues  # None: no directory, so no suggestions
        self.staff_group = staff_group  # None: no Telegram staff group to post new cases to

    async def handle(self, inbound: Inbound) -> Outcome:
        """Handle one event; if that fails, keep the message and apologise instead."""
        try:
            return await self._handle(inbound)
        except Exception:
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
            resident = await self._resident(session, inbound, now)
            conversation = await self._conversation(session, resident, now)
            self._keep_message(session, resident, conversation, inbound, now)
            rows = self._enqueue(
                session,
                resident,
                inbound,
                (Say("sorry_error"),),
                resident.locale,
                now,
                erased=False,
            )
            await session.flush()
            ids = tuple(row.id for row in rows)
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
            resident = await self._resident(session, inbound, now)
            conversation = await self._conversation(session, resident, now)
            state = state_from_json(conversation.state, conversation.version)
            message = self._keep_message(session, resident, conversation, inbound, now)
            held = await cases.held_case(uow, resident.id)
            if held is not None and not _reaches_the_bot(state, inbound.event):
                # A person holds the conversation: the words go to that person, and the bot
                # stays silent so that two voices never answer at once.
                await session.flush()
                await cases.record_resident_message(uow, held, message.id if message else None, now)
                replies: tuple[ServiceReply, ...] = ()
                turn = Turn(state, ())
            elif inbound.throttled:
                replies = (Say("slow_down"),) if inbound.throttle_notice else ()
                turn = Turn(state, ())
            else:
                turn = self.dialogue.step(state, inbound.event, now.date())
                replies = turn.replies
            erased = await self._apply(uow, resident, conversation, turn, now)
            replies = await self._resolve(uow, resident, conversation, replies)
            locale = resident.locale
            if not erased:
                await self._save(session, resident, conversation, turn.state, now)
            outbox = self._enqueue(session, resident, inbound, replies, locale, now, erased)
            await session.flush()
            outbox_ids = tuple(row.id for row in outbox)
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
            replies=replies,
        )

    # -- loading ---------------------------------------------------------------------------

    async def _resident(self, session: AsyncSession, inbound: Inbound, now: datetime) -> Resident:
        resident = await session.scalar(
            select(Resident).where(
                Resident.channel == inbound.channel,
                Resident.external_id == inbound.external_user_id,
            )
        )
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
            resident.last_seen_at = now
            resident.chat_id = inbound.chat_id
            resident.reachable = True
        return resident

    @staticmethod
    async def _conversation(
        session: AsyncSession, resident: Resident, now: datetime
    ) -> Conversation:
        conversation = await session.get(Conversation, resident.id)
        if conversation is None:
            conversation = Conversation(
                resident_id=resident.id, state={}, version=0, updated_at=now
            )
            session.add(conversation)
        return conversation

    @staticmethod
    def _keep_message(
        session: AsyncSession,
        resident: Resident,
        conversation: Conversation,
        inbound: Inbound,
        now: datetime,
    ) -> Message | None:
        """Every word and file a resident sends is kept; button presses carry no words."""
        if inbound.kind == "button":
            return None
        message = Message(
            resident_id=resident.id,
            idea_id=conversation.idea_id,
            direction="in",
            kind=inbound.kind,
            text=inbound.text,
            file_id=inbound.file_id,
            channel_message_id=inbound.channel_message_id,
            needs_human=inbound.kind in ("voice", "audio", "video_note"),
            created_at=now,
        )
        session.add(message)
        return message

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
        idea = await session.get(Idea, conversation.idea_id) if conversation.idea_id else None
        if isinstance(effect, StartDraft):
            conversation.idea_id = None
        elif isinstance(effect, CancelDraft) and idea is not None and idea.status == "draft":
            idea.status = "cancelled"
            idea.updated_at = now
            conversation.idea_id = None
        elif isinstance(effect, DiscardDraft) and idea is not None:
            await privacy.discard_idea_words(session, idea, now)
            conversation.idea_id = None
        elif isinstance(effect, SubmitIdea):
            idea = await self._sync_idea(session, resident, conversation, turn.state.draft, now)
            idea.status = "submitted"
            idea.submitted_at = now
            resident.consent_at = now
            resident.neighbourhood = turn.state.draft.neighbourhood
            session.add(_event(idea, "intake_completed", now))
            if self.catalogues is not None:
                await session.flush()
                found = await suggestions.suggest_for_idea(
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
        elif isinstance(effect, AnswerSuggestion) and effect.verdict is not Verdict.INFO:
            row = await _own_suggestion(session, resident, effect.suggestion_id)
            if row is not None:
                await suggestions.record_response(uow, row.id, effect.verdict is Verdict.YES, now)
        elif isinstance(effect, RequestHuman):
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
        elif isinstance(effect, SetLocale):
            resident.locale = effect.locale
        elif isinstance(effect, EraseResident):
            await privacy.erase_resident(session, resident, now)
            return True
        elif isinstance(effect, AppendNote):
            pass  # the words are already in the transcript, linked to the current idea
        return False

    async def _save(
        self,
        session: AsyncSession,
        resident: Resident,
        conversation: Conversation,
        state: DialogueState,
        now: datetime,
    ) -> None:
        if state.draft.text and state.step.value in ("listening", "asking", "summary"):
            await self._sync_idea(session, resident, conversation, state.draft, now)
        conversation.state = state_to_json(state)
        conversation.version = state.version
        conversation.updated_at = now

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
        idea.text = draft.text
        idea.title = draft.title
        idea.neighbourhood = draft.neighbourhood
        idea.needs = sorted(n.value for n in draft.needs or ())
        idea.themes = sorted(draft.themes)
        idea.group_type = draft.group.value if draft.group else None
        idea.timing = draft.timing.value if draft.timing else None
        idea.timing_words = draft.timing_words
        idea.source = draft.source
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
        replies: Sequence[ServiceReply],
    ) -> tuple[ServiceReply, ...]:
        """Fill in the replies that need data: ideas, suggestions, the export document."""
        session = uow.session
        out: list[ServiceReply] = []
        for reply in replies:
            if isinstance(reply, Say) and reply.key == "human_requested":
                holder = await _holder(uow, resident)
                if holder is not None:  # asked again while a person already holds it
                    out.append(HeldBy(holder))
                    continue
            if isinstance(reply, ShowSuggestions):
                if self.catalogues is not None:
                    out.append(await _page(session, conversation.idea_id, reply))
            elif isinstance(reply, SuggestionFeedback):
                out.append(await _feedback(session, resident, reply))
            elif isinstance(reply, ShowSprintOptions | BookSprint | CancelSprint):
                out.append(
                    await sprint_conversation.resolve(
                        uow,
                        resident,
                        conversation.idea_id,
                        reply,
                        self.clock.now(),
                        self.dialogue.extractor.gazetteer,
                    )
                )
            elif isinstance(reply, ShowStatus):
                out.append(await _status(uow, resident))
            elif isinstance(reply, SendExport):
                await session.flush()
                content = await privacy.export_resident(session, resident)
                out.append(ExportDocument("declic-mes-donnees.json", content))
            else:
                out.append(reply)
        return tuple(out)

    def _enqueue(
        self,
        session: AsyncSession,
        resident: Resident,
        inbound: Inbound,
        replies: Sequence[ServiceReply],
        locale: str,
        now: datetime,
        erased: bool,
    ) -> list[OutgoingMessage]:
        drafts = self.renderer(replies, RenderContext(locale, inbound.edit_target))
        key = (
            f"{inbound.channel}:u{inbound.update_id}"
            if inbound.update_id is not None
            else f"{inbound.channel}:r{secrets.token_hex(8)}"
        )
        rows = []
        for index, draft in enumerate(drafts):
            row = OutgoingMessage(
                resident_id=None if erased else resident.id,
                channel=inbound.channel,
                chat_id=inbound.chat_id,
                method=draft.method,
                payload=draft.payload,
                idempotency_key=f"{key}:{index}",
                status="pending",
                attempts=0,
                not_before=now,
                erase_after_send=draft.erase_after_send or erased,
                created_at=now,
            )
            session.add(row)
            rows.append(row)
        return rows


async def _claim_update(session: AsyncSession, inbound: Inbound, kind: str, now: datetime) -> bool:
    """Record the update first; False when it was already handled (Telegram redelivered it).

    One INSERT instead of SELECT-then-INSERT: the unique key decides, so two workers given the
    same update cannot both handle it (the second waits for the first, then sees the conflict).
    """
    session.add(
        InboundUpdate(
            channel=inbound.channel, update_id=inbound.update_id, kind=kind, received_at=now
        )
    )
    try:
        await session.flush()  # the transaction's first write: a rollback loses nothing else
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
                SuggestionRow.status != suggestions.DECLINED,
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


def _new_ref() -> str:
    return "D-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(6))
