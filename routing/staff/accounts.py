"""Staff accounts: creating, finding and changing them, passwords from the owner or an admin,
logging in, the Telegram account a staff member links.

The console and the CLI are thin: they turn cookies, forms and stdin into plain values and call
these services inside a unit of work, then commit. Secrets are never stored in clear
(``routing.staff.credentials``, ``routing.staff.sessions``); every change is audited
(``routing.staff.audit_log``).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import delete, func, select

from infra.uow import UnitOfWork
from routing.staff.audit_log import audit
from routing.staff.credentials import (
    check_password_policy,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from routing.staff.records import StaffMember, StaffSession
from routing.staff.sessions import close_all_sessions, end_access
from routing.staff.views import ROLES, StaffError, StaffView, normalise_email, staff_view


async def create_staff(
    uow: UnitOfWork,
    *,
    email: str,
    display_name: str,
    role: str,
    password: str,
    now: datetime,
    created_by: int | None = None,
) -> StaffView:
    """Create an account and audit it; the caller commits."""
    email = normalise_email(email)
    display_name = display_name.strip()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise StaffError("bad_email", f"{email!r} is not an email address.")
    if not display_name or len(display_name) > 128:
        raise StaffError("bad_name", "The display name must have 1 to 128 characters.")
    if role not in ROLES:
        raise StaffError("bad_role", f"The role must be one of {', '.join(ROLES)}.")
    check_password_policy(password)
    if await _by_email(uow, email) is not None:
        raise StaffError("duplicate_email", f"An account already exists for {email}.")
    password_hash = await asyncio.to_thread(hash_password, password)
    row = StaffMember(
        email=email,
        display_name=display_name,
        role=role,
        password_hash=password_hash,
        active=True,
        # chosen by an admin in the console: provisional, changed at the first login
        must_change_password=created_by is not None,
        created_at=now,
    )
    uow.session.add(row)
    await uow.flush()
    await audit(uow, created_by, "staff.created", "staff", row.id, {"role": role}, now)
    return staff_view(row)


async def _by_email(uow: UnitOfWork, email: str) -> StaffMember | None:
    result = await uow.session.execute(
        select(StaffMember).where(StaffMember.email == normalise_email(email))
    )
    return result.scalar_one_or_none()


async def get_staff(uow: UnitOfWork, staff_id: int) -> StaffView | None:
    row = await uow.session.get(StaffMember, staff_id)
    return staff_view(row) if row is not None else None


async def find_staff(uow: UnitOfWork, email: str) -> StaffView | None:
    row = await _by_email(uow, email)
    return staff_view(row) if row is not None else None


async def list_staff(uow: UnitOfWork) -> list[StaffView]:
    result = await uow.session.execute(select(StaffMember).order_by(StaffMember.display_name))
    return [staff_view(row) for row in result.scalars()]


async def _row(uow: UnitOfWork, staff_id: int) -> StaffMember:
    row = await uow.session.get(StaffMember, staff_id)
    if row is None:
        raise StaffError("unknown_staff", f"No staff account {staff_id}.")
    return row


async def update_staff(
    uow: UnitOfWork, staff_id: int, *, display_name: str, role: str, by: int, now: datetime
) -> StaffView:
    """Change a colleague's name and role (audited); an admin cannot demote themselves, so
    the console always keeps an admin."""
    row = await _row(uow, staff_id)
    display_name = display_name.strip()
    if not display_name or len(display_name) > 128:
        raise StaffError("bad_name", "The display name must have 1 to 128 characters.")
    if role not in ROLES:
        raise StaffError("bad_role", f"The role must be one of {', '.join(ROLES)}.")
    if staff_id == by and role != row.role:
        raise StaffError("own_role", "Ask another admin to change your own role.")
    changed_role = role != row.role
    row.display_name, row.role = display_name, role
    await uow.flush()
    await audit(
        uow, by, "staff.updated", "staff", row.id, {"role": role} if changed_role else {}, now
    )
    return staff_view(row)


async def set_active(
    uow: UnitOfWork, staff_id: int, active: bool, *, by: int, now: datetime
) -> StaffView:
    """Deactivate (sessions and tokens end at once) or reactivate an account; not one's own."""
    if staff_id == by:
        raise StaffError("own_account", "Ask another admin to deactivate your account.")
    row = await _row(uow, staff_id)
    row.active = active
    if not active:
        await end_access(uow, staff_id, now)
    await uow.flush()
    action = "staff.reactivated" if active else "staff.deactivated"
    await audit(uow, by, action, "staff", row.id, {}, now)
    return staff_view(row)


async def reset_password(
    uow: UnitOfWork, staff_id: int, password: str, *, by: int, now: datetime
) -> StaffView:
    """A provisional password chosen by an admin: the owner's sessions end and they must pick
    their own at the next login."""
    row = await _row(uow, staff_id)
    row.password_hash = await asyncio.to_thread(hash_password, password)
    row.must_change_password = True
    await close_all_sessions(uow, staff_id)
    await uow.flush()
    await audit(uow, by, "staff.password_reset", "staff", row.id, {}, now)
    return staff_view(row)


async def change_password(
    uow: UnitOfWork,
    staff_id: int,
    current: str,
    new: str,
    now: datetime,
    *,
    keep_session: str | None = None,
) -> StaffView:
    """The owner picks their password: the current one is checked, the new one must differ;
    their other sessions end."""
    row = await _row(uow, staff_id)
    if not await asyncio.to_thread(verify_password, row.password_hash, current):
        raise StaffError("wrong_password", "The current password is not right.")
    if new == current:
        raise StaffError("same_password", "Choose a password different from the current one.")
    row.password_hash = await asyncio.to_thread(hash_password, new)
    row.must_change_password = False
    await uow.session.execute(
        delete(StaffSession).where(
            StaffSession.staff_id == staff_id, StaffSession.id != (keep_session or "")
        )
    )
    await uow.flush()
    await audit(uow, staff_id, "staff.password_changed", "staff", row.id, {}, now)
    return staff_view(row)


async def set_locale(uow: UnitOfWork, staff_id: int, locale: str | None) -> None:
    row = await uow.session.get(StaffMember, staff_id)
    if row is not None:
        row.locale = locale


async def authenticate(
    uow: UnitOfWork, email: str, password: str, now: datetime
) -> StaffView | None:
    """The active account for these credentials, or None.

    An unknown or inactive email still costs one argon2 verification (against a dummy hash), so
    response times do not tell which emails have accounts. The caller commits.
    """
    row = await _by_email(uow, email)
    if row is None or not row.active:
        await asyncio.to_thread(verify_password, dummy_hash(), password)
        return None
    if not await asyncio.to_thread(verify_password, row.password_hash, password):
        return None
    if needs_rehash(row.password_hash):
        row.password_hash = await asyncio.to_thread(hash_password, password)
    row.last_login_at = now
    return staff_view(row)


# -- Telegram accounts (the staff group) -------------------------------------------------------


async def link_telegram(
    uow: UnitOfWork,
    email: str,
    telegram_user_id: int | None,
    now: datetime,
    *,
    linked_by: int | None = None,
) -> StaffView:
    """Link (or, with None, unlink) a staff member's Telegram account; audited, caller commits.
    One Telegram account belongs to one staff member at most."""
    row = await _by_email(uow, email)
    if row is None:
        raise StaffError("unknown_staff", f"No staff account for {normalise_email(email)}.")
    if telegram_user_id is not None:
        if telegram_user_id <= 0:
            raise StaffError("bad_telegram_id", "A Telegram user id is a positive number.")
        other = await staff_by_telegram(uow, telegram_user_id, active_only=False)
        if other is not None and other.id != row.id:
            raise StaffError(
                "telegram_taken", "This Telegram account is already linked to another account."
            )
    row.telegram_user_id = telegram_user_id
    await uow.flush()
    action = "staff.telegram_linked" if telegram_user_id is not None else "staff.telegram_unlinked"
    await audit(uow, linked_by, action, "staff", row.id, {}, now)
    return staff_view(row)


async def staff_by_telegram(
    uow: UnitOfWork, telegram_user_id: int, *, active_only: bool = True
) -> StaffMember | None:
    row = await uow.session.scalar(
        select(StaffMember).where(StaffMember.telegram_user_id == telegram_user_id)
    )
    if row is None or (active_only and not row.active):
        return None
    return row


async def count_staff(uow: UnitOfWork) -> int:
    return int((await uow.session.execute(select(func.count(StaffMember.id)))).scalar_one())
