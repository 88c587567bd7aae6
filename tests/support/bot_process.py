"""The real `declic bot` and `declic` commands as processes, against the fake Bot API.

Shared by the end-to-end tests: start, kill and restart the bot as an operator would, run a
CLI command, wait (bounded) until the bot polls, read the database the process writes. The
processes are forked from the worker's fork server (``tests.support.processes``: the
application imported once), unless a test asks for a new interpreter (``exec_``).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text

from infra.db import make_engine
from tests.support.fake_bot_api import FakeBotApi
from tests.support.fake_users import BotMessage, FakeUser
from tests.support.processes import Process, checkout_env, run, start

WAIT = 30.0  # every wait for the bot is bounded by this...
# ...but a start: importing aiogram's pydantic types costs seconds of CPU, and more than a minute
# on a machine loaded ten times over (measured); readiness itself is an event (the first poll).
STARTUP = 180.0


class BotProcess:
    """`python -m declic bot` as an operator runs it; output appended to one log file. Forked
    from the fork server, or a new interpreter (``exec_``) for a test of the process itself."""

    def __init__(self, env: dict[str, str], workdir: Path, *, exec_: bool = False) -> None:
        self.env = env
        self.workdir = workdir
        self.log_path = workdir / "bot.log"
        self.proc: Process | None = None
        self.starts = 0
        self.exec_ = exec_

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start #{self.starts} =====\n".encode())
        self.proc = start(
            ["bot"],
            env=self.env,
            cwd=self.workdir,  # no stray .env, no ./var of the developer's
            log=self.log_path,
            exec_=self.exec_,
        )

    async def stop(self, sig: signal.Signals) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return await asyncio.to_thread(self.proc.wait, WAIT)

    def ensure_dead(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(WAIT)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


class Resident:
    """One resident and the bookkeeping of what the bot answered to each of their actions."""

    def __init__(self, server: FakeBotApi, user: FakeUser) -> None:
        self.server = server
        self.user = user

    async def does(self, action: Awaitable[int], expect: list[str]) -> list[BotMessage]:
        """Run the action; the bot must answer with exactly these calls (sendMessage,
        editMessageText, sendDocument), in order, and then nothing more."""
        before = len(self.server.sent())
        await action
        try:
            await self.server.wait_until(
                lambda: len(self.server.sent()) >= before + len(expect), timeout=WAIT
            )
        except AssertionError:
            raise AssertionError(
                f"expected {expect} within {WAIT}s\n{self.user.transcript()}"
            ) from None
        await self.server.settle(quiet=0.4, timeout=WAIT)
        answered = self.server.sent()[before:]
        assert [c.method for c in answered] == expect, self.user.transcript()
        assert all(int(c.params["chat_id"]) == self.user.id for c in answered)
        return self.user.messages

    def asks(self, action: str, value: str) -> bool:
        """The latest keyboard offers this button (the question being asked)."""
        message = self.user.keyboard_message
        return message is not None and message.find_button(action=action, value=value) is not None


def bot_env(server: FakeBotApi, database_url: str) -> dict[str, str]:
    env = checkout_env()
    env.update(
        PYTHONUNBUFFERED="1",
        DECLIC_TELEGRAM_TOKEN=server.token,
        DECLIC_TELEGRAM_API_URL=server.base_url,
        DECLIC_DATABASE_URL=database_url,
        DECLIC_POLL_TIMEOUT_SECONDS="1",
    )
    return env


async def declic_cli(api: FakeBotApi, database_url: str, cwd: Path, *args: str) -> str:
    """Run a `declic` command as an operator would, against the same database; its stdout."""
    done = await asyncio.to_thread(
        run, list(args), env=bot_env(api, database_url), cwd=cwd, timeout=STARTUP
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@asynccontextmanager
async def running_bot(server: FakeBotApi, database_url: str, workdir: Path, *, exec_: bool = False):  # type: ignore[no-untyped-def]
    """Yield a bot process to start (forked, or exec'd if ``exec_``); always kill it, and
    print its log if the test failed."""
    bot = BotProcess(bot_env(server, database_url), workdir, exec_=exec_)
    try:
        yield bot
    except BaseException:
        print(f"----- bot log ({bot.log_path}) -----\n{bot.log()}")
        raise
    finally:
        bot.ensure_dead()


async def until_polling(server: FakeBotApi, bot: BotProcess) -> None:
    """The freshly started process asks for updates (so it has started up and migrated)."""
    polls = server.polls_started
    try:
        await server.wait_until(
            lambda: server.polls_started > polls or not bot.alive(), timeout=STARTUP
        )
    except AssertionError:
        raise AssertionError(f"the bot did not poll within {STARTUP}s:\n{bot.log()}") from None
    assert bot.alive(), f"the bot exited with {bot.proc and bot.proc.returncode}:\n{bot.log()}"


async def query(database_url: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(text(sql))).all()]
    finally:
        await engine.dispose()
