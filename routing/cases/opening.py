"""Opening a case: the resident's request routed to a team by the coordinators' rules (else the
teams' own scopes), its history begun, the staff group told. At most one active case per
resident: asking again joins the case already open.

Part of ``routing.cases.service`` (which names it), apart for its hot-path statements: a
submission that finds nothing in the directory opens a case in the resident's turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, literal, select, text, true
from sqlalchemy.dialects import postgresql

from infra.orm import ONE_ROW
from infra.uow import UnitOfWork
from routing.cases import group_posts
from routing.cases.access import case_event_row
from routing.cases.policy import Rule, TeamScope, choose_team
from routing.cases.records import CaseEvent, RoutingRule, Team
from routing.cases.states import ACTIVE, OPEN, SOURCES, InvalidRequest
from routing.journey import (
    Case,
    Idea,
    JourneyEvent,
    Resident,
    journey_columns,
    journey_event_from,
    record_journey_event,
)


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
    (a person asking twice is still one request). A new case is posted to ``staff_group``.

    One read (the resident's active case, the routing rules and the teams), the case's INSERT
    returning its row, its history and journey rows as Core INSERTs: a submission with no
    suggestion opens one, and the ORM's flushes and three SELECTs cost several times that."""
    if source not in SOURCES:
        raise InvalidRequest(f"unknown case source {source!r}")
    session = uow.session
    active_id, rules, teams = await _opening_read(uow, resident_id)
    if active_id is not None:
        existing = await session.get(Case, active_id)
        if existing is not None:
            if existing.idea_id is None and idea_id is not None:
                existing.idea_id = idea_id
            return existing
    resident = await session.get(Resident, resident_id)
    if resident is None:
        raise InvalidRequest(f"no resident {resident_id}")
    idea = await session.get(Idea, idea_id) if idea_id is not None else None
    team_id = choose_team(
        rules,
        [TeamScope(t.id, t.themes, t.neighbourhoods) for t in teams.values()],
        set(idea.themes or ()) if idea else set(),
        (idea.neighbourhood if idea else None) or resident.neighbourhood,
        reason,
    )
    case: Case
    values = {
        "resident_id": resident_id,
        "idea_id": idea_id,
        "reason": reason[:32],
        "source": source,
        "status": OPEN,
        "team_id": team_id,
        "opened_at": now,
        "queued_at": now,
    }
    team = teams.get(team_id) if team_id is not None else None
    slug = team.slug if team else None
    if uow.dialect == "postgresql":
        # Two turns of the same resident at once: the partial unique index lets one insert
        # win; the other's INSERT does nothing (its transaction, and its message, go on).
        history = case_event_row(None, "opened", now, actor=opened_by, reason=reason,
                                 source=source)  # fmt: skip
        journey = journey_columns(idea, "case_opened", now, reason=reason, source=source,
                                  team=slug)  # fmt: skip
        parameters = {
            **values,
            "history_actor": opened_by,
            "history_data": history["data"],
            "journey_idea": journey["idea_id"],
            "journey_data": journey["data"],
        }
        won: Case | None = (await session.scalars(_OPEN_CASE_ONCE, parameters)).one_or_none()
        if won is None:
            again = await active_case(uow, resident_id)
            if again is None:
                raise InvalidRequest(f"resident {resident_id}: case neither opened nor found")
            return again
        case = won
    else:
        case = (await session.scalars(_OPEN_CASE, values)).one()
        await session.execute(
            _CASE_EVENT,
            case_event_row(case, "opened", now, actor=opened_by, reason=reason, source=source),
        )
        await record_journey_event(
            session, idea, "case_opened", now, reason=reason, source=source, team=slug
        )
    await session.flush()
    if staff_group is not None:
        await group_posts.announce(uow, case, staff_group, "new", now)
    return case


@dataclass(frozen=True)
class _Team:
    id: int
    slug: str
    themes: frozenset[str]
    neighbourhoods: frozenset[str]


async def _opening_read(
    uow: UnitOfWork, resident_id: int
) -> tuple[int | None, list[Rule], dict[int, _Team]]:
    """The resident's active case (its id), the routing rules and the teams: one statement,
    which also carries the writes the turn deferred (``infra.uow.LaterWrite``: a submission's
    match that found nothing, written before the case it opens)."""
    active_id: int | None = None
    rules: dict[int, Rule] = {}
    teams: dict[int, _Team] = {}
    read, parameters = uow.carry_later(_OPENING_READ, {"opening_resident": resident_id})
    for row in await uow.session.execute(read, parameters):
        active_id = row.active_id
        if row.team_id is not None and row.team_id not in teams:
            teams[row.team_id] = _Team(
                row.team_id,
                row.slug,
                frozenset(row.team_themes or ()),
                frozenset(row.team_neighbourhoods or ()),
            )
        if row.rule_id is not None:
            rules[row.rule_id] = Rule(
                row.team_id, row.priority, row.theme, row.neighbourhood, row.reason, row.rule_id
            )
    return active_id, list(rules.values()), teams


# Built once, with fixed binds (an expanding IN is rendered again at every execution): every
# case opened asks it first.
_ACTIVE_OF_RESIDENT = (
    Case.resident_id == bindparam("resident_id"),
    Case.status.in_([literal(status) for status in ACTIVE]),
)
_ACTIVE_CASE = select(Case).where(*_ACTIVE_OF_RESIDENT)
# A parameter that names no column: the read carries deferred UPDATEs, which would SET it.
_ACTIVE_CASE_ID = (
    select(Case.id)
    .where(Case.resident_id == bindparam("opening_resident"), _ACTIVE_OF_RESIDENT[1])
    .scalar_subquery()
)
# Every team at least once (with each of its rules; a rule always has its team), and the active
# case's id on every row; from a one-row source, so the row is there without any team.
_OPENING_READ = (
    select(
        _ACTIVE_CASE_ID.label("active_id"),
        Team.id.label("team_id"),
        Team.slug,
        Team.themes.label("team_themes"),
        Team.neighbourhoods.label("team_neighbourhoods"),
        RoutingRule.id.label("rule_id"),
        RoutingRule.priority,
        RoutingRule.theme,
        RoutingRule.neighbourhood,
        RoutingRule.reason,
    )
    .select_from(ONE_ROW)
    .outerjoin(Team, true())
    .outerjoin(RoutingRule, RoutingRule.team_id == Team.id)
)
_CASE_COLUMNS = ("resident_id", "idea_id", "reason", "source", "status", "team_id", "opened_at",
                 "queued_at")  # fmt: skip
_CASES = Case.__table__
_OPEN_CASE = select(Case).from_statement(
    insert(_CASES).values({name: bindparam(name) for name in _CASE_COLUMNS}).returning(*_CASES.c)
)
_CASE_EVENT = insert(CaseEvent.__table__)
# PostgreSQL: the case, its "opened" history row and its case_opened journey event in one round
# trip, the INSERTs as data-modifying CTEs; the history and the event are written only when
# the case was (the rows' data built in Python, as case_event_row and journey_columns do).
_OPENED = (
    postgresql.insert(_CASES)
    .values({name: bindparam(name) for name in _CASE_COLUMNS})
    .on_conflict_do_nothing(
        # The partial index's own predicate, written out: with a bound value instead, a generic
        # plan (asyncpg's prepared statement, from the sixth execution) cannot infer the index.
        index_elements=[_CASES.c.resident_id],
        index_where=text("status != 'resolved'"),
    )
    .returning(*_CASES.c)
    .cte("opened")
)
_HISTORY = CaseEvent.__table__
_OPENED_HISTORY = (
    insert(_HISTORY)
    .from_select(
        ["case_id", "kind", "actor_id", "data", "occurred_at"],
        select(
            _OPENED.c.id,
            literal("opened", _HISTORY.c.kind.type),
            bindparam("history_actor", type_=_HISTORY.c.actor_id.type),
            bindparam("history_data", type_=_HISTORY.c.data.type),
            bindparam("opened_at", type_=_HISTORY.c.occurred_at.type),
        ),
    )
    .cte("history")
)
_JOURNEY = JourneyEvent.__table__
_OPENED_JOURNEY = journey_event_from(
    bindparam("journey_idea", type_=_JOURNEY.c.idea_id.type),
    "case_opened",
    bindparam("journey_data", type_=_JOURNEY.c.data.type),
    at="opened_at",
    source=_OPENED,
).cte("journey")
_OPEN_CASE_ONCE = select(Case).from_statement(
    select(*_OPENED.c).add_cte(_OPENED_HISTORY).add_cte(_OPENED_JOURNEY)
)


async def active_case(uow: UnitOfWork, resident_id: int) -> Case | None:
    return await uow.session.scalar(_ACTIVE_CASE, {"resident_id": resident_id})
