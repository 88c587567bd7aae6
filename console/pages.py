"""Server-rendered pages: login, logout, the queue, staff accounts (admins), the audit log.

Every route states the role it needs; state-changing routes are POST forms guarded by the app's
CSRF dependency. Locale: the staff member's choice, else the browser's.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console import case_actions, words
from console.forms import version_of
from console.labels import Labels
from console.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Auth,
    ConsoleContext,
    clear_session_cookie,
    client_address,
    context,
    current_auth,
    login_csrf_token,
    new_session_token,
    require_admin,
    require_agent,
    require_coordinator,
    set_login_csrf_cookie,
    set_session_cookie,
    translator,
)
from console.templating import render
from infra.i18n import SUPPORTED
from routing.cases import desk as case_desk
from routing.cases import service_levels
from routing.cases import states as case_states
from routing.cases import teams as case_teams
from routing.cases import views as case_views
from routing.staff import accounts as staff_service
from routing.staff import audit_log as staff_audit
from routing.staff import credentials
from routing.staff import sessions as staff_sessions
from routing.staff import views as staff_views
from routing.staff.credentials import MIN_PASSWORD_LENGTH
from routing.staff.views import ROLES, StaffError

router = APIRouter(include_in_schema=False)

NOTICES = {"logged_out": words.LOGGED_OUT, "expired": words.SESSION_EXPIRED}


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _login_page(
    request: Request,
    *,
    status_code: int = 200,
    error: str | None = None,
    notice: str | None = None,
    email: str = "",
    next_path: str = "/",
) -> HTMLResponse:
    token = login_csrf_token(request)
    response = render(
        request,
        "login.html",
        status_code=status_code,
        login_csrf=token,
        error=error,
        notice=notice,
        email=email,
        next_path=safe_next(next_path),
    )
    set_login_csrf_cookie(context(request), response, token)
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_form(
    request: Request,
    next_path: str = Query("/", alias="next"),
    notice: str | None = Query(None, alias="m"),
    auth: Auth | None = Depends(current_auth),
) -> Response:
    if auth is not None:
        return RedirectResponse(safe_next(next_path), status_code=303)
    tr = translator(request, None)
    message = NOTICES.get(notice or "")
    response = _login_page(
        request, notice=tr.gettext(message) if message else None, next_path=next_path
    )
    if request.cookies.get(SESSION_COOKIE):  # a stale cookie from an ended session
        clear_session_cookie(context(request), response)
    return response


@router.post("/login")
async def login(
    request: Request,
    email: str = Form("", max_length=254),
    password: str = Form("", max_length=1024),
    next_path: str = Form("/", alias="next", max_length=2000),
) -> Response:
    ctx = context(request)
    settings = ctx.settings
    tr = translator(request, None)
    now = ctx.now()
    window = timedelta(minutes=settings.console_login_window_minutes)
    key = credentials.throttle_key(email, client_address(request))
    old_cookie = request.cookies.get(SESSION_COOKIE)
    async with ctx.uow_factory() as uow:
        failures = await credentials.recent_failures(uow, key, now, window)
        limit = settings.console_login_attempts
        if credentials.is_throttled(failures, now, limit=limit, window=window):
            wait = credentials.retry_after(failures, now, limit=limit, window=window)
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            return _login_page(
                request,
                status_code=429,
                error=tr.gettext(words.LOGIN_THROTTLED).format(minutes=minutes),
                email=email,
                next_path=next_path,
            )
        staff = await staff_service.authenticate(uow, email, password, now)
        if staff is None:
            await credentials.record_failure(uow, key, now, window)
            await uow.commit()
            return _login_page(
                request,
                status_code=401,
                error=tr.gettext(words.LOGIN_FAILED),
                email=email,
                next_path=next_path,
            )
        await credentials.clear_failures(uow, key)
        # Rotation: whatever session the browser had ends; a fresh id is issued.
        token = new_session_token()
        await staff_sessions.open_session(
            uow,
            ctx.session_id(token),
            staff.id,
            now,
            replaces=ctx.session_id(old_cookie) if old_cookie else None,
        )
        await staff_audit.audit(uow, staff.id, "staff.login", "staff", staff.id, {}, now)
        await uow.commit()
    response = RedirectResponse(safe_next(next_path), status_code=303)
    set_session_cookie(ctx, response, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request, auth: Auth = Depends(require_agent)) -> Response:
    ctx = context(request)
    if auth.session_id is not None:
        async with ctx.uow_factory() as uow:
            await staff_sessions.close_session(uow, auth.session_id)
            await staff_audit.audit(
                uow, auth.staff.id, "staff.logout", "staff", auth.staff.id, {}, ctx.now()
            )
            await uow.commit()
    response = RedirectResponse("/login?m=logged_out", status_code=303)
    clear_session_cookie(ctx, response)
    return response


STATUS_CHOICES = (*case_states.ACTIVE, case_states.RESOLVED)
# The queue's self-refresh sends back what the tab shows (``data-shown``): unchanged, the
# refresh shows no one new and is not audited again, so the log is not flooded every 30 s.
QUEUE_SHOWN = "x-declic-queue-shown"


def queue_shown(staff_id: int, views: list[case_views.CaseView], excerpts: dict[int, str]) -> str:
    """A digest of the residents' data a queue page shows (who, which case, whose, their last
    words), without the waiting times that change every minute."""
    rows = [(v.id, v.status, v.holder_id, v.team_id, v.resident_id) for v in views]
    return version_of((staff_id, rows, sorted(excerpts.items())))


@router.get("/", response_class=HTMLResponse)
async def home(
    request: Request,
    team: str = Query("", max_length=12),
    status: list[str] = Query(default_factory=list, max_length=4),
    q: str = Query("", max_length=case_desk.SEARCH_MAX_CHARS),
    page: int = Query(1, ge=1, le=10_000),
    auth: Auth = Depends(require_agent),
) -> Response:
    """The queue: the cases this person holds, then the board, longest waiting first, with
    the resident's first name, the idea's title, the first words of the last message, the
    quartier and the waiting time against the service level. Filters by team and several
    statuses (closed too), search by reference, name or words, pages of 25."""
    ctx = context(request)
    tr = translator(request, auth)
    team_id = int(team) if team.isdigit() and len(team) < 10 else None
    statuses = tuple(s for s in dict.fromkeys(status) if s in STATUS_CHOICES) or (case_states.OPEN,)
    async with ctx.uow_factory() as uow:
        board = await case_actions.queue_page(
            uow, auth, ctx.now(), statuses=statuses, team_id=team_id, text=q, page=page
        )
        mine = await case_views.held_by(uow, auth.staff.id, ctx.now())
        mine_words = await case_desk.last_words(uow, [c.resident_id for c in mine])
        teams = await case_teams.teams(uow)
        excerpts = {**board.last_words, **mine_words}
        listed = list(dict.fromkeys(c.id for c in [*mine, *board.cases]))
        shown = queue_shown(auth.staff.id, [*mine, *board.cases], excerpts)
        if listed and request.headers.get(QUEUE_SHOWN) != shown:
            await case_actions.audit_queue_view(
                ctx,
                uow,
                auth,
                listed[:100],
                statuses=statuses,
                team_id=team_id,
                text=q,
                page=page if page > 1 else None,
            )
            await uow.commit()
    notice = words.CASE_NOTICES.get(request.query_params.get("m", ""))
    error = words.CASE_ERRORS.get(request.query_params.get("e", ""))
    levels = queue_levels(ctx, [*board.cases, *mine])
    return render(
        request,
        "queue.html",
        waiting=board.cases,
        total=board.total,
        page=page,
        pages=max(1, -(-board.total // case_actions.QUEUE_PAGE)),
        excerpts=excerpts,
        shown=shown,
        levels=levels,
        mine=mine,
        teams=teams,
        filters={"team": team_id, "status": statuses, "q": q},
        status_choices=STATUS_CHOICES,
        status_labels={k: tr.gettext(v) for k, v in words.CASE_STATUS.items()},
        notice=tr.gettext(notice) if notice else None,
        error=tr.gettext(error) if error else None,
    )


def queue_levels(ctx: ConsoleContext, views: list[case_views.CaseView]) -> dict[int, str]:
    """Each waiting case against the service level, in working time: ok, near (over half the
    allowed time) or late (over it, or escalated)."""
    hours = service_levels.working_hours(ctx.settings)
    allowed = ctx.settings.case_escalate_after_working_minutes
    now = ctx.now()
    levels: dict[int, str] = {}
    for view in views:
        if view.status == case_states.RESOLVED:
            continue
        waited = hours.between(view.queued_at or view.opened_at, now)
        if view.escalated or waited >= allowed:
            levels[view.id] = "late"
        elif waited >= allowed / 2:
            levels[view.id] = "near"
        else:
            levels[view.id] = "ok"
    return levels


@router.post("/preferences/locale")
async def choose_locale(
    request: Request,
    locale: str = Form(...),
    auth: Auth = Depends(require_agent),
) -> Response:
    ctx = context(request)
    async with ctx.uow_factory() as uow:
        await staff_service.set_locale(uow, auth.staff.id, locale if locale in SUPPORTED else None)
        await uow.commit()
    return RedirectResponse("/", status_code=303)


def _staff_page(
    request: Request,
    members: list[staff_views.StaffView],
    *,
    status_code: int = 200,
    error: str | None = None,
    notice: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "staff.html",
        status_code=status_code,
        members=members,
        roles=ROLES,
        min_length=MIN_PASSWORD_LENGTH,
        error=error,
        notice=notice,
        form=form or {"email": "", "display_name": "", "role": "agent"},
    )


@router.get("/admin/staff", response_class=HTMLResponse)
async def staff_list(request: Request, auth: Auth = Depends(require_admin)) -> Response:
    async with context(request).uow_factory() as uow:
        members = await staff_service.list_staff(uow)
    return _staff_page(request, members)


@router.post("/admin/staff", response_class=HTMLResponse)
async def staff_create(
    request: Request,
    email: str = Form("", max_length=254),
    display_name: str = Form("", max_length=128),
    role: str = Form("agent", max_length=16),
    password: str = Form("", max_length=1024),
    auth: Auth = Depends(require_admin),
) -> Response:
    ctx = context(request)
    tr = translator(request, auth)
    async with ctx.uow_factory() as uow:
        try:
            created = await staff_service.create_staff(
                uow,
                email=email,
                display_name=display_name,
                role=role,
                password=password,
                now=ctx.now(),
                created_by=auth.staff.id,
            )
        except StaffError as exc:
            members = await staff_service.list_staff(uow)
            message = tr.gettext(words.STAFF_ERRORS.get(exc.code, words.ERRORS[400][1]))
            return _staff_page(
                request,
                members,
                status_code=400,
                error=message.format(length=MIN_PASSWORD_LENGTH),
                form={"email": email, "display_name": display_name, "role": role},
            )
        await uow.commit()
        members = await staff_service.list_staff(uow)
    notice = tr.gettext(words.STAFF_CREATED).format(name=created.display_name)
    return _staff_page(request, members, notice=notice)


@router.get("/audit", response_class=HTMLResponse)
async def audit_log(
    request: Request,
    before: int | None = Query(None, ge=1),
    staff_id: int | None = Query(None, alias="staff", ge=1),
    subject_type: str | None = Query(None, alias="subject", max_length=32),
    auth: Auth = Depends(require_coordinator),
) -> Response:
    page_size = 50
    async with context(request).uow_factory() as uow:
        entries = await staff_audit.list_audit(
            uow,
            limit=page_size,
            before_id=before,
            staff_id=staff_id,
            subject_type=subject_type or None,
        )
        members = await staff_service.list_staff(uow)
    older = entries[-1].id if len(entries) == page_size else None
    return render(
        request,
        "audit.html",
        entries=entries,
        members=members,
        filters={"staff": staff_id, "subject": subject_type or ""},
        subjects=Labels(translator(request, auth)).subject_choices(),
        older=older,
    )
