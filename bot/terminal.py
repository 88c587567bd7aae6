"""The terminal transport: the same dialogue in a shell, for demos and scripted tests.

Each input line is one resident message. Replies are printed with their buttons numbered;
a button is chosen by its number or its label. Outside a TTY nothing else is printed.
"""

from __future__ import annotations

import asyncio
import base64
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot.callbacks import unpack
from bot.wire import telegram_call
from knowledge.text import normalise
from routing.conversation.inbound import Inbound
from routing.conversation.service import ConversationService
from routing.intake import ButtonIn, TextIn, parse_command
from routing.journey.records import OutgoingMessage
from routing.outbox.outcomes import Delivered, DeliveryResult
from routing.outbox.sender import OutboxSender

CHANNEL = "terminal"


class TerminalScreen:
    """Prints outbox rows and remembers the latest buttons, as a chat window would."""

    def __init__(self, out: TextIO, exports_dir: Path) -> None:
        self.out = out
        self.exports_dir = exports_dir
        self.buttons: list[dict[str, str]] = []
        self._next_id = 1
        self._fresh = True

    def new_turn(self) -> None:
        """The resident spoke: the next reply starts a new set of numbered buttons."""
        self._fresh = True

    async def __call__(self, row: OutgoingMessage) -> DeliveryResult:
        method, payload = telegram_call(row.method, row.payload)
        if method == "sendDocument":
            self.exports_dir.mkdir(parents=True, exist_ok=True)
            path = self.exports_dir / payload["filename"]
            path.write_bytes(base64.b64decode(payload["content_b64"]))
            self._print(f"{payload.get('caption', '')}\n📎 {path}")
        else:
            self._print(payload.get("text", ""))
            rows = (payload.get("reply_markup") or {}).get("inline_keyboard") or []
            if rows and self._fresh:  # every button of one reply stays pressable
                self.buttons, self._fresh = [], False
            first = len(self.buttons) + 1
            self.buttons.extend(button for row_ in rows for button in row_)
            for number, button in enumerate(self.buttons[first - 1 :], start=first):
                self.out.write(f"  [{number}] {button['text']}\n")
        self.out.flush()
        self._next_id += 1
        return Delivered(self._next_id)

    def _print(self, text: str) -> None:
        for index, line in enumerate(text.splitlines() or [""]):
            prefix = "Déclic › " if index == 0 else "         "
            self.out.write((prefix + line).rstrip() + "\n")

    def button_for(self, line: str) -> str | None:
        """The callback data of the button a line names, by number or by label."""
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(self.buttons):
            return self.buttons[int(choice) - 1]["callback_data"]
        folded = normalise(choice)
        for button in self.buttons:
            if folded and normalise(button["text"]) == folded:
                return button["callback_data"]
        return None


def event_for(line: str, screen: TerminalScreen) -> tuple[Any, str]:
    data = screen.button_for(line)
    if data is not None:
        cb = unpack(data)
        if cb is not None:
            return ButtonIn(cb.action, cb.value, cb.version), "button"
    command = parse_command(line.strip())
    return (command or TextIn(line), "text")


async def run_terminal(
    service: ConversationService,
    make_sender: Callable[[TerminalScreen], OutboxSender],
    resident: str = "local",
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    exports_dir: Path = Path("var") / "exports",
    greet: bool = True,
) -> None:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    screen = TerminalScreen(stdout, exports_dir)
    sender = make_sender(screen)
    await sender.recover()
    await sender.flush()

    async def say(line: str) -> None:
        event, kind = event_for(line, screen)
        screen.new_turn()
        await service.handle(
            Inbound(
                channel=CHANNEL,
                external_user_id=resident,
                chat_id=resident,
                event=event,
                kind=kind,
                text=line if kind == "text" else None,
                first_name=None,
            )
        )
        await sender.flush()

    if greet:
        await say("/start")
    loop = asyncio.get_running_loop()
    while True:
        if interactive:
            stdout.write("toi › ")
            stdout.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            break
        line = line.rstrip("\n")
        if not line.strip():
            continue
        await say(line)
