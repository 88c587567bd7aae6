"""The per-idea stage rollup that statistics read (issue 7).

One row per idea with the first time it reached each stage of the metric dictionary
(``routing.stats.metrics``). A database trigger on ``journey_events`` (migration 0008, SQLite and
PostgreSQL) keeps it up to date on every insert, whoever writes the event, so the funnel over a
million ideas reads a million narrow rows instead of grouping ten million events. It holds
instants only: no resident, no words; like the events, it survives erasure.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from infra.orm import Base


class IdeaStage(Base):
    __tablename__ = "idea_stages"

    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    received_at: Mapped[datetime | None]
    intake_completed_at: Mapped[datetime | None]
    matched_at: Mapped[datetime | None]
    case_opened_at: Mapped[datetime | None]
    human_contact_at: Mapped[datetime | None]
    sprint_booked_at: Mapped[datetime | None]
    sprint_held_at: Mapped[datetime | None]
    action_started_at: Mapped[datetime | None]
    realized_at: Mapped[datetime | None]
    abandoned_at: Mapped[datetime | None]


# event kind -> rollup column (the held flag of sprint_held is checked by the trigger)
COLUMNS: dict[str, str] = {
    "idea_received": "received_at",
    "intake_completed": "intake_completed_at",
    "suggestion_accepted": "matched_at",
    "case_opened": "case_opened_at",
    "first_human_reply": "human_contact_at",
    "sprint_booked": "sprint_booked_at",
    "sprint_held": "sprint_held_at",
    "action_started": "action_started_at",
    "realized": "realized_at",
    "abandoned": "abandoned_at",
}

TRIGGER = "trg_journey_events_idea_stages"
FUNCTION = "idea_stages_roll"


def _held(dialect: str, row: str) -> str:
    """The event's ``held`` flag is true (JSON true: 1 in SQLite's json_extract)."""
    data = f"{row}data" if row else "data"
    if dialect == "postgresql":
        return f"({data}->>'held') = 'true'"
    return f"json_extract({data}, '$.held') = 1"


def _stage_value(kind: str, dialect: str, row: str) -> str:
    condition = f"{row}kind = '{kind}'"
    if kind == "sprint_held":
        condition += f" AND {_held(dialect, row)}"
    return f"CASE WHEN {condition} THEN {row}occurred_at END"


def _kinds() -> str:
    return ", ".join(f"'{kind}'" for kind in COLUMNS)


def upsert_sql(dialect: str) -> str:
    """The statement the trigger runs for ``NEW``: the earliest instant of each stage wins."""
    columns = ", ".join(COLUMNS.values())
    values = ", ".join(_stage_value(kind, dialect, "NEW.") for kind in COLUMNS)
    earliest = ", ".join(
        f"{c} = CASE WHEN excluded.{c} IS NOT NULL AND (idea_stages.{c} IS NULL "
        f"OR excluded.{c} < idea_stages.{c}) THEN excluded.{c} ELSE idea_stages.{c} END"
        for c in COLUMNS.values()
    )
    return (
        f"INSERT INTO idea_stages (idea_id, {columns}) VALUES (NEW.idea_id, {values}) "  # noqa: S608
        f"ON CONFLICT (idea_id) DO UPDATE SET {earliest}"
    )


def backfill_sql(dialect: str) -> str:
    """Rebuild every row from the events (migration, benchmarks)."""
    columns = ", ".join(COLUMNS.values())
    firsts = ", ".join(f"min({_stage_value(kind, dialect, '')})" for kind in COLUMNS)
    return (
        f"INSERT INTO idea_stages (idea_id, {columns}) SELECT idea_id, {firsts} "  # noqa: S608
        f"FROM journey_events WHERE idea_id IS NOT NULL AND kind IN ({_kinds()}) "
        "GROUP BY idea_id"
    )


def create_trigger_sql(dialect: str) -> list[str]:
    when = f"NEW.idea_id IS NOT NULL AND NEW.kind IN ({_kinds()})"
    if dialect == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {upsert_sql(dialect)}; RETURN NULL; END $$",
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON journey_events FOR EACH ROW "
            f"WHEN ({when}) EXECUTE FUNCTION {FUNCTION}()",
        ]
    return [
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON journey_events FOR EACH ROW "
        f"WHEN {when} BEGIN {upsert_sql(dialect)}; END"
    ]


def drop_trigger_sql(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON journey_events",
            f"DROP FUNCTION IF EXISTS {FUNCTION}()",
        ]
    return [f"DROP TRIGGER IF EXISTS {TRIGGER}"]
