"""Reading and writing the directory: YAML, CSV and HSDS 3.0 (Déclic profile)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.catalogue import Catalogue
from knowledge.demo import demo_batch, demo_city
from knowledge.exporters import export_directory
from knowledge.importers import check_directory, read_directory
from knowledge.importers.hsds.schema import SHIPPED_HSDS, hsds_dir, validator
from knowledge.resources import PROFILE_THEMES, facts_of

DEMO_CITY = demo_city()


EXAMPLES = hsds_dir() / "examples"


def comparable(resources):  # type: ignore[no-untyped-def]
    return {
        r.external_id: (
            r.kind,
            r.name,
            r.description,
            r.organization,
            tuple(r.themes),
            tuple(r.territories),
            r.status,
            r.verified_on,
            facts_of(r),
        )
        for r in resources
    }


def test_demo_directory_is_clean_and_covers_every_kind_and_theme() -> None:
    batch = demo_batch()
    assert batch.problems == []
    assert len(batch.resources) >= 70
    assert {r.kind for r in batch.resources} == {
        "room",
        "grant",
        "legal",
        "sponsor",
        "contact",
        "initiative",
    }
    themes = {t for r in batch.resources for t in r.themes}
    assert set(PROFILE_THEMES) <= themes


def test_yaml_problems_say_which_line_and_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "- id: a\n  name: Salle A\n  kind: room\n  capacity: beaucoup\n"
        "- name: Sans identifiant\n  kind: hall\n",
        encoding="utf-8",
    )
    problems = [p.render() for p in read_directory(path, DEMO_CITY).problems]
    assert "bad.yaml:1: « beaucoup » n'est pas un nombre entier (champ « capacity »)" in problems
    assert "bad.yaml:5: le champ « id » manque" in problems
    assert any(p.startswith("bad.yaml:5: type « hall » inconnu") for p in problems)


def test_csv_round_trip_keeps_every_fact(tmp_path: Path) -> None:
    resources = demo_batch().resources
    path = tmp_path / "directory.csv"
    path.write_text(export_directory(resources, "csv", DEMO_CITY), encoding="utf-8")
    batch = read_directory(path, DEMO_CITY)
    assert batch.problems == []
    assert comparable(batch.resources) == comparable(resources)


def test_csv_problems_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "id;name;kind;wheelchair_accessible\nx;Salle;room;peut-être\n", encoding="utf-8"
    )
    assert [p.render() for p in read_directory(path, DEMO_CITY).problems] == [
        "d.csv:2: « peut-être » n'est ni oui ni non (champ « wheelchair_accessible »)"
    ]


def test_hsds_export_validates_and_round_trips_the_profile(tmp_path: Path) -> None:
    resources = demo_batch().resources
    text = export_directory(resources, "hsds", DEMO_CITY)
    schema = validator("organization_package.json")
    assert [e.message for e in schema.iter_errors(json.loads(text))] == []
    path = tmp_path / "directory.json"
    path.write_text(text, encoding="utf-8")
    batch = read_directory(path, DEMO_CITY)
    assert batch.problems == []
    assert comparable(batch.resources) == comparable(resources)
    again = export_directory(batch.resources, "hsds", DEMO_CITY)
    assert json.loads(again) == json.loads(text)


@pytest.mark.parametrize(
    "example",
    [
        "organization_full.json",
        "service_full.json",
        "service_list.json",  # a page of the API: its ``contents``
        "service_at_location_full.json",  # the service it holds
        "service_at_location_list.json",
    ],
)
def test_the_official_hsds_examples_import_without_inventing_facts(example: str) -> None:
    batch = read_directory(EXAMPLES / example, DEMO_CITY)
    assert batch.ok
    (service,) = batch.resources
    assert service.external_id == "ac148810-d857-441c-9679-408f346de14b"
    assert service.organization == "Example Organization Inc."
    assert service.capacity is None and service.grant_max_eur is None
    assert service.association_required is None
    codes = {p.code for p in batch.problems}
    assert codes <= {"unclassified", "kind_inferred", "unknown_value", "unplaced_territory"}


def test_an_hsds_directory_without_the_profile_is_classified_from_its_words(
    tmp_path: Path,
) -> None:
    organization = {
        "id": "0b8f4a52-6c1e-4a39-9d61-1c7e5d0f3a10",
        "name": "Ville",
        "description": "Ville",
        "locations": [
            {
                "id": "3c2b8f5e-7a1d-4e6b-8c9f-2d4e6f8a0b1c",
                "location_type": "physical",
                "accessibility": [
                    {
                        "id": "9a7c5e3b-1d2f-4a6b-8c0e-2f4a6c8e0b2d",
                        "description": "Escalier, pas d'ascenseur",
                    }
                ],
            }
        ],
        "services": [
            {
                "id": "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
                "name": "Salle du Tilleul",
                "description": "Salle municipale de 40 places pour les réunions d'habitants. "
                "Ni boisson ni nourriture.",
                "status": "active",
                "service_at_locations": [
                    {
                        "id": "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d",
                        "location_id": "3c2b8f5e-7a1d-4e6b-8c9f-2d4e6f8a0b1c",
                    }
                ],
            },
            {
                "id": "7e2f3a4b-5c6d-4e8f-9a0b-1c2d3e4f5a6b",
                "name": "Aide aux projets",
                "description": "Subvention réservée aux associations déclarées.",
                "status": "inactive",
            },
            {
                "id": "8f3a4b5c-6d7e-4f9a-8b1c-2d3e4f5a6b7c",
                "name": "Bibliothèque",
                "description": "Prêt de livres.",
                "status": "active",
            },
        ],
    }
    path = tmp_path / "plain.json"
    path.write_text(json.dumps([organization]), encoding="utf-8")
    batch = read_directory(path, DEMO_CITY)
    assert batch.ok
    room, grant, unknown = batch.resources
    assert (room.kind, room.capacity, room.wheelchair_accessible, room.food_allowed) == (
        "room",
        40,
        False,
        False,
    )
    assert (grant.kind, grant.association_required, grant.status) == ("grant", True, "inactive")
    assert unknown.kind is None
    assert (unknown.capacity, unknown.wheelchair_accessible) == (None, None)
    assert [p.render() for p in batch.problems if p.code == "unclassified"] == [
        "plain.json#/0/services/2: type impossible à déterminer : ressource importée sans type"
    ]
    Catalogue(batch.resources, DEMO_CITY)  # an unclassified entry does not break the catalogue


def test_check_reports_hsds_schema_violations_with_a_json_pointer(tmp_path: Path) -> None:
    document = [
        {
            "id": "not-a-uuid",
            "name": "Org",
            "description": "x",
            "services": [{"id": "b", "name": "S", "status": "open"}],
        }
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    rendered = [p.render() for p in check_directory(path, DEMO_CITY).problems.errors]
    assert any(r.startswith("bad.json#/0/id: non conforme") for r in rendered)
    assert any(r.startswith("bad.json#/0/services/0/status: non conforme") for r in rendered)
    assert check_directory(EXAMPLES / "organization_full.json", DEMO_CITY).ok


def _term(term_id: str, code: str | None, name: str, parent: str | None = None) -> dict:
    term = {"id": term_id, "name": name, "description": name}
    if code is not None:
        term["code"] = code
    if parent:
        term["parent_id"] = parent
    return term


def _publisher_service(service_id: str, attributes: list[tuple[str, dict, str | None]]) -> dict:
    return {
        "id": service_id,
        "name": "Service " + service_id[:4],
        "status": "active",
        "attributes": [
            {
                "id": f"{service_id[:8]}-0000-4000-8000-{k:012d}",
                "link_type": family,
                "link_entity": "service",
                "taxonomy_term": term,
                **({"value": value} if value is not None else {}),
            }
            for k, (family, term, value) in enumerate(attributes)
        ],
    }


def test_a_publishers_terms_are_read_from_code_then_from_their_label(tmp_path: Path) -> None:
    """The value is the code (with a human label in ``name``); an unknown code falls back to the
    label, in French or English, whatever its case and accents; what neither explains is
    reported once per value with its count; territories climb ``parent_id`` to a known area,
    and a territory unknown to the city is learned under it."""
    agglo = _term("a0", "agglo-x", "Agglomération X")
    town = _term("t0", "somewhere-new", "Somewhere New", parent="a0")
    services = [
        _publisher_service(
            "11111111-1111-4111-8111-111111111111",
            [
                ("kind", _term("k1", "initiative", "Initiative existante"), None),
                ("eligibility", _term("g1", "informal", "Collectif informel"), None),
                ("fact", _term("f1", "capacity", "Capacité (personnes)"), "80"),
                ("territory", town, None),
            ],
        ),
        _publisher_service(
            "22222222-2222-4222-8222-222222222222",
            [
                ("kind", _term("k2", None, "SUBVENTION"), None),
                ("eligibility", _term("g2", "grp-7", "informal group"), None),
                ("eligibility", _term("g3", "grp-9", "Collectif  Informel"), None),
                ("support", _term("s1", "x1", "Skills sponsorship"), None),
                ("fact", _term("f2", "dl", "Date limite"), "2027-03-31"),
                ("eligibility", _term("g4", "martians", "Martiens"), None),
            ],
        ),
        _publisher_service(
            "33333333-3333-4333-8333-333333333333",
            [
                ("eligibility", _term("g4", "martians", "Martiens"), None),
                ("territory", agglo, None),
            ],
        ),
    ]
    organization = {"id": "0b8f4a52-6c1e-4a39-9d61-1c7e5d0f3a10", "name": "Ville"}
    organization["description"] = "Ville"
    organization["services"] = services
    path = tmp_path / "publisher.json"
    path.write_text(json.dumps([organization]), "utf-8")
    from knowledge.territory import Gazetteer, Territory

    gazetteer = Gazetteer((Territory("agglo-x", "Agglomération X", "agglomeration"),))
    batch = read_directory(path, gazetteer)
    first, second, third = batch.resources
    assert (first.kind, first.eligibility, first.capacity) == ("initiative", ("informal",), 80)
    # Issue 13: a territory the city does not know is learned under its known parent.
    assert first.territories == ("somewhere-new",)
    assert [(t.id, t.level, t.parent) for t in batch.territories] == [
        ("somewhere-new", "commune", "agglo-x")
    ]
    assert (second.kind, second.eligibility, second.support) == (
        "grant",
        ("informal",),
        ("skills",),
    )
    assert second.deadline is not None and second.deadline.isoformat() == "2027-03-31"
    assert third.eligibility == ()
    unknown = [p for p in batch.problems if p.code == "unknown_value"]
    assert [(p.params["field"], p.params["value"], p.params["count"]) for p in unknown] == [
        ("eligibility", "martians", 2)
    ]


def test_declic_hsds_dir_is_read_when_the_schemas_are_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not when the module was imported: the tests' fork server imports it before a child is
    given its environment (tests/support/zygote.py)."""
    monkeypatch.setenv("DECLIC_HSDS_DIR", str(tmp_path))
    assert hsds_dir() == tmp_path
    monkeypatch.delenv("DECLIC_HSDS_DIR")
    assert hsds_dir() == SHIPPED_HSDS
