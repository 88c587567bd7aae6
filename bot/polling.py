"""Long polling that confirms an update to Telegram only once it has been handled.

Why not ``Dispatcher.start_polling``: aiogram hands each update to a task and asks for the next
batch at once, and that next ``getUpdates`` carries the offset that tells Telegram the previous
updates are done. A crash (kill -9, power cut) between that request and our commit loses the
resident's message for ever. Here a batch is handled first (chats concurrently, each chat in
order thanks to ``ChatOrder``) and only then is the offset moved past it. A redelivered update is
harmless: the service deduplicates on ``update_id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Literal

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates
from aiogram.types import Update

from infra.outage import database_unavailable

log = logging.getLogger(__name__)

# An update whose handling raises is retried this many times before it is given up, so a single
# poisonous update cannot block every resident behind it; while the database is unavailable it
# is retried for as long as it takes (the message could not have been kept).
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0)


class ConfirmingPoller:
    """Fetch a batch, handle all of it, then confirm it with the next offset."""

    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        *,
        timeout: int = 25,
        allowed_updates: Sequence[str] = (),
    ) -> None:
        self._bot = bot
        self._dp = dispatcher
        self._timeout = timeout
        self._allowed = list(allowed_updates) or None
        self._offset: int | None = None
        self._failures: dict[int, int] = {}

    async def run(self, stop: asyncio.Event) -> None:
        failures_in_a_row = 0
        while not stop.is_set():
            updates = await self._fetch(stop)
            if updates is None:  # stopping
                break
            if updates is False:
                failures_in_a_row += 1
                await _sleep_or_stop(stop, _backoff(failures_in_a_row))
                continue
            failures_in_a_row = 0
            if updates:
                await self._handle_batch(updates, stop)
        await self._confirm_on_exit()

    async def _fetch(self, stop: asyncio.Event) -> list[Update] | Literal[False] | None:
        request = GetUpdates(
            offset=self._offset, timeout=self._timeout, allowed_updates=self._allowed
        )
        fetch = asyncio.ensure_future(self._bot(request, request_timeout=self._timeout + 10))
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await fetch
            return None
        try:
            return list(fetch.result())
        except Exception as exc:  # the network or Telegram: retried with backoff
            log.warning("getUpdates failed (%s); retrying", type(exc).__name__)
            return False

    async def _handle_batch(self, updates: list[Update], stop: asyncio.Event) -> None:
        """Handle every update of the batch; move the offset only past a handled prefix."""
        results = await asyncio.gather(
            *(self._dp.feed_update(self._bot, update) for update in updates),
            return_exceptions=True,
        )
        for update, result in zip(updates, results, strict=True):
            if isinstance(result, BaseException):
                attempts = self._failures.get(update.update_id, 0) + 1
                self._failures[update.update_id] = attempts
                if attempts < MAX_ATTEMPTS or unavailable(result):
                    log.warning(
                        "update %s failed (%s), attempt %s; it will be fetched again",
                        update.update_id,
                        type(result).__name__,
                        attempts,
                    )
                    await _sleep_or_stop(stop, _backoff(attempts))
                    return  # offset stays before it: Telegram hands it out again
                log.error(
                    "update %s given up after %s attempts (%s)",
                    update.update_id,
                    attempts,
                    type(result).__name__,
                )
            self._failures.pop(update.update_id, None)
            self._offset = update.update_id + 1

    async def _confirm_on_exit(self) -> None:
        """Tell Telegram what we handled, so a restart does not fetch it again."""
        if self._offset is None:
            return
        with contextlib.suppress(Exception):
            await self._bot(GetUpdates(offset=self._offset, timeout=0, limit=1), request_timeout=5)


def unavailable(exc: BaseException | None) -> bool:
    """The database (or the network to it) is down or restarting: the update could not be
    handled, so it is never given up (see :func:`infra.outage.database_unavailable`)."""
    return database_unavailable(exc)


def _backoff(attempt: int) -> float:
    return BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1]


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
