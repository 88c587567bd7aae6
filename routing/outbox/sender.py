"""Use case: drain the outbox. Every message to a resident is a row first, then a delivery.

The transport supplies ``deliver`` (Telegram, terminal…) which reports one of three outcomes;
this module decides what the row becomes:

- rows are claimed (``claimed``, with ``claimed_by`` and ``claimed_at``) with ``SELECT … FOR
  UPDATE SKIP LOCKED`` on PostgreSQL (a conditional ``UPDATE`` on SQLite), so several senders
  (the bot's workers, ``declic scheduler``) never take the same row; a chat whose earlier row
  is claimed elsewhere, being claimed at that very moment, or must wait, is not taken, so the
  rows of one chat go out in order;
- just before the Bot API call a row becomes ``sending`` (committed). A crash then leaves the
  fate unknown: once its claim is older than the lease, the row is sent again and marked
  ``uncertain`` (a duplicate is possible only there, and it is recorded). A crash while merely
  ``claimed`` sends nothing twice: the row goes back to ``pending`` as it was;
- Telegram's limits (30/s overall, 1/s per chat with a short burst, 20/min per group) are
  reservations in a :class:`~routing.outbox.rate_limit.SendLimits`: this process's memory, or
  buckets
  shared by every sender process (``routing.outbox.shared_limits``, PostgreSQL or Redis). A row
  waits
  for its chat's slot, then for an overall slot; a store that cannot be reached makes the
  sender wait (logged once), never send without a reservation. Chats are served concurrently,
  and new rows are claimed as soon as half a batch is done, so a slow chat holds nobody;
- a row is sent only by the claim that took it (``claimed_by``): a claim taken back after the
  lease and claimed again elsewhere is skipped here;
- 429: wait ``retry_after`` and retry (not counted as a failed attempt); 5xx and timeouts:
  exponential backoff with jitter, at most ``max_attempts`` attempts, then ``failed`` with the
  reason; 403 (blocked): ``failed``, the resident unreachable and their follow-ups cancelled;
  other 400s: ``failed`` with the reason. Prometheus counts the results
  (``declic_outbox_messages``) and the 429s (``declic_telegram_429``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from infra.checkpoint import sqlite_checkpoint
from infra.clock import Clock
from infra.driver import rows
from infra.metrics import OUTBOX_SENT, TELEGRAM_429
from infra.orm import stored
from infra.outage import log_failure
from infra.slots import Slots
from infra.uow import UnitOfWork
from routing.journey import OutgoingMessage
from routing.outbox.claims import BATCH, Claims, worker_name
from routing.outbox.outcomes import (
    Deliver,
    Delivered,
    DeliveryResult,
    Failed,
    RetryLater,
    backoff_seconds,
    keep_uncertainty,
)
from routing.outbox.rate_limit import LocalLimits, RateLimiter, SendLimits

log = logging.getLogger(__name__)
# What a 403 means beyond the row: the resident is unreachable and nothing more is planned for
# them (``routing.followups.resident_blocked``, given by the composition root: follow-ups write
# to the outbox, so the outbox does not import them).
Unreachable = Callable[[AsyncSession, int, datetime], Awaitable[object]]
MAX_ATTEMPTS = 8
MAX_RATE_LIMITED = 50  # 429s in a row before a row is given up (Telegram never asks for more)
CONCURRENCY = 16
# A message leaving this much later than its chat slot (it waited for an overall slot) is
# counted from when it leaves, so the chat's next message keeps a full interval.
LATE_SECONDS = 0.005
# Woken this much later than its overall slot, or that late once its row is marked "sending"
# (a slow commit), a message takes a new slot: late messages would otherwise leave in a bunch and
# overshoot the limit shared by every sender. Only a loop stalled OVERALL_TRIES times in a row
# sends late (logged): a box that overloaded must still deliver.
OVERALL_LATE_SECONDS = 0.05
OVERALL_TRIES = 20
# Marked "sending" this long after its overall slot (a commit slowed by a loaded database), a
# message takes a new one; shorter delays leave at once (a new slot would waste the old one).
LATE_COMMIT_SECONDS = 0.1
LIMITS_RETRY_SECONDS = 1.0  # first pause when the shared limits cannot be reached (doubling)
LIMITS_RETRY_CAP_SECONDS = 10.0
T = TypeVar("T")
# The two statements of every row sent, built once and run on the driver (``infra.driver.rows``,
# issue 18: through the session, their coercion, cache key and ORM execution were about half of
# the sender's CPU). Their parameters are named apart from the table's columns: an UPDATE sets
# every column a parameter names. On PostgreSQL each goes without ``BEGIN`` (``begin=False``):
# it is the only statement of its unit of work (a fresh session, so nothing to autoflush and no
# deferred writes), which commits right after it, so a transaction of its own is the same
# transaction. Inside one begun already (the advisory lock of a unit of work opened under
# ``serialised_by``), ``begin=False`` changes nothing.
_OUTBOX = OutgoingMessage.__table__
SENDING = (  # only our claim becomes "sending"; the row as it is then (``stored``)
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id == bindparam("row_id"),
        _OUTBOX.c.status == "claimed",
        _OUTBOX.c.claimed_by == bindparam("token"),
    )
    .values(status="sending", attempts=_OUTBOX.c.attempts + 1, claimed_at=bindparam("now"))
    .returning(*_OUTBOX.c)
)
DELIVERED = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(
        status="sent",
        sent_at=bindparam("now"),
        claimed_at=None,
        claimed_by=None,
        channel_message_id=bindparam("message_id"),
    )
)
DELIVERED_ERASED = DELIVERED.values(payload={}, chat_id=None)  # ``erase_after_send``


class OutboxSender:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        deliver: Deliver,
        channel: str,
        idle_seconds: float = 0.5,
        *,
        limiter: SendLimits | RateLimiter | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        lease_seconds: float = 60.0,
        pause_after_claim: float = 0.0,
        worker: str | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        concurrency: int = CONCURRENCY,
        on_unreachable: Unreachable,
        slots: Slots | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.on_unreachable = on_unreachable
        self.clock = clock
        self.deliver = deliver
        self.channel = channel
        self.idle_seconds = idle_seconds
        self.limits: SendLimits = (
            LocalLimits(limiter) if isinstance(limiter, RateLimiter) or limiter is None else limiter
        )
        self.max_attempts = max_attempts
        self.pause_after_claim = pause_after_claim  # test only: a crash test kills us here
        self.worker = worker or worker_name()
        self.claims = Claims(
            uow_factory, clock, channel, timedelta(seconds=lease_seconds), self.worker
        )
        self.sleep = sleep
        self.concurrency = concurrency
        # Shared with the residents' turns (infra.slots): each database step of the sender
        # waits for a slot no turn is waiting for, so replies going out never hold up a turn
        # by more than the steps already running.
        self.slots = slots
        self.limits_retry_seconds = LIMITS_RETRY_SECONDS
        self._limits_down = False
        self._stop = asyncio.Event()  # run()'s, so a stop interrupts waits for a slot
        self._wake = asyncio.Event()
        self._rate_limited: dict[int, int] = {}  # 429s per row, in this process

    def wake(self) -> None:
        self._wake.set()

    async def recover(self) -> int:
        """Rows whose claim outlived the lease (their sender crashed) come back; how many."""
        return await self.claims.recover()

    async def flush(self) -> int:
        """Send every due row once; returns how many were delivered. Each chat's rows go in
        their own task; more rows are claimed as soon as half a batch is done (a chat's rows
        beyond its burst count little: they wait for its limit, not for us)."""
        gate = asyncio.Semaphore(self.concurrency)
        progress = asyncio.Event()
        jobs: dict[asyncio.Task[int], _ChatJob] = {}
        seen: set[int] = set()
        delivered = 0
        more = True
        try:
            while True:
                in_hand = sum(job.weight for job in jobs.values())
                if more and in_hand <= BATCH // 2 and not self._stop.is_set():
                    more = await self._claim_more(BATCH - in_hand, seen, jobs, gate, progress)
                if not jobs:
                    return delivered
                progress.clear()
                waiter = asyncio.create_task(progress.wait())
                try:
                    done, _ = await asyncio.wait(
                        {*jobs, waiter}, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    waiter.cancel()
                for task in jobs.keys() & done:
                    del jobs[task]
                    delivered += task.result()
        except asyncio.CancelledError:
            for task in jobs:
                task.cancel()
            raise
        finally:
            if jobs:  # a failure: the other chats finish what they started
                await asyncio.gather(*jobs, return_exceptions=True)

    async def _claim_more(
        self,
        limit: int,
        seen: set[int],
        jobs: dict[asyncio.Task[int], _ChatJob],
        gate: asyncio.Semaphore,
        progress: asyncio.Event,
    ) -> bool:
        """Claim up to ``limit`` rows and start their chats; False once nothing more is due."""
        async with self._slot():
            token, rows = await self.claims.claim(limit)
        more = len(rows) == limit
        again = [row_id for row_id, _ in rows if row_id in seen]
        if again:  # due again at once (a retry without delay): the next flush sends it
            await self.claims.release(again, token)
            rows = [(row_id, chat_id) for row_id, chat_id in rows if row_id not in seen]
            more = False
        if rows and self.pause_after_claim:
            await asyncio.sleep(self.pause_after_claim)
        chats: dict[str | None, list[int]] = {}
        for row_id, chat_id in rows:
            seen.add(row_id)
            chats.setdefault(chat_id, []).append(row_id)
        for chat_id, ids in chats.items():
            job = _ChatJob(chat_id, ids, token, progress)
            jobs[asyncio.create_task(self._chat(job, gate))] = job
        return more

    async def run(self, stop: asyncio.Event) -> None:
        """Drain whenever woken, and at least every ``idle_seconds``, until ``stop`` is set.
        Once it is set, no more rows are claimed and rows still waiting for their slot go back
        to pending; what is being sent finishes."""
        self._stop = stop
        try:
            await self._run(stop)
        finally:
            await self.limits.close()

    async def _run(self, stop: asyncio.Event) -> None:
        # The start-up recovery is a round's first step, retried like a flush until it
        # succeeds: a sender started before its database is up (a server restarting with
        # PostgreSQL still starting) waits for it instead of stopping for good.
        recovered = False
        rounds = 0
        while not stop.is_set():
            try:
                rounds += 1
                # then every 20 rounds: a crashed sibling's rows come back once its lease ends
                if not recovered or rounds % 20 == 0:
                    await self.recover()
                    recovered = True
                await self.flush()
            except Exception as exc:  # a broken database or network must not kill the sender
                log_failure(log, "outbox flush", "retrying", exc)
            self._wake.clear()
            waiters = {asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())}
            _, pending = await asyncio.wait(
                waiters, timeout=self.idle_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending | waiters:
                task.cancel()

    # -- sending -------------------------------------------------------------------------------

    async def _chat(self, job: _ChatJob, gate: asyncio.Semaphore) -> int:
        """One chat's rows, in order; a row that must wait holds back the ones after it."""
        delivered = 0
        loop = asyncio.get_running_loop()
        chat_id = job.chat_id
        for index, row_id in enumerate(job.ids):
            outcome: DeliveryResult | None = None
            wait = await self._limited(self.limits.reserve_chat, chat_id)
            slot = loop.time() + wait
            if await self._pause(wait):
                async with gate:  # taken before the overall slot: no slot is lost waiting here
                    overall = await self._overall_slot(loop)
                    if overall is not None:
                        outcome = await self._send_one(row_id, job.token, slot, overall)
            if outcome is None:  # stopping, or the row was taken back: the rest keep their order
                await self.claims.release(job.ids[index:], job.token)
                break
            job.done(1)
            if isinstance(outcome, Delivered):
                delivered += 1
            elif isinstance(outcome, RetryLater):
                await self.claims.release(job.ids[index + 1 :], job.token)
                break
        job.done(job.left)
        return delivered

    async def _overall_slot(self, loop: asyncio.AbstractEventLoop) -> float | None:
        """Wait for an overall slot and return its loop time; None when stopping. Woken too
        late (a stalled event loop wakes many at once), the slot is given up for a new one, so
        late messages do not leave in a bunch."""
        slot = loop.time()
        for _ in range(OVERALL_TRIES):
            wait = await self._limited(self.limits.reserve_overall)
            slot = loop.time() + wait
            if not await self._pause(wait):
                return None
            if loop.time() - slot <= OVERALL_LATE_SECONDS:
                return slot
        log.warning("outbox: the event loop woke late %d times in a row; sending", OVERALL_TRIES)
        return slot

    async def _pause(self, seconds: float) -> bool:
        """Wait for a slot; False when the sender is stopping meanwhile (the slot is lost)."""
        if self._stop.is_set():
            return False
        if seconds <= 0:
            return True
        stopping = asyncio.create_task(self._stop.wait())
        sleeping = asyncio.ensure_future(self.sleep(seconds))
        try:
            await asyncio.wait({stopping, sleeping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            sleeping.cancel()
        return not self._stop.is_set()

    async def _limited(self, step: Callable[..., Awaitable[T]], *args: object) -> T:
        """A step of the limits, however long their store is unreachable: waiting (logged once
        per outage) is safe, sending without a reservation is not."""
        pause = self.limits_retry_seconds
        while True:
            try:
                result = await step(*args)
            except Exception as exc:
                if not self._limits_down:
                    self._limits_down = True
                    log.warning(
                        "outbox: the rate limits' store is unreachable (%s); waiting",
                        type(exc).__name__,
                    )
                await asyncio.sleep(pause)
                pause = min(pause * 2, LIMITS_RETRY_CAP_SECONDS)
                continue
            if self._limits_down:
                self._limits_down = False
                log.warning("outbox: the rate limits' store is back")
            return result

    async def _send_one(
        self,
        row_id: int,
        token: str,
        chat_slot: float | None = None,
        overall_slot: float | None = None,
    ) -> DeliveryResult | None:
        """Mark the row "sending", deliver it, record the outcome. ``chat_slot`` (loop time):
        when its chat's slot was; a message leaving later than that is counted from now.
        ``overall_slot``: when its overall slot was; marked "sending" too late after it (a slow
        commit), the message waits for a new one."""
        # One statement: only our claim becomes "sending" (a claim taken back after the lease,
        # and maybe claimed elsewhere, is not ours any more).
        parameters = {"row_id": row_id, "token": token, "now": self.clock.now()}
        async with self._slot(), self.uow_factory() as uow:
            found = await rows(uow.session, SENDING, parameters, begin=False)
            row = stored(uow.session, OutgoingMessage, found[0]) if found else None
            await uow.commit()
        if row is None:
            return None
        loop = asyncio.get_running_loop()
        if overall_slot is not None and loop.time() - overall_slot > LATE_COMMIT_SECONDS:
            # The row is "sending" now: stopping meanwhile still sends it (one message).
            await self._overall_slot(loop)
        if chat_slot is not None and loop.time() - chat_slot > LATE_SECONDS:
            await self._limited(self.limits.mark_sent, row.chat_id)
        try:
            outcome = await self.deliver(row)
        except Exception as exc:  # unknown failure: the message may or may not have left
            log.exception("delivery of outbox row %s raised", row_id)
            outcome = RetryLater(0.0, f"error: {type(exc).__name__}", backoff=True)
        if isinstance(outcome, RetryLater) and not outcome.backoff:
            TELEGRAM_429.inc()
            await self._limited(self.limits.hold_chat, row.chat_id, outcome.after_seconds)
        async with self._slot():
            await self._record(row, outcome)
        if isinstance(outcome, Delivered) and row.erase_after_send and row.resident_id is None:
            # The last word to an erased resident ("c'est effacé"): their chat id leaves the
            # shared rate limits too (issue 17).
            await self._limited(self.limits.forget_chat, row.chat_id)
            async with self.uow_factory() as uow:
                engine = uow.session.bind
            if isinstance(engine, AsyncEngine):  # SQLite: the old row versions leave the WAL
                await sqlite_checkpoint(engine)
        return outcome

    async def _record(self, sent: OutgoingMessage, outcome: DeliveryResult) -> None:
        now = self.clock.now()
        if isinstance(outcome, Delivered):  # the common case, in one statement
            statement = DELIVERED_ERASED if sent.erase_after_send else DELIVERED
            parameters = {"row_id": sent.id, "now": now, "message_id": outcome.message_id}
            async with self.uow_factory() as uow:
                await rows(uow.session, statement, parameters, begin=False)  # see SENDING
                await uow.commit()
            OUTBOX_SENT.labels("sent").inc()
            return
        row_id = sent.id
        async with self.uow_factory() as uow:
            row = await uow.session.get(OutgoingMessage, row_id)
            if row is None:
                return
            row.claimed_at = None
            row.claimed_by = None
            if isinstance(outcome, RetryLater) and self._may_retry(row, outcome):
                result = "retry"
                row.status = "pending"
                if outcome.backoff:
                    row.not_before = now + timedelta(seconds=backoff_seconds(row.attempts))
                else:
                    row.attempts -= 1  # Telegram asked us to slow down: not a failed attempt
                    row.not_before = now + timedelta(seconds=outcome.after_seconds)
                row.last_error = keep_uncertainty(row, outcome.reason)
            else:
                unreachable = isinstance(outcome, Failed) and outcome.unreachable
                result = "unreachable" if unreachable else "failed"
                row.status = "failed"
                reason = getattr(outcome, "reason", "")
                if isinstance(outcome, RetryLater):
                    reason = f"gave up after {row.attempts} attempts: {reason}"
                row.last_error = keep_uncertainty(row, reason)
                if unreachable and row.resident_id:
                    await self.on_unreachable(uow.session, row.resident_id, now)
            await uow.commit()
        OUTBOX_SENT.labels(result).inc()

    def _slot(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self.slots.background() if self.slots is not None else contextlib.nullcontext()

    def _may_retry(self, row: OutgoingMessage, outcome: RetryLater) -> bool:
        if outcome.backoff:
            return row.attempts < self.max_attempts
        self._rate_limited[row.id] = self._rate_limited.get(row.id, 0) + 1
        return self._rate_limited[row.id] <= MAX_RATE_LIMITED


BURST_WEIGHT = 3  # rows of one chat that count as work in hand; the rest wait for its limit


@dataclass
class _ChatJob:
    """One chat's claimed rows in one flush, and how many are not yet done."""

    chat_id: str | None
    ids: list[int]
    token: str
    progress: asyncio.Event
    left: int = 0

    def __post_init__(self) -> None:
        self.left = len(self.ids)

    @property
    def weight(self) -> int:
        return min(self.left, BURST_WEIGHT)

    def done(self, rows: int) -> None:
        self.left -= rows
        self.progress.set()
