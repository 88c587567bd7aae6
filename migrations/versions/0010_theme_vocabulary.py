"""theme vocabulary: one name per theme everywhere (parents → parenting, seniors → elderly,
festivity → events)

Ideas were tagged with the intake lexicon's names while the directory, teams and routing rules
used the HSDS profile's, so a team set to ``events`` never received a street party. This
rewrites the old names in ideas, teams, routing rules and directory rows, on SQLite and
PostgreSQL alike (rows are read and written through SQLAlchemy, JSON lists as lists).

Revision ID: 0010_themes
Revises: 0009
Create Date: 2026-12-03 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_themes"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {"parents": "parenting", "seniors": "elderly", "festivity": "events"}
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
LISTS = (("ideas", "themes"), ("teams", "themes"), ("directory_resources", "themes"))


def _rewrite(mapping: dict[str, str]) -> None:
    bind = op.get_bind()
    for table_name, column in LISTS:
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column, JSON))
        for row_id, themes in bind.execute(sa.select(table.c.id, table.c[column])).all():
            if not themes or not any(t in mapping for t in themes):
                continue
            renamed = list(dict.fromkeys(mapping.get(t, t) for t in themes))
            bind.execute(table.update().where(table.c.id == row_id).values({column: renamed}))
    rules = sa.table("routing_rules", sa.column("theme", sa.String))
    for old, new in mapping.items():
        bind.execute(rules.update().where(rules.c.theme == old).values(theme=new))


def upgrade() -> None:
    _rewrite(RENAMED)


def downgrade() -> None:
    # The profile's names are the only ones since this revision: nothing to restore.
    pass
