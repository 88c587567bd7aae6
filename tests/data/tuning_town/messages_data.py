"""Labelled resident messages for Carvelonne (TUNING data). Ids reference service slugs; build_messages.py
turns them into service UUIDs and adds the must_not ids that the hard rules imply."""

M = []


def m(q, group, text, must, nice=(), must_not=(), traps=(), tags=(), needs=(), headcount=None, locale="fr"):
    M.append({"q": q, "group": group, "text": text, "must": list(must), "nice": list(nice),
              "must_not": list(must_not), "traps": list(traps), "tags": list(tags), "needs": list(needs),
              "headcount": headcount, "locale": locale})


EN = "en"
# ------------------------------------------------------------------ places
m("kerlann", "informal", "Bonjour, on est un groupe de mamans de la résidence les Goélands, on voudrait faire un repas partagé pour l'Aïd avec les voisins, on sera environ 70. Il nous faut une salle avec cuisine svp",
  ["salle-polyvalente-kerlann"], ["fonds-participation-kerlann", "cuisines-du-monde", "agent-kerlann", "hyper-ocean-dons", "hygiene-repas-partages", "fonds-initiatives-habitants", "pret-gobelets", "grande-salle-mpt"],
  traps=["capacity", "food"], tags=["cooking", "meal"], needs=["place"], headcount=70)
m("vieux-port", "association", "Notre association Les Amis du Vieux-Port cherche une salle pour son assemblée générale, une cinquantaine d'adhérents. Nous aurions besoin d'un vidéoprojecteur.",
  ["salle-capitainerie", "salle-conference-mda"], ["agent-vieux-port", "auditorium-mediatheque"],
  traps=["capacity", "inactive"], needs=["place", "equipment"], headcount=50)
m("saint-gildas", "alone", "Je me déplace en fauteuil roulant et j'aimerais lancer un club de lecture à Saint-Gildas, une quinzaine de personnes. Où trouver une salle accessible ?",
  ["auditorium-mediatheque"], ["agent-saint-gildas", "mission-accessibilite", "boites-a-livres", "salle-capitainerie"],
  traps=["step_free"], tags=["step_free"], needs=["place"], headcount=15)
m("les-dunes", "association", "L'association des parents d'élèves de l'école des Dunes organise un loto le 14 février, on attend 110 personnes. Quelle salle on peut avoir dans le quartier ?",
  ["grande-salle-mpt"], ["imprimerie-du-port", "pret-materiel-festif", "agent-les-dunes", "hyper-ocean-dons"],
  traps=["capacity"], needs=["place"], headcount=110)
m("la-criee", "informal", "on voudrait organiser un bal populaire sur les quais de la criée cet été, 200 personnes environ, avec une buvette. quelle salle si il pleut et quelles démarches ?",
  ["halle-criee", "guichet-manifestations"], ["referent-manifestations", "comite-fete-criee", "electricite-kerbrat", "pret-gobelets", "agent-la-criee", "hygiene-repas-partages", "conseil-assurance", "pret-materiel-festif"],
  traps=["capacity", "inactive", "other_commune"], tags=["meal"], needs=["place", "legal"], headcount=200)
m("la-roseraie", "informal", "Nous aimerions proposer un atelier cuisine anti-gaspi pour les enfants du quartier de la gare, une vingtaine de personnes avec les parents. Il faudrait une cuisine.",
  ["pavillon-roseraie"], ["projet-alimentaire", "agent-la-roseraie", "salle-polyvalente-kerlann", "fonds-initiatives-habitants"],
  traps=["capacity", "food"], tags=["cooking"], needs=["place"], headcount=20)
m("la-criee", "alone", "Je répare des vélos et des petits appareils depuis des années, je voudrais lancer des ateliers de réparation dans mon quartier (la Criée). Il me faudrait un local avec des outils.",
  ["salle-la-cale", "repair-carv"], ["atelier-bricolage-kerlann", "chambre-a-air", "fablab-la-cale", "agent-la-criee", "le-goff-outils-bois"],
  traps=["other_commune"], needs=["place", "equipment", "peers"])
m("saint-meen-des-landes", "association", "Bonjour, le club des aînés de Saint-Méen cherche une salle pour son repas annuel, 120 couverts, avec cuisine pour le traiteur. Merci.",
  ["salle-polyvalente-saint-meen"], ["adjointe-vie-locale-saint-meen", "fonds-animation-rurale"],
  traps=["capacity", "other_commune"], tags=["cooking", "meal", "rural"], needs=["place"], headcount=120)
m("kerlann", "alone", "Hi, I'm new in Kerlann and I'd like to start a weekly English-French conversation group, maybe 10 people. Is there a free room nearby?",
  ["salle-polyvalente-kerlann", "welcome-carvelonne"], ["agent-kerlann", "atelier-bricolage-kerlann", "france-services-demarches"],
  needs=["place", "peers"], headcount=10, locale=EN)
m("vieux-port", "informal", "On est 8 voisins de la rue des Haubans, on veut juste se réunir une fois par mois pour préparer la fête de la rue. Une petite salle suffit.",
  ["salle-capitainerie"], ["salle-bosco", "agent-vieux-port", "kit-fete-voisins", "guichet-manifestations"],
  traps=["association_only"], needs=["place"], headcount=8)
m("saint-gildas", "association", "Notre chorale souhaiterait donner un concert de Noël, environ 80 personnes, dans une salle qui sonne bien près de la ville haute.",
  ["auditorium-mediatheque"], ["referente-pratiques-amateurs", "permanence-sacem", "chorale-saint-gildas", "salle-conference-mda", "imprimerie-du-port"],
  traps=["capacity"], needs=["place"], headcount=80)
m("les-dunes", "informal", "Repas de quartier intergénérationnel aux Dunes : on cuisine sur place, une trentaine de personnes dont plusieurs mamies en déambulateur. Il faut une salle sans marches.",
  ["grande-salle-mpt"], ["bien-vieillir-ensemble", "fonds-initiatives-habitants", "coordinatrice-isolement", "fournil-dunes", "agent-les-dunes", "salle-polyvalente-kerlann"],
  traps=["step_free", "food", "capacity"], tags=["cooking", "meal", "step_free"], needs=["place"], headcount=30)
m("la-roseraie", "informal", "We're a group of parents near the train station and we'd like a room with a garden for a kids' clothes and toys swap on Saturdays, about 25 people.",
  ["pavillon-roseraie"], ["agent-la-roseraie", "referente-familles-kerlann", "imprimerie-du-port"],
  traps=["inactive"], needs=["place"], headcount=25, locale=EN)
m("kerlann", "association", "Club de badminton associatif : nous cherchons un créneau le jeudi soir dans un gymnase à Kerlann pour une quarantaine de licenciés.",
  ["gymnase-kerlann"], ["educateur-sport-rue", "sport-ocean", "sport-pour-tous"],
  needs=["place"], headcount=40)
m("port-aurel", "informal", "J'habite Port-Aurel, quai de la Marina. Notre collectif de plaisanciers voudrait une salle pour une réunion, 30 personnes.",
  ["salle-des-voiles"], ["agent-port-aurel", "espace-marelle"],
  traps=["other_commune"], needs=["place"], headcount=30)
m("vieux-port", "alone", "Je voudrais organiser une projection-débat sur le climat avec un documentaire, 60 personnes, dans le centre. Il faut un projecteur.",
  ["salle-capitainerie"], ["auditorium-mediatheque", "agent-vieux-port", "carv-energie"],
  traps=["capacity"], needs=["place", "equipment"], headcount=60)
m("la-criee", "informal", "besoin d'un endroit pour fabriquer des nichoirs à oiseaux avec les gamins du quartier, avec des outils",
  ["salle-la-cale"], ["le-goff-outils-bois", "atelier-bricolage-kerlann", "fablab-la-cale", "agent-la-criee", "fonds-initiatives-habitants"],
  needs=["place", "equipment"])
m("saint-gildas", "informal", "Fête de la rue du Presbytère : on aimerait une salle de repli s'il pleut, pour 40 personnes, avec de quoi faire chauffer les plats. Une voisine est en fauteuil.",
  ["pavillon-roseraie", "salle-capitainerie"], ["kit-fete-voisins", "guichet-manifestations", "pret-materiel-festif", "agent-saint-gildas", "salle-polyvalente-kerlann", "grande-salle-mpt"],
  traps=["step_free", "food"], tags=["meal", "step_free"], needs=["place"], headcount=40)
m("kerlann", "informal", "atelier cuisine avec 10 jeunes du quartier le mercredi aprem, on a besoin d'une cuisine",
  ["salle-polyvalente-kerlann", "cuisine-partagee-dunes"], ["cuisines-du-monde", "fonds-participation-kerlann", "agent-kerlann", "projet-alimentaire"],
  tags=["cooking"], needs=["place"], headcount=10)
m("saint-meen-des-landes", "informal", "On voudrait faire un atelier tricot à Saint-Méen, une dizaine de personnes, dans une salle du bourg.",
  ["ancienne-ecole-saint-meen"], ["salle-polyvalente-saint-meen", "adjointe-vie-locale-saint-meen", "comite-fetes-saint-meen"],
  traps=["other_commune"], tags=["rural"], needs=["place"], headcount=10)
m("saint-meen-des-landes", "alone", "je suis à Saint-Méen-des-Landes, en fauteuil, et je voudrais faire une réunion publique d'une vingtaine de personnes sur la fibre dans le bourg",
  ["salle-polyvalente-saint-meen"], ["adjointe-vie-locale-saint-meen"],
  traps=["step_free", "other_commune"], tags=["rural", "step_free"], needs=["place"], headcount=20)
m("saint-gildas", "association", "Je suis présidente de l'association Les Amis de Saint-Gildas. Nous voulons organiser un dîner de 100 convives pour nos 20 ans, avec un traiteur bénévole qui cuisine sur place. Il nous faudrait une salle et peut-être une aide financière.",
  ["grande-salle-mpt", "halle-criee"], ["subvention-fonctionnement", "caisse-locale-dons", "hygiene-repas-partages", "conseil-assurance"],
  traps=["capacity", "food", "inactive"], tags=["cooking", "meal", "dinner-100"], needs=["place", "funding"], headcount=100)
m("les-dunes", "informal", "Bonjour ! Nous sommes 4 voisins qui voulons faire des ateliers de cuisine santé aux Dunes, pour 12 personnes maximum. Une vraie cuisine serait top.",
  ["cuisine-partagee-dunes"], ["grande-salle-mpt", "projet-alimentaire", "agent-les-dunes", "fonds-initiatives-habitants"],
  tags=["cooking"], needs=["place"], headcount=12)
m(None, "association", "Association de randonnée : nous cherchons une salle de réunion pour notre bureau (6 personnes) un soir par mois.",
  ["salles-reunion-mda"], ["salle-bosco", "salle-capitainerie"],
  needs=["place"], headcount=6)
m("la-criee", "informal", "hello, we are a few musicians from la Criée looking for a place to rehearse and maybe play a small gig for 30 people",
  ["salle-la-cale", "referente-pratiques-amateurs"], ["permanence-sacem", "halle-criee", "auditorium-mediatheque"],
  needs=["place", "partners"], headcount=30, locale=EN)

# ------------------------------------------------------------------ funding
m("la-roseraie", "informal", "Salut ! Avec des voisins de la rue des Rosiers on voudrait faire un potager au pied de l'immeuble. Il nous faudrait un peu de sous pour les bacs et la terre.",
  ["fonds-initiatives-habitants"], ["fonds-transition", "referente-jardins", "le-goff-outils-bois", "jardinerie-landes", "jardins-roseraie", "agent-la-roseraie", "aide-compost-partage", "budget-participatif-2027"],
  traps=["association_only", "expired"], needs=["funding"])
m("kerlann", "alone", "slt je veux faire une sortie a la mer avec les enfants de mon immeuble mais on a pas d'argent pour le bus, y a une aide ?",
  ["fonds-participation-kerlann"], ["fonds-initiatives-habitants", "agent-kerlann", "referente-familles-kerlann"],
  traps=["association_only", "expired"], needs=["funding"])
m("vieux-port", "association", "Notre association a besoin d'une subvention pour payer son assurance et le loyer de son local l'année prochaine.",
  ["subvention-fonctionnement"], ["caisse-locale-dons", "conseil-assurance", "dla", "prix-solidarite-marees"],
  traps=["expired"], needs=["funding"])
m("saint-gildas", "informal", "Nous sommes un collectif de voisins (pas d'association). Nous voulons créer une boîte à livres et installer un banc, il nous faudrait environ 300 €.",
  ["fonds-initiatives-habitants"], ["boites-a-livres", "le-goff-outils-bois", "budget-participatif-2027", "agent-saint-gildas"],
  traps=["association_only"], needs=["funding"])
m("les-dunes", "alone", "J'ai 19 ans, je veux organiser un tournoi de beach-volley solidaire cet été sur la grande plage, comment trouver des sous ?",
  ["bourse-initiatives-jeunes"], ["point-info-jeunesse", "sport-ocean", "educateur-sport-rue", "guichet-manifestations"],
  traps=["expired", "association_only"], needs=["funding"])
m("la-criee", "informal", "On est six voisins, on aimerait lancer un défi économies d'énergie dans notre immeuble (thermomètres, multiprises, ateliers). Y a-t-il une aide ?",
  ["fonds-transition", "conseiller-energie"], ["carv-energie", "agent-la-criee", "fonds-initiatives-habitants"],
  needs=["funding", "skills"])
m("kerlann", "association", "L'association des mères de Kerlann voudrait lancer des ateliers parents-enfants. Nous cherchons un financement pour payer l'animatrice.",
  ["reaap"], ["referente-familles-kerlann", "cafe-parents-kerlann", "cidff-permanence", "subvention-fonctionnement"],
  traps=["expired"], needs=["funding"])
m("vieux-port", "informal", "Notre troupe de théâtre amateur (on n'est pas en asso) monte une pièce pour le printemps. On cherche une aide pour les costumes et la location du son.",
  ["fonds-initiatives-habitants"], ["referente-pratiques-amateurs", "imprimerie-du-port", "permanence-sacem", "pret-materiel-festif"],
  traps=["expired", "association_only"], needs=["funding"])
m("saint-meen-des-landes", "informal", "Pour la fête du hameau de Kerhouarn on voudrait une petite aide pour louer la sono et acheter la farine des galettes.",
  ["fonds-animation-rurale"], ["adjointe-vie-locale-saint-meen", "comite-fetes-saint-meen", "pret-gobelets"],
  traps=["other_commune"], tags=["rural"], needs=["funding"])
m("la-roseraie", "alone", "Hi! Is there any money available for a street party? I'm organising one on Rue des Rosiers for my neighbours in June.",
  ["kit-fete-voisins"], ["guichet-manifestations", "pret-materiel-festif", "agent-la-roseraie", "fonds-initiatives-habitants"],
  traps=["expired"], needs=["funding"], locale=EN)
m("saint-gildas", "informal", "Avec des voisines on rend visite aux personnes âgées seules de la ville haute, on voudrait organiser des goûters, il faudrait un petit budget.",
  ["bien-vieillir-ensemble"], ["coordinatrice-isolement", "visiteurs-du-mardi", "fonds-initiatives-habitants"],
  traps=["association_only"], needs=["funding"])
m("kerlann", "association", "Association d'aide aux devoirs à Kerlann. Est-ce que l'appel à projets du contrat de ville est encore ouvert ? Sinon quelles autres aides ?",
  ["subvention-fonctionnement"], ["prix-solidarite-marees", "agent-kerlann", "point-info-jeunesse", "mecenat-competences-marees"],
  traps=["expired"], needs=["funding"])
m("les-dunes", "association", "Notre asso organise des nettoyages de plage. Nous voudrions acheter des pinces, des sacs renforcés et une remorque vélo.",
  ["fonds-transition", "prix-solidarite-marees"], ["dunes-propres", "caisse-locale-dons", "subvention-fonctionnement"],
  traps=["expired"], needs=["funding", "equipment"])
m("la-criee", "alone", "jai une idée pour le budget participatif : un skatepark a la criee. ca se passe ou ?",
  ["budget-participatif-2027"], ["agent-la-criee", "point-info-jeunesse"],
  traps=["expired"], needs=["funding"])
m("vieux-port", "informal", "We run a little informal book club and want to apply to the 'Un été à Carvelonne' call to do readings on the beach this summer.",
  ["fonds-initiatives-habitants"], ["referente-pratiques-amateurs", "agent-vieux-port", "boites-a-livres"],
  must_not=["ete-a-carvelonne-2026"], traps=["expired"], needs=["funding"], locale=EN)
m("saint-gildas", "alone", "Je voudrais demander le FDVA pour mon projet de jardin de quartier, je suis seule pour l'instant.",
  ["referente-jardins", "fonds-initiatives-habitants"], ["creer-son-association", "agent-saint-gildas", "grainotheque", "budget-participatif-2027"],
  must_not=["fdva-2026"], traps=["association_only", "expired"], needs=["funding"])
m("la-roseraie", "informal", "On voudrait un composteur collectif en bas de la résidence Le Clos-Fleuri, le bailleur est d'accord.",
  ["aide-compost-partage"], ["composteur-dunes", "jardins-roseraie", "referente-jardins", "fonds-transition"],
  needs=["funding", "equipment"])
m("vieux-port", "informal", "Atelier de réparation de vélos pour les étudiants, on cherche du financement pour acheter les outils et un pied d'atelier.",
  ["ateliers-velo-aide", "chambre-a-air"], ["charge-mobilites", "fonds-transition", "repair-carv"],
  needs=["funding", "peers"])
m("saint-gildas", "association", "Our registered association wants to run digital skills workshops for older people. Are there any grants?",
  ["bien-vieillir-ensemble"], ["conseillere-numerique", "clic-et-cafe", "carv-ordi", "lions-soutien", "subvention-fonctionnement"],
  traps=["expired"], needs=["funding"], locale=EN)
m("kerlann", "alone", "jsuis au lycée g 17 ans jveux faire un tournoi de foot pour tout le quartier avec des coupes, comment on trouve de l argent",
  ["bourse-initiatives-jeunes", "fonds-participation-kerlann"], ["foot-de-rue", "educateur-sport-rue", "sport-ocean", "point-info-jeunesse"],
  traps=["association_only"], needs=["funding"])
m("la-roseraie", "association", "Bonjour, notre association de locataires souhaite déposer une idée d'aire de jeux pour le budget participatif. C'est encore possible ?",
  ["budget-participatif-2027"], ["agent-la-roseraie", "atelier-haliotis"],
  must_not=["budget-participatif-2026"], traps=["expired"], needs=["funding"])
m("les-dunes", "informal", "On voudrait tenir un stand crêpes pour la Fête de la Mer, il y a une aide de la ville pour les stands ?",
  ["fonds-initiatives-habitants", "hygiene-repas-partages"], ["guichet-manifestations", "agent-les-dunes"],
  must_not=["fete-de-la-mer-2026"], traps=["expired"], tags=["meal"], needs=["funding", "legal"])
m("port-aurel", "informal", "nous sommes un groupe d'habitants de Port-Aurel et on veut faire une fête sur le port, il y a des aides dans notre commune ?",
  ["coup-de-pouce-port-aurel"], ["agent-port-aurel", "marina-sponsor"],
  traps=["other_commune"], needs=["funding"])
m("vieux-port", "association", "Madame, Monsieur, notre association culturelle souhaiterait candidater au FDVA fonctionnement. Pourriez-vous nous indiquer les dates ? À défaut, quels autres financements ?",
  ["subvention-fonctionnement"], ["prix-solidarite-marees", "caisse-locale-dons", "dla"],
  must_not=["fdva-2026"], traps=["expired"], needs=["funding"])

# ------------------------------------------------------------------ legal
m("vieux-port", "informal", "On organise un vide-grenier dans la rue, est-ce qu'on doit avoir une assurance ? On n'est pas une association.",
  ["conseil-assurance", "guichet-manifestations"], ["referent-manifestations", "creer-son-association", "agent-vieux-port"],
  needs=["legal"])
m("la-roseraie", "informal", "Nous voulons transformer notre collectif en association, comment on fait les statuts ?",
  ["creer-son-association"], ["agent-la-roseraie", "conseil-assurance"],
  traps=["association_only"], needs=["legal"])
m("kerlann", "alone", "mon proprio veut pas me rendre ma caution depuis 3 mois, ou trouver un conseil gratuit ?",
  ["adil-conseil-logement", "point-acces-droit"], ["conciliateur", "avocats-gratuits"],
  needs=["legal"])
m("saint-gildas", "alone", "Conflit avec mon voisin à cause de sa haie qui déborde. J'aimerais une solution à l'amiable sans tribunal.",
  ["conciliateur"], ["point-acces-droit", "avocats-gratuits"],
  needs=["legal"])
m("la-criee", "association", "Notre association veut embaucher son premier salarié, on a plein de questions : contrat, charges, convention collective.",
  ["juristes-solidaires", "dla"], ["subvention-fonctionnement"],
  needs=["legal"])
m("les-dunes", "informal", "Pour la fête de la plage on veut tenir une buvette et vendre des crêpes, quelles autorisations faut-il ?",
  ["guichet-manifestations", "hygiene-repas-partages"], ["referent-manifestations", "conseil-assurance", "agent-les-dunes"],
  tags=["meal"], needs=["legal"])
m("kerlann", "alone", "I need help with my CAF online account and renewing my residence permit, my French is not very good.",
  ["france-services-demarches"], ["conseillere-numerique", "welcome-carvelonne", "point-acces-droit"],
  needs=["legal"], locale=EN)
m("saint-gildas", "informal", "On fait un petit concert acoustique dans la rue en juin, faut-il déclarer la musique à la SACEM ?",
  ["permanence-sacem"], ["guichet-manifestations", "referente-pratiques-amateurs"],
  needs=["legal"])
m("port-aurel", "alone", "J'habite Port-Aurel, j'ai besoin de parler à un juriste pour une question de succession.",
  ["point-justice-port-aurel"], ["cidff-permanence"],
  traps=["other_commune"], needs=["legal"])
m("saint-meen-des-landes", "alone", "bonjour je suis de st meen des landes, ou trouver un juriste pres de chez moi pour un souci de bornage avec le voisin",
  ["permanence-juridique-saint-meen"], ["adil-conseil-logement", "cidff-permanence"],
  traps=["other_commune"], tags=["rural"], needs=["legal"])
m("vieux-port", "informal", "Nous sommes un groupe de femmes et voulons créer un collectif d'entraide pour les mamans solos. Nous voulons d'abord connaître nos droits.",
  ["cidff-permanence"], ["creer-son-association", "referente-familles-kerlann", "agent-vieux-port"],
  needs=["legal", "peers"])
m("la-criee", "association", "Our association would like free advice on its business model and accounting, we have two employees.",
  ["dla"], ["juristes-solidaires", "mecenat-competences-marees"],
  needs=["legal", "skills"], locale=EN)
m("la-roseraie", "alone", "Comment faire fermer ma rue à la circulation pour la fête des voisins ? C'est à qui qu'il faut demander ?",
  ["guichet-manifestations"], ["kit-fete-voisins", "referent-manifestations", "agent-la-roseraie"],
  needs=["legal"])
m("les-dunes", "informal", "Qui est responsable si quelqu'un se blesse pendant notre tournoi de pétanque sur la plage ? On est juste des voisins.",
  ["conseil-assurance"], ["guichet-manifestations", "referent-manifestations"],
  needs=["legal"])
m(None, "association", "Bonjour, trésorière d'une petite association, je m'interroge sur le RGPD pour notre fichier d'adhérents et sur la fiscalité des dons. À qui m'adresser ?",
  ["juristes-solidaires"], ["dla", "mecenat-competences-marees"],
  needs=["legal"])

# ------------------------------------------------------------------ sponsors / in kind
m("vieux-port", "informal", "Fête de quartier place Anne-de-Bretagne : on cherche des tables, des barnums et une petite sono.",
  ["pret-materiel-festif"], ["electricite-kerbrat", "guichet-manifestations", "kit-fete-voisins", "agent-vieux-port"],
  needs=["equipment"])
m("la-roseraie", "informal", "On construit des bacs potagers devant l'école, on cherche du bois gratuit et du terreau.",
  ["le-goff-outils-bois", "jardinerie-landes"], ["referente-jardins", "jardins-roseraie", "fonds-initiatives-habitants"],
  needs=["equipment"])
m("kerlann", "association", "Épicerie solidaire associative à Kerlann : on cherche un partenariat avec un supermarché pour récupérer les invendus.",
  ["hyper-ocean-dons"], ["projet-alimentaire", "subvention-fonctionnement", "agent-kerlann"],
  needs=["partners"])
m("les-dunes", "informal", "Besoin d'imprimer des affiches et des flyers pour notre fête de quartier aux Dunes, pas trop cher si possible",
  ["imprimerie-du-port"], ["pret-materiel-festif", "agent-les-dunes"],
  needs=["equipment"])
m("vieux-port", "informal", "We want our neighbourhood party to be zero waste. Where can we borrow reusable cups and plates?",
  ["pret-gobelets"], ["pret-materiel-festif", "projet-alimentaire"],
  tags=["meal"], needs=["equipment"], locale=EN)
m("kerlann", "informal", "On a monté une équipe de foot de filles à Kerlann, il nous faut des ballons et des maillots, et si possible un sponsor.",
  ["sport-ocean"], ["educateur-sport-rue", "foot-de-rue", "fonds-participation-kerlann", "bourse-initiatives-jeunes"],
  traps=["association_only"], needs=["equipment", "partners"])
m("saint-gildas", "association", "Association de quartier : nous aimerions trouver un mécène local pour financer une fresque sur le mur du parking des Remparts.",
  ["caisse-locale-dons"], ["subvention-fonctionnement", "prix-solidarite-marees", "referente-pratiques-amateurs", "atelier-haliotis"],
  needs=["partners", "funding"])
m("la-criee", "informal", "On veut aménager une petite rampe et un coin jardin accessible devant le local du collectif, on cherche un architecte bénévole.",
  ["atelier-haliotis", "mission-accessibilite"], ["le-goff-outils-bois", "referente-jardins"],
  needs=["skills"])
m("vieux-port", "association", "Notre association d'alphabétisation cherche des ordinateurs pour ses cours du soir.",
  ["carv-ordi"], ["conseillere-numerique", "mecenat-competences-marees", "welcome-carvelonne"],
  needs=["equipment"])
m("les-dunes", "informal", "petit dej solidaire le dimanche pour les gens seuls aux dunes, on cherche du pain et des viennoiseries",
  ["fournil-dunes"], ["hyper-ocean-dons", "coordinatrice-isolement", "bien-vieillir-ensemble", "grande-salle-mpt"],
  tags=["meal"], needs=["equipment"])
m("la-criee", "informal", "Pour le marché de Noël de la Criée il nous faut de l'électricité pour une quinzaine de stands.",
  ["electricite-kerbrat"], ["guichet-manifestations", "pret-materiel-festif", "comite-fete-criee"],
  needs=["equipment"])
m("la-roseraie", "association", "We're a registered charity supporting visually impaired people in Carvelonne and we're looking for a local sponsor.",
  ["lions-soutien"], ["caisse-locale-dons", "mission-accessibilite", "prix-solidarite-marees"],
  needs=["partners", "funding"], locale=EN)
m("saint-gildas", "association", "Nous cherchons un bénévole compétent pour refaire notre plan de financement et notre site internet (association de sauvegarde du patrimoine).",
  ["mecenat-competences-marees"], ["dla", "conseillere-numerique"],
  needs=["skills"])
m("saint-gildas", "informal", "On est une bande de copains sans asso, on organise un tournoi de pétanque, on cherche un sponsor qui donne un peu d'argent.",
  ["fonds-initiatives-habitants"], ["sport-ocean", "imprimerie-du-port", "pret-materiel-festif"],
  must_not=["brasserie-carvelonnaise"], traps=["association_only"], needs=["funding", "partners"])
m("kerlann", "informal", "pour la fete de fin d'annee du quartier on cherche des lots pour une tombola et des boissons",
  ["hyper-ocean-dons"], ["fonds-participation-kerlann", "agent-kerlann", "imprimerie-du-port"],
  needs=["partners"])
m("port-aurel", "association", "Association nautique de Port-Aurel : nous cherchons un partenaire financier pour notre régate d'été.",
  ["marina-sponsor"], ["coup-de-pouce-port-aurel", "agent-port-aurel"],
  traps=["other_commune"], needs=["partners", "funding"])

# ------------------------------------------------------------------ people
m("vieux-port", "alone", "Bonjour, je viens d'emménager au Vieux-Port et j'aimerais m'investir dans la vie du quartier. À qui m'adresser ?",
  ["agent-vieux-port"], ["welcome-carvelonne", "clic-et-cafe", "chambre-a-air"],
  needs=["partners"])
m("la-criee", "alone", "slt jvoudrai parler a qqn de la mairie pr mon quartier la criee jai plein d idées",
  ["agent-la-criee"], ["budget-participatif-2027"],
  traps=["other_commune"], needs=["partners"])
m("kerlann", "alone", "Madame, Monsieur, habitante de la Résidence Kerlann-Haut depuis vingt ans, je souhaiterais rencontrer la personne chargée de l'animation du quartier afin de proposer un projet de fresque sur le mur du parking. Veuillez agréer mes salutations distinguées.",
  ["agent-kerlann"], ["fonds-participation-kerlann", "referente-pratiques-amateurs"],
  needs=["partners"])
m("les-dunes", "alone", "Who is the neighbourhood officer for Les Dunes? I'd like to suggest more benches along the beach path.",
  ["agent-les-dunes"], ["budget-participatif-2027"],
  traps=["expired"], needs=["partners"], locale=EN)
m("saint-gildas", "alone", "Bonjour, moi habiter Saint-Gildas, je veux aider les personnes vieilles qui sont seules, avec qui je peux parler ?",
  ["coordinatrice-isolement", "visiteurs-du-mardi"], ["agent-saint-gildas"],
  needs=["partners", "peers"])
m("la-roseraie", "informal", "Qui est l'agent de quartier de la Roseraie ? On m'avait donné le nom de M. Hervé mais il ne répond pas.",
  ["agent-la-roseraie"], [],
  must_not=["agent-roseraie-ancien"], traps=["inactive"], needs=["partners"])
m("saint-gildas", "informal", "Avec des parents d'élèves on voudrait savoir si on peut mettre des panneaux solaires sur le toit de l'école.",
  ["conseiller-energie", "carv-energie"], ["fonds-transition", "agent-saint-gildas"],
  needs=["skills", "peers"])
m("kerlann", "informal", "Avec d'autres parents on veut lancer un pédibus pour aller à l'école Jean-Jaurès à pied.",
  ["charge-mobilites"], ["agent-kerlann", "fonds-transition", "referente-familles-kerlann"],
  needs=["skills"])
m("la-criee", "informal", "je joue dans un groupe de rock avec des potes on cherche qq1 qui peut nous aider a trouver des dates et un lieu",
  ["referente-pratiques-amateurs"], ["salle-la-cale", "permanence-sacem"],
  needs=["partners"])
m("les-dunes", "alone", "Mon fils de 16 ans veut monter un projet humanitaire avec ses copains, qui peut les aider ?",
  ["point-info-jeunesse", "bourse-initiatives-jeunes"], ["agent-les-dunes"],
  needs=["partners", "funding"])
m("vieux-port", "informal", "Comment rendre notre fête de quartier accessible aux personnes sourdes et en fauteuil ? On aimerait des conseils.",
  ["mission-accessibilite"], ["balades-pour-tous", "agent-vieux-port", "guichet-manifestations"],
  needs=["skills"])
m("la-roseraie", "informal", "On voudrait créer une épicerie participative avec des produits locaux dans le quartier de la gare.",
  ["projet-alimentaire"], ["amap-marais", "agent-la-roseraie", "creer-son-association", "fonds-transition"],
  needs=["skills", "partners"])
m("vieux-port", "alone", "Ma grand-mère voudrait apprendre à faire des visios avec ses petits-enfants, y a-t-il quelqu'un pour l'aider ?",
  ["clic-et-cafe", "conseillere-numerique"], ["france-services-demarches"],
  needs=["skills", "peers"])
m("kerlann", "informal", "on voudrait organiser du sport en bas des tours pour les ados le soir, qui peut nous aider ?",
  ["educateur-sport-rue"], ["foot-de-rue", "gymnase-kerlann", "agent-kerlann", "sport-ocean"],
  needs=["partners"])
m("les-dunes", "association", "Qui peut nous aider pour le dossier sécurité de notre course solidaire sur le front de mer ?",
  ["referent-manifestations"], ["guichet-manifestations", "conseil-assurance"],
  needs=["legal", "partners"])
m("saint-gildas", "alone", "I'd like to plant flowers on the pavement in front of my building on Rue Victor-Hugo. Who do I ask?",
  ["referente-jardins"], ["grainotheque", "agent-saint-gildas"],
  needs=["partners"], locale=EN)
m("saint-meen-des-landes", "alone", "Je vis à Saint-Méen et j'aimerais proposer un marché de producteurs dans le bourg, à qui en parler à la mairie ?",
  ["adjointe-vie-locale-saint-meen"], ["fonds-animation-rurale", "comite-fetes-saint-meen", "projet-alimentaire"],
  traps=["other_commune"], tags=["rural"], needs=["partners"])
m("port-aurel", "alone", "Bonjour, habitante de Port-Aurel, je cherche la personne qui accompagne les projets d'habitants dans ma commune.",
  ["agent-port-aurel"], [],
  traps=["other_commune"], needs=["partners"])
m("kerlann", "alone", "Je suis maman à Kerlann et je me sens un peu seule avec mon bébé, il existe des choses pour les parents ?",
  ["cafe-parents-kerlann", "referente-familles-kerlann"], ["agent-kerlann"],
  needs=["peers"])
m("la-criee", "alone", "Bonjour, je suis nouvelle à la Criée. Qui peut m'expliquer comment proposer une idée pour le quartier ?",
  ["agent-la-criee"], ["budget-participatif-2027", "fonds-initiatives-habitants"],
  needs=["partners"])
m(None, "alone", "How can I reduce my energy bills? Is there free advice in Carvelonne?",
  ["conseiller-energie"], ["carv-energie"],
  needs=["skills"], locale=EN)

# ------------------------------------------------------------------ initiatives to join
m("saint-gildas", "alone", "j'ai un grille-pain en panne, y a un endroit pour le réparer au lieu de le jeter ?",
  ["repair-carv"], ["fablab-la-cale"],
  traps=["other_commune"], needs=["peers"])
m("la-roseraie", "alone", "Is there a repair café in Carvelonne? I'd love to volunteer, I'm an electrician.",
  ["repair-carv"], ["fablab-la-cale", "chambre-a-air"],
  traps=["other_commune"], needs=["peers"], locale=EN)
m("les-dunes", "alone", "Je voudrais ramasser les déchets sur la plage avec d'autres gens, ça existe ?",
  ["dunes-propres"], ["composteur-dunes", "agent-les-dunes"],
  needs=["peers"])
m("la-roseraie", "alone", "Je voudrais un bout de jardin pour cultiver des légumes près de la gare.",
  ["jardins-roseraie"], ["referente-jardins", "pavillon-roseraie"],
  needs=["peers"])
m("saint-gildas", "alone", "J'aime chanter, y a-t-il une chorale dans la ville haute ?",
  ["chorale-saint-gildas"], ["referente-pratiques-amateurs"],
  needs=["peers"])
m("vieux-port", "alone", "Where can I buy organic vegetables directly from a local farmer?",
  ["amap-marais"], ["projet-alimentaire"],
  needs=["peers"], locale=EN)
m("la-roseraie", "informal", "On voudrait relancer le ciné en plein air l'été sur la place de l'Europe, comme avant.",
  ["agent-la-roseraie", "referente-pratiques-amateurs"], ["fonds-initiatives-habitants", "pret-materiel-festif", "budget-participatif-2027", "guichet-manifestations"],
  must_not=["cine-plein-air-roseraie"], traps=["inactive"], needs=["partners"])
m("les-dunes", "alone", "Je voudrais investir un peu d'argent dans l'énergie renouvelable locale, il y a une coopérative ?",
  ["carv-energie"], ["conseiller-energie"],
  needs=["peers"])
m("vieux-port", "alone", "je sais pas réparer mon vélo, il y a un atelier pour apprendre ?",
  ["chambre-a-air"], ["repair-carv", "charge-mobilites"],
  needs=["peers", "skills"])
m("saint-gildas", "alone", "We just moved from Manchester to Carvelonne. How can we meet people and practise our French?",
  ["welcome-carvelonne"], ["agent-saint-gildas", "chorale-saint-gildas"],
  needs=["peers"], locale=EN)
m("kerlann", "alone", "Je suis syrienne, j'aime beaucoup cuisiner. Je voudrais rencontrer des femmes du quartier pour cuisiner ensemble.",
  ["cuisines-du-monde"], ["cuisine-partagee-dunes", "referente-familles-kerlann", "agent-kerlann"],
  needs=["peers"])
m("la-criee", "alone", "Je veux être bénévole pour la fête de la Criée cet été !",
  ["comite-fete-criee"], ["agent-la-criee"],
  needs=["peers"])
m("saint-meen-des-landes", "alone", "nouvel arrivant a saint meen, je cherche une asso ou un groupe pour m'investir dans la commune",
  ["comite-fetes-saint-meen", "sabots-verts"], ["adjointe-vie-locale-saint-meen"],
  traps=["other_commune"], tags=["rural"], needs=["peers"])
m("saint-gildas", "alone", "My elderly neighbour is very lonely. Is there a volunteer visiting scheme in the old town?",
  ["visiteurs-du-mardi"], ["coordinatrice-isolement"],
  needs=["peers"], locale=EN)
m("la-criee", "alone", "Je voudrais apprendre l'impression 3D et la découpe laser",
  ["fablab-la-cale"], ["salle-la-cale"],
  needs=["skills", "peers"])
m("les-dunes", "alone", "est ce quil y a un compost collectif aux dunes ?",
  ["composteur-dunes"], ["aide-compost-partage", "dunes-propres"],
  needs=["peers"])
m("saint-gildas", "alone", "Je voudrais installer une boîte à livres rue Victor-Hugo, comment faire ?",
  ["boites-a-livres"], ["le-goff-outils-bois", "fonds-initiatives-habitants", "agent-saint-gildas"],
  needs=["peers"])
m("les-dunes", "alone", "Mon fils est en fauteuil, on aimerait profiter de la plage ensemble. Il existe quelque chose ?",
  ["balades-pour-tous"], ["mission-accessibilite"],
  needs=["peers"])
m("saint-gildas", "alone", "Je cherche des graines de tomates anciennes à échanger.",
  ["grainotheque"], ["jardins-roseraie"],
  needs=["peers"])
m("saint-meen-des-landes", "alone", "st meen: y a t il un jardin partagé ? merci",
  ["sabots-verts"], ["comite-fetes-saint-meen"],
  traps=["other_commune"], tags=["rural"], needs=["peers"])
m("kerlann", "alone", "mon fils a 12 ans il veut jouer au foot avec d'autres enfants le mercredi",
  ["foot-de-rue"], ["educateur-sport-rue", "gymnase-kerlann"],
  needs=["peers"])
m("kerlann", "alone", "There is a parents' coffee morning in Kerlann? I'd like to meet other mums.",
  ["cafe-parents-kerlann"], ["referente-familles-kerlann"],
  needs=["peers"], locale=EN)

# ------------------------------------------------------------------ several needs at once
m("kerlann", "informal", "On veut créer un jardin partagé entre les tours de Kerlann : il nous faut un terrain, un peu d'argent, des outils et des gens motivés.",
  ["referente-jardins", "fonds-participation-kerlann"], ["le-goff-outils-bois", "jardinerie-landes", "fonds-transition", "aide-compost-partage", "agent-kerlann", "jardins-roseraie", "fonds-initiatives-habitants"],
  traps=["association_only"], needs=["funding", "equipment", "partners", "peers"])
m("les-dunes", "informal", "A few of us want to start a monthly community breakfast at Les Dunes for isolated older residents. We need a place with a kitchen, some funding and maybe food donations. About 30 people, some use walkers.",
  ["grande-salle-mpt", "bien-vieillir-ensemble"], ["fournil-dunes", "coordinatrice-isolement", "hyper-ocean-dons", "fonds-initiatives-habitants", "agent-les-dunes"],
  traps=["step_free", "capacity", "association_only", "food"], tags=["cooking", "meal", "step_free"], needs=["place", "funding", "equipment"], headcount=30, locale=EN)
m("vieux-port", "association", "Festival de musique de rue au Vieux-Port en juin 2027 : il nous faut les autorisations, une scène, de la sono et un financement.",
  ["guichet-manifestations", "pret-materiel-festif"], ["subvention-fonctionnement", "permanence-sacem", "electricite-kerbrat", "caisse-locale-dons", "referent-manifestations", "referente-pratiques-amateurs"],
  traps=["expired"], needs=["legal", "equipment", "funding"])
m("la-criee", "informal", "Bjr, on veut faire une disco soupe (soupe avec légumes invendus) à la Criée pour 50 personnes : légumes, cuisine, salle...",
  ["salle-la-cale", "hyper-ocean-dons"], ["projet-alimentaire", "halle-criee", "hygiene-repas-partages", "fonds-initiatives-habitants", "pret-gobelets"],
  traps=["capacity", "food"], tags=["cooking", "meal"], needs=["place", "partners"], headcount=40)
m("saint-gildas", "informal", "Nous voudrions organiser une fête des voisins rue de la Paix, avec un barbecue, des tables et une autorisation de fermer la rue. Nous serons une soixantaine.",
  ["kit-fete-voisins", "guichet-manifestations", "pret-materiel-festif"], ["agent-saint-gildas", "conseil-assurance", "pret-gobelets"],
  traps=["expired"], tags=["meal"], needs=["funding", "legal", "equipment"], headcount=60)
m("la-roseraie", "informal", "Hello, we'd like to set up a bike repair corner at the station for commuters: we need tools, a small grant and people who know bikes.",
  ["ateliers-velo-aide", "chambre-a-air"], ["charge-mobilites", "repair-carv", "fonds-transition", "le-goff-outils-bois"],
  traps=["expired"], needs=["funding", "equipment", "peers"], locale=EN)
m(None, "informal", "coucou on est un petit groupe de jeunes (18-22 ans), on veut organiser un concert caritatif, on a besoin d'argent, d'une salle et de quelqu'un pour nous guider",
  ["bourse-initiatives-jeunes", "point-info-jeunesse"], ["referente-pratiques-amateurs", "salle-la-cale", "permanence-sacem", "fonds-initiatives-habitants", "salle-conference-mda"],
  traps=["expired", "association_only"], needs=["funding", "place", "partners"])
m("les-dunes", "association", "Notre association veut organiser une journée « plage pour tous » avec des joëlettes : il faut de l'aide pour rendre l'événement accessible et un peu de financement.",
  ["mission-accessibilite", "balades-pour-tous"], ["sport-pour-tous", "lions-soutien", "subvention-fonctionnement", "prix-solidarite-marees"],
  needs=["skills", "funding", "peers"])
m("saint-meen-des-landes", "informal", "À Saint-Méen on aimerait faire un repas partagé des hameaux pour 80 personnes avec un peu d'aide de la commune et des tables.",
  ["salle-polyvalente-saint-meen", "fonds-animation-rurale"], ["adjointe-vie-locale-saint-meen", "comite-fetes-saint-meen"],
  traps=["other_commune", "capacity"], tags=["meal", "rural"], needs=["place", "funding", "equipment"], headcount=80)
m("vieux-port", "informal", "salut! on veut organiser un apéro-quiz dans le quartier une fois par mois pour 25 pers, salle + un peu de budget pour les lots?",
  ["salle-capitainerie", "fonds-initiatives-habitants"], ["hyper-ocean-dons", "agent-vieux-port", "salle-la-cale"],
  traps=["capacity", "inactive", "association_only"], tags=["meal"], needs=["place", "funding"], headcount=25)
