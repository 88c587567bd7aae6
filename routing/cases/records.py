"""Rows around cases: teams and their members, routing rules, and each case's history.

``Case`` itself lives in ``routing.journey.records`` with the resident journey it belongs to. Case
events
are append-only: the console shows them as the case's history, and service levels are audited
from them. They hold ids and codes; the only words are staff notes (a transfer's note), which
erasure clears with the resident's other data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from infra.orm import Base
from routing.journey import BigId
from routing.staff import StaffMember as _StaffMember  # noqa: F401  (staff_members in the metadata)

EVENT_KINDS = (
    "opened",
    "claimed",
    "assigned",
    "transferred",
    "handed_back",
    "replied",
    "resident_message",
    "escalated",
    "returned_to_queue",
    "resolved",
)


class Team(Base):
    """A group of staff; its themes and neighbourhoods route requests when no rule decides."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    themes: Mapped[list[Any]] = mapped_column(default=list)
    neighbourhoods: Mapped[list[Any]] = mapped_column(default=list)


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class RoutingRule(Base):
    """Editable by coordinators: the lowest ``priority`` that matches wins; None matches any."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority: Mapped[int] = mapped_column(Integer, default=100)
    theme: Mapped[str | None] = mapped_column(String(32))
    neighbourhood: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(32))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)


class CaseEvent(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL")
    )
    message_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("messages.id", ondelete="SET NULL")
    )
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    occurred_at: Mapped[datetime]
