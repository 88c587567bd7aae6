"""bench.submission_cpu: a turn's kind from its statements, and results digested the same way in
every process."""

from __future__ import annotations

from dataclasses import dataclass

from bench.submission_cpu import Kind, _canonical, _kind_of, report


def test_a_submission_is_the_turn_that_submits_the_idea() -> None:
    kind = "common"
    for statement in (
        "SELECT ideas.submitted_at FROM ideas WHERE ideas.id = ?",  # a read of a submitted idea
        "INSERT INTO residents (channel, external_id) ...",
    ):
        kind = _kind_of(statement, kind)
    assert kind == "new resident"
    submitted = (
        "WITH consented AS (UPDATE residents ...) UPDATE ideas SET status=$1, submitted_at=$2"
    )
    assert _kind_of(submitted, kind) == "submission"
    assert _kind_of("INSERT INTO ideas ...", "submission") == "submission"
    assert _kind_of("SELECT 1", "common") == "common"


@dataclass(frozen=True)
class _Result:
    themes: frozenset[str]
    scores: tuple[float, ...]
    excluded: dict[str, int]


def test_a_result_is_digested_without_the_hash_seed_order() -> None:
    one = _Result(frozenset({"jardin", "fete", "sport"}), (0.5, 0.25), {"b": 1, "a": 2})
    other = _Result(frozenset({"sport", "jardin", "fete"}), (0.5, 0.25), {"a": 2, "b": 1})
    assert repr(_canonical(one)) == repr(_canonical(other))
    assert _canonical(one) == ("_Result", ["'fete'", "'jardin'", "'sport'"], [0.5, 0.25],
                               [("'a'", 2), ("'b'", 1)])  # fmt: skip
    assert _canonical(one) != _canonical(_Result(one.themes, (0.5, 0.26), one.excluded))


def test_the_report_gives_each_kind_its_cpu_and_share() -> None:
    kinds = {"submission": Kind([0.004, 0.006], [0.004, 0.006], [8, 8]), "common": Kind(
        [0.001] * 10, [0.001] * 10, [2] * 10)}  # fmt: skip
    kinds["submission"].phases["match"] = 0.001
    lines = report("sqlite", kinds, with_phases=True).splitlines()
    assert lines[1].split()[:4] == ["submission", "2", "8.0", "5.000"]
    assert lines[1].endswith("50.0%")
    assert lines[2].split()[:4] == ["common", "10", "2.0", "1.000"]
    assert lines[3] == "  submission phases, ms a turn (inclusive): match 0.500"
