"""A local Telegram Bot API for tests: the real HTTP protocol on 127.0.0.1, state in memory.

Why: the bot must be tested through the seam it uses in production (an unmodified aiogram bot
talking HTTP), with Telegram's own rules: long polling, confirmation by ``offset``, uploads,
message ids per chat, and Telegram's error answers. No network, no real token.

    server = FakeBotApi()
    await server.start()
    api = TelegramAPIServer.from_base(server.base_url)
    bot = Bot(server.token, session=AiohttpSession(api=api))
    awa = server.user(42, first_name="Awa", language_code="fr")
    await awa.send_command("/start")
    await awa.wait_for(1)
    ...
    await server.stop()

Residents are :class:`~tests.support.fake_users.FakeUser` objects (``server.user(...)``); every
call the bot made is in ``server.calls``; getUpdates bookkeeping (``deliveries``,
``confirmations``, ``redeliver_from``) lives in ``server.updates``.

Answers follow https://core.telegram.org/bots/api where tests rely on them: 401 for a wrong
token, 404 for an unknown method, 400 ``Bad Request: …`` for bad parameters, 409 for two
concurrent getUpdates or getUpdates while a webhook is set, 403 once a user blocked the bot.
Method names are case-insensitive, as on Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.fake_users import FakeUser
from tests.support.telegram_limits import TelegramLimits

JsonDict = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# Telegram's default leaves out chat_member, message_reaction and message_reaction_count.
DEFAULT_ALLOWED_UPDATES = frozenset((
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages", "inline_query",
    "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
    "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_join_request",
    "chat_boost", "removed_chat_boost",
))  # fmt: skip
CHAT_ACTIONS = frozenset((
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
))  # fmt: skip
COMMAND_SCOPES = frozenset((
    "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
    "chat_administrators", "chat_member",
))  # fmt: skip
PARSE_MODES = frozenset({"HTML", "Markdown", "MarkdownV2"})
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An answer Telegram gives instead of a result; raised by a method, sent as JSON."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class UploadedFile:
    """A file as Telegram keeps it: reachable again by ``file_id``, bytes kept for assertions."""

    file_id: str
    file_unique_id: str
    filename: str
    content: bytes
    mime_type: str | None = None


@dataclass(frozen=True)
class BotCall:
    """One HTTP request the bot made, and what it was answered. ``params`` are as received:
    form fields are strings (objects as JSON text), JSON bodies keep their types."""

    method: str
    params: JsonDict
    files: dict[str, UploadedFile]
    status: int
    response: JsonDict
    encoding: str
    at: float

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")


class Signal:
    """Wake every waiter when something changed; each waiter re-checks its own condition.

    The event is swapped on each pulse, and a waiter takes it right after checking with no
    ``await`` in between, so no wake-up can be lost.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def pulse(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, check: Callable[[], bool], timeout: float) -> bool:  # noqa: ASYNC109
        """True as soon as ``check()`` holds; False if it still does not after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not check():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return check()
        return True


class Params:
    """One request's parameters, typed on access the way Telegram types them."""

    def __init__(self, values: JsonDict, files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self.values.get(name)
        if value in (None, ""):
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            raise bad_request(f"wrong parameter {name}")
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"wrong parameter {name}") from None

    def string(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, (dict, list, bool)):
            raise bad_request(f"wrong parameter {name}")
        return str(value)

    def boolean(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("true", "1")

    def json(self, name: str) -> Any:
        """An object parameter: typed in a JSON body, JSON text in a form field."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def input_file(self, name: str) -> UploadedFile | str | None:
        """An upload under ``name``, an ``attach://part`` reference, or a file_id/URL string."""
        if name in self.files:
            return self.files[name]
        value = self.string(name)
        if value and value.startswith("attach://"):
            part = value.removeprefix("attach://")
            if part not in self.files:
                raise bad_request(f"file attach://{part} not found in the request")
            return self.files[part]
        return value or None


@dataclass
class UpdateQueue:
    """Telegram's side of getUpdates.

    Ids increase; an update stays pending until a getUpdates ``offset`` above its id confirms
    it; ``redeliver_from`` puts handled updates back, as Telegram does when a confirmation never
    reached it (a bot killed before its next getUpdates).
    """

    next_id: int = 1
    history: dict[int, JsonDict] = field(default_factory=dict)
    pending: dict[int, JsonDict] = field(default_factory=dict)
    deliveries: Counter[int] = field(default_factory=Counter)
    confirmations: Counter[int] = field(default_factory=Counter)
    filtered: list[int] = field(default_factory=list)
    allowed: frozenset[str] = DEFAULT_ALLOWED_UPDATES
    signal: Signal = field(default_factory=Signal)

    def push(self, kind: str, payload: JsonDict) -> int:
        """Queue a new update; a kind the bot did not allow is dropped, as Telegram does."""
        update_id = self.next_id
        self.next_id += 1
        update = {"update_id": update_id, kind: payload}
        self.history[update_id] = update
        if kind in self.allowed:
            self.pending[update_id] = update
            self.signal.pulse()
        else:
            self.filtered.append(update_id)
        return update_id

    def confirm(self, offset: int) -> list[int]:
        """``offset`` confirms every update below it; a negative one keeps the last -offset."""
        if offset < 0:
            keep = sorted(self.pending)[offset:]
            confirmed = [uid for uid in sorted(self.pending) if uid not in keep]
        else:
            confirmed = [uid for uid in sorted(self.pending) if uid < offset]
        for uid in confirmed:
            del self.pending[uid]
            self.confirmations[uid] += 1
        return confirmed

    def take(self, limit: int) -> list[JsonDict]:
        chosen = [self.pending[uid] for uid in sorted(self.pending)[:limit]]
        for update in chosen:
            self.deliveries[update["update_id"]] += 1
        return [json.loads(json.dumps(update)) for update in chosen]

    def redeliver_from(self, update_id: int) -> list[int]:
        """Make every update from ``update_id`` on pending again; returns their ids.

        A running bot's next ``offset`` confirms them at once (that is Telegram's rule), so
        call this while the bot is down: its first getUpdates after a restart has no offset.
        """
        again = [uid for uid in sorted(self.history) if uid >= update_id]
        for uid in again:
            if uid not in self.filtered:
                self.pending[uid] = self.history[uid]
        self.pending = dict(sorted(self.pending.items()))
        self.signal.pulse()
        return again

    def drop_pending(self) -> None:
        self.pending.clear()

    def delivered_once(self) -> bool:
        return all(count == 1 for count in self.deliveries.values())


@dataclass
class Chat:
    """A private chat between the bot and one user; message ids are counted per chat."""

    user: FakeUser
    messages: dict[int, JsonDict] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    reply_keyboard: JsonDict | None = None
    blocked: bool = False
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def id(self) -> int:
        return self.user.id

    def as_json(self) -> JsonDict:
        chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.user.first_name}
        if self.user.username:
            chat["username"] = self.user.username
        return chat

    def add(self, sender: JsonDict, date: int, content: JsonDict) -> JsonDict:
        message_id = next(self._ids)
        message = {
            "message_id": message_id,
            "from": sender,
            "chat": self.as_json(),
            "date": date,
            **content,
        }
        self.messages[message_id] = message
        return message


@dataclass
class GroupChat:
    """A group or supergroup the bot is a member of (a staff group): negative id, a title,
    message ids counted per chat like any chat. Users act in it with ``FakeUser.press_in``."""

    id: int
    title: str
    type: str = "supergroup"
    messages: dict[int, JsonDict] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    reply_keyboard: JsonDict | None = None
    blocked: bool = False
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def as_json(self) -> JsonDict:
        return {"id": self.id, "type": self.type, "title": self.title}

    def add(self, sender: JsonDict, date: int, content: JsonDict) -> JsonDict:
        message_id = next(self._ids)
        message = {
            "message_id": message_id,
            "from": sender,
            "chat": self.as_json(),
            "date": date,
            **content,
        }
        self.messages[message_id] = message
        return message


Method = Callable[[Params], Awaitable[Any]]


class FakeBotApi:
    """The server and its in-memory Telegram. One instance per test, in the test's event loop.

    What a test reads: ``calls`` (every request, in order; ``calls_to``, ``sent``), ``chats``
    (messages per private chat), ``files``, ``callback_queries`` (answered or not),
    ``commands`` (per scope and language; ``commands_for``), ``updates`` (the getUpdates queue
    with its ``deliveries`` and ``confirmations`` counters), ``active_polls``.
    What a test steers: ``user()``, ``push_update``, ``redeliver_from``, ``fail_next`` (429 and
    5xx bursts), ``on_confirm`` (called synchronously with the ids a getUpdates offset just
    confirmed, before the poll is answered: the place to kill a bot at the worst moment),
    ``on_call`` (called with each logged call, done but not yet answered), ``limits``
    (Telegram's sending limits enforced with 429s: :mod:`tests.support.telegram_limits`).
    """

    def __init__(
        self,
        token: str = "123456789:AAF-declic-test-token",
        *,
        username: str = "declic_test_bot",
        first_name: str = "Déclic",
        host: str = "127.0.0.1",
        port: int = 0,
        max_poll_timeout: float = 50.0,
        clock: Callable[[], float] = time.time,
        limits: TelegramLimits | None = None,
    ) -> None:
        self.token = token
        self.limits = limits  # Telegram's sending limits enforced (429), off by default
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.host = host
        self.port = port
        self.max_poll_timeout = max_poll_timeout
        self.clock = clock
        self.calls: list[BotCall] = []
        self.updates = UpdateQueue()
        self.changed = Signal()
        self.chats: dict[int, Chat | GroupChat] = {}
        self.files: dict[str, UploadedFile] = {}
        self.callback_queries: dict[str, JsonDict] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.webhook: JsonDict | None = None
        self.logged_out = False
        self.on_confirm: Callable[[list[int]], None] | None = None
        self.on_call: Callable[[BotCall], None] | None = None
        self.active_polls = 0
        self.polls_started = 0
        self._users: dict[int, FakeUser] = {}
        self._faults: dict[str, deque[ApiError]] = defaultdict(deque)
        self._poll_generation = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._file_ids = itertools.count(1)
        self._methods: dict[str, tuple[str, Method]] = {
            name.lower(): (name, method)
            for name, method in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "answerCallbackQuery": self._answer_callback_query,
                "sendDocument": self._send_document,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "close": self._true,
                "logOut": self._log_out,
                "sendChatAction": self._send_chat_action,
            }.items()
        }

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # handler_cancellation: a poll whose client died (kill -9) must not swallow updates.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=2.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        self._closing = True
        self.updates.signal.pulse()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- test-side API ---------------------------------------------------------------------

    @property
    def me(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def user(
        self,
        user_id: int,
        first_name: str = "Awa",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "fr",
    ) -> FakeUser:
        """The resident ``user_id`` (created once); their private chat exists from now on."""
        if user_id not in self._users:
            user = FakeUser(self, user_id, first_name, last_name, username, language_code)
            self._users[user_id] = user
            self.chats[user_id] = Chat(user)
        return self._users[user_id]

    def group(
        self, chat_id: int, title: str = "Équipe Déclic", *, kind: str = "supergroup"
    ) -> GroupChat:
        """The group ``chat_id`` (negative, created once) with the bot in it."""
        if chat_id >= 0 or kind not in ("group", "supergroup"):
            raise ValueError("a group has a negative id and is a group or a supergroup")
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = GroupChat(chat_id, title, kind)
        if not isinstance(chat, GroupChat):
            raise ValueError(f"chat {chat_id} is not a group")
        return chat

    def push_update(self, kind: str, payload: JsonDict) -> int:
        """Queue a raw update (``kind`` is its field: message, callback_query…)."""
        update_id = self.updates.push(kind, payload)
        self.changed.pulse()
        return update_id

    def redeliver_from(self, update_id: int) -> list[int]:
        return self.updates.redeliver_from(update_id)

    @property
    def deliveries(self) -> Counter[int]:
        """How many times getUpdates handed out each update id."""
        return self.updates.deliveries

    @property
    def confirmations(self) -> Counter[int]:
        """How many times an offset confirmed each update id (more than once after redelivery)."""
        return self.updates.confirmations

    def now(self) -> int:
        return int(self.clock())

    def store_file(
        self, filename: str, content: bytes, mime_type: str | None = None
    ) -> UploadedFile:
        number = next(self._file_ids)
        stored = UploadedFile(f"BQAC-file-{number}", f"AgAD{number}", filename, content, mime_type)
        self.files[stored.file_id] = stored
        return stored

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error, doing nothing else."""
        if status == 429 and retry_after is None:
            retry_after = 1
        default = {
            429: f"Too Many Requests: retry after {retry_after}",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }.get(status, "Error")
        for _ in range(times):
            self._faults[method.lower()].append(
                ApiError(status, description or default, retry_after=retry_after)
            )

    def calls_to(self, *methods: str) -> list[BotCall]:
        """Calls of these methods (any case), in order; failed calls included."""
        wanted = {m.lower() for m in methods}
        return [call for call in self.calls if call.method.lower() in wanted]

    def sent(self) -> list[BotCall]:
        """Successful calls that showed something to a user (messages, edits, documents)."""
        return [
            call
            for call in self.calls_to("sendMessage", "editMessageText", "sendDocument")
            if call.ok
        ]

    def commands_for(self, language_code: str = "", scope: JsonDict | None = None) -> list[str]:
        """The command names set for exactly this scope and language ([] if none)."""
        key = (_scope_key(scope or {"type": "default"}), language_code)
        return [c["command"] for c in self.commands.get(key, [])]

    async def wait_until(
        self,
        check: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 (a bounded wait is the point)
    ) -> None:
        """Wait for a condition on the server's state; fail loudly after ``timeout``."""
        if not await self.changed.wait_until(check, timeout):
            raise AssertionError(f"condition not met within {timeout:.1f}s")

    async def wait_for_calls(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        await self.wait_until(lambda: len(self.calls_to(method)) >= count, timeout)

    async def settle(self, quiet: float = 0.5, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Return once the bot made no call but getUpdates for ``quiet`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            busy = [c for c in self.calls if c.method != "getUpdates"]
            last = busy[-1].at if busy else 0.0
            idle_for = time.monotonic() - last
            if idle_for >= quiet:
                return
            if loop.time() >= deadline:
                raise AssertionError(f"the bot kept calling the API for {timeout:.1f}s")
            await asyncio.sleep(min(quiet - idle_for, max(deadline - loop.time(), 0.01)))

    # -- HTTP ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        values: JsonDict = {}
        files: dict[str, UploadedFile] = {}
        encoding = "query"
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            canonical, method = self._methods.get(name.lower(), (name, None))
            name = canonical
            values, files, encoding = await self._read(request)
            if method is None:
                raise ApiError(404, "Not Found")
            if self._faults[name.lower()]:
                raise self._faults[name.lower()].popleft()
            if self.limits is not None:
                retry_after = self.limits.admit(name, values.get("chat_id"))
                if retry_after is not None:
                    description = f"Too Many Requests: retry after {retry_after}"
                    raise ApiError(429, description, retry_after=retry_after)
            status, body = 200, {"ok": True, "result": await method(Params(values, files))}
        except ApiError as error:
            status, body = error.status, error.body()
        except asyncio.CancelledError:
            self._log(
                name, values, files, 499, {"ok": False, "description": "client gone"}, encoding
            )
            raise
        self._log(name, values, files, status, body, encoding)
        return web.json_response(body, status=status, dumps=_dumps)

    async def _read(self, request: web.Request) -> tuple[JsonDict, dict[str, UploadedFile], str]:
        """Query string, then a JSON, urlencoded or multipart body, as Telegram accepts them."""
        values: JsonDict = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if not request.can_read_body:
            return values, files, "query"
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            return {**values, **body}, files, "json"
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                content = value.file.read()
                files[key] = self.store_file(value.filename or key, content, value.content_type)
            else:
                values[key] = value
        multipart = request.content_type.startswith("multipart/")
        return values, files, "multipart" if multipart else "form"

    def _log(
        self,
        method: str,
        values: JsonDict,
        files: dict[str, UploadedFile],
        status: int,
        body: JsonDict,
        encoding: str,
    ) -> None:
        call = BotCall(method, values, files, status, body, encoding, at=time.monotonic())
        self.calls.append(call)
        self.changed.pulse()
        if self.on_call is not None:
            self.on_call(call)

    # -- helpers for methods ---------------------------------------------------------------

    def _chat(self, params: Params) -> Chat | GroupChat:
        chat_id = params.values.get("chat_id")
        if chat_id in (None, ""):
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            raise bad_request("chat not found")
        chat = self.chats.get(params.integer("chat_id") or 0)
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    @staticmethod
    def _text(params: Params, name: str = "text") -> str:
        text = (params.string(name) or "").strip()
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        mode = params.string("parse_mode")
        if mode and mode not in PARSE_MODES:
            raise bad_request(f"unsupported parse_mode {mode}")
        return text

    def _markup(self, params: Params, chat: Chat | GroupChat) -> JsonDict | None:
        """The inline keyboard to show on the message; reply keyboards go to the chat."""
        markup = params.json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            chat.reply_keyboard = markup
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for button in (b for row in rows for b in row):
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
        return {"inline_keyboard": [[dict(b) for b in row] for row in rows if row]}

    def _message(self, chat: Chat | GroupChat, mid: int, *, to_edit: bool = False) -> JsonDict:
        message = chat.messages.get(mid)
        if message is None:
            raise bad_request("message to edit not found" if to_edit else "message not found")
        return message

    # -- methods ---------------------------------------------------------------------------

    async def _true(self, _params: Params) -> bool:
        return True

    async def _get_me(self, _params: Params) -> JsonDict:
        return {
            **self.me,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> list[JsonDict]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.integer("offset")
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = min(max(params.integer("timeout") or 0, 0), self.max_poll_timeout)
        if params.has("allowed_updates"):
            allowed = params.json("allowed_updates")
            if not isinstance(allowed, list):
                raise bad_request("can't parse allowed_updates JSON object")
            self.updates.allowed = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES
        if offset is not None:
            confirmed = self.updates.confirm(offset)
            if confirmed and self.on_confirm is not None:
                self.on_confirm(confirmed)
        self.polls_started += 1
        self._poll_generation += 1
        generation = self._poll_generation
        self.updates.signal.pulse()  # an older poll still waiting is now in conflict
        self.active_polls += 1
        self.changed.pulse()
        try:
            await self.updates.signal.wait_until(
                lambda: (
                    bool(self.updates.pending)
                    or self._closing
                    or generation != self._poll_generation
                ),
                timeout,
            )
        finally:
            self.active_polls -= 1
            self.changed.pulse()
        if generation != self._poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return self.updates.take(limit)

    async def _send_message(self, params: Params) -> JsonDict:
        chat = self._chat(params)
        text = self._text(params)
        content: JsonDict = {"text": text}
        markup = self._markup(params, chat)
        if markup is not None:
            content["reply_markup"] = markup
        return dict(chat.add(self.me, self.now(), content))

    async def _edit_message_text(self, params: Params) -> JsonDict:
        if params.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message = self._message(
            chat, params.integer("message_id", required=True) or 0, to_edit=True
        )
        if message["from"]["id"] != self.bot_id:
            raise bad_request("message can't be edited")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text = self._text(params)
        markup = self._markup(params, chat)  # omitted: the inline keyboard goes, as on Telegram
        if text == message["text"] and markup == message.get("reply_markup"):
            raise bad_request(NOT_MODIFIED)
        message["text"] = text
        message["edit_date"] = self.now()
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        return dict(message)

    async def _answer_callback_query(self, params: Params) -> bool:
        query_id = params.string("callback_query_id")
        if not query_id:
            raise bad_request("callback_query_id is empty")
        query = self.callback_queries.get(query_id)
        if query is None or query["answered"]:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query["answered"] = True
        query["answer"] = {
            "text": params.string("text"),
            "show_alert": params.boolean("show_alert"),
            "url": params.string("url"),
        }
        return True

    async def _send_document(self, params: Params) -> JsonDict:
        chat = self._chat(params)
        document = params.input_file("document")
        if document is None:
            raise bad_request("there is no document in the request")
        if isinstance(document, str):
            if document not in self.files:
                raise bad_request("wrong file identifier/HTTP URL specified")
            document = self.files[document]
        if not document.content:
            raise bad_request("file must be non-empty")
        content: JsonDict = {
            "document": {
                "file_id": document.file_id,
                "file_unique_id": document.file_unique_id,
                "file_name": document.filename,
                "mime_type": document.mime_type or "application/octet-stream",
                "file_size": len(document.content),
            }
        }
        caption = (params.string("caption") or "").strip()
        if utf16_len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        if caption:
            content["caption"] = caption
        markup = self._markup(params, chat)
        if markup is not None:
            content["reply_markup"] = markup
        return dict(chat.add(self.me, self.now(), content))

    def _commands_key(self, params: Params) -> tuple[str, str]:
        scope = params.json("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
            raise bad_request("wrong parameter scope")
        language = params.string("language_code") or ""
        if language and not (len(language) == 2 and language.isalpha() and language.islower()):
            raise bad_request("invalid language code specified")
        return _scope_key(scope), language

    async def _set_my_commands(self, params: Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("wrong parameter commands")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            valid = 1 <= len(name) <= 32 and all(
                c.isdigit() or c == "_" or "a" <= c <= "z" for c in name
            )
            if not valid:
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise bad_request("command description is empty or too long")
        key = self._commands_key(params)
        if commands:
            self.commands[key] = [dict(c) for c in commands]
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: Params) -> list[JsonDict]:
        return [dict(c) for c in self.commands.get(self._commands_key(params), [])]

    async def _delete_my_commands(self, params: Params) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _set_webhook(self, params: Params) -> bool:
        url = params.string("url") or ""
        if not url:
            self.webhook = None
            return True
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if params.boolean("drop_pending_updates"):
            self.updates.drop_pending()
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self.updates.allowed = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES
        self.webhook = {"url": url}
        self.updates.signal.pulse()
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        if params.boolean("drop_pending_updates"):
            self.updates.drop_pending()
        self.webhook = None
        return True

    async def _get_webhook_info(self, _params: Params) -> JsonDict:
        return {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates.pending),
            "allowed_updates": sorted(self.updates.allowed),
        }

    async def _log_out(self, _params: Params) -> bool:
        self.logged_out = True
        return True

    async def _send_chat_action(self, params: Params) -> bool:
        chat = self._chat(params)
        action = params.string("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.actions.append(action)
        return True


def _scope_key(scope: JsonDict) -> str:
    return json.dumps(scope, sort_keys=True)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


__all__ = [
    "ApiError",
    "BotCall",
    "FakeBotApi",
    "FakeUser",
    "Params",
    "Signal",
    "UpdateQueue",
    "UploadedFile",
]
