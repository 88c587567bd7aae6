"""The matcher scores its candidates in one loop (``matcher._scored``, issue 18, session 14):
the same results, to the score and the reason, as the call per candidate it replaced (kept as
``bench.session14_submission.scored_before``), over the tuning town's and the demo's messages
with other groups, lengths and days (never the held-out town: not looked at here)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from bench.session14_submission import scored_before
from knowledge.catalogue import Catalogue
from knowledge.demo import demo_batch
from knowledge.importers import read_directory
from knowledge.territory import load_gazetteer
from routing.matching import matcher
from routing.matching.idea_reading import IdeaQuery
from tests.support.matching_eval import DEMO_DAY, EVAL_DAY, batch_line, read_cases

DATA = Path(__file__).resolve().parents[1] / "data"


@cache
def _town(name: str) -> tuple[Catalogue, list[IdeaQuery], date]:
    if name == "demo":
        gazetteer, batch = load_gazetteer(), demo_batch()
        cases, day = read_cases(DATA / "eval_demo.jsonl"), DEMO_DAY
    else:
        gazetteer = load_gazetteer(DATA / "tuning_town" / "territories.yaml")
        batch = read_directory(DATA / "tuning_town" / "directory.json", gazetteer)
        cases, day = read_cases(DATA / "tuning_town" / "messages.jsonl"), EVAL_DAY
    queries = []
    for case in cases:
        line = batch_line(case)
        for top, group in ((5, line.get("group")), (10, line.get("group")), (5, None),
                           (10, "alone"), (5, "association")):  # fmt: skip
            queries.append(
                IdeaQuery(
                    line["text"],
                    quartier=line.get("quartier"),
                    group=group,
                    needs=frozenset(line["needs"]) if line.get("needs") else None,
                    top=top,
                    headcount=line.get("headcount"),
                )
            )
    return Catalogue(batch.resources, gazetteer), queries, day


@pytest.mark.parametrize("town", ["demo", "carvelonne"])
def test_one_loop_scores_as_a_call_per_candidate(
    town: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue, queries, day = _town(town)
    days = (day, date(2027, 6, 1))  # a later day: deadlines past, other entries expired
    now = [repr(matcher.match(catalogue, q, d)) for q in queries for d in days]
    monkeypatch.setattr(matcher, "_scored", scored_before)
    before = [repr(matcher.match(catalogue, q, d)) for q in queries for d in days]
    assert now == before
    assert len(now) > 500 and len(set(now)) > len(now) // 4  # many different results
