"""Staff accounts: roles, passwords and console sessions, API tokens, the Telegram account a
staff member links, and the audit trail of what staff did."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.lazy import attach

if TYPE_CHECKING:
    from routing.staff.accounts import (
        MIN_PASSWORD_LENGTH,
        ROLES,
        AuditEntry,
        AuditView,
        StaffError,
        StaffMember,
        StaffSession,
        StaffView,
        audit,
        authenticate,
        create_staff,
        find_staff,
        get_staff,
        link_telegram,
        list_audit,
        list_staff,
        role_at_least,
        staff_by_telegram,
    )
    from routing.staff.actor import Actor, Via

__getattr__, __dir__, __all__ = attach(__name__, __file__)
