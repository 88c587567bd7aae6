"""Rows of the city's geography: territories (hierarchy, aliases, neighbours), their streets
and their shapes. Imported from the city's own files (``declic city import``); read once at
start into a ``Gazetteer``. Nothing here is personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from infra.orm import Base


class TerritoryRow(Base):
    __tablename__ = "territories"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(24))
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL"), index=True
    )
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    # Neighbours as the city listed them; empty: quartiers whose shapes touch (computed).
    neighbours: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)  # the order the city listed them in


class StreetRow(Base):
    """A street, square or housing estate, in the territory residents mean when they name it."""

    __tablename__ = "territory_streets"
    __table_args__ = (
        Index("ix_territory_streets_territory_key", "territory_id", "key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[str] = mapped_column(ForeignKey("territories.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))  # normalised, for idempotent imports


class ShapeRow(Base):
    """A territory's outline as GeoJSON geometry (WGS 84, longitude first)."""

    __tablename__ = "territory_shapes"

    territory_id: Mapped[str] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), primary_key=True
    )
    geometry: Mapped[str] = mapped_column(Text)


class CityImportRow(Base):
    """One applied city file (or territories learned from a directory); the latest id is the
    city's version, so long-running processes know when to read the city again."""

    __tablename__ = "city_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(8))
    imported_at: Mapped[datetime]
