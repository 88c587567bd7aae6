"""The matcher in a big city: a match reads the concept index in proportion to what it finds,
not to the number of quartiers of the resident's commune (DESIGN's "build for the next city")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from knowledge.catalogue import UNKNOWN_AREA, Catalogue, Nearby
from knowledge.demo import demo_batch
from knowledge.territory import Gazetteer, Territory
from routing.matching.idea_reading import IdeaQuery
from routing.matching.matcher import match

TODAY = date(2026, 11, 23)
IDEAS = (
    IdeaQuery("un repas de quartier pour 80 personnes, il faut une salle", quartier="q0"),
    IdeaQuery("un potager au pied de l'immeuble, un peu de sous pour les bacs", quartier="q1"),
    IdeaQuery(
        "We'd like to start a repair café, we need a room and some tools",
        quartier="q2",
        group="informal",
    ),
    IdeaQuery("une fête des voisins", quartier="q3", needs=frozenset({"funding", "partners"})),
    IdeaQuery("un atelier vélo pour les enfants", group="association"),
)


def city(quartiers: int) -> Gazetteer:
    """One commune of ``quartiers`` quartiers in a row, each next to the ones beside it."""
    ids = [f"q{n}" for n in range(quartiers)]
    return Gazetteer(
        (
            Territory("ville", "Ville", "commune"),
            *(
                Territory(q, f"Quartier {n}", "quartier", "ville", neighbours=tuple(ids[n - 1 : n]))
                for n, q in enumerate(ids)
            ),
        )
    )


def directory(areas: tuple[str, ...]) -> list[Any]:
    """The demo directory, each entry placed in one of ``areas`` in turn."""
    return [
        replace(r, territories=(areas[i % len(areas)],))
        for i, r in enumerate(demo_batch().resources)
    ]


class _CountingGets(dict[tuple[str, str], list[int]]):
    gets = 0

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        self.gets += 1
        return super().get(key, default)


def reads_and_results(quartiers: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[object]]:
    """How many times the matches of ``IDEAS`` read the concept index (a lookup, or a bucket's
    list handed over), and what they found, in a city of ``quartiers`` quartiers."""
    catalogue = Catalogue(directory(("q0", "q1", "q2", "q3", "q5", "ville")), city(quartiers))
    spy = _CountingGets(catalogue.concepts)
    catalogue.concepts = spy
    handed = 0
    lists = catalogue.concept_lists

    def counted(key: str, nearby: Nearby, cap: int) -> list[list[int]]:
        nonlocal handed
        found = lists(key, nearby, cap)
        handed += len(found)
        return found

    monkeypatch.setattr(catalogue, "concept_lists", counted)
    results: list[object] = []
    for idea in IDEAS:
        result = match(catalogue, idea, TODAY)
        results.append([(s.external_id, s.score, s.need, s.reasons) for s in result.suggestions])
    return spy.gets + handed, results


def test_a_match_reads_as_much_in_a_city_of_500_quartiers_as_in_one_of_8(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small_reads, small = reads_and_results(8, monkeypatch)
    big_reads, big = reads_and_results(500, monkeypatch)
    assert small_reads > len(IDEAS)  # the spy sees the matcher's reads
    assert all(small) and big == small
    assert big_reads == small_reads


def reference(
    catalogue: Catalogue, key: str, quartier: str | None, home: str | None, cap: int
) -> list[int]:
    """The concept lists as first written: every bucket near the resident looked up in turn, the
    quartier and its neighbours first, then the commune, area-wide, unplaced, then the commune's
    other quartiers."""
    near: list[str] = []
    if quartier:
        territory = catalogue.gazetteer.get(quartier)
        near += [quartier, *(territory.neighbours if territory else ())]
    near += [b for b in (home, "*", UNKNOWN_AREA) if b]
    gazetteer = catalogue.gazetteer
    near += [q.id for q in gazetteer.quartiers if q.parent == home and q.id not in near]
    return [i for b in near for i in catalogue.concepts.get((key, b), ())[:cap]]


@pytest.mark.parametrize(
    ("quartier", "home"),
    [("q0", "ville"), ("q4", "ville"), ("b1", "bourg"), (None, "ville"), (None, None), ("x", "x")],
)
def test_the_concept_lists_are_every_near_bucket_in_order(
    quartier: str | None, home: str | None
) -> None:
    """Quartiers of two communes, a neighbour across the border, one listed twice, entries in
    both communes, area-wide and unplaced, lists cut at a cap: the same entries, in the same
    order, as looking every bucket up (the order decides the ties between equal scores)."""
    territories = (
        Territory("ville", "Ville", "commune"),
        Territory("bourg", "Bourg", "commune"),
        *(
            Territory(f"q{n}", f"Q{n}", "quartier", "ville", neighbours=("q1", "b1"))
            for n in range(6)
        ),
        Territory("b0", "B0", "quartier", "bourg"),
        Territory("b1", "B1", "quartier", "bourg", neighbours=("q0", "q0", "b0")),
    )
    areas = ("q0", "q1", "q3", "q4", "b0", "b1", "ville", "bourg", "agglo-nowhere")
    catalogue = Catalogue(directory(areas), Gazetteer(territories))
    keys = sorted({key for key, _ in catalogue.concepts})
    assert len(keys) > 10
    nearby = catalogue.nearby(quartier, home)
    for cap in (1, 2, 150):
        for key in keys:
            expected = reference(catalogue, key, quartier, home, cap)
            found = catalogue.concept_lists(key, nearby, cap)
            assert [i for part in found for i in part] == expected, (key, cap)
            assert all(found), "no empty list handed over"
    assert any(reference(catalogue, key, quartier, home, 150) for key in keys)
