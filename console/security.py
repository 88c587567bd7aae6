"""Who is asking, and may they: sessions, bearer tokens, CSRF and role checks for every route.

Sessions are server-side rows (``routing.staff.accounts``); the cookie carries a random token and
the row
is keyed by an HMAC of it under ``DECLIC_CONSOLE_SECRET``. Every state-changing request must
prove it comes from our own pages (a per-session CSRF token in the form or the
``X-CSRF-Token`` header; before login, a double-submit cookie), except bearer-token calls to
``/api``, which no browser sends by itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from fastapi import Depends, HTTPException, Request, Response

from infra.clock import Clock
from infra.i18n import SUPPORTED, Translator
from infra.settings import Settings
from infra.uow import UnitOfWork
from routing.sprints import desk as sprint_desk
from routing.sprints import service as sprints
from routing.sprints import working_days
from routing.staff import Actor
from routing.staff import audit_log as staff_audit
from routing.staff import sessions as staff_sessions
from routing.staff import views as staff_views
from routing.staff.views import StaffView

SESSION_COOKIE = "declic_session"
LOGIN_CSRF_COOKIE = "declic_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass
class ConsoleContext:
    """What every route needs, built once by ``create_app``."""

    settings: Settings
    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    session_key: bytes

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.settings.console_idle_minutes)

    @property
    def secure_cookies(self) -> bool:
        return not self.settings.is_development

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """The day it is in the town (``DECLIC_TIMEZONE``)."""
        return working_days.today(self.now(), sprints.rules_of(self.settings))

    def session_id(self, cookie: str) -> str:
        return hmac.new(self.session_key, cookie.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Auth:
    """The authenticated staff member of this request and how they proved it."""

    staff: StaffView
    via: Literal["session", "token"]
    session_id: str | None = None
    csrf_token: str | None = None


class LoginRequired(Exception):
    """No valid session or token: pages redirect to the login form, the API answers 401."""


class PasswordChangeRequired(Exception):
    """The session's account still has a provisional password: it goes to « Mon compte »."""


# What a person with a provisional password may still open.
PROVISIONAL_PATHS = ("/account", "/logout", "/preferences/locale")


def context(request: Request) -> ConsoleContext:
    ctx: ConsoleContext = request.app.state.console
    return ctx


def is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def current_auth(request: Request) -> Auth | None:
    """Resolve the session cookie (or, on /api, a bearer token) once per request."""
    if hasattr(request.state, "auth"):
        cached: Auth | None = request.state.auth
        return cached
    ctx = context(request)
    auth: Auth | None = None
    token = _bearer(request) if is_api(request) else None
    cookie = request.cookies.get(SESSION_COOKIE)
    if token is not None:
        async with ctx.uow_factory() as uow:
            staff = await staff_sessions.verify_token(uow, token, ctx.now())
            await uow.commit()
        auth = Auth(staff, "token") if staff is not None else None
    elif cookie:
        sid = ctx.session_id(cookie)
        async with ctx.uow_factory() as uow:
            session = await staff_sessions.load_session(uow, sid, ctx.now(), idle=ctx.idle)
            await uow.commit()
        if session is not None:
            auth = Auth(session.staff, "session", session.id, session.csrf_token)
    request.state.auth = auth
    return auth


async def _submitted_csrf(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(_FORM_TYPES):
        form = await request.form()  # cached by Starlette: the route reads the same form
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def csrf_guard(request: Request, auth: Auth | None = Depends(current_auth)) -> None:
    """Applied to every route: unsafe methods need a CSRF token (bearer API calls excepted)."""
    if request.method in SAFE_METHODS or (auth is not None and auth.via == "token"):
        return
    submitted = await _submitted_csrf(request)
    if auth is not None and auth.csrf_token is not None:
        expected = auth.csrf_token
    else:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not (submitted and expected and hmac.compare_digest(submitted, expected)):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong")


def require(role: str) -> Callable[..., Awaitable[Auth]]:
    """A dependency that lets through staff of at least ``role`` (agent < coordinator < admin)."""
    staff_views.role_at_least(role, role)  # fail at import time on a typo

    async def dependency(request: Request, auth: Auth | None = Depends(current_auth)) -> Auth:
        if auth is None:
            raise LoginRequired
        if not is_api(request) and getattr(request.state, "city", None) is None:
            async with context(request).uow_factory() as uow:  # labels and pick-lists
                request.state.city = await sprint_desk.city(uow)
        if (
            auth.via == "session"
            and auth.staff.must_change_password
            and not any(
                request.url.path == p or request.url.path.startswith(p + "/")
                for p in PROVISIONAL_PATHS
            )
        ):
            raise PasswordChangeRequired
        if not auth.staff.may(role):
            raise HTTPException(status_code=403, detail=f"reserved to {role} and above")
        return auth

    dependency.__name__ = f"require_{role}"
    return dependency


require_agent = require("agent")
require_coordinator = require("coordinator")
require_admin = require("admin")


def accepted_locale(header: str | None) -> str | None:
    """The best supported language of an ``Accept-Language`` header, or None."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        base = tag.strip().split("-", 1)[0].lower()
        if base in SUPPORTED and quality > 0:
            ranked.append((-quality, position, base))
    return min(ranked)[2] if ranked else None


def locale_for(request: Request, auth: Auth | None) -> str:
    """The staff member's choice, else the browser's language, else the configured default."""
    if auth is not None and auth.staff.locale in SUPPORTED:
        return str(auth.staff.locale)
    return (
        accepted_locale(request.headers.get("accept-language")) or context(request).settings.locale
    )


def translator(request: Request, auth: Auth | None) -> Translator:
    return Translator(locale_for(request, auth), context(request).settings.tz)


def set_session_cookie(ctx: ConsoleContext, response: Response, token: str) -> None:
    # No Max-Age: a browser session; the server ends it after idle minutes anyway.
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=ctx.secure_cookies,
        path="/",
    )


def clear_session_cookie(ctx: ConsoleContext, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=ctx.secure_cookies, path="/"
    )


def login_csrf_token(request: Request) -> str:
    """The double-submit token of the login form: reuse the browser's, or mint one."""
    existing = request.cookies.get(LOGIN_CSRF_COOKIE)
    return existing if existing and len(existing) <= 100 else secrets.token_urlsafe(32)


def set_login_csrf_cookie(ctx: ConsoleContext, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=ctx.secure_cookies,
        path="/",
        max_age=3600,
    )


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class AuditTrail:
    """Bound to the request's staff member: case pages call ``view``/``change`` in their own
    unit of work, so the entry is committed exactly when the read or the change is."""

    staff_id: int
    clock: Clock

    async def view(
        self,
        uow: UnitOfWork,
        subject_type: str,
        subject_id: int | str,
        details: dict[str, Any] | None = None,
    ) -> None:
        await staff_audit.audit(
            uow,
            self.staff_id,
            f"{subject_type}.viewed",
            subject_type,
            subject_id,
            details,
            self.clock.now(),
        )

    async def change(
        self,
        uow: UnitOfWork,
        action: str,
        subject_type: str,
        subject_id: int | str,
        details: dict[str, Any] | None = None,
    ) -> None:
        await staff_audit.audit(
            uow, self.staff_id, action, subject_type, subject_id, details, self.clock.now()
        )


def actor_of(auth: Auth) -> Actor:
    """The staff member as the domain's use cases audit them: through the console or the API."""
    return Actor(auth.staff.id, "api" if auth.via == "token" else "console")


async def audit_trail(request: Request, auth: Auth = Depends(require_agent)) -> AuditTrail:
    """FastAPI dependency for routes that show or change a resident's data."""
    return AuditTrail(auth.staff.id, context(request).clock)


async def audit_view(
    uow: UnitOfWork,
    auth: Auth,
    clock: Clock,
    subject_type: str,
    subject_id: int | str,
    details: dict[str, Any] | None = None,
) -> None:
    """Record that ``auth``'s staff member viewed a resident's data (same transaction)."""
    await AuditTrail(auth.staff.id, clock).view(uow, subject_type, subject_id, details)
