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
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from infra.clock import Clock
from infra.uow import UnitOfWork
from routing import followups
from routing.conversation import RenderContext
from routing.followup_policy import REMINDERS, Kind, Policy, schedule
from routing.followup_records import FollowUp
from routing.records import Idea, OutgoingMessage, Resident
from routing.sprints import _room_info

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
    written: list[int] = []
    if not policy.allowed(clock.now()):
        return written  # quiet hours: what fell due waits for the morning (a catch-up included)
    async with uow_factory() as uow:
        now = clock.now()
        rows = await _claim(uow, now, worker, limit)
        for row in rows:
            outbox = await _turn_into_message(uow, row, now, render, policy, channel)
            if outbox is not None:
                written.append(outbox)
        await uow.commit()
    return written


async def _turn_into_message(
    uow: UnitOfWork, row: FollowUp, now: datetime, render: Render, policy: Policy, channel: str
) -> int | None:
    session = uow.session
    resident = await session.get(Resident, row.resident_id) if row.resident_id else None
    idea = await session.get(Idea, row.idea_id) if row.idea_id else None
    if resident is None or idea is None or not resident.chat_id:
        return _drop(row, now, "gone")
    if not resident.reachable:
        return _drop(row, now, "unreachable")
    if resident.followups_paused:
        return _drop(row, now, "paused")
    facts, sprint = await followups.facts_of(session, idea)
    still = facts is not None and any(
        d.kind.value == row.kind and d.due_at == row.due_at for d in schedule(facts, policy)
    )
    kind = Kind(row.kind)
    if kind in REMINDERS and sprint is not None:
        still = still and (row.data or {}).get("day1") == sprint.day1.isoformat()
    if not still:
        return _drop(row, now, "no_longer_due")
    room = await _room_info(uow, sprint.room_id) if sprint is not None else None
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
    drafts = render([prompt], RenderContext(resident.locale))
    first: int | None = None
    for index, draft in enumerate(drafts):
        message = OutgoingMessage(
            resident_id=resident.id,
            channel=channel,
            chat_id=resident.chat_id,
            method=draft.method,
            payload=draft.payload,
            idempotency_key=f"followup:{row.id}:{index}",
            status="pending",
            attempts=0,
            not_before=now,
            erase_after_send=draft.erase_after_send,
            created_at=now,
        )
        session.add(message)
        await session.flush()
        first = first if first is not None else message.id
    row.status = "sent"
    row.outbox_id = first
    row.updated_at = now
    return first


def _drop(row: FollowUp, now: datetime, reason: str) -> None:
    row.status = "cancelled"
    row.cancel_reason = reason
    row.updated_at = now
    return None
