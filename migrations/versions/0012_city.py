"""territories, territory_streets, territory_shapes, city_imports: the city's geography in the database

Until now the demo town's YAML file was read at every start, so every city got Rivebelle's
quartiers. A city now imports its own (``declic city import``); ``declic demo`` imports the
demo town's. Shapes are GeoJSON text (identical on both backends; shapely reads them).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import infra.orm

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "territories",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("aliases", JSON, nullable=False),
        sa.Column("neighbours", JSON, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["territories.id"],
            name=op.f("fk_territories_parent_id_territories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territories")),
    )
    op.create_index(op.f("ix_territories_parent_id"), "territories", ["parent_id"])
    op.create_table(
        "territory_streets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territories.id"],
            name=op.f("fk_territory_streets_territory_id_territories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territory_streets")),
    )
    op.create_index(
        "ix_territory_streets_territory_key",
        "territory_streets",
        ["territory_id", "key"],
        unique=True,
    )
    op.create_table(
        "territory_shapes",
        sa.Column("territory_id", sa.String(length=64), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territories.id"],
            name=op.f("fk_territory_shapes_territory_id_territories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("territory_id", name=op.f("pk_territory_shapes")),
    )

    op.create_table(
        "city_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("imported_at", infra.orm.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_imports")),
    )


def downgrade() -> None:
    op.drop_table("city_imports")
    op.drop_table("territory_shapes")
    op.drop_index("ix_territory_streets_territory_key", table_name="territory_streets")
    op.drop_table("territory_streets")
    op.drop_index(op.f("ix_territories_parent_id"), table_name="territories")
    op.drop_table("territories")
