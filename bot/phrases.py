"""Every phrase a resident reads, French source (tutoiement), marked for Babel extraction.

Tone (DESIGN §5): listen first, short sentences, no judgement, no jargon, say what happens next.
"""

from __future__ import annotations

from infra.i18n import N_

SAY: dict[str, str] = {
    "welcome": N_(
        "Bonjour ! Je suis Déclic, le coup de pouce de {town} pour les idées d'habitants. "
        "Un jardin, une fête, un atelier, un réseau… toutes les idées comptent."
    ),
    "listen": N_("Raconte-moi ton idée, avec tes mots. Je t'écoute."),
    "listen_new": N_("Avec plaisir ! Raconte-moi ta nouvelle idée, avec tes mots."),
    "welcome_back": N_("Re-bonjour ! On reprend où on s'était arrêtés."),
    "welcome_back_new": N_("Re-bonjour ! Content de te revoir."),
    "idea_thanks": N_("Merci, c'est noté ! J'ai juste quelques petites questions."),
    "noted": N_("C'est noté."),
    "noted_place": N_("C'est noté."),  # and the location button is taken away
    "unknown_command": N_(
        "Je ne connais pas cette commande. Tape /aide pour voir ce que je sais faire."
    ),
    "empty_message": N_("Je n'ai rien reçu. Tu peux réessayer ?"),
    "note_added": N_("Merci, je l'ajoute à ton idée. L'équipe le verra."),
    "added_to_idea": N_("Merci, je l'ajoute à ton idée."),
    "yes_or_no": N_("Tu peux répondre oui ou non, ou utiliser les boutons."),
    "choose_language": N_(
        "Choisis une langue avec les boutons, ou écris « français » ou « english »."
    ),
    "consent_details": N_(
        "Ce que je garde : ton prénom, tes messages et ton idée. "
        "Qui les voit : seulement l'équipe « {office} ». "
        "Combien de temps : {period} après ton dernier message, puis tout est effacé. "
        "Tu peux voir tout ce que je garde avec /mesdonnees, et tout effacer avec /oublier."
    ),
    "quartier_unknown": N_(
        "Je n'ai pas reconnu ce quartier. Choisis-le dans la liste, ou touche « Ailleurs »."
    ),
    "needs_unknown": N_(
        "Je n'ai pas bien compris. Tu peux choisir dans la liste, ou écrire par exemple "
        "« une salle et un peu d'argent »."
    ),
    "timing_unknown": N_(
        "Je n'ai pas bien compris. Tu peux choisir dans la liste, ou écrire par exemple "
        "« cet été » ou « en mars »."
    ),
    "group_unknown": N_("Je n'ai pas bien compris. Choisis la réponse qui te ressemble."),
    "edit_noted": N_("J'ai vu ta correction, merci."),
    "stale_button": N_("Ce bouton vient d'un message plus ancien. Voici où on en est :"),
    "button_unknown": N_("Je n'ai pas compris ce bouton. Voici où on en est :"),
    "edit_idea_prompt": N_("D'accord. Écris-moi ton idée comme tu veux qu'elle soit."),
    "edit_idea_again": N_("Écris-moi ton idée comme tu veux qu'elle soit."),
    "idea_needed": N_(
        "Je garde ton idée telle quelle pour l'instant. Pour la changer, écris-la avec tes mots, "
        "par exemple « Un potager partagé au pied de l'immeuble, avec des ateliers le samedi »."
    ),
    "submitted": N_(
        "C'est envoyé ! Ton idée est entre les mains de l'équipe participation citoyenne. "
        "Tu peux suivre où elle en est avec /suivi."
    ),
    "human_requested": N_(
        "C'est noté : tu veux parler à une personne. L'équipe participation citoyenne "
        "verra ta demande et te répondra ici, dans cette conversation. En attendant, je reste là."
    ),
    "consent_refused": N_(
        "Pas de souci. Sans ton accord, je ne garde pas ton idée : je l'ai effacée. "
        "Si tu changes d'avis, tape /recommencer. Tu peux aussi parler à une personne avec /humain."
    ),
    "forgotten": N_(
        "C'est fait : j'ai effacé ton prénom, tes messages et tes idées. "
        "Si tu m'écris à nouveau, on repartira de zéro."
    ),
    "forget_cancelled": N_("D'accord, je ne change rien."),
    "language_set": N_("C'est noté, je te parle en français."),
    "help": N_(
        "Je t'aide à lancer ton idée pour le quartier. Ce que tu peux me dire à tout moment :\n"
        "/recommencer — repartir de zéro\n"
        "/annuler — mettre de côté l'idée en cours\n"
        "/suivi — où en sont tes idées\n"
        "/humain — parler à une personne\n"
        "/mesdonnees — voir tout ce que je garde sur toi\n"
        "/oublier — tout effacer\n"
        "/langue — changer de langue\n"
        "/pause — ne plus recevoir de messages de suivi\n"
        "/reprendre — les recevoir à nouveau"
    ),
    "followups_paused": N_(
        "C'est noté : je ne t'écris plus de moi-même pour suivre tes idées. "
        "Tape /reprendre quand tu veux que je reprenne."
    ),
    "followups_resumed": N_(
        "C'est reparti : je reprendrai de tes nouvelles de temps en temps. "
        "Tape /pause pour arrêter."
    ),
    "restarted": N_("On repart de zéro. Raconte-moi ton idée, avec tes mots."),
    "draft_cancelled": N_(
        "D'accord, j'ai mis ton idée de côté. Tu peux revenir quand tu veux avec /recommencer."
    ),
    "nothing_to_cancel": N_("Il n'y a rien en cours à annuler."),
    "voice_kept": N_(
        "Merci pour ton message vocal ! Je ne sais pas encore écouter, mais je l'ai gardé pour "
        "une personne de l'équipe, qui l'écoutera. Tu peux aussi m'écrire."
    ),
    "voice_held": N_(
        "Merci pour ton message vocal ! Je ne sais pas encore écouter. Je le garde le temps de "
        "te demander ton accord : si tu es d'accord, une personne de l'équipe l'écoutera ; "
        "sinon, je l'efface. Tu peux aussi m'écrire."
    ),
    "voice_passed_on": N_(
        "Merci ! Ton message vocal est transmis à une personne de l'équipe, qui l'écoutera."
    ),
    "file_kept": N_("Merci ! Je le garde avec ton idée, pour l'équipe."),
    "sticker": N_("😊"),
    "location": N_(
        "Merci ! Je ne lis pas encore les cartes, et je n'ai pas gardé ta position. "
        "Dis-moi plutôt le nom de ton quartier."
    ),
    "location_quartier": N_(
        "Merci ! D'après ta position, c'est {quartier}. Je garde seulement le quartier, "
        "pas ta position."
    ),
    "location_unknown": N_(
        "Merci ! Ta position n'est dans aucun quartier que je connais, et je ne l'ai pas "
        "gardée. Dis-moi plutôt le nom de ta rue ou de ton quartier."
    ),
    "location_not_placed": N_(
        "Merci ! Ta position n'est dans aucun quartier que je connais, et je ne l'ai pas gardée."
    ),
    "contact_not_kept": N_(
        "Je n'ai pas besoin de numéro de téléphone, alors je ne l'ai pas gardé. On continue ici."
    ),
    "unsupported": N_("Je ne sais pas encore lire ce type de message. Tu peux m'écrire ?"),
    "sorry_error": N_(
        "Désolé, j'ai eu un souci de mon côté. J'ai bien gardé ton message : "
        "l'équipe le lira. Tu peux continuer, ou taper /humain pour parler à une personne."
    ),
    "retention_kept": N_("Merci, c'est noté : je garde tout. Je reste là si tu as besoin de moi."),
    "slow_down": N_("Je lis tout, promis ! Laisse-moi un petit instant pour te répondre."),
    # Listening at every step (issue 14): what the bot says when it understood an intent.
    "already_there": N_("Ça, ton idée le dit déjà : je n'ajoute rien."),
    "corrected": N_("C'est corrigé, merci."),
    "edit_title_prompt": N_("D'accord. Quel titre court veux-tu donner à ton idée ?"),
    "edit_title_again": N_("Quel titre court veux-tu donner à ton idée ?"),
    "title_needed": N_(
        "Je garde ton titre tel quel pour l'instant. Pour le changer, écris quelques mots "
        "qui disent ton idée, par exemple « Potager partagé des Glycines »."
    ),
    "goodbye": N_(
        "Merci à toi, et à bientôt ! Ton idée est bien gardée. "
        "Écris-moi ici quand tu veux, ou tape /suivi pour voir où elle en est."
    ),
    "goodbye_waiting": N_(
        "Merci, à bientôt ! Ta demande reste chez l'équipe : elle te répondra ici."
    ),
    # In the middle of the questions: a goodbye, a thank-you, a hello (routing.intake.leaving).
    "see_you_later": N_(
        "Pas de souci, à bientôt ! Ton idée reste gardée telle quelle. "
        "Quand tu veux, écris-moi ici et on reprendra où on s'est arrêtés. "
        "Les boutons marchent toujours."
    ),
    "thanks_mid_questions": N_("Avec plaisir !"),
    "hello_mid_questions": N_("Bonjour à toi !"),
    "idea_corrected": N_("C'est corrigé dans ton idée. L'équipe verra la nouvelle version."),
    "kept_for_agent": N_(
        "Je garde ton message pour la personne de l'équipe qui va te répondre : "
        "elle lira tout. Je ne te pose plus de questions en attendant."
    ),
    "kind_chosen": N_(
        "Bonne piste ! Raconte-moi ce que tu imagines, avec tes mots : quoi, où, avec qui."
    ),
    "tell_me_more": N_("Je t'écoute : raconte-moi ton idée, avec tes mots."),
    "lets_go_on": N_("D'accord, on continue."),
    "no_idea_yet": N_(
        "Pas de souci, beaucoup de gens commencent comme ça. "
        "Voici ce que des voisins ont déjà lancé, pour te donner des idées."
    ),
    "no_sprint_booked": N_("D'accord, je ne réserve rien."),
    "no_worries": N_("Pas de souci. Si tu veux en parler à quelqu'un, c'est possible."),
    "sorry_frustrated": N_(
        "Je suis désolé, je ne t'ai pas bien compris. Tu veux parler à une personne de l'équipe ?"
    ),
    "sprint_kept": N_("D'accord, ton sprint reste réservé."),
    "summary_unclear": N_(
        "Je n'ai pas bien compris. Si tout est juste, touche « C'est bon, j'envoie » ; "
        "sinon, corrige la ligne qui ne va pas."
    ),
    "what_to_fix": N_("D'accord. Qu'est-ce que je corrige ? Touche la ligne à changer."),
}
FALLBACK = N_("Je t'écoute.")
# Phrases that name the office, the town or the retention period (filled from the settings).
OFFICE_KEYS = frozenset({"welcome", "consent_details", "consent"})
# Telegram's reply-keyboard button that sends the resident's location (request_location).
SHARE_LOCATION = N_("📍 Partager ma position")
SHARE_LOCATION_HINT = N_("Ou touche le bouton ci-dessous pour partager ta position.")
# Said once the quartier is known: the location button is taken away with them.
LOCATION_KEYS = frozenset({"location_quartier", "noted_place"})
THE_TOWN = N_("la ville")

QUESTIONS: dict[str, str] = {
    "neighbourhood": N_("Dans quel quartier ?"),
    "neighbourhood_places": N_(
        "Dans quel quartier ? Tu peux aussi m'écrire le nom de ta rue, ou partager ta position "
        "(je n'en garde que le quartier)."
    ),
    "neighbourhood_free": N_("Dans quel quartier ou quelle commune ? Écris-le avec tes mots."),
    "needs": N_(
        "De quoi aurais-tu besoin ? Tu peux en choisir plusieurs, puis toucher « C'est tout »."
    ),
    "group": N_("Tu portes ce projet seul·e, avec d'autres habitants, ou avec une association ?"),
    "timing": N_("Tu aimerais que ça démarre quand ?"),
    "consent": N_(
        "Dernière chose : pour t'aider, je garde ton prénom, tes messages et ton idée. "
        "Seule l'équipe « {office} » les voit, pendant {period} au plus. "
        "Tu peux tout effacer quand tu veux avec /oublier. Tu es d'accord ?"
    ),
}

OPTIONS: dict[tuple[str, str], str] = {
    ("neighbourhood", "elsewhere"): N_("Ailleurs"),
    ("neighbourhood", "page"): N_("Autres quartiers ▸"),
    ("needs", "place"): N_("Un lieu"),
    ("needs", "funding"): N_("Un petit financement"),
    ("needs", "legal"): N_("Un conseil juridique ou d'assurance"),
    ("needs", "equipment"): N_("Du matériel"),
    ("needs", "partners"): N_("Des partenaires ou sponsors"),
    ("needs", "skills"): N_("Des compétences"),
    ("needs", "peers"): N_("Rencontrer d'autres porteurs de projet"),
    ("needs", "done"): N_("C'est tout"),
    ("needs", "unsure"): N_("Je ne sais pas encore"),
    ("group", "alone"): N_("Seul·e"),
    ("group", "informal"): N_("Avec d'autres habitants, sans statut"),
    ("group", "association"): N_("Avec une association"),
    ("timing", "asap"): N_("Dès que possible"),
    ("timing", "within_3_months"): N_("Dans les 3 mois"),
    ("timing", "this_year"): N_("Dans l'année"),
    ("timing", "no_date"): N_("Pas encore de date"),
    ("consent", "yes"): N_("D'accord"),
    ("consent", "no"): N_("Non merci"),
    ("consent", "why"): N_("En savoir plus"),
    ("after_submit", "new"): N_("Une nouvelle idée"),
    ("after_submit", "human"): N_("Parler à quelqu'un"),
    ("after_submit", "more"): N_("Voir d'autres pistes"),
    ("after_submit", "sprint"): N_("Réserver un sprint de deux jours"),
    ("forget_confirm", "yes"): N_("Oui, tout effacer"),
    ("forget_confirm", "no"): N_("Non, garder"),
    ("language", "fr"): N_("Français"),
    ("language", "en"): N_("English"),
    ("clarify_start", "idea"): N_("Raconter une idée"),
    ("clarify_start", "human"): N_("Parler à quelqu'un"),
    ("clarify_start", "examples"): N_("Je n'ai pas encore d'idée"),
    ("clarify_after", "add"): N_("L'ajouter à mon idée"),
    ("clarify_after", "question"): N_("C'est une question"),
    ("clarify_after", "new"): N_("Une nouvelle idée"),
    ("clarify_after", "human"): N_("Parler à quelqu'un"),
    ("idea_kinds", "garden"): N_("Un jardin ou un potager"),
    ("idea_kinds", "party"): N_("Une fête de quartier"),
    ("idea_kinds", "workshop"): N_("Un atelier (réparation, cuisine…)"),
    ("idea_kinds", "sport"): N_("Du sport pour les jeunes"),
    ("idea_kinds", "solidarity"): N_("De l'entraide entre voisins"),
    ("idea_kinds", "environment"): N_("Un quartier plus propre ou plus vert"),
    ("idea_kinds", "human"): N_("Parler à quelqu'un"),
    ("offer_human", "human"): N_("Parler à quelqu'un"),
    ("offer_human", "continue"): N_("Continuer avec toi"),
    ("sprint_cancel", "sprint_cancel_yes"): N_("Oui, annuler le sprint"),
    ("sprint_cancel", "sprint_cancel_no"): N_("Non, le garder"),
}

MENUS: dict[str, str] = {
    "after_submit": N_("Et maintenant ?"),
    "forget_confirm": N_(
        "Tu veux vraiment que j'efface tout ce que je sais de toi : ton prénom, tes messages "
        "et tes idées ? Ça ne peut pas être annulé."
    ),
    "language": N_("Quelle langue préfères-tu ?"),
    "clarify_start": N_("Tu veux me raconter une nouvelle idée, ou parler à quelqu'un ?"),
    "clarify_after": N_(
        "Je veux être sûr de bien faire : j'ajoute ça à ton idée, c'est une question pour "
        "l'équipe, ou c'est une nouvelle idée ?"
    ),
    "idea_kinds": N_("Des idées que les habitants lancent souvent :"),
    "offer_human": N_("Une personne de l'équipe peut te répondre ici."),
    "sprint_cancel": N_("Tu veux vraiment annuler ton sprint ?"),
}

SUMMARY = {
    "intro": N_("Voici ton idée, telle que je l'ai comprise :"),
    "idea": N_("L'idée"),
    "neighbourhood": N_("Quartier"),
    "needs": N_("Besoins"),
    "group": N_("Qui"),
    "timing": N_("Quand"),
    "none": N_("rien de précis pour l'instant"),
    "outro": N_("Tout est juste ? Tu peux corriger chaque ligne."),
    "edit": N_("Corriger : {field}"),
    "submit": N_("✅ C'est bon, j'envoie"),
    "understood": N_("J'ai compris :"),
    "title": N_("Titre"),
    "fact": N_("{label} : {value}"),  # one line of the summary: its label, then what it says
    "quoted": N_("« {text} »"),  # the resident's own words
}

STATUS = {
    "none": N_("Tu n'as pas encore d'idée en cours. Raconte-moi quand tu veux !"),
    "intro": N_("Tes idées :"),
    "line": N_("• {title} ({ref}) : {status}, depuis le {date}"),
    "requests": N_("Demande à une personne en attente : l'équipe te répondra ici."),
    "untitled": N_("sans titre"),
}
# Who holds a request once a person has taken it (DESIGN §5: say who holds the request).
HOLDER = {
    "status": N_("{name}, de l'équipe {team}, s'occupe de ta demande et te répond ici."),
    "status_no_team": N_(
        "{name}, de l'équipe participation citoyenne, s'occupe de ta demande et te répond ici."
    ),
    "already": N_(
        "{name}, de l'équipe {team}, s'occupe déjà de ta demande. "
        "Tu peux lui écrire ici : ton message lui arrive directement."
    ),
    "already_no_team": N_(
        "{name}, de l'équipe participation citoyenne, s'occupe déjà de ta demande. "
        "Tu peux lui écrire ici : ton message lui arrive directement."
    ),
}
IDEA_STATUS: dict[str, str] = {
    "draft": N_("en cours d'écriture"),
    "submitted": N_("envoyée à l'équipe"),
    "cancelled": N_("mise de côté"),
    "matched": N_("des pistes trouvées"),
    "sprint_booked": N_("sprint réservé"),
    "realized": N_("réalisée"),
    "abandoned": N_("abandonnée"),
    "in_progress": N_("ça avance"),
    "blocked": N_("bloquée, une personne s'en occupe"),
    "paused": N_("en pause"),
}
# Follow-ups: what Déclic writes on its own, and its thanks for the answers.
FOLLOWUP = {
    "reminder_3d": N_(
        "Petit rappel : ton sprint pour « {title} » commence dans 3 jours, le {day1}, "
        "et continue le {day2}."
    ),
    "reminder_1d": N_(
        "C'est demain ! Ton sprint pour « {title} » commence le {day1} et continue le {day2}."
    ),
    "where": N_("Où : {place}"),
    "bring": N_(
        "À apporter : ton idée en quelques mots, tes questions, et si tu veux des photos, "
        "un budget ou des devis. Tu peux venir avec les personnes qui portent l'idée avec toi."
    ),
    "sprint_feedback": N_(
        "Ton sprint pour « {title} » est terminé. Comment ça s'est passé ? "
        "Donne une note de 1 (pas utile) à 5 (très utile). Tu peux aussi m'écrire un mot."
    ),
    "checkin": N_("Des nouvelles de ton idée « {title} » ? Où en es-tu ?"),
    "nudge": N_(
        "Coucou ! Ton idée « {title} » m'est restée en tête. Où en es-tu ? "
        "Si tu as besoin d'un coup de main, tape /humain."
    ),
    "stop_hint": N_("(Tape /pause si tu ne veux plus de ces messages.)"),
    "moving": N_("Ça avance"),
    "blocked": N_("C'est bloqué"),
    "paused": N_("J'ai mis en pause"),
    "realized": N_("C'est réalisé !"),
    "thanks_moving": N_("Super, merci ! Je reprendrai de tes nouvelles plus tard."),
    "thanks_blocked": N_(
        "Merci de me le dire. Une personne de l'équipe participation citoyenne va regarder "
        "et te répondra ici, dans cette conversation."
    ),
    "thanks_paused": N_(
        "D'accord, c'est noté. Je ne t'écris plus pour cette idée. Quand tu veux la reprendre, "
        "écris-moi ici."
    ),
    "thanks_realized": N_(
        "Bravo ! 🎉 C'est noté : ton idée est réalisée. En une phrase, qu'est-ce que tu "
        "aimerais dire aux autres habitants à son sujet ?"
    ),
    "ask_share": N_(
        "Merci ! Est-ce que la ville peut partager cette phrase, sans ton nom, pour donner "
        "des idées à d'autres habitants ?"
    ),
    "share_yes": N_("Oui, partagez-la"),
    "share_no": N_("Non, gardez-la"),
    "thanks_shared": N_("Merci ! Elle sera partagée sans ton nom."),
    "thanks_private": N_("C'est noté : elle reste entre nous."),
    "thanks_score": N_(
        "Merci pour ta note ! Si tu veux, écris-moi en une phrase ce qui t'a aidé ou manqué."
    ),
    "thanks_comment": N_("Merci, c'est noté. L'équipe le lira."),
    "not_yours": N_(
        "Je ne retrouve pas ce message de suivi. Tape /suivi pour voir où en sont tes idées."
    ),
}
SUGGEST = {
    "intro": N_("Voici des pistes pour t'aider. Dis-moi celles qui t'intéressent."),
    "none": N_(
        "Je n'ai pas encore trouvé de piste dans l'annuaire pour ton idée. "
        "L'équipe va la regarder de près."
    ),
    "no_more": N_("Je t'ai montré toutes les pistes que j'ai pour l'instant."),
    "unmet": N_("Pour {needs}, je n'ai rien trouvé dans l'annuaire. Je l'ai noté pour l'équipe."),
    "yes": N_("Super, c'est noté : « {name} » t'intéresse. L'équipe t'aidera à prendre contact."),
    "no": N_("D'accord, je laisse « {name} » de côté."),
    "gone": N_("Je ne retrouve plus cette piste. Tape /suivi pour voir où en sont tes idées."),
    "interested": N_("Ça m'intéresse"),
    "not_for_me": N_("Pas pour moi"),
    "more_info": N_("En savoir plus"),
    "organization": N_("Proposé par : {value}"),
    "address": N_("Adresse : {value}"),
    "hours": N_("Horaires : {value}"),
    "phone": N_("Téléphone : {value}"),
    "email": N_("E-mail : {value}"),
    "url": N_("Site : {value}"),
}
# The heading of each group of suggestions, by the need it answers (None: everything else).
SUGGEST_HEADINGS: dict[str | None, str] = {
    "place": N_("Pour trouver un lieu :"),
    "funding": N_("Pour un financement :"),
    "legal": N_("Pour une question juridique ou d'assurance :"),
    "equipment": N_("Pour du matériel :"),
    "partners": N_("Pour trouver des partenaires ou des sponsors :"),
    "skills": N_("Pour des compétences :"),
    "peers": N_("Pour rencontrer d'autres porteurs de projet :"),
    None: N_("D'autres pistes pour ton idée :"),
}
KIND_ICONS: dict[str | None, str] = {
    "room": "🏠",
    "grant": "💶",
    "legal": "⚖️",
    "sponsor": "🤝",
    "contact": "👤",
    "initiative": "🌱",
}
EXPORT_CAPTION = N_("Voici tout ce que je garde sur toi, dans un fichier.")
TRUNCATED = N_("(message raccourci)")


# -- the staff group (colleagues: vouvoiement) ---------------------------------------------------

GROUP_TOAST: dict[str, str] = {
    "claimed": N_("C'est à vous : la personne sait que vous prenez sa demande."),
    "yours": N_("Vous avez déjà cette demande."),
    "taken": N_("Déjà prise par {name}."),
    "taken_anonymous": N_("Cette demande est déjà prise."),
    "closed": N_("Cette demande est close."),
    "not_linked": N_(
        "Associez d'abord votre compte Telegram à la console "
        "(declic staff telegram VOTRE_EMAIL {telegram_id})."
    ),
    "not_allowed": N_("Cette demande revient à une autre équipe : voyez avec la coordination."),
    "unknown_case": N_("Cette demande n'existe plus."),
    "forged": N_("Ce bouton n'est pas valide."),
}


# -- listening (issue 14): answers the service fills in ------------------------------------------

LISTENING = {
    "added": N_("J'ai ajouté à ton idée : « {words} »."),
    "waiting_open": N_("L'équipe répond en général sous {delay} ouvrées."),
    "waiting_unknown": N_("Je ne peux pas encore te dire quand elle te répondra."),
    "waiting_closed_day": N_(
        "L'équipe répond en général sous {delay} ouvrées ; nous sommes {weekday}, ce sera {when}."
    ),
    "waiting_closed_evening": N_(
        "L'équipe répond en général sous {delay} ouvrées ; le bureau a fermé pour aujourd'hui, "
        "ce sera {when}."
    ),
    "waiting_closed_morning": N_(
        "L'équipe répond en général sous {delay} ouvrées ; le bureau ouvre {when}."
    ),
    "waiting_again": N_("Ta demande est déjà chez l'équipe, depuis {waited}. Je n'oublie pas."),
    "when_tomorrow": N_("demain matin"),
    "when_weekday": N_("{weekday} matin"),
    "when_date": N_("le {date} au matin"),
    "when_today": N_("aujourd'hui à {time}"),
    "process_sprint": N_(
        "Un sprint, ce sont deux jours de suite avec des personnes qui peuvent t'aider "
        "(un lieu, un financement, des conseils) pour faire avancer ton idée. "
        "Tu peux le réserver ici, et l'annuler si besoin."
    ),
    "process_who_calls": N_(
        "C'est l'équipe « {office} » qui prend contact : tu n'as personne à appeler. "
        "Elle te répondra ici, dans cette conversation."
    ),
    "process_next": N_(
        "Et ensuite ? L'équipe lit ton idée, je te propose des pistes de l'annuaire, et tu "
        "peux réserver un sprint de deux jours pour la faire avancer."
    ),
    "directory_answer": N_("Voici ce que j'ai trouvé dans l'annuaire :"),
    "question_routed": N_(
        "Je n'ai pas la réponse, alors je transmets ta question à l'équipe : "
        "elle te répondra ici, dans cette conversation."
    ),
    "pointers": N_("Voici quand même quelques pistes générales, sans rien garder :"),
}
