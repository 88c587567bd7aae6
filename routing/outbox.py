"""Use case: drain the outbox. Every message to a resident is a row first, then a delivery.

The transport supplies ``deliver`` (Telegram, terminal…) which reports one of three outcomes;
this module decides what the row becomes:

- rows are claimed (``claimed``, with ``claimed_by`` and ``claimed_at``) with ``SELECT … FOR
  UPDATE SKIP LOCKED`` on PostgreSQL (a conditional ``UPDATE`` on SQLite), so several senders
  (the bot, ``declic scheduler``) never take the same row; a chat whose earlier row is claimed
  elsewhere, or must wait, is not taken, so the rows of one chat go out in order;
- just before the Bot API call a row becomes ``sending`` (committed). A crash then leaves the
  fate unknown: once its claim is older than the lease, the row is sent again and marked
  ``uncertain`` (a duplicate is possible only there, and it is recorded). A crash while merely
  ``claimed`` sends nothing twice: the row goes back to ``pending`` as it was;
- Telegram's limits are kept by a :class:`~routing.rate_limit.RateLimiter` (30/s overall, 1/s
  per chat with a short burst, 20/min per group); chats are served concurrently;
- 429: wait ``retry_after`` and retry (not counted as a failed attempt); 5xx and timeouts:
  exponential backoff with jitter, at most ``max_attempts`` attempts, then ``failed`` with the
  reason; 403 (blocked): ``failed``, the resident unreachable and their follow-ups cancelled;
  other 400s: ``failed`` with the reason.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from infra.clock import Clock
from infra.uow import UnitOfWork
from routing import followups
from routing.rate_limit import RateLimiter
from routing.records import OutgoingMessage

log = logging.getLogger(__name__)
BATCH = 50
MAX_ATTEMPTS = 8
MAX_RATE_LIMITED = 50  # 429s in a row before a row is given up (Telegram never asks for more)
CONCURRENCY = 16
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0


@dataclass(frozen=True)
class Delivered:
    message_id: int | None


@dataclass(frozen=True)
class RetryLater:
    """Try again: after ``after_seconds`` (a 429's ``retry_after``), or, with ``backoff``,
    after an exponential backoff with jitter that the sender computes from the attempts."""

    after_seconds: float
    reason: str
    backoff: bool = False


@dataclass(frozen=True)
class Failed:
    reason: str
    unreachable: bool = False


DeliveryResult = Delivered | RetryLater | Failed
Deliver = Callable[[OutgoingMessage], Awaitable[DeliveryResult]]


def backoff_seconds(attempts: int, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: between half and all of base·2^(attempts-1), capped."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return ceiling * (0.5 + 0.5 * rand())


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


class OutboxSender:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        deliver: Deliver,
        channel: str,
        idle_seconds: float = 0.5,
        *,
        limiter: RateLimiter | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        lease_seconds: float = 60.0,
        pause_after_claim: float = 0.0,
        worker: str | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.deliver = deliver
        self.channel = channel
        self.idle_seconds = idle_seconds
        self.limiter = limiter or RateLimiter()
        self.max_attempts = max_attempts
        self.lease = timedelta(seconds=lease_seconds)
        self.pause_after_claim = pause_after_claim  # test only: a crash test kills us here
        self.worker = worker or worker_name()
        self.sleep = sleep
        self.concurrency = concurrency
        self._wake = asyncio.Event()
        self._claims = 0
        self._rate_limited: dict[int, int] = {}  # 429s per row, in this process

    def wake(self) -> None:
        self._wake.set()

    async def recover(self) -> int:
        """Rows whose claim outlived the lease (their sender crashed): a row merely claimed goes
        back as it was; a row left 'sending' may or may not have left, so it is sent again and
        marked uncertain. Returns how many rows were taken back."""
        expired = self.clock.now() - self.lease
        stale = or_(OutgoingMessage.claimed_at.is_(None), OutgoingMessage.claimed_at < expired)
        mine = OutgoingMessage.channel == self.channel
        async with self.uow_factory() as uow:
            uncertain = await uow.session.execute(
                update(OutgoingMessage)
                .where(mine, OutgoingMessage.status == "sending", stale)
                .values(
                    status="pending",
                    uncertain=True,
                    claimed_at=None,
                    claimed_by=None,
                    last_error="uncertain: interrupted while sending",
                )
                .execution_options(synchronize_session=False)
            )
            released = await uow.session.execute(
                update(OutgoingMessage)
                .where(mine, OutgoingMessage.status == "claimed", stale)
                .values(status="pending", claimed_at=None, claimed_by=None)
                .execution_options(synchronize_session=False)
            )
            await uow.commit()
        count_uncertain = uncertain.rowcount or 0  # type: ignore[attr-defined]
        if count_uncertain:
            log.warning("outbox: %s row(s) interrupted while sending, sent again", count_uncertain)
        return count_uncertain + (released.rowcount or 0)  # type: ignore[attr-defined]

    async def flush(self) -> int:
        """Send every due row once; returns how many were delivered."""
        delivered = 0
        while True:
            rows = await self._claim()
            if not rows:
                return delivered
            if self.pause_after_claim:
                await asyncio.sleep(self.pause_after_claim)
            chats: dict[str | None, list[int]] = {}
            for row_id, chat_id in rows:
                chats.setdefault(chat_id, []).append(row_id)
            gate = asyncio.Semaphore(self.concurrency)
            results = await asyncio.gather(
                *(self._chat(chat_id, ids, gate) for chat_id, ids in chats.items())
            )
            delivered += sum(results)
            if len(rows) < BATCH:
                return delivered

    async def run(self, stop: asyncio.Event) -> None:
        """Drain whenever woken, and at least every ``idle_seconds``, until ``stop`` is set."""
        await self.recover()
        rounds = 0
        while not stop.is_set():
            try:
                rounds += 1
                if rounds % 20 == 0:  # a crashed sibling's rows come back once its lease ends
                    await self.recover()
                await self.flush()
            except Exception:  # a broken database or network must not kill the sender
                log.exception("outbox flush failed; retrying")
            self._wake.clear()
            waiters = {asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())}
            _, pending = await asyncio.wait(
                waiters, timeout=self.idle_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending | waiters:
                task.cancel()

    # -- claiming ------------------------------------------------------------------------------

    async def _claim(self) -> list[tuple[int, str | None]]:
        now = self.clock.now()
        self._claims += 1
        token = f"{self.worker}#{self._claims}"[:64]
        earlier = aliased(OutgoingMessage)
        held_back = exists().where(
            earlier.channel == OutgoingMessage.channel,
            earlier.chat_id == OutgoingMessage.chat_id,
            earlier.id < OutgoingMessage.id,
            or_(
                earlier.status.in_(("claimed", "sending")),
                and_(earlier.status == "pending", earlier.not_before > now),
            ),
        )
        due = (
            select(OutgoingMessage.id)
            .where(
                OutgoingMessage.status == "pending",
                OutgoingMessage.channel == self.channel,
                OutgoingMessage.not_before <= now,
                ~held_back,
            )
            .order_by(OutgoingMessage.id)
            .limit(BATCH)
        )
        async with self.uow_factory() as uow:
            session = uow.session
            if uow.dialect == "postgresql":
                due = due.with_for_update(skip_locked=True, of=OutgoingMessage)
            ids = list((await session.scalars(due)).all())
            if not ids:
                return []
            await session.execute(
                update(OutgoingMessage)
                .where(OutgoingMessage.id.in_(ids), OutgoingMessage.status == "pending")
                .values(status="claimed", claimed_at=now, claimed_by=token)
                .execution_options(synchronize_session=False)
            )
            claimed = (
                await session.execute(
                    select(OutgoingMessage.id, OutgoingMessage.chat_id)
                    .where(OutgoingMessage.id.in_(ids), OutgoingMessage.claimed_by == token)
                    .order_by(OutgoingMessage.id)
                )
            ).all()
            await uow.commit()
        return [(row_id, chat_id) for row_id, chat_id in claimed]

    async def _release(self, ids: list[int]) -> None:
        if not ids:
            return
        async with self.uow_factory() as uow:
            await uow.session.execute(
                update(OutgoingMessage)
                .where(OutgoingMessage.id.in_(ids), OutgoingMessage.status == "claimed")
                .values(status="pending", claimed_at=None, claimed_by=None)
                .execution_options(synchronize_session=False)
            )
            await uow.commit()

    # -- sending -------------------------------------------------------------------------------

    async def _chat(self, chat_id: str | None, ids: list[int], gate: asyncio.Semaphore) -> int:
        """One chat's rows, in order; a row that must wait holds back the ones after it."""
        delivered = 0
        for index, row_id in enumerate(ids):
            wait = self.limiter.reserve_chat(chat_id)
            if wait > 0:
                await self.sleep(wait)
            wait = self.limiter.reserve_overall()
            if wait > 0:
                await self.sleep(wait)
            async with gate:
                outcome = await self._send_one(row_id)
            if isinstance(outcome, Delivered):
                delivered += 1
            elif isinstance(outcome, RetryLater):
                await self._release(ids[index + 1 :])
                break
        return delivered

    async def _send_one(self, row_id: int) -> DeliveryResult | None:
        async with self.uow_factory() as uow:
            row = await uow.session.get(OutgoingMessage, row_id)
            if row is None or row.status != "claimed":
                return None
            row.status = "sending"
            row.attempts += 1
            row.claimed_at = self.clock.now()
            await uow.commit()
        try:
            outcome = await self.deliver(row)
        except Exception as exc:  # unknown failure: the message may or may not have left
            log.exception("delivery of outbox row %s raised", row_id)
            outcome = RetryLater(0.0, f"error: {type(exc).__name__}", backoff=True)
        if isinstance(outcome, RetryLater) and not outcome.backoff:
            self.limiter.hold_chat(row.chat_id, outcome.after_seconds)
        await self._record(row_id, outcome)
        return outcome

    async def _record(self, row_id: int, outcome: DeliveryResult) -> None:
        now = self.clock.now()
        async with self.uow_factory() as uow:
            row = await uow.session.get(OutgoingMessage, row_id)
            if row is None:
                return
            row.claimed_at = None
            row.claimed_by = None
            if isinstance(outcome, Delivered):
                row.status = "sent"
                row.sent_at = now
                row.channel_message_id = outcome.message_id
                if row.erase_after_send:
                    row.payload = {}
                    row.chat_id = None
            elif isinstance(outcome, RetryLater) and self._may_retry(row, outcome):
                row.status = "pending"
                if outcome.backoff:
                    row.not_before = now + timedelta(seconds=backoff_seconds(row.attempts))
                else:
                    row.attempts -= 1  # Telegram asked us to slow down: not a failed attempt
                    row.not_before = now + timedelta(seconds=outcome.after_seconds)
                row.last_error = _keep_uncertainty(row, outcome.reason)
            else:
                row.status = "failed"
                reason = getattr(outcome, "reason", "")
                if isinstance(outcome, RetryLater):
                    reason = f"gave up after {row.attempts} attempts: {reason}"
                row.last_error = _keep_uncertainty(row, reason)
                if isinstance(outcome, Failed) and outcome.unreachable and row.resident_id:
                    await followups.resident_blocked(uow.session, row.resident_id, now)
            await uow.commit()

    def _may_retry(self, row: OutgoingMessage, outcome: RetryLater) -> bool:
        if outcome.backoff:
            return row.attempts < self.max_attempts
        self._rate_limited[row.id] = self._rate_limited.get(row.id, 0) + 1
        return self._rate_limited[row.id] <= MAX_RATE_LIMITED


def _keep_uncertainty(row: OutgoingMessage, reason: str) -> str:
    if row.uncertain and not reason.startswith("uncertain"):
        return f"uncertain; {reason}"[:300]
    return reason[:300]
