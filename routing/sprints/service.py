"""Use cases of the two-day sprint: options, confirm, reschedule, cancel, mark held.

Each takes an entered unit of work and leaves the commit to the caller. Booking is decided by
the database: the person-days and room-days are inserted with ``ON CONFLICT DO NOTHING …
RETURNING`` in one global order (room-days, then person-days, each sorted), so of two
confirmations of overlapping options exactly one gets every row; the other sees rows missing,
removes what it wrote, and gets fresh options at once (``Lost``). Nothing raises, so the
caller's transaction (a resident's turn) stays usable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from infra.settings import Settings
from infra.uow import UnitOfWork
from knowledge.territory import Gazetteer
from routing.journey import Idea, journey_event
from routing.sprints.availability import ACTIVE, SprintOffer, active_sprint, sprint_options
from routing.sprints.notices import Booked, booked_of, ics_of, tell_panel
from routing.sprints.planning_terms import Option, Rules
from routing.sprints.records import PersonDay, RoomDay, Sprint, SprintSeat


def rules_of(settings: Settings) -> Rules:
    """The sprint rules of the configured town: its time zone and its public holidays."""
    return Rules(
        tz=settings.tz,
        holidays_country=settings.case_holidays_country or "",
        holidays_subdivision=settings.case_holidays_subdivision or None,
        locale=settings.locale,
    )


class FollowUpPlanner(Protocol):
    """Replans an idea's follow-ups when its sprint changes (``routing.followups.Planner``).

    Passed in, not imported: follow-ups build on sprints (their reminders name its days and
    room), so a sprint only asks them to catch up, in the same unit of work."""

    async def plan(self, uow: UnitOfWork, idea_id: int, now: datetime) -> object: ...


@dataclass(frozen=True)
class Lost:
    """Someone else took a person or the room meanwhile: here are fresh options."""

    offer: SprintOffer


@dataclass(frozen=True)
class Cancelled:
    sprint_id: int
    day1: date
    day2: date
    ics: bytes


def _insert(uow: UnitOfWork, model: type[Any]) -> Any:
    return pg_insert(model) if uow.dialect == "postgresql" else sqlite_insert(model)


async def _commit_days(
    uow: UnitOfWork, sprint_id: int, days: Sequence[date], room_id: int, people: Iterable[int]
) -> bool:
    """Insert the room-days then the person-days, in one global order; True if all were free.
    On a conflict, removes the rows this sprint wrote and returns False."""
    session = uow.session
    room_rows = [{"room_id": room_id, "day": d, "sprint_id": sprint_id} for d in sorted(days)]
    person_rows = [
        {"person_id": p, "day": d, "sprint_id": sprint_id}
        for p in sorted(set(people))
        for d in sorted(days)
    ]
    for model, rows, keys in (
        (RoomDay, room_rows, ["room_id", "day"]),
        (PersonDay, person_rows, ["person_id", "day"]),
    ):
        if not rows:
            continue
        statement = (
            _insert(uow, model)
            .values(rows)
            .on_conflict_do_nothing(index_elements=keys)
            .returning(model.id)
        )
        written = (await session.execute(statement)).scalars().all()
        if len(written) != len(rows):
            await _release(uow, sprint_id)
            return False
    return True


async def _release(uow: UnitOfWork, sprint_id: int) -> None:
    await uow.session.execute(delete(PersonDay).where(PersonDay.sprint_id == sprint_id))
    await uow.session.execute(delete(RoomDay).where(RoomDay.sprint_id == sprint_id))


async def _seat(uow: UnitOfWork, sprint: Sprint, option: Option) -> None:
    await uow.session.execute(delete(SprintSeat).where(SprintSeat.sprint_id == sprint.id))
    for member_id in option.panel:
        role = "facilitator" if member_id == option.facilitator_id else "member"
        uow.session.add(SprintSeat(sprint_id=sprint.id, member_id=member_id, role=role))


async def confirm(
    uow: UnitOfWork,
    idea_id: int,
    option: Option,
    now: datetime,
    *,
    followups: FollowUpPlanner,
    gazetteer: Gazetteer | None = None,
    rules: Rules,
) -> Booked | Lost:
    """Book the option for the idea (or move the idea's confirmed sprint to it)."""
    current = await active_sprint(uow, idea_id)
    if current is not None:
        return await reschedule(
            uow, current.id, option, now, followups=followups, gazetteer=gazetteer, rules=rules
        )
    session = uow.session
    idea = await session.get(Idea, idea_id)
    if idea is None:
        raise LookupError(f"no idea {idea_id}")
    sprint = Sprint(
        idea_id=idea_id,
        status="confirmed",
        day1=option.day1,
        day2=option.day2,
        room_id=option.room_id,
        needed=sorted(option.covered | option.missing),
        covered=sorted(option.covered),
        ics_uid=f"sprint-{uuid.uuid4().hex}@declic",
        sequence=0,
        created_at=now,
        updated_at=now,
        confirmed_at=now,
    )
    session.add(sprint)
    await session.flush()
    days = (option.day1, option.day2)
    if not await _commit_days(uow, sprint.id, days, option.room_id, option.panel):
        await session.delete(sprint)
        await session.flush()
        offer = await sprint_options(uow, idea_id, now, gazetteer=gazetteer, rules=rules)
        return Lost(offer)
    await _seat(uow, sprint, option)
    idea.status = "sprint_booked"
    idea.updated_at = now
    session.add(
        journey_event(
            idea,
            "sprint_booked",
            now,
            panel_size=len(option.panel),
            coverage=round(option.coverage, 2),
            distance=option.distance,
        )
    )
    await session.flush()
    await followups.plan(uow, idea_id, now)  # reminders, feedback, check-ins
    booked = await booked_of(uow, sprint, idea, now, rules)
    await tell_panel(uow, sprint, idea, "booked", booked.ics, now, rules)
    return booked


async def reschedule(
    uow: UnitOfWork,
    sprint_id: int,
    option: Option,
    now: datetime,
    *,
    followups: FollowUpPlanner,
    gazetteer: Gazetteer | None = None,
    rules: Rules,
) -> Booked | Lost:
    """Move a confirmed sprint: its commitments are released and the new ones taken in one
    transaction; if the new ones are lost, the old ones are taken back."""
    session = uow.session
    sprint = await session.get(Sprint, sprint_id)
    if sprint is None or sprint.status not in ACTIVE:
        raise LookupError(f"no confirmed sprint {sprint_id}")
    old_days = (sprint.day1, sprint.day2)
    old_room = sprint.room_id
    old_people = (
        await session.scalars(select(SprintSeat.member_id).where(SprintSeat.sprint_id == sprint.id))
    ).all()
    await _release(uow, sprint.id)
    days = (option.day1, option.day2)
    if not await _commit_days(uow, sprint.id, days, option.room_id, option.panel):
        if old_room is not None:
            await _commit_days(uow, sprint.id, old_days, old_room, old_people)
        offer = await sprint_options(
            uow, sprint.idea_id or 0, now, gazetteer=gazetteer, rules=rules
        )
        return Lost(offer)
    sprint.day1, sprint.day2 = days
    sprint.room_id = option.room_id
    sprint.covered = sorted(option.covered)
    sprint.sequence += 1
    sprint.updated_at = now
    await _seat(uow, sprint, option)
    idea = await session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    session.add(journey_event(idea, "sprint_rescheduled", now))
    await session.flush()
    if sprint.idea_id is not None:
        await followups.plan(uow, sprint.idea_id, now)  # reminders move with the days
    booked = await booked_of(uow, sprint, idea, now, rules, rescheduled=True)
    await tell_panel(uow, sprint, idea, "rescheduled", booked.ics, now, rules)
    return booked


async def cancel(
    uow: UnitOfWork,
    sprint_id: int,
    now: datetime,
    *,
    followups: FollowUpPlanner,
    rules: Rules,
) -> Cancelled:
    """Cancel a sprint and release its people and room."""
    sprint, idea = await _cancelled(uow, sprint_id, now)
    if sprint.idea_id is not None:
        await followups.plan(uow, sprint.idea_id, now)  # back to check-ins after submission
    return await _announce_cancellation(uow, sprint, idea, now, rules)


async def _cancelled(uow: UnitOfWork, sprint_id: int, now: datetime) -> tuple[Sprint, Idea | None]:
    session = uow.session
    sprint = await session.get(Sprint, sprint_id)
    if sprint is None or sprint.status not in ACTIVE:
        raise LookupError(f"no confirmed sprint {sprint_id}")
    await _release(uow, sprint.id)
    sprint.status = "cancelled"
    sprint.sequence += 1
    sprint.cancelled_at = now
    sprint.updated_at = now
    idea = await session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    if idea is not None and idea.status == "sprint_booked":
        idea.status = "submitted"
        idea.updated_at = now
    session.add(journey_event(idea, "sprint_cancelled", now))
    await session.flush()
    return sprint, idea


async def _announce_cancellation(
    uow: UnitOfWork, sprint: Sprint, idea: Idea | None, now: datetime, rules: Rules
) -> Cancelled:
    ics = await ics_of(uow, sprint, idea, now, rules, cancelled=True)
    await tell_panel(uow, sprint, idea, "cancelled", ics, now, rules)
    return Cancelled(sprint.id, sprint.day1, sprint.day2, ics)


async def cancel_for_erasure(
    uow: UnitOfWork, idea_ids: Sequence[int], now: datetime, rules: Rules
) -> int:
    """The ideas' resident was erased: their booked sprints are cancelled, people and room
    released, and the panel told (without the idea's words, already gone; the .ics in the
    town's time zone, the words in the town's language for whoever chose none: ``rules``). The
    resident is told nothing. Returns how many were
    cancelled."""
    if not idea_ids:
        return 0
    sprint_ids = (
        await uow.session.scalars(
            select(Sprint.id).where(Sprint.idea_id.in_(idea_ids), Sprint.status.in_(ACTIVE))
        )
    ).all()
    for sprint_id in sprint_ids:
        # No follow-ups planned again: the erasure cancels the resident's own right after.
        sprint, idea = await _cancelled(uow, sprint_id, now)
        await _announce_cancellation(uow, sprint, idea, now, rules)
    return len(sprint_ids)


async def mark_held(
    uow: UnitOfWork, sprint_id: int, held: bool, note: str | None, now: datetime
) -> Sprint:
    """After the sprint, staff say whether it took place, with a short note."""
    sprint = await uow.session.get(Sprint, sprint_id)
    if sprint is None or sprint.status not in (*ACTIVE, "held", "not_held"):
        raise LookupError(f"no sprint {sprint_id} to mark")
    sprint.status = "held" if held else "not_held"
    sprint.note = (note or "").strip()[:2000] or None
    sprint.held_marked_at = now
    sprint.updated_at = now
    idea = await uow.session.get(Idea, sprint.idea_id) if sprint.idea_id else None
    uow.session.add(journey_event(idea, "sprint_held", now, held=held))
    await uow.session.flush()
    return sprint
