"""Codes shown as words: motifs, quartiers, needs, themes, statuses and audit entries.

Every page gets one ``Labels`` bound to the reader's language (``render`` passes it as
``labels``), so a template never prints a code that has a label. Quartier names come from the
city's geography through :func:`quartier_names`, the one place to swap when the geography moves
into the database. A code without a label is shown as it is (it is then data, not a code).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fastapi import Request

from console.words import CASE_OUTCOMES as OUTCOMES
from console.words import ROLE_LABELS
from infra.i18n import N_, Translator
from knowledge.resources import THEMES, canonical_theme
from knowledge.territory import Gazetteer
from routing.reasons import LABELS as VOCABULARY

CASE_REASONS: dict[str, str] = {
    "asked": N_("Demande à parler à une personne"),
    "voice": N_("Message vocal à écouter"),
    "no_match": N_("Rien ne correspond dans l'annuaire"),
    "blocked": N_("Projet bloqué"),
    "legal": N_("Question juridique"),
    "agent": N_("Ouverte par l'équipe"),
}

# Statuses as the reader lives them: the holder reads « à vous de répondre », a colleague reads
# who holds it.
CASE_STATUS_MINE: dict[str, str] = {
    "open": N_("Personne ne l'a encore prise"),
    "claimed": N_("À vous de répondre"),
    "waiting": N_("Vous avez répondu : en attente de l'habitant·e"),
    "resolved": N_("Close"),
}
CASE_STATUS_OTHER: dict[str, str] = {
    "open": N_("Personne ne l'a encore prise"),
    "claimed": N_("Suivie par {name} : à elle ou lui de répondre"),
    "waiting": N_("Suivie par {name} : en attente de l'habitant·e"),
    "resolved": N_("Close"),
}
CASE_STATUS_FILTER: dict[str, str] = {
    "open": N_("Libres"),
    "claimed": N_("Prises, réponse attendue de l'équipe"),
    "waiting": N_("En attente de l'habitant·e"),
    "resolved": N_("Closes"),
}

IDEA_STATUS: dict[str, str] = {
    "draft": N_("en cours d'écriture"),
    "submitted": N_("envoyée"),
    "matched": N_("avec des suggestions"),
    "discarded": N_("abandonnée"),
}

AUDIT_ACTIONS: dict[str, str] = {
    "case.viewed": N_("a consulté la demande"),
    "queue.viewed": N_("a consulté la file des demandes"),
    "case.claimed": N_("a pris la demande"),
    "case.assigned": N_("a confié la demande"),
    "case.transferred": N_("a transféré la demande"),
    "case.handed_back": N_("a rendu la conversation au robot"),
    "case.resolved": N_("a clos la demande"),
    "case.replied": N_("a répondu à l'habitant·e"),
    "case.opened": N_("a ouvert une demande"),
    "case.found": N_("a retrouvé la demande en cours"),
    "case.note_added": N_("a ajouté une note privée"),
    "idea.viewed": N_("a consulté l'idée"),
    "resident.viewed": N_("a consulté les données d'un·e habitant·e"),
    "suggestion.added": N_("a ajouté une suggestion"),
    "suggestion.removed": N_("a retiré une suggestion"),
    "sprint.booked": N_("a réservé un sprint"),
    "sprint.rescheduled": N_("a déplacé un sprint"),
    "sprint.cancelled": N_("a annulé un sprint"),
    "sprint.held": N_("a noté que le sprint a eu lieu"),
    "sprint.not_held": N_("a noté que le sprint n'a pas eu lieu"),
    "sprint.ics": N_("a téléchargé l'invitation d'un sprint"),
    "stats.viewed": N_("a consulté les statistiques"),
    "stats.exported": N_("a exporté les statistiques"),
    "staff.login": N_("s'est connecté·e"),
    "staff.logout": N_("s'est déconnecté·e"),
    "staff.created": N_("a créé un compte"),
    "staff.updated": N_("a modifié un compte"),
    "staff.deactivated": N_("a désactivé un compte"),
    "staff.reactivated": N_("a réactivé un compte"),
    "staff.password_reset": N_("a donné un mot de passe provisoire"),
    "staff.password_changed": N_("a changé son mot de passe"),
    "staff.telegram_linked": N_("a lié un compte Telegram"),
    "staff.telegram_unlinked": N_("a délié un compte Telegram"),
    "token.issued": N_("a créé une clé d'accès à l'API"),
    "team.created": N_("a créé une équipe"),
    "team.updated": N_("a modifié une équipe"),
    "team.deleted": N_("a supprimé une équipe"),
    "team.member_added": N_("a ajouté une personne à une équipe"),
    "team.member_removed": N_("a retiré une personne d'une équipe"),
    "rule.added": N_("a ajouté une règle d'orientation"),
    "rule.removed": N_("a supprimé une règle d'orientation"),
    "panel.member_updated": N_("a modifié une fiche du panel"),
    "panel.member_added": N_("a ajouté une personne au panel"),
    "panel.absence_added": N_("a ajouté une absence"),
    "panel.absence_removed": N_("a retiré une absence"),
    "panel.room_updated": N_("a modifié une salle"),
    "panel.room_blocked": N_("a bloqué des jours d'une salle"),
    "panel.room_unblocked": N_("a libéré un jour d'une salle"),
    "canned.saved": N_("a enregistré une réponse type"),
    "canned.deleted": N_("a supprimé une réponse type"),
    "directory.updated": N_("a modifié une fiche de l'annuaire"),
    "directory.verified": N_("a vérifié une fiche de l'annuaire"),
    "directory.deactivated": N_("a désactivé une fiche de l'annuaire"),
    "directory.reactivated": N_("a réactivé une fiche de l'annuaire"),
    "directory.imported": N_("a importé un fichier dans l'annuaire"),
}

SUBJECTS: dict[str, str] = {
    "case": N_("demande #{id}"),
    "queue": N_("file des demandes"),
    "idea": N_("idée #{id}"),
    "resident": N_("habitant·e #{id}"),
    "sprint": N_("sprint #{id}"),
    "staff": N_("compte #{id}"),
    "team": N_("équipe #{id}"),
    "rule": N_("règle #{id}"),
    "member": N_("fiche du panel #{id}"),
    "room": N_("salle #{id}"),
    "api_token": N_("clé d'API #{id}"),
    "stats": N_("statistiques"),
    "canned": N_("réponse type #{id}"),
    "resource": N_("fiche de l'annuaire {id}"),
    "directory": N_("annuaire"),
}

SUBJECT_KINDS: dict[str, str] = {
    "case": N_("Demandes"),
    "queue": N_("File des demandes"),
    "idea": N_("Idées"),
    "sprint": N_("Sprints"),
    "staff": N_("Comptes"),
    "team": N_("Équipes"),
    "rule": N_("Règles d'orientation"),
    "member": N_("Panel"),
    "room": N_("Salles"),
    "stats": N_("Statistiques"),
    "resource": N_("Annuaire"),
    "canned": N_("Réponses types"),
}

DETAILS: dict[str, str] = {
    "resident": N_("habitant·e #{value}"),
    "idea": N_("idée #{value}"),
    "case": N_("demande #{value}"),
    "via": N_("par {value}"),
    "outbox": N_("message sortant #{value}"),
    "to": N_("vers le compte #{value}"),
    "team": N_("équipe #{value}"),
    "staff": N_("compte #{value}"),
    "event": N_("note #{value}"),
    "resource": N_("ressource {value}"),
    "room": N_("salle #{value}"),
    "day1": N_("à partir du {value}"),
    "day": N_("le {value}"),
    "from": N_("du {value}"),
    "absence": N_("absence #{value}"),
    "added": N_("{value} jour(s) ajouté(s)"),
    "created": N_("{value} créée(s)"),
    "updated": N_("{value} mise(s) à jour"),
    "slug": N_("identifiant {value}"),
    "outcome": N_("issue : {value}"),
    "role": N_("rôle : {value}"),
    "since": N_("depuis : {value}"),
    "quartier": N_("quartier : {value}"),
    "sprint_options": N_("possibilités de sprint"),
    "messages": N_("{value} message(s)"),
    "parts": N_("{value} message(s) Telegram"),
    "cases": N_("demandes affichées : {value}"),
    "statuses": N_("statuts : {value}"),
    "page": N_("page {value}"),
    "search": N_("avec une recherche"),
}
# Through what an action was done (``routing.staff.actor.Via``), after « par ».
VIA: dict[str, str] = {
    "console": N_("la console"),
    "api": N_("l'API"),
    "telegram": N_("le groupe Telegram"),
    "cli": N_("la ligne de commande"),
}
ALWAYS = N_("toujours")
ALL_QUARTIERS = N_("tous")
YES = N_("oui")

GROUPS: dict[str, str] = {
    "alone": N_("Seul·e"),
    "informal": N_("Groupe d'habitant·es sans statut"),
    "association": N_("Association"),
}
KINDS: dict[str, str] = {
    "room": N_("Salle"),
    "grant": N_("Aide financière"),
    "legal": N_("Conseil juridique"),
    "sponsor": N_("Mécène ou partenaire"),
    "contact": N_("Personne ressource"),
    "initiative": N_("Initiative d'habitant·es"),
}
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}

NEEDS = ("place", "funding", "legal", "equipment", "partners", "skills", "peers")


NO_CITY = Gazetteer(())


def city_of(request: Request) -> Gazetteer:
    """The city's geography as the database holds it, loaded once per request by the role
    check (``console.security.require``); empty on pages without a staff member."""
    city: Gazetteer = getattr(request.state, "city", None) or NO_CITY
    return city


def quartier_names(city: Gazetteer) -> dict[str, str]:
    """Quartier id → name, from the city's geography (the one function pick-lists use)."""
    return {q.id: q.name for q in city.quartiers}


def place_names(city: Gazetteer) -> dict[str, str]:
    """Every territory's name (quartiers, communes, the agglomeration), for display."""
    return {t.id: t.name for t in city.territories}


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class Labels:
    """The reader's words for the codes a page shows."""

    def __init__(self, tr: Translator, city: Gazetteer | None = None) -> None:
        self.tr = tr
        self.quartiers = quartier_names(city or NO_CITY)
        self.places = {**place_names(city or NO_CITY), **self.quartiers}

    def _(self, message: str) -> str:
        return self.tr.gettext(message)

    def reason(self, code: str | None) -> str:
        if not code:
            return "—"
        return self._(CASE_REASONS[code]) if code in CASE_REASONS else code

    def quartier(self, code: str | None) -> str:
        if not code:
            return "—"
        return self.places.get(code, code)

    def vocabulary(self, code: str) -> str:
        code = canonical_theme(code)
        return capitalised(self._(VOCABULARY[code])) if code in VOCABULARY else code

    def need(self, code: str) -> str:
        return self.vocabulary(code)

    def theme(self, code: str) -> str:
        return self.vocabulary(code)

    def many(self, codes: Any) -> str:
        words = [self.vocabulary(str(c)) for c in codes or ()]
        return ", ".join(words) if words else "—"

    def group(self, code: str | None) -> str:
        if not code:
            return "—"
        return self._(GROUPS[code]) if code in GROUPS else code

    def kind(self, code: str | None) -> str:
        if not code:
            return "—"
        return self._(KINDS[code]) if code in KINDS else code

    def cut(self, dimension: str, code: Any) -> str:
        """A statistics row's key in words (quartier, theme, group type, language)."""
        value = str(code)
        if dimension == "neighbourhood":
            return self.quartier(value)
        if dimension == "theme":
            return self.theme(value)
        if dimension == "group_type":
            return self.group(value)
        if dimension == "language":
            return LANGUAGES.get(value, value)
        return value

    def role(self, code: str) -> str:
        return self._(ROLE_LABELS[code]) if code in ROLE_LABELS else code

    def outcome(self, code: str | None) -> str:
        if not code:
            return "—"
        return self._(OUTCOMES[code]) if code in OUTCOMES else code

    def idea_status(self, code: str | None) -> str:
        if not code:
            return "—"
        return self._(IDEA_STATUS[code]) if code in IDEA_STATUS else code

    def case_status(
        self, status: str, holder_id: int | None, holder_name: str | None, me: int
    ) -> str:
        """The status from the reader's point of view."""
        if holder_id == me and status in CASE_STATUS_MINE:
            return self._(CASE_STATUS_MINE[status])
        if status in CASE_STATUS_OTHER:
            return self._(CASE_STATUS_OTHER[status]).format(name=holder_name or "—")
        return status

    def status_filter(self, status: str) -> str:
        return self._(CASE_STATUS_FILTER.get(status, status))

    def audit_action(self, action: str) -> str:
        return self._(AUDIT_ACTIONS[action]) if action in AUDIT_ACTIONS else action

    def audit_subject(self, subject_type: str, subject_id: str | None) -> str:
        if subject_type not in SUBJECTS:
            return f"{subject_type} {subject_id or ''}".strip()
        return self._(SUBJECTS[subject_type]).format(id=subject_id or "")

    def theme_choices(self) -> list[tuple[str, str]]:
        """Every theme of the one vocabulary, by its words."""
        return sorted(((c, self.theme(c)) for c in THEMES), key=lambda pair: pair[1].lower())

    def need_choices(self) -> list[tuple[str, str]]:
        return [(c, self.need(c)) for c in NEEDS]

    def quartier_choices(self) -> list[tuple[str, str]]:
        return sorted(self.quartiers.items(), key=lambda pair: pair[1].lower())

    def reason_choices(self) -> list[tuple[str, str]]:
        return [(c, self._(w)) for c, w in CASE_REASONS.items()]

    def subject_choices(self) -> list[tuple[str, str]]:
        return [(code, self._(name)) for code, name in SUBJECT_KINDS.items()]

    def audit_details(self, details: Mapping[str, Any]) -> str:
        parts: list[str] = []
        for key, value in details.items():
            if key == "since" and value is None:
                value = self._(ALWAYS)
            elif key == "quartier" and not value:
                value = self._(ALL_QUARTIERS)
            elif value is None:
                continue
            elif key == "outcome":
                value = self.outcome(str(value))
            elif key == "role":
                value = self.role(str(value))
            elif key in ("day1", "day", "from", "since") and isinstance(value, str):
                value = self._date(value)
            elif key == "quartier":
                value = self.quartier(str(value))
            elif key == "via" and value in VIA:
                value = self._(VIA[str(value)])
            elif key == "cases" and isinstance(value, list):
                value = ", ".join(f"#{v}" for v in value)
            elif key == "statuses":
                value = ", ".join(self.status_filter(s) for s in str(value).split(",") if s)
            elif value is True:
                value = self._(YES)
            template = DETAILS.get(key)
            parts.append(self._(template).format(value=value) if template else f"{key} : {value}")
        return " · ".join(parts) if parts else "—"

    def _date(self, iso: str) -> str:
        try:
            return self.tr.date(datetime.fromisoformat(iso).date())
        except ValueError:
            return iso
