"""The outbox sender's decisions on a real database: delivered, retried, failed, in order."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from infra.clock import FrozenClock
from routing.outbox import Delivered, Failed, OutboxSender, RetryLater
from routing.records import OutgoingMessage, Resident


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

    sender = OutboxSender(uow_factory, clock, deliver, "telegram")
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

    await OutboxSender(uow_factory, clock, deliver, "telegram").flush()
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

    sender = OutboxSender(uow_factory, clock, deliver, "telegram")
    assert await sender.recover() == 1
    await sender.flush()
    async with uow_factory() as uow:
        row = await uow.session.scalar(select(OutgoingMessage))
    assert row is not None and row.status == "sent" and "uncertain" in (row.last_error or "")
