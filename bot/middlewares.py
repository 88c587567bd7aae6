"""Middlewares give handlers context (update id, flood state, conversation order) and measure
each update; they decide nothing."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import (
    MiddlewareEventType,
    MiddlewareType,
    NextMiddlewareType,
)
from aiogram.dispatcher.event.handler import CallbackType
from aiogram.dispatcher.middlewares.manager import MiddlewareManager
from aiogram.types import TelegramObject, Update

from bot.inbound import CHANNEL
from infra import metrics
from infra.slots import Slots
from infra.uow import conversation_key, serialised_by

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from routing.conversation.inbound import Inbound
    from routing.conversation.service import ConversationService, Outcome

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
log = logging.getLogger(__name__)
SHARED_FAILURE_LOG_SECONDS = 60.0  # a Redis outage is logged once a minute, not per message


class OuterChain(MiddlewareManager):
    """The update observer's own middleware manager (its inner middlewares, none of ours), which
    also builds the chain of the dispatcher's outer middlewares once, not for every update.

    aiogram's ``Dispatcher.feed_update`` asks ``dispatcher.update.middleware.wrap_middlewares``
    for that chain at each update: a ``functools.wraps`` of the handler and a ``partial`` a
    middleware (seven here), walked in reverse through the ``Sequence`` protocol, for the same
    middlewares and the same handler every time. Here a chain is kept for the handler and the
    middlewares it was made of: the same chain (its links hold nothing of an update); a
    middleware added or removed makes a new one.
    """

    def __init__(self, inner: MiddlewareManager) -> None:
        super().__init__()
        self._middlewares = inner._middlewares

    @staticmethod
    def wrap_middlewares(
        middlewares: Sequence[MiddlewareType[MiddlewareEventType]],
        handler: CallbackType,
    ) -> NextMiddlewareType[MiddlewareEventType]:
        listed = (
            middlewares._middlewares if isinstance(middlewares, MiddlewareManager) else middlewares
        )
        key = (handler, *listed)
        chain = _CHAINS.get(key)
        if chain is None:
            if len(_CHAINS) >= CHAINS_KEPT:
                _CHAINS.clear()
            chain = _CHAINS[key] = MiddlewareManager.wrap_middlewares(key[1:], handler)
        return chain


CHAINS_KEPT = 16  # a process whose middlewares do not change uses one per dispatcher
_CHAINS: dict[tuple[Any, ...], Any] = {}


class UpdateIdMiddleware(BaseMiddleware):
    """Expose Telegram's ``update_id`` to handlers: it makes handling idempotent."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            data["update_id"] = event.update_id
        return await handler(event, data)


class _Recorded:
    """The conversation service as the handlers of one update see it: it remembers the
    outcome, so the metrics can tell a duplicate from a handled update."""

    __slots__ = ("_service", "outcome")

    def __init__(self, service: ConversationService) -> None:
        self._service = service
        self.outcome: Outcome | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._service, name)

    async def handle(self, inbound: Inbound) -> Outcome:
        self.outcome = await self._service.handle(inbound)
        return self.outcome


class UpdateMetrics(BaseMiddleware):
    """Count each update by transport and outcome (handled, duplicate, failed) and time it
    from receipt to commit. Labels never carry a chat id."""

    def __init__(self, transport: str) -> None:
        self.transport = transport
        self._seconds = metrics.UPDATE_SECONDS.labels(transport)
        self._outcomes = {
            outcome: metrics.UPDATES_HANDLED.labels(transport, outcome)
            for outcome in ("handled", "duplicate", "failed")
        }

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        started = time.perf_counter()
        service = data.get("service")
        recorded = _Recorded(service) if service is not None else None
        if recorded is not None:
            data["service"] = recorded
        try:
            result = await handler(event, data)
        except BaseException:
            self._outcomes["failed"].inc()
            raise
        finally:
            self._seconds.observe(time.perf_counter() - started)
        outcome = recorded.outcome if recorded is not None else None
        duplicate = outcome is not None and not outcome.handled
        self._outcomes["duplicate" if duplicate else "handled"].inc()
        return result


class RedisFloodWindow:
    """The flood guard's sliding window in Redis, shared by every worker: one sorted set of
    arrival times per resident (expiring with the window) and a notice key per window."""

    def __init__(self, client: Redis, prefix: str = "declic:flood") -> None:
        self.client = client
        self.prefix = prefix

    async def check(
        self, user_id: int, limit: int, window: float, now: float | None = None
    ) -> tuple[bool, bool]:
        """(throttled, send the polite notice now), counted across processes."""
        now = time.time() if now is None else now
        key = f"{self.prefix}:{user_id}"
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", f"({now - window}")
            pipe.zadd(key, {f"{now:.6f}:{secrets.token_hex(4)}": now})
            pipe.zcard(key)
            pipe.pexpire(key, int(window * 1000) + 1000)
            _, _, seen, _ = await pipe.execute()
        if seen <= limit:
            return False, False
        first = await self.client.set(f"{key}:notice", "1", nx=True, px=int(window * 1000))
        return True, bool(first)

    async def forget(self, user_id: int) -> None:
        key = f"{self.prefix}:{user_id}"
        await self.client.delete(key, f"{key}:notice")

    async def aclose(self) -> None:
        await self.client.aclose()


class FloodGuard:
    """Per-resident sliding window. Over the limit, messages are still kept, but the bot
    answers them with one polite word per window instead of a reply each (a new message's
    verdict is asked by ``bot.routers.Residents``).

    With ``shared`` (Redis, when ``DECLIC_REDIS_URL`` is set) the window is counted across
    every worker; if Redis does not answer, this process counts alone until it does again:
    a resident's message is never held up by the flood guard's own store.
    """

    def __init__(
        self, limit: int, window_seconds: float, shared: RedisFloodWindow | None = None
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self.shared = shared
        self._seen: dict[int, deque[float]] = defaultdict(deque)
        self._noticed: dict[int, float] = {}
        self._shared_failed_at: float | None = None

    def check(self, user_id: int, now: float | None = None) -> tuple[bool, bool]:
        """(throttled, send the polite notice now), counted in this process."""
        now = time.monotonic() if now is None else now
        seen = self._seen[user_id]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        seen.append(now)
        if len(seen) <= self.limit:
            return False, False
        noticed = self._noticed.get(user_id)
        if noticed is not None and now - noticed < self.window:
            return True, False
        self._noticed[user_id] = now
        return True, True

    async def throttle(self, user_id: int) -> tuple[bool, bool]:
        if self.shared is not None:
            try:
                return await self.shared.check(user_id, self.limit, self.window)
            except Exception as exc:  # Redis down or slow: count here instead
                self._log_shared_failure(exc)
        return self.check(user_id)

    async def forget(self, user_id: int) -> None:
        """The resident was erased: their Telegram id leaves the windows, here and in Redis
        (issue 17). Redis down: its keys expire with the window anyway."""
        self._seen.pop(user_id, None)
        self._noticed.pop(user_id, None)
        if self.shared is not None:
            try:
                await self.shared.forget(user_id)
            except Exception as exc:
                self._log_shared_failure(exc)

    def _log_shared_failure(self, exc: Exception) -> None:
        now = time.monotonic()
        if self._shared_failed_at is None or now - self._shared_failed_at > (
            SHARED_FAILURE_LOG_SECONDS
        ):
            self._shared_failed_at = now
            log.warning("flood guard: Redis unavailable (%s); counting per process", type(exc))

    async def aclose(self) -> None:
        if self.shared is not None:
            await self.shared.aclose()


def flood_guard(limit: int, window_seconds: float, redis_url: str | None = None) -> FloodGuard:
    """The flood guard, shared through Redis when a URL is given, else per process."""
    if not redis_url:
        return FloodGuard(limit, window_seconds)
    from redis.asyncio import Redis  # imported only when configured

    client = Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return FloodGuard(limit, window_seconds, RedisFloodWindow(client))


class _Gated:
    """The conversation service as a handler sees it behind ``TurnGate``: ``handle`` waits for
    a slot; everything else goes straight through."""

    __slots__ = ("_service", "_slots")

    def __init__(self, service: Any, slots: Slots) -> None:
        self._service = service
        self._slots = slots

    def __getattr__(self, name: str) -> Any:
        return getattr(self._service, name)

    async def handle(self, inbound: Inbound) -> Outcome:
        async with self._slots.turn():
            result: Outcome = await self._service.handle(inbound)
            return result


class TurnGate(BaseMiddleware):
    """At most ``slots.size`` turns (``ConversationService.handle``) run at once in this
    process; the others wait for a slot in arrival order, ahead of the outbox sender's database
    steps when it shares the slots (``infra.slots``).

    Why: a turn on PostgreSQL is about ten round trips, and at each one the event loop runs
    other turns. With every arrived turn let in, a burst of thirty turns interleaves: each one's
    latency becomes the CPU of all thirty, they hold thirty connections (the pool's overflow,
    opened and closed again, every statement prepared anew on each), and the outbox sender
    waits behind them. With a few slots, turns run nearly one after the other, each holding a
    connection for its own work only; a slot free while one turn waits for PostgreSQL lets the
    next turn use the CPU meanwhile. Only the turn is gated: the flood guard's Redis check and
    a button's ``answerCallbackQuery`` (network waits) happen outside a slot.
    """

    def __init__(self, slots: int | Slots) -> None:
        self.slots = slots if isinstance(slots, Slots) else Slots(slots)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        service = data.get("service")
        if service is not None:
            data["service"] = _Gated(service, self.slots)
        return await handler(event, data)


class ChatOrder(BaseMiddleware):
    """The updates of one chat are handled one at a time, in arrival order.

    In this process: aiogram may handle several updates at once (a polling batch, concurrent
    webhook requests); without this, two quick messages from one resident would race on the
    same conversation row. ``asyncio.Lock`` is FIFO, and the lock is requested before the
    handler's first suspension, so arrival order is kept. Locks of idle chats are dropped.

    Across processes (``across_processes``: webhook workers on PostgreSQL): the handler runs
    inside ``serialised_by(conversation_key(...))``, so each of its transactions starts by
    taking the chat's advisory lock (``infra.uow``). Waiting here first means a process sends at
    most one transaction per chat to wait on that lock, not one per queued update. Long polling
    has one consumer by Telegram's rule (a second getUpdates gets 409), so it skips that round
    trip.
    """

    def __init__(self, *, across_processes: bool = False) -> None:
        self.across_processes = across_processes
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat = data.get("event_chat")
        user = data.get("event_from_user")
        key = chat.id if chat is not None else (user.id if user is not None else None)
        if key is None:
            return await handler(event, data)
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                if not self.across_processes:
                    return await handler(event, data)
                with serialised_by(conversation_key(CHANNEL, key)):
                    return await handler(event, data)
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
