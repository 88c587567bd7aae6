"""Journey events: anonymous milestones that statistics count (DESIGN §3).

Each carries the idea's non-personal dimensions (quartier, group type, themes, campaign source,
language), never a name or a resident's words, so it survives erasure and stays true.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, FromClause, Insert, bindparam, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from routing.journey.records import Idea, JourneyEvent

# An append-only row nobody reads back in the turn: a Core INSERT, built once (the ORM's unit
# of work costs several times the statement for such a row). Its rows are ``journey_columns``;
# SQLite writes a turn's two in one execution (``UnitOfWork.hold``, ``UnitOfWork.with_held``).
JOURNEY_EVENT_INSERT = insert(JourneyEvent.__table__)
_RECORD = JOURNEY_EVENT_INSERT


class IdeaDimensions(Protocol):
    """What an event copies from its idea: an ``Idea`` row, or the values it was inserted with."""

    @property
    def id(self) -> int: ...
    @property
    def neighbourhood(self) -> str | None: ...
    @property
    def group_type(self) -> str | None: ...
    @property
    def themes(self) -> list[Any]: ...
    @property
    def source(self) -> str | None: ...
    @property
    def locale(self) -> str: ...


def journey_event(idea: Idea | None, kind: str, now: datetime, **data: Any) -> JourneyEvent:
    """An anonymous milestone with the idea's non-personal dimensions, for statistics."""
    return JourneyEvent(**_columns(idea, kind, now, data))


async def record_journey_event(
    session: AsyncSession, idea: IdeaDimensions | None, kind: str, now: datetime, **data: Any
) -> None:
    """``journey_event``, written at once by one Core INSERT instead of the next flush."""
    await session.execute(_RECORD, _columns(idea, kind, now, data))


def journey_event_from(
    idea_id: ColumnElement[Any],
    kind: str,
    data: ColumnElement[Any],
    *,
    at: str,
    source: FromClause | None = None,
    where: ColumnElement[bool] | None = None,
) -> Insert:
    """``journey_event`` as ``INSERT … SELECT``, for a PostgreSQL statement that writes the
    idea's row and its event in one round trip: the idea's id (and maybe the event's data) come
    from another part of the statement (a data-modifying CTE's row, the idea's row ``where``),
    the instant from the bound parameter ``at``."""
    events = JourneyEvent.__table__
    row = select(
        idea_id,
        literal(kind, events.c.kind.type),
        bindparam(at, type_=events.c.occurred_at.type),
        data,
    )
    if source is not None:
        row = row.select_from(source)
    if where is not None:
        row = row.where(where)
    return insert(events).from_select(["idea_id", "kind", "occurred_at", "data"], row)


def journey_columns(
    idea: IdeaDimensions | None, kind: str, now: datetime, **data: Any
) -> dict[str, Any]:
    """``journey_event``'s columns, for a statement that writes the row itself."""
    return _columns(idea, kind, now, data)


def _columns(
    idea: IdeaDimensions | None, kind: str, now: datetime, data: dict[str, Any]
) -> dict[str, Any]:
    facts: dict[str, Any] = {k: v for k, v in data.items() if v is not None}
    if idea is not None:
        facts.update(
            neighbourhood=idea.neighbourhood,
            group_type=idea.group_type,
            themes=list(idea.themes or []),
            source=idea.source,
            locale=idea.locale,
        )
    return {"idea_id": idea.id if idea else None, "kind": kind, "occurred_at": now, "data": facts}
