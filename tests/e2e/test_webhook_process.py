"""`declic bot --webhook` as an operator runs it, on SQLite and PostgreSQL, against the fake
Bot API: it tells Telegram where to call (setWebhook with the secret and the update types it
handles), answers an update with the right secret, sends the reply through its outbox, refuses
the wrong secret, and stops cleanly on SIGTERM within the grace period.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import ALLOWED_UPDATES
from bot.webhook import SECRET_HEADER, WEBHOOK_PATH
from tests.support.browser import free_port
from tests.support.fake_bot_api import FakeBotApi
from tests.support.processes import checkout_env

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PUBLIC_URL = "https://declic.example"
SECRET = "e2e_webhook-Secret_0123456789"
GRACE = 5.0
STARTUP = 180.0  # importing aiogram's pydantic types costs seconds of CPU on a busy machine
WAIT = 20.0


def _param(value: Any) -> Any:
    """A Bot API parameter as received: typed in a JSON body, JSON text in a form."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


def _start(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """`python -m declic ARGS` in the log file's folder (no stray .env), output to the log.

    A new interpreter, as an operator starts a webhook worker, not forked from the tests' fork
    server (tests/support/processes.py): the worker process itself is the subject here."""
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "declic", *args],
            cwd=log_path.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


async def test_webhook_worker_sets_the_webhook_answers_and_stops_cleanly(
    server: FakeBotApi, migrated_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = checkout_env()
    env.update(
        PYTHONUNBUFFERED="1",
        DECLIC_TELEGRAM_TOKEN=server.token,
        DECLIC_TELEGRAM_API_URL=server.base_url,
        DECLIC_DATABASE_URL=migrated_url,  # migrated, as an operator does (`declic db upgrade`)
        DECLIC_WEBHOOK_URL=PUBLIC_URL,
        DECLIC_WEBHOOK_SECRET=SECRET,
        DECLIC_SHUTDOWN_GRACE_SECONDS=str(GRACE),
    )
    log_path = tmp_path / "bot.log"
    proc = _start(["bot", "--webhook", "--port", str(port)], env, log_path)
    try:
        await server.wait_until(
            lambda: bool(server.calls_to("setWebhook")) or proc.poll() is not None,
            timeout=STARTUP,
        )
        assert proc.poll() is None, log_path.read_text()
        (call,) = server.calls_to("setWebhook")
        assert call.params["url"] == PUBLIC_URL + WEBHOOK_PATH
        assert call.params["secret_token"] == SECRET
        assert _param(call.params["allowed_updates"]) == ALLOWED_UPDATES
        assert server.commands_for("fr")  # the command menu was set too

        awa = server.user(42)
        update = server.updates.history[await awa.send_command("/start")]
        endpoint = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        async with aiohttp.ClientSession() as http:
            async with http.post(endpoint, json=update, headers={SECRET_HEADER: "nope"}) as r:
                assert r.status == 401
            async with http.post(endpoint, json=update, headers={SECRET_HEADER: SECRET}) as r:
                assert r.status == 200, log_path.read_text()
            await awa.wait_for(1, timeout=WAIT)  # the reply, sent by the worker's outbox
            async with http.get(f"http://127.0.0.1:{port}/readyz") as r:
                assert r.status == 200

        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, GRACE + 10)
        assert code == 0, log_path.read_text()
        assert time.monotonic() - started < GRACE + 5
        assert not server.calls_to("deleteWebhook")  # another replica may be serving it
        assert len(server.sent()) == 1  # one reply, sent once
    except BaseException:
        print(f"----- bot log -----\n{log_path.read_text(errors='replace')}")
        raise
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(WAIT)
