"""What a city file has wrong, with its place (file:line or file#feature N), in plain words
translated at the edge (French source, English catalog)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from infra.i18n import N_
from knowledge.problems import Problem as BaseProblem
from knowledge.problems import Problems as BaseProblems

ERRORS_SHOWN = 20  # a 200,000-line file with one broken column says so once, not 200,000 times

MESSAGES: Mapping[str, str] = {
    "unknown_format": N_(
        "format inconnu : utilisez un fichier .yaml, .geojson (ou .json) ou .csv (adresses)"
    ),
    "unreadable": N_("fichier illisible ({detail})"),
    "bad_yaml": N_("YAML mal formé : {detail}"),
    "bad_json": N_("JSON mal formé : {detail}"),
    "not_a_list": N_("il faut une liste de territoires"),
    "not_a_mapping": N_("chaque territoire est un ensemble « clé: valeur » (id, name, level…)"),
    "not_a_feature_collection": N_("il faut une FeatureCollection GeoJSON avec ses « features »"),
    "no_properties": N_("l'objet n'a pas de « properties » (id, name, level, parent)"),
    "no_geometry": N_("« {id} » n'a pas de géométrie"),
    "not_a_polygon": N_("« {id} » : il faut un Polygon ou un MultiPolygon (reçu : {detail})"),
    "bad_coordinates": N_("« {id} » : coordonnées illisibles"),
    "ring_too_short": N_("« {id} » : un contour a moins de 4 points"),
    "ring_not_closed": N_(
        "« {id} » : le polygone n'est pas fermé (le dernier point doit répéter le premier)"
    ),
    "invalid_polygon": N_("« {id} » : polygone invalide ({detail})"),
    "missing_field": N_("le champ « {field} » manque"),
    "bad_id": N_(
        "identifiant « {id} » refusé : minuscules sans accents, chiffres et tirets, 64 au plus"
    ),
    "unknown_field": N_("champ « {field} » inconnu, ignoré"),
    "not_a_list_of_names": N_("« {field} » doit être une liste de noms"),
    "duplicate_id": N_("« {id} » est déjà décrit plus haut ({first})"),
    "unknown_parent": N_(
        "« {id} » : parent « {parent} » inconnu (ni dans ce fichier, ni déjà importé)"
    ),
    "unknown_territory": N_(
        "« {id} » inconnu : donnez-lui un nom et un niveau (name, level), "
        "ou importez d'abord le fichier YAML des territoires"
    ),
    "cycle": N_("« {id} » : la hiérarchie tourne en rond ({chain})"),
    "unknown_neighbour": N_("« {id} » : voisin « {neighbour} » inconnu"),
    "missing_columns": N_(
        "colonnes manquantes : {columns} (fichier Base Adresse Nationale attendu, "
        "séparé par des points-virgules)"
    ),
    "bad_point": N_("longitude ou latitude illisible : « {lon} », « {lat} »"),
    "no_shapes": N_(
        "aucun contour de quartier connu : importez d'abord le GeoJSON des quartiers, "
        "puis le fichier d'adresses"
    ),
    "unplaced_streets": N_(
        "{count} rue(s) de « {commune} » hors de tout quartier et de toute commune connue : "
        "ignorées"
    ),
    "more_errors": N_("… et {count} autres erreurs du même fichier"),
}


# The place, then what is wrong there: French spaces the colon, English does not.
PLACED = N_("{place} : {message}")


class Problem(BaseProblem):
    MESSAGES = MESSAGES

    def render(self, gettext: Callable[[str], str] = lambda s: s) -> str:
        text = gettext(self.MESSAGES[self.code]).format(**self.params)
        return gettext(PLACED).format(place=self.place, message=text)


class Problems(BaseProblems):
    problem = Problem
