"""Staff accounts and their security: passwords, sessions, API tokens, login throttling, audit.

The console and the CLI are thin: they turn cookies, forms and stdin into plain values and call
these services inside a unit of work, then commit. Secrets are never stored in clear: passwords
are argon2 hashes, API tokens and session ids are stored as digests computed by the caller's
edge (a stolen copy of the database cannot be replayed as a token or a cookie).

The audit log records who viewed or changed what. Its ``details`` hold ids and codes only, never
a resident's words or name, so erasure (``routing.privacy.service``) never has to touch it.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    String,
    delete,
    false,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from infra.orm import Base
from infra.uow import UnitOfWork
from routing.journey import BigId

ROLES = ("agent", "coordinator", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}
MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "dcl_"  # noqa: S105 (a prefix, not a secret)
# Audit details must stay small codes and ids: a guard against a resident's words slipping in.
_MAX_DETAIL_TEXT = 64
_MAX_DETAIL_IDS = 100  # a list of ids: the cases one listing showed


# -- records -----------------------------------------------------------------------------------


class StaffMember(Base):
    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A password someone else chose (at creation or reset): changed at the next login.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    # Their Telegram account, to claim cases from the staff group ("Je prends").
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)


class ApiToken(Base):
    """A personal token for the JSON API; only its SHA-256 is kept."""

    __tablename__ = "staff_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class StaffSession(Base):
    """A console session. The id is a keyed digest of the cookie, so logout and idle expiry
    are real (deleting the row ends the session) and the table is useless to a thief."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class LoginFailure(Base):
    """One failed login, keyed by a digest of (email, client address): the throttle's memory."""

    __tablename__ = "staff_login_failures"
    __table_args__ = (Index("ix_staff_login_failures_key_failed", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime]


class AuditEntry(Base):
    """Append-only: who viewed or changed what, when. Ids and codes only in ``details``."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(48))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    occurred_at: Mapped[datetime] = mapped_column(index=True)


# -- plain values handed to the transports ------------------------------------------------------


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


def _view(row: StaffMember) -> StaffView:
    return StaffView(
        row.id,
        row.email,
        row.display_name,
        row.role,
        row.active,
        row.locale,
        row.created_at,
        row.last_login_at,
        bool(row.must_change_password),
    )


class StaffError(ValueError):
    """A request about staff that cannot be honoured; ``code`` says why (for the transports)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# -- pure rules ---------------------------------------------------------------------------------


def role_at_least(role: str, required: str) -> bool:
    """agent < coordinator < admin; an unknown role reaches nothing."""
    if required not in _RANK:
        raise ValueError(f"unknown role {required!r}")
    return role in _RANK and _RANK[role] >= _RANK[required]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(
            "password_too_short",
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.",
        )


def digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (API tokens): enough, since it cannot be guessed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def throttle_key(email: str, client: str) -> str:
    """Failures are counted per (email, client address), stored as a digest only."""
    return digest(f"{normalise_email(email)}|{client}")


def is_throttled(
    failures: Sequence[datetime], now: datetime, *, limit: int, window: timedelta
) -> bool:
    """True once ``limit`` failures fall inside the sliding ``window`` ending now."""
    return sum(1 for moment in failures if moment > now - window) >= limit


def retry_after(
    failures: Sequence[datetime], now: datetime, *, limit: int, window: timedelta
) -> timedelta:
    """How long until the oldest failure that still counts leaves the window (zero if free)."""
    recent = sorted(moment for moment in failures if moment > now - window)
    if len(recent) < limit:
        return timedelta(0)
    return recent[len(recent) - limit] + window - now


# -- passwords (argon2id) -----------------------------------------------------------------------


@cache
def _hasher() -> Any:
    from argon2 import PasswordHasher  # imported on first use: the CLI's --help stays fast

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both paths cost one argon2 verification."""
    return str(_hasher().hash(secrets.token_urlsafe(16)))


def hash_password(password: str) -> str:
    check_password_policy(password)
    return str(_hasher().hash(password))


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


# -- accounts -----------------------------------------------------------------------------------


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
    return _view(row)


async def _by_email(uow: UnitOfWork, email: str) -> StaffMember | None:
    result = await uow.session.execute(
        select(StaffMember).where(StaffMember.email == normalise_email(email))
    )
    return result.scalar_one_or_none()


async def get_staff(uow: UnitOfWork, staff_id: int) -> StaffView | None:
    row = await uow.session.get(StaffMember, staff_id)
    return _view(row) if row is not None else None


async def find_staff(uow: UnitOfWork, email: str) -> StaffView | None:
    row = await _by_email(uow, email)
    return _view(row) if row is not None else None


async def list_staff(uow: UnitOfWork) -> list[StaffView]:
    result = await uow.session.execute(select(StaffMember).order_by(StaffMember.display_name))
    return [_view(row) for row in result.scalars()]


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
    return _view(row)


async def end_access(uow: UnitOfWork, staff_id: int, now: datetime) -> None:
    """Every open session and live API token of this account ends now."""
    await close_all_sessions(uow, staff_id)
    await uow.session.execute(
        update(ApiToken)
        .where(ApiToken.staff_id == staff_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


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
    return _view(row)


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
    return _view(row)


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
    return _view(row)


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
        await asyncio.to_thread(verify_password, _dummy_hash(), password)
        return None
    if not await asyncio.to_thread(verify_password, row.password_hash, password):
        return None
    if _hasher().check_needs_rehash(row.password_hash):
        row.password_hash = await asyncio.to_thread(hash_password, password)
    row.last_login_at = now
    return _view(row)


# -- login throttling ---------------------------------------------------------------------------


async def recent_failures(
    uow: UnitOfWork, key: str, now: datetime, window: timedelta
) -> list[datetime]:
    result = await uow.session.execute(
        select(LoginFailure.failed_at).where(
            LoginFailure.key == key, LoginFailure.failed_at > now - window
        )
    )
    return list(result.scalars())


async def record_failure(uow: UnitOfWork, key: str, now: datetime, window: timedelta) -> None:
    """Remember one failure and forget this key's failures that left the window."""
    await uow.session.execute(
        delete(LoginFailure).where(LoginFailure.key == key, LoginFailure.failed_at <= now - window)
    )
    uow.session.add(LoginFailure(key=key, failed_at=now))


async def clear_failures(uow: UnitOfWork, key: str) -> None:
    await uow.session.execute(delete(LoginFailure).where(LoginFailure.key == key))


# -- console sessions ---------------------------------------------------------------------------


async def open_session(
    uow: UnitOfWork, session_id: str, staff_id: int, now: datetime, *, replaces: str | None = None
) -> str:
    """Store a new session and return its CSRF token; ``replaces`` is ended (rotation at login)."""
    if replaces is not None:
        await close_session(uow, replaces)
    csrf = secrets.token_urlsafe(32)
    uow.session.add(
        StaffSession(
            id=session_id, staff_id=staff_id, csrf_token=csrf, created_at=now, last_seen_at=now
        )
    )
    return csrf


async def load_session(
    uow: UnitOfWork, session_id: str, now: datetime, *, idle: timedelta
) -> SessionView | None:
    """The live session, touched; an idle one is deleted and None returned. The caller commits."""
    row = await uow.session.get(StaffSession, session_id)
    if row is None:
        return None
    staff = await uow.session.get(StaffMember, row.staff_id)
    if staff is None or not staff.active or now - row.last_seen_at >= idle:
        await uow.session.delete(row)
        return None
    # Touch at most once a minute: idle expiry is counted in minutes, writes are not free.
    if now - row.last_seen_at >= timedelta(minutes=1):
        row.last_seen_at = now
    return SessionView(row.id, _view(staff), row.csrf_token, row.created_at, row.last_seen_at)


async def close_session(uow: UnitOfWork, session_id: str) -> None:
    await uow.session.execute(delete(StaffSession).where(StaffSession.id == session_id))


async def close_all_sessions(uow: UnitOfWork, staff_id: int) -> None:
    await uow.session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))


async def purge_idle_sessions(uow: UnitOfWork, now: datetime, *, idle: timedelta) -> int:
    result = await uow.session.execute(
        delete(StaffSession).where(StaffSession.last_seen_at <= now - idle)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# -- personal API tokens ------------------------------------------------------------------------


async def issue_token(
    uow: UnitOfWork, staff_id: int, now: datetime, *, label: str | None = None
) -> str:
    """A new token, returned once in clear; only its digest is stored. The caller commits."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        staff_id=staff_id,
        token_hash=digest(token),
        label=(label or "").strip()[:100] or None,
        created_at=now,
    )
    uow.session.add(row)
    await uow.flush()
    await audit(uow, staff_id, "token.issued", "api_token", row.id, {}, now)
    return token


async def verify_token(uow: UnitOfWork, token: str, now: datetime) -> StaffView | None:
    """The active staff member behind a live token, or None; records when it was last used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    result = await uow.session.execute(
        select(ApiToken, StaffMember)
        .join(StaffMember, StaffMember.id == ApiToken.staff_id)
        .where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None))
    )
    found = result.one_or_none()
    if found is None:
        return None
    row, staff = found
    if not staff.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= timedelta(minutes=1):
        row.last_used_at = now
    return _view(staff)


async def revoke_token(uow: UnitOfWork, token_id: int, now: datetime) -> bool:
    row = await uow.session.get(ApiToken, token_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = now
    return True


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
    return _view(row)


async def staff_by_telegram(
    uow: UnitOfWork, telegram_user_id: int, *, active_only: bool = True
) -> StaffMember | None:
    row = await uow.session.scalar(
        select(StaffMember).where(StaffMember.telegram_user_id == telegram_user_id)
    )
    if row is None or (active_only and not row.active):
        return None
    return row


# -- audit log ----------------------------------------------------------------------------------


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
        AuditView(
            entry.id,
            entry.staff_id,
            name,
            entry.action,
            entry.subject_type,
            entry.subject_id,
            dict(entry.details or {}),
            entry.occurred_at,
        )
        for entry, name in result.all()
    ]


async def count_staff(uow: UnitOfWork) -> int:
    return int((await uow.session.execute(select(func.count(StaffMember.id)))).scalar_one())
