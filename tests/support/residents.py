"""Drive the conversation service as a transport would, without any network."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from sqlalchemy import select

from bot.callbacks import unpack
from routing.conversation.inbound import Inbound
from routing.conversation.service import ConversationService, Outcome
from routing.intake import ButtonIn, TextIn, parse_command
from routing.journey.records import OutgoingMessage

_update_ids = itertools.count(1000)


@dataclass
class ScriptedResident:
    """A resident whose every turn must work: a turn that fails on a bug (the service keeps
    the message and writes its apology, ``Outcome.apologised``) raises AssertionError, so a
    test asking only ``.handled`` cannot pass on the apology. ``may_fail``: the test breaks the
    service on purpose, and the apologised outcome is returned."""

    service: ConversationService
    user_id: str = "42"
    language_code: str = "fr"
    channel: str = "telegram"
    last: Outcome | None = field(default=None)
    may_fail: bool = False

    def _inbound(self, event, kind: str, text: str | None = None, update_id: int | None = None):  # type: ignore[no-untyped-def]
        return Inbound(
            channel=self.channel,
            external_user_id=self.user_id,
            chat_id=self.user_id,
            event=event,
            kind=kind,
            text=text,
            first_name="Awa",
            language_code=self.language_code,
            update_id=next(_update_ids) if update_id is None else update_id,
        )

    async def says(self, text: str, update_id: int | None = None) -> Outcome:
        event = parse_command(text) or TextIn(text)
        return await self._turn(self._inbound(event, "text", text, update_id))

    async def _turn(self, inbound: Inbound) -> Outcome:
        self.last = await self.service.handle(inbound)
        if self.last.apologised and not self.may_fail:
            raise AssertionError(
                f"update {inbound.update_id}'s turn failed and was apologised for "
                "(its traceback is in the log)"
            )
        return self.last

    async def submits(
        self, idea: str, when: str = "dès que possible", start: str | None = "/start"
    ) -> Outcome:
        """``reaches_summary``, then confirm the summary: the idea is submitted."""
        await self.reaches_summary(idea, when, start)
        return await self.presses("s", "ok")

    async def reaches_summary(
        self, idea: str, when: str = "dès que possible", start: str | None = "/start"
    ) -> Outcome:
        """Start (unless ``start`` is None), tell the idea and when, and agree to the suggested
        answer: the summary is on screen, its confirmation the next press."""
        if start is not None:
            await self.says(start)
        await self.says(idea)
        await self.says(when)
        return await self.presses("a", "yes")

    async def presses(self, action: str, value: str) -> Outcome:
        """Press the button (action, value) of the newest message that has it."""
        async with self.service.uow_factory() as uow:
            rows = (
                await uow.session.scalars(
                    select(OutgoingMessage)
                    .where(OutgoingMessage.chat_id == self.user_id)
                    .order_by(OutgoingMessage.id.desc())
                )
            ).all()
        for row in rows:
            for line in (row.payload.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in line:
                    cb = unpack(button["callback_data"])
                    if cb and cb.action == action and cb.value == value:
                        event = ButtonIn(cb.action, cb.value, cb.version)
                        return await self._turn(self._inbound(event, "button"))
        raise AssertionError(f"no button {action}:{value} in the messages sent")
