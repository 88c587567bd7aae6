"""Cases posted to the optional Telegram staff group, as outbox rows in the case's transaction.

A new case, an escalation and a case back in the queue are posted with a « Je prends » button;
when someone takes the case (in the group or in the console: the same ``cases.claim``), the
group's posts of that case are edited to say who took it and lose their button. The posts
carry ids and codes only (number, reason, quartier, team, time), never the resident's name or
words, so they need no erasure and are safe in a chat many colleagues read.

A post is a ``ClaimOffer`` (the case's number and the button's words); the bot alone makes it
a Telegram message with a button and its callback data (``bot.callbacks``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from infra.settings import Settings
from infra.uow import UnitOfWork
from knowledge.city import quartier_names
from routing.cases import phrases as case_phrases
from routing.cases.records import Team
from routing.journey import Case, Idea, OutgoingMessage, Resident
from routing.outbox import (
    CLAIM_OFFER,
    ClaimOffer,
    Recipient,
    Rewrite,
    Text,
    enqueue,
    stored,
)
from routing.staff import StaffMember

CHANNEL = "telegram"
KEY_PREFIX = "group:case:"
KINDS = ("new", "escalated", "returned")


@dataclass(frozen=True)
class StaffGroup:
    """Where and how to post: the group's chat id, its language and time zone."""

    chat_id: int
    locale: str  # DECLIC_LOCALE and DECLIC_TIMEZONE (staff_group_of): no defaults
    tz: ZoneInfo


def staff_group_of(settings: Settings) -> StaffGroup | None:
    if settings.staff_group_id is None:
        return None
    return StaffGroup(settings.staff_group_id, settings.locale, settings.tz)


async def announce(
    uow: UnitOfWork,
    case: Case,
    group: StaffGroup,
    kind: str,
    now: datetime,
    *,
    waited_minutes: int = 0,
    tag: str | int = 0,
) -> int:
    """Post the case to the group with a « Je prends » button; ``tag`` keeps the idempotency
    key unique per escalation or return (a case event id). Returns the outbox row's id."""
    if kind not in KINDS:
        raise ValueError(f"unknown group post {kind!r}")
    session = uow.session
    team = await session.get(Team, case.team_id) if case.team_id else None
    neighbourhood = await _neighbourhood(uow, case)
    text = case_phrases.group_post(
        group.locale,
        group.tz,
        kind=kind,
        number=case.id,
        reason=case.reason,
        neighbourhood=(await quartier_names(uow)).get(neighbourhood, neighbourhood)
        if neighbourhood
        else None,
        team=team.name if team else None,
        opened_at=case.opened_at,
        waited_minutes=waited_minutes,
    )
    offer = ClaimOffer(text, case.id, case_phrases.group_claim_button(group.locale), group.locale)
    # The group is not a resident: a 403 there marks nobody unreachable.
    (row_id,) = await enqueue(
        session,
        Recipient(CHANNEL, str(group.chat_id)),
        [offer],
        f"{KEY_PREFIX}{case.id}:{kind}:{tag}",
        now,
        numbered=False,
    )
    return row_id


async def taken(
    uow: UnitOfWork, case: Case, staff: StaffMember, team: str | None, tag: int, now: datetime
) -> None:
    """Someone took the case: every group post of it since it (re)entered the queue says who,
    and loses its button. A post not sent yet is rewritten in place; a sent one is edited."""
    since = case.queued_at or case.opened_at
    rows = (
        await uow.session.scalars(
            select(OutgoingMessage)
            .where(
                OutgoingMessage.idempotency_key.like(f"{KEY_PREFIX}{case.id}:%"),
                OutgoingMessage.method == CLAIM_OFFER,
                OutgoingMessage.created_at >= since,
            )
            .order_by(OutgoingMessage.id)
        )
    ).all()
    words = (staff.display_name or "").split()
    name = words[0] if words else staff.email.split("@", 1)[0]
    for row in rows:
        payload: dict[str, Any] = dict(row.payload or {})
        locale = str(payload.get("locale") or "fr")
        text = f"{payload.get('text', '')}\n\n{case_phrases.group_taken_by(locale, name, team)}"
        if row.status == "pending":  # not sent yet: sent without its button
            row.method, row.payload = stored(Text(text, locale))
        elif row.status == "sent" and row.channel_message_id is not None:
            await enqueue(
                uow.session,
                Recipient(row.channel, row.chat_id),
                [Rewrite(row.channel_message_id, text)],
                f"{KEY_PREFIX}{case.id}:taken:{row.id}:{tag}",
                now,
                numbered=False,
            )
    await uow.session.flush()


async def _neighbourhood(uow: UnitOfWork, case: Case) -> str | None:
    idea = await uow.session.get(Idea, case.idea_id) if case.idea_id else None
    if idea is not None and idea.neighbourhood:
        return idea.neighbourhood
    resident = await uow.session.get(Resident, case.resident_id) if case.resident_id else None
    return resident.neighbourhood if resident else None
