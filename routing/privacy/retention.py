"""The retention promise, kept: residents silent for ``retention_months`` are erased.

The consent question and ``/aide`` say how long data is kept after a resident's last message
(``DECLIC_RETENTION_MONTHS``, 24 by default). A scheduler job (``declic.scheduling``) runs
:func:`enforce_retention`:

- A month before the end, one message « tes données seront effacées le … » with a button
  « Je suis toujours là » (:class:`RetentionNotice`, rendered by the transport). Any message or
  button from the resident moves ``last_seen_at``, so pressing it keeps everything; the notice
  is sent once per silence (``residents.retention_notice_at``), in the follow-ups' allowed
  hours.
- At the end, the resident is erased exactly as ``/oublier`` does
  (:func:`routing.privacy.service.erase_resident`): open cases closed with an audit entry,
  sprints cancelled, follow-ups cancelled, nothing sent afterwards; statistics keep counting
  their ideas as one anonymous resident.

Residents are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and one whose conversation
is being handled right now (its advisory lock is taken, see ``infra.uow``) is left for the next
run, so several scheduler processes and the bot's workers never step on each other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import or_, select, text

from infra.uow import UnitOfWork, conversation_key
from routing.journey import Resident, register_of
from routing.outbox import Recipient, RenderContext, enqueue
from routing.privacy import service as privacy
from routing.sprints import Rules

log = logging.getLogger(__name__)
NOTICE_DAYS = 30  # about a month: the notice comes one calendar month before the end
BATCH = 100
Render = Callable[[Sequence[Any], RenderContext], list[Any]]
_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")


@dataclass(frozen=True)
class RetentionNotice:
    """Tell the resident their data will be erased on ``erase_on`` unless they say they are
    still there (one button)."""

    erase_on: date


@dataclass(frozen=True)
class RetentionReport:
    noticed: tuple[int, ...] = ()  # outbox ids of the notices written
    erased: int = 0
    erased_chats: tuple[str, ...] = ()  # to forget in the rate limits kept outside the database


def erase_after(last_seen: datetime, months: int) -> datetime:
    """The instant a resident last seen at ``last_seen`` is erased."""
    return last_seen + relativedelta(months=months)


def erasure_cutoff(now: datetime, months: int) -> datetime:
    """Residents last seen before this are due for erasure."""
    return now - relativedelta(months=months)


def notice_cutoff(now: datetime, months: int) -> datetime:
    """Residents last seen at or before this are due for the notice: a month before the end
    (``NOTICE_DAYS`` or so; « 23 mois » of silence for 24), counted in calendar months so that
    the notice never comes later than promised whatever the months' lengths."""
    return now - relativedelta(months=months - 1)


async def enforce_retention(
    uow_factory: Callable[[], UnitOfWork],
    now: datetime,
    months: int,
    render: Render | None,
    *,
    rules: Rules,
    notices_allowed: bool = True,
    batch: int = BATCH,
) -> RetentionReport:
    """One run: erase who is due (a transaction per batch), then write the due notices (one
    transaction per batch) unless ``notices_allowed`` is False (quiet hours) or there is no
    renderer. ``rules``: the town's (``sprints.rules_of``): its time zone dates the notices,
    and an erasure cancels sprints under them."""
    erased, chats = 0, []
    while True:
        async with uow_factory() as uow:
            done = await _erase_batch(uow, now, months, batch, rules)
            await uow.commit()
        erased += len(done)
        chats.extend(done)
        if len(done) < batch:
            break
    if erased:
        await privacy.sqlite_checkpoint(uow.engine)
    noticed: list[int] = []
    if render is not None and notices_allowed:
        while True:
            async with uow_factory() as uow:
                written, claimed = await _notice_batch(uow, now, months, render, rules.tz, batch)
                await uow.commit()
            noticed.extend(written)
            if claimed < batch:
                break
    return RetentionReport(tuple(noticed), erased, tuple(c for c in chats if c))


async def _claim(uow: UnitOfWork, query: Any, batch: int) -> list[Resident]:
    """Residents matching ``query``, locked (PostgreSQL: skipping those another process holds,
    and those whose conversation is being handled right now)."""
    query = query.order_by(Resident.last_seen_at, Resident.id).limit(batch)
    if uow.dialect != "postgresql":
        return list((await uow.session.scalars(query)).all())
    rows = list((await uow.session.scalars(query.with_for_update(skip_locked=True))).all())
    free = []
    for resident in rows:
        key = conversation_key(resident.channel, resident.chat_id or resident.external_id)
        if await uow.session.scalar(_TRY_LOCK, {"key": key}):
            free.append(resident)
    return free


async def _erase_batch(
    uow: UnitOfWork, now: datetime, months: int, batch: int, rules: Rules
) -> list[str]:
    due = select(Resident).where(Resident.last_seen_at < erasure_cutoff(now, months))
    residents = await _claim(uow, due, batch)
    chats = []
    for resident in residents:
        chats.append(resident.chat_id or "")
        await privacy.erase_resident(uow, resident, now, rules)
    if residents:
        log.info("retention: %s resident(s) erased after %s months of silence", len(residents),
                 months)  # fmt: skip
    return chats


async def _notice_batch(
    uow: UnitOfWork, now: datetime, months: int, render: Render, tz: ZoneInfo, batch: int
) -> tuple[list[int], int]:
    due = select(Resident).where(
        Resident.last_seen_at <= notice_cutoff(now, months),
        Resident.last_seen_at >= erasure_cutoff(now, months),
        Resident.chat_id.is_not(None),
        or_(
            Resident.retention_notice_at.is_(None),
            Resident.retention_notice_at < Resident.last_seen_at,
        ),
    )
    residents = await _claim(uow, due, batch)
    written: list[int] = []
    for resident in residents:
        erase_on = erase_after(resident.last_seen_at, months).astimezone(tz).date()
        register = await register_of(uow.session, resident.id)
        context = RenderContext(resident.locale, register=register)
        drafts = render([RetentionNotice(erase_on)], context)
        stamp = int(resident.last_seen_at.timestamp())
        to = Recipient(resident.channel, resident.chat_id, resident.id)
        written += await enqueue(uow.session, to, drafts, f"retention:{resident.id}:{stamp}", now)
        resident.retention_notice_at = now
    return written, len(residents)
