"""rate_buckets: the outbox's rate limits shared by every sender process

Two webhook workers and a scheduler each run an outbox sender; with limits in each process's
memory they would together exceed Telegram's (30 messages a second, 1 a second per chat, 20 a
minute per group) and meet 429s. On PostgreSQL without Redis the GCRA buckets live here, one
row per bucket, updated by one atomic statement per reservation (``routing.outbox.shared_limits``).
The table exists on SQLite too (same schema everywhere) but stays empty: one process there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("tat", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_buckets")),
    )


def downgrade() -> None:
    op.drop_table("rate_buckets")
