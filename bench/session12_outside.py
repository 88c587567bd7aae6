"""``bench.turn_ab``'s session-12 variants for the CPU a turn spends outside ``handle`` (issue
18): aiogram's dispatch, our middlewares, the bot's work around the domain call. Each switch
puts the tree's way (B, ``on``) or the way before (A) back.

Each comes twice: ``chain`` compares whole turns; ``chain_outside`` compares only what the turn
spends outside ``ConversationService.handle`` (its CPU counted with the residents' own, which
``bench.turn_cpu.fed_alone`` takes out), so that the jitter of the 2-3 ms inside, on a busy
box, does not drown the few tens of µs these change.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiogram.dispatcher.middlewares.manager import MiddlewareManager

from bench.residents import DriverClock
from bot import inbound
from bot.callbacks import dialogue_fields, unpack
from bot.middlewares import OuterChain
from infra import slots


def _chain(declic: Any, on: bool) -> None:
    """B: the dispatcher's outer middleware chain built once (``bot.middlewares.OuterChain``);
    A: aiogram's, built again for every update (``functools.wraps`` and a partial a link)."""
    observer = declic.dp.update
    manager = observer.middleware
    if on and not isinstance(manager, OuterChain):
        observer.middleware = OuterChain(manager)
    elif not on and isinstance(manager, OuterChain):
        plain = MiddlewareManager()
        plain._middlewares = manager._middlewares
        observer.middleware = plain


@contextlib.asynccontextmanager
async def turn_before(self: slots.Slots) -> AsyncIterator[None]:
    """``Slots.turn`` as it was: an ``asynccontextmanager``."""
    await self._acquire(self._turns, free=not slots._waiting(self._turns))
    turn = slots._Turn(self)
    token = slots._IN_TURN.set(turn)
    try:
        yield
    finally:
        slots._IN_TURN.reset(token)
        if turn.held:
            self._release()


_turn = slots.Slots.turn


def _slot(declic: Any, on: bool) -> None:
    """B: a turn's slot taken and given back by a class (``infra.slots._TurnSlot``); A: by an
    ``asynccontextmanager``."""
    setattr(slots.Slots, "turn", _turn if on else turn_before)  # noqa: B010


def fields_before(data: str | None) -> tuple[str, str, int] | None:
    """A button's fields as ``from_callback`` read them before: through pydantic's model."""
    parsed = unpack(data)
    return None if parsed is None else (parsed.action, parsed.value, parsed.version)


def _fields(declic: Any, on: bool) -> None:
    """B: a button the bot made read by a split (``bot.callbacks.dialogue_fields``); A: through
    ``DialogueCb.unpack``, pydantic's model."""
    setattr(inbound, "dialogue_fields", dialogue_fields if on else fields_before)  # noqa: B010


def _handle_apart(declic: Any) -> None:
    """The service's ``handle`` counted as the residents' work (once per process)."""
    service = declic.core.service
    handle = service.handle
    if getattr(handle, "apart", False):
        return

    @functools.wraps(handle)
    async def apart(inbound: Any) -> Any:
        start, before = time.thread_time(), DriverClock.spent
        try:
            return await handle(inbound)
        finally:
            DriverClock.spent = before + time.thread_time() - start

    apart.apart = True  # type: ignore[attr-defined]
    service.handle = apart


def _outside(switch: Callable[[Any, bool], None]) -> Callable[[Any, bool], None]:
    def outside_only(declic: Any, on: bool) -> None:
        _handle_apart(declic)
        switch(declic, on)

    return outside_only


def _together(declic: Any, on: bool) -> None:
    """Session 12's three cuts outside ``handle`` together."""
    for switch in (_chain, _slot, _fields):
        switch(declic, on)


_SWITCHES: dict[str, Callable[[Any, bool], None]] = {
    "chain": _chain,
    "fields": _fields,
    "outside12": _together,
    "slot": _slot,
}
VARIANTS = _SWITCHES | {f"{name}_outside": _outside(s) for name, s in _SWITCHES.items()}
