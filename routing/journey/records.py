"""Rows of the resident journey: residents, ideas, conversation state, transcript, outbox, events.

Personal data lives only in ``residents``, the texts of ``messages`` and ``ideas``, and the payloads
of ``outgoing_messages``; erasure (``/oublier``) clears exactly those.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from infra.orm import Base

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Resident(Base):
    __tablename__ = "residents"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(128))
    locale: Mapped[str] = mapped_column(String(8))
    neighbourhood: Mapped[str | None] = mapped_column(String(64))
    consent_at: Mapped[datetime | None]
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    followups_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
    # The one « toujours là ? » notice before erasure (issue 17); sent again only if the
    # resident spoke after it.
    retention_notice_at: Mapped[datetime | None]


class Idea(Base):
    __tablename__ = "ideas"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(12), unique=True)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(24), default="draft")
    text: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String(120))
    neighbourhood: Mapped[str | None] = mapped_column(String(64))
    needs: Mapped[list[Any]] = mapped_column(default=list)
    themes: Mapped[list[Any]] = mapped_column(default=list)
    unmet_needs: Mapped[list[Any]] = mapped_column(default=list)
    group_type: Mapped[str | None] = mapped_column(String(16))
    timing: Mapped[str | None] = mapped_column(String(24))
    timing_words: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    # Set at erasure, the same on all of one resident's ideas: statistics still count them as
    # one (anonymous) resident once ``resident_id`` is gone.
    anonymous_author: Mapped[int | None] = mapped_column(Integer, index=True)


class Conversation(Base):
    """Where a resident is in the dialogue; the draft's content lives in its idea row."""

    __tablename__ = "conversations"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]


class Message(Base):
    """The transcript: what a resident sent ("in") and agents replied ("out", with ``staff_id``)."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_resident_created", "resident_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    direction: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(256))
    channel_message_id: Mapped[int | None] = mapped_column(BigInteger)
    needs_human: Mapped[bool] = mapped_column(Boolean, default=False)
    # An agent's reply (direction "out", kind "agent"): who wrote it, for the transcript.
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]


class InboundUpdate(Base):
    """One row per transport update handled: the update id makes handling idempotent."""

    __tablename__ = "inbound_updates"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(24))
    received_at: Mapped[datetime]


class OutgoingMessage(Base):
    """The outbox: every message to a resident is a row before it is a Bot API call."""

    __tablename__ = "outgoing_messages"
    __table_args__ = (Index("ix_outgoing_messages_status_not_before", "status", "not_before"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(24))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(96), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(300))
    channel_message_id: Mapped[int | None] = mapped_column(BigInteger)
    erase_after_send: Mapped[bool] = mapped_column(Boolean, default=False)
    # A sender claims a row ("claimed") before it calls the Bot API ("sending"); a crash while
    # "sending" leaves the fate unknown: the row is sent again and ``uncertain`` stays True.
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Case(Base):
    """A request routed to people (``routing.cases.service``): a team, maybe a holder, service
    levels.

    At most one unresolved case per resident (a partial unique index): a second "/humain" joins
    the request already waiting instead of queueing the same person twice.
    """

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_opened_at", "status", "opened_at"),
        Index(
            "uq_cases_resident_active",
            "resident_id",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True
    )
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|claimed|waiting|resolved
    source: Mapped[str] = mapped_column(String(16), default="resident", server_default="resident")
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    holder_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True
    )
    opened_at: Mapped[datetime]
    queued_at: Mapped[datetime | None]  # entered the queue (opened, returned, transferred)
    claimed_at: Mapped[datetime | None]
    last_holder_activity_at: Mapped[datetime | None]
    awaiting_holder_since: Mapped[datetime | None]  # the resident waits for the holder since
    escalated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(24))
    resolution_note: Mapped[str | None] = mapped_column(Text)


class JourneyEvent(Base):
    """Append-only milestones; anonymous, so they survive erasure and statistics stay true."""

    __tablename__ = "journey_events"
    __table_args__ = (Index("ix_journey_events_kind_occurred", "kind", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RateBucket(Base):
    """One GCRA bucket of the outbox's shared rate limits (``routing.outbox.shared_limits``): the
    theoretical arrival time of the next message, in seconds since the epoch by the database's
    clock. Holds no personal data beyond a chat id, and only while the chat is busy."""

    __tablename__ = "rate_buckets"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    tat: Mapped[float] = mapped_column(Double)
