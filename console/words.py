"""Words the console says from Python (templates mark their own with ``_()``), French source.

The staff console uses *vouvoiement*: it speaks to colleagues at work, not to residents.
"""

from __future__ import annotations

from infra.i18n import N_

ROLE_LABELS: dict[str, str] = {
    "agent": N_("Agent"),
    "coordinator": N_("Coordination"),
    "admin": N_("Administration"),
}

LOGIN_FAILED = N_("Adresse e-mail ou mot de passe incorrect.")
LOGIN_THROTTLED = N_(
    "Trop d'essais pour ce compte. Par sécurité, attendez {minutes} minutes avant de réessayer."
)
LOGGED_OUT = N_("Vous êtes déconnecté·e. À bientôt !")
SESSION_EXPIRED = N_("Votre session a expiré. Connectez-vous à nouveau.")
STAFF_CREATED = N_("Le compte de {name} est créé.")

STAFF_ERRORS: dict[str, str] = {
    "bad_email": N_("Cette adresse e-mail n'est pas valide."),
    "bad_name": N_("Le nom affiché doit faire entre 1 et 128 caractères."),
    "bad_role": N_("Choisissez un rôle dans la liste."),
    "password_too_short": N_("Le mot de passe doit faire au moins {length} caractères."),
    "duplicate_email": N_("Un compte existe déjà avec cette adresse."),
}

ERRORS: dict[int, tuple[str, str]] = {
    400: (N_("Demande incomplète"), N_("Le formulaire envoyé est incomplet. Réessayez.")),
    403: (
        N_("Accès réservé"),
        N_(
            "Cette page n'est pas accessible avec votre rôle, ou le formulaire a expiré. "
            "Rechargez la page et réessayez."
        ),
    ),
    404: (N_("Page introuvable"), N_("Cette page n'existe pas ou n'existe plus.")),
    405: (N_("Action impossible"), N_("Cette action n'est pas possible à cette adresse.")),
    429: (N_("Un peu de patience"), N_("Trop de demandes en peu de temps. Réessayez bientôt.")),
    500: (
        N_("Un problème est survenu"),
        N_(
            "Quelque chose s'est mal passé de notre côté. Rien n'a été perdu : "
            "réessayez dans un instant."
        ),
    ),
}

# -- cases ------------------------------------------------------------------------------------

CASE_STATUS: dict[str, str] = {
    "open": N_("En attente d'une personne"),
    "claimed": N_("Prise en charge : à vous de répondre"),
    "waiting": N_("En attente de l'habitant·e"),
    "resolved": N_("Close"),
}

CASE_OUTCOMES: dict[str, str] = {
    "answered": N_("Réponse apportée"),
    "referred": N_("Orientée vers un partenaire"),
    "sprint": N_("Sprint réservé"),
    "no_reply": N_("Pas de réponse de l'habitant·e"),
    "duplicate": N_("Doublon"),
    "other": N_("Autre"),
    "handed_back": N_("Rendue au robot"),
}

CASE_EVENTS: dict[str, str] = {
    "opened": N_("Demande ouverte"),
    "claimed": N_("Prise en charge"),
    "assigned": N_("Confiée à une personne"),
    "transferred": N_("Transférée"),
    "handed_back": N_("Rendue au robot"),
    "replied": N_("Réponse envoyée"),
    "resident_message": N_("Message de l'habitant·e"),
    "escalated": N_("Signalée à la coordination (délai dépassé)"),
    "returned_to_queue": N_("Revenue dans la file (pas de réponse de la personne)"),
    "resolved": N_("Close"),
}

CASE_NOTICES: dict[str, str] = {
    "claimed": N_("Vous avez pris cette demande. L'habitant·e sait que vous la suivez."),
    "assigned": N_("La demande est confiée à votre collègue."),
    "transferred": N_("La demande est transférée, avec votre note."),
    "handed_back": N_("La conversation est rendue au robot."),
    "resolved": N_("La demande est close."),
    "replied": N_("Votre réponse part vers l'habitant·e."),
    "opened": N_("La demande est ouverte."),
    "already_open": N_("Cette personne avait déjà une demande en cours : la voici."),
}

CASE_ERRORS: dict[str, str] = {
    "lost_claim": N_("Un·e collègue a pris cette demande juste avant vous."),
    "not_allowed": N_("Cette action n'est pas possible pour vous sur cette demande."),
    "closed": N_("Cette demande est close : elle ne peut plus changer."),
    "unknown_case": N_("Cette demande n'existe pas."),
    "unknown_staff": N_("Cette personne n'a pas de compte actif."),
    "invalid": N_("Il manque quelque chose dans le formulaire. Vérifiez et réessayez."),
    "unknown_idea": N_("Aucune idée ne porte cette référence. Vérifiez-la (par exemple D-7KQ2MX)."),
}

# -- teams and routing rules ------------------------------------------------------------------

TEAM_NOTICES: dict[str, str] = {
    "team_created": N_("L'équipe est créée."),
    "member_added": N_("La personne fait maintenant partie de l'équipe."),
    "member_removed": N_("La personne ne fait plus partie de l'équipe."),
    "rule_added": N_("La règle est ajoutée."),
    "rule_removed": N_("La règle est supprimée."),
}

TEAM_ERRORS: dict[str, str] = {
    "bad_team": N_("Donnez un nom et un identifiant court (lettres, chiffres, tirets)."),
    "duplicate_team": N_("Une équipe porte déjà cet identifiant."),
    "unknown_staff": N_("Aucun compte actif n'a cette adresse e-mail."),
    "unknown_team": N_("Cette équipe n'existe pas."),
    "bad_rule": N_("Choisissez une équipe et une priorité entre 0 et 10 000."),
}

MESSAGE_KINDS: dict[str, str] = {
    "voice": N_("Message vocal : à écouter dans Telegram"),
    "audio": N_("Message vocal : à écouter dans Telegram"),
    "video_note": N_("Message vidéo : à voir dans Telegram"),
    "photo": N_("Photo : à voir dans Telegram"),
    "document": N_("Fichier : à voir dans Telegram"),
    "sticker": N_("Autocollant"),
}
