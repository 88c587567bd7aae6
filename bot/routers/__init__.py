"""The handlers of each conversation area, attached to the dispatcher by ``attach``."""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.types import CallbackQuery, Message, TelegramObject, Update

from bot.middlewares import FloodGuard, Handler
from bot.routers import buttons, messages, staff_group


class Residents(BaseMiddleware):
    """The dispatcher's last outer middleware: a resident's message or button in a private chat
    goes straight to its handler (``messages.any_message``, with the flood guard's verdict;
    ``buttons.button``), given what aiogram would have given it from the update's data (the
    conversation service as the middlewares before wrapped it, the outbox, the button answers
    on their way, the update id, the flood guard). Every other update (an edit, a group chat,
    the staff group's buttons, a button under a message Telegram no longer shows) goes on
    through aiogram's routers.

    Why not aiogram's routing for these, nearly every update: on its way from the update to the
    handler it copies the handlers' data at each level (the router, its observer, the filters,
    the inner middlewares wrapped again, the handler's arguments), about 0.1 ms of CPU in a
    common turn of 1.6-1.8 ms (``bench.turn_ab route``). The same handlers answer the same
    updates as through the routers: ``tests/unit/test_dispatch_routes.py``.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            message = event.message
            if message is not None and await private_message(message):
                return await self._message(message, data)
            callback = event.callback_query
            if callback is not None and await private_button(callback):
                flood: FloodGuard | None = data.get("flood")
                update_id = data.get("update_id")
                return await buttons.button(
                    callback,
                    data["service"],
                    data["outbox"],
                    data["acknowledgements"],
                    update_id,
                    flood,
                )
        return await handler(event, data)

    @staticmethod
    async def _message(message: Message, data: dict[str, Any]) -> None:
        """What the flood guard (``FloodGuard.throttle``) says of the sender, then the handler."""
        flood: FloodGuard | None = data.get("flood")
        user = data.get("event_from_user")
        throttle = await flood.throttle(user.id) if flood and user else (False, False)
        update_id = data.get("update_id")
        await messages.any_message(
            message, data["service"], data["outbox"], update_id, throttle, flood
        )


async def private_message(message: Message) -> bool:
    return message.chat.type == "private"


async def private_button(callback: CallbackQuery) -> bool:
    return callback.message is not None and callback.message.chat.type == "private"


def attach(dispatcher: Dispatcher, staff_group_id: int | None = None) -> None:
    """Residents talk to the bot in private chats only: their messages and buttons go to their
    handlers from ``Residents``, the dispatcher's last outer middleware (registered here, after
    the ones ``bot.app.build_dispatcher`` registers first: metrics, update id, chat order, turn
    slots); their edits through aiogram's routing, behind the private-chat filter; the staff
    group (if configured) has its own router, for the « Je prends » buttons of its chat.

    The filter is a coroutine on purpose: aiogram (3.2x+) runs a *synchronous* filter, such as a
    magic ``F.chat.type == "private"``, in ``asyncio.to_thread``, a thread hop per update on
    the hot path; a coroutine is awaited in place.
    """
    dispatcher.update.outer_middleware(Residents())
    messages.register(dispatcher, private_message)
    if staff_group_id is not None:
        dispatcher.include_router(staff_group.build_router(staff_group_id))
