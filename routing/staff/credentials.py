"""Secrets and logins: the password policy, argon2id hashes, digests of high-entropy secrets, and
login throttling (failures per email and client address, in a sliding window)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, select

from infra.uow import UnitOfWork
from routing.staff.records import LoginFailure
from routing.staff.views import StaffError, normalise_email

MIN_PASSWORD_LENGTH = 12


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
def dummy_hash() -> str:
    """Verified against when the email is unknown, so both paths cost one argon2 verification."""
    return str(_hasher().hash(secrets.token_urlsafe(16)))


def hash_password(password: str) -> str:
    check_password_policy(password)
    return str(_hasher().hash(password))


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older argon2 parameters than today's."""
    return bool(_hasher().check_needs_rehash(password_hash))


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


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
