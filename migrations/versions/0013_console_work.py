"""console_work: canned replies; a provisional password must be changed at first login

Canned replies belong to a team or to one person (never both) and go with them. An account
created or reset by an admin carries ``must_change_password`` until its owner picks their own.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from infra.orm import UtcDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_canned_replies_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_members.id"],
            name=op.f("fk_canned_replies_staff_id_staff_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
    )  # fmt: skip
    op.create_index(op.f("ix_canned_replies_team_id"), "canned_replies", ["team_id"])
    op.create_index(op.f("ix_canned_replies_staff_id"), "canned_replies", ["staff_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_canned_replies_staff_id"), table_name="canned_replies")
    op.drop_index(op.f("ix_canned_replies_team_id"), table_name="canned_replies")
    op.drop_table("canned_replies")
    with op.batch_alter_table("staff_members", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
