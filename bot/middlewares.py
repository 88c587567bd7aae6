"""Middlewares give handlers context (update id, flood state); they decide nothing."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateIdMiddleware(BaseMiddleware):
    """Expose Telegram's ``update_id`` to handlers: it makes handling idempotent."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            data["update_id"] = event.update_id
        return await handler(event, data)


class FloodGuard(BaseMiddleware):
    """Per-resident sliding window. Over the limit, messages are still kept, but the bot
    answers them with one polite word per window instead of a reply each."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._seen: dict[int, deque[float]] = defaultdict(deque)
        self._noticed: dict[int, float] = {}

    def check(self, user_id: int, now: float | None = None) -> tuple[bool, bool]:
        """(throttled, send the polite notice now)."""
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

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        data["throttle"] = self.check(user.id) if user else (False, False)
        return await handler(event, data)


class ChatOrder(BaseMiddleware):
    """The updates of one chat are handled one at a time, in arrival order.

    aiogram handles a polling batch concurrently; without this, two quick messages from one
    resident would race on the same conversation row. ``asyncio.Lock`` is FIFO, and the lock
    is requested before the handler's first suspension, so arrival order is kept. Locks of idle
    chats are dropped. (Several processes need a database lock instead.)
    """

    def __init__(self) -> None:
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
                return await handler(event, data)
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
