"""The staff console: a FastAPI app of server-rendered pages and a JSON API under ``/api``.

``create_app`` takes everything it needs (settings, unit-of-work factory, clock), so tests build
it over a throw-away database and a frozen clock, and ``declic console`` over the real ones.
No traceback ever reaches a staff member: errors become kind pages (or JSON under ``/api``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from console import (
    account_pages,
    api,
    canned_pages,
    case_api,
    case_extras,
    case_pages,
    directory_pages,
    health,
    pages,
    panel_pages,
    poster_pages,
    rules_pages,
    setup_api,
    sprint_api,
    sprint_pages,
    staff_api,
    stats_pages,
    team_pages,
    words,
)
from console.security import (
    ConsoleContext,
    LoginRequired,
    PasswordChangeRequired,
    csrf_guard,
    current_auth,
    is_api,
    translator,
)
from console.templating import HERE, render, templates
from infra.clock import Clock
from infra.settings import Settings
from infra.uow import UnitOfWork
from routing.conversation.replies import Renderer

log = logging.getLogger(__name__)

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
)


class SecurityHeaders:
    """Pure ASGI middleware: hardening headers on every response; pages are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


async def _error_page(
    request: Request, status_code: int, headers: dict[str, str] | None = None
) -> Response:
    title, message = words.ERRORS.get(status_code, words.ERRORS[500 if status_code >= 500 else 400])
    if is_api(request):
        return JSONResponse(
            {"detail": title, "status": status_code}, status_code=status_code, headers=headers
        )
    try:  # a 404 raised before any dependency ran: still show the staff member's page chrome
        auth = await current_auth(request)
    except Exception:
        auth = None
    tr = translator(request, auth)
    response = render(
        request,
        "error.html",
        status_code=status_code,
        title=tr.gettext(title),
        message=tr.gettext(message),
    )
    if headers:
        response.headers.update(headers)
    return response


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if is_api(request):
            return JSONResponse(
                {"detail": "authentication required", "status": 401},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        query = "" if target == "/" else "?next=" + _quote(target)
        return RedirectResponse("/login" + query, status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def provisional(request: Request, _exc: PasswordChangeRequired) -> Response:
        if is_api(request):
            return JSONResponse(
                {"detail": "password_change_required", "status": 403}, status_code=403
            )
        return RedirectResponse("/account?m=must_change", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return await _error_page(request, exc.status_code, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if is_api(request):
            errors = [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type")}
                for e in exc.errors()
            ]
            return JSONResponse({"detail": errors, "status": 422}, status_code=422)
        return await _error_page(request, 400)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.error(
            "console: unhandled error on %s %s", request.method, request.url.path, exc_info=exc
        )
        try:
            return await _error_page(request, 500)
        except Exception:  # the error page itself failed: still no traceback to the browser
            log.exception("console: the error page failed")
            return HTMLResponse("<h1>Erreur</h1>", status_code=500)


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def create_app(
    settings: Settings,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    *,
    session_key: bytes | None = None,
    resident_renderer: Renderer | None = None,
) -> FastAPI:
    """The console over one database. Without ``DECLIC_CONSOLE_SECRET`` (development only: the
    settings refuse it in production) sessions are keyed by a random secret and end at restart.

    ``resident_renderer`` turns replies to a resident into Bot API calls (the bot's renderer,
    given by the composition root): the sprint pages tell the resident with it exactly as their
    own conversation would. Without it, staff cannot book or cancel a resident's sprint."""
    if session_key is None:
        secret = settings.console_secret.get_secret_value() if settings.console_secret else ""
        session_key = secret.encode() if secret else secrets.token_bytes(32)
    app = FastAPI(
        title="Déclic console API",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(csrf_guard)],
    )
    app.state.console = ConsoleContext(settings, uow_factory, clock, session_key)
    app.state.templates = templates()
    app.state.resident_renderer = resident_renderer
    _install_error_pages(app)
    health.install(app)  # before the pages: no session, no CSRF, no login
    app.include_router(pages.router)
    app.include_router(account_pages.router)
    app.include_router(canned_pages.router)
    app.include_router(directory_pages.router)
    app.include_router(case_pages.router)
    app.include_router(team_pages.router)
    app.include_router(rules_pages.router)
    app.include_router(case_extras.router)
    app.include_router(api.router)
    app.include_router(case_api.router)
    app.include_router(sprint_pages.router)
    app.include_router(panel_pages.router)
    app.include_router(sprint_api.router)
    app.include_router(staff_api.router)
    app.include_router(setup_api.router)
    app.include_router(stats_pages.router)
    app.include_router(poster_pages.router)
    app.include_router(stats_pages.api_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(SecurityHeaders)
    return app
