"""The transactional baseline: the least a durable aiogram bot does with each update.

One handler, one transaction: the inbound update is recorded (``InboundUpdate``) and one reply
is queued in the outbox (``OutgoingMessage``), committed together, on the engine and unit of
work Déclic itself uses (``infra.db.make_engine``, ``infra.uow``). No dialogue, no reads, no
per-chat lock: what is left of Déclic's time above this is the cost of its own turn.
Rows are written under the channel ``bench-durable`` so they never collide with Déclic's.

``bench.intake_latency`` feeds ``durable_dispatcher`` in process; ``bench.webhook_load`` runs it
behind a webhook endpoint as ``python -m bench.durable_baseline PORT SECRET DATABASE_URL``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.types import CallbackQuery, Message, Update
from aiohttp import web
from sqlalchemy import func, select

from infra.db import make_engine
from infra.uow import UnitOfWork, uow_factory_for
from routing.journey.records import InboundUpdate, OutgoingMessage

CHANNEL = "bench-durable"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def record_and_queue(
    uow_factory: Callable[[], UnitOfWork], update_id: int, kind: str, chat_id: int, text: str
) -> None:
    """One transaction: the update, and the reply as an outbox row."""
    now = datetime.now(UTC)
    async with uow_factory() as uow:
        uow.session.add(InboundUpdate(channel=CHANNEL, update_id=update_id, kind=kind,
                                      received_at=now))  # fmt: skip
        uow.session.add(OutgoingMessage(
            channel=CHANNEL, chat_id=str(chat_id), method="sendMessage",
            payload={"chat_id": chat_id, "text": text}, idempotency_key=f"{CHANNEL}:{update_id}",
            status="pending", not_before=now, created_at=now,
        ))  # fmt: skip
        await uow.commit()


async def recorded(database_url: str) -> tuple[int, int]:
    """How many inbound rows and outbox rows the baseline committed: proof it did the work."""
    engine = make_engine(database_url)
    try:
        async with uow_factory_for(engine)() as uow:
            counts = []
            for model in (InboundUpdate, OutgoingMessage):
                query = select(func.count()).select_from(model).where(model.channel == CHANNEL)
                counts.append(int(await uow.session.scalar(query) or 0))
            return counts[0], counts[1]
    finally:
        await engine.dispose()


def durable_dispatcher(uow_factory: Callable[[], UnitOfWork]) -> Dispatcher:
    router = Router(name="durable")

    @router.message()
    async def message(message: Message, event_update: Update) -> None:
        await record_and_queue(uow_factory, event_update.update_id, "message", message.chat.id,
                               message.text or "…")  # fmt: skip

    @router.callback_query()
    async def pressed(callback: CallbackQuery, event_update: Update) -> None:
        chat_id = callback.message.chat.id if callback.message else callback.from_user.id
        await record_and_queue(uow_factory, event_update.update_id, "callback", chat_id,
                               callback.data or "…")  # fmt: skip

    dp = Dispatcher()
    dp.include_router(router)
    return dp


def webhook_app(secret: str, database_url: str) -> web.Application:
    """Checks the secret, feeds the update to ``durable_dispatcher``, answers 200 once committed."""
    engine = make_engine(database_url)
    dp = durable_dispatcher(uow_factory_for(engine))
    bot = Bot(token="123456:bench-durable-baseline")  # never called: replies go to the outbox

    async def handle(request: web.Request) -> web.Response:
        if request.headers.get(SECRET_HEADER) != secret:
            return web.Response(status=401)
        data: Any = await request.json()
        if not isinstance(data, dict) or "update_id" not in data:
            return web.json_response({"ok": False}, status=400)
        await dp.feed_update(bot, Update.model_validate(data, context={"bot": bot}))
        return web.json_response({"ok": True})

    async def ok(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def close(_app: web.Application) -> None:
        await bot.session.close()
        await engine.dispose()

    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, handle)
    app.router.add_get("/readyz", ok)
    app.router.add_get("/healthz", ok)
    app.on_cleanup.append(close)
    return app


def main(argv: list[str]) -> None:
    if len(argv) != 3:
        sys.exit("usage: python -m bench.durable_baseline PORT SECRET DATABASE_URL")
    port, secret, url = argv
    web.run_app(webhook_app(secret, url), host="127.0.0.1", port=int(port), access_log=None,
                print=None)  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
