"""Liveness and readiness, shared by every process that answers ``/healthz`` and ``/readyz``.

Liveness says the process runs (nothing external is checked, so a database outage does not get
a healthy process killed); readiness says it can do its work now: the database answers and its
schema is the one this code expects. Answers hold no personal data.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

READINESS_TIMEOUT_SECONDS = 2.0


def liveness() -> dict[str, Any]:
    return {"status": "ok"}


async def readiness(engine: AsyncEngine) -> tuple[bool, dict[str, Any]]:
    """(ready, details): the database answers within a bound and its schema is at head."""
    from infra.migrate import head_revision  # Alembic's script directory, read once per call

    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
            current = (
                await conn.execute(text("SELECT version_num FROM alembic_version"))
            ).scalar_one_or_none()
    except Exception as exc:  # any failure means "not ready"; the kind is enough to act on
        checks["database"] = f"unavailable: {type(exc).__name__}"
        return False, {"status": "unavailable", "checks": checks}
    expected = head_revision(engine.url.render_as_string(hide_password=False))
    checks["schema"] = "ok" if current == expected else f"at {current}, expected {expected}"
    ready = checks["schema"] == "ok"
    return ready, {"status": "ok" if ready else "unavailable", "checks": checks}
