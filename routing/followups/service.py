"""Use cases of the follow-ups: keep each idea's FollowUp rows in step with the pure policy
(``routing.followups.policy``) and cancel them when they must not go out.

The rows are (re)planned when an idea is submitted and when its sprint is confirmed, moved or
cancelled; they are cancelled when the resident pauses (/pause), is erased (/oublier) or
blocked the bot (a 403). Turning due rows into outbox messages is ``routing.followups.delivery``;
applying the resident's answers, ``routing.followups.answers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    exists,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from infra.driver import rows as driver_rows
from infra.orm import flush_pending, json_recordset, loaded_or_get, many_rows, numbered
from infra.settings import Settings
from infra.uow import LaterWrite, UnitOfWork, rowcount
from routing.followups.policy import (
    REMINDERS,
    Due,
    IdeaFacts,
    Kind,
    Policy,
    schedule,
)
from routing.followups.records import FollowUp
from routing.journey import Idea, JourneyEvent, Resident
from routing.sprints import Sprint

SPRINT_KINDS = (*REMINDERS, Kind.SPRINT_FEEDBACK)
LIVE_SPRINT = ("confirmed", "held", "not_held")
DONE = ("sent", "answered")
# After these, the idea needs no nudge: something happened.
ACTIVITY_EVENTS = ("suggestion_accepted", "handoff_requested", "sprint_booked", "case_claimed")


@dataclass(frozen=True)
class Planner:
    """The follow-ups' planning under the policy the composition root built from the
    settings: what a sprint change, a submitted idea or a resident back from silence asks for."""

    policy: Policy  # policy_of(settings): no default

    async def plan(
        self, uow: UnitOfWork, idea_id: int, now: datetime, *, untouched: bool = False
    ) -> list[Due]:
        return await plan(uow, idea_id, now, self.policy, untouched=untouched)


def policy_of(settings: Settings) -> Policy:
    return Policy(
        tz=settings.tz,
        send_at=settings.followup_send_at,
        quiet_start=settings.followup_quiet_start,
        quiet_end=settings.followup_quiet_end,
        quiet_weekdays=frozenset(settings.followup_quiet_days),
        holidays_country=settings.case_holidays_country or None,
        holidays_subdivision=settings.case_holidays_subdivision or None,
    )


@dataclass(frozen=True)
class FollowUpPrompt:
    """A follow-up to render in the resident's language, with its buttons."""

    followup_id: int
    kind: str
    idea_ref: str | None
    idea_title: str | None
    day1: date | None = None
    day2: date | None = None
    room_name: str | None = None
    address: str | None = None


# Built once (a submission runs it; building a select() costs more than running it from the
# compiled cache), with fixed binds instead of expanding INs re-rendered at every execution.
# The policy's three reads in one round trip: every follow-up row of the idea (any status), its
# live sprint (the latest confirmed, held or not held) and whether something already happened
# to it (an activity event), on each row; one row with no follow-up when it has none yet.
_LIVE_SPRINT_ID = (
    select(Sprint.id)
    .where(
        Sprint.idea_id == bindparam("idea_id"),
        Sprint.status.in_([literal(status) for status in LIVE_SPRINT]),
    )
    .order_by(Sprint.id.desc())
    .limit(1)
    .scalar_subquery()
)
_ACTIVITY_OF = (
    select(JourneyEvent.id)
    .where(
        JourneyEvent.idea_id == bindparam("idea_id"),
        JourneyEvent.kind.in_([literal(kind) for kind in ACTIVITY_EVENTS]),
    )
    .limit(1)
    .scalar_subquery()
)
_PLANNING_READ = (
    select(FollowUp, Sprint, _ACTIVITY_OF)
    .select_from(Idea)
    .outerjoin(FollowUp, FollowUp.idea_id == Idea.id)
    .outerjoin(Sprint, Sprint.id == _LIVE_SPRINT_ID)
    .where(Idea.id == bindparam("idea_id"))
)


def untouched(idea_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether the idea has nothing the planning reads: no follow-up row (any status), no live
    sprint, no activity; for a statement that asks it beside its own work (a submission's),
    so that ``plan(untouched=True)`` needs no read."""
    followups, sprints, events = FollowUp.__table__, Sprint.__table__, JourneyEvent.__table__
    return ~or_(
        exists().where(followups.c.idea_id == idea_id),
        exists().where(
            sprints.c.idea_id == idea_id,
            sprints.c.status.in_([literal(status) for status in LIVE_SPRINT]),
        ),
        exists().where(
            events.c.idea_id == idea_id,
            events.c.kind.in_([literal(kind) for kind in ACTIVITY_EVENTS]),
        ),
    )


async def _planning_read(
    session: AsyncSession, idea_id: int
) -> tuple[list[FollowUp], Sprint | None, bool]:
    """The idea's follow-up rows, its live sprint and whether it had activity (one statement)."""
    rows: list[FollowUp] = []
    sprint: Sprint | None = None
    activity = False
    for row, live, event_id in (await session.execute(_PLANNING_READ, {"idea_id": idea_id})).all():
        if row is not None:
            rows.append(row)
        sprint, activity = live, event_id is not None
    return rows, sprint, activity


async def facts_of(session: AsyncSession, idea: Idea) -> tuple[IdeaFacts | None, Sprint | None]:
    """The policy's view of one idea, and its live sprint; None when it gets no follow-ups."""
    if idea.submitted_at is None or idea.resident_id is None:
        return None, None
    rows, sprint, activity = await _planning_read(session, idea.id)
    return await _facts(session, idea, rows, sprint, activity)


async def _facts(
    session: AsyncSession,
    idea: Idea,
    rows: Sequence[FollowUp],
    sprint: Sprint | None,
    activity: bool,
) -> tuple[IdeaFacts | None, Sprint | None]:
    if idea.submitted_at is None or idea.resident_id is None:
        return None, None
    resident = await loaded_or_get(session, Resident, idea.resident_id)
    if resident is None:
        return None, None
    day1 = sprint.day1.isoformat() if sprint else None
    done: set[Kind] = set()
    for row in rows:
        if row.status not in DONE:
            continue
        kind = Kind(row.kind)
        if kind in SPRINT_KINDS and (row.data or {}).get("day1") != day1:
            continue  # a reminder for the sprint's former days
        done.add(kind)
    facts = IdeaFacts(
        submitted_at=idea.submitted_at,
        sprint_day1=sprint.day1 if sprint else None,
        sprint_day2=sprint.day2 if sprint else None,
        realized=idea.status == "realized",
        paused=idea.status in ("paused", "abandoned")
        or resident.followups_paused
        or not resident.reachable,
        answered=frozenset(done),
        active=activity or any(r.status == "answered" for r in rows),
    )
    return facts, sprint


async def plan(
    uow: UnitOfWork, idea_id: int, now: datetime, policy: Policy, *, untouched: bool = False
) -> list[Due]:
    """Make the idea's pending rows match the policy: cancel what is no longer due, add the
    rest. Idempotent: planning twice changes nothing.

    The idea's rows are read once (any status: the facts, the pending rows kept or cancelled
    and a cancelled row due again all come from them), with its live sprint and activity in
    the same statement, and the new rows go in one INSERT: a submission used to cost a SELECT
    and an INSERT per row planned, then three SELECTs. ``untouched``: the caller knows the idea
    has none of these (``untouched()``), so nothing is read.
    """
    session = uow.session
    await flush_pending(session)
    idea = await loaded_or_get(session, Idea, idea_id)
    if idea is None:
        return []
    rows: list[FollowUp] = []
    live, activity = None, False  # what the read finds for an ``untouched`` idea
    if not untouched:
        rows, live, activity = await _planning_read(session, idea_id)
    facts, sprint = await _facts(session, idea, rows, live, activity)
    wanted = list(schedule(facts, policy, now)) if facts is not None else []
    day1 = sprint.day1.isoformat() if sprint else None
    keep: set[tuple[str, datetime]] = set()
    for row in rows:
        if row.status != "pending":
            continue
        key = (row.kind, row.due_at)
        match = any(d.kind == row.kind and d.due_at == row.due_at for d in wanted)
        if match and (row.kind not in SPRINT_KINDS or (row.data or {}).get("day1") == day1):
            keep.add(key)
        else:
            _cancel(row, now, "rescheduled")
    known = {(row.kind, row.due_at): row for row in rows}  # the unique key (idea, kind, due_at)
    added: list[dict[str, Any]] = []
    for due in wanted:
        if (due.kind.value, due.due_at) in keep:
            continue
        data: dict[str, Any] = {"day1": day1} if due.kind in SPRINT_KINDS else {}
        if sprint is not None and due.kind in SPRINT_KINDS:
            data["sprint_id"] = sprint.id
        existing = known.get((due.kind.value, due.due_at))
        if existing is not None:  # cancelled earlier, due again (e.g. /reprendre)
            if existing.status == "cancelled":
                existing.status = "pending"
                existing.cancel_reason = None
                existing.data = data
                existing.updated_at = now
            continue
        added.append(
            {
                "idea_id": idea_id,
                "resident_id": idea.resident_id,
                "kind": due.kind.value,
                "due_at": due.due_at,
                "status": "pending",
                "data": data,
                "created_at": now,
                "updated_at": now,
            }
        )
    await flush_pending(session)
    if added and uow.deferring:  # with the turn's last statement (PostgreSQL)
        await uow.write_later(LaterWrite("followups_added", _ADDED_FROM_JSON, _json(added)))
    elif added:
        await inserted(session, added)
    return wanted


async def inserted(session: AsyncSession, added: list[dict[str, Any]]) -> None:
    """The planned rows in one INSERT (``infra.orm.many_rows``) on the driver: through the
    session, SQLAlchemy's executemany of them cost about as much CPU again (issue 18)."""
    statement = many_rows(FollowUp.__table__, _ADDED_COLUMNS, len(added))
    await driver_rows(session, statement, numbered(added, _ADDED_COLUMNS))


# PostgreSQL: the same rows as one JSONB parameter, an INSERT a later statement of the turn can
# carry as a data-modifying CTE (``infra.uow.LaterWrite``): nothing reads them back in the turn.
_ADDED_COLUMNS = ("idea_id", "resident_id", "kind", "due_at", "status", "data", "created_at",
                  "updated_at")  # fmt: skip
_ADDED = json_recordset(FollowUp.__table__, "followup_rows", _ADDED_COLUMNS, "planned")
_ADDED_FROM_JSON = insert(FollowUp.__table__).from_select(
    list(_ADDED_COLUMNS), select(*(_ADDED.c[name] for name in _ADDED_COLUMNS))
)


def _json(added: list[dict[str, Any]]) -> dict[str, Any]:
    """``_ADDED_FROM_JSON``'s parameter: the rows, their instants as ISO strings."""
    instants = ("due_at", "created_at", "updated_at")
    rows = [row | {name: row[name].isoformat() for name in instants} for row in added]
    return {"followup_rows": rows}


def _cancel(row: FollowUp, now: datetime, reason: str) -> None:
    row.status = "cancelled"
    row.cancel_reason = reason
    row.updated_at = now


async def cancel_for_resident(
    session: AsyncSession, resident_id: int, now: datetime, reason: str
) -> int:
    """Cancel every pending follow-up of a resident (paused, erased, blocked the bot)."""
    result = await session.execute(
        update(FollowUp)
        .where(FollowUp.resident_id == resident_id, FollowUp.status == "pending")
        .values(status="cancelled", cancel_reason=reason, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


async def set_paused(
    uow: UnitOfWork, resident: Resident, paused: bool, now: datetime, policy: Policy
) -> None:
    """/pause cancels what is planned; /reprendre plans it again (nothing missed is sent)."""
    resident.followups_paused = paused
    if paused:
        await cancel_for_resident(uow.session, resident.id, now, "paused")
        return
    await replan_resident(uow, resident, now, policy)


async def replan_resident(
    uow: UnitOfWork, resident: Resident, now: datetime, policy: Policy
) -> None:
    """Plan every submitted idea's follow-ups again, from now on (/reprendre, or a resident who
    had blocked the bot writing again): what fell due meanwhile is not sent late."""
    if resident.followups_paused or not resident.reachable:
        return
    ideas = (
        await uow.session.scalars(
            select(Idea.id).where(Idea.resident_id == resident.id, Idea.submitted_at.is_not(None))
        )
    ).all()
    for idea_id in ideas:
        await plan(uow, idea_id, now, policy)


async def resident_blocked(session: AsyncSession, resident_id: int, now: datetime) -> int:
    """The bot was blocked (403): the resident is unreachable and nothing more is planned."""
    resident = await session.get(Resident, resident_id)
    if resident is not None:
        resident.reachable = False
    return await cancel_for_resident(session, resident_id, now, "unreachable")


async def erase_words(session: AsyncSession, resident_id: int, now: datetime) -> None:
    """Erasure: pending follow-ups are cancelled and the words typed in answers go."""
    await cancel_for_resident(session, resident_id, now, "erased")
    await session.execute(
        update(FollowUp)
        .where(FollowUp.resident_id == resident_id)
        .values(data={}, resident_id=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )


__all__ = [
    "FollowUpPrompt",
    "Planner",
    "cancel_for_resident",
    "erase_words",
    "facts_of",
    "plan",
    "policy_of",
    "replan_resident",
    "resident_blocked",
    "set_paused",
]
