"""Helpers for console tests: the app over a test database, staff accounts, logging in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from bot.render import Renderer
from console.app import create_app
from infra.clock import Clock
from infra.settings import Settings, load_settings
from infra.uow import UnitOfWork
from routing.staff.accounts import create_staff
from routing.staff.sessions import issue_token
from routing.staff.views import StaffView
from tests.support.conversation import OFFICE

PASSWORD = "une phrase assez longue"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def console_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "console_secret": "a-test-console-secret-of-some-length",
        "_env_file": None,
    }
    if overrides.get("environment") == "production":
        values["telegram_token"] = "123:not-a-real-token"
    values.update(overrides)
    return load_settings(**values)


def console_app(
    database_url: str, uow_factory: Callable[[], UnitOfWork], clock: Clock, **overrides: Any
) -> FastAPI:
    return create_app(
        console_settings(database_url, **overrides),
        uow_factory,
        clock,
        resident_renderer=Renderer(office=OFFICE),
    )


@asynccontextmanager
async def browser(app: FastAPI, *, raise_errors: bool = True) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client that keeps cookies, like a browser, and never follows redirects by itself."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_errors)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", follow_redirects=False
    ) as client:
        yield client


async def add_staff(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    email: str,
    role: str = "agent",
    name: str | None = None,
    password: str = PASSWORD,
) -> StaffView:
    async with uow_factory() as uow:
        staff = await create_staff(
            uow,
            email=email,
            display_name=name or email.split("@")[0].title(),
            role=role,
            password=password,
            now=clock.now(),
        )
        await uow.commit()
    return staff


async def add_token(uow_factory: Callable[[], UnitOfWork], clock: Clock, staff_id: int) -> str:
    async with uow_factory() as uow:
        token = await issue_token(uow, staff_id, clock.now(), label="tests")
        await uow.commit()
    return token


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


async def login(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, **extra: str
) -> httpx.Response:
    form = await client.get("/login")
    assert form.status_code == 200, form.text
    return await client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(form.text), **extra},
    )


async def page_csrf(client: httpx.AsyncClient, path: str = "/") -> str:
    page = await client.get(path)
    assert page.status_code == 200, (page.status_code, page.headers.get("location"))
    return csrf_of(page.text)
