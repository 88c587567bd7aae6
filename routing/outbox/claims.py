"""Taking outbox rows to send, so that several senders never take the same row and a chat's
rows never overtake each other: claims with a lease, taken back after a crash
(``recover``), and released when a row must wait."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from infra.clock import Clock
from infra.uow import UnitOfWork, rowcount
from routing.journey import OutgoingMessage

log = logging.getLogger(__name__)
BATCH = 50
CLAIM_PAGE = 200  # candidates read at once when claiming
CLAIM_PAGES = 10  # pages read at most per claim (rows of held-back chats are passed over)


_BOOT = secrets.token_hex(3)  # tells this process from an earlier one that had the same pid


def worker_name() -> str:
    """``host:pid:boot``: enough for a restarted sender to recognise the claims of a dead
    process on its own host (see ``dead_claimers``)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{_BOOT}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def dead_claimers(tokens: Iterable[str | None], me: str) -> list[str]:
    """The claim tokens (``worker#n``) left by a sender of this host that is no longer running:
    its pid is gone, or it is our own pid with another boot mark (a restarted container).
    Their rows need not wait for the lease: after a crash, the bot that starts again sends
    what the dead one had taken. Tokens of other hosts, or in another shape, wait as before."""
    host, _, rest = me.partition(":")
    my_pid, _, my_boot = rest.partition(":")
    dead = []
    for token in tokens:
        if not token:
            continue
        name = token.rpartition("#")[0] or token
        parts = name.split(":")
        if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        pid, boot = parts[1], parts[2]
        if pid == my_pid:
            if boot != my_boot:
                dead.append(token)
        elif not _running(int(pid)):
            dead.append(token)
    return dead


class Claims:
    """The claims of one sender (``worker``) on the rows of one channel."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        channel: str,
        lease: timedelta,
        worker: str,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.channel = channel
        self.lease = lease
        self.worker = worker
        self._claims = 0

    async def recover(self) -> int:
        """Rows whose claim outlived the lease, or whose claimer is known dead (their sender
        crashed): a row merely claimed goes back as it was; a row left 'sending' may or may not
        have left, so it is sent again and marked uncertain. Returns how many rows were taken
        back."""
        expired = self.clock.now() - self.lease
        mine = OutgoingMessage.channel == self.channel
        async with self.uow_factory() as uow:
            claimers = await uow.session.scalars(
                select(OutgoingMessage.claimed_by)
                .where(mine, OutgoingMessage.status.in_(("claimed", "sending")))
                .distinct()
            )
            dead = dead_claimers(claimers.all(), self.worker)
            stale = or_(
                OutgoingMessage.claimed_at.is_(None),
                OutgoingMessage.claimed_at < expired,
                OutgoingMessage.claimed_by.in_(dead),
            )
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
        count_uncertain = rowcount(uncertain)
        if count_uncertain:
            log.warning("outbox: %s row(s) interrupted while sending, sent again", count_uncertain)
        return count_uncertain + rowcount(released)

    async def claim(self, limit: int = BATCH) -> tuple[str, list[tuple[int, str | None]]]:
        """Claim up to ``limit`` due rows, in order, none overtaking an earlier row of its chat.

        A chat's rows after its first one in flight (claimed, sending) or waiting (pending, not
        yet due) are held back. Candidates are read in id order, then the chats holding them
        back (a few rows), then the candidates are locked (``SKIP LOCKED`` on PostgreSQL); a
        candidate skipped there (another sender is claiming it) stops its chat. Each step is a
        plain index scan, whatever the planner knows of a freshly filled table."""
        now = self.clock.now()
        self._claims += 1
        token = f"{self.worker}#{self._claims}"[:64]
        async with self.uow_factory() as uow:
            session = uow.session
            picked: list[tuple[int, str | None]] = []
            after = 0
            for _ in range(CLAIM_PAGES):
                page = (
                    await session.execute(
                        select(OutgoingMessage.id, OutgoingMessage.chat_id)
                        .where(
                            OutgoingMessage.status == "pending",
                            OutgoingMessage.channel == self.channel,
                            OutgoingMessage.not_before <= now,
                            OutgoingMessage.id > after,
                        )
                        .order_by(OutgoingMessage.id)
                        .limit(CLAIM_PAGE)
                    )
                ).all()
                held = await self._held_back_from(session, now)  # read after the page
                picked += [
                    (row_id, chat_id)
                    for row_id, chat_id in page
                    if chat_id not in held or row_id < held[chat_id]
                ]
                if len(picked) >= limit or len(page) < CLAIM_PAGE:
                    break
                after = page[-1][0]
            picked = picked[:limit]
            if not picked:
                return token, []
            lock = select(OutgoingMessage.id).where(
                OutgoingMessage.id.in_([row_id for row_id, _ in picked]),
                OutgoingMessage.status == "pending",
            )
            if uow.dialect == "postgresql":
                lock = lock.with_for_update(skip_locked=True)
            locked = set((await session.scalars(lock)).all())
            stopped: set[str | None] = set()
            claimed: list[tuple[int, str | None]] = []
            for row_id, chat_id in picked:
                if chat_id in stopped:
                    continue
                if row_id in locked:
                    claimed.append((row_id, chat_id))
                elif chat_id is not None:
                    stopped.add(chat_id)  # a later row must not overtake this one
            if not claimed:
                return token, []
            await session.execute(
                update(OutgoingMessage)
                .where(OutgoingMessage.id.in_([row_id for row_id, _ in claimed]))
                .values(status="claimed", claimed_at=now, claimed_by=token)
                .execution_options(synchronize_session=False)
            )
            await uow.commit()
        return token, claimed

    async def _held_back_from(self, session: Any, now: datetime) -> dict[str | None, int]:
        """chat id -> its first row in flight or not yet due (few rows: the status index)."""
        rows = await session.execute(
            select(OutgoingMessage.chat_id, func.min(OutgoingMessage.id))
            .where(
                OutgoingMessage.channel == self.channel,
                OutgoingMessage.chat_id.is_not(None),
                or_(
                    OutgoingMessage.status.in_(("claimed", "sending")),
                    and_(OutgoingMessage.status == "pending", OutgoingMessage.not_before > now),
                ),
            )
            .group_by(OutgoingMessage.chat_id)
        )
        return {chat_id: first for chat_id, first in rows.all()}

    async def release(self, ids: list[int], token: str) -> None:
        if not ids:
            return
        async with self.uow_factory() as uow:
            await uow.session.execute(
                update(OutgoingMessage)
                .where(
                    OutgoingMessage.id.in_(ids),
                    OutgoingMessage.status == "claimed",
                    OutgoingMessage.claimed_by == token,
                )
                .values(status="pending", claimed_at=None, claimed_by=None)
                .execution_options(synchronize_session=False)
            )
            await uow.commit()
