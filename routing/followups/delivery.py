"""Use case: turn due follow-ups into outbox messages, each exactly once.

One run is one transaction: claim the due rows (``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL; on SQLite a conditional ``UPDATE … WHERE status = 'pending'``, since SQLite runs one
writer at a time), re-check each against the policy (an idea realized or a resident paused
since is cancelled, not sent), render it in the resident's language and write its outbox row
with the idempotency key ``followup:<id>``, then mark it sent. A crash before the commit leaves
everything as it was; after it, the outbox row exists and the outbox sender delivers it. Two
scheduler processes never claim the same row, and the unique key would refuse a second outbox
row anyway.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from infra.clock import Clock
from infra.uow import UnitOfWork
from routing.followups import service as followups
from routing.followups.policy import REMINDERS, Kind, Policy, schedule
from routing.followups.records import FollowUp
from routing.journey import Idea, Resident, register_of
from routing.outbox import Recipient, RenderContext, enqueue
from routing.sprints import room_info

log = logging.getLogger(__name__)
BATCH = 100
Render = Callable[[Sequence[Any], RenderContext], list[Any]]


async def _claim(uow: UnitOfWork, now: datetime, worker: str, limit: int) -> list[FollowUp]:
    session = uow.session
    due = (
        select(FollowUp)
        .where(FollowUp.status == "pending", FollowUp.due_at <= now)
        .order_by(FollowUp.due_at, FollowUp.id)
        .limit(limit)
    )
    if uow.dialect == "postgresql":
        rows = list((await session.scalars(due.with_for_update(skip_locked=True))).all())
        for row in rows:
            row.claimed_at = now
            row.claimed_by = worker
        await session.flush()
        return rows
    ids = list((await session.scalars(due.with_only_columns(FollowUp.id))).all())
    if not ids:
        return []
    await session.execute(
        update(FollowUp)
        .where(FollowUp.id.in_(ids), FollowUp.status == "pending", FollowUp.claimed_by.is_(None))
        .values(claimed_at=now, claimed_by=worker)
        .execution_options(synchronize_session=False)
    )
    return list(
        (
            await session.scalars(
                select(FollowUp)
                .where(FollowUp.id.in_(ids), FollowUp.claimed_by == worker)
                .execution_options(populate_existing=True)
            )
        ).all()
    )


async def enqueue_due(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    render: Render,
    policy: Policy,
    worker: str,
    *,
    channel: str = "telegram",
    limit: int = BATCH,
) -> list[int]:
    """One run: the outbox ids written for the follow-ups that were due."""
    return (await enqueue_batch(uow_factory, clock, render, policy, worker, channel, limit)).written


@dataclass(frozen=True)
class Batch:
    claimed: int  # follow-ups taken (some may have been cancelled instead of sent)
    written: list[int]  # the outbox ids written


async def enqueue_batch(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    render: Render,
    policy: Policy,
    worker: str,
    channel: str = "telegram",
    limit: int = BATCH,
) -> Batch:
    """One transaction: up to ``limit`` due follow-ups claimed, re-checked and written."""
    written: list[int] = []
    if not policy.allowed(clock.now()):
        return Batch(0, written)  # quiet hours: what fell due waits for the morning
    async with uow_factory() as uow:
        now = clock.now()
        rows = await _claim(uow, now, worker, limit)
        await _prefetch(uow, rows)
        for row in rows:
            outbox = await _turn_into_message(uow, row, now, render, policy, channel)
            if outbox is not None:
                written.append(outbox)
        await uow.commit()
    return Batch(len(rows), written)


async def enqueue_all_due(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    render: Render,
    policy: Policy,
    worker: str,
    *,
    budget_seconds: float,
    on_written: Callable[[list[int]], None] | None = None,
) -> list[int]:
    """Batches back to back until nothing is due or ``budget_seconds`` are spent, so 10,000
    check-ins due at 10:00 go out at the sender's pace instead of one batch per tick; after
    each batch ``on_written`` sees its outbox ids (to wake the sender at once)."""
    deadline = time.monotonic() + budget_seconds
    written: list[int] = []
    while True:
        batch = await enqueue_batch(uow_factory, clock, render, policy, worker, limit=BATCH)
        written.extend(batch.written)
        if batch.written and on_written is not None:
            on_written(batch.written)
        if batch.claimed < BATCH or time.monotonic() >= deadline:
            return written


async def _prefetch(uow: UnitOfWork, rows: Sequence[FollowUp]) -> None:
    """Load the batch's residents and ideas in two queries; ``session.get`` then finds them in
    the identity map instead of asking the database once per follow-up."""
    residents = {row.resident_id for row in rows if row.resident_id}
    ideas = {row.idea_id for row in rows if row.idea_id}
    if residents:
        (await uow.session.scalars(select(Resident).where(Resident.id.in_(residents)))).all()
    if ideas:
        (await uow.session.scalars(select(Idea).where(Idea.id.in_(ideas)))).all()


async def _turn_into_message(
    uow: UnitOfWork, row: FollowUp, now: datetime, render: Render, policy: Policy, channel: str
) -> int | None:
    session = uow.session
    resident = await session.get(Resident, row.resident_id) if row.resident_id else None
    idea = await session.get(Idea, row.idea_id) if row.idea_id else None
    if resident is None or idea is None or not resident.chat_id:
        _drop(row, now, "gone")
        return None
    if not resident.reachable:
        _drop(row, now, "unreachable")
        return None
    if resident.followups_paused:
        _drop(row, now, "paused")
        return None
    facts, sprint = await followups.facts_of(session, idea)
    still = facts is not None and any(
        d.kind.value == row.kind and d.due_at == row.due_at for d in schedule(facts, policy)
    )
    kind = Kind(row.kind)
    if kind in REMINDERS and sprint is not None:
        still = still and (row.data or {}).get("day1") == sprint.day1.isoformat()
    if not still:
        _drop(row, now, "no_longer_due")
        return None
    room = await room_info(uow, sprint.room_id) if sprint is not None else None
    prompt = followups.FollowUpPrompt(
        followup_id=row.id,
        kind=row.kind,
        idea_ref=idea.ref,
        idea_title=idea.title,
        day1=sprint.day1 if sprint else None,
        day2=sprint.day2 if sprint else None,
        room_name=room.name if room else None,
        address=room.address if room else None,
    )
    register = await register_of(session, resident.id)  # as their conversation speaks
    drafts = render([prompt], RenderContext(resident.locale, register=register))
    to = Recipient(channel, resident.chat_id, resident.id)
    ids = await enqueue(session, to, drafts, f"followup:{row.id}", now)
    first = ids[0] if ids else None
    row.status = "sent"
    row.outbox_id = first
    row.updated_at = now
    return first


def _drop(row: FollowUp, now: datetime, reason: str) -> None:
    row.status = "cancelled"
    row.cancel_reason = reason
    row.updated_at = now
