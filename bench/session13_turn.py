"""``bench.turn_ab``'s session-13 variants (issue 18): the common turn, SQLite first. Each switch
puts the tree's way (B, ``on``) or the way before (A) in place; see bench/README.md
("Session 13: the common turn")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.pool import PoolProxiedConnection

from infra import driver
from infra.uow import UnitOfWork
from routing.conversation import effects
from routing.conversation.turn_rows import point_to_idea
from routing.intake import Draft
from routing.journey import Conversation, Idea, Resident, record_journey_event


async def connection_before(session: AsyncSession) -> tuple[AsyncConnection, PoolProxiedConnection]:
    """``infra.driver.connection_of`` before: the first statement's connection through
    ``AsyncSession.connection`` and ``get_raw_connection`` (a greenlet each)."""
    held = session.info.get(driver._HELD)
    if held is not None:
        transaction, connection, raw = held
        current = session.sync_session.get_transaction()
        if current is not None and transaction is current and current.is_active:
            return connection, raw
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    session.info[driver._HELD] = (session.sync_session.get_transaction(), connection, raw)
    return connection, raw


async def commit_before(self: UnitOfWork) -> None:
    """``UnitOfWork.commit`` before: ``AsyncSession.commit`` (a greenlet) whatever the database."""
    await self.write_deferred()
    await self.session.commit()
    self.committed = True


_connection_of = driver.connection_of
_commit = UnitOfWork.commit


def _in_loop(declic: Any, on: bool) -> None:
    """B: the turn's connection checked out and its transaction committed without a greenlet
    when nothing there awaits (``infra.db.idle_connection``, ``infra.driver.commit_awaits_nothing``:
    SQLite; PostgreSQL since the second commit); A: through ``AsyncSession.connection``,
    ``get_raw_connection`` and ``AsyncSession.commit``."""
    setattr(driver, "connection_of", _connection_of if on else connection_before)  # noqa: B010
    setattr(UnitOfWork, "commit", _commit if on else commit_before)  # noqa: B010


async def sync_idea_before(
    self: Any,
    session: AsyncSession,
    resident: Resident,
    conversation: Conversation,
    draft: Draft,
    now: datetime,
) -> Idea | None:
    """``TurnEffects._sync_idea`` before: on SQLite a new idea's row and ``idea_received``
    event through the session's execution (``AsyncSession.execute``, a greenlet each)."""
    if conversation.idea_id or session.get_bind().dialect.name == "postgresql":
        return await _sync_idea(self, session, resident, conversation, draft, now)
    values = effects._new_idea(resident, draft, now)
    idea_id = (await session.execute(effects.NEW_IDEA, values)).scalar_one()
    point_to_idea(conversation, idea_id)
    new = effects._NewIdea(idea_id, **effects._dimensions(values))
    await record_journey_event(session, new, "idea_received", now)
    return None


_sync_idea = effects.TurnEffects._sync_idea


def _new_idea_rows(declic: Any, on: bool) -> None:
    """B: on SQLite a new idea's row and event on the driver; A: through the session."""
    setattr(effects.TurnEffects, "_sync_idea", _sync_idea if on else sync_idea_before)  # noqa: B010


VARIANTS: dict[str, Callable[[Any, bool], None]] = {
    "in_loop": _in_loop,
    "new_idea_rows": _new_idea_rows,
}
