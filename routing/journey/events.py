"""Journey events: anonymous milestones that statistics count (DESIGN §3).

Each carries the idea's non-personal dimensions (quartier, group type, themes, campaign source,
language), never a name or a resident's words, so it survives erasure and stays true.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from routing.journey.records import Idea, JourneyEvent

# An append-only row nobody reads back in the turn: a Core INSERT, built once (the ORM's unit
# of work costs several times the statement for such a row).
_RECORD = insert(JourneyEvent.__table__)


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
