"""What coordinators do to a directory entry, shared by the pages and the JSON API: each action
is refused when the entry changed since the version the colleague saw (``Stale``), otherwise it
runs the ``knowledge.desk`` change and its audit entry in one unit of work, so both commit or
neither. Pages turn the outcome into flash messages, the API into status codes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from console.forms import is_stale
from console.security import AuditTrail, Auth, ConsoleContext
from infra.uow import UnitOfWork
from knowledge import desk as directory
from knowledge.resources import Resource


class Stale(Exception):
    """The entry changed since the version the change was asked from: nothing was written."""


async def edit_facts(
    ctx: ConsoleContext,
    auth: Auth,
    external_id: str,
    version: str,
    facts: directory.Facts,
    *,
    details: dict[str, Any],
) -> Resource | None:
    """Change the entry's facts (the caller checked them: ``Facts.valid``)."""

    async def work(uow: UnitOfWork, now: datetime) -> None:
        await directory.update_facts(uow, external_id, now, facts)

    return await _change(ctx, auth, external_id, version, "directory.updated", details, work)


async def mark_verified(
    ctx: ConsoleContext, auth: Auth, external_id: str, version: str, *, details: dict[str, Any]
) -> Resource | None:
    """The entry is verified today (the town's date)."""
    today = ctx.today()

    async def work(uow: UnitOfWork, now: datetime) -> None:
        await directory.mark_verified(uow, external_id, today, now)

    return await _change(ctx, auth, external_id, version, "directory.verified", details, work)


async def set_active(
    ctx: ConsoleContext,
    auth: Auth,
    external_id: str,
    version: str,
    active: bool,
    *,
    details: dict[str, Any],
) -> Resource | None:
    """Deactivate the entry (it is no longer suggested) or reactivate it."""

    async def work(uow: UnitOfWork, now: datetime) -> None:
        await directory.set_active(uow, external_id, active, now)

    action = "directory.reactivated" if active else "directory.deactivated"
    return await _change(ctx, auth, external_id, version, action, details, work)


async def _change(
    ctx: ConsoleContext,
    auth: Auth,
    external_id: str,
    version: str,
    action: str,
    details: dict[str, Any],
    work: Callable[[UnitOfWork, datetime], Awaitable[None]],
) -> Resource | None:
    """Run ``work`` and its audit entry (``action``; ``details``: how the change came); the
    entry as it now is, or None when there is no such entry (nothing written). Raises ``Stale``
    when it changed since ``version``."""
    async with ctx.uow_factory() as uow:
        current = await directory.entry(uow, external_id)
        if current is None:
            return None
        if is_stale(version, current):
            raise Stale(external_id)
        await work(uow, ctx.now())
        await AuditTrail(auth.staff.id, ctx.clock).change(
            uow, action, "resource", external_id[:64], details
        )
        changed = await directory.entry(uow, external_id)
        await uow.commit()
    return changed
