"""Service levels: office hours from the settings, and the periodic job that escalates cases
left unclaimed too long and returns to the queue those whose holder went silent (time off does
not count)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select

from infra.settings import Settings
from infra.uow import UnitOfWork
from routing.cases import group_posts
from routing.cases.access import case_event
from routing.cases.policy import WorkingHours, french_working_hours
from routing.cases.states import CLAIMED, OPEN, back_to_queue
from routing.journey import Case


@dataclass(frozen=True)
class ServiceLevelReport:
    escalated: tuple[int, ...]
    returned: tuple[int, ...]


@cache
def _hours(
    timezone: Any, start: Any, end: Any, days: tuple[int, ...], country: str, subdivision: str
) -> WorkingHours:
    return french_working_hours(
        timezone, start, end, days, country=country or None, subdivision=subdivision or None
    )


def working_hours(settings: Settings) -> WorkingHours:
    """The office hours that service levels count, from the settings (cached per value)."""
    return _hours(
        settings.tz,
        settings.case_work_start,
        settings.case_work_end,
        tuple(settings.case_work_days),
        settings.case_holidays_country or "",
        settings.case_holidays_subdivision or "",
    )


async def enforce_service_levels(
    uow: UnitOfWork, now: datetime, settings: Settings
) -> ServiceLevelReport:
    """Run periodically. An open case unclaimed for longer than the allowed working time is
    escalated to coordinators (it stays in the queue, flagged); a claimed case whose holder
    has left the resident waiting too long goes back to the queue. Time off does not count,
    so a request sent at night waits for the morning and is never dropped."""
    hours = working_hours(settings)
    group = group_posts.staff_group_of(settings)
    session = uow.session
    locking = uow.dialect == "postgresql"
    unclaimed = select(Case).where(Case.status == OPEN, Case.escalated_at.is_(None))
    silent = select(Case).where(Case.status == CLAIMED, Case.awaiting_holder_since.is_not(None))
    if locking:  # several schedulers: each case is handled by one of them
        unclaimed = unclaimed.with_for_update(skip_locked=True)
        silent = silent.with_for_update(skip_locked=True)
    escalated: list[int] = []
    for case in (await session.scalars(unclaimed.order_by(Case.id))).all():
        since = case.queued_at or case.opened_at
        if hours.add(since, settings.case_escalate_after_working_minutes) <= now:
            case.escalated_at = now
            waited = round(hours.between(since, now))
            event = case_event(case, "escalated", now, working_minutes=waited)
            session.add(event)
            escalated.append(case.id)
            if group is not None:  # coordinators see it in the group too
                await session.flush()
                await group_posts.announce(
                    uow, case, group, "escalated", now, waited_minutes=waited, tag=event.id
                )
    returned: list[int] = []
    for case in (await session.scalars(silent.order_by(Case.id))).all():
        assert case.awaiting_holder_since is not None
        if hours.add(case.awaiting_holder_since, settings.case_holder_silence_minutes) <= now:
            holder = case.holder_id
            waited = round(hours.between(case.awaiting_holder_since, now))
            back_to_queue(case, now)
            event = case_event(case, "returned_to_queue", now, holder=holder)
            session.add(event)
            returned.append(case.id)
            if group is not None:
                await session.flush()
                await group_posts.announce(
                    uow, case, group, "returned", now, waited_minutes=waited, tag=event.id
                )
    await session.flush()
    return ServiceLevelReport(tuple(escalated), tuple(returned))
