"""retention: when a resident was asked « toujours là ? », and an erased resident's ideas kept together

Issue 17. ``residents.retention_notice_at``: the one notice sent a month before erasure (sent
again only if the resident spoke since). ``residents.last_seen_at`` gets an index: the retention
job looks for the residents silent the longest. ``ideas.anonymous_author``: set at erasure to
the same number on all of one resident's ideas (minus the smallest of their idea ids), so that
statistics keep counting them as one anonymous resident although the link to the resident is gone.

Revision ID: 0011
Revises: 0010_themes
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import infra.orm

revision: str = "0011"
down_revision: str | None = "0010_themes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy on SQLite: the tables keep their triggers and keys).
    op.add_column(
        "residents", sa.Column("retention_notice_at", infra.orm.UtcDateTime(), nullable=True)
    )
    op.create_index(op.f("ix_residents_last_seen_at"), "residents", ["last_seen_at"])
    op.add_column("ideas", sa.Column("anonymous_author", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_ideas_anonymous_author"), "ideas", ["anonymous_author"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ideas_anonymous_author"), table_name="ideas")
    op.drop_index(op.f("ix_residents_last_seen_at"), table_name="residents")
    with op.batch_alter_table("ideas") as batch:
        batch.drop_column("anonymous_author")
    with op.batch_alter_table("residents") as batch:
        batch.drop_column("retention_notice_at")
