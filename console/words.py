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

# An out-of-date form (``console.forms.is_stale``): nothing happened, the page shows what is now.
STALE = N_("La situation a changé, voici l'état actuel.")

LOGIN_FAILED = N_("Adresse e-mail ou mot de passe incorrect.")
LOGIN_THROTTLED = N_(
    "Trop d'essais pour ce compte. Par sécurité, attendez {minutes} minutes avant de réessayer."
)
LOGGED_OUT = N_("Vous êtes déconnecté·e. À bientôt !")
SESSION_EXPIRED = N_("Votre session a expiré. Connectez-vous à nouveau.")
STAFF_CREATED = N_("Le compte de {name} est créé.")

STAFF_ERRORS: dict[str, str] = {
    "stale": STALE,
    "bad_email": N_("Cette adresse e-mail n'est pas valide."),
    "bad_name": N_("Le nom affiché doit faire entre 1 et 128 caractères."),
    "bad_role": N_("Choisissez un rôle dans la liste."),
    "password_too_short": N_("Le mot de passe doit faire au moins {length} caractères."),
    "duplicate_email": N_("Un compte existe déjà avec cette adresse."),
    "own_role": N_("Demandez à une autre personne de l'administration de changer votre rôle."),
    "own_account": N_("Vous ne pouvez pas désactiver votre propre compte."),
    "wrong_password": N_("Le mot de passe actuel n'est pas le bon."),
    "same_password": N_("Choisissez un mot de passe différent de l'actuel."),
    "passwords_differ": N_("Les deux nouveaux mots de passe ne sont pas identiques."),
}

ACCOUNT_NOTICES: dict[str, str] = {
    "must_change": N_("Votre mot de passe est provisoire : choisissez le vôtre pour continuer."),
    "password_changed": N_("Votre mot de passe est changé."),
    "staff_saved": N_("Le compte est enregistré."),
    "staff_deactivated": N_(
        "Le compte est désactivé : ses sessions et ses clés d'API ont pris fin."
    ),
    "staff_reactivated": N_("Le compte est réactivé."),
    "password_reset": N_(
        "Le mot de passe provisoire est enregistré : la personne le changera à sa connexion."
    ),
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
    "claimed": N_("Prise en charge, réponse attendue de l'équipe"),
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
    "note": N_("Note de l'équipe"),
}

CASE_NOTICES: dict[str, str] = {
    "claimed": N_("Vous avez pris cette demande. L'habitant·e sait que vous la suivez."),
    "assigned": N_("La demande est confiée à votre collègue."),
    "transferred": N_("La demande est transférée, avec votre note."),
    "handed_back": N_("La conversation est rendue au robot."),
    "resolved": N_("La demande est close."),
    "replied": N_("Votre réponse part vers l'habitant·e."),
    "opened": N_("La demande est ouverte."),
    "no_next": N_("Aucune autre demande ne vous attend pour le moment."),
    "password_changed": N_("Votre mot de passe est changé."),
    "already_open": N_("Cette personne avait déjà une demande en cours : la voici."),
    "note_added": N_("Votre note est enregistrée. Elle reste entre collègues."),
    "suggestion_added": N_("La ressource est ajoutée aux suggestions de l'idée."),
    "suggestion_known": N_("Cette ressource était déjà suggérée pour cette idée."),
    "suggestion_removed": N_("La suggestion est retirée."),
}

CASE_ERRORS: dict[str, str] = {
    "stale": STALE,
    "blank_reply": N_("Votre réponse est vide : écrivez quelque chose avant d'envoyer."),
    "lost_claim": N_("Un·e collègue a pris cette demande juste avant vous."),
    "not_allowed": N_("Cette action n'est pas possible pour vous sur cette demande."),
    "closed": N_("Cette demande est close : elle ne peut plus changer."),
    "unknown_case": N_("Cette demande n'existe pas."),
    "unknown_staff": N_("Cette personne n'a pas de compte actif."),
    "invalid": N_("Il manque quelque chose dans le formulaire. Vérifiez et réessayez."),
    "unknown_idea": N_("Aucune idée ne porte cette référence. Vérifiez-la (par exemple D-7KQ2MX)."),
    "bad_note": N_("Une note fait entre 1 et 2 000 caractères."),
    "unknown_resource": N_("Cette ressource n'est pas (ou plus) dans l'annuaire."),
    "not_removable": N_("L'habitant·e a déjà répondu à cette suggestion : elle reste."),
    "no_idea": N_("Cette demande n'a pas d'idée : rien à suggérer."),
}

# -- teams and routing rules ------------------------------------------------------------------

TEAM_NOTICES: dict[str, str] = {
    "team_created": N_("L'équipe est créée."),
    "team_saved": N_("L'équipe est enregistrée."),
    "team_deleted": N_("L'équipe est supprimée ; ses demandes vont à la coordination."),
    "member_added": N_("La personne fait maintenant partie de l'équipe."),
    "member_removed": N_("La personne ne fait plus partie de l'équipe."),
    "rule_added": N_("La règle est ajoutée."),
    "rule_removed": N_("La règle est supprimée."),
}

TEAM_ERRORS: dict[str, str] = {
    "stale": STALE,
    "bad_team": N_("Donnez un nom et un identifiant court (lettres, chiffres, tirets)."),
    "duplicate_team": N_("Une équipe porte déjà cet identifiant."),
    "unknown_staff": N_("Aucun compte actif n'a cette adresse e-mail."),
    "unknown_team": N_("Cette équipe n'existe pas."),
    "bad_rule": N_("Choisissez une équipe et une priorité entre 0 et 10 000."),
    "bad_scope": N_("Choisissez les thèmes et les quartiers dans les listes."),
    "confirm_delete": N_("Cochez la case pour confirmer la suppression de l'équipe."),
}

MESSAGE_KINDS: dict[str, str] = {
    "voice": N_("Message vocal : à écouter dans Telegram"),
    "audio": N_("Message vocal : à écouter dans Telegram"),
    "video_note": N_("Message vidéo : à voir dans Telegram"),
    "photo": N_("Photo : à voir dans Telegram"),
    "document": N_("Fichier : à voir dans Telegram"),
    "sticker": N_("Autocollant"),
}

# -- sprints ----------------------------------------------------------------------------------

SPRINT_STATUS: dict[str, str] = {
    "proposed": N_("Proposé"),
    "confirmed": N_("Réservé"),
    "cancelled": N_("Annulé"),
    "held": N_("A eu lieu"),
    "not_held": N_("N'a pas eu lieu"),
}

SPRINT_OPTION_KINDS: dict[str, str] = {
    "earliest": N_("Les dates les plus proches"),
    "coverage": N_("Le panel le plus complet"),
    "nearest": N_("La salle la plus proche"),
    "chosen": N_("Dates choisies"),
}

SPRINT_ROLES: dict[str, str] = {
    "facilitator": N_("animation"),
    "member": N_("membre"),
}

SPRINT_NOTICES: dict[str, str] = {
    "booked": N_("Le sprint est réservé. L'habitant·e reçoit les dates et l'invitation."),
    "rescheduled": N_("Le sprint est déplacé. L'habitant·e reçoit les nouvelles dates."),
    "cancelled": N_("Le sprint est annulé : les personnes et la salle sont libérées."),
    "held": N_("C'est noté : le sprint a eu lieu."),
    "not_held": N_("C'est noté : le sprint n'a pas eu lieu."),
}

SPRINT_ERRORS: dict[str, str] = {
    "stale": STALE,
    "confirm": N_("Confirmez l'annulation : l'habitant·e et le panel seront prévenus."),
    "lost": N_(
        "Ces dates viennent d'être prises (une personne ou la salle). "
        "Voici les possibilités encore libres."
    ),
    "unknown_idea": N_("Aucune idée ne porte cette référence."),
    "unknown_sprint": N_("Ce sprint n'existe pas."),
    "not_active": N_("Ce sprint n'est plus réservé : il ne peut plus changer."),
    "too_early": N_("Le sprint n'a pas encore commencé : vous pourrez le dire ensuite."),
    "note_too_long": N_("La note fait 500 caractères au plus."),
    "invalid": N_("Il manque quelque chose dans le formulaire. Vérifiez et réessayez."),
    "no_renderer": N_(
        "La console ne peut pas écrire à l'habitant·e ici : réservez depuis la console "
        "lancée par « declic console »."
    ),
    "not_allowed": N_("Cette action n'est pas possible pour vous sur cette idée."),
}

WEEKDAYS: tuple[str, ...] = (
    N_("lundi"),
    N_("mardi"),
    N_("mercredi"),
    N_("jeudi"),
    N_("vendredi"),
)

PANEL_NOTICES: dict[str, str] = {
    "member_saved": N_("Les disponibilités sont enregistrées. Le planificateur en tient compte."),
    "member_added": N_("La personne est ajoutée au panel."),
    "absence_added": N_("L'absence est ajoutée."),
    "absence_removed": N_("L'absence est retirée."),
    "room_saved": N_("La salle est enregistrée."),
    "days_blocked": N_("Les jours sont bloqués pour cette salle."),
    "day_unblocked": N_("Le jour est de nouveau libre."),
}

PANEL_ERRORS: dict[str, str] = {
    "stale": STALE,
    "bad_codes": N_(
        "Les compétences et les territoires s'écrivent en codes courts (lettres minuscules, "
        "chiffres, tirets), séparés par des virgules."
    ),
    "bad_weekdays": N_("Cochez au moins un jour de la semaine."),
    "bad_name": N_("Donnez le nom de la personne (200 caractères au plus)."),
    "bad_cap": N_("Le plafond mensuel est un nombre entre 0 et 20."),
    "unknown_territory": N_("Un des territoires n'existe pas. Utilisez les codes des quartiers."),
    "bad_date": N_("Écrivez les dates sous la forme AAAA-MM-JJ, par exemple 2027-01-15."),
    "bad_range": N_("La date de fin vient avant la date de début."),
    "range_too_long": N_("Une période fait au plus 400 jours."),
    "unknown_member": N_("Cette personne n'est pas dans le panel."),
    "unknown_absence": N_("Cette absence n'existe plus."),
    "unknown_room": N_("Cette salle n'existe pas."),
    "bad_capacity": N_("La capacité est un nombre de personnes entre 1 et 10 000."),
    "bad_equipment": N_("Listez l'équipement en mots courts, séparés par des virgules."),
    "not_blocked": N_("Ce jour n'était pas bloqué (ou il est pris par un sprint)."),
    "busy": N_("Un de ces jours vient d'être pris. Rechargez la page et réessayez."),
}

SUGGESTION_STATUS: dict[str, str] = {
    "proposed": N_("proposée, sans réponse"),
    "accepted": N_("retenue par l'habitant·e"),
    "declined": N_("écartée par l'habitant·e"),
}

CANNED_NOTICES: dict[str, str] = {
    "canned_saved": N_("La réponse type est enregistrée."),
    "canned_deleted": N_("La réponse type est supprimée."),
}

CANNED_ERRORS: dict[str, str] = {
    "stale": STALE,
    "bad_canned": N_(
        "Un titre (80 caractères au plus) et un texte (4 000 au plus), s'il vous plaît."
    ),
    "bad_owner": N_("Choisissez vous-même ou une de vos équipes."),
    "unknown_canned": N_("Cette réponse type n'existe plus, ou n'est pas modifiable par vous."),
}

DIRECTORY_NOTICES: dict[str, str] = {
    "entry_saved": N_("La fiche est enregistrée. Les prochaines suggestions en tiennent compte."),
    "entry_verified": N_("La fiche est marquée vérifiée aujourd'hui."),
    "entry_deactivated": N_("La fiche est désactivée : elle n'est plus suggérée."),
    "entry_reactivated": N_("La fiche est de nouveau active."),
}

DIRECTORY_ERRORS: dict[str, str] = {
    "stale": STALE,
    "bad_entry": N_("Donnez un nom, et choisissez les thèmes et les territoires dans les listes."),
    "bad_file": N_(
        "Ce fichier ne se lit pas : un fichier YAML, CSV ou JSON en UTF-8, 5 Mo au plus."
    ),
}
