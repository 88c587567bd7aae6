"""Why a resource is suggested, as codes with parameters; French templates are the msgids.

Domain code returns :class:`Reason` values; transports render them with :func:`render_reason`
and their own ``gettext``, so the bot, the console and the CLI say the same thing in each
language. Parameters that are themselves words (themes, needs, equipment) are codes too, and are
translated through :data:`LABELS` before being put in the sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from infra.i18n import N_, SOURCE_LOCALE, Np_, Translator

# Reasons read like a person wrote them, in either register (no « tu » or « vous »): what the
# resource does for this idea first (« Prête une salle de 120 places accessible en fauteuil »),
# then where it is and the facts that decide.
TEMPLATES: Mapping[str, str] = {
    "need": N_("Pour trouver {need}"),
    "themes": N_("Sur le même thème : {themes}"),
    "words": N_("Parle de {words}"),  # no longer offered; kept for suggestions already stored
    "same_quartier": N_("Dans le même quartier ({quartier})"),
    "nearby": N_("Dans un quartier voisin ({quartier})"),
    "town_wide": N_("Ouvert à toute la ville"),
    "area_wide": N_("Ouvert à toute l'agglomération"),
    "lends_room": N_("Prête une salle de {capacity} places"),  # plural forms in PLURALS
    "lends_room_step_free": N_("Prête une salle de {capacity} places accessible en fauteuil"),
    "lends_step_free_room": N_("Prête une salle accessible en fauteuil"),
    "lends_room_plain": N_("Prête une salle"),
    "funds": N_("Finance {who}"),
    "funds_up_to": N_("Finance {who}, jusqu'à {max}"),
    "funds_from_to": N_("Finance {who}, de {min} à {max}"),
    "capacity": N_("Jusqu'à {capacity} personnes"),  # plural forms in PLURALS
    "step_free": N_("Accessible en fauteuil roulant, sans marche"),
    "food_allowed": N_("On peut y cuisiner ou y manger"),
    "equipment": N_("Équipé : {equipment}"),
    "booking_notice": N_("À réserver {days} jours à l'avance"),
    "grant_range": N_("De {min} à {max}"),
    "grant_max": N_("Jusqu'à {max}"),
    "deadline": N_("Date limite de dépôt : {date}"),
    "rolling": N_("Dépôt possible toute l'année"),
    "open_to_group": N_("Ouvert aux projets comme celui-ci"),
    "association_only": N_("Réservé aux associations : à vérifier avec l'équipe"),
    "support": N_("Peut apporter {support}"),
    "skills": N_("Conseille sur : {skills}"),
    "opening_hours": N_("Permanence : {hours}"),
    "newcomers": N_("Accueille volontiers de nouvelles personnes"),
    "staff_added": N_("Proposé par l'équipe participation"),
}

LABELS: Mapping[str, str] = {
    # needs
    "place": N_("un lieu"),
    "funding": N_("un financement"),
    "legal": N_("une aide juridique ou une assurance"),
    "equipment": N_("du matériel"),
    "partners": N_("des partenaires"),
    "skills": N_("des compétences"),
    "peers": N_("d'autres porteurs de projet"),
    # themes
    "garden": N_("jardin"),
    "food": N_("alimentation"),
    "culture": N_("culture"),
    "youth": N_("jeunesse"),
    "energy": N_("énergie"),
    "repair": N_("réparation"),
    "parenting": N_("parentalité"),
    "sport": N_("sport"),
    "mobility": N_("mobilité"),
    "digital": N_("numérique"),
    "health": N_("santé"),
    "housing": N_("logement"),
    "environment": N_("environnement"),
    "elderly": N_("aînés"),
    "accessibility": N_("accessibilité"),
    "events": N_("fêtes et événements"),
    "solidarity": N_("solidarité"),
    "education": N_("éducation"),
    "languages": N_("langues"),
    "living": N_("cadre de vie"),
    # equipment
    "kitchen": N_("cuisine"),
    "pro_kitchen": N_("cuisine professionnelle"),
    "kitchenette": N_("coin cuisine"),
    "projector": N_("vidéoprojecteur"),
    "sound_system": N_("sono"),
    "garden_plot": N_("parcelles à cultiver"),
    "workshop_tools": N_("outillage"),
    "wifi": N_("wifi"),
    "tables_chairs": N_("tables et chaises"),
    "stage": N_("scène"),
    "sewing_machines": N_("machines à coudre"),
    "computers": N_("ordinateurs"),
    "tent": N_("barnums"),
    "crockery": N_("vaisselle"),
    # who a fund is for
    "for_alone": N_("les habitants qui se lancent seuls"),
    "for_informal": N_("les collectifs d'habitants sans statut"),
    "for_association": N_("les associations"),
    "for_anyone": N_("les projets d'habitants"),
    # support
    "financial": N_("de l'argent"),
    "skills_support": N_("des compétences"),
    "in_kind": N_("du matériel ou des dons en nature"),
}
# Parameters holding codes to translate (one code, or a list of codes).
LABELLED = frozenset({"need", "themes", "equipment", "support", "who"})


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


# Templates whose number decides the grammar: (singular, plural, parameter).
PLURALS: Mapping[str, tuple[str, str, str]] = {
    "capacity": (*Np_("Jusqu'à {capacity} personne", "Jusqu'à {capacity} personnes"), "capacity"),
    "lends_room": (
        *Np_("Prête une salle de {capacity} place", "Prête une salle de {capacity} places"),
        "capacity",
    ),
    "lends_room_step_free": (
        *Np_(
            "Prête une salle de {capacity} place accessible en fauteuil",
            "Prête une salle de {capacity} places accessible en fauteuil",
        ),
        "capacity",
    ),
    "booking_notice": (
        *Np_("À réserver {days} jour à l'avance", "À réserver {days} jours à l'avance"),
        "days",
    ),
}
MONEY = frozenset({"min", "max"})


def render_reason(reason: Reason, translator: Translator | None = None) -> str:
    """The reason in the translator's language, amounts and dates formatted by Babel."""
    t = translator or Translator(SOURCE_LOCALE)
    params: dict[str, Any] = {}
    for name, value in reason.params.items():
        if name in LABELLED:
            codes = value if isinstance(value, list | tuple) else [value]
            value = ", ".join(t.gettext(LABELS.get(c, c)) for c in codes)
        elif name in MONEY and isinstance(value, int | float):
            value = _whole_money(t, value)
        elif name == "date" and isinstance(value, str):
            value = _date(t, value)
        elif isinstance(value, int) and not isinstance(value, bool):
            value = t.number(value)
        elif isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        params[name] = value
    if reason.code in PLURALS:
        singular, plural, counter = PLURALS[reason.code]
        count = reason.params.get(counter)
        if isinstance(count, int):
            return t.ngettext(singular, plural, count).format(**params)
    return t.gettext(TEMPLATES[reason.code]).format(**params)


def _whole_money(t: Translator, amount: float) -> str:
    """Grants are whole euros: « 1 500 € », "€1,500"."""
    return t.money(amount, whole=True)


def _date(t: Translator, iso: str) -> str:
    try:
        return t.date(date.fromisoformat(iso))
    except ValueError:
        return iso
