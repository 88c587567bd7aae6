"""`declic serve`: bot, console and scheduler in one process; SIGTERM stops all three."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.browser import free_port
from tests.support.fake_bot_api import FakeBotApi
from tests.support.processes import checkout_env

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _start(env: dict[str, str], log: Path, port: int) -> subprocess.Popen[bytes]:
    """A new interpreter, as an operator starts it (`python -m declic serve`), not forked from
    the tests' fork server (tests/support/processes.py): the process itself is the subject
    here, its three parts started and stopped together, and this keeps that path covered."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "declic", "serve", "--port", str(port)],
            cwd=log.parent, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip


async def test_serve_runs_bot_console_and_scheduler_and_stops_on_sigterm(tmp_path: Path) -> None:
    async with FakeBotApi() as server:
        port = free_port()
        env = checkout_env()
        env.update(
            DECLIC_TELEGRAM_TOKEN=server.token,
            DECLIC_TELEGRAM_API_URL=server.base_url,
            DECLIC_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'serve.sqlite3'}",
            DECLIC_POLL_TIMEOUT_SECONDS="1",
        )
        log = tmp_path / "serve.log"
        proc = _start(env, log, port)
        try:
            # Generous bounds: a start can take more than a minute on a loaded machine.
            await server.wait_until(lambda: bool(server.calls_to("getUpdates")), timeout=180)
            status = 0
            for _ in range(100):
                try:
                    status = await asyncio.to_thread(_get, f"http://127.0.0.1:{port}/login")
                    break
                except OSError:
                    await asyncio.sleep(0.2)
            assert status == 200
            awa = server.user(77)
            await awa.send_text("Bonjour")
            await server.wait_until(lambda: bool(awa.messages), timeout=60)
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(proc.wait, 60)
            assert code == 0
        except BaseException:
            print(log.read_text(errors="replace"))
            raise
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
