"""A process's slots for database work on the event loop: residents' turns first.

One event loop runs everything a bot process does: residents' turns, the outbox sender, the
scheduler's jobs. On PostgreSQL each of them waits for the database a dozen times, and at every
wait the loop runs someone else, so whatever is let in interleaves: a turn's latency becomes the
CPU of everything running beside it. ``Slots`` lets ``size`` units of work run at once; the
others wait in arrival order, and when a slot frees a waiting turn (``turn``) always goes
before waiting background work (``background``: the outbox sender's database steps), so a burst
of replies to send never delays the next resident's turn by more than the steps already
running. Background work is never starved for long: it takes any slot no turn is waiting for.

A turn that must wait for something other than the CPU and the database's answer (another
worker holding the chat's advisory lock: ``infra.uow``) steps out of its slot meanwhile
(``stepping_out``), then queues again ahead of background work. Otherwise a few such waits fill
every slot while the lock's holder, in another process, may itself wait for one there: under
load, with Telegram delivering again the updates it gave up on, that is a collapse.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from contextvars import ContextVar, Token
from types import TracebackType

from infra import heap

# Turns handled at once by one process (``bot.middlewares.TurnGate``), sharing the slots with the
# outbox sender's database steps (``DECLIC_TURN_SLOTS``): enough to keep the CPU busy while turns
# wait for PostgreSQL (a slot serves at most one turn per turn's wall time, round trips
# included: 4 capped a loaded box at 164 updates/s), few enough that turns do not interleave by
# the dozen, and below the engine's pool of 10 (infra.db) so that its overflow, opened and
# closed again, stays unused.
DEFAULT_TURN_SLOTS = 8


class _Turn:
    """This task's turn: its slots, and whether it holds one right now."""

    __slots__ = ("held", "slots")

    def __init__(self, slots: Slots) -> None:
        self.slots = slots
        self.held = True


# The turn this task is in, if any (``stepping_out`` gives its slot back for a while).
_IN_TURN: ContextVar[_Turn | None] = ContextVar("declic_in_turn", default=None)


class _TurnSlot:
    """``Slots.turn``'s context: a slot taken on entry, before every waiting background step,
    and given back on exit unless ``stepping_out`` still has it out. A class, not an
    ``asynccontextmanager``: every resident's update enters one, and the generator's machinery
    (its frame, the loop's first-iteration hook and weak set, ``anext`` twice) cost several
    times the work."""

    __slots__ = ("_token", "_turn", "slots")
    _token: Token[_Turn | None]
    _turn: _Turn

    def __init__(self, slots: Slots) -> None:
        self.slots = slots

    async def __aenter__(self) -> None:
        slots = self.slots
        await slots._acquire(slots._turns, free=not _waiting(slots._turns))
        self._turn = _Turn(slots)
        self._token = _IN_TURN.set(self._turn)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _IN_TURN.reset(self._token)
        if self._turn.held:
            self.slots._release()


class Slots:
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("slots need at least one slot")
        self.size = size
        self.used = 0
        self._turns: deque[asyncio.Future[None]] = deque()
        self._background: deque[asyncio.Future[None]] = deque()

    def turn(self) -> _TurnSlot:
        """A resident's turn: ahead of every waiting background step (``async with``)."""
        return _TurnSlot(self)

    @contextlib.asynccontextmanager
    async def background(self) -> AsyncIterator[None]:
        """A step that can wait (the outbox sender's): only when no turn is waiting."""
        free = not _waiting(self._turns) and not _waiting(self._background)
        await self._acquire(self._background, free=free)
        try:
            yield
        finally:
            self._release()

    @property
    def waiting(self) -> int:
        return sum(not f.done() for f in (*self._turns, *self._background))

    async def _acquire(self, queue: deque[asyncio.Future[None]], *, free: bool) -> None:
        if free and self.used < self.size:
            self.used += 1
            return
        handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.append(handed)
        try:
            await handed
        except asyncio.CancelledError:
            if handed.done() and not handed.cancelled():
                self._release()  # the slot was handed over just as we were cancelled
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(handed)
            raise

    def _release(self) -> None:
        self.used -= 1
        for queue in (self._turns, self._background):
            while queue and self.used < self.size:
                handed = queue.popleft()
                if handed.done():  # cancelled while waiting
                    continue
                self.used += 1
                handed.set_result(None)
                return
        if not self.used and heap.due():
            # At rest: collect once the releasing task's step is over, if still at rest.
            asyncio.get_running_loop().call_soon(self._rest)

    def _rest(self) -> None:
        if not self.used:
            heap.at_rest()


def _waiting(queue: deque[asyncio.Future[None]]) -> bool:
    """Someone still waits in ``queue`` (waiters cancelled meanwhile are dropped first)."""
    while queue and queue[0].done():
        queue.popleft()
    return bool(queue)


@contextlib.asynccontextmanager
async def stepping_out() -> AsyncIterator[None]:
    """Give this task's turn slot back while waiting for something that is not work (a lock
    another process holds); queue again, ahead of background steps, when done. Outside a
    turn, nothing happens."""
    turn = _IN_TURN.get()
    if turn is None or not turn.held:
        yield
        return
    slots = turn.slots
    turn.held = False
    slots._release()
    try:
        yield
    finally:
        await slots._acquire(slots._turns, free=not _waiting(slots._turns))
        turn.held = True  # not reached if cancelled meanwhile: the turn then releases nothing
