"""A resident's answers to their follow-ups: the check-in still open, which typed words may
answer (read by the conversation's turn), and an answer applied (a button pressed, or words the
dialogue read as one). Apart from the planning (``routing.followups.service``), which an answer
calls to plan the idea again and which never reads an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from infra.driver import rows as driver_rows
from infra.orm import ONE_ROW
from infra.uow import UnitOfWork
from routing.followups.policy import (
    ANSWER_EVENT,
    ANSWER_STATUS,
    CHECKINS,
    Answer,
    Kind,
    Policy,
)
from routing.followups.records import FollowUp
from routing.followups.service import plan
from routing.journey import Idea, Resident, journey_event
from routing.sprints import ACTIVE_SPRINT_DAY1

OPEN_FOR_DAYS = 21  # a check-in typed answer counts for this long after it was sent
CODE_ANSWER = {"m": Answer.MOVING, "b": Answer.BLOCKED, "p": Answer.PAUSED, "r": Answer.REALIZED}


async def open_followup(
    session: AsyncSession, resident_id: int, now: datetime
) -> tuple[int, str] | None:
    """The last check-in (or nudge, or sprint feedback) sent and not answered, if recent."""
    since = now - timedelta(days=OPEN_FOR_DAYS)
    row = await session.scalar(_OPEN_FOLLOWUP, {"resident_id": resident_id, "since": since})
    return (row.id, row.kind) if row is not None else None


# Built once, with fixed binds: every typed message of a resident with a submitted idea asks it.
_OPEN_FOLLOWUP = (
    select(FollowUp)
    .where(
        FollowUp.resident_id == bindparam("resident_id"),
        FollowUp.status == literal("sent"),
        FollowUp.kind.in_(
            [literal(k.value) for k in (*CHECKINS, Kind.NUDGE, Kind.SPRINT_FEEDBACK)]
        ),
        FollowUp.claimed_at >= bindparam("since"),
    )
    .order_by(FollowUp.claimed_at.desc(), FollowUp.id.desc())
    .limit(1)
)
# A typed message after a submission asks both the open check-in and the idea's active sprint
# (its first day): one read, from a one-row source, so the row is there when neither is.
_ASKED = _OPEN_FOLLOWUP.with_only_columns(FollowUp.id, FollowUp.kind).subquery("asked")
_OPEN_FOLLOWUP_AND_SPRINT = (
    select(_ASKED.c.id, _ASKED.c.kind, ACTIVE_SPRINT_DAY1.label("sprint_day"))
    .select_from(ONE_ROW)
    .outerjoin(_ASKED, true())
)


async def open_followup_and_sprint_day(
    session: AsyncSession, resident_id: int, idea_id: int, now: datetime
) -> tuple[tuple[int, str] | None, date | None]:
    """``open_followup`` and the idea's active sprint's first day (``sprints.active_sprint``),
    in one round trip, on the driver (``infra.driver.rows``): a read, so on PostgreSQL, before
    the turn writes anything (``routing.conversation.claim_last``), without a ``BEGIN``."""
    since = now - timedelta(days=OPEN_FOR_DAYS)
    parameters = {"resident_id": resident_id, "since": since, "idea_id": idea_id}
    ((followup_id, kind, day),) = await driver_rows(
        session, _OPEN_FOLLOWUP_AND_SPRINT, parameters, begin=False
    )
    asked = (followup_id, kind) if followup_id is not None else None
    return asked, day


@dataclass(frozen=True)
class Answered:
    """What the answer did, for the reply: ``ok`` False when the follow-up is not theirs."""

    ok: bool
    code: str
    case_opened: bool = False


async def answer(
    uow: UnitOfWork,
    resident: Resident,
    followup_id: int,
    code: str,
    text: str | None,
    now: datetime,
    policy: Policy,
    open_case: Any = None,
) -> Answered:
    """Apply a resident's answer to one of their follow-ups (buttons lie: ownership checked).

    ``open_case(idea_id)`` opens a case for "C'est bloqué" (the service passes its own, so the
    staff group hears of it too)."""
    session = uow.session
    row = await session.get(FollowUp, followup_id)
    if row is None or row.resident_id != resident.id or row.status in ("pending", "cancelled"):
        return Answered(False, code)
    idea = await session.get(Idea, row.idea_id) if row.idea_id else None
    data = dict(row.data or {})
    if code in ("story", "comment"):
        data[code] = (text or "").strip()[:500] or None
        row.data = data
        row.updated_at = now
        return Answered(True, code)
    if code in ("y", "n"):
        data["share"] = code == "y"
        row.data = data
        row.updated_at = now
        kind = "realized_shared" if code == "y" else "realized_private"
        session.add(journey_event(idea, kind, now))
        return Answered(True, code)
    first = row.status != "answered"
    row.status = "answered"
    row.answer = code
    row.updated_at = now
    if code in "12345":
        data["score"] = int(code)
        row.data = data
        if first:
            answered = journey_event(idea, "followup_answered", now, followup=row.kind, answer=code)
            session.add(answered)
            session.add(journey_event(idea, "sprint_feedback", now, score=int(code)))
        return Answered(True, code)
    choice = CODE_ANSWER[code]
    case_opened = False
    if first:
        session.add(
            journey_event(idea, "followup_answered", now, followup=row.kind, answer=choice.value)
        )
        event = ANSWER_EVENT[choice]
        if event is not None:
            session.add(journey_event(idea, event, now, followup=row.kind))
    if idea is not None:
        idea.status = ANSWER_STATUS[choice]
        idea.updated_at = now
        if choice is Answer.BLOCKED and open_case is not None:
            await session.flush()
            await open_case(idea.id)
            case_opened = True
        await plan(uow, idea.id, now, policy)
    return Answered(True, code, case_opened)


__all__ = [
    "Answered",
    "answer",
    "open_followup",
]
