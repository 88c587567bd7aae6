"""The plain values handed to the transports (a staff member, a console session, an audit
entry), the roles they carry, and the error a staff request raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from infra.views import view_of
from routing.staff.records import StaffMember

ROLES = ("agent", "coordinator", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}


@dataclass(frozen=True)
class StaffView:
    id: int
    email: str
    display_name: str
    role: str
    active: bool
    locale: str | None
    created_at: datetime
    last_login_at: datetime | None
    must_change_password: bool = False

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0] if self.display_name.split() else self.display_name

    def may(self, required: str) -> bool:
        return role_at_least(self.role, required)


@dataclass(frozen=True)
class SessionView:
    id: str
    staff: StaffView
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class AuditView:
    id: int
    staff_id: int | None
    staff_name: str | None
    action: str
    subject_type: str
    subject_id: str | None
    details: dict[str, Any]
    occurred_at: datetime


def staff_view(row: StaffMember) -> StaffView:
    return view_of(StaffView, row, must_change_password=bool(row.must_change_password))


class StaffError(ValueError):
    """A request about staff that cannot be honoured; ``code`` says why (for the transports)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def role_at_least(role: str, required: str) -> bool:
    """agent < coordinator < admin; an unknown role reaches nothing."""
    if required not in _RANK:
        raise ValueError(f"unknown role {required!r}")
    return role in _RANK and _RANK[role] >= _RANK[required]


def normalise_email(email: str) -> str:
    return email.strip().lower()
