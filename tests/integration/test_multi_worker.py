"""Two webhook workers on one PostgreSQL database, as two `declic bot --webhook` processes would
be: each its own engine and pool, dispatcher and HTTP server on 127.0.0.1.

What must hold (issue 8): an update delivered to both workers at once is handled once and
answered 200 by both; a chat's updates are kept in the order they were delivered; and two
workers never handle one chat at the same time (the advisory lock of ``infra.uow``), which a
probe shows, with a control run without the lock where they do.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.app import build_dispatcher, make_bot
from bot.delivery import TelegramDelivery
from bot.middlewares import FloodGuard
from bot.webhook import SECRET_HEADER, WEBHOOK_PATH, build_webhook_app
from declic.runtime import build_core
from infra.settings import load_settings
from infra.uow import UnitOfWork, conversation_key
from routing.followups.service import resident_blocked
from routing.journey.records import InboundUpdate, Message, OutgoingMessage, Resident
from routing.outbox.sender import OutboxSender
from tests.support.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.timeout(90)
SECRET = "multi_worker_secret"
SCRIPT = (
    "/start",
    "Je voudrais créer un jardin partagé avec des voisins",
    "Aux Tanneurs",
    "On est un petit groupe de voisins",
    "/suivi",
    "/aide",
)
RESIDENTS = 30
CHATS_AT_ONCE = 10  # residents talking at the same moment (bounded: two pools on one server)
HOLD_SECONDS = 0.03  # the probe holds each handling this long to widen any overlap


@dataclass
class Probe:
    """Who is handling which chat right now, across both workers (one event loop)."""

    locking: bool = True
    hold: float = 0.0  # seconds each handling is held, to widen any overlap
    active: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    overlaps: int = 0
    handlings: int = 0

    def enter(self, key: int) -> None:
        if self.active[key]:
            self.overlaps += 1
        self.active[key] += 1
        self.handlings += 1

    def leave(self, key: int) -> None:
        self.active[key] -= 1


class ProbedUnitOfWork(UnitOfWork):
    """Records the span from the chat's lock to the commit (strictly inside the lock)."""

    probe: Probe

    def __init__(self, sessions: async_sessionmaker[Any], probe: Probe) -> None:
        super().__init__(sessions, advisory_locks=True)
        self.probe = probe
        self._key: int | None = None

    async def serialise(self, key: int) -> None:
        if self.probe.locking:
            await super().serialise(key)
        self._key = key
        self.probe.enter(key)
        if self.probe.hold:
            await asyncio.sleep(self.probe.hold)

    def _leave(self) -> None:
        if self._key is not None:
            self.probe.leave(self._key)
            self._key = None

    async def commit(self) -> None:
        self._leave()  # before COMMIT releases the lock
        await super().commit()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._leave()
        await super().__aexit__(exc_type, exc, tb)


@dataclass
class Worker:
    url: str
    http: aiohttp.ClientSession

    async def post(self, update: dict[str, Any]) -> int:
        headers = {SECRET_HEADER: SECRET}
        async with self.http.post(self.url, json=update, headers=headers) as response:
            await response.read()
            return response.status


@dataclass
class Cluster:
    api: FakeBotApi
    workers: tuple[Worker, Worker]
    probe: Probe
    uow_factory: Any

    async def scalar(self, statement: Any) -> Any:
        async with self.uow_factory() as uow:
            return await uow.session.scalar(statement)

    async def rows(self, statement: Any) -> list[Any]:
        async with self.uow_factory() as uow:
            return list((await uow.session.execute(statement)).all())


async def _worker(stack: AsyncExitStack, url: str, api: FakeBotApi, probe: Probe) -> Any:
    settings = load_settings(
        database_url=url, telegram_token=api.token, telegram_api_url=api.base_url
    )
    core = await build_core(settings)
    stack.push_async_callback(core.close)
    sessions = async_sessionmaker(core.engine, expire_on_commit=False)
    core.service.uow_factory = lambda: ProbedUnitOfWork(sessions, probe)
    bot = make_bot(api.token, api.base_url)
    stack.push_async_callback(bot.session.close)
    outbox = OutboxSender(
        core.uow_factory,
        core.clock,
        TelegramDelivery(bot),
        "telegram",
        on_unreachable=resident_blocked,
    )
    dp = build_dispatcher(core.service, outbox, FloodGuard(100, 10.0), transport="webhook")
    app = build_webhook_app(bot, dp, SECRET, engine=core.engine, uow_factory=core.uow_factory)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}{WEBHOOK_PATH}", core.uow_factory


@pytest.fixture
async def cluster(postgres_url: str) -> AsyncIterator[Cluster]:
    async with AsyncExitStack() as stack:
        api = await stack.enter_async_context(FakeBotApi())
        http = await stack.enter_async_context(aiohttp.ClientSession())
        probe = Probe()
        first, uow_factory = await _worker(stack, postgres_url, api, probe)
        second, _ = await _worker(stack, postgres_url, api, probe)
        yield Cluster(api, (Worker(first, http), Worker(second, http)), probe, uow_factory)


async def _script(api: FakeBotApi, user_id: int) -> list[dict[str, Any]]:
    user = api.user(user_id, first_name=f"R{user_id}")
    return [api.updates.history[await user.send_text(text)] for text in SCRIPT]


async def _replies_per_update(cluster: Cluster, updates: list[dict[str, Any]]) -> list[int]:
    counts = []
    for update in updates:
        key = f"telegram:u{update['update_id']}:%"
        counts.append(
            await cluster.scalar(
                select(func.count())
                .select_from(OutgoingMessage)
                .where(OutgoingMessage.idempotency_key.like(key))
            )
        )
    return counts


async def test_the_same_updates_to_both_workers_are_handled_once_and_in_order(
    cluster: Cluster,
) -> None:
    first, second = cluster.workers
    # One handling per update, as a reference: a resident talking to one worker alone.
    reference = await _script(cluster.api, 1)
    assert [await first.post(update) for update in reference] == [200] * len(SCRIPT)
    expected = await _replies_per_update(cluster, reference)
    assert all(expected), expected

    scripts = {uid: await _script(cluster.api, uid) for uid in range(100, 100 + RESIDENTS)}
    statuses: list[int] = []
    gate = asyncio.Semaphore(CHATS_AT_ONCE)

    async def converse(updates: list[dict[str, Any]]) -> None:
        async with gate:
            for update in updates:  # in order, each to both workers at the same time
                statuses.extend(await asyncio.gather(first.post(update), second.post(update)))

    await asyncio.wait_for(asyncio.gather(*(converse(s) for s in scripts.values())), 60)

    assert statuses == [200] * (2 * RESIDENTS * len(SCRIPT))  # both answered, no 5xx
    total = await cluster.scalar(select(func.count()).select_from(InboundUpdate))
    assert total == (RESIDENTS + 1) * len(SCRIPT)  # one row per update, duplicates refused
    kept = await cluster.rows(
        select(Resident.external_id, Message.text)
        .join(Message, Message.resident_id == Resident.id)
        .where(Message.direction == "in")
        .order_by(Message.id)
    )
    by_resident: dict[str, list[str]] = defaultdict(list)
    for external_id, text in kept:
        by_resident[external_id].append(text)
    for uid, updates in scripts.items():
        assert by_resident[str(uid)] == list(SCRIPT), uid  # each message once, in order
        assert await _replies_per_update(cluster, updates) == expected, uid
    assert cluster.probe.overlaps == 0


async def test_two_workers_never_handle_one_chat_at_once(cluster: Cluster) -> None:
    """Two different updates of one chat reach the two workers at the same moment: with the
    advisory lock they are handled one after the other; without it (the control, proving the
    probe sees an overlap when there is one) both workers are in the chat at once."""
    first, second = cluster.workers
    cluster.probe.hold = HOLD_SECONDS

    async def converse(updates: list[dict[str, Any]]) -> list[int]:
        statuses = []
        for a, b in zip(updates[0::2], updates[1::2], strict=True):
            statuses += await asyncio.gather(first.post(a), second.post(b))
        return statuses

    async def run(user_ids: range) -> None:
        scripts = [await _script(cluster.api, uid) for uid in user_ids]
        results = await asyncio.wait_for(asyncio.gather(*(converse(s) for s in scripts)), 60)
        assert all(status == 200 for statuses in results for status in statuses)

    await run(range(200, 210))
    assert cluster.probe.handlings == 10 * len(SCRIPT)
    assert cluster.probe.overlaps == 0
    kept = await cluster.scalar(select(func.count()).select_from(Message))
    assert kept == 10 * len(SCRIPT)  # every message kept once

    cluster.probe.locking = False
    await run(range(300, 310))
    assert cluster.probe.overlaps > 0


def test_the_chat_lock_key_is_the_same_in_every_process() -> None:
    """Derived from a hash of the text, not Python's per-process ``hash()``: a fixed value."""
    assert conversation_key("telegram", 42) == 3298033586163477133
    assert conversation_key("telegram", "42") == conversation_key("telegram", 42)
    assert conversation_key("terminal", 42) != conversation_key("telegram", 42)


async def test_a_turn_waiting_for_another_workers_chat_lock_leaves_its_slot_meanwhile(
    postgres_url: str,
) -> None:
    from infra.db import make_engine
    from infra.slots import Slots
    from infra.uow import serialised_by, uow_factory_for

    engine = make_engine(postgres_url)
    uows = uow_factory_for(engine)
    slots, order = Slots(1), list[str]()
    key = conversation_key("telegram", 77)
    try:
        async with uows() as other_worker:  # the chat's lock, held by another worker's turn
            await other_worker.serialise(key)

            async def turn(name: str, chat_key: int) -> None:
                async with slots.turn():
                    with serialised_by(chat_key):
                        async with uows() as uow:
                            order.append(f"{name} locked")
                            await uow.commit()

            waiting = asyncio.create_task(turn("same chat", key))
            await asyncio.sleep(0.2)
            assert order == [] and slots.used == 0  # it waits for the lock, not in a slot
            await asyncio.wait_for(turn("another chat", conversation_key("telegram", 78)), 5)
            assert order == ["another chat locked"]
        await asyncio.wait_for(waiting, 5)  # the lock freed: back in a slot, then done
        assert order == ["another chat locked", "same chat locked"] and slots.used == 0
    finally:
        await engine.dispose()
