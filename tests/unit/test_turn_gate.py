"""TurnGate: at most N turns of the conversation service at once, the others in arrival order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.types import TelegramObject, Update

from bot.middlewares import TurnGate


class _Service:
    """Counts the turns inside ``handle`` at once; each turn waits for the database twice."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self.entered: list[int] = []
        self.locale = "fr"

    async def handle(self, inbound: int) -> int:
        self.entered.append(inbound)
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            for _ in range(2):
                await asyncio.sleep(0.001)
        finally:
            self.inside -= 1
        return inbound * 10


def _number(event: TelegramObject) -> int:
    assert isinstance(event, Update)
    return event.update_id


async def _feed(gate: TurnGate, service: _Service, n: int, before: list[int]) -> list[Any]:
    async def handler(event: TelegramObject, data: dict[str, Any]) -> Any:
        before.append(_number(event))  # what a handler does before the turn (a button's answer)
        await asyncio.sleep(0)
        return await data["service"].handle(_number(event))

    updates = [Update(update_id=i) for i in range(n)]
    return await asyncio.gather(*(gate(handler, u, {"service": service}) for u in updates))


async def test_at_most_the_slots_run_at_once_and_the_others_enter_in_arrival_order() -> None:
    service, before = _Service(), list[int]()
    results = await _feed(TurnGate(3), service, 20, before)

    assert results == [n * 10 for n in range(20)]
    assert service.most == 3
    assert service.entered == list(range(20))
    assert sorted(before) == list(range(20))


async def test_what_the_handler_does_outside_the_turn_is_not_gated() -> None:
    service, before = _Service(), list[int]()
    gate = TurnGate(1)
    feeding = asyncio.ensure_future(_feed(gate, service, 5, before))
    await asyncio.sleep(0.0005)  # the first turn holds the only slot
    assert before == list(range(5))  # every handler got as far as the turn itself
    await feeding
    assert service.most == 1


async def test_the_rest_of_the_service_goes_straight_through() -> None:
    service = _Service()
    seen: list[Any] = []

    async def handler(_event: TelegramObject, data: dict[str, Any]) -> None:
        given = data.get("service")
        seen.append(given.locale if given is not None else None)

    await TurnGate(2)(handler, Update(update_id=1), {"service": service})
    await TurnGate(2)(handler, Update(update_id=2), {})  # no service: nothing to wrap
    assert seen == ["fr", None]


def test_one_gate_serves_one_event_loop_after_another() -> None:
    gate = TurnGate(1)  # a dispatcher built once and fed from two loops (tests, the benchmark)
    for _ in range(2):
        service = _Service()
        results = asyncio.run(_feed(gate, service, 3, []))
        assert results == [0, 10, 20] and service.most == 1


def test_a_gate_needs_a_slot() -> None:
    with pytest.raises(ValueError, match="at least one slot"):
        TurnGate(0)
