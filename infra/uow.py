"""Unit of work: one transaction per use case, committed explicitly, rolled back otherwise."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker


class UnitOfWork:
    session: AsyncSession

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self.committed = False

    @property
    def dialect(self) -> str:
        bind = self.session.get_bind()
        return bind.dialect.name

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed, and keeps loaded objects readable
        # (an explicit rollback would expire them).
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()
        self.committed = True

    async def flush(self) -> None:
        await self.session.flush()


class UowFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


def uow_factory_for(engine: AsyncEngine) -> Callable[[], UnitOfWork]:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return lambda: UnitOfWork(sessions)
