"""The console as an operator runs it (`declic console` on 127.0.0.1) and Debian's chromium.

Shared by the browser tests: one way to start the console, wait for it (bounded) and stop it,
and one rule for a missing chromium (skipped on a developer's machine, a failure in CI).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx
import pytest

from infra.db import make_engine
from infra.uow import UnitOfWork, uow_factory_for
from tests.support.processes import run, start

if TYPE_CHECKING:
    from playwright.sync_api import Page

T = TypeVar("T")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP = 180.0  # bounded wait for the console to answer (a start can take a minute under load)
WAIT_MS = 30_000  # bounded wait for each browser step
CONSOLE_SECRET = "an-e2e-console-secret-of-some-length"


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must run the browser tests", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")


@contextmanager
def browser_page(locale: str = "fr-FR") -> Iterator[tuple[Page, list[str]]]:
    """Debian's chromium with one page: bounded waits, and the page's script errors collected
    (a test ends with ``assert errors == []``)."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=WAIT_MS * 2
        )
        try:
            page = browser.new_context(locale=locale).new_page()
            page.set_default_timeout(WAIT_MS)
            expect.set_options(timeout=WAIT_MS)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            yield page, errors
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def declic(*args: str, env: dict[str, str], cwd: Path, stdin: str = "") -> None:
    """Run a `declic` command as an operator would (e.g. `staff add`), forked from the fork
    server (tests/support/processes.py); it must succeed."""
    result = run(list(args), env=env, cwd=cwd, stdin=stdin, timeout=STARTUP)
    assert result.returncode == 0, result.stdout + result.stderr


def in_database(url: str, work: Callable[[Callable[[], UnitOfWork]], Awaitable[T]]) -> T:
    """Run ``work`` with a unit-of-work factory on its own event loop, in a thread, so it never
    meets Playwright's loop."""

    async def main() -> T:
        engine = make_engine(url)
        try:
            return await work(uow_factory_for(engine))
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result(timeout=60)


def console_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DECLIC_DATABASE_URL": database_url,
        "DECLIC_CONSOLE_SECRET": CONSOLE_SECRET,
        "DECLIC_ENVIRONMENT": "development",
    }


@contextmanager
def running_console(env: dict[str, str], workdir: Path) -> Iterator[str]:
    """Start `declic console` on a free port (forked from the fork server), yield its URL once
    /login answers, stop it."""
    port = free_port()
    log_path = workdir / "console.log"
    args = ["console", "--host", "127.0.0.1", "--port", str(port)]
    process = start(args, env=env, cwd=workdir, log=log_path, append=False)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if httpx.get(url + "/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the console did not start in time"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
