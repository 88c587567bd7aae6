"""Coordinator statistics (issue 7): queries over journey events and ideas, privacy built in.

The same SQL runs on SQLite and PostgreSQL; the only dialect-specific pieces are the month of an
instant and the unnesting of an idea's themes (both small expressions below). Stages are read
from ``idea_stages``, the per-idea rollup a trigger keeps from ``journey_events``.

Privacy (DESIGN §3, issue 7):
- No personal data: only the idea's non-personal facts (quartier, themes, group type, campaign,
  language, month) and counts. Names, words and resident ids never leave this module.
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
  back (:func:`_complement_small`). The README's Statistics section states the rule.
- The console is reserved to coordinators and each view is audited.
- Erasure keeps journey events and the ideas' facts, so counts do not change when a resident
  is forgotten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
)

from infra.uow import UnitOfWork
from knowledge.records import ResourceRow
from routing.cases import CaseEvent, Team
from routing.journey import Case, Idea
from routing.matching import Suggestion
from routing.staff import StaffMember
from routing.stats import metrics
from routing.stats.records import IdeaStage

TOP_RESOURCES = 10
PARIS = ZoneInfo("Europe/Paris")
STALE_LISTED = 50


@dataclass(frozen=True)
class Filters:
    since: date | None = None
    neighbourhood: str | None = None
    # Internal: the complement of ``since`` (ideas received before it), for the differencing
    # check; never offered to users, never in ``as_dict``.
    before: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "quartier": self.neighbourhood,
        }


@dataclass(frozen=True)
class Options:
    min_cell: int = 5
    stale_months: int = 12
    tz: ZoneInfo = PARIS
    round_to: int = 1  # published counts are multiples of this (``DECLIC_STATS_ROUND_TO``)


def _stage_column(name: str) -> Any:
    return getattr(IdeaStage, f"{name}_at")


def _person() -> ColumnElement[int]:
    """Who an idea belongs to, for counting residents: an erased resident's ideas stay together
    under their ``anonymous_author`` (a negative number, never a resident's id)."""
    return func.coalesce(Idea.resident_id, Idea.anonymous_author, -Idea.id)


def _where(filters: Filters, tz: ZoneInfo) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [IdeaStage.received_at.is_not(None)]
    if filters.since is not None:
        start = datetime.combine(filters.since, time(0), tz).astimezone(UTC)
        conditions.append(IdeaStage.received_at >= start)
    if filters.before is not None:
        end = datetime.combine(filters.before, time(0), tz).astimezone(UTC)
        conditions.append(IdeaStage.received_at < end)
    if filters.neighbourhood:
        conditions.append(Idea.neighbourhood == filters.neighbourhood)
    return conditions


def rounded(value: int | None, base: int) -> int | None:
    """A published count: the nearest multiple of ``base`` (halves up), never 0 for a count
    that is not 0 (a zero names nobody and is shown as it is); None stays suppressed."""
    if value is None or value == 0 or base <= 1:
        return value
    return max(base, (value + base // 2) // base * base)


async def _complement_small(
    uow: UnitOfWork, dimension: str, filters: Filters, options: Options
) -> set[tuple[Any, str]]:
    """The cells (key, stage) whose *complement* — the same cell without the ``since`` filter,
    minus the filtered one: the ideas received before ``since`` — comes from 1 to
    ``min_cell - 1`` residents. The unfiltered table is published too, so publishing such a
    filtered cell would let anyone subtract the two and read the small group: it is suppressed."""
    if filters.since is None:
        return set()
    complement = Filters(before=filters.since, neighbourhood=filters.neighbourhood)
    cells = await _cells(uow, dimension, complement, options)
    return {
        (key, name)
        for key, stages in cells.items()
        for name, (_, residents) in stages.items()
        if 0 < residents < options.min_cell
    }


def _array_length(dialect: str, column: Any) -> ColumnElement[int]:
    name = "jsonb_array_length" if dialect == "postgresql" else "json_array_length"
    return getattr(func, name)(column)


def _month(dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", IdeaStage.received_at), "YYYY-MM")
    return func.strftime("%Y-%m", IdeaStage.received_at)


def _base(dimension: str, dialect: str, filters: Filters) -> tuple[Select[Any], ColumnElement[Any]]:
    """FROM idea_stages, joined to ideas when a dimension or the quartier filter needs it (and
    the themes, unnested, for the theme cut). The unfiltered funnel reads the rollup alone."""
    query = select().select_from(IdeaStage)
    if dimension != "total" or filters.neighbourhood:
        query = query.join(Idea, Idea.id == IdeaStage.idea_id)
    key: ColumnElement[Any]
    if dimension == "theme":
        unnest = "jsonb_array_elements_text" if dialect == "postgresql" else "json_each"
        themes = getattr(func, unnest)(Idea.themes).table_valued("value").alias("theme")
        query = query.join(themes, true())
        key = themes.c.value
    elif dimension == "month":
        key = _month(dialect)
    elif dimension == "total":
        key = literal("total")
    else:
        key = {
            "neighbourhood": Idea.neighbourhood,
            "group_type": Idea.group_type,
            "source": Idea.source,
            "language": Idea.locale,
        }[dimension]
    return query, key


async def _cells(
    uow: UnitOfWork, dimension: str, filters: Filters, options: Options
) -> dict[Any, dict[str, tuple[int, int]]]:
    """{key: {stage: (ideas, residents)}}, residents exact wherever the small-cell rule needs it.

    Ideas are counted in one pass over the rollup. Residents: a cell of n ideas has at most n
    residents and at least n / m, m being the most ideas any resident has; only when some cell
    falls between ``min_cell`` and ``min_cell`` × m are residents counted exactly, as the ideas
    minus the extra ideas of residents with several ideas in the same cell. So a million ideas
    are never grouped by resident, and a small city's tables are exact."""
    base, key = _base(dimension, uow.dialect, filters)
    where = _where(filters, options.tz)
    counts = base.add_columns(
        key.label("key"), *(func.count(_stage_column(s.name)).label(s.name) for s in metrics.STAGES)
    ).where(*where)
    if dimension != "total":  # the total is one row, zeros included
        counts = counts.group_by(key)
    out: dict[Any, dict[str, list[int]]] = {}
    for row in (await uow.session.execute(counts)).all():
        values = row._mapping
        out[values["key"]] = {
            s.name: [int(values[s.name]), int(values[s.name])] for s in metrics.STAGES
        }
    k = options.min_cell
    if not any(n >= k for stages in out.values() for n, _ in stages.values()):
        return _frozen(out)  # every cell has fewer ideas, hence fewer residents, than k
    most = await _most_ideas_per_resident(uow)
    if most <= 1:
        return _frozen(out)  # one idea per resident: residents are the ideas
    if all(n < k or n >= k * most for stages in out.values() for n, _ in stages.values()):
        # n ideas come from at least n / most residents: no cell is in doubt
        for stages in out.values():
            for pair in stages.values():
                pair[1] = -(-pair[0] // most)
        return _frozen(out)
    several_residents = (
        select(Idea.resident_id)
        .where(Idea.resident_id.is_not(None))
        .group_by(Idea.resident_id)
        .having(func.count() > 1)
    )
    several_erased = (
        select(Idea.anonymous_author)
        .where(Idea.anonymous_author.is_not(None))
        .group_by(Idea.anonymous_author)
        .having(func.count() > 1)
    )
    base, key = _base(dimension if dimension != "total" else "neighbourhood", uow.dialect, filters)
    if dimension == "total":
        key = literal("total")
    person = _person()
    per_person = (
        base.add_columns(
            key.label("key"),
            person.label("person"),
            *(func.count(_stage_column(s.name)).label(s.name) for s in metrics.STAGES),
        )
        .where(
            *where,
            or_(
                Idea.resident_id.in_(several_residents),
                Idea.anonymous_author.in_(several_erased),
            ),
        )
        .group_by(key, person)
        .subquery()
    )
    extras = select(
        per_person.c.key,
        *(
            func.sum(case((per_person.c[s.name] > 1, per_person.c[s.name] - 1), else_=0)).label(
                s.name
            )
            for s in metrics.STAGES
        ),
    ).group_by(per_person.c.key)
    for row in (await uow.session.execute(extras)).all():
        values = row._mapping
        for s in metrics.STAGES:
            out[values["key"]][s.name][1] -= int(values[s.name] or 0)
    return _frozen(out)


def _frozen(out: dict[Any, dict[str, list[int]]]) -> dict[Any, dict[str, tuple[int, int]]]:
    return {key: {name: (n, r) for name, (n, r) in stages.items()} for key, stages in out.items()}


async def _most_ideas_per_resident(uow: UnitOfWork) -> int:
    """The most ideas any one resident has, erased ones included (index-only scans on
    ``ideas.resident_id`` and ``ideas.anonymous_author``)."""
    most = 0
    for column in (Idea.resident_id, Idea.anonymous_author):
        per_person = (
            select(func.count().label("n")).where(column.is_not(None)).group_by(column).subquery()
        )
        found = await uow.session.scalar(select(func.max(per_person.c.n)))
        most = max(most, int(found or 0))
    return most


def _safe(ideas: int, residents: int, min_cell: int) -> int | None:
    """The count, or None when it comes from 1 to ``min_cell - 1`` residents (a zero names
    nobody and stays: hiding zeros would blank most small tables)."""
    return ideas if residents >= min_cell or residents == 0 else None


def suppress_table(
    cells: dict[Any, dict[str, tuple[int, int]]],
    min_cell: int,
    hidden: set[tuple[Any, str]] | None = None,
) -> dict[Any, dict[str, int | None]]:
    """Primary suppression (fewer than ``min_cell`` residents, or a cell in ``hidden``: see
    :func:`_complement_small`), then complementary: a column with exactly one hidden cell
    hides its smallest visible cell too."""
    hidden = hidden or set()
    table = {
        key: {
            name: None if (key, name) in hidden else _safe(n, r, min_cell)
            for name, (n, r) in stages.items()
        }
        for key, stages in cells.items()
    }
    names = {name for stages in cells.values() for name in stages}
    for name in names:
        hidden = [key for key in table if table[key].get(name) is None]
        visible = [key for key in table if table[key].get(name) is not None]
        if len(hidden) == 1 and visible:
            smallest = min(visible, key=lambda k: (table[k][name], str(k)))
            table[smallest][name] = None
    return table


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
    cells = await _cells(uow, "total", filters, options)
    stages = cells.get("total") or {s.name: (0, 0) for s in metrics.STAGES}
    hidden = await _complement_small(uow, "total", filters, options)
    return {
        name: None
        if ("total", name) in hidden
        else rounded(_safe(n, r, options.min_cell), options.round_to)
        for name, (n, r) in stages.items()
    }


async def cut(
    uow: UnitOfWork, dimension: str, filters: Filters, options: Options
) -> list[dict[str, Any]]:
    """One table by ``dimension``: a row per value (None: not known), stages and conversions."""
    if dimension not in metrics.CUT_NAMES:
        raise ValueError(f"unknown cut {dimension!r}")
    hidden = await _complement_small(uow, dimension, filters, options)
    table = suppress_table(await _cells(uow, dimension, filters, options), options.min_cell, hidden)
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
                select(_person(), start, end)
                .select_from(IdeaStage)
                .join(Idea, Idea.id == IdeaStage.idea_id)
                .where(*_where(filters, options.tz), start.is_not(None), end.is_not(None))
            )
        ).all()
        minutes = [(b - a).total_seconds() / 60 for _, a, b in rows if b >= a]
        residents = len({person for person, a, b in rows if b >= a})
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
            select(_person(), Idea.neighbourhood, Idea.themes, Idea.unmet_needs)
            .select_from(IdeaStage)
            .join(Idea, Idea.id == IdeaStage.idea_id)
            .where(*_where(filters, options.tz), _array_length(uow.dialect, Idea.unmet_needs) > 0)
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
        person = _person()
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
            .where(*_where(filters, options.tz))
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
                "ideas": rounded(_safe(n, r, options.min_cell), options.round_to),
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


def csv_rows(data: dict[str, Any]) -> Iterable[list[Any]]:
    """The report as flat rows (section, metric, dimension, key, value): one CSV for all."""
    yield ["section", "metric", "dimension", "key", "value"]
    for name, value in data["funnel"].items():
        yield ["funnel", name, "", "", value]
    for name, value in data["conversions"].items():
        yield ["conversion", name, "", "", value]
    for name, figures in data["durations"].items():
        for figure, value in figures.items():
            if figure != "unit":
                yield ["duration_minutes", f"{name}.{figure}", "", "", value]
    for dimension, rows in data["cuts"].items():
        for row in rows:
            for stage in metrics.STAGE_NAMES:
                yield ["cut", stage, dimension, row["key"], row[stage]]
    for dimension, rows in data["unmet_needs"].items():
        column = dimension.removeprefix("by_")
        for row in rows:
            yield ["unmet_need", row["need"], column, row[column], row["ideas"]]
    for listing, rows in data["resources"].items():
        for row in rows:
            yield ["resource", listing, row["id"], row["name"], row["ideas"]]
    for row in data["stale_resources"]["resources"]:
        yield ["stale_resource", row["kind"], row["id"], row["name"], row["verified_on"]]
    levels = data["service_levels"]
    for name in ("open_unclaimed", "escalated_open", "breaches"):
        yield ["service_level", name, "", "", levels[name]]
    for row in levels["workload_by_agent"]:
        yield ["service_level", "workload", "agent", row["agent"], row["cases"]]
    for row in levels["workload_by_team"]:
        yield ["service_level", "workload_open", "team", row["team"], row["open"]]
        yield ["service_level", "workload_held", "team", row["team"], row["held"]]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a quote."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


async def neighbourhoods(uow: UnitOfWork) -> list[str]:
    """The quartiers ideas came from, for the dashboard's filter."""
    rows = await uow.session.scalars(
        select(Idea.neighbourhood)
        .where(Idea.neighbourhood.is_not(None))
        .distinct()
        .order_by(Idea.neighbourhood)
    )
    return [str(n) for n in rows.all()]
