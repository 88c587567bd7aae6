"""Rows of the directory: one per resource (kind-specific facts as JSON), one per import."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from infra.orm import Base


class ResourceRow(Base):
    """A resource as last imported. Entries missing from a later import stay, inactive."""

    __tablename__ = "directory_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str | None] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    organization: Mapped[str | None] = mapped_column(String(300))
    themes: Mapped[list[Any]] = mapped_column(default=list)
    territories: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(24), default="active")
    verified_on: Mapped[date | None] = mapped_column(Date)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DirectoryImport(Base):
    """One successful import; its id doubles as the directory's version for cached catalogues."""

    __tablename__ = "directory_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(8))
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    deactivated: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime]
