"""The console's security on SQLite and PostgreSQL: login, cookies, sessions, CSRF, throttling,
logout, roles, API tokens and the audit log, through real HTTP requests to the ASGI app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from console.security import SESSION_COOKIE, audit_view
from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.staff.audit_log import list_audit
from routing.staff.records import AuditEntry, StaffSession
from tests.support.console import (
    PASSWORD,
    add_staff,
    add_token,
    browser,
    console_app,
    csrf_of,
    login,
    page_csrf,
)

Factory = Callable[[], UnitOfWork]


async def _actions(uow_factory: Factory) -> list[str]:
    async with uow_factory() as uow:
        return [entry.action for entry in reversed(await list_audit(uow))]


async def _sessions(uow_factory: Factory) -> int:
    async with uow_factory() as uow:
        return int((await uow.session.execute(select(func.count(StaffSession.id)))).scalar_one())


async def test_login_opens_a_session_with_safe_cookie_flags(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    ada = await add_staff(uow_factory, clock, "Ada@Example.org", "agent", name="Ada Lovelace")
    async with browser(app) as client:
        anonymous = await client.get("/")
        assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
        response = await login(client, "ada@example.org")
        assert response.status_code == 303 and response.headers["location"] == "/"
        cookie = next(
            c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
        )
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" not in cookie  # development serves plain http on the loopback
        home = await client.get("/")
        assert home.status_code == 200 and "Bonjour Ada !" in home.text
        assert home.headers["cache-control"] == "no-store"
        assert home.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in home.headers["content-security-policy"]
    assert await _actions(uow_factory) == ["staff.created", "staff.login"]
    async with uow_factory() as uow:
        entries = await list_audit(uow)
    assert entries[0].staff_id == ada.id and entries[0].subject_id == str(ada.id)


async def test_cookies_are_secure_outside_development(
    migrated_url: str, uow_factory: Factory, clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "ada@example.org")
    app = console_app(migrated_url, uow_factory, clock, environment="production")
    async with browser(app) as client:
        form = await client.get("/login")
        assert "Secure" in form.headers["set-cookie"]
        # httpx keeps Secure cookies for https only: hand the double-submit cookie over.
        client.cookies.set("declic_login_csrf", form.cookies["declic_login_csrf"])
        response = await client.post(
            "/login",
            data={
                "email": "ada@example.org",
                "password": PASSWORD,
                "csrf_token": csrf_of(form.text),
            },
        )
    assert response.status_code == 303
    session = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "Secure" in session and "HttpOnly" in session and "SameSite=lax" in session


async def test_a_wrong_password_or_unknown_email_is_refused_kindly(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "ada@example.org")
    async with browser(app) as client:
        for email, password in (("ada@example.org", "pas le bon mot de passe"), ("x@y.org", "z")):
            response = await login(client, email, password)
            assert response.status_code == 401
            assert "Adresse e-mail ou mot de passe incorrect." in response.text
            assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
        assert (await client.get("/")).status_code == 303
    assert await _actions(uow_factory) == ["staff.created"]


async def test_the_session_id_changes_at_login(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "ada@example.org")
    async with browser(app) as client:
        await login(client, "ada@example.org")
        first = client.cookies[SESSION_COOKIE]
        again = {"email": "ada@example.org", "password": PASSWORD}
        await client.post("/login", data={**again, "csrf_token": await page_csrf(client)})
        second = client.cookies[SESSION_COOKIE]
        assert first != second
        assert (await client.get("/")).status_code == 200
    assert await _sessions(uow_factory) == 1  # the old session ended, it was not kept alive
    async with browser(app) as thief:
        thief.cookies.set(SESSION_COOKIE, first)
        assert (await thief.get("/")).status_code == 303


async def test_an_idle_session_expires_and_an_active_one_lives_on(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "ada@example.org")
    async with browser(app) as client:
        await login(client, "ada@example.org")
        for _ in range(3):  # 3 × 25 minutes of activity: longer than the idle limit, still in
            clock.advance(timedelta(minutes=25))
            assert (await client.get("/")).status_code == 200
        clock.advance(timedelta(minutes=30))
        expired = await client.get("/audit")
        assert expired.status_code == 303
        assert expired.headers["location"] == "/login?next=/audit"
        assert (await client.get("/login?m=expired")).status_code == 200
    assert await _sessions(uow_factory) == 0


async def test_state_changing_requests_need_the_csrf_token(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "ada@example.org", "admin")
    async with browser(app) as client:
        form = await client.get("/login")
        no_token = await client.post(
            "/login", data={"email": "ada@example.org", "password": PASSWORD}
        )
        assert no_token.status_code == 403
        assert "Accès réservé" in no_token.text and "Traceback" not in no_token.text
        await login(client, "ada@example.org")
        token = await page_csrf(client)
        assert token != csrf_of(form.text)  # the session has its own token
        assert (await client.post("/logout")).status_code == 403
        assert (await client.post("/logout", data={"csrf_token": "forged"})).status_code == 403
        create = {"email": "bob@example.org", "display_name": "Bob", "role": "agent"}
        refused = await client.post("/admin/staff", data={**create, "password": PASSWORD})
        assert refused.status_code == 403
        api = await client.put("/api/me/locale", json={"locale": "en"})
        assert api.status_code == 403 and api.json()["status"] == 403
        api = await client.put(
            "/api/me/locale", json={"locale": "en"}, headers={"X-CSRF-Token": token}
        )
        assert api.status_code == 200 and api.json()["locale"] == "en"
        assert (await client.get("/")).status_code == 200  # still logged in
    assert await _actions(uow_factory) == ["staff.created", "staff.login"]


async def test_repeated_failures_are_throttled_per_email_and_address(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "ada@example.org")
    await add_staff(uow_factory, clock, "bob@example.org")
    async with browser(app) as client:
        for _ in range(5):
            assert (await login(client, "ada@example.org", "devine devine")).status_code == 401
        throttled = await login(client, "ada@example.org")  # even the right password waits
        assert throttled.status_code == 429
        assert "attendez 15 minutes" in throttled.text
        assert (await login(client, "bob@example.org")).status_code == 303  # others are not
        clock.advance(timedelta(minutes=15, seconds=1))
        async with browser(app) as later:
            assert (await login(later, "ada@example.org")).status_code == 303


async def test_logout_ends_the_session_on_the_server(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "ada@example.org")
    async with browser(app) as client:
        await login(client, "ada@example.org")
        cookie = client.cookies[SESSION_COOKIE]
        out = await client.post("/logout", data={"csrf_token": await page_csrf(client)})
        assert out.status_code == 303 and out.headers["location"] == "/login?m=logged_out"
        assert "Vous êtes déconnecté·e" in (await client.get("/login?m=logged_out")).text
    assert await _sessions(uow_factory) == 0
    async with browser(app) as replay:
        replay.cookies.set(SESSION_COOKIE, cookie)
        assert (await replay.get("/")).status_code == 303
    assert (await _actions(uow_factory))[-1] == "staff.logout"


async def test_personal_tokens_open_the_api_only(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    ada = await add_staff(uow_factory, clock, "ada@example.org", "coordinator")
    token = await add_token(uow_factory, clock, ada.id)
    bearer = {"Authorization": f"Bearer {token}"}
    async with browser(app) as client:
        me = await client.get("/api/me", headers=bearer)
        assert me.status_code == 200 and me.json()["email"] == "ada@example.org"
        # No CSRF for bearer calls: no browser attaches this header by itself.
        changed = await client.put("/api/me/locale", json={"locale": "en"}, headers=bearer)
        assert changed.status_code == 200 and changed.json()["locale"] == "en"
        audit = await client.get("/api/audit", headers=bearer)
        assert [e["action"] for e in audit.json()][:1] == ["token.issued"]
        anonymous = await client.get("/api/me")
        assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
        wrong = await client.get("/api/me", headers={"Authorization": "Bearer dcl_nope"})
        assert wrong.status_code == 401
        assert (await client.get("/", headers=bearer)).status_code == 303  # pages need a session
    async with uow_factory() as uow:
        tokens = (await uow.session.execute(select(AuditEntry.details))).scalars().all()
    assert all(token not in str(details) for details in tokens)


@pytest.mark.parametrize(
    ("role", "audit", "admin"),
    [("agent", 403, 403), ("coordinator", 200, 403), ("admin", 200, 200)],
)
async def test_each_role_reaches_only_what_it_may(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock, role: str, audit: int, admin: int
) -> None:
    await add_staff(uow_factory, clock, "someone@example.org", role)
    async with browser(app) as client:
        await login(client, "someone@example.org")
        assert (await client.get("/")).status_code == 200
        assert (await client.get("/audit")).status_code == audit
        assert (await client.get("/admin/staff")).status_code == admin
        assert (await client.get("/api/audit")).status_code == audit
        forbidden = await client.get("/admin/staff")
        if admin == 403:
            assert "Accès réservé" in forbidden.text
        home = (await client.get("/")).text
        assert ('href="/audit"' in home) == (audit == 200)
        assert ('href="/admin/staff"' in home) == (admin == 200)
    async with browser(app) as anonymous:
        for path in ("/", "/audit", "/admin/staff"):
            assert (await anonymous.get(path)).status_code == 303
        assert (await anonymous.get("/api/audit")).status_code == 401


async def test_an_admin_creates_an_account_that_can_log_in(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    admin = await add_staff(uow_factory, clock, "root@example.org", "admin")
    async with browser(app) as client:
        await login(client, "root@example.org")
        token = await page_csrf(client, "/admin/staff")
        form = {"email": "Bob@Example.org", "display_name": "Bob <b>", "role": "agent"}
        short = await client.post(
            "/admin/staff", data={**form, "password": "court", "csrf_token": token}
        )
        assert short.status_code == 400 and "au moins 12 caractères" in short.text
        created = await client.post(
            "/admin/staff", data={**form, "password": PASSWORD, "csrf_token": token}
        )
        assert created.status_code == 200
        assert "Bob &lt;b&gt;" in created.text and "<b>" not in created.text.split("<main")[1]
        again = await client.post(
            "/admin/staff", data={**form, "password": PASSWORD, "csrf_token": token}
        )
        assert again.status_code == 400 and "existe déjà" in again.text
    async with browser(app) as bob:
        assert (await login(bob, "bob@example.org")).status_code == 303
    async with uow_factory() as uow:
        entries = await list_audit(uow, subject_type="staff")
    created_entry = next(e for e in entries if e.action == "staff.created" and e.staff_id)
    assert created_entry.staff_id == admin.id and created_entry.details == {"role": "agent"}


async def test_audit_view_records_who_saw_what_and_coordinators_read_it(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    from console.security import Auth

    agent = await add_staff(uow_factory, clock, "agent@example.org", "agent", name="Alix Agent")
    await add_staff(uow_factory, clock, "coord@example.org", "coordinator")
    async with uow_factory() as uow:
        await audit_view(uow, Auth(agent, "session"), clock, "resident", 42, {"case": 7})
        await uow.commit()
    async with browser(app) as client:
        await login(client, "coord@example.org")
        page = await client.get("/audit")
        assert page.status_code == 200
        seen = "a consulté les données d&#39;un·e habitant·e"
        assert seen in page.text and "Alix Agent" in page.text
        assert "habitant·e #42" in page.text and "demande #7" in page.text
        filtered = await client.get(f"/audit?staff={agent.id}")
        assert seen in filtered.text and "s&#39;est connecté·e" not in filtered.text


async def test_errors_are_kind_pages_never_tracebacks(
    migrated_url: str, uow_factory: Factory, clock: FrozenClock
) -> None:
    app = console_app(migrated_url, uow_factory, clock)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    async with browser(app, raise_errors=False) as client:
        missing = await client.get("/nowhere")
        assert missing.status_code == 404 and "Page introuvable" in missing.text
        crashed = await client.get("/boom")
        assert crashed.status_code == 500
        assert "Un problème est survenu" in crashed.text
        assert "secret internals" not in crashed.text and "Traceback" not in crashed.text
        api_missing = await client.get("/api/nowhere")
        assert api_missing.status_code == 404 and api_missing.json()["status"] == 404
        english = await client.get("/nowhere", headers={"Accept-Language": "en-GB,en;q=0.9"})
        assert "Page not found" in english.text and 'lang="en"' in english.text
        bad_form = await client.post("/login", data={"csrf_token": "x"})
        assert bad_form.status_code == 403


async def test_the_console_speaks_the_staff_members_language(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    await add_staff(uow_factory, clock, "ada@example.org", name="Ada")
    async with browser(app) as client:
        english = await client.get("/login", headers={"Accept-Language": "en-US,en;q=0.8"})
        assert "Sign in to the Déclic console" in english.text
        await login(client, "ada@example.org")
        token = await page_csrf(client)
        chosen = await client.post(
            "/preferences/locale", data={"locale": "en", "csrf_token": token}
        )
        assert chosen.status_code == 303
        home = await client.get("/", headers={"Accept-Language": "fr"})
        assert "Hello Ada!" in home.text and "Queue" in home.text


async def test_the_queue_lists_waiting_cases_with_the_first_name_escaped(
    app: FastAPI, uow_factory: Factory, clock: FrozenClock
) -> None:
    from routing.cases import service as cases
    from routing.journey.records import Resident

    await add_staff(uow_factory, clock, "agent@example.org", "agent")
    await add_staff(uow_factory, clock, "coord@example.org", "coordinator")
    async with uow_factory() as uow:
        resident = Resident(
            channel="telegram",
            external_id="77",
            chat_id="77",
            display_name="Zéphyrine <script>alert(1)</script>",
            locale="fr",
            created_at=clock.now(),
            last_seen_at=clock.now(),
        )
        uow.session.add(resident)
        await uow.flush()
        case = await cases.open_case(uow, resident.id, None, "human", clock.now(), "resident")
        await uow.commit()
    clock.advance(timedelta(minutes=12))
    async with browser(app) as client:
        await login(client, "coord@example.org")
        page = (await client.get("/")).text
        assert f"#{case.id}" in page and "12 min" in page
        # the first name helps the agent; it stays words, never markup
        assert "Zéphyrine" in page and "<script>alert" not in page
    async with browser(app) as client:
        await login(client, "agent@example.org")  # in no team: nothing routed to them
        assert "Aucune demande ne correspond pour le moment." in (await client.get("/")).text
