"""Rows an integration test starts from, written straight to the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from infra.uow import UnitOfWork
from routing.journey import Idea, Resident


async def resident_and_idea(
    uow_factory: Callable[[], UnitOfWork], now: datetime, **idea: Any
) -> tuple[int, int]:
    """A reachable Telegram resident (chat 7, French) and one idea of theirs (``idea``: its
    other columns), committed at ``now``: their ids."""
    async with uow_factory() as uow:
        resident = Resident(channel="telegram", external_id="7", chat_id="7", locale="fr",
                            reachable=True, followups_paused=False, created_at=now,
                            last_seen_at=now)  # fmt: skip
        uow.session.add(resident)
        await uow.session.flush()
        row = Idea(resident_id=resident.id, locale="fr", created_at=now, updated_at=now, **idea)
        uow.session.add(row)
        await uow.session.flush()
        await uow.commit()
        return resident.id, row.id
