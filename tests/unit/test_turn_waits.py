"""bench.turn_waits: a turn's kind, read from its statements, and the slowest turns by kind."""

from __future__ import annotations

from bench.turn_waits import TurnWaits, Waits, _kind_of, breakdown


def test_a_turn_is_the_most_telling_kind_of_its_statements() -> None:
    kind = "common"
    for statement in (
        "WITH kept AS (INSERT INTO messages ...",
        "INSERT INTO residents (channel, external_id) ...",
        "WITH new_idea AS (INSERT INTO ideas ...",
        "UPDATE ideas SET status=$1, submitted_at=$2 ...",
        "INSERT INTO ideas ...",  # a later, less telling statement changes nothing
    ):
        kind = _kind_of(statement, kind)
    assert kind == "submission"
    assert _kind_of("INSERT INTO residents ...", "new idea") == "new idea"
    # the idea row loaded (a page of suggestions, an edit) names submitted_at too: not a submission
    assert _kind_of("SELECT ideas.id, ideas.submitted_at FROM ideas ...", "common") == "common"
    assert _kind_of("UPDATE ideas SET text=$1, updated_at=$2 ...", "common") == "common"
    assert _kind_of("SELECT 1", "common") == "common"


def test_the_breakdown_says_which_kinds_make_the_slowest_turns() -> None:
    waits = Waits()
    waits.turns = [TurnWaits(count=2) for _ in range(198)]
    waits.turns += [TurnWaits(count=9, kind="submission") for _ in range(2)]
    latencies = [0.005] * 198 + [0.1, 0.2]
    lines = breakdown("postgresql", waits, latencies, loop_cpu=0.6, process_cpu=0.6)
    kinds = {line.split()[0]: line for line in lines if line.startswith("    ") and "/" in line}
    assert "2 of 2" in kinds["submission"]
    assert "0 of 2" in kinds["common"]
