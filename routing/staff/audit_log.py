"""The audit log: who viewed or changed what. Its ``details`` hold ids and codes only, never a
resident's words or name, so erasure (``routing.privacy.service``) never has to touch it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from infra.uow import UnitOfWork
from infra.views import view_of
from routing.staff.records import AuditEntry, StaffMember
from routing.staff.views import AuditView

# Audit details must stay small codes and ids: a guard against a resident's words slipping in.
_MAX_DETAIL_TEXT = 64
_MAX_DETAIL_IDS = 100  # a list of ids: the cases one listing showed


def _check_details(details: dict[str, Any]) -> dict[str, Any]:
    for key, value in details.items():
        ok = (
            value is None
            or isinstance(value, bool | int | float)
            or (isinstance(value, str) and len(value) <= _MAX_DETAIL_TEXT)
            or (
                isinstance(value, list)
                and len(value) <= _MAX_DETAIL_IDS
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            )
        )
        if not ok:
            raise ValueError(
                f"audit detail {key!r} must be an id or a short code, not free text or a structure"
            )
    return dict(details)


async def audit(
    uow: UnitOfWork,
    staff_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | str | None,
    details: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Append one entry in the caller's transaction, so it is written exactly when the change is."""
    uow.session.add(
        AuditEntry(
            staff_id=staff_id,
            action=action,
            subject_type=subject_type,
            subject_id=None if subject_id is None else str(subject_id),
            details=_check_details(details or {}),
            occurred_at=now,
        )
    )


async def list_audit(
    uow: UnitOfWork,
    *,
    limit: int = 100,
    before_id: int | None = None,
    staff_id: int | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
) -> list[AuditView]:
    """Newest first, paged by id (``before_id``); for coordinators and admins."""
    query = (
        select(AuditEntry, StaffMember.display_name)
        .outerjoin(StaffMember, StaffMember.id == AuditEntry.staff_id)
        .order_by(AuditEntry.id.desc())
        .limit(max(1, min(limit, 500)))
    )
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if staff_id is not None:
        query = query.where(AuditEntry.staff_id == staff_id)
    if subject_type:
        query = query.where(AuditEntry.subject_type == subject_type)
    if subject_id:
        query = query.where(AuditEntry.subject_id == subject_id)
    result = await uow.session.execute(query)
    return [
        view_of(AuditView, entry, staff_name=name, details=dict(entry.details or {}))
        for entry, name in result.all()
    ]
