"""The hot path's prebuilt statements stay in step with the rows they write."""

from datetime import UTC, datetime

from routing.conversation.turn_rows import MIRRORED, mirrored
from routing.intake import Draft
from routing.outbox import ROW_COLUMNS, Recipient, Text, json_rows, pending_rows


def test_the_combined_mirror_writes_every_column_the_draft_mirrors() -> None:
    # MIRROR_AND_SAVE names its columns; a column added to mirrored() must be added there too.
    assert set(mirrored(Draft())) | {"updated_at"} == set(MIRRORED)


def test_the_combined_outbox_insert_writes_every_column_enqueue_writes() -> None:
    # ROWS_FROM_JSON (in SAVE_AND_SEND) names its columns; a column added to pending_rows()
    # must be added there too.
    now = datetime(2026, 12, 4, tzinfo=UTC)
    rows = pending_rows(Recipient("telegram", "42", 7), [Text("a"), Text("b")], "k", now)
    assert set(rows[0]) == set(ROW_COLUMNS)
    params = json_rows(rows)
    assert [r["idempotency_key"] for r in params["outbox_rows"]] == ["k:0", "k:1"]
    assert (params["outbox_resident"], params["outbox_chat"], params["outbox_at"]) == (7, "42", now)
