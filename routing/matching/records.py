"""Rows of the suggestions made to an idea, and the resident's answer to each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from infra.orm import Base


class Suggestion(Base):
    __tablename__ = "idea_suggestions"
    __table_args__ = (UniqueConstraint("idea_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("directory_resources.id", ondelete="SET NULL")
    )
    external_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    need: Mapped[str | None] = mapped_column(String(16))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    created_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
