"""The theme-vocabulary migration rewrites the intake's old theme names (both backends)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from sqlalchemy.dialects import postgresql

from infra.db import make_engine
from infra.migrate import alembic_config, upgrade_to_head

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def _table(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(name, sa.MetaData(), *columns)


IDEAS = _table(
    "ideas",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String),
    sa.Column("status", sa.String),
    sa.Column("needs", JSON),
    sa.Column("themes", JSON),
    sa.Column("unmet_needs", JSON),
    sa.Column("locale", sa.String),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
)
TEAMS = _table(
    "teams",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String),
    sa.Column("name", sa.String),
    sa.Column("themes", JSON),
    sa.Column("neighbourhoods", JSON),
)
RULES = _table(
    "routing_rules",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("priority", sa.Integer),
    sa.Column("theme", sa.String),
    sa.Column("team_id", sa.Integer),
)


async def test_old_theme_names_become_the_profiles_everywhere(database_url: str) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "0009")
    engine = make_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                IDEAS.insert().values(
                    id=1,
                    ref="ABC",
                    status="draft",
                    needs=["place"],
                    themes=["festivity", "events", "parents", "garden"],
                    unmet_needs=[],
                    locale="fr",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            await conn.execute(
                TEAMS.insert().values(
                    id=1, slug="t", name="T", themes=["seniors"], neighbourhoods=[]
                )
            )
            await conn.execute(
                RULES.insert().values(id=1, priority=1, theme="festivity", team_id=1)
            )
        await engine.dispose()
        await asyncio.to_thread(upgrade_to_head, database_url)
        async with engine.connect() as conn:
            themes = (await conn.execute(sa.select(IDEAS.c.themes))).scalar_one()
            team = (await conn.execute(sa.select(TEAMS.c.themes))).scalar_one()
            rule = (await conn.execute(sa.select(RULES.c.theme))).scalar_one()
    finally:
        await engine.dispose()
    assert themes == ["events", "parenting", "garden"]
    assert team == ["elderly"]
    assert rule == "events"
