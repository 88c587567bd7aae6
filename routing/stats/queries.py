"""Coordinator statistics (issue 7): queries over journey events and ideas, privacy built in.

The same SQL runs on SQLite and PostgreSQL; the only dialect-specific pieces are the month of an
instant and the unnesting of an idea's themes (``routing.stats.cells``). Stages are read
from ``idea_stages``, the per-idea rollup a trigger keeps from ``journey_events``.

Privacy (DESIGN §3, issue 7):
- No personal data: only the idea's non-personal facts (quartier, themes, group type, campaign,
  language, month) and counts. Names, words and resident ids never leave these modules.
- Small cells: a cell whose ideas come from fewer than ``min_cell`` residents is suppressed
  (``None``; the console shows "< 5"); zeros name nobody and stay. Residents are told apart
  by ``ideas.resident_id``; an erased resident's ideas keep one ``anonymous_author`` (set at
  erasure), so they still count as one resident.
- Complementary suppression: in a table by one dimension whose total is published, a column
  with exactly one suppressed cell loses its next smallest cell as well, so the total minus the
  other cells never gives back the hidden one. Conversions and durations built on a suppressed
  cell are suppressed too.
- Differencing (issue 17): two requests with different ``since`` dates could be subtracted to
  isolate a small group. So every published count is rounded to ``round_to`` (a group of fewer
  than ``round_to`` residents moves a published count by 0 or ``round_to``, never by its size),
  and a filtered cell whose complement (the same cell before ``since``) comes from 1 to
  ``min_cell - 1`` residents is suppressed, since the all-time table minus it would give them
  back (``routing.stats.suppression``). The README's Statistics section states the rule.
- The console is reserved to coordinators and each view is audited.
- Erasure keeps journey events and the ideas' facts, so counts do not change when a resident
  is forgotten.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from infra.uow import UnitOfWork
from knowledge.records import ResourceRow
from routing.cases import CaseEvent, Team
from routing.journey import Case, Idea
from routing.matching import Suggestion
from routing.staff import StaffMember
from routing.stats import metrics
from routing.stats.cells import (
    Filters,
    Options,
    array_length,
    count_cells,
    idea_filters,
    idea_person,
)
from routing.stats.records import IdeaStage
from routing.stats.suppression import complement_small, rounded, safe_count, suppress_table

TOP_RESOURCES = 10
STALE_LISTED = 50


def _conversions(row: dict[str, int | None]) -> dict[str, float | None]:
    return {
        metrics.conversion_name(pair): metrics.rate(row.get(pair[1]), row.get(pair[0]))
        for pair in metrics.conversions()
    }


def _sort_key(dimension: str, item: tuple[Any, dict[str, int | None]]) -> tuple[Any, ...]:
    key, row = item
    if dimension == "month":
        return (key is None, str(key))
    received = row.get("received")
    return (received is None, -(received or 0), str(key))


async def funnel(uow: UnitOfWork, filters: Filters, options: Options) -> dict[str, int | None]:
    """The funnel's counts, each suppressed under ``min_cell`` residents (or when the ideas
    received before ``since`` are that few), then rounded to ``round_to``."""
    cells = await count_cells(uow, "total", filters, options)
    stages = cells.get("total") or {s.name: (0, 0) for s in metrics.STAGES}
    hidden = await complement_small(uow, "total", filters, options)
    return {
        name: None
        if ("total", name) in hidden
        else rounded(safe_count(n, r, options.min_cell), options.round_to)
        for name, (n, r) in stages.items()
    }


async def cut(
    uow: UnitOfWork, dimension: str, filters: Filters, options: Options
) -> list[dict[str, Any]]:
    """One table by ``dimension``: a row per value (None: not known), stages and conversions."""
    if dimension not in metrics.CUT_NAMES:
        raise ValueError(f"unknown cut {dimension!r}")
    hidden = await complement_small(uow, dimension, filters, options)
    table = suppress_table(
        await count_cells(uow, dimension, filters, options), options.min_cell, hidden
    )
    for row in table.values():
        for name, value in row.items():
            row[name] = rounded(value, options.round_to)
    rows = sorted(table.items(), key=lambda item: _sort_key(dimension, item))
    return [{"key": key, **row, "conversions": _conversions(row)} for key, row in rows]


async def durations(
    uow: UnitOfWork, filters: Filters, options: Options
) -> dict[str, dict[str, Any]]:
    """Median and p90 (minutes) of each duration of the dictionary, over the ideas that have
    both ends; suppressed when they come from fewer than ``min_cell`` residents."""
    out: dict[str, dict[str, Any]] = {}
    columns = {
        "case_opened": IdeaStage.case_opened_at,
        "first_human_reply": IdeaStage.human_contact_at,
        "idea_received": IdeaStage.received_at,
        "sprint_booked": IdeaStage.sprint_booked_at,
        "action_started": IdeaStage.action_started_at,
    }
    for duration in metrics.DURATIONS:
        start, end = columns[duration.start], columns[duration.end]
        rows = (
            await uow.session.execute(
                select(idea_person(), start, end)
                .select_from(IdeaStage)
                .join(Idea, Idea.id == IdeaStage.idea_id)
                .where(*idea_filters(filters, options.tz), start.is_not(None), end.is_not(None))
            )
        ).all()
        spans = [(p, a, b) for p, a, b in rows if a is not None and b is not None and b >= a]
        minutes = [(b - a).total_seconds() / 60 for _, a, b in spans]
        residents = len({person for person, _, _ in spans})
        visible = residents >= options.min_cell
        out[duration.name] = {
            "unit": "minutes",
            "ideas": rounded(len(minutes), options.round_to) if visible else None,
            **{
                f"p{p}": (round(metrics.percentile(minutes, p) or 0, 1) if visible else None)
                for p in metrics.PERCENTILES
            },
        }
    return out


async def unmet_needs(
    uow: UnitOfWork, filters: Filters, options: Options
) -> dict[str, list[dict[str, Any]]]:
    """Needs the directory could not meet (ideas.unmet_needs), by theme and by quartier."""
    rows = (
        await uow.session.execute(
            select(idea_person(), Idea.neighbourhood, Idea.themes, Idea.unmet_needs)
            .select_from(IdeaStage)
            .join(Idea, Idea.id == IdeaStage.idea_id)
            .where(
                *idea_filters(filters, options.tz), array_length(uow.dialect, Idea.unmet_needs) > 0
            )
        )
    ).all()
    by_theme: dict[tuple[str, Any], list[int]] = defaultdict(list)
    by_place: dict[tuple[str, Any], list[int]] = defaultdict(list)
    for person, neighbourhood, themes, needs in rows:
        for need in needs or ():
            for theme in themes or (None,):
                by_theme[(need, theme)].append(person)
            by_place[(need, neighbourhood)].append(person)

    def table(cells: dict[tuple[str, Any], list[int]], dimension: str) -> list[dict[str, Any]]:
        counted = {key: {"ideas": (len(p), len(set(p)))} for key, p in cells.items()}
        safe = suppress_table(counted, options.min_cell)
        ordered = sorted(
            safe.items(),
            key=lambda kv: (kv[1]["ideas"] is None, -(kv[1]["ideas"] or 0), str(kv[0])),
        )
        return [
            {"need": k[0], dimension: k[1], "ideas": rounded(v["ideas"], options.round_to)}
            for k, v in ordered
        ]

    return {
        "by_theme": table(by_theme, "theme"),
        "by_neighbourhood": table(by_place, "neighbourhood"),
    }


async def resources(
    uow: UnitOfWork, filters: Filters, options: Options
) -> dict[str, list[dict[str, Any]]]:
    """The directory entries most suggested and most accepted (ideas; residents for privacy)."""

    async def top(accepted: bool) -> list[dict[str, Any]]:
        person = idea_person()
        query = (
            select(
                Suggestion.external_id,
                func.max(Suggestion.name),
                func.max(Suggestion.kind),
                func.count(func.distinct(Suggestion.idea_id)),
                func.count(func.distinct(person)),
            )
            .select_from(Suggestion)
            .join(Idea, Idea.id == Suggestion.idea_id)
            .join(IdeaStage, IdeaStage.idea_id == Idea.id)
            .where(*idea_filters(filters, options.tz))
            .group_by(Suggestion.external_id)
            .order_by(func.count(func.distinct(Suggestion.idea_id)).desc(), Suggestion.external_id)
            .limit(TOP_RESOURCES)
        )
        if accepted:
            query = query.where(Suggestion.status == "accepted")
        rows = (await uow.session.execute(query)).all()
        return [
            {
                "id": eid,
                "name": name,
                "kind": kind,
                "ideas": rounded(safe_count(n, r, options.min_cell), options.round_to),
            }
            for eid, name, kind, n, r in rows
        ]

    return {"most_suggested": await top(False), "most_accepted": await top(True)}


async def stale_resources(uow: UnitOfWork, today: date, months: int) -> dict[str, Any]:
    """Active directory entries not verified for ``months`` months (or never)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    cutoff = date(year, month + 1, min(today.day, 28))
    stale = and_(
        ResourceRow.active.is_(True),
        or_(ResourceRow.verified_on.is_(None), ResourceRow.verified_on < cutoff),
    )
    total = await uow.session.scalar(select(func.count()).select_from(ResourceRow).where(stale))
    rows = (
        await uow.session.execute(
            select(
                ResourceRow.external_id, ResourceRow.name, ResourceRow.kind, ResourceRow.verified_on
            )
            .where(stale)
            .order_by(ResourceRow.verified_on.is_not(None), ResourceRow.verified_on, ResourceRow.id)
            .limit(STALE_LISTED)
        )
    ).all()
    return {
        "months": months,
        "before": cutoff.isoformat(),
        "count": int(total or 0),
        "resources": [
            {
                "id": eid,
                "name": name,
                "kind": kind,
                "verified_on": verified.isoformat() if verified else None,
            }
            for eid, name, kind, verified in rows
        ],
    }


async def service_levels(uow: UnitOfWork, filters: Filters, options: Options) -> dict[str, Any]:
    """Cases waiting and held now, escalations (breaches) in the period, workload per agent and
    team. Operational counts of the queue every coordinator already sees case by case: they add
    nothing about residents and are not suppressed."""
    session = uow.session
    active = Case.status.in_(("open", "claimed", "waiting"))
    unclaimed = await session.scalar(select(func.count()).where(Case.status == "open"))
    escalated_now = await session.scalar(
        select(func.count()).where(active, Case.escalated_at.is_not(None))
    )
    breaches_query = select(func.count()).where(CaseEvent.kind == "escalated")
    if filters.since is not None:
        start = datetime.combine(filters.since, time(0), options.tz).astimezone(UTC)
        breaches_query = breaches_query.where(CaseEvent.occurred_at >= start)
    breaches = await session.scalar(breaches_query)
    agents = (
        await session.execute(
            select(StaffMember.display_name, func.count(Case.id))
            .join(Case, Case.holder_id == StaffMember.id)
            .where(Case.status.in_(("claimed", "waiting")))
            .group_by(StaffMember.id, StaffMember.display_name)
            .order_by(func.count(Case.id).desc(), StaffMember.display_name)
        )
    ).all()
    teams = (
        await session.execute(
            select(
                Team.name,
                func.sum(case((Case.status == "open", 1), else_=0)),
                func.sum(case((Case.status != "open", 1), else_=0)),
            )
            .select_from(Case)
            .outerjoin(Team, Team.id == Case.team_id)
            .where(active)
            .group_by(Team.name)
            .order_by(Team.name)
        )
    ).all()
    return {
        "open_unclaimed": int(unclaimed or 0),
        "escalated_open": int(escalated_now or 0),
        "breaches": int(breaches or 0),
        "workload_by_agent": [{"agent": name, "cases": int(n)} for name, n in agents],
        "workload_by_team": [
            {"team": name, "open": int(o or 0), "held": int(h or 0)} for name, o, h in teams
        ],
    }


async def report(
    uow: UnitOfWork, filters: Filters, options: Options, now: datetime
) -> dict[str, Any]:
    """Everything the dashboard, the CSV, the API and ``declic stats --json`` show."""
    counts = await funnel(uow, filters, options)
    return {
        "generated_at": now.isoformat(),
        "filters": filters.as_dict(),
        "min_cell": options.min_cell,
        "round_to": options.round_to,
        "funnel": counts,
        "conversions": _conversions(counts),
        "durations": await durations(uow, filters, options),
        "cuts": {name: await cut(uow, name, filters, options) for name in metrics.CUT_NAMES},
        "unmet_needs": await unmet_needs(uow, filters, options),
        "resources": await resources(uow, filters, options),
        "stale_resources": await stale_resources(
            uow, now.astimezone(options.tz).date(), options.stale_months
        ),
        "service_levels": await service_levels(uow, filters, options),
    }


async def neighbourhoods(uow: UnitOfWork) -> list[str]:
    """The quartiers ideas came from, for the dashboard's filter."""
    rows = await uow.session.scalars(
        select(Idea.neighbourhood)
        .where(Idea.neighbourhood.is_not(None))
        .distinct()
        .order_by(Idea.neighbourhood)
    )
    return [str(n) for n in rows.all()]
