"""The sender's two statements of every row sent ("sending" with the row returned, then
Delivered) go on the driver (``infra.driver.rows``, issue 18), not through the session's ORM
execution, and write what they wrote before: attempts + 1, the claim cleared, the message id,
and for ``erase_after_send`` an empty payload and no chat id; ``deliver`` reads the row's
attributes after its unit of work, as it read the ORM's object."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, select

from infra.clock import FrozenClock
from routing.followups.service import resident_blocked
from routing.journey.records import OutgoingMessage
from routing.outbox.outcomes import Delivered
from routing.outbox.sender import OutboxSender


async def _add_rows(uow_factory, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        for index, erase in enumerate([False, True]):
            uow.session.add(OutgoingMessage(
                channel="telegram", chat_id=f"{index + 1}", method="sendMessage",
                payload={"text": f"m{index}"}, idempotency_key=f"k{index}", status="pending",
                attempts=2, not_before=clock.now(), created_at=clock.now(),
                erase_after_send=erase))  # fmt: skip
        await uow.commit()


async def test_the_rows_statements_go_on_the_driver_and_write_the_same(  # type: ignore[no-untyped-def]
    uow_factory, clock: FrozenClock, backend: str
) -> None:
    await _add_rows(uow_factory, clock)
    read: list[tuple[Any, ...]] = []

    async def deliver(row: OutgoingMessage):  # type: ignore[no-untyped-def]
        read.append((row.payload["text"], row.chat_id, row.status, row.attempts,
                     row.claimed_by is not None, row.erase_after_send))  # fmt: skip
        return Delivered(100 + len(read))

    sent: list[tuple[str, bool]] = []  # each UPDATE of the outbox, and whether on the driver

    def seen(_conn: object, _cursor: object, sql: str, _args: object, context: object,
             _many: object) -> None:  # fmt: skip
        if sql.startswith("UPDATE outgoing_messages"):
            sent.append((sql, context is None))  # the driver gives its listeners no context

    sender = OutboxSender(uow_factory, clock, deliver, "telegram", on_unreachable=resident_blocked)
    async with uow_factory() as uow:
        engine = uow.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert await sender.flush() == 2
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert sorted(read) == [("m0", "1", "sending", 3, True, False),
                            ("m1", "2", "sending", 3, True, True)]  # fmt: skip
    marked = [on_driver for sql, on_driver in sent if "attempts + " in sql]
    recorded = [on_driver for sql, on_driver in sent if "channel_message_id=" in sql]
    assert marked == [True, True] and recorded == [True, True]
    async with uow_factory() as uow:
        rows = (await uow.session.scalars(select(OutgoingMessage).order_by("id"))).all()
        found = [(r.status, r.attempts, r.claimed_at, r.claimed_by, r.sent_at, r.chat_id,
                  r.payload, r.channel_message_id) for r in rows]  # fmt: skip
    assert {r[-1] for r in found} == {101, 102}
    assert [r[:7] for r in found] == [
        ("sent", 3, None, None, clock.now(), "1", {"text": "m0"}),
        ("sent", 3, None, None, clock.now(), None, {}),
    ]


async def test_only_our_claim_becomes_sending(
    uow_factory, clock: FrozenClock, backend: str
) -> None:  # type: ignore[no-untyped-def]
    await _add_rows(uow_factory, clock)

    async def deliver(row: OutgoingMessage):  # type: ignore[no-untyped-def]
        raise AssertionError("nothing is ours to send")

    sender = OutboxSender(uow_factory, clock, deliver, "telegram", on_unreachable=resident_blocked)
    token, claimed = await sender.claims.claim(2)
    assert len(claimed) == 2
    row_id = claimed[0][0]
    assert await sender._send_one(row_id, "someone else") is None  # claimed, not by us
    async with uow_factory() as uow:
        row = await uow.session.get(OutgoingMessage, row_id)
        assert row is not None
        row.status = "pending"  # taken back after the lease
        await uow.commit()
    clock.advance(timedelta(seconds=1))
    assert await sender._send_one(row_id, token) is None  # ours, but not claimed any more
    async with uow_factory() as uow:
        rows = (await uow.session.scalars(select(OutgoingMessage).order_by("id"))).all()
        assert [(r.status, r.attempts) for r in rows] == [("pending", 2), ("claimed", 2)]
