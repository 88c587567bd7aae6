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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from infra.settings import Settings
from infra.uow import UnitOfWork
from knowledge.resources import canonical_theme
from routing.cases import group_posts, parts
from routing.cases import phrases as case_phrases
from routing.cases.policy import Rule, TeamScope, WorkingHours, choose_team, french_working_hours
from routing.cases.records import CaseEvent, RoutingRule, Team, TeamMember
from routing.journey import Case, Idea, Message, Resident, journey_event
from routing.outbox import Recipient, Text, enqueue
from routing.staff import Actor, StaffMember

OPEN, CLAIMED, WAITING, RESOLVED = "open", "claimed", "waiting", "resolved"
ACTIVE = (OPEN, CLAIMED, WAITING)
HELD = (CLAIMED, WAITING)  # a person holds the conversation
SOURCES = ("resident", "dialogue", "agent")
OUTCOMES = ("answered", "referred", "sprint", "no_reply", "duplicate", "other")
HANDED_BACK = "handed_back"  # the outcome of a hand back
REPLY_MAX_CHARS = 20_000  # sent in parts of Telegram's 4,096 (routing.cases.parts), never cut
CLOSING_MAX_CHARS = 1000
NOTE_MAX_CHARS = 2000
SUPERVISORS = ("coordinator", "admin")


class CaseError(Exception):
    pass


class UnknownCase(CaseError, LookupError):
    pass


class UnknownStaff(CaseError, LookupError):
    pass


class NotAllowed(CaseError, PermissionError):
    pass


class CaseClosed(CaseError):
    """The case is resolved (or its resident erased): nothing more can happen to it."""


class InvalidRequest(CaseError, ValueError):
    pass


# -- views -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseView:
    id: int
    status: str
    reason: str
    source: str
    team_id: int | None
    team_name: str | None
    holder_id: int | None
    holder_name: str | None
    resident_id: int | None
    resident_name: str | None
    idea_id: int | None
    idea_ref: str | None
    idea_title: str | None
    neighbourhood: str | None
    themes: tuple[str, ...]
    opened_at: datetime
    queued_at: datetime | None
    claimed_at: datetime | None
    escalated_at: datetime | None
    resolved_at: datetime | None
    outcome: str | None
    waiting_minutes: int  # since it opened, wall-clock: what the resident lived

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None and self.status == OPEN


@dataclass(frozen=True)
class MessageView:
    id: int
    at: datetime
    direction: str  # "in" from the resident, "out" from an agent
    kind: str
    text: str | None
    file_id: str | None
    needs_human: bool
    author: str | None  # the agent's display name for "out"


@dataclass(frozen=True)
class CaseEventView:
    id: int
    kind: str
    actor_id: int | None
    actor_name: str | None
    note: str | None
    data: dict[str, Any]
    occurred_at: datetime


@dataclass(frozen=True)
class Holder:
    """Who holds a resident's request, as the resident may know it: first name and team."""

    first_name: str
    team: str | None


@dataclass(frozen=True)
class ServiceLevelReport:
    escalated: tuple[int, ...]
    returned: tuple[int, ...]


# -- opening and routing ---------------------------------------------------------------------


async def open_case(
    uow: UnitOfWork,
    resident_id: int,
    idea_id: int | None,
    reason: str,
    now: datetime,
    source: str,
    opened_by: int | None = None,
    staff_group: group_posts.StaffGroup | None = None,
) -> Case:
    """Open a case routed to a team, or return the resident's case that is already active
    (a person asking twice is still one request). A new case is posted to ``staff_group``."""
    if source not in SOURCES:
        raise InvalidRequest(f"unknown case source {source!r}")
    session = uow.session
    existing = await active_case(uow, resident_id)
    if existing is not None:
        if existing.idea_id is None and idea_id is not None:
            existing.idea_id = idea_id
        return existing
    resident = await session.get(Resident, resident_id)
    if resident is None:
        raise InvalidRequest(f"no resident {resident_id}")
    idea = await session.get(Idea, idea_id) if idea_id is not None else None
    team_id = await route(
        uow,
        themes=tuple(idea.themes or ()) if idea else (),
        neighbourhood=(idea.neighbourhood if idea else None) or resident.neighbourhood,
        reason=reason,
    )
    case = Case(
        resident_id=resident_id,
        idea_id=idea_id,
        reason=reason[:32],
        source=source,
        status=OPEN,
        team_id=team_id,
        opened_at=now,
        queued_at=now,
    )
    if uow.dialect == "postgresql":
        # Two turns of the same resident at once: the partial unique index lets one insert win;
        # the savepoint keeps the other's transaction (and its message) alive.
        try:
            async with session.begin_nested():
                session.add(case)
                await session.flush()
        except IntegrityError:
            again = await active_case(uow, resident_id)
            if again is None:
                raise
            return again
    else:
        session.add(case)
        await session.flush()
    session.add(_case_event(case, "opened", now, actor=opened_by, reason=reason, source=source))
    team = await session.get(Team, team_id) if team_id is not None else None
    session.add(
        journey_event(
            idea, "case_opened", now, reason=reason, source=source, team=team.slug if team else None
        )
    )
    await session.flush()
    if staff_group is not None:
        await group_posts.announce(uow, case, staff_group, "new", now)
    return case


async def route(
    uow: UnitOfWork, themes: Sequence[str], neighbourhood: str | None, reason: str
) -> int | None:
    """The team for a request, by the coordinators' rules, then the teams' own scopes. A rule
    without criteria is the fallback team; without one, coordinators see the case."""
    rules = [
        Rule(r.team_id, r.priority, r.theme, r.neighbourhood, r.reason, r.id)
        for r in (await uow.session.scalars(select(RoutingRule))).all()
    ]
    teams = [
        TeamScope(t.id, frozenset(t.themes or ()), frozenset(t.neighbourhoods or ()))
        for t in (await uow.session.scalars(select(Team))).all()
    ]
    return choose_team(rules, teams, set(themes), neighbourhood, reason)


async def active_case(uow: UnitOfWork, resident_id: int) -> Case | None:
    return await uow.session.scalar(
        select(Case).where(Case.resident_id == resident_id, Case.status.in_(ACTIVE))
    )


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
    return Holder(_first_name(staff), await _team_name(uow, case))


# -- the queue -------------------------------------------------------------------------------


async def queue(uow: UnitOfWork, staff_id: int, now: datetime) -> list[CaseView]:
    """Unclaimed cases this person may take, longest-waiting first: an agent sees their teams'
    cases, coordinators and admins see every case (those without a team too)."""
    staff = await _staff(uow, staff_id)
    query = select(Case).where(Case.status == OPEN).order_by(Case.opened_at, Case.id)
    if staff.role not in SUPERVISORS:
        query = query.where(Case.team_id.in_(await _team_ids(uow, staff_id)))
    rows = (await uow.session.scalars(query)).all()
    return [await _view(uow, case, now) for case in rows]


async def held_by(uow: UnitOfWork, staff_id: int, now: datetime) -> list[CaseView]:
    """The cases this person holds, the one waiting longest for them first."""
    rows = (
        await uow.session.scalars(
            select(Case)
            .where(Case.holder_id == staff_id, Case.status.in_(HELD))
            .order_by(Case.awaiting_holder_since.is_(None), Case.awaiting_holder_since, Case.id)
        )
    ).all()
    return [await _view(uow, case, now) for case in rows]


async def case_view(uow: UnitOfWork, case_id: int, now: datetime) -> CaseView:
    return await _view(uow, await _case(uow, case_id), now)


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
    staff = await _staff(uow, staff_id)
    case = await _case(uow, case_id)
    await _may_take(uow, staff, case)
    return await _take(uow, case_id, staff, now, kind="claimed", actor_id=staff.id)


async def assign(uow: UnitOfWork, case_id: int, by: Actor, staff_id: int, now: datetime) -> bool:
    """A coordinator gives an open case to someone; same atomicity as ``claim``."""
    actor = await _staff(uow, by.staff_id)
    if actor.id == staff_id:
        won = await _claim(uow, case_id, staff_id, now)
        code = "case.claimed"
    else:
        if actor.role not in SUPERVISORS:
            raise NotAllowed("only coordinators assign cases to others")
        staff = await _staff(uow, staff_id)
        await _case(uow, case_id)
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
    actor = await _staff(uow, by.staff_id)
    case = await _case(uow, case_id, lock=True)
    _must_be_active(case)
    await _may_act(uow, actor, case)
    team = await uow.session.get(Team, to_team_id) if to_team_id is not None else None
    if to_team_id is not None and team is None:
        raise InvalidRequest(f"no team {to_team_id}")
    target = await _staff(uow, to_staff_id) if to_staff_id is not None else None
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
        _back_to_queue(case, now)
    event = _case_event(
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
        await _tell_holder(uow, case, target, event, now)
    details = {"team": to_team_id, "to": to_staff_id}
    await by.record(uow, "case.transferred", "case", case_id, details, now)


async def hand_back(
    uow: UnitOfWork, case_id: int, by: Actor, now: datetime, message: str | None = None
) -> None:
    """The person is done: the conversation goes back to the bot, and the case closes. The
    resident is told in one sentence (``message``, else the default) when a person held the
    conversation or the agent wrote one."""
    actor = await _staff(uow, by.staff_id)
    case = await _case(uow, case_id, lock=True)
    _must_be_active(case)
    await _may_act(uow, actor, case)
    was_held = case.status in HELD
    _close(case, HANDED_BACK, None, now)
    event = _case_event(case, "handed_back", now, actor=actor.id)
    uow.session.add(event)
    await uow.session.flush()
    await _resolved_event(uow, case, now)
    await _tell_closing(uow, case, actor, event, now, message, was_held)
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
    actor = await _staff(uow, by.staff_id)
    case = await _case(uow, case_id, lock=True)
    _must_be_active(case)
    await _may_act(uow, actor, case)
    was_held = case.status in HELD
    _close(case, outcome, note.strip()[:NOTE_MAX_CHARS] or None, now)
    event = _case_event(
        case, "resolved", now, actor=actor.id, note=case.resolution_note, outcome=outcome
    )
    uow.session.add(event)
    await uow.session.flush()
    await _resolved_event(uow, case, now)
    await _tell_closing(uow, case, actor, event, now, message, was_held)
    await by.record(uow, "case.resolved", "case", case_id, {"outcome": outcome}, now)


async def _tell_closing(
    uow: UnitOfWork,
    case: Case,
    actor: StaffMember,
    event: CaseEvent,
    now: datetime,
    message: str | None,
    was_held: bool,
) -> None:
    words = (message or "").strip()[:CLOSING_MAX_CHARS]
    if not words and not was_held:
        return
    resident = await _resident(uow, case)
    if resident is None:
        return
    if not words:
        words = case_phrases.closing(resident.locale, case.outcome or "other", _first_name(actor))
    await _tell(uow, resident, words, _key(case, event), now)


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
            _close(case, "erased", None, now)
            session.add(_case_event(case, "resolved", now, outcome="erased"))
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
    staff = await _staff(uow, by.staff_id)
    case = await _case(uow, case_id, lock=True)
    if case.status not in HELD or case.holder_id != staff.id:
        raise NotAllowed("only the person holding the case replies; claim it first")
    resident = await _resident(uow, case)
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
    session.add(_case_event(case, "replied", now, actor=staff.id, message_id=message.id))
    case.status = WAITING
    case.awaiting_holder_since = None
    case.last_holder_activity_at = now
    text_out = case_phrases.signed(
        resident.locale, words, _first_name(staff), await _team_name(uow, case)
    )
    row_id = await _tell_parts(
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
    uow.session.add(_case_event(case, "resident_message", now, message_id=message_id))
    if case.status == WAITING:
        case.status = CLAIMED
    if case.awaiting_holder_since is None:
        case.awaiting_holder_since = now


async def transcript(uow: UnitOfWork, case_id: int, after_id: int = 0) -> list[MessageView]:
    """The resident's messages and the agents' replies, oldest first; ``after_id`` lets a
    console poll for what is new. The whole conversation with this resident is shown, since
    what they said before asking for a person is the context the agent needs."""
    case = await _case(uow, case_id)
    if case.resident_id is None:
        return []
    rows = (
        await uow.session.execute(
            select(Message, StaffMember.display_name)
            .outerjoin(StaffMember, StaffMember.id == Message.staff_id)
            .where(Message.resident_id == case.resident_id, Message.id > after_id)
            .order_by(Message.id)
        )
    ).all()
    return [
        MessageView(
            id=m.id,
            at=m.created_at,
            direction=m.direction,
            kind=m.kind,
            text=m.text,
            file_id=m.file_id,
            needs_human=m.needs_human,
            author=author,
        )
        for m, author in rows
    ]


async def history(uow: UnitOfWork, case_id: int) -> list[CaseEventView]:
    await _case(uow, case_id)
    rows = (
        await uow.session.execute(
            select(CaseEvent, StaffMember.display_name)
            .outerjoin(StaffMember, StaffMember.id == CaseEvent.actor_id)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.id)
        )
    ).all()
    return [
        CaseEventView(e.id, e.kind, e.actor_id, name, e.note, dict(e.data or {}), e.occurred_at)
        for e, name in rows
    ]


# -- service levels --------------------------------------------------------------------------


@cache
def _hours(
    timezone: Any, start: Any, end: Any, days: tuple[int, ...], country: str, subdivision: str
) -> WorkingHours:
    return french_working_hours(timezone, start, end, days, country or None, subdivision or None)


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
            event = _case_event(case, "escalated", now, working_minutes=waited)
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
            _back_to_queue(case, now)
            event = _case_event(case, "returned_to_queue", now, holder=holder)
            session.add(event)
            returned.append(case.id)
            if group is not None:
                await session.flush()
                await group_posts.announce(
                    uow, case, group, "returned", now, waited_minutes=waited, tag=event.id
                )
    await session.flush()
    return ServiceLevelReport(tuple(escalated), tuple(returned))


# -- teams and rules (coordinators) ----------------------------------------------------------


async def create_team(
    uow: UnitOfWork,
    slug: str,
    name: str,
    themes: Sequence[str] = (),
    neighbourhoods: Sequence[str] = (),
) -> Team:
    themes = list(dict.fromkeys(canonical_theme(t) for t in themes))  # one vocabulary
    team = Team(slug=slug, name=name, themes=themes, neighbourhoods=list(neighbourhoods))
    uow.session.add(team)
    await uow.session.flush()
    return team


async def add_member(uow: UnitOfWork, team_id: int, staff_id: int) -> None:
    if await uow.session.get(TeamMember, (team_id, staff_id)) is None:
        uow.session.add(TeamMember(team_id=team_id, staff_id=staff_id))
        await uow.session.flush()


async def remove_member(uow: UnitOfWork, team_id: int, staff_id: int) -> None:
    await uow.session.execute(
        delete(TeamMember).where(TeamMember.team_id == team_id, TeamMember.staff_id == staff_id)
    )


async def add_rule(
    uow: UnitOfWork,
    team_id: int,
    priority: int = 100,
    theme: str | None = None,
    neighbourhood: str | None = None,
    reason: str | None = None,
) -> RoutingRule:
    theme = canonical_theme(theme) if theme else None  # "festivity" is "events" everywhere
    rule = RoutingRule(
        team_id=team_id, priority=priority, theme=theme, neighbourhood=neighbourhood, reason=reason
    )
    uow.session.add(rule)
    await uow.session.flush()
    return rule


async def remove_rule(uow: UnitOfWork, rule_id: int) -> None:
    await uow.session.execute(delete(RoutingRule).where(RoutingRule.id == rule_id))


async def rules(uow: UnitOfWork) -> list[RoutingRule]:
    query = select(RoutingRule).order_by(RoutingRule.priority, RoutingRule.id)
    return list((await uow.session.scalars(query)).all())


async def teams(uow: UnitOfWork) -> list[Team]:
    return list((await uow.session.scalars(select(Team).order_by(Team.name))).all())


# -- inside ----------------------------------------------------------------------------------


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
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
    case = await session.get(Case, case_id, populate_existing=True)
    assert case is not None
    event = _case_event(case, kind, now, actor=actor_id, holder=staff.id)
    session.add(event)
    await session.flush()
    idea = await session.get(Idea, case.idea_id) if case.idea_id else None
    minutes = round((now - case.opened_at).total_seconds() / 60)
    session.add(journey_event(idea, "case_claimed", now, minutes=minutes, reason=case.reason))
    await _tell_holder(uow, case, staff, event, now)
    await group_posts.taken(uow, case, staff, await _team_name(uow, case), event.id, now)
    return True


async def _tell_holder(
    uow: UnitOfWork, case: Case, staff: StaffMember, event: CaseEvent, now: datetime
) -> None:
    """Tell the resident who now holds their request (DESIGN §5: say who holds it)."""
    resident = await _resident(uow, case)
    if resident is None:
        return
    text = case_phrases.claimed(resident.locale, _first_name(staff), await _team_name(uow, case))
    await _tell(uow, resident, text, _key(case, event), now)
    await uow.session.flush()


def _back_to_queue(case: Case, now: datetime) -> None:
    case.status = OPEN
    case.holder_id = None
    case.queued_at = now
    case.escalated_at = None
    case.awaiting_holder_since = None


def _close(case: Case, outcome: str, note: str | None, now: datetime) -> None:
    case.status = RESOLVED
    case.outcome = outcome
    case.resolution_note = note
    case.resolved_at = now
    case.awaiting_holder_since = None


async def _resolved_event(uow: UnitOfWork, case: Case, now: datetime) -> None:
    idea = await uow.session.get(Idea, case.idea_id) if case.idea_id else None
    minutes = round((now - case.opened_at).total_seconds() / 60)
    uow.session.add(
        journey_event(
            idea, "case_resolved", now, outcome=case.outcome, reason=case.reason, minutes=minutes
        )
    )


async def _tell_parts(
    uow: UnitOfWork, resident: Resident, texts: list[str], key: str, now: datetime
) -> int:
    """A long reply in several messages, in order (keys ``key:0``, ``key:1``…); the first
    row's id."""
    if len(texts) == 1:
        return await _tell(uow, resident, texts[0], key, now)
    to = Recipient(resident.channel, resident.chat_id, resident.id)
    ids = await enqueue(uow.session, to, [Text(t) for t in texts], key, now)
    return ids[0]


async def _tell(uow: UnitOfWork, resident: Resident, text: str, key: str, now: datetime) -> int:
    """The resident's message, as an outbox row (only the outbox sender talks to Telegram)."""
    to = Recipient(resident.channel, resident.chat_id, resident.id)
    (row_id,) = await enqueue(uow.session, to, [Text(text)], key, now, numbered=False)
    return row_id


def _key(case: Case, event: CaseEvent) -> str:
    return f"case:{case.id}:e{event.id}"


def _case_event(
    case: Case,
    kind: str,
    now: datetime,
    *,
    actor: int | None = None,
    note: str | None = None,
    message_id: int | None = None,
    **data: Any,
) -> CaseEvent:
    return CaseEvent(
        case_id=case.id,
        kind=kind,
        actor_id=actor,
        note=note,
        message_id=message_id,
        data={k: v for k, v in data.items() if v is not None},
        occurred_at=now,
    )


async def _case(uow: UnitOfWork, case_id: int, *, lock: bool = False) -> Case:
    query = select(Case).where(Case.id == case_id).execution_options(populate_existing=True)
    if lock and uow.dialect == "postgresql":
        query = query.with_for_update()
    case = await uow.session.scalar(query)
    if case is None:
        raise UnknownCase(case_id)
    return case


async def _staff(uow: UnitOfWork, staff_id: int) -> StaffMember:
    staff = await uow.session.get(StaffMember, staff_id)
    if staff is None or not staff.active:
        raise UnknownStaff(staff_id)
    return staff


async def _resident(uow: UnitOfWork, case: Case) -> Resident | None:
    return await uow.session.get(Resident, case.resident_id) if case.resident_id else None


async def _team_ids(uow: UnitOfWork, staff_id: int) -> list[int]:
    query = select(TeamMember.team_id).where(TeamMember.staff_id == staff_id)
    return list((await uow.session.scalars(query)).all())


async def _team_name(uow: UnitOfWork, case: Case) -> str | None:
    if case.team_id is None:
        return None
    team = await uow.session.get(Team, case.team_id)
    return team.name if team else None


def _must_be_active(case: Case) -> None:
    if case.status not in ACTIVE:
        raise CaseClosed(case.id)


async def _may_take(uow: UnitOfWork, staff: StaffMember, case: Case) -> None:
    if staff.role in SUPERVISORS:
        return
    if case.team_id is None or case.team_id not in await _team_ids(uow, staff.id):
        raise NotAllowed("this case belongs to another team")


async def _may_act(uow: UnitOfWork, staff: StaffMember, case: Case) -> None:
    """The holder, a coordinator, or (on an unclaimed case) a member of its team."""
    if staff.role in SUPERVISORS or case.holder_id == staff.id:
        return
    if case.status == OPEN:
        await _may_take(uow, staff, case)
        return
    raise NotAllowed("another person holds this case")


def _first_name(staff: StaffMember) -> str:
    words = (staff.display_name or "").split()
    return words[0] if words else staff.email.split("@", 1)[0]


async def _view(uow: UnitOfWork, case: Case, now: datetime) -> CaseView:
    session = uow.session
    team = await session.get(Team, case.team_id) if case.team_id else None
    holder = await session.get(StaffMember, case.holder_id) if case.holder_id else None
    resident = await session.get(Resident, case.resident_id) if case.resident_id else None
    idea = await session.get(Idea, case.idea_id) if case.idea_id else None
    return CaseView(
        id=case.id,
        status=case.status,
        reason=case.reason,
        source=case.source,
        team_id=case.team_id,
        team_name=team.name if team else None,
        holder_id=case.holder_id,
        holder_name=holder.display_name if holder else None,
        resident_id=case.resident_id,
        resident_name=resident.display_name if resident else None,
        idea_id=case.idea_id,
        idea_ref=idea.ref if idea else None,
        idea_title=idea.title if idea else None,
        neighbourhood=(idea.neighbourhood if idea else None)
        or (resident.neighbourhood if resident else None),
        themes=tuple(idea.themes or ()) if idea else (),
        opened_at=case.opened_at,
        queued_at=case.queued_at,
        claimed_at=case.claimed_at,
        escalated_at=case.escalated_at,
        resolved_at=case.resolved_at,
        outcome=case.outcome,
        waiting_minutes=max(0, round((now - case.opened_at).total_seconds() / 60)),
    )
