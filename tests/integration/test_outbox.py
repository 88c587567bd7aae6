"""The outbox sender's decisions on a real database: delivered, retried, failed, in order."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from infra.clock import FrozenClock
from infra.metrics import REGISTRY
from routing.followups.service import resident_blocked
from routing.journey.records import OutgoingMessage, Resident
from routing.outbox.outcomes import Delivered, Failed, RetryLater
from routing.outbox.sender import OutboxSender


async def _rows(uow_factory, clock: FrozenClock, chats: list[str]) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        resident = Resident(channel="telegram", external_id="1", chat_id="1", locale="fr",
                            created_at=clock.now(), last_seen_at=clock.now())  # fmt: skip
        uow.session.add(resident)
        await uow.session.flush()
        for index, chat in enumerate(chats):
            uow.session.add(OutgoingMessage(
                resident_id=resident.id, channel="telegram", chat_id=chat, method="sendMessage",
                payload={"text": f"m{index}"}, idempotency_key=f"k{index}", status="pending",
                attempts=0, not_before=clock.now(), created_at=clock.now()))  # fmt: skip
        await uow.commit()


async def _statuses(uow_factory) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        rows = (
            await uow.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id))
        ).all()
        return [(r.payload.get("text", ""), r.status) for r in rows]


async def test_messages_of_one_chat_go_out_in_order_and_a_429_holds_the_chat(
    uow_factory, clock: FrozenClock
) -> None:
    await _rows(uow_factory, clock, ["1", "1", "2"])
    seen: list[str] = []
    refuse_first = {"m0"}

    async def deliver(row: OutgoingMessage):  # type: ignore[no-untyped-def]
        text = row.payload["text"]
        if text in refuse_first:
            refuse_first.discard(text)
            return RetryLater(3, "429")
        seen.append(text)
        return Delivered(len(seen))

    sender = OutboxSender(uow_factory, clock, deliver, "telegram", on_unreachable=resident_blocked)
    assert await sender.flush() == 1
    assert seen == ["m2"]  # chat 1 waits for its first message
    clock.advance(timedelta(seconds=4))
    assert await sender.flush() == 2
    assert seen == ["m2", "m0", "m1"]
    assert [s for _, s in await _statuses(uow_factory)] == ["sent", "sent", "sent"]


async def test_a_blocked_bot_marks_the_resident_unreachable(
    uow_factory, clock: FrozenClock
) -> None:
    await _rows(uow_factory, clock, ["1"])

    async def deliver(row: OutgoingMessage):  # type: ignore[no-untyped-def]
        return Failed("403: bot was blocked by the user", unreachable=True)

    await OutboxSender(
        uow_factory, clock, deliver, "telegram", on_unreachable=resident_blocked
    ).flush()
    async with uow_factory() as uow:
        resident = await uow.session.scalar(select(Resident))
    assert resident is not None and resident.reachable is False
    assert await _statuses(uow_factory) == [("m0", "failed")]


async def test_rows_interrupted_while_sending_are_sent_again_and_marked_uncertain(
    uow_factory, clock: FrozenClock
) -> None:
    await _rows(uow_factory, clock, ["1"])
    async with uow_factory() as uow:
        row = await uow.session.scalar(select(OutgoingMessage))
        assert row is not None
        row.status = "sending"
        await uow.commit()

    async def deliver(row: OutgoingMessage):  # type: ignore[no-untyped-def]
        return Delivered(5)

    sender = OutboxSender(uow_factory, clock, deliver, "telegram", on_unreachable=resident_blocked)
    assert await sender.recover() == 1
    await sender.flush()
    async with uow_factory() as uow:
        row = await uow.session.scalar(select(OutgoingMessage))
    assert row is not None and row.status == "sent" and "uncertain" in (row.last_error or "")


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_results_and_429s_are_counted_for_prometheus(uow_factory, clock: FrozenClock) -> None:
    await _rows(uow_factory, clock, ["1", "2", "3", "4"])
    outcomes = {
        "m0": RetryLater(0.5, "429: too many requests"),
        "m1": RetryLater(0.0, "retry: TelegramServerError", backoff=True),
        "m2": Failed("403: bot was blocked by the user", unreachable=True),
        "m3": Delivered(9),
    }

    async def deliver(row: OutgoingMessage):  # type: ignore[no-untyped-def]
        return outcomes[row.payload["text"]]

    before = {
        result: _count("declic_outbox_messages_total", result=result)
        for result in ("sent", "retry", "failed", "unreachable")
    }
    too_many = _count("declic_telegram_429_total")
    await OutboxSender(
        uow_factory, clock, deliver, "telegram", on_unreachable=resident_blocked
    ).flush()
    after = {r: _count("declic_outbox_messages_total", result=r) - before[r] for r in before}
    assert after == {"sent": 1, "retry": 2, "failed": 0, "unreachable": 1}
    assert _count("declic_telegram_429_total") - too_many == 1  # the 5xx is no 429


async def test_a_claim_taken_back_after_the_lease_is_not_sent_by_its_first_sender(
    uow_factory, clock: FrozenClock
) -> None:
    await _rows(uow_factory, clock, ["1"])
    sent: list[str] = []

    async def deliver(row: OutgoingMessage):  # type: ignore[no-untyped-def]
        sent.append(row.payload["text"])
        return Delivered(1)

    slow = OutboxSender(
        uow_factory, clock, deliver, "telegram", worker="slow", on_unreachable=resident_blocked
    )
    token, rows = await slow.claims.claim()
    assert [chat for _, chat in rows] == ["1"]
    clock.advance(timedelta(seconds=61))  # the lease ran out: another sender takes it back
    other = OutboxSender(
        uow_factory, clock, deliver, "telegram", worker="other", on_unreachable=resident_blocked
    )
    assert await other.recover() == 1
    assert await other.flush() == 1
    assert await slow._send_one(rows[0][0], token) is None  # no longer its claim
    assert sent == ["m0"]


async def test_stopping_gives_back_the_rows_still_waiting_for_their_slot(
    uow_factory, clock: FrozenClock
) -> None:
    await _rows(uow_factory, clock, ["-100", "-100", "-100"])  # a group: one every 3 s
    sent: list[str] = []

    async def deliver(row: OutgoingMessage):  # type: ignore[no-untyped-def]
        sent.append(row.payload["text"])
        return Delivered(1)

    sender = OutboxSender(
        uow_factory, clock, deliver, "telegram", idle_seconds=0.05, on_unreachable=resident_blocked
    )
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    for _ in range(100):
        if sent:
            break
        await asyncio.sleep(0.02)
    stop.set()  # the second message waits for its slot, 3 s away
    await asyncio.wait_for(running, 2)
    assert sent == ["m0"]
    assert await _statuses(uow_factory) == [("m0", "sent"), ("m1", "pending"), ("m2", "pending")]


async def test_with_slots_shared_with_turns_the_sender_waits_for_a_free_one(
    uow_factory, clock: FrozenClock
) -> None:
    from infra.slots import Slots

    await _rows(uow_factory, clock, ["1", "2", "3"])
    seen: list[str] = []

    async def deliver(row: OutgoingMessage):  # type: ignore[no-untyped-def]
        seen.append(row.payload["text"])
        return Delivered(len(seen))

    slots = Slots(1)
    sender = OutboxSender(
        uow_factory, clock, deliver, "telegram", on_unreachable=resident_blocked, slots=slots
    )
    async with slots.turn():  # a resident's turn holds the only slot
        flushing = asyncio.create_task(sender.flush())
        await asyncio.sleep(0.05)
        assert seen == [] and slots.waiting == 1  # not even claimed: it waits for the slot
    assert await flushing == 3
    assert sorted(seen) == ["m0", "m1", "m2"] and slots.used == 0
    assert [s for _, s in await _statuses(uow_factory)] == ["sent", "sent", "sent"]
