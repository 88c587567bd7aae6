"""The intake benchmark measures real work: every update it feeds is handled and committed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bench.durable_baseline import recorded
from bench.intake_latency import Plan, measure_declic, measure_durable, measure_echo
from infra.db import make_engine
from infra.uow import uow_factory_for
from routing.journey.records import Conversation, InboundUpdate, OutgoingMessage, Resident

PLAN = Plan(residents=5, messages=3, think=0.0)


async def _facts(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        async with uow_factory_for(engine)() as uow:
            s = uow.session

            async def count(model: Any, *where: Any) -> int:
                return int(await s.scalar(select(func.count()).select_from(model).where(*where)))

            rows = await s.execute(
                select(Resident.external_id, Conversation.version, Conversation.state).join(
                    Conversation, Conversation.resident_id == Resident.id
                )
            )
            return {
                "inbound": await count(InboundUpdate),
                "failed": await count(InboundUpdate, InboundUpdate.kind == "failed"),
                "replies": await count(OutgoingMessage),
                "conversations": {user: (version, state) for user, version, state in rows},
            }
    finally:
        await engine.dispose()


async def test_every_update_fed_is_handled_and_every_conversation_advances(
    migrated_url: str,
) -> None:
    run = await measure_declic(migrated_url, PLAN)

    facts = await _facts(migrated_url)
    assert run.updates == 15 and not run.notes
    assert facts["inbound"] == 15 and facts["failed"] == 0
    assert facts["replies"] >= 15
    conversations = facts["conversations"]
    assert sorted(conversations) == sorted(str(u) for u in PLAN.user_ids())
    for version, state in conversations.values():
        assert version >= 1 and state.get("step") not in (None, "new")


async def test_the_echo_baseline_gets_the_same_updates(migrated_url: str) -> None:
    declic = await measure_declic(migrated_url, PLAN)
    echo = await measure_echo(PLAN, declic.streams, warmup=None)

    assert echo.updates == declic.updates == 15
    presses = sum("callback_query" in u for stream in declic.streams.values() for u in stream)
    assert echo.api_calls.get("answerCallbackQuery", 0) == presses
    assert echo.api_calls.get("sendMessage", 0) == 15 - presses


async def test_the_transactional_baseline_commits_each_update_and_one_outbox_row(
    migrated_url: str,
) -> None:
    declic = await measure_declic(migrated_url, PLAN)
    durable = await measure_durable(migrated_url, PLAN, declic.streams, warmup=None)

    assert durable.updates == declic.updates == 15
    assert not durable.api_calls  # the reply is an outbox row, not a Bot API call
    assert await recorded(migrated_url) == (15, 15)
