"""Rows of the follow-ups: one per message Déclic owes a resident about an idea, on schedule.

A row is ``pending`` until its time comes; the scheduler claims it (``claimed_at``,
``claimed_by``) and, in the same transaction, writes its outbox row (``outbox_id``) and marks it
``sent``; the resident's answer makes it ``answered``; a pause, an erasure, a blocked bot or a
changed schedule makes it ``cancelled``. ``(idea_id, kind, due_at)`` is unique, so scheduling
twice never doubles a follow-up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from infra.orm import Base
from routing.journey import BigId
from routing.journey import Idea as _Idea  # noqa: F401  (ideas, residents in the metadata)

FOLLOWUP_STATUSES = ("pending", "sent", "answered", "cancelled")


class FollowUp(Base):
    __tablename__ = "followups"
    __table_args__ = (
        UniqueConstraint("idea_id", "kind", "due_at"),
        Index("ix_followups_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL"), index=True
    )
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="pending")
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outgoing_messages.id", ondelete="SET NULL")
    )
    answer: Mapped[str | None] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # e.g. the sprint's id and days
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
