"""What an import found wrong, with its place (file:line, or a JSON pointer), in plain words."""

from __future__ import annotations

from collections.abc import Mapping

from infra.i18n import N_
from knowledge.problems import Problem as BaseProblem
from knowledge.problems import Problems as BaseProblems

MESSAGES: Mapping[str, str] = {
    "unreadable": N_("fichier illisible : {detail}"),
    "unknown_format": N_("format inconnu : utilisez un fichier .yaml, .csv ou .json"),
    "not_a_list": N_("il faut une liste de ressources"),
    "missing_field": N_("le champ « {field} » manque"),
    "duplicate_id": N_("l'identifiant « {value} » est déjà utilisé plus haut"),
    "unknown_kind": N_(
        "type « {value} » inconnu (attendu : room, grant, legal, sponsor, contact ou initiative)"
    ),
    "unknown_status": N_(
        "statut « {value} » inconnu (attendu : active, inactive, defunct, temporarily closed)"
    ),
    "bad_integer": N_("« {value} » n'est pas un nombre entier (champ « {field} »)"),
    "bad_boolean": N_("« {value} » n'est ni oui ni non (champ « {field} »)"),
    "bad_date": N_("« {value} » n'est pas une date AAAA-MM-JJ (champ « {field} »)"),
    "unknown_group": N_("public « {value} » inconnu (attendu : alone, informal, association)"),
    "unknown_support": N_("soutien « {value} » inconnu (attendu : financial, skills, in_kind)"),
    "unknown_field": N_("champ « {field} » inconnu, ignoré"),
    "unknown_theme": N_("thème « {value} » inconnu, gardé tel quel"),
    "unknown_territory": N_("territoire « {value} » inconnu, gardé tel quel"),
    "kind_inferred": N_("type déduit du texte : {value}"),
    "unclassified": N_("type impossible à déterminer : ressource importée sans type"),
    "schema": N_("non conforme au schéma HSDS : {detail}"),
    "bad_term": N_("valeur « {value} » inconnue pour « {field} »"),
    "unknown_value": N_(
        "valeur « {value} » inconnue pour « {field} » (ni code ni libellé connu), {count} fois"
    ),
    "closed_in_text": N_("le texte dit que c'est clos : importé comme fermé (temporarily closed)"),
    "no_services": N_("organisation sans service : rien à importer"),
    "learned_territory": N_("territoire « {value} » ajouté à la ville ({level})"),
    "unplaced_territory": N_(
        "territoire « {value} » impossible à placer dans la ville (parent inconnu) : "
        "gardé tel quel sur les ressources"
    ),
}


class Problem(BaseProblem):
    MESSAGES = MESSAGES
    SEPARATOR = ": "


class Problems(BaseProblems):
    problem = Problem
