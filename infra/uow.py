"""Unit of work: one transaction per use case, committed explicitly, rolled back otherwise.

Per-conversation serialisation across processes (PostgreSQL): a transport runs the handling of
one update inside ``serialised_by(conversation_key(...))``; every unit of work opened there
takes ``pg_advisory_xact_lock(key)`` as the first statement of its transaction, so two workers
never handle one chat at the same time. The lock ends with the transaction (commit, rollback,
or a dropped connection), so a crashed worker cannot leave a chat locked. SQLite has one writer
and one process: nothing is taken there.

What this guarantees: a chat's updates are handled one at a time, in the order they reach the
lock. Updates delivered one after the other (as Telegram does for one chat in practice: the
next once the previous was answered) therefore stay in order; two updates of one chat racing to
two workers at the same instant are handled one after the other, in no promised order. A use case
made of several transactions (a failed turn, then the apology) holds the lock in each of them,
not in between.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, TypeVar

from sqlalchemy import CursorResult, Insert, Update, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql.selectable import HasCTE

from infra import driver
from infra.slots import stepping_out

_SERIAL_KEY: ContextVar[int | None] = ContextVar("declic_serial_key", default=None)
# True inside a unit of work that holds the lock: a unit of work opened within it (another
# connection) must not wait for a lock its own caller holds.
_HOLDING: ContextVar[bool] = ContextVar("declic_serial_holding", default=False)
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_TRY_ADVISORY_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")


def conversation_key(channel: str, chat_id: str | int) -> int:
    """A stable signed 64-bit lock key (Python's ``hash()`` differs between processes)."""
    digest = hashlib.blake2b(f"{channel}\x1f{chat_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def serialised_by(key: int) -> Iterator[None]:
    """Units of work opened in this block (this task) are serialised on ``key``."""
    token = _SERIAL_KEY.set(key)
    try:
        yield
    finally:
        _SERIAL_KEY.reset(token)


_Carrier = TypeVar("_Carrier", bound=HasCTE)


@dataclass(frozen=True)
class LaterWrite:
    """A write that nothing reads back before the commit (the ids it needs known already): on
    PostgreSQL, sent as a data-modifying CTE by a later statement that can carry it (``carrying``,
    a round trip saved), else on its own just before the commit (``UnitOfWork.commit``)."""

    name: str  # the CTE's name, unique among the writes a statement carries
    statement: Insert | Update  # an INSERT or UPDATE built once, its parameters named apart
    parameters: dict[str, Any]


class UnitOfWork:
    session: AsyncSession

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, advisory_locks: bool = False
    ) -> None:
        self._sessions = sessions
        self._advisory_locks = advisory_locks
        self._holding: Token[bool] | None = None
        self.committed = False
        self._deferring = False
        self._later: list[LaterWrite] = []

    @contextmanager
    def writing_later(self) -> Iterator[None]:
        """Inside this block, on PostgreSQL, the writes offered to ``write_later`` wait for a
        statement that carries them (the caller promises to read none of them back)."""
        before = self._deferring
        self._deferring = self.dialect == "postgresql"
        try:
            yield
        finally:
            self._deferring = before

    @property
    def deferring(self) -> bool:
        """Whether ``write_later`` defers now (PostgreSQL, inside ``writing_later``)."""
        return self._deferring

    async def write_later(self, write: LaterWrite) -> None:
        """Defer ``write`` (see ``writing_later``), or send it now."""
        if self._deferring:
            self._later.append(write)
        else:
            await self.session.execute(write.statement, write.parameters)

    def defer(self, write: LaterWrite) -> None:
        """PostgreSQL: keep ``write`` for the next statement that carries the deferred writes
        (``carry_later``), else send it before the commit (``write_deferred``), whether inside
        ``writing_later`` or not (the caller promises to read nothing of it back)."""
        self._later.append(write)

    def carry_later(
        self,
        statement: _Carrier,
        parameters: dict[str, Any],
        only: Collection[str] | None = None,
    ) -> tuple[_Carrier, dict[str, Any]]:
        """``statement`` carrying the writes deferred so far (``carrying``), and ``parameters``
        with theirs: run the two together, and the writes are sent (none is left deferred).
        ``only``: the writes of those names only, the others left deferred (a statement that
        must not carry them, say an UPDATE of a row one of them updates too)."""
        if only is None:
            later = self._take_later()
        else:
            later = tuple(write for write in self._later if write.name in only)
            self._later = [write for write in self._later if write.name not in only]
        carried = dict(parameters)
        for write in later:
            carried |= write.parameters
        return carrying(statement, later), carried

    async def hold(self, write: LaterWrite) -> None:
        """SQLite: keep ``write`` (an INSERT whose row nobody reads back before the commit) for
        the next execution of the same statement, which writes its row too (``with_held``: one
        execution for both, an executemany), else before the commit (``write_deferred``).
        PostgreSQL: sent now (its deferred writes go as data-modifying CTEs, ``write_later``)."""
        if self.dialect == "postgresql":
            await self.session.execute(write.statement, write.parameters)
        else:
            self._later.append(write)

    def with_held(
        self, statement: Insert, parameters: dict[str, Any]
    ) -> dict[str, Any] | list[dict[str, Any]]:
        """The parameters to execute ``statement`` with: ``parameters``, after those of the
        writes of ``statement`` held (``hold``), taken out in their order."""
        held = [write for write in self._later if write.statement is statement]
        if not held:
            return parameters
        self._later = [write for write in self._later if write.statement is not statement]
        return [*(write.parameters for write in held), parameters]

    @property
    def deferred(self) -> bool:
        """Whether writes are deferred still (neither carried nor sent)."""
        return bool(self._later)

    def _take_later(self) -> tuple[LaterWrite, ...]:
        later, self._later = tuple(self._later), []
        return later

    async def write_deferred(self) -> None:
        """Send the deferred writes no statement carried, each on its own, in their order."""
        for write in self._take_later():
            await self.session.execute(write.statement, write.parameters)

    @property
    def dialect(self) -> str:
        bind = self.session.get_bind()
        return bind.dialect.name

    @property
    def engine(self) -> AsyncEngine:
        """The engine the factory bound its sessions to."""
        bind = self.session.bind
        if not isinstance(bind, AsyncEngine):
            raise TypeError(f"the session is bound to {type(bind).__name__}, not an engine")
        return bind

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        key = _SERIAL_KEY.get()
        if key is not None and self._advisory_locks and not _HOLDING.get():
            try:
                await self.serialise(key)
            except BaseException:
                await self.session.close()
                raise
            self._holding = _HOLDING.set(True)
        return self

    async def serialise(self, key: int) -> None:
        """Wait for the other transactions serialised on ``key``; the first statement.

        Free (the common case: one round trip), the lock is taken at once. Held by another
        transaction (another worker handling the chat), the wait happens outside this task's
        turn slot (``infra.slots.stepping_out``): a turn waiting for a lock is not work, and
        must not keep a slot the lock's holder, or anyone else, may need."""
        # On the driver (``infra.driver``): in webhook mode every turn's first statement.
        ((taken,),) = await driver.rows(self.session, _TRY_ADVISORY_LOCK, {"key": key})
        if not taken:
            async with stepping_out():
                await self.session.execute(_ADVISORY_LOCK, {"key": key})

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._holding is not None:
            _HOLDING.reset(self._holding)
            self._holding = None
        # close() rolls back whatever was not committed, and keeps loaded objects readable
        # (an explicit rollback would expire them). With no transaction left (committed, or
        # none begun), all it does is expunge the objects: done here without its greenlet.
        if self.session.in_transaction():
            await self.session.close()
        else:
            self.session.expunge_all()

    async def commit(self) -> None:
        await self.write_deferred()
        if driver.commit_awaits_nothing(self.session):  # no greenlet then
            self.session.sync_session.commit()
        else:
            await self.session.commit()
        self.committed = True

    async def flush(self) -> None:
        """Write the session's pending ORM changes; with none (most resident turns: their rows
        go by Core statements), nothing at all, not even ``AsyncSession.flush``'s greenlet."""
        session = self.session
        if session.new or session.dirty or session.deleted:
            await session.flush()


_CARRYING: dict[tuple[int, tuple[tuple[str, int], ...]], Any] = {}


def carrying(statement: _Carrier, writes: Sequence[LaterWrite]) -> _Carrier:
    """``statement`` (built once) with ``writes`` as data-modifying CTEs, built once per set of
    writes' statements (each built once too); run it with ``statement``'s parameters and each
    write's. No parameter of ``statement`` may have the name of a column a write's UPDATE could
    SET: SQLAlchemy sets, in an UPDATE, every column a parameter of the execution names."""
    key = (id(statement), tuple((write.name, id(write.statement)) for write in writes))
    carried: _Carrier | None = _CARRYING.get(key)
    if carried is None:
        carried = statement
        for write in writes:
            carried = carried.add_cte(write.statement.cte(write.name))
        _CARRYING[key] = carried
    return carried


def rowcount(result: object) -> int:
    """Rows an UPDATE or DELETE matched. ``AsyncSession.execute`` is typed as returning a plain
    ``Result``; for these statements it is the ``CursorResult`` that counts them."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(result).__name__} has no row count")
    return result.rowcount


class UowFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


def uow_factory_for(engine: AsyncEngine) -> Callable[[], UnitOfWork]:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    locks = engine.dialect.name == "postgresql"
    return lambda: UnitOfWork(sessions, advisory_locks=locks)
