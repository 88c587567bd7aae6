"""What is kept about a resident (``/mesdonnees``) and forgetting it (``/oublier``).

Personal data lives in ``residents``, ``conversations``, message texts, idea texts and outbox
payloads. Erasure removes exactly that; anonymous journey events and idea facts (quartier,
needs, status) stay so that statistics remain true.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from infra.checkpoint import sqlite_checkpoint
from infra.uow import UnitOfWork
from routing import cases, sprints
from routing.followups import FollowUp
from routing.journey import (
    Case,
    Conversation,
    Idea,
    JourneyEvent,
    Message,
    OutgoingMessage,
    Resident,
)

__all__ = [
    "DataSummary",
    "erase_resident",
    "export_resident",
    "forget_rate_limits",
    "sqlite_checkpoint",
    "summarise",
]
EXPORT_FORMAT_VERSION = 1
_CHAT_ID = re.compile(r"-?[0-9]{1,20}")  # a Telegram chat id; never a LIKE wildcard


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class DataSummary:
    """What ``/mesdonnees`` says in words before the file: what is kept, and since when."""

    first_name: str | None
    since: datetime  # the first message
    consent_at: datetime | None
    last_seen: datetime  # the retention period runs from here
    ideas: int
    messages: int  # the messages they sent, files included
    files: int  # photos, documents, voice messages
    requests: int  # requests for a person, open or closed


async def summarise(session: AsyncSession, resident: Resident) -> DataSummary:
    counts = (
        await session.execute(
            select(func.count(), func.count(Message.file_id)).where(
                Message.resident_id == resident.id, Message.direction == "in"
            )
        )
    ).one()
    ideas = await session.scalar(
        select(func.count()).where(Idea.resident_id == resident.id, Idea.text.is_not(None))
    )
    requests = await session.scalar(select(func.count()).where(Case.resident_id == resident.id))
    return DataSummary(
        first_name=resident.display_name,
        since=resident.created_at,
        consent_at=resident.consent_at,
        last_seen=resident.last_seen_at,
        ideas=int(ideas or 0),
        messages=int(counts[0]),
        files=int(counts[1]),
        requests=int(requests or 0),
    )


async def export_resident(session: AsyncSession, resident: Resident) -> bytes:
    """A JSON document of everything kept about one resident, readable by a person."""
    ideas = (await session.scalars(select(Idea).where(Idea.resident_id == resident.id))).all()
    messages = (
        await session.scalars(
            select(Message)
            .where(Message.resident_id == resident.id, Message.direction == "in")
            .order_by(Message.id)
        )
    ).all()
    cases = (await session.scalars(select(Case).where(Case.resident_id == resident.id))).all()
    sent = (
        await session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.resident_id == resident.id)
            .order_by(OutgoingMessage.id)
        )
    ).all()
    their_followups = (
        await session.scalars(
            select(FollowUp).where(FollowUp.resident_id == resident.id).order_by(FollowUp.due_at)
        )
    ).all()
    # Keys are a contract (README, "Residents' data"): never renamed, only added.
    document: dict[str, Any] = {
        "format_version": EXPORT_FORMAT_VERSION,
        "about": "Déclic: everything kept about you / tout ce que Déclic garde sur toi",
        "resident": {
            "channel": resident.channel,
            "first_name": resident.display_name,
            "language": resident.locale,
            "neighbourhood": resident.neighbourhood,
            "consent_at": _iso(resident.consent_at),
            "created_at": _iso(resident.created_at),
            "last_seen_at": _iso(resident.last_seen_at),
            "follow_ups_paused": resident.followups_paused,
        },
        "ideas": [
            {
                "ref": idea.ref,
                "status": idea.status,
                "text": idea.text,
                "title": idea.title,
                "neighbourhood": idea.neighbourhood,
                "needs": idea.needs,
                "themes": idea.themes,
                "group_type": idea.group_type,
                "timing": idea.timing,
                "timing_words": idea.timing_words,
                "source": idea.source,
                "created_at": _iso(idea.created_at),
                "submitted_at": _iso(idea.submitted_at),
            }
            for idea in ideas
        ],
        "messages_you_sent": [
            {"at": _iso(m.created_at), "kind": m.kind, "text": m.text} for m in messages
        ],
        "requests_for_a_person": [
            {"reason": c.reason, "status": c.status, "opened_at": _iso(c.opened_at)} for c in cases
        ],
        "follow_ups": [
            {
                "kind": f.kind,
                "due_at": _iso(f.due_at),
                "status": f.status,
                "answer": f.answer,
                **{
                    k: v
                    for k, v in (f.data or {}).items()
                    if k in ("score", "comment", "story", "share")
                },
            }
            for f in their_followups
        ],
        "messages_we_sent": [
            {"at": _iso(o.created_at), "text": (o.payload or {}).get("text")}
            for o in sent
            if (o.payload or {}).get("text")
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


async def erase_resident(
    uow: UnitOfWork, resident: Resident, now: datetime, rules: sprints.Rules
) -> None:
    """Forget a resident: words and identity go; anonymous facts and events stay.

    The same for ``/oublier`` and for the retention period. Their open requests to a person
    close with an audit entry, their booked sprints are cancelled (the panel is told, without
    their words), pending follow-ups are cancelled: nothing is sent to them afterwards. Their
    ideas stay one anonymous resident for the statistics (``ideas.anonymous_author``).
    ``rules``: the town's, whose time zone dates the panel's cancelled .ics (rules_of).
    """
    session = uow.session
    rid = resident.id
    idea_ids = list(
        await session.scalars(select(Idea.id).where(Idea.resident_id == rid).order_by(Idea.id))
    )
    await cases.close_for_erasure(uow, rid, now)
    await session.execute(delete(Message).where(Message.resident_id == rid))
    await session.execute(
        update(Idea)
        .where(Idea.resident_id == rid)
        .values(
            text=None,
            title=None,
            timing_words=None,
            anonymous_author=-idea_ids[0] if idea_ids else None,
            updated_at=now,
        )
        .execution_options(synchronize_session="fetch")
    )
    await sprints.cancel_for_erasure(uow, idea_ids, now, rules)
    # Follow-ups: nothing more is sent, and the words typed in answers go.
    await session.execute(
        update(FollowUp)
        .where(FollowUp.resident_id == rid, FollowUp.status == "pending")
        .values(status="cancelled", cancel_reason="erased", updated_at=now)
    )
    await session.execute(
        update(FollowUp)
        .where(FollowUp.resident_id == rid)
        .values(data={}, resident_id=None, outbox_id=None, updated_at=now)
    )
    await session.execute(delete(OutgoingMessage).where(OutgoingMessage.resident_id == rid))
    await session.execute(
        update(Idea)
        .where(Idea.resident_id == rid)
        .values(resident_id=None)
        .execution_options(synchronize_session="fetch")
    )
    await session.execute(delete(Conversation).where(Conversation.resident_id == rid))
    await forget_rate_limits(session, resident.chat_id)
    session.add(JourneyEvent(kind="resident_erased", occurred_at=now, data={}))
    await session.delete(resident)


async def forget_rate_limits(session: AsyncSession, chat_id: str | None) -> None:
    """The chat's outbox rate-limit buckets (``<prefix>chat:<chat id>``, any bot) go too; the
    sender forgets the bucket again once the last message to that chat has left."""
    if chat_id and _CHAT_ID.fullmatch(chat_id):
        await session.execute(
            text("DELETE FROM rate_buckets WHERE key LIKE :pattern"),
            {"pattern": f"%:chat:{chat_id}"},
        )


async def discard_idea_words(session: AsyncSession, idea: Idea, now: datetime) -> None:
    """Consent refused: the draft's words are not kept."""
    await session.execute(delete(Message).where(Message.idea_id == idea.id))
    idea.text = None
    idea.title = None
    idea.timing_words = None
    idea.status = "discarded"
    idea.updated_at = now
