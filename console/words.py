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
