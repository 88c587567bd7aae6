"""The turn's hot statements through the session's execution, as before session 10
(``bench.turn_ab driver``'s A): ``infra.driver.rows``' signature, SQLAlchemy's way."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable


async def rows(
    session: AsyncSession, statement: Executable, parameters: dict[str, Any]
) -> list[Any]:
    """``statement``'s rows as the session returns them (``Row`` objects), none for a
    statement that returns none."""
    result = await session.execute(statement, parameters)
    if isinstance(result, CursorResult) and not result.returns_rows:
        return []
    return list(result.all())
