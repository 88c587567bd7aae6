"""stats: the per-idea stage rollup, kept by a trigger on journey_events, backfilled

Statistics (issue 7) read one narrow row per idea instead of grouping every journey event, so
the funnel over a million ideas stays under a second on PostgreSQL (bench/stats_funnel.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import infra.orm
from routing.stats import records as stats_records

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    columns = [
        sa.Column(name, infra.orm.UtcDateTime(), nullable=True)
        for name in stats_records.COLUMNS.values()
    ]
    op.create_table(
        "idea_stages",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_idea_stages_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("idea_id", name=op.f("pk_idea_stages")),
    )
    dialect = op.get_bind().dialect.name
    op.execute(stats_records.backfill_sql(dialect))
    for statement in stats_records.create_trigger_sql(dialect):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in stats_records.drop_trigger_sql(dialect):
        op.execute(statement)
    op.drop_table("idea_stages")
