"""bench.turn_cpu --steps: each step times its function where the turn calls it (every module
that imported it), and a step the common turns never call is reported, as the claim and load was
missed from session 12 to 14 (``service.claim_and_load`` timed, turns calling ``claim_last``'s)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import _ConnectionFairy

from bench import turn_cpu
from bench.databases import fresh_database
from bench.intake_latency import Plan, converse, declic_bot
from infra.db import _InLoopConnection, _InLoopCursor
from infra.uow import UnitOfWork
from routing.conversation import claim_first, claim_last, turn_rows
from routing.outbox import messages


def _never_called() -> None:
    """A planted step: no turn calls it."""


_CLASSES = (
    (UnitOfWork, ("__aenter__", "__aexit__", "commit")),
    (AsyncSession, ("flush", "execute")),
    (_InLoopConnection, ("commit", "rollback")),
    (AsyncAdapt_asyncpg_connection, ("commit", "rollback")),
    (_ConnectionFairy, ("_checkin", "_checkout")),
    (_InLoopCursor, ("_run",)),
)


def _restored_afterwards(monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``time_steps`` wraps, put back at the test's end (other tests run unwrapped)."""
    for cls, names in _CLASSES:
        for name in names:
            monkeypatch.setattr(cls, name, cls.__dict__[name])
    functions = {
        id(f): f
        for f in (
            claim_first.claim_and_load,
            claim_last.claim_last,
            claim_last.rows_and_later,
            turn_rows.keep_message,
            messages.write_rows,
            _never_called,
        )
    }
    for module in list(sys.modules.values()):
        attributes = getattr(module, "__dict__", None)
        if isinstance(attributes, dict):
            for key, value in list(attributes.items()):
                if id(value) in functions and value is functions[id(value)]:
                    monkeypatch.setitem(attributes, key, value)


async def _common_steps(steps: Any) -> tuple[turn_cpu.Measured, set[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_database("sqlite", Path(tmp)) as url, declic_bot(url) as declic:
            await converse(declic.dp, declic.bot, Plan(2, 5, 0.0, 2026, first_user_id=900_000))
            steps(declic)
            measured = await turn_cpu.one_at_a_time(
                declic, Plan(3, 6, 0.0, 2026, first_user_id=700_000), None
            )
    called = {
        step for name, kind in measured.kinds.items() if name.endswith("/ common")
        for step in kind.steps
    }  # fmt: skip
    assert called, "no common turn measured"
    return measured, called


async def test_the_claim_step_is_timed_where_common_turns_call_it_on_sqlite(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _restored_afterwards(monkeypatch)
    _, called = await _common_steps(turn_cpu.time_steps)
    assert {"claim_and_load", "claim_last", "keep_message", "write_rows"} <= called


async def test_a_step_never_called_is_reported_and_the_real_ones_are_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _restored_afterwards(monkeypatch)
    planted = (*turn_cpu.MODULE_STEPS, (__name__, "_never_called"))
    wrapped: list[str] = []

    def steps(declic: Any) -> None:
        wrapped.extend(turn_cpu.time_steps(declic, planted))

    measured, _ = await _common_steps(steps)
    warnings = turn_cpu.unused_steps(measured, wrapped)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("warning: --steps' step _never_called was never called in the")
