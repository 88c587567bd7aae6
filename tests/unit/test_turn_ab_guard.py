"""bench.turn_ab_guard: a ``bench.turn_ab`` variant whose switch no longer changes the code a turn
runs is reported, as ``claim`` and ``returning`` were from session 12 to 14 (they swapped
``service.claim_and_load`` while turns called it through ``claim_last``'s own import)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bench import sessions8_11, turn_ab_guard
from bench.databases import fresh_database
from bench.intake_latency import Plan, converse, declic_bot
from bench.turn_ab_variants import DEAD, VARIANTS
from routing.conversation import claim_first, service


def _quick(x: int) -> int:
    return x + 1


def _slow(x: int) -> int:
    return sum(range(x)) - sum(range(x)) + x + 1


# A toy product: the turn calls ``step`` through ``caller``'s reference, as claim_last does.
toy_service = SimpleNamespace(step=_quick)
toy_caller = SimpleNamespace(step=_quick)


async def _toy_turn() -> None:
    for x in range(3):
        toy_caller.step(x)


async def test_a_switch_of_a_reference_the_turn_does_not_call_is_dead() -> None:
    def planted(on: bool) -> None:
        toy_service.step = _quick if on else _slow

    assert await turn_ab_guard.changed(planted, _toy_turn) == set()
    assert toy_service.step is _quick  # left on B


async def test_a_switch_of_the_reference_the_turn_calls_is_alive() -> None:
    def live(on: bool) -> None:
        toy_caller.step = _quick if on else _slow

    only = await turn_ab_guard.changed(live, _toy_turn)
    assert {called.co_name for _, called in only} == {"_quick", "_slow"}
    assert toy_caller.step is _quick


_claim_and_load = claim_first.claim_and_load


def _service_only(declic: Any, on: bool) -> None:
    """``claim`` as it was from session 12 to 14: ``service.claim_and_load`` swapped alone."""
    setattr(service, "claim_and_load", _claim_and_load if on else sessions8_11._claim_then_load)  # noqa: B010


async def test_the_real_turn_reports_a_planted_dead_variant_and_not_the_fixed_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(VARIANTS, "planted", _service_only)
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_database("sqlite", Path(tmp)) as url, declic_bot(url) as declic:
            await converse(declic.dp, declic.bot, Plan(2, 5, 0.0, 2026, first_user_id=900_000))
            warning = await turn_ab_guard.dead_warning("planted", declic, "sqlite", 5, 2026)
            assert warning.startswith("warning: planted changes no code a turn runs on sqlite")
            for name in ("claim", "returning"):
                assert await turn_ab_guard.dead_warning(name, declic, "sqlite", 5, 2026) == ""


def test_the_dead_are_registered_variants_with_a_reason() -> None:
    assert set(DEAD) <= set(VARIANTS)
    assert all(DEAD.values())
