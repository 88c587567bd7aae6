"""Staff accounts: roles, passwords and console sessions, API tokens, the Telegram account a
staff member links, and the audit trail of what staff did."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.staff.accounts import (
        authenticate,
        create_staff,
        find_staff,
        get_staff,
        link_telegram,
        list_staff,
        staff_by_telegram,
    )
    from routing.staff.actor import Actor, Via
    from routing.staff.audit_log import audit, list_audit
    from routing.staff.credentials import MIN_PASSWORD_LENGTH
    from routing.staff.records import AuditEntry, StaffMember, StaffSession
    from routing.staff.views import ROLES, AuditView, StaffError, StaffView, role_at_least

__getattr__, __dir__, __all__ = attach(__name__, __file__)
