"""Erasure leaves nothing (issue 17): the chat's rate-limit buckets go, in the database and in
Redis, with the resident; and a turn cut by a database outage is neither apologised for nor
half kept: it raises, so the transport leaves the update to be delivered again."""

from __future__ import annotations

import os
import uuid

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from bot.middlewares import FloodGuard, RedisFloodWindow
from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from routing.conversation.service import ConversationService
from routing.journey.records import InboundUpdate, Message, OutgoingMessage
from routing.outbox.rate_limit import Limits
from routing.outbox.shared_limits import RedisLimits
from tests.support.conversation import conversation_service
from tests.support.residents import ScriptedResident

REDIS_URL = os.environ.get("DECLIC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def service(uow_factory, clock: FrozenClock) -> ConversationService:
    return conversation_service(uow_factory, clock, quartier_names=False)


async def _buckets(service: ConversationService) -> list[str]:
    async with service.uow_factory() as uow:
        rows = await uow.session.execute(text("SELECT key FROM rate_buckets ORDER BY key"))
        return [row[0] for row in rows]


async def test_forgetting_removes_the_chats_rate_limit_buckets(
    service: ConversationService,
) -> None:
    resident = ScriptedResident(service, user_id="4242")
    await resident.says("Bonjour")
    async with service.uow_factory() as uow:
        for key in ("telegram:1:chat:4242", "telegram:2:chat:4242", "telegram:1:chat:14242",
                    "telegram:1:chat:-4242", "telegram:1:overall"):  # fmt: skip
            await uow.session.execute(
                text("INSERT INTO rate_buckets (key, tat) VALUES (:k, 1.0)"), {"k": key}
            )
        await uow.commit()
    await resident.says("/oublier")
    assert (await resident.presses("f", "yes")).erased
    assert await _buckets(service) == [
        "telegram:1:chat:-4242",
        "telegram:1:chat:14242",
        "telegram:1:overall",
    ]


async def test_a_database_outage_mid_turn_raises_and_keeps_nothing_then_the_turn_happens_whole(
    service: ConversationService,
) -> None:
    """The commit fails as a restarting PostgreSQL makes it fail: no apology, no message kept,
    no update claimed; delivered again, the update gets its ordinary answer."""
    working = service.uow_factory
    cut = {"done": False}

    class CutOnCommit(UnitOfWork):
        async def commit(self) -> None:
            if not cut["done"]:
                cut["done"] = True
                raise OperationalError("COMMIT", {}, ConnectionResetError("server closed"))
            await super().commit()

    def flaky() -> UnitOfWork:
        uow = working()
        uow.__class__ = CutOnCommit
        return uow

    service.uow_factory = flaky
    resident = ScriptedResident(service)
    with pytest.raises(OperationalError):
        await resident.says("On voudrait un jardin partagé", update_id=555)
    service.uow_factory = working
    async with working() as uow:
        for model in (InboundUpdate, Message, OutgoingMessage):
            assert await uow.session.scalar(select(func.count()).select_from(model)) == 0
    again = await resident.says("On voudrait un jardin partagé", update_id=555)
    assert again.handled and not again.apologised
    async with working() as uow:
        texts = [r.payload.get("text", "") for r in (await uow.session.scalars(
            select(OutgoingMessage))).all()]  # fmt: skip
    assert texts and not any("souci" in t for t in texts), texts


async def test_a_bug_mid_turn_still_keeps_the_message_and_apologises(
    service: ConversationService,
) -> None:
    class BrokenDialogue:
        def step(self, *_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("a bug, not an outage")

    service.dialogue = BrokenDialogue()  # type: ignore[assignment]
    outcome = await ScriptedResident(service, may_fail=True).says("Bonjour", update_id=556)
    assert outcome.apologised
    async with service.uow_factory() as uow:
        apology = await uow.session.get(OutgoingMessage, outcome.outbox_ids[0])
    assert apology is not None and "souci" in apology.payload["text"]


@pytest.fixture
async def redis():  # type: ignore[no-untyped-def]
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except (RedisError, OSError):
        await client.aclose()
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}", pytrace=False)
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    yield client
    await client.aclose()


async def test_forgetting_a_chat_clears_its_redis_keys(redis: Redis) -> None:
    prefix = f"declic-test:{uuid.uuid4().hex}"
    guard = FloodGuard(1, 60.0, RedisFloodWindow(redis, f"{prefix}:flood"))
    for _ in range(3):
        await guard.throttle(4242)
    await guard.throttle(7)
    limits = RedisLimits(redis, Limits(), f"{prefix}:rate:")
    await limits.reserve_chat("4242")
    await limits.hold_chat("4242", 30.0)
    await limits.reserve_chat("7")
    before = sorted([k.decode() async for k in redis.scan_iter(match=f"{prefix}:*")])
    assert any("4242" in k for k in before)
    await guard.forget(4242)
    await limits.forget_chat("4242")
    after = sorted([k.decode() async for k in redis.scan_iter(match=f"{prefix}:*")])
    assert after == [f"{prefix}:flood:7", f"{prefix}:rate:chat:7"]
    assert guard.check(4242) == (False, False)  # this process's window is empty again
    await redis.delete(*after)
