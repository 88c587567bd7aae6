"""Console sessions (rotated at login, ended when idle) and personal API tokens (shown once,
stored as digests); ``end_access`` ends both for an account at once."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from infra.uow import UnitOfWork
from infra.views import view_of
from routing.staff.audit_log import audit
from routing.staff.credentials import digest
from routing.staff.records import ApiToken, StaffMember, StaffSession
from routing.staff.views import SessionView, StaffView, staff_view

TOKEN_PREFIX = "dcl_"  # noqa: S105 (a prefix, not a secret)


async def end_access(uow: UnitOfWork, staff_id: int, now: datetime) -> None:
    """Every open session and live API token of this account ends now."""
    await close_all_sessions(uow, staff_id)
    await uow.session.execute(
        update(ApiToken)
        .where(ApiToken.staff_id == staff_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


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
    return view_of(SessionView, row, staff=staff_view(staff))


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
    return staff_view(staff)


async def revoke_token(uow: UnitOfWork, token_id: int, now: datetime) -> bool:
    row = await uow.session.get(ApiToken, token_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = now
    return True
