"""Words for the sprint planner's codes (options' reasons, why there is no option, skills).

Like ``routing.reasons``: the planner returns codes, transports render them with their own
translator; French templates are the msgids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.i18n import N_, SOURCE_LOCALE, Np_, Translator
from routing.reasons import LABELS, TEMPLATES, Reason, render_reason

SPRINT_TEMPLATES: Mapping[str, str] = {
    "sprint_earliest": N_("Les dates les plus proches"),
    "sprint_coverage": N_("Le panel le plus complet pour ton idée"),
    "sprint_nearest": N_("La salle la plus proche de chez toi"),
    "sprint_chosen": N_("Les dates que tu as choisies"),
    "sprint_covers": N_("Le panel s'y connaît en : {skills}"),
    "sprint_missing": N_("Personne de disponible ces jours-là pour : {skills}"),
    "sprint_room_same": N_("Salle dans ton quartier"),
    "sprint_room_near": N_("Salle dans un quartier voisin"),
    "sprint_room_town": N_("Salle ailleurs en ville"),
    # why there is no option
    "sprint_no_days": N_("Il n'y a pas deux jours ouvrés de suite dans la période."),
    "sprint_no_facilitator": N_("Aucune personne n'est inscrite pour animer un sprint."),
    "sprint_no_room_step_free": N_("Aucune salle assez grande n'est accessible sans marche."),
    "sprint_no_room_near": N_("Aucune salle ne convient près de ton quartier."),
    "sprint_rooms_busy": N_("Les salles qui conviennent sont déjà prises."),
    "sprint_nobody_free": N_("Pas assez de personnes disponibles deux jours de suite."),
}
SPRINT_PLURALS: Mapping[str, tuple[str, str, str]] = {
    "sprint_panel": (
        *Np_("Un panel de {count} personne", "Un panel de {count} personnes"),
        "count",
    ),
    "sprint_no_room_big_enough": (
        *Np_(
            "Aucune salle ne peut accueillir {attendees} personne.",
            "Aucune salle ne peut accueillir {attendees} personnes.",
        ),
        "attendees",
    ),
}
SKILL_LABELS: Mapping[str, str] = {
    "legal": N_("droit et assurance"),
    "funding": N_("financement"),
    "space": N_("lieux et matériel"),
    "communication": N_("communication et partenaires"),
    "accessibility": N_("accessibilité"),
    "facilitation": N_("animation"),
}


def skill_label(code: str, t: Translator) -> str:
    template = SKILL_LABELS.get(code) or LABELS.get(code)
    return t.gettext(template) if template else code


def render_sprint_reason(reason: Reason, translator: Translator | None = None) -> str:
    t = translator or Translator(SOURCE_LOCALE)
    if reason.code not in SPRINT_TEMPLATES and reason.code not in SPRINT_PLURALS:
        if reason.code in TEMPLATES:
            return render_reason(reason, t)
        return reason.code
    params: dict[str, Any] = {}
    for name, value in reason.params.items():
        if name == "skills":
            value = ", ".join(skill_label(code, t) for code in value)
        elif isinstance(value, int) and not isinstance(value, bool):
            value = t.number(value)
        params[name] = value
    if reason.code in SPRINT_PLURALS:
        singular, plural, counter = SPRINT_PLURALS[reason.code]
        return t.ngettext(singular, plural, int(reason.params.get(counter, 0))).format(**params)
    return t.gettext(SPRINT_TEMPLATES[reason.code]).format(**params)
