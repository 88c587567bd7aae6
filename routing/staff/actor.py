"""Who acts, for the audit trail: a staff member, and the transport they acted through.

Use cases that change a resident's case or sprint take an ``Actor`` and write the audit entry
themselves, in their own transaction, so a change made from the console, the JSON API or the
Telegram staff group is audited alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from infra.uow import UnitOfWork
from routing.staff.audit_log import audit

Via = Literal["console", "api", "telegram", "cli"]


@dataclass(frozen=True)
class Actor:
    staff_id: int
    via: Via

    async def record(
        self,
        uow: UnitOfWork,
        action: str,
        subject_type: str,
        subject_id: int | str,
        details: dict[str, Any] | None,
        now: datetime,
    ) -> None:
        """One audit entry in the caller's transaction, saying through what it was done."""
        entry = {**(details or {}), "via": self.via}
        await audit(uow, self.staff_id, action, subject_type, subject_id, entry, now)
