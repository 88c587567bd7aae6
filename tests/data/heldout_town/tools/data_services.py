"""Resources of the Sorlanges directory (hand-written). One dict per HSDS service."""
ALL = ["alone", "informal", "association"]
GRP = ["informal", "association"]
ASSO = ["association"]
SV = []


def S(slug, org, kind, name, desc, themes, terr, groups, facts=None, equip=(), support=(), status="active",
      loc=None, person=None, **extra):
    SV.append(dict(slug=slug, org=org, kind=kind, name=name, desc=desc, themes=list(themes), terr=list(terr),
                   groups=list(groups), facts=facts or {}, equip=list(equip), support=list(support), status=status,
                   loc=loc, person=person, extra=extra))


def room(cap, acc, notice=None):
    f = {"capacity": str(cap), "wheelchair_accessible": "true" if acc else "false"}
    if notice is not None:
        f["booking_notice_days"] = str(notice)
    return f


def money(lo, hi, asso, deadline=None):
    f = {"grant_min_eur": str(lo), "grant_max_eur": str(hi), "association_required": "true" if asso else "false"}
    if deadline:
        f["deadline"] = deadline
    return f

# ------------------------------------------------------------------ rooms
S("salle-maison-quartier-chaumes", "centres-sociaux", "room", "Maison de quartier des Chaumes – grande salle",
  "Grande salle du rez-de-chaussée de la Maison de quartier, avec cuisine attenante et sono. Idéale pour un repas de quartier, une assemblée d'habitants ou une fête d'anniversaire de l'immeuble. Prêt gratuit aux habitants et collectifs du quartier en soirée et le week-end.",
  ["events", "food", "culture"], ["les-chaumes"], ALL, room(120, True, 15), equip=["kitchen", "sound_system", "wifi"],
  loc=("les-chaumes", "Place du Onze-Novembre", 4, "Maison de quartier des Chaumes", "Entrée de plain-pied, ascenseur, sanitaires adaptés."),
  application_process="Réservation à l'accueil de la Maison de quartier au moins quinze jours avant, avec une attestation d'assurance responsabilité civile.")
S("salle-lamartine-chaumes", "centres-sociaux", "room", "Salle Lamartine (petite salle de réunion)",
  "Petite salle de réunion au premier étage de la Maison de quartier des Chaumes, pour 15 personnes autour d'une table : réunions de collectif, permanences, ateliers d'écriture.",
  ["culture", "digital"], ["les-chaumes"], ALL, room(15, True, 3), equip=["wifi"],
  loc=("les-chaumes", "Place du Onze-Novembre", 4, "Maison de quartier des Chaumes", "Accès par l'ascenseur."))
S("salle-vieux-lavoir", "vie-asso", "room", "Salle voûtée du Vieux-Lavoir",
  "Ancienne cave voûtée restaurée en plein cœur historique, beaucoup de charme pour une lecture, un petit concert acoustique ou une expo. On y descend par un escalier de pierre : pas d'accès possible en fauteuil roulant.",
  ["culture", "events"], ["vieux-sorlanges"], ALL, room(40, False, 21), equip=["projector"],
  loc=("vieux-sorlanges", "Rue du Vieux-Lavoir", 7, "Salle du Vieux-Lavoir", "Escalier de 14 marches, pas d'ascenseur."))
S("halle-aux-grains", "vie-asso", "room", "Halle aux Grains",
  "Grande halle municipale de 300 places pour les manifestations d'envergure : bals, salons, lotos, spectacles. Réservée aux associations déclarées, sur dossier, avec un préavis de deux mois.",
  ["events", "culture"], ["sorlanges"], ASSO, room(300, True, 60), equip=["sound_system", "pro_kitchen", "projector"],
  loc=("vieux-sorlanges", "Place du Marché-aux-Herbes", 1, "Halle aux Grains", "Plain-pied, boucle magnétique."),
  eligibility_description="Associations loi 1901 ayant leur siège à Sorlanges uniquement.")
S("salle-cheminots", "vie-asso", "room", "Salle des Cheminots",
  "Salle municipale du Faubourg, à deux pas de la gare, avec coin cuisine et vidéoprojecteur. Convient aux réunions publiques, repas partagés, projections-débats jusqu'à 60 personnes.",
  ["events", "culture", "food"], ["faubourg-saint-jacques"], ALL, room(60, True, 10), equip=["kitchenette", "projector"],
  loc=("faubourg-saint-jacques", "Rue des Cheminots", 12, "Salle des Cheminots", "Rampe d'accès côté cour."))
S("atelier-malterie", "malterie", "room", "Atelier partagé de la Malterie",
  "Atelier équipé (établis, outillage électroportatif, machine à coudre) que l'on peut réserver pour fabriquer des décors, réparer des meubles, construire des bacs à fleurs. Encadrement possible par un bénévole le samedi.",
  ["repair", "environment", "garden"], ["la-brasserie"], ALL, room(35, True, 7), equip=["workshop_tools", "wifi"],
  loc=("la-brasserie", "Rue de la Malterie", 3, "La Malterie", "Grand portail de plain-pied."),
  fees_description="Adhésion au tiers-lieu : 5 € par an.")
S("salle-polyvalente-pre-barrault", "centres-sociaux", "room", "Centre social Pré-Barrault – salle polyvalente",
  "Salle lumineuse de 80 places avec cuisine équipée, tables et chaises, prêtée pour les fêtes de quartier, les repas solidaires et les réunions de locataires.",
  ["events", "food", "parenting"], ["pre-barrault"], ALL, room(80, True, 14), equip=["kitchen", "wifi"],
  loc=("pre-barrault", "Place de la Fraternité", 2, "Centre social Pré-Barrault", "Accessible en fauteuil, place PMR devant l'entrée."))
S("chalet-parc-montjoie", "vie-asso", "room", "Chalet du parc de Montjoie",
  "Petit chalet en bois au milieu du parc, pour 25 personnes : goûters, ateliers nature, réunions de jardiniers. Le chemin d'accès est en forte pente avec quelques marches.",
  ["garden", "environment", "parenting"], ["montjoie"], ALL, room(25, False, 7),
  loc=("montjoie", "Avenue du Parc", 20, "Parc de Montjoie", "Chemin en pente (12 %) et trois marches à l'entrée."))
S("maison-du-projet-val-d-orme", "participation", "room", "Maison du projet du Val-d'Orme",
  "Lieu d'accueil de l'écoquartier, avec grande table, vidéoprojecteur et un petit jardin attenant. Les habitants peuvent l'utiliser pour leurs réunions et ateliers en journée comme en soirée.",
  ["environment", "energy", "garden"], ["val-d-orme"], ALL, room(50, True, 7), equip=["projector", "wifi", "garden_plot"],
  loc=("val-d-orme", "Place de la Transition", 1, "Maison du projet", "Bâtiment neuf, entièrement accessible."))
S("cuisine-popote-pre-barrault", "centres-sociaux", "room", "Cuisine partagée « La Popote »",
  "Cuisine professionnelle du centre social (piano, chambre froide, plonge) pour préparer un repas de quartier ou un atelier cuisine en petit groupe. Une personne formée à l'hygiène alimentaire doit être présente.",
  ["food", "health"], ["pre-barrault"], ALL, room(12, True, 10), equip=["pro_kitchen"],
  loc=("pre-barrault", "Place de la Fraternité", 2, "Centre social Pré-Barrault", "Plain-pied."),
  eligibility_description="Au moins une personne du groupe titulaire d'une formation hygiène (HACCP) ou accompagnée par la référente famille.")
S("auditorium-mediatheque", "mediatheque", "room", "Auditorium de la médiathèque Paul-Éluard",
  "Auditorium de 90 fauteuils avec écran, vidéoprojecteur et sonorisation : conférences, ciné-débats, lectures publiques. Mis à disposition gratuitement pour des événements ouverts à tous.",
  ["culture", "digital"], ["sorlanges"], ALL, room(90, True, 30), equip=["projector", "sound_system", "wifi"],
  loc=("vieux-sorlanges", "Rue des Cordeliers", 18, "Médiathèque Paul-Éluard", "Ascenseur, places réservées aux fauteuils, boucle magnétique."))
S("studio-danse-mjc", "mjc", "room", "Studio de danse de la MJC",
  "Studio parqueté avec miroirs et enceintes, pour répéter une chorégraphie, un spectacle de fin d'année, un cours de yoga entre voisins.",
  ["culture", "sport", "youth"], ["la-brasserie"], ALL, room(30, True, 7), equip=["sound_system"],
  loc=("la-brasserie", "Rue de la Brasserie", 15, "MJC de la Brasserie", "Ascenseur jusqu'au studio."))
S("local-hautes-bruyeres", "lone-habitat", "room", "Local collectif résidentiel des Hautes Bruyères",
  "Local de 20 places au pied de la résidence, mis à disposition des locataires pour les réunions d'amicale, l'aide aux devoirs ou un café entre voisins.",
  ["housing", "parenting"], ["pre-barrault"], ALL, room(20, True, 5), equip=["kitchenette"],
  loc=("pre-barrault", "Résidence Les Hautes Bruyères", 1, "Local collectif résidentiel", "Plain-pied."),
  eligibility_description="Locataires de Lône Habitat et leurs collectifs.")
S("gymnase-marie-paradis", "sports", "room", "Gymnase Marie-Paradis",
  "Gymnase de 200 places (terrain multisport, vestiaires). Créneaux attribués aux clubs et associations sportives sur convention annuelle.",
  ["sport", "youth"], ["val-d-orme"], ASSO, room(200, True, 30),
  loc=("val-d-orme", "Rue Marie-Paradis", 5, "Gymnase Marie-Paradis", "Accès PMR et vestiaires adaptés."),
  eligibility_description="Associations sportives affiliées, sur convention avec l'Office municipal des sports.")
S("salle-bains-douches", "vie-asso", "room", "Salle des Anciens Bains-Douches",
  "Salle associative de 70 places du Faubourg Saint-Jacques. Fermée pour désamiantage et travaux jusqu'à nouvel ordre.",
  ["events", "culture"], ["faubourg-saint-jacques"], ALL, room(70, True, 15), status="temporarily closed",
  loc=("faubourg-saint-jacques", "Rue de la Verrerie", 9, "Anciens Bains-Douches", "Plain-pied."),
  alert="Fermée pour travaux, aucune réservation possible.")
S("vd-salle-des-fetes", "vaudremont", "room", "Salle des fêtes de Vaudrémont",
  "Salle des fêtes communale de 150 places avec cuisine, louée aux Vaudrémontois et gratuite pour les associations de la commune.",
  ["events", "food"], ["vaudremont"], ALL, room(150, True, 30), equip=["kitchen", "sound_system"],
  loc=("vaudremont-bourg", "Rue du Stade", 2, "Salle des fêtes", "Plain-pied."),
  eligibility_description="Habitants et associations de Vaudrémont.")
S("vd-salle-tuileries", "vaudremont", "room", "Salle de quartier des Tuileries",
  "Salle de 30 places au cœur des Tuileries, pour les réunions et activités des habitants du quartier.",
  ["events", "housing"], ["les-tuileries"], ALL, room(30, True, 7),
  loc=("les-tuileries", "Place des Potiers", 3, "Salle de quartier", "Plain-pied."))
S("es-salle-polyvalente", "essarts", "room", "Salle polyvalente des Essarts",
  "La salle du village : 100 places, cuisine, parquet. Prêtée aux habitants des Essarts pour les fêtes, repas de village et assemblées.",
  ["events", "food"], ["les-essarts-sur-lone"], ALL, room(100, True, 21), equip=["kitchen"],
  loc=("les-essarts-sur-lone", "Place de la Mairie", 3, "Salle polyvalente", "Plain-pied."))
S("es-ancienne-ecole", "essarts", "room", "Ancienne école des Essarts – salle de l'étage",
  "Salle de réunion de 20 places à l'étage de l'ancienne école, pour les associations et les habitants du village. Escalier uniquement.",
  ["culture"], ["les-essarts-sur-lone"], ALL, room(20, False, 7),
  loc=("les-essarts-sur-lone", "Rue de l'Ancienne-École", 1, "Ancienne école", "À l'étage, escalier sans ascenseur."))

# ------------------------------------------------------------------ grants
S("fph-sorlanges", "participation", "grant", "Fonds de participation des habitants (FPH)",
  "Un coup de pouce rapide pour les petits projets d'habitants : fête de rue, jardin au pied de l'immeuble, atelier, sortie collective. Pas besoin d'être une association : trois habitants suffisent. Le comité d'habitants se réunit chaque mois.",
  ["events", "garden", "culture", "food", "environment", "parenting"], ["sorlanges"], GRP, money(100, 1500, False),
  application_process="Fiche projet d'une page à déposer à la Maison de la Participation ; réponse sous un mois.",
  eligibility_description="Groupes d'au moins trois habitants de Sorlanges, associations de moins de deux salariés.")
S("budget-participatif-2027", "participation", "grant", "Budget participatif de Sorlanges 2027",
  "Proposez un aménagement pour votre quartier (bancs, aire de jeux, jardin, piste cyclable) : les habitants votent, la Ville réalise. Dépôt des idées jusqu'au 31 mars 2027.",
  ["environment", "mobility", "sport", "garden", "youth"], ["sorlanges"], ALL, money(2000, 80000, False, "2027-03-31"),
  application_process="Dépôt en ligne ou à la Maison de la Participation. Les projets sont des investissements réalisés par la Ville.")
S("subvention-fonctionnement-associations", "vie-asso", "grant", "Subvention de fonctionnement aux associations",
  "Aide annuelle au fonctionnement des associations sorlangeoises déclarées depuis plus d'un an. Dossier CERFA et bilan financier demandés.",
  ["culture", "sport", "events"], ["sorlanges"], ASSO, money(500, 15000, True, "2027-01-31"),
  eligibility_description="Associations loi 1901 déclarées depuis au moins un an, siège à Sorlanges.")
S("appel-quartiers-vivants", "vie-asso", "grant", "Appel à projets « Quartiers vivants » (politique de la ville)",
  "Financement des actions associatives aux Chaumes et à Pré-Barrault : lien social, réussite éducative, santé, accès aux droits. Crédits de la politique de la ville.",
  ["youth", "health", "parenting", "culture"], ["les-chaumes", "pre-barrault"], ASSO, money(1000, 10000, True, "2027-02-15"),
  eligibility_description="Réservé aux associations ; les projets doivent bénéficier aux habitants des quartiers prioritaires.")
S("coup-de-pouce-fete-voisins-2026", "participation", "grant", "Coup de pouce Fête des voisins 2026",
  "Kit et petite aide (jusqu'à 300 €) pour organiser la Fête des voisins du 29 mai 2026. Candidatures closes.",
  ["events", "food"], ["sorlanges"], ALL, money(50, 300, False, "2026-05-01"))
S("appel-ete-dans-les-quartiers-2026", "participation", "grant", "Appel à projets « Été dans les quartiers » 2026",
  "Animations estivales portées par les habitants en juillet-août 2026 : cinéma plein air, tournois, ateliers. Dossiers attendus avant le 15 juin 2026.",
  ["events", "youth", "sport", "culture"], ["sorlanges"], GRP, money(300, 3000, False, "2026-06-15"))
S("fph-2025-clos", "participation", "grant", "Fonds de participation des habitants – enveloppe 2025",
  "Enveloppe 2025 du FPH, désormais soldée. Voir l'édition en cours.",
  ["events", "garden"], ["sorlanges"], GRP, money(100, 1000, False, "2025-12-31"), status="inactive")
S("bourse-jeunes-qui-osent", "participation", "grant", "Bourse « Jeunes qui osent »",
  "Pour les 16-25 ans qui montent un projet seuls ou entre amis : festival, chantier solidaire, court-métrage, tournoi. Jury tous les trois mois, accompagnement par la MJC.",
  ["youth", "culture", "sport"], ["sorlanges"], ["alone", "informal"], money(200, 2000, False), minimum_age=16, maximum_age=25)
S("ag-transition-ecologique", "agglo", "grant", "Appel à projets Transition écologique de l'agglomération",
  "L'agglomération finance les projets citoyens qui réduisent les déchets, économisent l'énergie ou font revenir la nature en ville : compost, réparation, vélo, végétalisation. Collectifs et associations bienvenus.",
  ["environment", "energy", "repair", "garden", "mobility"], ["agglo-sorlanges-lone"], GRP, money(500, 5000, False, "2027-04-30"))
S("ag-velo-cargo-associatif", "agglo", "grant", "Aide à l'achat de vélos cargos associatifs",
  "Prise en charge de 50 % d'un vélo cargo ou triporteur partagé, plafonnée à 3 000 €, pour une association qui le met à disposition de ses membres.",
  ["mobility", "environment"], ["agglo-sorlanges-lone"], ASSO, money(500, 3000, True, "2027-05-31"))
S("dep-culture-en-campagne", "departement", "grant", "Culture en campagne",
  "Le Département aide les associations qui organisent concerts, théâtre et cinéma dans les communes de moins de 3 500 habitants.",
  ["culture", "events"], ["haute-lone"], ASSO, money(500, 4000, True, "2027-02-28"),
  eligibility_description="Associations ; manifestation dans une commune rurale de Haute-Lône (moins de 3 500 habitants).")
S("dep-fonds-initiatives-jeunes", "departement", "grant", "Fonds départemental d'initiatives jeunes",
  "Bourse pour les jeunes de 15 à 25 ans de Haute-Lône qui portent un projet collectif, même sans association.",
  ["youth"], ["haute-lone"], ["alone", "informal"], money(300, 1500, False, "2027-06-30"), minimum_age=15, maximum_age=25)
S("vd-aide-initiatives-habitantes", "vaudremont", "grant", "Aide aux initiatives habitantes de Vaudrémont",
  "Petite subvention de la commune de Vaudrémont pour les projets de ses habitants : fête de quartier, jardin, animation.",
  ["events", "garden"], ["vaudremont"], GRP, money(100, 800, False))
S("es-soutien-animations-village", "essarts", "grant", "Soutien communal aux animations du village",
  "La mairie des Essarts participe aux frais des animations ouvertes à tous les habitants du village (fête, marché de Noël, randonnée).",
  ["events", "culture"], ["les-essarts-sur-lone"], GRP, money(100, 600, False))
S("lh-fonds-initiatives-locataires", "lone-habitat", "grant", "Fonds d'initiatives des locataires",
  "Lône Habitat finance les projets de ses locataires qui améliorent la vie de la résidence : fresque, jardinières, fête de fin d'année, troc de vêtements.",
  ["housing", "events", "garden"], ["les-chaumes", "pre-barrault", "les-tuileries"], ALL, money(100, 1000, False),
  eligibility_description="Locataires Lône Habitat, seuls ou en collectif, et amicales de locataires.")
S("subvention-clubs-sportifs", "sports", "grant", "Aide aux projets des clubs sportifs",
  "Soutien aux clubs pour un tournoi, l'achat de matériel ou l'accueil de nouveaux publics (sport féminin, handisport).",
  ["sport", "accessibility"], ["sorlanges"], ASSO, money(300, 5000, True, "2027-01-15"),
  eligibility_description="Clubs affiliés à une fédération, siège à Sorlanges.")

# ------------------------------------------------------------------ legal
S("permanence-juridique-vie-associative", "vie-asso", "legal", "Permanence juridique de la Maison des associations",
  "Un juriste répond gratuitement aux questions des associations et des collectifs : statuts, responsabilité des organisateurs, assurance, droit à l'image, contrats. Sur rendez-vous le mardi.",
  ["events"], ["sorlanges"], ALL, loc=("vieux-sorlanges", "Rue des Halles", 6, "Maison des associations", "Plain-pied."),
  application_process="Rendez-vous au 04 70 31 20 40.")
S("point-justice-sorlanges", "justice", "legal", "Point-justice de Sorlanges",
  "Consultations gratuites et confidentielles avec un avocat, un notaire ou un conciliateur de justice : conflits de voisinage, litiges, démarches.",
  ["housing"], ["agglo-sorlanges-lone"], ["alone"], loc=("faubourg-saint-jacques", "Rue Jules-Ferry", 14, "Point-justice", "Accessible."))
S("autorisation-domaine-public", "domaine-public", "legal", "Autorisations de manifestation sur la voie publique",
  "Fête de rue, vide-grenier, pique-nique sur une place, stand : la demande d'occupation du domaine public et, si besoin, l'arrêté de fermeture de rue se font ici, au moins deux mois avant.",
  ["events"], ["sorlanges"], ALL, application_process="Formulaire « manifestation sur l'espace public » à déposer 60 jours avant.")
S("buvette-sacem-guichet", "domaine-public", "legal", "Guichet buvettes temporaires et musique",
  "Déclaration d'une buvette temporaire (autorisation de débit de boissons), démarches SACEM pour la musique, horaires et tranquillité publique.",
  ["events", "culture"], ["sorlanges"], ALL)
S("hygiene-alimentaire-evenements", "domaine-public", "legal", "Hygiène alimentaire des repas et stands",
  "Le service communal d'hygiène conseille les organisateurs de repas partagés, buvettes, ventes de gâteaux : chaîne du froid, allergènes, règles pour les plats faits maison.",
  ["food", "health"], ["sorlanges"], ALL)
S("benevoles-assurance-manifestations", "benevoles", "legal", "Conseil assurance des collectifs et manifestations",
  "Quelle assurance pour une fête de quartier organisée sans association ? Qui est responsable en cas d'accident ? Un conseiller vous aide à choisir entre responsabilité civile des organisateurs, assurance manifestation ponctuelle ou portage par une association.",
  ["events"], ["agglo-sorlanges-lone"], ALL)
S("benevoles-creer-association", "benevoles", "legal", "Créer son association : accompagnement",
  "Rédaction des statuts, déclaration en préfecture, compte bancaire, premières obligations : un atelier mensuel et un rendez-vous individuel pour passer du collectif à l'association.",
  [], ["agglo-sorlanges-lone"], ["alone", "informal"])
S("vd-autorisations-manifestations", "vaudremont", "legal", "Mairie de Vaudrémont – autorisations de manifestations",
  "Demandes de fermeture de rue, de buvette et d'occupation de l'espace public pour les manifestations organisées à Vaudrémont.",
  ["events"], ["vaudremont"], ALL)
S("es-declaration-manifestations", "essarts", "legal", "Déclarer une manifestation aux Essarts",
  "Le secrétariat de mairie des Essarts enregistre les déclarations de fêtes, feux de la Saint-Jean et buvettes sur la commune et conseille sur l'assurance.",
  ["events"], ["les-essarts-sur-lone"], ALL)
S("adil-logement", "adil", "legal", "Conseil juridique logement (ADIL)",
  "Juristes de l'ADIL : droits des locataires, charges, usage des parties communes, copropriété. Permanence à Sorlanges le jeudi.",
  ["housing"], ["haute-lone"], ALL)
S("mutuelle-point-conseil-benevoles", "mutuelle", "legal", "Point conseil assurance des bénévoles",
  "La Mutuelle Lônaise explique gratuitement comment couvrir des bénévoles, un atelier avec des enfants ou une sortie collective, et propose un contrat « manifestation d'un jour ».",
  ["events", "health"], ["haute-lone"], ALL)
S("defenseur-droits-delegue", "justice", "legal", "Délégué du Défenseur des droits",
  "Permanence gratuite pour les litiges avec un service public, les discriminations et le non-respect des règles d'accessibilité.",
  ["accessibility"], ["agglo-sorlanges-lone"], ["alone", "informal"])
S("permanence-juridique-samedi", "vie-asso", "legal", "Permanence juridique du samedi matin",
  "Ancienne permanence juridique du samedi, supprimée en 2024.",
  ["events"], ["sorlanges"], ALL, status="defunct")

# ------------------------------------------------------------------ sponsors
S("sp-fondation-caisse-val-de-lone", "caisse", "sponsor", "Fondation Caisse du Val de Lône – projets d'utilité locale",
  "La fondation de la banque coopérative cofinance des projets associatifs d'intérêt local : solidarité, patrimoine, insertion. Dossiers examinés deux fois par an.",
  ["culture", "elderly", "environment"], ["haute-lone"], ASSO, money(1000, 8000, True, "2027-03-15"), support=["financial"])
S("sp-hyper-sorlanges-sud", "entreprises", "sponsor", "Hyper Sorlanges Sud – dons pour fêtes de quartier",
  "L'hypermarché de Pré-Barrault offre boissons, gâteaux secs et bons d'achat (jusqu'à 150 €) aux collectifs qui organisent une fête de voisins ou un goûter solidaire.",
  ["food", "events"], ["sorlanges"], ALL, support=["in_kind"])
S("sp-brico-lone", "entreprises", "sponsor", "Brico-Lône – matériel et conseils",
  "Le magasin de bricolage donne bois, peinture et terreau pour les chantiers collectifs, et ses vendeurs animent des ateliers (construire un bac, poser un nichoir).",
  ["garden", "repair", "environment"], ["agglo-sorlanges-lone"], ALL, support=["in_kind", "skills"])
S("sp-lonergie-competences", "lonergie", "sponsor", "Fondation Lônergie – mécénat de compétences",
  "Des salariés de Lônergie mettent leurs compétences au service des projets d'économie d'énergie : thermographie d'un immeuble, défi familles à énergie positive, installation solaire citoyenne. Un soutien financier est possible pour les associations.",
  ["energy", "environment"], ["agglo-sorlanges-lone"], ALL, support=["skills", "financial"])
S("sp-mutuelle-prevention-sante", "mutuelle", "sponsor", "Mutuelle Lônaise – soutien aux actions de prévention",
  "Soutien financier aux associations qui organisent marches, activités physiques adaptées ou ateliers santé pour les seniors.",
  ["health", "sport", "elderly"], ["haute-lone"], ASSO, money(300, 2000, True), support=["financial"])
S("sp-imprimerie-faubourg", "entreprises", "sponsor", "Imprimerie du Faubourg – affiches offertes",
  "L'imprimerie imprime gratuitement jusqu'à 50 affiches A3 et 500 flyers par an pour les projets d'habitants de Sorlanges.",
  ["events", "culture"], ["sorlanges"], ALL, support=["in_kind"])
S("sp-boulangerie-petrin", "entreprises", "sponsor", "Boulangerie Au Pétrin – viennoiseries pour les fêtes",
  "La boulangerie de la Grande Rue offre pains et viennoiseries aux fêtes et petits-déjeuners de voisins du Vieux-Sorlanges.",
  ["food", "events"], ["vieux-sorlanges"], ALL, support=["in_kind"])
S("sp-club-entreprises", "entreprises", "sponsor", "Club des entreprises sorlangeoises – bénévoles experts",
  "Comptables, graphistes, juristes et communicants du club accompagnent bénévolement un collectif sur quelques heures : budget, affiche, dossier de financement.",
  ["digital", "events"], ["sorlanges"], ALL, support=["skills"])
S("sp-lone-mobilite-minibus", "entreprises", "sponsor", "Garage solidaire Lône Mobilité – prêt de minibus",
  "Prêt d'un minibus de 9 places (avec ou sans chauffeur bénévole) pour une sortie collective, une visite ou le transport de personnes âgées.",
  ["mobility", "elderly"], ["agglo-sorlanges-lone"], ALL, support=["in_kind"])
S("sp-vd-cooperative-agricole", "vaudremont", "sponsor", "Coopérative agricole de Vaudrémont – produits pour les fêtes",
  "La coopérative offre jus de pomme et produits locaux aux fêtes organisées à Vaudrémont.",
  ["food", "events"], ["vaudremont"], ALL, support=["in_kind"])
S("sp-es-ferme-des-essarts", "essarts", "sponsor", "Ferme des Essarts – coup de main au village",
  "La ferme prête bottes de paille, remorque et tracteur pour la fête du village et accueille les enfants des Essarts pour des visites.",
  ["events", "food", "parenting"], ["les-essarts-sur-lone"], ALL, support=["in_kind"])
S("sp-fripouille-pret-materiel", "ressourcerie", "sponsor", "La Fripouille – prêt de vaisselle et mobilier",
  "Vaisselle réutilisable (200 couverts), barnums, tables et déguisements prêtés gratuitement aux collectifs pour des fêtes zéro déchet.",
  ["events", "environment"], ["sorlanges"], ALL, support=["in_kind"])
S("sp-lone-numerique", "entreprises", "sponsor", "Lône Numérique – ordinateurs reconditionnés",
  "L'entreprise donne des ordinateurs reconditionnés et forme des bénévoles pour les ateliers d'initiation numérique.",
  ["digital", "elderly"], ["agglo-sorlanges-lone"], ALL, support=["in_kind", "skills"])
S("sp-cinema-rex", "entreprises", "sponsor", "Cinéma Le Rex – projections plein air",
  "Le cinéma prête son écran gonflable et un projectionniste pour une séance de cinéma en plein air dans un quartier de Sorlanges.",
  ["culture", "events"], ["sorlanges"], ALL, support=["in_kind", "skills"])
S("sp-prix-lonergie-2026", "lonergie", "sponsor", "Prix Lônergie des initiatives citoyennes 2026",
  "Prix de 500 à 3 000 € pour des initiatives locales d'économie d'énergie. Candidatures 2026 closes le 30 septembre 2026.",
  ["energy"], ["agglo-sorlanges-lone"], GRP, money(500, 3000, False, "2026-09-30"), support=["financial"])

# ------------------------------------------------------------------ contacts (people)
def agent(slug, q, qname, person, phone):
    S(slug, "participation", "contact", f"Référent·e de quartier – {qname}",
      f"Votre interlocuteur de proximité pour {qname} : il ou elle connaît les habitants, les associations et les lieux du quartier, vous aide à monter votre projet et vous met en relation avec les bons services.",
      ["events", "housing", "environment"], [q], ALL,
      person=(person, "Référent·e de quartier", f"{slug.split('-')[-1]}@sorlanges.example", phone))

agent("agent-vieux-sorlanges", "vieux-sorlanges", "le Vieux-Sorlanges", "Camille Derrien", "06 40 10 20 01")
agent("agent-faubourg", "faubourg-saint-jacques", "le Faubourg Saint-Jacques", "Yacine Belkacem", "06 40 10 20 02")
agent("agent-brasserie", "la-brasserie", "La Brasserie", "Hélène Vautrin", "06 40 10 20 03")
agent("agent-chaumes", "les-chaumes", "Les Chaumes", "Moussa Diakité", "06 40 10 20 04")
agent("agent-pre-barrault", "pre-barrault", "Pré-Barrault", "Sandrine Rolland", "06 40 10 20 05")
agent("agent-montjoie", "montjoie", "Montjoie", "Julien Aubertin", "06 40 10 20 06")
agent("agent-val-d-orme", "val-d-orme", "le Val-d'Orme", "Léa Chassagne", "06 40 10 20 07")
S("vd-elu-vie-locale", "vaudremont", "contact", "Adjoint à la vie locale de Vaudrémont",
  "Élu de Vaudrémont chargé des fêtes, des associations et de la vie des quartiers du Bourg et des Tuileries.",
  ["events"], ["vaudremont"], ALL, person=("Gérard Pinson", "Adjoint à la vie locale", "vielocale@vaudremont.example", "04 70 32 11 05"))
S("es-secretaire-mairie", "essarts", "contact", "Secrétaire de mairie des Essarts",
  "Premier contact pour tout projet au village : prêt de la salle, autorisations, mise en relation avec le comité des fêtes et les agriculteurs.",
  ["events"], ["les-essarts-sur-lone"], ALL, person=("Martine Guillaumin", "Secrétaire de mairie", "mairie@lesessarts-sur-lone.example", "04 70 33 02 15"))
S("ag-maitre-composteur", "agglo", "contact", "Maître-composteur de l'agglomération",
  "Il installe gratuitement des composteurs partagés en pied d'immeuble ou dans un jardin, forme les référents et suit le site pendant un an.",
  ["environment", "garden"], ["agglo-sorlanges-lone"], ALL, person=("Antoine Rebeyrol", "Maître-composteur", "compost@agglo-sorlanges-lone.example", "04 70 30 60 12"))
S("lh-developpement-social", "lone-habitat", "contact", "Chargée de développement social urbain – Lône Habitat",
  "Interlocutrice des locataires qui veulent animer leur résidence, utiliser un local commun ou un espace vert, ou monter une amicale.",
  ["housing", "events"], ["les-chaumes", "pre-barrault", "les-tuileries"], ALL,
  person=("Nadia Benhamou", "Chargée de développement social urbain", "dsu@lonehabitat.example", "04 70 37 00 21"))
S("conseiller-numerique-mediatheque", "mediatheque", "contact", "Conseiller numérique de la médiathèque",
  "Accompagne les habitants et les collectifs dans leurs usages numériques : créer un groupe de discussion, une cagnotte, une page, animer un atelier pour débutants.",
  ["digital", "elderly"], ["sorlanges"], ALL, person=("Thomas Nguyen", "Conseiller numérique", "numerique@sorlanges.example", "04 70 31 25 08"))
S("referent-accessibilite", "participation", "contact", "Référente accessibilité et handicap de la Ville",
  "Conseille les organisateurs pour rendre un événement accessible (fauteuil, malentendants, malvoyants) et recense les lieux de plain-pied.",
  ["accessibility", "events"], ["sorlanges"], ALL, person=("Isabelle Fromentin", "Référente accessibilité", "accessibilite@sorlanges.example", "04 70 31 20 17"))
S("mjc-animateur-jeunesse", "mjc", "contact", "Animateur jeunesse de la MJC",
  "Aide les 11-25 ans à transformer une envie en projet : trouver un lieu, un budget, des partenaires, préparer un dossier de bourse.",
  ["youth", "culture", "sport"], ["sorlanges"], ALL, person=("Kevin Moreau", "Animateur jeunesse", "jeunesse@mjc-brasserie.example", "04 70 36 12 15"))
S("ccas-referente-bien-vieillir", "ccas", "contact", "Référente « Bien vieillir » du CCAS",
  "Met en lien les personnes âgées isolées avec des bénévoles, coordonne les visites de convivialité et le plan canicule.",
  ["elderly", "health"], ["sorlanges"], ALL, person=("Françoise Lallemand", "Référente Bien vieillir", "bienvieillir@sorlanges.example", "04 70 31 22 09"))
S("ag-conseiller-energie", "agglo", "contact", "Conseiller France Rénov' de l'agglomération",
  "Conseil neutre et gratuit sur la rénovation énergétique, les factures et les aides, pour un ménage ou une copropriété entière.",
  ["energy", "housing"], ["agglo-sorlanges-lone"], ALL, person=("Pauline Marchadier", "Conseillère énergie", "renov@agglo-sorlanges-lone.example", "04 70 30 60 30"))
S("agent-chaumes-2023", "participation", "contact", "Ancien référent de quartier des Chaumes (poste supprimé)",
  "Contact remplacé : voir le référent de quartier actuel des Chaumes.",
  ["events"], ["les-chaumes"], ALL, status="inactive", person=("Patrick Sauvat", "Référent de quartier (ancien)", "p.sauvat@sorlanges.example", "06 40 10 29 99"))

# ------------------------------------------------------------------ initiatives
S("repair-cafe-sorlanges", "malterie", "initiative", "Repair Café Sorlanges",
  "Chaque premier samedi du mois, des bénévoles bricoleurs aident à réparer grille-pain, vélos, vêtements et ordinateurs. On peut venir réparer ou rejoindre l'équipe des réparateurs.",
  ["repair", "environment"], ["sorlanges"], ALL, loc=("la-brasserie", "Rue de la Malterie", 3, "La Malterie", "Plain-pied."))
S("jardin-pousses-montjoie", "associations", "initiative", "Jardin partagé « Les Pousses de Montjoie »",
  "Quinze parcelles cultivées ensemble sur le plateau, un composteur et un poulailler. Le collectif accueille de nouveaux jardiniers chaque printemps.",
  ["garden", "environment"], ["montjoie"], ALL)
S("bacs-des-chaumes", "associations", "initiative", "Les Bacs des Chaumes",
  "Des habitants cultivent tomates et aromatiques dans des bacs au pied des tours de l'avenue des Chaumes. Arrosage partagé, récoltes partagées, nouveaux voisins bienvenus.",
  ["garden", "food"], ["les-chaumes"], ALL)
S("fete-du-faubourg", "associations", "initiative", "Comité de la Fête du Faubourg",
  "Les voisins qui organisent chaque septembre la grande fête de rue du Faubourg Saint-Jacques (brocante, scène ouverte, repas). Réunions de préparation dès avril.",
  ["events", "culture", "food"], ["faubourg-saint-jacques"], ALL)
S("pedibus-val-d-orme", "associations", "initiative", "Pédibus du Val-d'Orme",
  "Des parents accompagnent à pied les enfants jusqu'à l'école Simone-Veil, sur trois lignes. On cherche des parents et grands-parents accompagnateurs.",
  ["mobility", "parenting"], ["val-d-orme"], ALL)
S("cafe-des-parents-pre-barrault", "centres-sociaux", "initiative", "Café des parents de Pré-Barrault",
  "Tous les mardis matin, des parents se retrouvent au centre social pour échanger sur l'éducation, le sommeil, les écrans, avec une animatrice familles.",
  ["parenting"], ["pre-barrault"], ALL)
S("boites-a-livres", "associations", "initiative", "Réseau des boîtes à livres de Sorlanges",
  "Douze boîtes à livres entretenues par des bénévoles dans toute la ville. Envie d'en installer une dans votre rue ou d'en devenir gardien ?",
  ["culture"], ["sorlanges"], ALL)
S("roue-libre-atelier-velo", "associations", "initiative", "La Roue Libre – atelier vélo participatif",
  "Atelier d'autoréparation de vélos près de la gare et vélo-école pour adultes. Bénévoles mécaniciens et moniteurs recherchés.",
  ["mobility", "repair"], ["faubourg-saint-jacques"], ALL)
S("disco-soupe", "associations", "initiative", "Disco Soupe Sorlanges",
  "Collectif anti-gaspillage qui cuisine en musique les invendus du marché et les distribue gratuitement, un samedi par mois place du Marché-aux-Herbes.",
  ["food", "environment", "events"], ["sorlanges"], ALL)
S("voisins-veilleurs-aines", "ccas", "initiative", "Voisins solidaires – visites aux aînés",
  "Réseau de bénévoles qui rendent visite aux personnes âgées isolées, passent un coup de fil pendant les canicules, accompagnent au marché.",
  ["elderly", "health"], ["sorlanges"], ALL)
S("vd-comite-des-fetes", "vaudremont", "initiative", "Comité des fêtes de Vaudrémont",
  "Organise la fête patronale, le bal du 14 juillet et le marché de Noël de Vaudrémont. Toujours preneur de bénévoles vaudrémontois.",
  ["events"], ["vaudremont"], ALL)
S("es-verger-partage", "essarts", "initiative", "Verger partagé des Essarts",
  "Les habitants des Essarts entretiennent ensemble le verger communal derrière l'ancienne école : taille, greffe, fête des pommes en octobre.",
  ["garden", "environment"], ["les-essarts-sur-lone"], ALL)
S("lone-propre", "associations", "initiative", "Lône Propre – nettoyage des berges",
  "Ramassages de déchets le long de la Lône et du chemin de halage, un dimanche par mois, avec gants et sacs fournis par l'agglomération.",
  ["environment"], ["la-brasserie", "agglo-sorlanges-lone"], ALL)
S("foot-de-rue-chaumes", "centres-sociaux", "initiative", "Foot de rue des Chaumes",
  "Tournoi de foot de rue mixte et éducatif tous les mercredis sur le city-stade, animé par des grands frères et sœurs du quartier.",
  ["sport", "youth"], ["les-chaumes"], ALL)
S("cafe-numerique-jeudi", "mediatheque", "initiative", "Café numérique du jeudi",
  "Entraide entre habitants pour apprivoiser smartphone et ordinateur, autour d'un café, chaque jeudi à la médiathèque. Les « aidants » bénévoles sont les bienvenus.",
  ["digital", "elderly"], ["sorlanges"], ALL)
S("chorale-montjoie", "associations", "initiative", "Chorale du Belvédère (Montjoie)",
  "Chorale de quartier dissoute en 2024.",
  ["culture"], ["montjoie"], ALL, status="defunct")
S("val-d-orme-energies", "associations", "initiative", "Val-d'Orme Énergies – centrale solaire citoyenne",
  "Coopérative d'habitants qui installe des panneaux solaires sur les toits du quartier et anime des défis d'économies d'énergie. Ouverte à tous les Sorlangeois.",
  ["energy", "environment"], ["val-d-orme"], ALL)
