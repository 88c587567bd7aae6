"""The submission's SQLite writes as before session 11 (``bench.turn_ab submission_rows``' A):
each through the session's execution, several rows by SQLAlchemy's executemany (the
suggestions' by its insertmanyvalues, for their RETURNING), with the same signatures as the
tree's ``routing.followups.service.inserted``, ``routing.matching.suggestions.inserted`` and
``recorded``."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from routing.followups.records import FollowUp
from routing.journey import JOURNEY_EVENT_INSERT
from routing.matching import suggestions

_ADD_FOLLOWUPS = insert(FollowUp.__table__)


async def followups_inserted(session: AsyncSession, added: list[dict[str, Any]]) -> None:
    await session.execute(_ADD_FOLLOWUPS, added)


async def suggestions_inserted(
    session: AsyncSession, added: list[dict[str, Any]]
) -> dict[str, int]:
    returned = await session.execute(suggestions._ADD, added)
    return {external_id: id_ for id_, external_id in returned.all()}


async def recorded(session: AsyncSession, events: list[dict[str, Any]]) -> None:
    await session.execute(JOURNEY_EVENT_INSERT, events if len(events) > 1 else events[0])


def as_stored(value: Any) -> Any:
    """``routing.matching.suggestions.as_stored`` as it was (``bench.turn_ab reasons``' A)."""
    return json.loads(json.dumps(value))
