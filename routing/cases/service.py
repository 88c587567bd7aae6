"""Use cases around cases: requests routed to people, from opening to resolution.

Every function takes an *entered* unit of work and leaves the commit to the caller, so a case
change, its history and the message it sends to the resident (an outbox row) commit together
or not at all. The console and the conversation service call these with plain ids.

Life of a case::

    open ──claim/assign──▶ claimed ──reply──▶ waiting ──resident writes──▶ claimed
     ▲  ◀──transfer to a team / holder silent too long──┘                       │
     └──────────────────────────── resolve / hand back ──▶ resolved ◀───────────┘

While a case is claimed or waiting, a person holds the conversation: the bot stays silent
except for commands (see ``routing.conversation.service``).

Errors: ``CaseError`` ◀ ``UnknownCase``, ``UnknownStaff``, ``NotAllowed``, ``CaseClosed``,
``InvalidRequest``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from infra.uow import UnitOfWork, rowcount
from routing.cases import group_posts, parts
from routing.cases import phrases as case_phrases
from routing.cases.access import (
    case_event,
    first_name,
    load_case,
    load_staff,
    may_act,
    may_take,
    must_be_active,
    resident_of,
    team_name_of,
)

# Opening a case lives in its own module; desk, console and tests reach it here too.
from routing.cases.opening import active_case as active_case
from routing.cases.opening import open_case as open_case
from routing.cases.records import CaseEvent, Team
from routing.cases.states import (
    CLAIMED,
    HANDED_BACK,
    HELD,
    NOTE_MAX_CHARS,
    OPEN,
    OUTCOMES,
    REPLY_MAX_CHARS,
    RESOLVED,
    SUPERVISORS,
    WAITING,
    CaseClosed,
    InvalidRequest,
    NotAllowed,
    back_to_queue,
    close,
)
from routing.cases.telling import tell_closing, tell_holder, tell_parts
from routing.journey import Case, Idea, Message, journey_event
from routing.staff import Actor, StaffMember


@dataclass(frozen=True)
class Holder:
    """Who holds a resident's request, as the resident may know it: first name and team."""

    first_name: str
    team: str | None


async def held_case(uow: UnitOfWork, resident_id: int) -> Case | None:
    """The resident's case while a person holds the conversation (claimed or waiting)."""
    return await uow.session.scalar(
        select(Case).where(Case.resident_id == resident_id, Case.status.in_(HELD))
    )


async def holder_of(uow: UnitOfWork, case: Case) -> Holder | None:
    if case.holder_id is None or case.status not in HELD:
        return None
    staff = await uow.session.get(StaffMember, case.holder_id)
    if staff is None:
        return None
    return Holder(first_name(staff), await team_name_of(uow, case))


# -- taking, passing on, closing ---------------------------------------------------------------


async def claim(uow: UnitOfWork, case_id: int, by: Actor, now: datetime) -> bool:
    """Take an open case; True for exactly one of several people claiming at once (and only
    the winner's claim is audited).

    PostgreSQL: the row is locked with ``FOR UPDATE SKIP LOCKED``, so a concurrent claimer
    skips it instead of waiting. SQLite: one conditional ``UPDATE … WHERE status = 'open'``;
    SQLite's single writer serialises them and the losers update no row.
    """
    won = await _claim(uow, case_id, by.staff_id, now)
    if won:
        await by.record(uow, "case.claimed", "case", case_id, {}, now)
    return won


async def _claim(uow: UnitOfWork, case_id: int, staff_id: int, now: datetime) -> bool:
    staff = await load_staff(uow, staff_id)
    case = await load_case(uow, case_id)
    await may_take(uow, staff, case)
    return await _take(uow, case_id, staff, now, kind="claimed", actor_id=staff.id)


async def assign(uow: UnitOfWork, case_id: int, by: Actor, staff_id: int, now: datetime) -> bool:
    """A coordinator gives an open case to someone; same atomicity as ``claim``."""
    actor = await load_staff(uow, by.staff_id)
    if actor.id == staff_id:
        won = await _claim(uow, case_id, staff_id, now)
        code = "case.claimed"
    else:
        if actor.role not in SUPERVISORS:
            raise NotAllowed("only coordinators assign cases to others")
        staff = await load_staff(uow, staff_id)
        await load_case(uow, case_id)
        won = await _take(uow, case_id, staff, now, kind="assigned", actor_id=actor.id)
        code = "case.assigned"
    if won:
        await by.record(uow, code, "case", case_id, {"to": staff_id}, now)
    return won


async def transfer(
    uow: UnitOfWork,
    case_id: int,
    by: Actor,
    now: datetime,
    to_team_id: int | None = None,
    to_staff_id: int | None = None,
    note: str = "",
) -> None:
    """Pass a case on, with a note for whoever gets it: to a person (who then holds it), or to
    a team (it goes back to that team's queue, and its service-level clock restarts)."""
    if to_team_id is None and to_staff_id is None:
        raise InvalidRequest("transfer to a team, a person, or both")
    actor = await load_staff(uow, by.staff_id)
    case = await load_case(uow, case_id, lock=True)
    must_be_active(case)
    await may_act(uow, actor, case)
    team = await uow.session.get(Team, to_team_id) if to_team_id is not None else None
    if to_team_id is not None and team is None:
        raise InvalidRequest(f"no team {to_team_id}")
    target = await load_staff(uow, to_staff_id) if to_staff_id is not None else None
    data = {"from_team": case.team_id, "from_holder": case.holder_id}
    if team is not None:
        case.team_id = team.id
    if target is not None:
        case.status = CLAIMED
        case.holder_id = target.id
        case.claimed_at = now
        case.awaiting_holder_since = now
        case.last_holder_activity_at = now
    else:
        back_to_queue(case, now)
    event = case_event(
        case,
        "transferred",
        now,
        actor=actor.id,
        note=note.strip()[:NOTE_MAX_CHARS] or None,
        **data,
        to_team=case.team_id,
        to_holder=case.holder_id,
    )
    uow.session.add(event)
    await uow.session.flush()
    if target is not None:
        await tell_holder(uow, case, target, event, now)
    details = {"team": to_team_id, "to": to_staff_id}
    await by.record(uow, "case.transferred", "case", case_id, details, now)


async def hand_back(
    uow: UnitOfWork, case_id: int, by: Actor, now: datetime, message: str | None = None
) -> None:
    """The person is done: the conversation goes back to the bot, and the case closes. The
    resident is told in one sentence (``message``, else the default) when a person held the
    conversation or the agent wrote one."""
    actor = await load_staff(uow, by.staff_id)
    case = await load_case(uow, case_id, lock=True)
    must_be_active(case)
    await may_act(uow, actor, case)
    was_held = case.status in HELD
    close(case, HANDED_BACK, None, now)
    event = case_event(case, "handed_back", now, actor=actor.id)
    uow.session.add(event)
    await uow.session.flush()
    await _resolved_event(uow, case, now)
    await tell_closing(uow, case, actor, event, now, message, was_held)
    await by.record(uow, "case.handed_back", "case", case_id, {}, now)


async def resolve(
    uow: UnitOfWork,
    case_id: int,
    by: Actor,
    outcome: str,
    note: str,
    now: datetime,
    message: str | None = None,
) -> None:
    """Close a case with an outcome (one of ``OUTCOMES``) and an optional staff note, and the
    bot answers again. The resident is told in one sentence (``message``, else the outcome's
    default) when a person held the conversation or the agent wrote one."""
    if outcome not in OUTCOMES:
        raise InvalidRequest(f"unknown outcome {outcome!r}; expected one of {OUTCOMES}")
    actor = await load_staff(uow, by.staff_id)
    case = await load_case(uow, case_id, lock=True)
    must_be_active(case)
    await may_act(uow, actor, case)
    was_held = case.status in HELD
    close(case, outcome, note.strip()[:NOTE_MAX_CHARS] or None, now)
    event = case_event(
        case, "resolved", now, actor=actor.id, note=case.resolution_note, outcome=outcome
    )
    uow.session.add(event)
    await uow.session.flush()
    await _resolved_event(uow, case, now)
    await tell_closing(uow, case, actor, event, now, message, was_held)
    await by.record(uow, "case.resolved", "case", case_id, {"outcome": outcome}, now)


async def staff_replied(uow: UnitOfWork, case_id: int) -> bool:
    """Did a person ever write to the resident in this case?"""
    found = await uow.session.scalar(
        select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.kind == "replied")
    )
    return found is not None


async def close_for_erasure(uow: UnitOfWork, resident_id: int, now: datetime) -> list[int]:
    """The resident was erased (``/oublier`` or the retention period): their open cases close
    with the outcome "erased" and an audit entry each; nobody is told anything (there is no
    one left to tell), and the holder sees it in the case's history. Staff notes go with the
    resident's words. Returns the ids of the cases closed."""
    session = uow.session
    cases = (await session.scalars(select(Case).where(Case.resident_id == resident_id))).all()
    closed: list[int] = []
    for case in cases:
        if case.status != RESOLVED:
            close(case, "erased", None, now)
            session.add(case_event(case, "resolved", now, outcome="erased"))
            await _resolved_event(uow, case, now)
            closed.append(case.id)
        case.resolution_note = None
    await session.execute(
        update(CaseEvent)
        .where(CaseEvent.case_id.in_([c.id for c in cases]))
        .values(note=None)
        .execution_options(synchronize_session=False)
    )
    return closed


# -- the conversation between a person and a resident ----------------------------------------


async def reply(uow: UnitOfWork, case_id: int, by: Actor, text: str, now: datetime) -> int:
    """Send the resident a message from the person holding the case, signed with their first
    name and team; returns the outbox row id. The first reply of a case is a journey milestone
    (``first_human_reply``, with the minutes since the request)."""
    words = text.strip()
    if not words:
        raise InvalidRequest("an empty reply")
    if len(words) > REPLY_MAX_CHARS:
        raise InvalidRequest(f"a reply has at most {REPLY_MAX_CHARS} characters")
    staff = await load_staff(uow, by.staff_id)
    case = await load_case(uow, case_id, lock=True)
    if case.status not in HELD or case.holder_id != staff.id:
        raise NotAllowed("only the person holding the case replies; claim it first")
    resident = await resident_of(uow, case)
    if resident is None:
        raise CaseClosed("the resident erased their data")
    session = uow.session
    message = Message(
        resident_id=resident.id,
        idea_id=case.idea_id,
        direction="out",
        kind="agent",
        text=words,
        staff_id=staff.id,
        needs_human=False,
        created_at=now,
    )
    session.add(message)
    await session.flush()
    first = (
        await session.scalar(
            select(CaseEvent.id).where(CaseEvent.case_id == case.id, CaseEvent.kind == "replied")
        )
        is None
    )
    session.add(case_event(case, "replied", now, actor=staff.id, message_id=message.id))
    case.status = WAITING
    case.awaiting_holder_since = None
    case.last_holder_activity_at = now
    text_out = case_phrases.signed(
        resident.locale, words, first_name(staff), await team_name_of(uow, case)
    )
    row_id = await tell_parts(
        uow, resident, parts.split(text_out), f"case:{case.id}:m{message.id}", now
    )
    if first:
        idea = await session.get(Idea, case.idea_id) if case.idea_id else None
        minutes = round((now - case.opened_at).total_seconds() / 60)
        session.add(
            journey_event(idea, "first_human_reply", now, minutes=minutes, reason=case.reason)
        )
    await by.record(uow, "case.replied", "case", case_id, {"outbox": row_id}, now)
    await session.flush()
    return row_id


async def record_resident_message(
    uow: UnitOfWork, case: Case, message_id: int | None, now: datetime
) -> None:
    """A resident wrote while a person holds their case: the words are already in the
    transcript; the case history notes it, and the ball is in the holder's court again."""
    uow.session.add(case_event(case, "resident_message", now, message_id=message_id))
    if case.status == WAITING:
        case.status = CLAIMED
    if case.awaiting_holder_since is None:
        case.awaiting_holder_since = now


async def _take(
    uow: UnitOfWork, case_id: int, staff: StaffMember, now: datetime, *, kind: str, actor_id: int
) -> bool:
    session = uow.session
    values = {
        "status": CLAIMED,
        "holder_id": staff.id,
        "claimed_at": now,
        "last_holder_activity_at": now,
        "awaiting_holder_since": now,
    }
    if uow.dialect == "postgresql":
        locked = await session.scalar(
            select(Case.id)
            .where(Case.id == case_id, Case.status == OPEN)
            .with_for_update(skip_locked=True)
        )
        if locked is None:
            return False
        await session.execute(
            update(Case)
            .where(Case.id == case_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    else:
        result = await session.execute(
            update(Case)
            .where(Case.id == case_id, Case.status == OPEN)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            return False
    case = await session.get(Case, case_id, populate_existing=True)
    assert case is not None
    event = case_event(case, kind, now, actor=actor_id, holder=staff.id)
    session.add(event)
    await session.flush()
    idea = await session.get(Idea, case.idea_id) if case.idea_id else None
    minutes = round((now - case.opened_at).total_seconds() / 60)
    session.add(journey_event(idea, "case_claimed", now, minutes=minutes, reason=case.reason))
    await tell_holder(uow, case, staff, event, now)
    await group_posts.taken(uow, case, staff, await team_name_of(uow, case), event.id, now)
    return True


async def _resolved_event(uow: UnitOfWork, case: Case, now: datetime) -> None:
    idea = await uow.session.get(Idea, case.idea_id) if case.idea_id else None
    minutes = round((now - case.opened_at).total_seconds() / 60)
    uow.session.add(
        journey_event(
            idea, "case_resolved", now, outcome=case.outcome, reason=case.reason, minutes=minutes
        )
    )
