"""The listening dialogue's answers in words (issue 14): what was added, when a person answers,
answers to questions, examples and pointers from the directory."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_time, format_timedelta

from bot import phrases
from infra.i18n import Translator
from routing.conversation.answers import (
    DirectoryHint,
    Examples,
    Pointers,
    QuestionAnswer,
    WaitingNotice,
)

HOUR = 60
WEEK_AHEAD = 6  # further than this, the day is named by its date

Listened = WaitingNotice | QuestionAnswer | Examples | Pointers


def render(t: Translator, reply: Listened, office: str) -> list[str]:
    if isinstance(reply, WaitingNotice):
        return waiting(t, reply)
    if isinstance(reply, QuestionAnswer):
        return answer(t, reply, office)
    if isinstance(reply, Examples):
        if not reply.hints:
            return []
        return [_hints(reply.hints)]
    if not reply.hints:
        return []
    return [t.gettext(phrases.LISTENING["pointers"]), _hints(reply.hints)]


def added(t: Translator, words: str) -> str:
    return t.gettext(phrases.LISTENING["added"]).format(words=words)


def _delay(t: Translator, minutes: int) -> str:
    return format_timedelta(
        timedelta(minutes=minutes), threshold=2, format="short", locale=t.locale
    )


def waiting(t: Translator, notice: WaitingNotice) -> list[str]:
    lines: list[str] = []
    if notice.waited is not None:
        waited = format_timedelta(notice.waited, threshold=1.5, locale=t.locale)
        lines.append(t.gettext(phrases.LISTENING["waiting_again"]).format(waited=waited))
    if notice.delay_minutes is None:
        lines.append(t.gettext(phrases.LISTENING["waiting_unknown"]))
        return lines
    delay = _delay(t, notice.delay_minutes)
    if notice.next_open is None:
        lines.append(t.gettext(phrases.LISTENING["waiting_open"]).format(delay=delay))
        return lines
    now = t.local(notice.now)
    opens = t.local(notice.next_open)
    days = (opens.date() - now.date()).days
    if days == 0:
        when = t.gettext(phrases.LISTENING["when_today"]).format(
            time=format_time(opens, "short", locale=t.locale)
        )
        key = "waiting_closed_morning"
    else:
        if days == 1:
            when = t.gettext(phrases.LISTENING["when_tomorrow"])
        elif days <= WEEK_AHEAD:
            weekday = t.date(opens, "EEEE")
            when = t.gettext(phrases.LISTENING["when_weekday"]).format(weekday=weekday)
        else:
            when = t.gettext(phrases.LISTENING["when_date"]).format(date=t.date(opens, "d MMMM"))
        key = "waiting_closed_day" if notice.day_off else "waiting_closed_evening"
    lines.append(
        t.gettext(phrases.LISTENING[key]).format(
            delay=delay, weekday=t.date(now, "EEEE"), when=when
        )
    )
    return lines


def answer(t: Translator, reply: QuestionAnswer, office: str) -> list[str]:
    if reply.hints:
        return [t.gettext(phrases.LISTENING["directory_answer"]), _hints(reply.hints)]
    if reply.topic is not None:
        text = t.gettext(phrases.LISTENING[f"process_{reply.topic}"])
        return [text.format(office=office)]
    return [t.gettext(phrases.LISTENING["question_routed"])]


def _hints(hints: tuple[DirectoryHint, ...]) -> str:
    lines = []
    for hint in hints:
        icon = phrases.KIND_ICONS.get(hint.kind, "📌")
        reach = " · ".join(v for v in (hint.phone, hint.email, hint.url) if v)
        lines.append(f"{icon} {hint.name}" + (f" — {reach}" if reach else ""))
    return "\n".join(lines)
