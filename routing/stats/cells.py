"""Counting ideas and residents per cell (a dimension's value × a funnel stage) over
``idea_stages``, the per-idea rollup a trigger keeps from ``journey_events``, with the filters
every statistic shares.

The same SQL runs on SQLite and PostgreSQL; the only dialect-specific pieces are the month of an
instant and the unnesting of an idea's themes. Residents are told apart by ``ideas.resident_id``;
an erased resident's ideas keep one ``anonymous_author`` (set at erasure), so they still count as
one resident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    case,
    func,
    literal,
    or_,
    select,
    true,
)

from infra.settings import Settings
from infra.uow import UnitOfWork
from routing.journey import Idea
from routing.stats import metrics
from routing.stats.records import IdeaStage


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


@dataclass(frozen=True, kw_only=True)
class Options:
    """How the statistics are published, from the settings (``options_of``): no defaults, so no
    caller publishes exact counts or smaller cells than the town allows by forgetting one."""

    min_cell: int  # DECLIC_STATS_MIN_CELL: smaller cells are suppressed
    stale_months: int  # DECLIC_STATS_STALE_MONTHS
    round_to: int  # published counts are multiples of this (DECLIC_STATS_ROUND_TO)
    tz: ZoneInfo  # the town's time zone (DECLIC_TIMEZONE): where a day starts


def options_of(settings: Settings) -> Options:
    return Options(
        min_cell=settings.stats_min_cell,
        stale_months=settings.stats_stale_months,
        round_to=settings.stats_round_to,
        tz=settings.tz,
    )


def _stage_column(name: str) -> Any:
    return getattr(IdeaStage, f"{name}_at")


def idea_person() -> ColumnElement[int]:
    """Who an idea belongs to, for counting residents: an erased resident's ideas stay together
    under their ``anonymous_author`` (a negative number, never a resident's id)."""
    return func.coalesce(Idea.resident_id, Idea.anonymous_author, -Idea.id)


def idea_filters(filters: Filters, tz: ZoneInfo) -> list[ColumnElement[bool]]:
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


def array_length(dialect: str, column: Any) -> ColumnElement[int]:
    if dialect == "postgresql":
        return func.jsonb_array_length(column)
    return func.json_array_length(column)


def _month(dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", IdeaStage.received_at), "YYYY-MM")
    return func.strftime("%Y-%m", IdeaStage.received_at)


def _base(
    dimension: str, dialect: str, filters: Filters
) -> tuple[Select[Any], SQLColumnExpression[Any]]:
    """FROM idea_stages, joined to ideas when a dimension or the quartier filter needs it (and
    the themes, unnested, for the theme cut). The unfiltered funnel reads the rollup alone."""
    query = select().select_from(IdeaStage)
    if dimension != "total" or filters.neighbourhood:
        query = query.join(Idea, Idea.id == IdeaStage.idea_id)
    key: SQLColumnExpression[Any]
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


async def count_cells(
    uow: UnitOfWork, dimension: str, filters: Filters, options: Options
) -> dict[Any, dict[str, tuple[int, int]]]:
    """{key: {stage: (ideas, residents)}}, residents exact wherever the small-cell rule needs it.

    Ideas are counted in one pass over the rollup. Residents: a cell of n ideas has at most n
    residents and at least n / m, m being the most ideas any resident has; only when some cell
    falls between ``min_cell`` and ``min_cell`` × m are residents counted exactly, as the ideas
    minus the extra ideas of residents with several ideas in the same cell. So a million ideas
    are never grouped by resident, and a small city's tables are exact."""
    base, key = _base(dimension, uow.dialect, filters)
    where = idea_filters(filters, options.tz)
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
    person = idea_person()
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
