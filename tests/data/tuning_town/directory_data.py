"""The invented directory of Carvelonne (TUNING data). Written by hand; see build_directory.py.

Each service: slug (stable, used by messages.jsonl through uuid5), kind, name, desc, themes, terr,
groups, facts, equip, support, status, loc, person, extra (free HSDS text fields).
Entries whose facts are only in prose simply leave `facts` / `groups` out.
"""

ORGS = []


def org(slug, name, description, **kw):
    o = {"slug": slug, "name": name, "description": description, "services": [], **kw}
    ORGS.append(o)
    return o


def S(o, slug, kind, name, desc, themes=(), terr="carvelonne", groups=(), facts=None, equip=(), support=(),
      status="active", loc=None, person=None, **extra):
    o["services"].append({"slug": slug, "kind": kind, "name": name, "desc": desc, "themes": list(themes),
                          "terr": terr, "groups": list(groups), "facts": facts or {}, "equip": list(equip),
                          "support": list(support), "status": status, "loc": loc, "person": person,
                          "extra": extra})


ALL = ("alone", "informal", "association")
COLL = ("informal", "association")

# ---------------------------------------------------------------- 1. Mission participation
o = org("cv-participation", "Ville de Carvelonne — Mission Participation citoyenne « Carvelonne Participe »",
        "La Mission Participation anime les conseils de quartier, le budget participatif et l'équipe des agents de "
        "quartier. Elle oriente toute personne qui a une idée pour son quartier.",
        email="participe@carvelonne.fr", website="https://participe.carvelonne.fr")
AGENTS = [
    ("vieux-port", "Maëlle Le Gall", "Le Vieux-Port", "Permanence le mardi matin à la Capitainerie, et sur le marché du samedi."),
    ("la-criee", "Yann Ropars", "La Criée", "Bureau au tiers-lieu La Cale, rue des Mareyeurs ; passe volontiers vous voir sur place."),
    ("kerlann", "Samira Benali", "Kerlann", "Présente tous les jours au centre social Ti Kerlann, place Nelson-Mandela."),
    ("les-dunes", "Thomas Guéguen", "Les Dunes", "Permanence le jeudi à la Maison pour Tous des Dunes."),
    ("saint-gildas", "Claire Moysan", "Saint-Gildas", "Reçoit sur rendez-vous à la médiathèque Saint-Gildas."),
    ("la-roseraie", "Karim Diallo", "La Roseraie", "Permanence au Pavillon de la Roseraie le mercredi après-midi."),
]
AGENT_WORDING = [
    "Votre interlocutrice de proximité pour {q} : elle connaît les habitants, les associations et les bailleurs du quartier, vous aide à monter votre projet, à trouver une salle, des partenaires ou un financement, et fait le lien avec les services de la Ville.",
    "Agent de quartier pour {q}. Un projet collectif, un souci dans la rue, envie de rencontrer des voisins qui font déjà quelque chose ? Il vous écoute, vous met en relation et vous accompagne dans les démarches.",
    "Samira est l'agente de développement local de {q}. Elle accompagne les habitants et les collectifs (fêtes, jardins, sorties, actions jeunesse), connaît le Fonds de participation des habitants et peut vous aider à remplir un dossier.",
    "Référent de proximité {q}. Point d'entrée unique pour les habitants qui veulent agir : conseils, mise en relation avec les associations, aide pour les autorisations et la communication.",
    "Agente de quartier de {q} : écoute, orientation et accompagnement des initiatives d'habitants, des plus petites (une boîte à livres) aux plus grandes (une fête de quartier).",
    "Karim accompagne les habitants de {q} qui montent un projet : il connaît les locaux disponibles, les aides de la Ville et les associations du secteur.",
]
for i, (q, who, qname, perm) in enumerate(AGENTS):
    first = who.split()[0].lower()
    S(o, f"agent-{q}", "contact", f"Agent·e de quartier — {qname}", AGENT_WORDING[i].format(q=qname),
      themes=["events"], terr=q, groups=ALL,
      person={"name": who, "title": f"Agent·e de quartier {qname}", "email": f"{first}.{q}@carvelonne.fr",
              "phone": f"02 41 70 1{i} 2{i}"},
      application_process=perm)
S(o, "agent-roseraie-ancien", "contact", "Chargé de développement local — Roseraie (poste non pourvu)",
  "Ancienne fiche du chargé de développement local de la Roseraie. Le poste est vacant depuis le départ de "
  "l'agent ; merci de vous adresser à l'agent de quartier actuel.",
  themes=["events"], terr="la-roseraie", groups=ALL, status="inactive",
  person={"name": "Jean-Michel Hervé", "title": "Chargé de développement local", "email": "jm.herve@carvelonne.fr"})
S(o, "budget-participatif-2026", "grant", "Budget participatif de Carvelonne — saison 3 (2026)",
  "Déposez votre idée pour le quartier ou pour toute la ville ; les projets retenus par le vote des habitants sont "
  "réalisés et payés par la Ville (jusqu'à 30 000 € par projet). Dépôt des idées clos.",
  themes=["environment", "sport", "culture", "mobility"], terr="carvelonne", groups=ALL,
  facts={"grant_max_eur": 30000, "deadline": "2026-10-31", "association_required": "false"},
  eligibility_description="Toute personne habitant Carvelonne, dès 11 ans, seule ou en groupe.",
  application_process="Dépôt en ligne sur participe.carvelonne.fr du 1er septembre au 31 octobre 2026.")
S(o, "budget-participatif-2027", "grant", "Budget participatif — saison 4 : dépôt des idées ouvert",
  "1,2 million d'euros d'investissement décidés par les habitants. Vous proposez une idée d'aménagement ou "
  "d'équipement (aire de jeux, bancs, jardin, piste cyclable, fresque...), les services l'étudient, la ville vote.",
  themes=["environment", "sport", "mobility", "garden", "youth"], terr="carvelonne", groups=ALL,
  facts={"grant_max_eur": 40000, "deadline": "2027-02-28", "association_required": "false"},
  eligibility_description="Ouvert à tous les Carvelonnais·es à partir de 11 ans, sans condition de nationalité.",
  application_process="Formulaire en ligne ou papier dans les mairies annexes avant le 28 février 2027.")
S(o, "fonds-initiatives-habitants", "grant", "Fonds d'Initiatives Habitants (FIH)",
  "Petit coup de pouce financier, rapide, pour les projets portés par des habitants : repas de quartier, sortie "
  "familiale, atelier, fresque, tournoi... Le comité d'habitants se réunit chaque mois et décide en une séance.",
  themes=["events", "culture", "garden", "food", "youth"], terr="carvelonne", groups=("informal", "alone"),
  facts={"grant_min_eur": 100, "grant_max_eur": 1200, "association_required": "false"},
  eligibility_description="Groupes d'au moins trois habitants de Carvelonne, constitués ou non en association. "
                          "Pas besoin de statuts ni de numéro SIRET.",
  application_process="Fiche projet d'une page à déposer à votre agent·e de quartier ; réponse sous un mois.")

# ---------------------------------------------------------------- 2. Vie associative & événements
o = org("cv-vie-asso", "Ville de Carvelonne — Direction de la Vie associative, des Sports et des Événements",
        "Soutien aux associations (subventions, locaux, matériel) et accompagnement des manifestations sur l'espace public.",
        email="vie.associative@carvelonne.fr")
S(o, "salle-capitainerie", "room", "Salle de la Capitainerie",
  "Salle municipale au rez-de-chaussée de l'ancienne capitainerie, vue sur les bassins. Convient aux réunions, "
  "ateliers, petites conférences et pots. Tables et chaises pour 60 personnes.",
  themes=["events", "culture"], terr="vieux-port", groups=ALL,
  facts={"capacity": 60, "wheelchair_accessible": "true", "booking_notice_days": 15},
  equip=["kitchenette", "projector", "wifi"],
  loc={"name": "Ancienne Capitainerie", "street": "2 place de la Capitainerie", "q": "vieux-port",
       "access": "Entrée de plain-pied côté quai, toilettes adaptées."},
  fees_description="Gratuit pour les associations et collectifs carvelonnais ; 80 € la soirée pour les particuliers.")
S(o, "salle-bosco", "room", "« Le Bosco » — petite salle de réunion",
  "Petit bureau-salle au 1er étage de la Capitainerie pour les réunions de bureau ou de collectif. Une table, "
  "12 chaises, un écran.",
  themes=["events"], terr="vieux-port", groups=ALL,
  facts={"capacity": 12, "wheelchair_accessible": "false", "booking_notice_days": 3},
  equip=["wifi"],
  loc={"name": "Ancienne Capitainerie — 1er étage", "street": "2 place de la Capitainerie", "q": "vieux-port",
       "access": "Accès par un escalier étroit, pas d'ascenseur."})
S(o, "salle-fetes-vieux-port", "room", "Salle des fêtes du Vieux-Port",
  "Grande salle des fêtes de 300 places avec scène, loges et office traiteur. FERMÉE POUR TRAVAUX de mise en "
  "sécurité ; réouverture prévue à l'automne 2027.",
  themes=["events", "culture"], terr="vieux-port", groups=ALL, status="temporarily closed",
  facts={"capacity": 300, "wheelchair_accessible": "true"}, equip=["kitchen", "sound_system"],
  loc={"name": "Salle des fêtes du Vieux-Port", "street": "14 quai des Pilotes", "q": "vieux-port",
       "access": "Plain-pied."},
  alert="Fermée pour travaux jusqu'en septembre 2027 — aucune réservation possible.")
S(o, "subvention-fonctionnement", "grant", "Subvention de fonctionnement aux associations 2027",
  "Aide annuelle de la Ville au fonctionnement des associations carvelonnaises (loyer, assurance, frais courants, "
  "activités régulières).",
  themes=["culture", "sport", "youth", "elderly", "environment"], terr="carvelonne", groups=("association",),
  facts={"association_required": "true", "grant_min_eur": 300, "grant_max_eur": 15000, "deadline": "2027-01-31"},
  eligibility_description="Associations loi 1901 déclarées, ayant leur siège ou une activité régulière à Carvelonne, "
                          "avec au moins un an d'existence et un numéro SIRET.",
  application_process="Dossier Cerfa 12156 sur le portail des associations avant le 31 janvier 2027.")
S(o, "ete-a-carvelonne-2026", "grant", "Appel à projets « Un été à Carvelonne » 2026",
  "Soutien aux animations gratuites proposées en juillet-août 2026 sur les plages, les places et dans les quartiers : "
  "concerts, jeux, cinéma, sport.",
  themes=["events", "culture", "sport", "youth"], terr="carvelonne", groups=COLL,
  facts={"grant_max_eur": 2500, "deadline": "2026-03-15", "association_required": "false"},
  application_process="Candidatures closes le 15 mars 2026.")
S(o, "fete-de-la-mer-2026", "grant", "Fête de la Mer 2026 : appel aux animations de quartier",
  "La Ville finance des stands et animations portés par des habitants pour la Fête de la Mer (décembre 2026).",
  themes=["events", "culture"], terr="carvelonne", groups=ALL,
  facts={"grant_max_eur": 800, "deadline": "2026-11-30"},
  application_process="Réponses attendues au plus tard le 30 novembre 2026.")
S(o, "kit-fete-voisins", "grant", "Kit Fête des voisins et repas de rue",
  "Vous organisez une fête de voisins ou un repas dans votre rue ? La Ville offre un kit (affiches, nappes, "
  "ballons, t-shirts) et une participation de 150 € aux courses, sur simple déclaration.",
  themes=["events", "food"], terr="carvelonne", groups=("alone", "informal"),
  facts={"grant_min_eur": 50, "grant_max_eur": 150, "association_required": "false"},
  eligibility_description="Tout habitant de Carvelonne, même seul, qui organise une fête ouverte aux voisins.",
  application_process="Formulaire à remplir trois semaines avant la date ; retrait du kit à l'accueil de la mairie.")
S(o, "guichet-manifestations", "legal", "Guichet unique des manifestations",
  "Toutes les autorisations pour un événement dans l'espace public : occupation du domaine public, fermeture de "
  "rue (arrêté de circulation), buvette temporaire, diffusion de musique, sécurité. On vous dit quoi demander, "
  "à qui et dans quels délais.",
  themes=["events"], terr="carvelonne", groups=ALL,
  application_process="Déclarer la manifestation au moins 2 mois avant (45 jours pour un repas de rue).",
  person={"name": "Accueil du guichet", "title": "Guichet manifestations", "email": "manifestations@carvelonne.fr",
          "phone": "02 41 70 30 30"})
S(o, "referent-manifestations", "contact", "Bertrand Le Roux, référent manifestations et sécurité",
  "Bertrand conseille les organisateurs de fêtes, vide-greniers, concerts et courses : dossier de sécurité, "
  "plan d'installation, barrières, lien avec la police municipale.",
  themes=["events"], terr="carvelonne", groups=ALL,
  person={"name": "Bertrand Le Roux", "title": "Référent manifestations", "email": "b.leroux@carvelonne.fr",
          "phone": "02 41 70 30 31"})
S(o, "pret-materiel-festif", "sponsor", "Prêt de matériel festif de la Ville",
  "La Ville prête gratuitement tables, bancs, barnums, grilles d'exposition, podium et une petite sono aux "
  "associations et aux collectifs d'habitants. Livraison possible au-delà de 10 tables.",
  themes=["events"], terr="carvelonne", groups=ALL, support=["in_kind"],
  application_process="Réservation au moins 3 semaines à l'avance auprès du parc matériel.")

# ---------------------------------------------------------------- 3. Régie des salles
o = org("cv-salles", "Ville de Carvelonne — Régie des salles municipales",
        "Gestion et location des salles municipales hors maisons de quartier.", email="salles@carvelonne.fr")
S(o, "halle-criee", "room", "Ancienne halle à marée (Halle de la Criée)",
  "Vaste halle réhabilitée au bord du quai des Chalutiers, pour les grands événements : repas de quartier, "
  "bals, marchés de créateurs, festivals. Jusqu'à 250 personnes assises, cuisine professionnelle attenante.",
  themes=["events", "food", "culture"], terr="la-criee", groups=COLL,
  facts={"capacity": 250, "wheelchair_accessible": "true", "booking_notice_days": 60},
  equip=["pro_kitchen", "sound_system", "wifi"],
  loc={"name": "Halle de la Criée", "street": "Quai des Chalutiers", "q": "la-criee", "access": "Plain-pied, accès PMR."},
  eligibility_description="Associations et collectifs ; pas de location aux particuliers pour des fêtes privées.")
S(o, "salle-presbytere", "room", "Salle de l'ancien presbytère",
  "Jolie salle voûtée dans la ville haute, idéale pour une réunion ou un atelier d'une trentaine de personnes. "
  "Coin cuisine avec évier et frigo.",
  themes=["culture", "events"], terr="saint-gildas", groups=ALL,
  facts={"capacity": 35, "wheelchair_accessible": "false", "booking_notice_days": 10}, equip=["kitchenette"],
  loc={"name": "Ancien presbytère", "street": "5 rue du Presbytère", "q": "saint-gildas",
       "access": "Trois marches à l'entrée, pas de rampe."})
S(o, "pavillon-roseraie", "room", "Pavillon de la Roseraie",
  "Pavillon de quartier avec une salle de 45 places, une cuisine équipée et un jardin clos avec des bacs potagers. "
  "Très demandé le week-end.",
  themes=["garden", "events", "food", "parenting"], terr="la-roseraie", groups=ALL,
  facts={"capacity": 45, "wheelchair_accessible": "true", "booking_notice_days": 21},
  equip=["kitchen", "garden_plot", "wifi"],
  loc={"name": "Pavillon de la Roseraie", "street": "3 rue des Jardins", "q": "la-roseraie",
       "access": "De plain-pied, toilettes PMR."})
S(o, "salle-jean-moulin", "room", "Salle Jean-Moulin",
  "Salle polyvalente de 100 places du boulevard Jean-Moulin.",
  themes=["events"], terr="la-roseraie", groups=ALL, status="inactive",
  facts={"capacity": 100, "wheelchair_accessible": "true"}, equip=["kitchen"],
  loc={"name": "Salle Jean-Moulin", "street": "40 boulevard Jean-Moulin", "q": "la-roseraie", "access": "Plain-pied."},
  alert="Salle désaffectée (bâtiment vendu en 2025).")

# ---------------------------------------------------------------- 4. Culture
o = org("cv-culture", "Ville de Carvelonne — Direction de la Culture et du Patrimoine",
        "Médiathèques, conservatoire, soutien aux pratiques artistiques amateurs.", email="culture@carvelonne.fr")
S(o, "auditorium-mediatheque", "room", "Auditorium de la médiathèque Saint-Gildas",
  "Auditorium de 90 fauteuils, équipé d'un vidéoprojecteur et d'une sonorisation, prêté pour des conférences, "
  "projections, lectures et petits concerts acoustiques.",
  themes=["culture"], terr="saint-gildas", groups=ALL,
  facts={"capacity": 90, "wheelchair_accessible": "true", "booking_notice_days": 30},
  equip=["projector", "sound_system"],
  loc={"name": "Médiathèque Saint-Gildas", "street": "1 place du Calvaire", "q": "saint-gildas",
       "access": "Ascenseur, places PMR au premier rang, boucle magnétique."},
  alert="Ni repas ni boissons dans l'auditorium.")
S(o, "aide-projets-culturels", "grant", "Aide aux projets artistiques amateurs",
  "La Ville soutient les troupes, chorales, groupes de musique et collectifs d'artistes amateurs qui montent un "
  "spectacle ou une exposition ouverte au public.",
  themes=["culture"], terr="carvelonne",
  eligibility_description="Troupes et collectifs amateurs, associations ou non. Montant de 200 à 2 000 €.",
  application_process="Session unique 2026 : dossiers reçus jusqu'au 15 septembre 2026, commission en octobre.")
S(o, "permanence-sacem", "legal", "Permanence droits d'auteur, SACEM et spectacles",
  "Une fois par mois, un juriste du spectacle répond à vos questions : déclarer la musique d'une fête, droits "
  "d'auteur d'une pièce, licence d'entrepreneur de spectacles, rémunération des artistes.",
  themes=["culture", "events"], terr="carvelonne", groups=ALL,
  application_process="Sur rendez-vous, le premier mercredi du mois, à la médiathèque.")
S(o, "referente-pratiques-amateurs", "contact", "Inès Carvalho — chargée des pratiques amateurs",
  "Contact pour les musiciens, comédiens, danseurs et plasticiens amateurs : trouver un lieu de répétition, un "
  "créneau à l'auditorium, une aide, d'autres artistes.",
  themes=["culture"], terr="carvelonne", groups=ALL,
  person={"name": "Inès Carvalho", "title": "Chargée de mission pratiques amateurs", "email": "i.carvalho@carvelonne.fr"})
S(o, "grainotheque", "initiative", "Grainothèque de la médiathèque",
  "Déposez et empruntez librement des graines de fleurs et légumes. Des bénévoles animent un troc de graines et "
  "de plants chaque printemps.",
  themes=["garden", "environment"], terr="saint-gildas", groups=ALL,
  loc={"name": "Médiathèque Saint-Gildas", "street": "1 place du Calvaire", "q": "saint-gildas", "access": "Ascenseur."})

# ---------------------------------------------------------------- 5. Sports
o = ORGS[1]  # sports are part of the Vie associative direction
S(o, "gymnase-kerlann", "room", "Gymnase de Kerlann — créneaux associatifs",
  "Gymnase avec salle multisports (handball, basket, badminton) et une salle de danse. Créneaux en soirée et le "
  "week-end pour les clubs et les groupes d'habitants.",
  themes=["sport", "youth"], terr="kerlann", groups=ALL,
  facts={"capacity": 200, "wheelchair_accessible": "true", "booking_notice_days": 30},
  loc={"name": "Gymnase de Kerlann", "street": "Avenue de Kerlann", "q": "kerlann", "access": "Plain-pied, vestiaires PMR."})
S(o, "sport-pour-tous", "grant", "Aide « Sport pour tous »",
  "Aide aux clubs qui ouvrent des créneaux à des publics éloignés du sport : femmes des quartiers, personnes "
  "handicapées, seniors, jeunes sans club.",
  themes=["sport", "accessibility", "elderly"], terr="carvelonne",
  eligibility_description="Réservée aux clubs sportifs affiliés et aux associations déclarées. Jusqu'à 2 500 € par "
                          "projet. Dossier possible toute l'année.")
S(o, "educateur-sport-rue", "contact", "Moussa Keita, éducateur sportif de rue",
  "Moussa anime du sport en bas des immeubles et aide les jeunes qui veulent monter un tournoi ou une équipe.",
  themes=["sport", "youth"], terr="carvelonne", groups=ALL,
  person={"name": "Moussa Keita", "title": "Éducateur sportif", "phone": "06 12 34 56 78"})

# ---------------------------------------------------------------- 6. CCAS
o = org("ccas", "CCAS de Carvelonne", "Centre communal d'action sociale : solidarités, seniors, lutte contre l'isolement.",
        email="ccas@carvelonne.fr")
S(o, "bien-vieillir-ensemble", "grant", "Appel à initiatives « Bien vieillir ensemble »",
  "Le CCAS finance des actions contre l'isolement des personnes âgées : visites de convivialité, goûters, ateliers "
  "mémoire, sorties, aide au numérique.",
  themes=["elderly", "health", "digital"], terr="carvelonne", groups=COLL,
  facts={"grant_min_eur": 200, "grant_max_eur": 1200, "deadline": "2027-02-15", "association_required": "false"},
  eligibility_description="Associations et groupes d'habitants, même sans statut.")
S(o, "coordinatrice-isolement", "contact", "Martine Jaouen — coordinatrice « Isolement des aînés »",
  "Pour toute idée en direction des personnes âgées : visiter, accompagner, organiser un repas. Martine connaît les "
  "résidences seniors et le réseau MONALISA.",
  themes=["elderly", "health"], terr="carvelonne", groups=ALL,
  person={"name": "Martine Jaouen", "title": "Coordinatrice isolement", "email": "m.jaouen@ccas-carvelonne.fr",
          "phone": "02 41 70 40 12"})

# ---------------------------------------------------------------- 7. Cadre de vie & santé
o = org("cv-cadre-vie", "Ville de Carvelonne — Direction du Cadre de vie, de la Santé publique et de l'Accessibilité",
        "Espaces verts, propreté, service communal d'hygiène et de santé.", email="cadredevie@carvelonne.fr")
S(o, "referente-jardins", "contact", "Anne Rivoal, référente jardins partagés et nature en ville",
  "Vous voulez jardiner au pied de votre immeuble, végétaliser un trottoir, installer des bacs ? Anne vous aide à "
  "trouver un terrain, à signer la convention et vous met en relation avec les jardins existants.",
  themes=["garden", "environment"], terr="carvelonne", groups=ALL,
  person={"name": "Anne Rivoal", "title": "Référente jardins partagés", "email": "a.rivoal@carvelonne.fr"})
S(o, "hygiene-repas-partages", "legal", "Conseil hygiène alimentaire pour les repas et buvettes associatifs",
  "Le service d'hygiène explique les règles pour un repas partagé, une vente de gâteaux ou une buvette : chaîne "
  "du froid, plats faits maison, allergènes, déclaration.",
  themes=["food", "health", "events"], terr="carvelonne", groups=ALL)

# ---------------------------------------------------------------- 8. Agglomération
o = org("agglo", "Carvelonne Océan Agglomération — Pôle Transition écologique",
        "Énergie, déchets, mobilités et alimentation à l'échelle des communes de l'agglomération.",
        email="transition@carvelonne-ocean.fr")
S(o, "fonds-transition", "grant", "Fonds citoyen pour la transition écologique",
  "Subvention pour les projets citoyens qui réduisent les déchets, économisent l'énergie ou favorisent la "
  "biodiversité, partout dans l'agglomération.",
  themes=["energy", "environment", "repair", "garden"], terr="carvelonne-ocean", groups=COLL,
  facts={"grant_min_eur": 500, "grant_max_eur": 3000, "deadline": "2027-03-31", "association_required": "false"},
  eligibility_description="Collectifs d'au moins 5 habitants de l'agglomération ou associations.")
S(o, "aide-compost-partage", "grant", "Aide au compostage partagé",
  "L'agglo fournit le composteur collectif, le bio-seau pour chaque foyer et une formation de référent composteur. "
  "Prise en charge jusqu'à 600 €.",
  themes=["environment", "garden"], terr="carvelonne-ocean", groups=ALL,
  facts={"grant_max_eur": 600, "association_required": "false"},
  application_process="Demande en ligne ; il faut l'accord du propriétaire ou du bailleur du terrain.")
S(o, "ateliers-velo-aide", "grant", "Appel à projets « Ateliers vélo participatifs »",
  "Financement du matériel et des outils pour créer un atelier où l'on apprend à réparer son vélo.",
  themes=["mobility", "repair"], terr="carvelonne-ocean", groups=COLL,
  facts={"grant_max_eur": 1500, "deadline": "2027-05-15"})
S(o, "conseiller-energie", "contact", "Loïc Tanguy — conseiller France Rénov' et énergie",
  "Conseils neutres et gratuits sur la rénovation, les économies d'énergie, les défis « familles à énergie positive » "
  "et les projets solaires collectifs.",
  themes=["energy", "housing"], terr="carvelonne-ocean", groups=ALL,
  person={"name": "Loïc Tanguy", "title": "Conseiller énergie", "email": "energie@carvelonne-ocean.fr",
          "phone": "02 41 80 00 10"})
S(o, "charge-mobilites", "contact", "Erwan Le Floch, chargé des mobilités douces",
  "Pistes cyclables, pédibus, stationnement vélo, ateliers de réparation : Erwan accompagne les habitants et les "
  "écoles qui veulent se déplacer autrement.",
  themes=["mobility"], terr="carvelonne-ocean", groups=ALL,
  person={"name": "Erwan Le Floch", "title": "Chargé mobilités", "email": "e.lefloch@carvelonne-ocean.fr"})
S(o, "projet-alimentaire", "contact", "Léa Morvan, Projet alimentaire territorial",
  "Circuits courts, épiceries solidaires, cuisines partagées, lutte contre le gaspillage alimentaire : Léa met en "
  "lien les habitants, les producteurs et les cantines.",
  themes=["food", "environment"], terr="carvelonne-ocean", groups=ALL,
  person={"name": "Léa Morvan", "title": "Cheffe de projet PAT", "email": "l.morvan@carvelonne-ocean.fr"})
S(o, "pret-gobelets", "sponsor", "Prêt de gobelets réutilisables et de vaisselle lavable",
  "Pour un événement zéro déchet : 2 000 gobelets, assiettes et couverts lavables prêtés gratuitement, plus un "
  "lave-vaisselle mobile.",
  themes=["environment", "events", "food"], terr="carvelonne-ocean", groups=ALL, support=["in_kind"])

# ---------------------------------------------------------------- 9. Centre social Kerlann
o = org("ti-kerlann", "Centre social Ti Kerlann",
        "Association agréée centre social par la CAF. Accueil, familles, jeunesse, animation de la vie du quartier.",
        email="accueil@tikerlann.org", legal_status="Association loi 1901")
S(o, "salle-polyvalente-kerlann", "room", "Salle polyvalente du centre social",
  "Salle de 80 places avec cuisine, prêtée aux habitants et associations du quartier pour leurs fêtes, repas "
  "partagés, réunions et ateliers.",
  themes=["events", "food", "parenting"], terr="kerlann", groups=ALL,
  facts={"capacity": 80, "wheelchair_accessible": "true", "booking_notice_days": 15}, equip=["kitchen", "sound_system"],
  loc={"name": "Centre social Ti Kerlann", "street": "Place Nelson-Mandela", "q": "kerlann",
       "access": "Plain-pied, rampe, toilettes adaptées."})
S(o, "atelier-bricolage-kerlann", "room", "Atelier bricolage du centre social",
  "Petit atelier équipé (établis, perceuses, scie sauteuse) pour bricoler, réparer ou fabriquer en groupe.",
  themes=["repair"], terr="kerlann", groups=ALL,
  facts={"capacity": 15, "wheelchair_accessible": "true"}, equip=["workshop_tools"],
  loc={"name": "Centre social Ti Kerlann — atelier", "street": "Place Nelson-Mandela", "q": "kerlann", "access": "Plain-pied."})
S(o, "fonds-participation-kerlann", "grant", "Fonds de participation des habitants de Kerlann (FPH)",
  "Finance les petites initiatives des habitants de Kerlann (quartier prioritaire) : sorties, fêtes, embellissement, "
  "ateliers. Le comité d'attribution est composé d'habitants.",
  themes=["events", "youth", "parenting", "food", "garden"], terr="kerlann",
  eligibility_description="Habitants de Kerlann, seuls ou en petit groupe, sans obligation d'être en association. "
                          "Entre 50 et 800 € par projet.",
  application_process="Passer au centre social ; réponse en 3 semaines.")
S(o, "referente-familles-kerlann", "contact", "Fatou Sarr — référente familles",
  "Accompagne les parents : sorties familles, café des parents, soutien à la parentalité, projets de vacances.",
  themes=["parenting"], terr="kerlann", groups=ALL,
  person={"name": "Fatou Sarr", "title": "Référente familles", "email": "familles@tikerlann.org"})
S(o, "cafe-parents-kerlann", "initiative", "Café des parents de Kerlann",
  "Tous les vendredis matin, des parents se retrouvent autour d'un café pour échanger sur l'éducation, l'école, le "
  "sommeil, les écrans. Gratuit, sans inscription, enfants bienvenus.",
  themes=["parenting"], terr="kerlann", groups=ALL)
S(o, "cuisines-du-monde", "initiative", "Les Cuisines du Monde de Kerlann",
  "Groupe d'habitantes et d'habitants qui cuisinent ensemble les recettes de leurs pays et préparent des repas "
  "pour les fêtes du quartier. On cherche toujours de nouvelles recettes et des mains !",
  themes=["food", "culture"], terr="kerlann", groups=ALL)
S(o, "foot-de-rue", "initiative", "Foot de rue au city-stade de Kerlann",
  "Chaque mercredi et samedi, matchs et tournois mixtes pour les 10-17 ans, encadrés par des bénévoles et "
  "l'éducateur de rue.",
  themes=["sport", "youth"], terr="kerlann", groups=ALL, minimum_age=10, maximum_age=17)

# ---------------------------------------------------------------- 10. Maison pour Tous des Dunes
o = org("mpt-dunes", "Maison pour Tous des Dunes",
        "Équipement de quartier associatif au bord de la plage : loisirs, rencontres, salles pour les habitants.",
        email="contact@mpt-dunes.fr")
S(o, "grande-salle-mpt", "room", "Grande salle de la Maison pour Tous",
  "Salle lumineuse de 120 places avec scène amovible, cuisine et sonorisation : repas, spectacles, lotos, bals.",
  themes=["events", "food", "culture"], terr="les-dunes", groups=ALL,
  facts={"capacity": 120, "wheelchair_accessible": "true", "booking_notice_days": 30},
  equip=["kitchen", "sound_system", "projector"],
  loc={"name": "Maison pour Tous des Dunes", "street": "12 avenue des Dunes", "q": "les-dunes",
       "access": "Plain-pied, parking PMR."})
S(o, "club-house-semaphore", "room", "Club-house du Sémaphore",
  "Petite salle à l'étage du poste de secours, avec une vue sur la baie. Idéale pour une réunion ou un atelier "
  "d'une vingtaine de personnes.",
  themes=["environment"], terr="les-dunes",
  loc={"name": "Poste du Sémaphore", "street": "Rue du Sémaphore", "q": "les-dunes",
       "access": "Accès uniquement par un escalier extérieur de 14 marches, pas d'ascenseur."},
  eligibility_description="Prêtée aux habitants et associations ; 25 personnes au maximum.",
  fees_description="Gratuit. Pas de cuisine : pas de repas.")
S(o, "cuisine-partagee-dunes", "room", "Cuisine partagée des Dunes",
  "Cuisine professionnelle pédagogique de 14 places pour des ateliers cuisine, des batch-cookings solidaires ou la "
  "préparation d'un repas de quartier.",
  themes=["food", "health"], terr="les-dunes", groups=ALL,
  facts={"capacity": 14, "wheelchair_accessible": "true", "booking_notice_days": 7}, equip=["pro_kitchen"],
  loc={"name": "Maison pour Tous des Dunes — cuisine", "street": "12 avenue des Dunes", "q": "les-dunes", "access": "Plain-pied."})
S(o, "composteur-dunes", "initiative", "Composteur partagé des Dunes",
  "Trois bacs de compost gérés par des voisins derrière la Maison pour Tous. Permanence le samedi 10 h-11 h pour "
  "déposer ses épluchures et apprendre.",
  themes=["environment", "garden"], terr="les-dunes", groups=ALL)
S(o, "balades-pour-tous", "initiative", "Balades pour tous",
  "Balades accessibles le long du front de mer avec des joëlettes et des fauteuils tout-terrain, pour que les "
  "personnes en situation de handicap et leurs proches profitent de la plage.",
  themes=["accessibility", "sport", "health"], terr="les-dunes", groups=ALL)

# ---------------------------------------------------------------- 11. Maison des Associations
o = org("mda", "Maison des Associations de Carvelonne (MDA)",
        "Lieu ressource pour la vie associative : salles, domiciliation, formations, conseil juridique.",
        email="mda@carvelonne.fr", website="https://mda.carvelonne.fr")
S(o, "salles-reunion-mda", "room", "Salles de réunion de la MDA (salles A à D)",
  "Quatre salles de 20 places pour les réunions de bureau, assemblées générales restreintes et formations.",
  themes=["events"], terr="carvelonne", groups=("association",),
  facts={"capacity": 20, "wheelchair_accessible": "true", "association_required": "true", "booking_notice_days": 7},
  equip=["projector", "wifi"],
  loc={"name": "Maison des Associations", "street": "8 rue de la Douane", "q": "vieux-port", "access": "Ascenseur."},
  eligibility_description="Réservées aux associations adhérentes de la MDA (adhésion 20 €/an).")
S(o, "salle-conference-mda", "room", "Salle de conférence de la MDA",
  "Salle de 150 places pour les assemblées générales, conférences et débats publics.",
  themes=["events", "culture"], terr="carvelonne", groups=COLL,
  facts={"capacity": 150, "wheelchair_accessible": "true", "booking_notice_days": 30},
  equip=["projector", "sound_system", "wifi"],
  loc={"name": "Maison des Associations", "street": "8 rue de la Douane", "q": "vieux-port", "access": "Ascenseur."})
S(o, "creer-son-association", "legal", "Créer son association : accompagnement",
  "Rédaction des statuts, déclaration en préfecture, premier bureau, ouverture d'un compte : un conseiller vous "
  "accompagne pas à pas pour passer du collectif à l'association.",
  themes=["events"], terr="carvelonne", groups=("alone", "informal"),
  application_process="Atelier collectif le 2e jeudi du mois, puis rendez-vous individuel.")
S(o, "conseil-assurance", "legal", "Conseil assurance et responsabilité des organisateurs",
  "Qui est responsable en cas d'accident pendant votre événement ? Faut-il une assurance responsabilité civile "
  "organisateur ? La MDA vous explique les contrats, les attestations demandées par la Ville et les cas des "
  "collectifs sans statut.",
  themes=["events"], terr="carvelonne", groups=ALL)
S(o, "juristes-solidaires", "legal", "Permanence « Juristes solidaires » — droit des associations",
  "Des juristes bénévoles répondent aux associations : employer un salarié, contrats, fiscalité, RGPD, conflits "
  "au sein du bureau.",
  themes=["events"], terr="carvelonne",
  eligibility_description="Associations déclarées uniquement (apporter ses statuts).")

# ---------------------------------------------------------------- 12. CDAD / accès au droit
o = org("cdad", "Conseil départemental de l'accès au droit des Côtes-d'Ardève (CDAD)",
        "Information juridique gratuite et confidentielle pour tous.", email="cdad@justice-ardeve.fr")
S(o, "point-acces-droit", "legal", "Point d'accès au droit de Carvelonne",
  "Juristes généralistes : droit de la famille, du travail, de la consommation, du logement, démarches. Gratuit, "
  "confidentiel, sur rendez-vous.",
  themes=["housing"], terr="carvelonne", groups=("alone",),
  loc={"name": "Point d'accès au droit", "street": "Rue Simone-Veil", "q": "kerlann", "access": "Plain-pied."})
S(o, "avocats-gratuits", "legal", "Consultations gratuites d'avocats",
  "Le premier samedi du mois, un avocat du barreau reçoit gratuitement pour une première consultation.",
  terr="carvelonne", groups=("alone",))
S(o, "conciliateur", "legal", "Conciliateur de justice",
  "Règlement amiable des conflits de voisinage (bruit, haies, parties communes), des litiges avec un artisan ou un "
  "propriétaire, sans passer par le tribunal.",
  themes=["housing"], terr="carvelonne", groups=ALL)
S(o, "point-justice-port-aurel", "legal", "Point justice de Port-Aurel",
  "Permanences juridiques à la mairie de Port-Aurel pour les habitants de Port-Aurel.",
  terr="port-aurel", groups=("alone",),
  loc={"name": "Mairie de Port-Aurel", "street": "Place Aurélien-Le-Du", "q": "port-aurel", "access": "Plain-pied."})

o = org("adil", "ADIL des Côtes-d'Ardève", "Agence départementale d'information sur le logement.", email="adil@adil-ardeve.org")
S(o, "adil-conseil-logement", "legal", "Conseil juridique logement (ADIL)",
  "Bail, charges, dépôt de garantie, impayés, copropriété, travaux : les juristes de l'ADIL conseillent locataires "
  "et propriétaires, et les amicales de locataires.",
  themes=["housing"], terr="ardeve", groups=ALL)
o = org("cidff", "CIDFF des Côtes-d'Ardève",
        "Centre d'information sur les droits des femmes et des familles.", email="cidff@cidff-ardeve.org")
S(o, "cidff-permanence", "legal", "Permanence droits des femmes et des familles",
  "Informations juridiques sur la séparation, la pension alimentaire, les violences, l'emploi ; accompagnement des "
  "femmes qui veulent créer une activité ou un collectif.",
  themes=["parenting", "health"], terr="ardeve", groups=ALL)

# ---------------------------------------------------------------- 13. France Services
o = org("france-services", "France Services Kerlann", "Guichet de proximité pour les démarches administratives.",
        email="kerlann@france-services.gouv.fr")
S(o, "france-services-demarches", "legal", "Aide aux démarches administratives en ligne",
  "Des conseillers vous aident pour vos démarches CAF, impôts, titres de séjour, retraite, santé, et pour créer vos "
  "comptes en ligne.",
  themes=["digital"], terr="carvelonne", groups=("alone",),
  loc={"name": "France Services Kerlann", "street": "Place Nelson-Mandela", "q": "kerlann", "access": "Plain-pied."})
S(o, "conseillere-numerique", "contact", "Pauline Nédélec, conseillère numérique",
  "Ateliers et rendez-vous pour apprendre à utiliser un smartphone, un ordinateur, les visios ; aide aux "
  "associations qui veulent créer un site ou une page.",
  themes=["digital", "elderly"], terr="carvelonne", groups=ALL,
  person={"name": "Pauline Nédélec", "title": "Conseillère numérique France Services", "phone": "02 41 70 55 01"})

# ---------------------------------------------------------------- 14. Département
o = org("departement", "Département des Côtes-d'Ardève — Direction Jeunesse et Vie locale",
        "Politiques jeunesse et soutien à la vie locale dans le département.", email="jeunesse@ardeve.fr")
S(o, "bourse-initiatives-jeunes", "grant", "Bourse Initiatives Jeunes",
  "Tu as entre 16 et 25 ans et un projet solidaire, culturel, sportif ou environnemental ? Le Département peut "
  "t'aider jusqu'à 1 000 €, seul ou avec des amis.",
  themes=["youth", "culture", "sport", "environment"], terr="ardeve", groups=("alone", "informal"),
  facts={"grant_max_eur": 1000, "association_required": "false"}, minimum_age=16, maximum_age=25,
  application_process="Dossier en ligne, passage devant un jury de jeunes (sessions tous les deux mois).")
S(o, "point-info-jeunesse", "contact", "Hugo Le Bihan — Point Information Jeunesse",
  "Aide les 15-25 ans à monter un projet : montage de dossier, recherche de financement, service civique, "
  "Bourse Initiatives Jeunes.",
  themes=["youth"], terr="carvelonne", groups=ALL,
  person={"name": "Hugo Le Bihan", "title": "Informateur jeunesse", "email": "pij@carvelonne.fr"})

o = org("sdjes", "Service départemental à la jeunesse, à l'engagement et aux sports (SDJES)",
        "Services de l'État : FDVA, service civique, agréments.", email="sdjes@ardeve.gouv.fr")
S(o, "fdva-2026", "grant", "FDVA « Fonctionnement et innovation » — campagne 2026",
  "Le Fonds pour le développement de la vie associative soutient le fonctionnement global et les projets innovants "
  "des petites associations.",
  themes=["events", "culture", "environment"], terr="ardeve", groups=("association",),
  facts={"association_required": "true", "grant_min_eur": 1000, "grant_max_eur": 8000, "deadline": "2026-02-12"})

o = org("ardeve-active", "Ardève Active", "Accompagnement et financement des associations et de l'économie sociale.",
        email="contact@ardeve-active.org")
S(o, "dla", "legal", "Dispositif local d'accompagnement (DLA)",
  "Diagnostic et conseil gratuits pour les associations employeuses : modèle économique, gouvernance, "
  "comptabilité, statut fiscal, recherche de financements.",
  terr="ardeve", groups=("association",), facts={"association_required": "true"})

# ---------------------------------------------------------------- 15. CAF, contrat de ville
o = org("caf", "Caisse d'allocations familiales de l'Ardève", "Prestations et action sociale familles.",
        email="partenaires@caf-ardeve.fr")
S(o, "reaap", "grant", "Appel à projets Parentalité (REAAP) 2027",
  "Financement des actions qui soutiennent les parents : groupes de parole, ateliers parents-enfants, cafés des "
  "parents, conférences.",
  themes=["parenting"], terr="ardeve", groups=("association",),
  facts={"association_required": "true", "grant_min_eur": 500, "grant_max_eur": 6000, "deadline": "2027-01-20"},
  eligibility_description="Porteurs de projets associatifs ou structures agréées.")
o = org("contrat-ville", "État — Contrat de ville de Carvelonne Océan",
        "Politique de la ville pour le quartier prioritaire de Kerlann.", email="politique-ville@ardeve.gouv.fr")
S(o, "appel-contrat-ville-2026", "grant", "Appel à projets du Contrat de ville 2026 — Kerlann",
  "Crédits politique de la ville pour les actions menées à Kerlann : emploi, réussite éducative, santé, "
  "cadre de vie, lien social.",
  themes=["youth", "health", "parenting", "housing"], terr="kerlann", groups=("association",),
  facts={"association_required": "true", "grant_min_eur": 2000, "grant_max_eur": 20000, "deadline": "2025-11-30"})

# ---------------------------------------------------------------- 16. Fondation (English labels)
o = org("banque-marees", "Fondation Banque des Marées",
        "Fondation d'entreprise d'une banque coopérative régionale. Soutient l'engagement associatif sur la côte.",
        email="fondation@banquedesmarees.fr", labels="en")
S(o, "prix-solidarite-marees", "grant", "Prix Solidarité des Marées 2027",
  "Prix de 1 000 à 5 000 € pour des projets associatifs d'intérêt général : insertion, environnement littoral, "
  "culture maritime, solidarité.",
  themes=["environment", "culture"], terr="ardeve", groups=("association",),
  facts={"association_required": "true", "grant_min_eur": 1000, "grant_max_eur": 5000, "deadline": "2027-04-30"})
S(o, "mecenat-competences-marees", "sponsor", "Mécénat de compétences des salariés de la Banque des Marées",
  "Des salariés volontaires donnent quelques jours à une association : comptabilité, plan de financement, "
  "communication, informatique.",
  themes=["digital"], terr="ardeve", groups=("association",), support=["skills"])
S(o, "caisse-locale-dons", "sponsor", "Caisse locale de Carvelonne — dons aux associations",
  "La caisse locale soutient chaque année des projets d'associations du secteur par de petits dons (300 à 1 500 €).",
  themes=["events", "sport", "culture"], terr="carvelonne", groups=("association",), support=["financial"],
  facts={"association_required": "true", "grant_max_eur": 1500})

# ---------------------------------------------------------------- 17. Entreprises
o = org("carv-entreprendre", "Carvelonne Entreprendre — réseau des entreprises mécènes",
        "Association d'entreprises du territoire qui soutiennent les projets locaux ; chaque fiche est celle d'une entreprise membre.",
        email="mecenat@carvelonne-entreprendre.fr")
S(o, "hyper-ocean-dons", "sponsor", "Hyper Océan — dons de denrées et lots pour les fêtes de quartier",
  "Le magasin donne des boissons, gâteaux et lots de tombola pour les fêtes de quartier, et ses invendus aux "
  "épiceries solidaires. Demande par courrier un mois avant.",
  themes=["food", "events"], terr="carvelonne", groups=COLL, support=["in_kind"])
S(o, "le-goff-outils-bois", "sponsor", "Chantier naval Le Goff & Fils — chutes de bois, outillage et savoir-faire",
  "Le chantier donne ses chutes de bois et de contreplaqué marine, prête de l'outillage et ses charpentiers viennent "
  "aider à construire bacs potagers, bancs, cabanes ou boîtes à livres.",
  themes=["repair", "garden"], terr="carvelonne", groups=ALL, support=["in_kind", "skills"])
S(o, "imprimerie-du-port", "sponsor", "Imprimerie du Port — affiches et flyers",
  "Impression gratuite d'affiches et de flyers pour un projet associatif ou citoyen par an, puis à prix coûtant.",
  themes=["events", "culture"], terr="carvelonne", groups=ALL, support=["in_kind"])
S(o, "brasserie-carvelonnaise", "sponsor", "Brasserie Carvelonnaise — sponsoring des fêtes",
  "La brasserie sponsorise des fêtes et des événements sportifs locaux.",
  themes=["events", "sport"], terr="carvelonne", support=["financial"],
  eligibility_description="Uniquement pour les associations déclarées ; 500 € au plus ; logo de la brasserie sur les supports.")
S(o, "electricite-kerbrat", "sponsor", "Électricité Kerbrat — branchements provisoires",
  "Installation gratuite de coffrets électriques provisoires et conseil sécurité pour les fêtes de quartier et "
  "marchés.",
  themes=["events"], terr="carvelonne", groups=ALL, support=["in_kind", "skills"])
S(o, "jardinerie-landes", "sponsor", "Jardinerie des Landes — plants et terreau",
  "Dons de plants, graines, terreau et petits outils aux jardins partagés et aux écoles de l'agglomération.",
  themes=["garden"], terr="carvelonne-ocean", groups=ALL, support=["in_kind"],
  loc={"name": "Jardinerie des Landes", "street": "Route de Carvelonne", "q": "saint-meen-des-landes", "access": "Plain-pied."})
S(o, "sport-ocean", "sponsor", "Sport Océan — matériel sportif",
  "Dons de ballons, chasubles, filets et matériel de seconde main pour les équipes de quartier et les clubs.",
  themes=["sport", "youth"], terr="carvelonne", groups=ALL, support=["in_kind"])
S(o, "fournil-dunes", "sponsor", "Le Fournil des Dunes",
  "La boulangerie offre pain et viennoiseries pour les goûters et petits-déjeuners solidaires du quartier des Dunes.",
  themes=["food"], terr="les-dunes", groups=ALL, support=["in_kind"])
S(o, "atelier-haliotis", "sponsor", "Atelier Haliotis, architectes — mécénat de compétences",
  "Les architectes aident bénévolement à dessiner un aménagement : jardin, aire de jeux, rampe d'accès, local "
  "associatif, en respectant les normes d'accessibilité.",
  themes=["accessibility", "garden", "housing"], terr="carvelonne", groups=COLL, support=["skills"])
S(o, "carv-ordi", "sponsor", "Carv'Ordi — ordinateurs reconditionnés",
  "Recyclerie numérique qui donne des ordinateurs reconditionnés aux associations et aux collectifs qui animent "
  "des ateliers numériques.",
  themes=["digital", "repair"], terr="carvelonne", groups=COLL, support=["in_kind"])
o = org("lions-phare", "Lions Club Carvelonne Phare", "Club service.", email="lions.carvelonne@example.org")
S(o, "lions-soutien", "sponsor", "Soutien du Lions Club aux projets solidaires",
  "Le club finance chaque année quelques projets au profit des enfants, des personnes âgées et des personnes "
  "malvoyantes.",
  themes=["elderly", "youth", "accessibility"], terr="carvelonne", groups=("association",), support=["financial"],
  facts={"association_required": "true", "grant_max_eur": 2000})

# ---------------------------------------------------------------- 18. Saint-Méen-des-Landes
o = org("saint-meen", "Commune de Saint-Méen-des-Landes",
        "Mairie de Saint-Méen-des-Landes (1 300 habitants) et vie associative communale.",
        email="mairie@saint-meen-des-landes.fr")
S(o, "salle-polyvalente-saint-meen", "room", "Salle polyvalente de Saint-Méen",
  "Salle communale de 140 places avec cuisine, bar et parking, louée aux habitants de la commune et prêtée aux "
  "associations saint-méennaises.",
  themes=["events", "food"], terr="saint-meen-des-landes", groups=ALL,
  facts={"capacity": 140, "wheelchair_accessible": "true", "booking_notice_days": 30}, equip=["kitchen", "sound_system"],
  loc={"name": "Salle polyvalente", "street": "Le Bourg", "q": "saint-meen-des-landes", "access": "Plain-pied."},
  eligibility_description="Habitants et associations de Saint-Méen-des-Landes.")
S(o, "ancienne-ecole-saint-meen", "room", "Salle de l'ancienne école",
  "Ancienne classe de l'école du bourg, pour les réunions et ateliers (30 personnes). Kitchenette.",
  themes=["events", "culture"], terr="saint-meen-des-landes",
  loc={"name": "Ancienne école", "street": "Rue de l'Ancienne-École", "q": "saint-meen-des-landes",
       "access": "Une marche haute à l'entrée ; toilettes à l'étage non accessibles."},
  eligibility_description="Réservée aux habitants et associations de la commune.")
S(o, "fonds-animation-rurale", "grant", "Fonds d'animation rurale de Saint-Méen",
  "La commune aide les habitants qui animent le bourg et les hameaux : fête de hameau, marché de producteurs, "
  "randonnée, atelier intergénérationnel.",
  themes=["events", "food", "elderly"], terr="saint-meen-des-landes", groups=ALL,
  facts={"grant_max_eur": 700, "association_required": "false", "deadline": "2027-03-01"})
S(o, "permanence-juridique-saint-meen", "legal", "Permanence juridique en mairie de Saint-Méen",
  "Un juriste du CDAD reçoit en mairie un mardi par mois, pour les habitants de Saint-Méen et des hameaux.",
  terr="saint-meen-des-landes", groups=("alone",))
S(o, "adjointe-vie-locale-saint-meen", "contact", "Odile Berthelot, adjointe à la vie locale",
  "L'élue à la vie associative et locale de Saint-Méen reçoit les porteurs de projets : salle, matériel de la "
  "commune, lien avec le comité des fêtes.",
  themes=["events"], terr="saint-meen-des-landes", groups=ALL,
  person={"name": "Odile Berthelot", "title": "Adjointe à la vie locale", "phone": "02 41 90 12 00"})
S(o, "comite-fetes-saint-meen", "initiative", "Comité des fêtes de Saint-Méen",
  "Organise la fête du pain, le fest-noz d'été et le marché de Noël du bourg ; accueille volontiers de nouveaux "
  "bénévoles.",
  themes=["events", "culture"], terr="saint-meen-des-landes", groups=ALL)
S(o, "sabots-verts", "initiative", "Les Sabots Verts — jardin partagé du bourg",
  "Jardin partagé derrière la mairie ; parcelles collectives, poules et ateliers avec l'école.",
  themes=["garden"], terr="saint-meen-des-landes", groups=ALL)

# ---------------------------------------------------------------- 19. Port-Aurel
o = org("port-aurel", "Ville de Port-Aurel", "Commune voisine de Carvelonne (8 000 habitants).",
        email="vie-locale@port-aurel.fr")
S(o, "espace-marelle", "room", "Espace La Marelle",
  "Salle de spectacle et de fêtes de 200 places avec cuisine, réservée aux associations et habitants de Port-Aurel.",
  themes=["events", "food", "culture"], terr="port-aurel", groups=ALL,
  facts={"capacity": 200, "wheelchair_accessible": "true", "booking_notice_days": 45}, equip=["kitchen", "sound_system"],
  loc={"name": "Espace La Marelle", "street": "Avenue de la Plaisance", "q": "port-aurel", "access": "Plain-pied."})
S(o, "salle-des-voiles", "room", "Salle des Voiles",
  "Salle de réunion de 50 places à la marina de Port-Aurel.",
  themes=["events"], terr="port-aurel", groups=ALL,
  facts={"capacity": 50, "wheelchair_accessible": "true"}, equip=["kitchenette", "projector"],
  loc={"name": "Marina de Port-Aurel", "street": "Quai de la Marina", "q": "port-aurel", "access": "Plain-pied."})
S(o, "coup-de-pouce-port-aurel", "grant", "Coup de pouce aux initiatives port-aurelaises",
  "Aide de 100 à 1 000 € aux projets d'habitants de Port-Aurel.",
  themes=["events", "environment", "youth"], terr="port-aurel", groups=("informal", "association"),
  facts={"grant_min_eur": 100, "grant_max_eur": 1000, "association_required": "false"})
S(o, "agent-port-aurel", "contact", "Nolwenn Cariou — animatrice vie locale de Port-Aurel",
  "Accompagne les habitants de Port-Aurel qui montent un projet dans leur commune.",
  themes=["events"], terr="port-aurel", groups=ALL,
  person={"name": "Nolwenn Cariou", "title": "Animatrice vie locale", "email": "n.cariou@port-aurel.fr"})
S(o, "repair-port-aurel", "initiative", "Repair café de Port-Aurel",
  "Un samedi par mois à l'Espace La Marelle : on répare ensemble petit électroménager, vêtements, vélos.",
  themes=["repair"], terr="port-aurel", groups=ALL)
S(o, "marina-sponsor", "sponsor", "Port de plaisance de Port-Aurel — partenariats",
  "La régie du port soutient financièrement les événements nautiques et festifs organisés à Port-Aurel.",
  themes=["events", "sport"], terr="port-aurel", groups=COLL, support=["financial"])

# ---------------------------------------------------------------- 20. La Cale (tiers-lieu)
o = org("la-cale", "La Cale — tiers-lieu associatif de la Criée",
        "Ancien entrepôt de mareyage transformé en tiers-lieu : atelier, fablab, café associatif, salle.",
        email="bonjour@lacale-carvelonne.org", legal_status="Association loi 1901")
S(o, "salle-la-cale", "room", "La Grande Cale — salle du tiers-lieu",
  "Salle brute et chaleureuse de 40 places, avec cuisine, wifi et accès à l'atelier. Prix libre pour les collectifs.",
  themes=["events", "repair", "digital", "culture"], terr="la-criee", groups=ALL,
  facts={"capacity": 40, "wheelchair_accessible": "true", "booking_notice_days": 7},
  equip=["kitchen", "workshop_tools", "wifi", "projector"],
  loc={"name": "La Cale", "street": "17 rue des Mareyeurs", "q": "la-criee", "access": "Plain-pied, large porte coulissante."})
S(o, "repair-carv", "initiative", "Repair'Carv — le repair café de Carvelonne",
  "Chaque 2e samedi du mois, des bénévoles bricoleurs aident à réparer grille-pain, lampes, vêtements, jouets et "
  "vélos plutôt que de jeter. On cherche aussi des réparateurs !",
  themes=["repair", "environment"], terr="carvelonne", groups=ALL,
  loc={"name": "La Cale", "street": "17 rue des Mareyeurs", "q": "la-criee", "access": "Plain-pied."})
S(o, "fablab-la-cale", "initiative", "Fablab de La Cale",
  "Imprimantes 3D, découpe laser et électronique ; soirées ouvertes le jeudi pour apprendre et fabriquer.",
  themes=["digital", "repair"], terr="carvelonne", groups=ALL)

# ---------------------------------------------------------------- 21. Réseau des initiatives citoyennes
o = org("reseau-solidaire", "Réseau Carvelonne Solidaire — annuaire des initiatives citoyennes",
        "Annuaire tenu par les bénévoles du réseau : collectifs et associations qui accueillent de nouveaux participants.",
        email="reseau@carvelonne-solidaire.org")
S(o, "jardins-roseraie", "initiative", "Jardins partagés de la Roseraie",
  "Une trentaine de jardiniers cultivent ensemble un terrain près de la gare. Parcelles collectives, ateliers "
  "compost, fête des récoltes. Liste d'attente pour les parcelles individuelles.",
  themes=["garden", "environment"], terr="la-roseraie", groups=ALL)
S(o, "dunes-propres", "initiative", "Collectif Dunes Propres",
  "Ramassage citoyen de déchets sur la plage et les dunes un dimanche par mois, gants et sacs fournis.",
  themes=["environment"], terr="les-dunes", groups=ALL)
S(o, "chambre-a-air", "initiative", "La Chambre à Air — atelier vélo participatif",
  "Atelier associatif où l'on apprend à réparer son vélo soi-même, avec des outils et des pièces d'occasion. "
  "Vélo-école pour adultes le samedi matin.",
  themes=["mobility", "repair"], terr="vieux-port", groups=ALL)
S(o, "chorale-saint-gildas", "initiative", "Chœur de la Ville Haute",
  "Chorale amateur de Saint-Gildas, tous niveaux, répertoire breton et chanson française ; répétitions le lundi soir.",
  themes=["culture"], terr="saint-gildas", groups=ALL)
S(o, "amap-marais", "initiative", "AMAP des Marais",
  "Paniers hebdomadaires de légumes bio d'un maraîcher de Saint-Méen, distribués le mardi soir au Vieux-Port.",
  themes=["food", "environment"], terr="carvelonne", groups=ALL)
S(o, "visiteurs-du-mardi", "initiative", "Les Visiteurs du mardi",
  "Des bénévoles rendent visite chaque semaine aux personnes âgées isolées de la ville haute : conversation, "
  "jeux, petites courses.",
  themes=["elderly"], terr="saint-gildas", groups=ALL)
S(o, "comite-fete-criee", "initiative", "Comité de la Fête de la Criée",
  "Organise chaque été la Fête de la Criée sur les quais : concerts, dégustations, régates de plates. Bénévoles bienvenus.",
  themes=["events", "culture", "food"], terr="la-criee", groups=ALL)
S(o, "cine-plein-air-roseraie", "initiative", "Ciné plein air de la Roseraie",
  "Projections gratuites l'été sur la place de l'Europe.",
  themes=["culture", "events"], terr="la-roseraie", groups=ALL, status="defunct",
  alert="Le collectif s'est dissous en 2024.")
S(o, "carv-energie", "initiative", "Carv'Énergie — centrale solaire citoyenne",
  "Coopérative d'habitants qui installe des panneaux solaires sur les toits publics ; chacun peut prendre des parts "
  "et rejoindre les groupes de travail.",
  themes=["energy", "environment"], terr="carvelonne-ocean", groups=ALL)
S(o, "welcome-carvelonne", "initiative", "Welcome Carvelonne — accueil des nouveaux habitants",
  "Des habitants bénévoles accueillent les nouveaux arrivants, y compris étrangers : cafés-conversation en français "
  "et en anglais, visites du quartier, aide pour les premières démarches.",
  themes=["culture"], terr="carvelonne", groups=ALL)
S(o, "clic-et-cafe", "initiative", "Clic & Café — entraide numérique",
  "Le mercredi après-midi au Vieux-Port, des jeunes bénévoles aident les aînés à se servir de leur téléphone, de "
  "leur tablette ou des visios avec les petits-enfants.",
  themes=["digital", "elderly"], terr="vieux-port", groups=ALL)
S(o, "boites-a-livres", "initiative", "Boîtes à livres de Saint-Gildas et du Vieux-Port",
  "Un collectif de voisins fabrique et entretient des boîtes à livres dans les rues. Nouvelles boîtes bienvenues.",
  themes=["culture"], terr="saint-gildas", groups=ALL)

# ---------------------------------------------------------------- 22. Mission handicap
o = next(x for x in ORGS if x["slug"] == "cv-cadre-vie")
S(o, "mission-accessibilite", "contact", "Solène Prigent — référente accessibilité",
  "Conseils pour rendre un événement ou un lieu accessible (handicap moteur, visuel, auditif, cognitif) ; prêt de "
  "rampes amovibles et de boucles magnétiques.",
  themes=["accessibility"], terr="carvelonne", groups=ALL,
  person={"name": "Solène Prigent", "title": "Référente accessibilité", "email": "s.prigent@carvelonne.fr"})
