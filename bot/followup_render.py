"""Follow-ups in words: reminders, check-ins, the nudge and the thanks for each answer.

Buttons carry ``d:u:<follow-up id>.<code>:0`` (see ``routing.intake.codes.FOLLOWUP_CODES``): no
dialogue version, so they stay valid whatever was said since.
"""

from __future__ import annotations

from datetime import date

from bot import phrases
from bot.callbacks import pack_dialogue
from infra.i18n import Translator
from routing.conversation.replies import FollowUpAck
from routing.followups.service import FollowUpPrompt
from routing.intake import Action

Keyboard = dict[str, object]


def _button(text: str, followup_id: int, code: str) -> dict[str, str]:
    data = pack_dialogue(str(Action.FOLLOWUP), f"{followup_id}.{code}", 0)
    return {"text": text, "callback_data": data}


def _day(t: Translator, day: date | None) -> str:
    return t.date(day, "EEEE d MMMM") if day is not None else "?"


def prompt(t: Translator, reply: FollowUpPrompt) -> tuple[list[str], Keyboard | None]:
    """The message a follow-up sends, and its buttons."""
    words = phrases.FOLLOWUP
    title = reply.idea_title or reply.idea_ref or "…"
    fid = reply.followup_id
    if reply.kind in ("reminder_3d", "reminder_1d"):
        parts = [
            t.gettext(words[reply.kind]).format(
                title=title, day1=_day(t, reply.day1), day2=_day(t, reply.day2)
            )
        ]
        place = ", ".join(p for p in (reply.room_name, reply.address) if p)
        if place:
            parts.append(t.gettext(words["where"]).format(place=place))
        parts.append(t.gettext(words["bring"]))
        return parts, None
    if reply.kind == "sprint_feedback":
        keys = [[_button(str(n), fid, str(n)) for n in range(1, 6)]]
        text = t.gettext(words["sprint_feedback"]).format(title=title)
        return [text], {"inline_keyboard": keys}
    key = "nudge" if reply.kind == "nudge" else "checkin"
    buttons = [
        _button(t.gettext(words[name]), fid, name[0])
        for name in ("moving", "blocked", "paused", "realized")
    ]
    rows = [buttons[:2], buttons[2:]]
    text = t.gettext(words[key]).format(title=title)
    return [text, t.gettext(words["stop_hint"])], {"inline_keyboard": rows}


ACK_KEYS = {
    "m": "thanks_moving",
    "b": "thanks_blocked",
    "p": "thanks_paused",
    "r": "thanks_realized",
    "y": "thanks_shared",
    "n": "thanks_private",
    "comment": "thanks_comment",
}


def ack(t: Translator, reply: FollowUpAck) -> tuple[list[str], Keyboard | None]:
    words = phrases.FOLLOWUP
    if not reply.ok:
        return [t.gettext(words["not_yours"])], None
    if reply.code == "story":
        keys = [
            [
                _button(t.gettext(words["share_yes"]), reply.followup_id, "y"),
                _button(t.gettext(words["share_no"]), reply.followup_id, "n"),
            ]
        ]
        return [t.gettext(words["ask_share"])], {"inline_keyboard": keys}
    if reply.code in "12345" and len(reply.code) == 1:
        return [t.gettext(words["thanks_score"])], None
    return [t.gettext(words[ACK_KEYS[reply.code]])], None
