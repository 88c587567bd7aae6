"""The fake Bot API speaks Telegram's protocol well enough for an unmodified aiogram bot.

Each test drives the server with a real ``aiogram.Bot`` over HTTP on 127.0.0.1, so a passing
suite means the e2e tests exercise the bot's real network code, not a mock of it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.commands import register_commands
from tests.support.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.timeout(60)


def _bot_for(server: FakeBotApi, token: str | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    return Bot(token or server.token, session=session)


@pytest.fixture
async def bot(server: FakeBotApi) -> AsyncIterator[Bot]:
    bot = _bot_for(server)
    yield bot
    await bot.session.close()


def _keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in pairs]
    )


class TestProtocol:
    async def test_get_me_describes_the_bot(self, server: FakeBotApi, bot: Bot) -> None:
        me = await bot.get_me()
        assert (me.id, me.is_bot, me.username) == (server.bot_id, True, server.username)
        assert server.base_url.startswith("http://127.0.0.1:")

    async def test_a_wrong_token_is_unauthorized(self, server: FakeBotApi) -> None:
        intruder = _bot_for(server, token="42:not-the-token")
        try:
            with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
                await intruder.get_me()
        finally:
            await intruder.session.close()
        assert server.calls[-1].status == 401

    async def test_raw_http_json_form_query_and_unknown_method(self, server: FakeBotApi) -> None:
        awa = server.user(7, "Awa")
        base = f"{server.base_url}/bot{server.token}"
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/SENDMESSAGE", json={"chat_id": awa.id, "text": "a"}) as r:
                assert r.status == 200 and (await r.json())["result"]["text"] == "a"
            form = {"chat_id": str(awa.id), "text": "b", "reply_markup": '{"inline_keyboard":[]}'}
            async with http.post(f"{base}/sendMessage", data=form) as r:
                assert r.status == 200
            async with http.get(f"{base}/getMe") as r:
                assert (await r.json())["result"]["id"] == server.bot_id
            async with http.get(f"{base}/sendTelepathy") as r:
                assert r.status == 404
                assert await r.json() == {
                    "ok": False,
                    "error_code": 404,
                    "description": "Not Found",
                }
            async with http.get(f"{server.base_url}/botWRONG/getMe") as r:
                assert r.status == 401
                assert (await r.json())["description"] == "Unauthorized"
            async with http.post(f"{base}/sendMessage", json={"chat_id": awa.id}) as r:
                assert r.status == 400
                assert (await r.json())["description"] == "Bad Request: message text is empty"
        assert [c.encoding for c in server.calls[:3]] == ["json", "form", "query"]
        assert [m.text for m in awa.messages] == ["a", "b"]

    async def test_bad_parameters_get_telegrams_400s(self, server: FakeBotApi, bot: Bot) -> None:
        awa = server.user(7, "Awa")
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(999, "hello")
        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(awa.id, "x" * 4097)
        with pytest.raises(TelegramBadRequest, match="message text is empty"):
            await bot.send_message(awa.id, "   ")
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            await bot.send_message(awa.id, "hi", reply_markup=_keyboard(("b", "x" * 65)))
        await bot.send_message(awa.id, "x" * 4096)
        assert len(awa.messages) == 1

    async def test_injected_faults_and_blocked_users(self, server: FakeBotApi, bot: Bot) -> None:
        awa = server.user(7, "Awa")
        server.fail_next("sendMessage", status=429, retry_after=3)
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(awa.id, "hi")
        assert caught.value.retry_after == 3
        await bot.send_message(awa.id, "hi")
        awa.block()
        with pytest.raises(TelegramForbiddenError, match="blocked"):
            await bot.send_message(awa.id, "still there?")
        assert [m.text for m in awa.messages] == ["hi"]

    async def test_webhook_excludes_get_updates(self, server: FakeBotApi, bot: Bot) -> None:
        await server.user(7, "Awa").send_text("hi")
        assert await bot.set_webhook("https://example.invalid/hook")
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == ("https://example.invalid/hook", 1)
        with pytest.raises(TelegramBadRequest, match="HTTPS URL"):
            await bot.set_webhook("http://example.invalid/hook")
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.get_updates() == []
        assert await bot.log_out() and await bot.close()


class TestGetUpdates:
    async def test_offset_confirms_every_lower_update(self, server: FakeBotApi, bot: Bot) -> None:
        awa = server.user(7, "Awa")
        ids = [await awa.send_text(f"message {n}") for n in range(3)]
        first = await bot.get_updates()
        again = await bot.get_updates()
        assert [u.update_id for u in first] == [u.update_id for u in again] == ids
        assert [u.message.text for u in first if u.message] == [
            "message 0",
            "message 1",
            "message 2",
        ]
        one = await bot.get_updates(offset=ids[1], limit=1)
        assert [u.update_id for u in one] == [ids[1]]
        assert await bot.get_updates(offset=ids[2] + 1) == []
        assert dict(server.updates.deliveries) == {ids[0]: 2, ids[1]: 3, ids[2]: 2}
        assert dict(server.updates.confirmations) == {uid: 1 for uid in ids}

    async def test_negative_offset_keeps_only_the_last(self, server: FakeBotApi, bot: Bot) -> None:
        awa = server.user(7, "Awa")
        ids = [await awa.send_text(f"message {n}") for n in range(3)]
        assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[-1:]

    async def test_timeout_long_polls_until_an_update(self, server: FakeBotApi, bot: Bot) -> None:
        awa = server.user(7, "Awa")
        started = time.monotonic()
        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await server.wait_until(lambda: server.active_polls == 1)
        update_id = await awa.send_text("are you there?")
        updates = await asyncio.wait_for(poll, 5)
        assert [u.update_id for u in updates] == [update_id]
        assert time.monotonic() - started < 5

    async def test_timeout_ends_an_empty_poll(self, server: FakeBotApi, bot: Bot) -> None:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == []
        assert 0.9 <= time.monotonic() - started < 5

    async def test_a_newer_poll_terminates_the_older(self, server: FakeBotApi, bot: Bot) -> None:
        older = asyncio.create_task(bot.get_updates(timeout=10))
        await server.wait_until(lambda: server.active_polls == 1)
        newer = asyncio.create_task(bot.get_updates(timeout=1))
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
            await asyncio.wait_for(older, 5)
        assert await asyncio.wait_for(newer, 5) == []

    async def test_allowed_updates_drop_other_kinds(self, server: FakeBotApi, bot: Bot) -> None:
        awa = server.user(7, "Awa")
        await bot.get_updates(allowed_updates=["callback_query"])
        await awa.send_text("ignored")
        await bot.send_message(awa.id, "pick", reply_markup=_keyboard(("One", "one")))
        pressed = await awa.press("One")
        assert [u.update_id for u in await bot.get_updates()] == [pressed]
        assert len(server.updates.filtered) == 1

    async def test_redelivery_hands_out_confirmed_updates_again(
        self, server: FakeBotApi, bot: Bot
    ) -> None:
        awa = server.user(7, "Awa")
        ids = [await awa.send_text(f"message {n}") for n in range(3)]
        await bot.get_updates(offset=ids[-1] + 1)
        assert server.redeliver_from(ids[1]) == ids[1:]
        assert [u.update_id for u in await bot.get_updates()] == ids[1:]
        assert server.updates.deliveries[ids[1]] == 1  # the first poll confirmed without taking

    async def test_every_kind_of_resident_update_parses_in_aiogram(
        self, server: FakeBotApi, bot: Bot
    ) -> None:
        awa = server.user(7, "Awa", language_code="fr")
        await awa.send_command("/start poster")
        await awa.send_photo(caption="notre local")
        await awa.send_voice()
        await awa.send_sticker()
        await awa.send_location()
        await awa.send_contact()
        await awa.send_document(filename="plan.pdf", content=b"%PDF-1.4")
        text_id = awa.update_ids[0]
        first_message_id = server.chats[awa.id].messages[1]["message_id"]
        await awa.edit_text(first_message_id, "/start affiche")
        updates = await bot.get_updates()
        messages = [u.message for u in updates if u.message]
        assert updates[0].update_id == text_id
        assert messages[0].text == "/start poster" and messages[0].entities
        assert messages[0].from_user and messages[0].from_user.language_code == "fr"
        assert messages[1].photo and messages[1].caption == "notre local"
        assert messages[2].voice and messages[3].sticker and messages[4].location
        assert messages[5].contact and messages[6].document
        assert messages[6].document.file_name == "plan.pdf"
        edited = updates[-1].edited_message
        assert edited and edited.text == "/start affiche" and edited.edit_date


class TestMessages:
    async def test_send_message_with_a_keyboard_and_a_press(
        self, server: FakeBotApi, bot: Bot
    ) -> None:
        awa = server.user(7, "Awa")
        await awa.send_text("bonjour")
        sent = await bot.send_message(
            awa.id, "Quel quartier ?", reply_markup=_keyboard(("Tanneurs", "d:a:tanneurs:1"))
        )
        second = await bot.send_message(awa.id, "Et encore ?")
        assert (sent.message_id, second.message_id) == (2, 3)  # ids count per chat, both sides
        assert sent.from_user and sent.from_user.id == server.bot_id
        assert sent.chat.id == awa.id and sent.date.year >= 2024
        assert sent.reply_markup and sent.reply_markup.inline_keyboard[0][0].text == "Tanneurs"
        assert awa.keyboard_message and awa.keyboard_message.message_id == 2
        pressed = await awa.press(action="a", value="tanneurs")
        update = (await bot.get_updates(offset=pressed))[0]
        query = update.callback_query
        assert query and query.data == "d:a:tanneurs:1"
        assert isinstance(query.message, Message) and query.message.message_id == 2
        assert await bot.answer_callback_query(query.id)
        with pytest.raises(TelegramBadRequest, match="query is too old"):
            await bot.answer_callback_query(query.id)

    async def test_edit_applies_and_refuses_no_change(self, server: FakeBotApi, bot: Bot) -> None:
        awa = server.user(7, "Awa")
        keys = _keyboard(("Local", "d:a:place:1"), ("Fini", "d:a:done:1"))
        sent = await bot.send_message(awa.id, "Besoins ?", reply_markup=keys)
        ticked = _keyboard(("✓ Local", "d:a:place:2"), ("Fini", "d:a:done:2"))
        edited = await bot.edit_message_text(
            "Besoins ?", chat_id=awa.id, message_id=sent.message_id, reply_markup=ticked
        )
        assert isinstance(edited, Message) and edited.edit_date
        assert awa.messages[0].buttons[0]["text"] == "✓ Local" and awa.messages[0].edited
        with pytest.raises(TelegramBadRequest, match="message is not modified"):
            await bot.edit_message_text(
                "Besoins ?", chat_id=awa.id, message_id=sent.message_id, reply_markup=ticked
            )
        await bot.edit_message_text("Merci", chat_id=awa.id, message_id=sent.message_id)
        assert awa.messages[0].text == "Merci" and awa.messages[0].reply_markup is None
        with pytest.raises(TelegramBadRequest, match="message to edit not found"):
            await bot.edit_message_text("?", chat_id=awa.id, message_id=99)
        assert len(awa.messages) == 1

    async def test_send_document_uploads_name_and_bytes(self, server: FakeBotApi, bot: Bot) -> None:
        awa = server.user(7, "Awa")
        payload = '{"idée": "grainothèque"}'.encode()
        sent = await bot.send_document(
            awa.id, BufferedInputFile(payload, filename="mes-donnees.json"), caption="Tes données"
        )
        assert sent.document and sent.document.file_name == "mes-donnees.json"
        assert sent.document.file_size == len(payload)
        received = awa.messages[-1]
        assert received.document and received.document.content == payload
        assert received.caption == "Tes données"
        assert server.calls_to("sendDocument")[-1].encoding == "multipart"
        again = await bot.send_document(awa.id, sent.document.file_id)  # resend by file_id
        assert again.document and again.document.file_id == sent.document.file_id

    async def test_chat_actions(self, server: FakeBotApi, bot: Bot) -> None:
        awa = server.user(7, "Awa")
        assert await bot.send_chat_action(awa.id, "typing")
        with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
            await bot.send_chat_action(awa.id, "dancing")
        assert server.chats[awa.id].actions == ["typing"]


class TestCommands:
    async def test_commands_per_language_and_scope(self, server: FakeBotApi, bot: Bot) -> None:
        french = [BotCommand(command="aide", description="Ce que je sais faire")]
        english = [BotCommand(command="help", description="What I can do")]
        assert await bot.set_my_commands(french, language_code="fr")
        assert await bot.set_my_commands(english, language_code="en")
        assert await bot.set_my_commands(english, scope=BotCommandScopeAllPrivateChats())
        assert [c.command for c in await bot.get_my_commands(language_code="fr")] == ["aide"]
        assert [c.command for c in await bot.get_my_commands(language_code="en")] == ["help"]
        assert await bot.get_my_commands() == []
        assert server.commands_for("fr") == ["aide"]
        assert server.commands_for(scope={"type": "all_private_chats"}) == ["help"]
        assert await bot.delete_my_commands(language_code="fr")
        assert server.commands_for("fr") == []
        with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand(command="Aide!", description="x")])

    async def test_the_default_menu_is_in_the_towns_language(
        self, server: FakeBotApi, bot: Bot
    ) -> None:
        """DECLIC_LOCALE=en: a resident whose Telegram speaks neither French nor English is
        answered in English, and sees the English menu."""
        await register_commands(bot, "en")
        assert server.commands_for()[:2] == ["help", "restart"]
        assert server.commands_for("fr")[:2] == ["aide", "recommencer"]
        assert server.commands_for("en")[:2] == ["help", "restart"]


class TestWithADispatcher:
    async def test_polling_echo_bot_round_trip(self, server: FakeBotApi, bot: Bot) -> None:
        """aiogram's own polling loop: updates in, answers out, each update confirmed once."""
        dp = Dispatcher()

        @dp.message(F.text)
        async def echo(message: Message) -> None:
            await message.answer(
                f"echo: {message.text}", reply_markup=_keyboard(("Again", "again"))
            )

        @dp.callback_query(F.data == "again")
        async def again(query: CallbackQuery) -> None:
            await query.answer("ok")
            if isinstance(query.message, Message):
                await query.message.edit_text("pressed")

        awa = server.user(7, "Awa")
        polling = asyncio.create_task(
            dp.start_polling(bot, polling_timeout=1, handle_signals=False, close_bot_session=False)
        )
        try:
            await awa.send_text("salut")
            await awa.wait_for(lambda ms: [m.text for m in ms] == ["echo: salut"], timeout=10)
            await awa.press("Again")
            await awa.wait_for(lambda ms: [m.text for m in ms] == ["pressed"], timeout=10)
            await server.wait_until(lambda: len(server.updates.confirmations) == 2, timeout=10)
        finally:
            await dp.stop_polling()
            await asyncio.wait_for(polling, 10)
        assert server.updates.delivered_once()
        assert all(q["answered"] for q in server.callback_queries.values())
        with pytest.raises(TelegramNotFound):
            await bot.get_chat(awa.id)  # not implemented: a 404, as for any unknown method
