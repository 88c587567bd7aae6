"""Matching's « nothing of another commune » and the sprint planner's distances on the held-out
town Sorlanges (read from its own files, never tuned on)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.catalogue import Catalogue
from knowledge.importers import read_directory
from routing.matching.idea_reading import IdeaQuery
from routing.matching.matcher import match
from routing.sprints.planning_terms import AWAY, NEAR, SAME, TOWN
from routing.sprints.skills_and_distances import distances
from tests.support.city import HELDOUT, city_from_files

CITY = city_from_files(HELDOUT)
TODAY = date(2026, 12, 3)


def test_the_planner_measures_distances_in_that_town() -> None:
    near = distances(CITY, "montjoie")
    montjoie = CITY.get("montjoie")
    assert montjoie is not None and montjoie.neighbours
    assert near["montjoie"] == SAME
    assert all(near[n] == NEAR for n in montjoie.neighbours)
    others = [q.id for q in CITY.quartiers if q.parent == "sorlanges" and q.id != "montjoie"]
    assert {near[q] for q in others if q not in montjoie.neighbours} == {TOWN}
    assert near["les-tuileries"] == AWAY and near["vaudremont"] == AWAY
    assert near["sorlanges"] == TOWN


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    batch = read_directory(HELDOUT / "directory.json", CITY)
    assert batch.ok and len(batch.resources) == 97
    return Catalogue(batch.resources, CITY)


@pytest.mark.parametrize(
    ("text", "quartier", "home"),
    [
        (
            "Un jardin partagé au pied des immeubles, il nous faut un terrain",
            "montjoie",
            "sorlanges",
        ),
        ("Une fête de quartier avec un repas, il faut une salle", "les-tuileries", "vaudremont"),
        ("Un atelier de réparation de vélos, un peu d'argent", "val-d-orme", "sorlanges"),
    ],
)
def test_nothing_of_another_commune_is_suggested(
    catalogue: Catalogue, text: str, quartier: str, home: str
) -> None:
    by_id = {e.resource.external_id: e.resource for e in catalogue.entries}
    result = match(catalogue, IdeaQuery(text, quartier=quartier), TODAY)
    assert result.suggestions
    for suggestion in result.suggestions:
        areas = by_id[suggestion.external_id].territories
        communes = {CITY.commune_of(a) for a in areas if CITY.get(a) is not None}
        wide = any(CITY.level(a) in ("agglomeration", "departement") for a in areas)
        assert wide or not communes or home in communes, (suggestion.name, areas)
