"""Use case: drain the outbox. Every message to a resident is a row first, then a delivery.

The transport supplies ``deliver`` (Telegram, terminal…) which reports one of three outcomes;
this module decides what the row becomes. Rows of one chat go out in order: a chat whose
earlier message must wait blocks its later ones until then.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from infra.clock import Clock
from infra.uow import UnitOfWork
from routing.records import OutgoingMessage, Resident

log = logging.getLogger(__name__)
BATCH = 50
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Delivered:
    message_id: int | None


@dataclass(frozen=True)
class RetryLater:
    after_seconds: float
    reason: str


@dataclass(frozen=True)
class Failed:
    reason: str
    unreachable: bool = False


DeliveryResult = Delivered | RetryLater | Failed
Deliver = Callable[[OutgoingMessage], Awaitable[DeliveryResult]]


class OutboxSender:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        deliver: Deliver,
        channel: str,
        idle_seconds: float = 0.5,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.deliver = deliver
        self.channel = channel
        self.idle_seconds = idle_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def recover(self) -> int:
        """Rows left 'sending' by a crash: their fate is unknown, so send again and say so."""
        async with self.uow_factory() as uow:
            result = await uow.session.execute(
                update(OutgoingMessage)
                .where(OutgoingMessage.status == "sending", OutgoingMessage.channel == self.channel)
                .values(status="pending", last_error="uncertain: interrupted while sending")
            )
            await uow.commit()
        return result.rowcount or 0  # type: ignore[attr-defined]

    async def flush(self) -> int:
        """Send every due row once; returns how many were delivered."""
        delivered = 0
        while True:
            rows = await self._due()
            if not rows:
                return delivered
            blocked: set[str | None] = set()
            progressed = False
            for row_id, chat_id in rows:
                if chat_id in blocked:
                    continue
                outcome = await self._send_one(row_id)
                if outcome is None:
                    continue
                progressed = True
                if isinstance(outcome, Delivered):
                    delivered += 1
                elif isinstance(outcome, RetryLater):
                    blocked.add(chat_id)
            if not progressed or len(rows) < BATCH:
                return delivered

    async def run(self, stop: asyncio.Event) -> None:
        """Drain whenever woken, and at least every ``idle_seconds``, until ``stop`` is set."""
        await self.recover()
        while not stop.is_set():
            try:
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

    async def _due(self) -> list[tuple[int, str | None]]:
        async with self.uow_factory() as uow:
            result = await uow.session.execute(
                select(OutgoingMessage.id, OutgoingMessage.chat_id)
                .where(
                    OutgoingMessage.status == "pending",
                    OutgoingMessage.channel == self.channel,
                    OutgoingMessage.not_before <= self.clock.now(),
                )
                .order_by(OutgoingMessage.id)
                .limit(BATCH)
            )
            return [(row_id, chat_id) for row_id, chat_id in result.all()]

    async def _send_one(self, row_id: int) -> DeliveryResult | None:
        async with self.uow_factory() as uow:
            row = await uow.session.get(OutgoingMessage, row_id)
            if row is None or row.status != "pending":
                return None
            row.status = "sending"
            row.attempts += 1
            await uow.commit()
        try:
            outcome = await self.deliver(row)
        except Exception as exc:  # unknown failure: the message may or may not have left
            log.exception("delivery of outbox row %s raised", row_id)
            outcome = RetryLater(min(2**row.attempts, 300), f"error: {type(exc).__name__}")
        await self._record(row_id, outcome)
        return outcome

    async def _record(self, row_id: int, outcome: DeliveryResult) -> None:
        now = self.clock.now()
        async with self.uow_factory() as uow:
            row = await uow.session.get(OutgoingMessage, row_id)
            if row is None:
                return
            if isinstance(outcome, Delivered):
                row.status = "sent"
                row.sent_at = now
                row.channel_message_id = outcome.message_id
                if row.erase_after_send:
                    row.payload = {}
                    row.chat_id = None
            elif isinstance(outcome, RetryLater) and row.attempts < MAX_ATTEMPTS:
                row.status = "pending"
                row.not_before = now + timedelta(seconds=outcome.after_seconds)
                row.last_error = outcome.reason[:300]
            else:
                row.status = "failed"
                row.last_error = getattr(outcome, "reason", "")[:300]
                if isinstance(outcome, Failed) and outcome.unreachable and row.resident_id:
                    resident = await uow.session.get(Resident, row.resident_id)
                    if resident is not None:
                        resident.reachable = False
            await uow.commit()
