"""The hot path's prebuilt statements stay in step with the rows they write."""

from routing.conversation.turn_rows import MIRRORED, mirrored
from routing.intake import Draft


def test_the_combined_mirror_writes_every_column_the_draft_mirrors() -> None:
    # MIRROR_AND_SAVE names its columns; a column added to mirrored() must be added there too.
    assert set(mirrored(Draft())) | {"updated_at"} == set(MIRRORED)
