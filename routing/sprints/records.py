"""Rows of the two-day support sprint: who can sit on a panel, rooms' calendars, sprints, seats,
and the commitments (one row per person-day and per room-day).

The commitments are what makes booking safe: ``(person_id, day)`` and ``(room_id, day)`` are
unique, so two confirmations of overlapping options cannot both be written; the second one
finds the rows taken and is offered fresh options (``routing.sprints.service``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from infra.orm import Base
from knowledge import records as _knowledge  # noqa: F401  (directory_resources in the metadata)
from routing.journey import Idea as _Idea  # noqa: F401  (ideas in the metadata)
from routing.staff import StaffMember as _StaffMember  # noqa: F401  (staff_members in the metadata)

SPRINT_STATUSES = ("proposed", "confirmed", "cancelled", "held", "not_held")


class PanelMember(Base):
    """Someone who can sit on a panel: a directory contact and/or a staff member."""

    __tablename__ = "panel_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("directory_resources.id", ondelete="SET NULL"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True
    )
    skills: Mapped[list[Any]] = mapped_column(default=list)
    territories: Mapped[list[Any]] = mapped_column(default=list)
    weekdays: Mapped[list[Any]] = mapped_column(default=list)  # 0 = Monday … 4 = Friday
    monthly_cap: Mapped[int] = mapped_column(Integer, default=2)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PanelAbsence(Base):
    """A declared absence, both days included."""

    __tablename__ = "panel_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("panel_members.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class SprintRoom(Base):
    """A directory room that can host sprints; its bookings are ``sprint_room_days`` rows."""

    __tablename__ = "sprint_rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("directory_resources.id", ondelete="CASCADE"), unique=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Sprint(Base):
    __tablename__ = "sprints"
    __table_args__ = (Index("ix_sprints_status_day1", "status", "day1"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    day1: Mapped[date] = mapped_column(Date)
    day2: Mapped[date] = mapped_column(Date)
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("sprint_rooms.id", ondelete="SET NULL"), index=True
    )
    needed: Mapped[list[Any]] = mapped_column(default=list)  # skill codes
    covered: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)  # staff's short note after the sprint
    ics_uid: Mapped[str] = mapped_column(String(120), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    held_marked_at: Mapped[datetime | None]


class SprintSeat(Base):
    __tablename__ = "sprint_seats"
    __table_args__ = (UniqueConstraint("sprint_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("panel_members.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="member")  # member | facilitator


class PersonDay(Base):
    """One person committed on one day: unique, so nobody is booked twice."""

    __tablename__ = "sprint_person_days"
    __table_args__ = (UniqueConstraint("person_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"), index=True)


class RoomDay(Base):
    """One room taken on one day: by a sprint, or by someone else (``sprint_id`` None, from the
    room's imported calendar)."""

    __tablename__ = "sprint_room_days"
    __table_args__ = (UniqueConstraint("room_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("sprint_rooms.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    sprint_id: Mapped[int | None] = mapped_column(
        ForeignKey("sprints.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str | None] = mapped_column(String(120))  # "Réservé" for outside bookings
