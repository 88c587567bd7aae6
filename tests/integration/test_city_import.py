"""`declic city import` and `declic city show` on both backends: the three formats, streets by
polygon majority, neighbours from touching shapes, idempotence, and refused files that change
nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from declic.cli import app

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "city_sample"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [n for n in os.environ if n.startswith("DECLIC_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def city(url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["city", *args], env={"DECLIC_DATABASE_URL": url})
    return result.exit_code, result.output


def shown(url: str) -> dict:
    code, output = city(url, "show", "--json")
    assert code == 0, output
    return json.loads(output)


def import_sample(url: str) -> None:
    for name in ("territories.yaml", "territories.geojson", "adresses.csv"):
        code, output = city(url, "import", str(SAMPLE / name))
        assert code == 0, output


def test_the_three_files_make_a_city_and_importing_again_changes_nothing(
    migrated_url: str,
) -> None:
    assert shown(migrated_url)["counts"]["territories"] == 0
    import_sample(migrated_url)
    first = shown(migrated_url)
    by_id = {t["id"]: t for t in first["territories"]}
    assert first["counts"] == {"territories": 7, "quartiers": 4, "streets": 12, "shapes": 6}
    assert (
        by_id["lussac-les-pins"]["parent"] == "pays-de-brame" and by_id["lussac-les-pins"]["shape"]
    )
    # Rue Jean Jaurès: two addresses in Vieille-Ville, one in La Garenne.
    assert by_id["vieille-ville"]["streets"] == 4 and by_id["pont-rouge"]["streets"] == 3
    assert by_id["lussac-les-pins"]["streets"] == 1, "a commune without quartiers keeps its streets"
    # Neighbours: shapes sharing a border, not a corner.
    assert sorted(by_id["vieille-ville"]["neighbours"]) == ["la-garenne", "les-forges"]
    import_sample(migrated_url)
    assert shown(migrated_url) == first


def test_the_report_counts_each_territory_created_once(migrated_url: str, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "- {id: bourg, name: Le Bourg, level: commune}\n"
        "- {id: centre, name: Centre, level: quartier, parent: bourg}\n",
        encoding="utf-8",
    )
    code, output = city(migrated_url, "import", str(tmp_path / "t.yaml"))
    assert code == 0 and "2 territoire(s) créé(s) ou modifié(s)" in output, output
    code, output = city(migrated_url, "import", str(tmp_path / "t.yaml"))
    assert code == 0 and "0 territoire(s) créé(s) ou modifié(s)" in output, output


def test_the_csv_reports_streets_it_cannot_place(migrated_url: str) -> None:
    for name in ("territories.yaml", "territories.geojson"):
        city(migrated_url, "import", str(SAMPLE / name))
    code, output = city(migrated_url, "import", str(SAMPLE / "adresses.csv"))
    assert code == 0
    assert "Ailleurs-sur-Mer" in output and "8 adresses lues" in output


def test_show_is_a_readable_tree(migrated_url: str) -> None:
    import_sample(migrated_url)
    code, output = city(migrated_url, "show")
    assert code == 0
    assert "7 territoires, dont 4 quartiers ; 12 rues ; 6 contours." in output
    assert "\n    Vieille-Ville (vieille-ville, quartier) : 4 rue(s), contour" in output


BAD_FILES = {
    "malformed.yaml": (
        "- id: nulle-part\n  name: Nulle part\n  level: quartier\n  aliases: [a, b\n",
        "malformed.yaml:5 : YAML mal formé : expected ',' or ']', but got '<stream end>'",
    ),
    # a control character: refused with its reason (it escaped the import as an exception)
    "control.yaml": (
        "- id: nulle-part\n  name: Nulle\x07part\n  level: quartier\n",
        "control.yaml:1 : YAML mal formé : special characters are not allowed",
    ),
    "orphan.geojson": (
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "id": "bois-joli",
                            "name": "Bois-Joli",
                            "level": "quartier",
                            "parent": "atlantis",
                        },
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[1, 45], [1.1, 45], [1.1, 45.1], [1, 45.1], [1, 45]]],
                        },
                    }
                ],
            }
        ),
        "orphan.geojson#feature 1 : « bois-joli » : parent « atlantis » inconnu",
    ),
    "open.geojson": (
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": "vieille-ville"},
                        "geometry": {"type": "Polygon", "coordinates": []},
                    },
                    {
                        "type": "Feature",
                        "properties": {"id": "la-garenne"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [[1, 45], [1.1, 45], [1.1, 45.1], [1, 45.1], [1.05, 45.05]]
                            ],
                        },
                    },
                ],
            }
        ),
        "open.geojson#feature 2 : « la-garenne » : le polygone n'est pas fermé",
    ),
    "columns.csv": (
        "id;numero;nom_voie;code_postal;commune;x;y\n1;2;Rue de la Paix;99000;Bramepierre;1;2\n",
        "columns.csv:1 : colonnes manquantes : nom_commune, lon, lat",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_its_place_and_nothing_changes(
    migrated_url: str, tmp_path: Path, name: str
) -> None:
    import_sample(migrated_url)
    before = shown(migrated_url)
    text, message = BAD_FILES[name]
    (tmp_path / name).write_text(text, encoding="utf-8")
    code, output = city(migrated_url, "import", str(tmp_path / name))
    assert code == 1
    assert message in output
    assert "Import refusé" in output and "rien n'a été modifié" in output
    assert shown(migrated_url) == before


def test_errors_are_in_the_settings_language(migrated_url: str, tmp_path: Path) -> None:
    (tmp_path / "columns.csv").write_text("nom_voie;x\nRue;1\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["city", "import", str(tmp_path / "columns.csv")],
        env={"DECLIC_DATABASE_URL": migrated_url, "DECLIC_LOCALE": "en"},
    )
    assert result.exit_code == 1
    assert "columns.csv:1: missing columns: nom_commune, lon, lat" in result.output
