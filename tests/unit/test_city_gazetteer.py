"""The city's gazetteer: streets, squares and estates named in running text, typos and
abbreviations included; points located by polygon; nothing guessed when unsure."""

from __future__ import annotations

import pytest

from knowledge.shapes import ShapeError, polygon_of, touching
from knowledge.territory import Gazetteer, Territory
from tests.support.city import SAMPLE, city_from_files

CITY = city_from_files(SAMPLE)


@pytest.mark.parametrize(
    ("text", "territory"),
    [
        ("On voudrait faire une fête rue de la Paix cet été", "vieille-ville"),
        ("j'habite rue de la paie", "vieille-ville"),
        ("bd victor hugo", "la-garenne"),
        ("au 12 boulevard Victor-Hugo", "la-garenne"),
        ("un potager à la résidence les hirondelle", "vieille-ville"),
        ("aux Hirondelles, près de l'école", "vieille-ville"),
        ("cite des lilas", "les-forges"),
        ("la fête rue des fougerons", "les-forges"),  # « Rue des Forgerons », one typo
        ("on habite rue des bergerons", None),  # another name: not two typos of Forgerons
        ("impasse du moulin", "pont-rouge"),
        ("dans le centre historique", "vieille-ville"),
        ("La Garenne", "la-garenne"),
        ("je suis de Lussac", "lussac-les-pins"),
        ("un jardin partagé entre voisins", None),
        ("la paix dans le monde", None),
    ],
)
def test_find_names_the_territory_a_message_speaks_of(text: str, territory: str | None) -> None:
    assert CITY.find(text) == territory


def test_a_street_listed_in_two_quartiers_leads_nowhere() -> None:
    city = Gazetteer(
        (Territory("a", "A", "quartier", "t"), Territory("b", "B", "quartier", "t")),
        streets=(("Rue Haute", "a"), ("Rue Haute", "b")),
    )
    assert city.find("rue haute") is None


def test_a_street_sets_the_quartier_for_the_intake_too() -> None:
    assert CITY.find_quartier("on est boulevard victor hugo") == "la-garenne"
    assert CITY.find_quartier("rue de la paix", whole_answer=True) == "vieille-ville"


@pytest.mark.parametrize(
    ("point", "territory"),
    [
        ((1.005, 45.005), "vieille-ville"),
        ((1.015, 45.015), "pont-rouge"),
        ((1.01, 45.005), "vieille-ville"),  # on a border: one side, never none
        ((1.04, 45.01), "lussac-les-pins"),  # a commune without quartiers
        ((3.0, 48.0), None),
    ],
)
def test_a_point_is_located_in_the_most_specific_territory(
    point: tuple[float, float], territory: str | None
) -> None:
    located = CITY.locate(*point)
    assert located == territory or (territory == "vieille-ville" and located == "la-garenne")


def test_neighbours_share_a_border_not_a_corner() -> None:
    quartiers = {q.id: CITY.shapes[q.id] for q in CITY.quartiers}
    assert touching(quartiers)["vieille-ville"] == {"la-garenne", "les-forges"}


@pytest.mark.parametrize(
    ("geometry", "code"),
    [
        ({"type": "Point", "coordinates": [1, 2]}, "not_a_polygon"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0.5]]]},
            "ring_not_closed",
        ),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "ring_too_short"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "invalid_polygon",
        ),
    ],
)
def test_unusable_shapes_are_refused_with_a_reason(geometry: dict, code: str) -> None:
    with pytest.raises(ShapeError) as refused:
        polygon_of(geometry)
    assert refused.value.code == code
