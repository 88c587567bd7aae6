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
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm.attributes import set_committed_value

from infra.clock import Clock
from infra.frozen import replace
from infra.i18n import pick_locale
from infra.outage import database_unavailable
from infra.uow import UnitOfWork
from knowledge.store import CatalogueCache
from routing import cases, followups, privacy, sprints
from routing.cases import StaffGroup
from routing.conversation.claim_first import LAST_SEEN_STEP, Claimed, claim_and_load
from routing.conversation.claim_last import claim_last, rows_and_later
from routing.conversation.filling import Listening, ReplyFilling
from routing.conversation.inbound import Inbound
from routing.conversation.replies import (
    Renderer,
    ServiceReply,
)
from routing.conversation.saving import TurnSaving
from routing.conversation.turn_rows import (
    insert_conversation,
    insert_resident,
    keep_message,
    mark_seen,
)
from routing.intake import (
    ButtonIn,
    CommandIn,
    Dialogue,
    DialogueState,
    Event,
    Reply,
    Say,
    Step,
    TextIn,
    Turn,
    reading_step,
    state_from_json,
)
from routing.journey import (
    Case,
    Conversation,
    Resident,
)
from routing.outbox import (
    Recipient,
    RenderContext,
    pending_rows,
    write_rows,
)
from routing.understanding import Context
from routing.understanding import Step as ReadingStep

log = logging.getLogger(__name__)
FOLLOWUP_STEPS = (Step.SUBMITTED, Step.IDLE)  # where typed words may answer a check-in


@dataclass(frozen=True)
class Outcome:
    """What a turn did. ``handled``: the update was this call's (False: a duplicate, handled
    before or elsewhere; nothing happened). ``apologised``: the turn failed on a bug, so its
    message was kept and the apology written instead of its replies (``replies`` empty); the
    update still counts as handled, never to be delivered again."""

    handled: bool
    resident_id: int | None = None
    locale: str = "fr"
    outbox_ids: tuple[int, ...] = ()
    erased: bool = False
    replies: tuple[ServiceReply, ...] = field(default=())
    apologised: bool = False


class ConversationService(TurnSaving, ReplyFilling):
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        dialogue: Dialogue,
        renderer: Renderer,
        *,
        default_locale: str,
        catalogues: CatalogueCache | None = None,
        staff_group: StaffGroup | None = None,
        followup_planner: followups.Planner,
        sprint_rules: sprints.Rules,
        listening: Listening,
    ) -> None:
        # The settings' values, from the composition root (declic.runtime): DECLIC_LOCALE, the
        # office's hours and delay (listening), the follow-up policy and the sprint rules.
        self.listening = listening
        self.uow_factory = uow_factory
        self.clock = clock
        self.dialogue = dialogue
        self.renderer = renderer
        self.default_locale = default_locale
        self.catalogues = catalogues  # None: no directory, so no suggestions
        self.staff_group = staff_group  # None: no Telegram staff group to post new cases to
        self.followups = followup_planner  # policy_of(settings): the town's hours, holidays
        self.sprint_rules = sprint_rules  # the town's time zone and holidays (rules_of)

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
            claimed = await claim_and_load(session, inbound, "failed", now)
            if claimed is None:
                return Outcome(handled=False)
            resident, conversation, _held = await self._load(uow, inbound, now, claimed)
            await keep_message(session, resident, conversation, inbound, now)
            if not inspect(conversation).persistent:  # a new resident's: stored as it is
                await insert_conversation(session, conversation, {})
            await session.flush()  # the resident's changes
            sorry = (Say("sorry_error"),)
            # the resident's register as stored (read raw: the failure may be the state's own),
            # else the town's (DECLIC_DEFAULT_REGISTER)
            stored = (conversation.state or {}).get("register")
            register = stored if isinstance(stored, str) else self.listening.default_register
            outbox = self._outbox(resident, inbound, sorry, resident.locale, now, False, register)
            ids = await write_rows(session, outbox)
            await uow.commit()
        return Outcome(
            handled=True,
            resident_id=resident.id,
            locale=resident.locale,
            outbox_ids=ids,
            apologised=True,
        )

    async def _handle(self, inbound: Inbound) -> Outcome:
        async with self.uow_factory() as uow:
            session = uow.session
            now = self.clock.now()
            claimed = await claim_last(uow, inbound, now)
            if claimed is None:
                return Outcome(handled=False)
            resident, conversation, held = await self._load(uow, inbound, now, claimed)
            state = state_from_json(conversation.state, conversation.version)
            if resident.consent_at is not None:
                state = replace(state, consented=True)
            stored_idea = conversation.idea_id  # effects point elsewhere without a flush
            message_id = claimed.message_id
            if not claimed.kept:
                message_id = await keep_message(
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
                state = await self._situation(
                    uow, resident, conversation, state, inbound.event, now
                )
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
            register = turn.state.register or self.listening.default_register
            outbox = self._outbox(resident, inbound, resolved, locale, now, erased, register)
            outbox_ids = None  # the outbox rows' ids, once written
            if not erased:
                outbox_ids = await self._save(uow, resident, conversation, state.draft,
                                              turn.state, now, stored_idea, outbox)  # fmt: skip
            # One flush for the turn's ORM changes (resident, conversation, idea), then the
            # outbox rows (unless the conversation's UPDATE wrote them), which reference
            # nothing the flush has not written.
            await uow.flush()
            if outbox_ids is None:
                outbox_ids = await rows_and_later(uow, outbox, write_rows)
            await uow.write_deferred()  # what no statement carried (a failure is the turn's)
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
        now: datetime,
    ) -> DialogueState:
        """What the dialogue must know this turn and does not store: the check-in typed words
        may answer, whether the request for a person still waits (the team may have closed it),
        and the current idea's booked sprint."""
        # A check-in may be waiting for "ça avance" typed instead of pressed.
        checkin = isinstance(event, TextIn) and state.step in FOLLOWUP_STEPS
        idea_id = conversation.idea_id
        sprint = state.step is Step.SUBMITTED and isinstance(event, TextIn | CommandIn)
        if checkin and sprint and idea_id is not None:  # both in one read
            asked, day = await followups.open_followup_and_sprint_day(
                uow.session, resident.id, idea_id, now
            )
            state = replace(state, open_followup=asked, sprint_day=day)
            return await self._waiting(uow, resident, state)
        if checkin:
            asked = await followups.open_followup(uow.session, resident.id, now)
            state = replace(state, open_followup=asked)
        state = await self._waiting(uow, resident, state)
        if sprint and idea_id is not None:
            booked = await sprints.active_sprint(uow, idea_id)
            state = replace(state, sprint_day=booked.day1 if booked is not None else None)
        return state

    async def _waiting(
        self, uow: UnitOfWork, resident: Resident, state: DialogueState
    ) -> DialogueState:
        """Whether the request for a person still waits (the team may have closed it)."""
        if state.waiting:
            case = await cases.active_case(uow, resident.id)
            state = replace(
                state,
                waiting=case is not None,
                human_since=case.opened_at if case is not None else None,
            )
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
        self, uow: UnitOfWork, inbound: Inbound, now: datetime, claimed: Claimed
    ) -> tuple[Resident, Conversation, Case | None]:
        """The resident, their conversation and the case a person holds, from the turn's read
        (``claim_and_load``).

        A new resident (or one without a conversation yet) gets fresh rows; the resident is
        inserted at once for its id, the conversation is written by the turn's single flush.
        """
        session = uow.session
        resident, conversation, held_id = claimed.row
        held = await session.get(Case, held_id) if held_id is not None else None
        if resident is None:
            resident = await insert_resident(
                session,
                {
                    "channel": inbound.channel,
                    "external_id": inbound.external_user_id,
                    "chat_id": inbound.chat_id,
                    "display_name": (inbound.first_name or "")[:128] or None,
                    "locale": pick_locale(inbound.language_code, self.default_locale),
                    "reachable": True,
                    "followups_paused": False,
                    "created_at": now,
                    "last_seen_at": now,
                },
            )
        else:
            # Assign only what changed: a resident talking in a row costs no UPDATE at all.
            if claimed.seen:  # PostgreSQL: the claim's statement wrote it
                set_committed_value(resident, "last_seen_at", now)
            elif now - resident.last_seen_at >= LAST_SEEN_STEP:
                await mark_seen(session, resident, now)
            if resident.chat_id != inbound.chat_id:
                resident.chat_id = inbound.chat_id
            if not resident.reachable:  # they had blocked the bot, and are back
                resident.reachable = True
                await followups.replan_resident(uow, resident, now, self.followups.policy)
        if conversation is None:
            # Not added to the session: the turn's write inserts it once, with the turn's
            # values (``_save``), where a flush inserted it, then the turn's UPDATE wrote it.
            conversation = Conversation(
                resident_id=resident.id, state={}, version=0, updated_at=now
            )
        return resident, conversation, held

    def _outbox(
        self,
        resident: Resident,
        inbound: Inbound,
        replies: Sequence[ServiceReply],
        locale: str,
        now: datetime,
        erased: bool,
        register: str,
    ) -> list[dict[str, Any]]:
        """The replies rendered, as the outbox rows to write (``routing.outbox.pending_rows``)."""
        drafts = self.renderer(replies, RenderContext(locale, inbound.edit_target, register))
        if not drafts:
            return []
        key = (
            f"{inbound.channel}:u{inbound.update_id}"
            if inbound.update_id is not None
            else f"{inbound.channel}:r{secrets.token_hex(8)}"
        )
        to = Recipient(inbound.channel, inbound.chat_id, None if erased else resident.id)
        return pending_rows(to, drafts, key, now, erase_after_send=erased)


def _reaches_the_bot(state: DialogueState, event: Event) -> bool:
    """While a person holds the conversation, the bot still answers commands, buttons (an
    explicit choice in its own messages: a suggestion, the /oublier or /langue menu) and the
    typed answer to a menu a command opened; everything else is for the person."""
    if isinstance(event, CommandIn | ButtonIn):
        return True
    return state.step in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE)
