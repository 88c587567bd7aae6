"""Labelled resident messages (hand-written, by slug). must/nice/must_not_extra use service slugs;
the generator adds the rule-based must_not (expired/inactive everywhere, other commune, association-only,
capacity, step-free) and converts slugs to UUIDs."""
MSG = []


def M(id, text, locale, q, group, must, nice=(), needs=(), headcount=None, traps=(), tags=(), mn=()):
    MSG.append(dict(id=id, text=text, locale=locale, quartier=q, group=group, must=list(must), nice=list(nice),
                    needs=list(needs), headcount=headcount, traps=list(traps), tags=list(tags), mn=list(mn)))

M("s01", "bjr on est 4 voisines rue lamartine on veut faire un potager en bas de la tour, on a pas d'asso, il faut des sous pour la terre et les bacs",
  "fr", "les-chaumes", "informal", ["fph-sorlanges", "bacs-des-chaumes"],
  ["ag-transition-ecologique", "ag-maitre-composteur", "sp-brico-lone", "agent-chaumes", "lh-fonds-initiatives-locataires"],
  ["funding", "peers"], traps=["association_only", "other_commune"], tags=["garden", "street", "sms"])
M("s02", "Madame, Monsieur, notre association « Les Amis du Vieux Sorlanges » souhaite organiser un bal folk le samedi 13 février 2027 pour environ 250 personnes. Pourriez-vous nous indiquer une salle adaptée ? Avec nos remerciements.",
  "fr", "vieux-sorlanges", "association", ["halle-aux-grains"],
  ["buvette-sacem-guichet", "agent-vieux-sorlanges", "permanence-juridique-vie-associative", "benevoles-assurance-manifestations"],
  ["place"], 250, ["capacity"], ["events", "formal"])
M("s03", "Hi, I just moved near the train station. Is there a street party or something I can join to meet the neighbours?",
  "en", "faubourg-saint-jacques", "alone", ["fete-du-faubourg"],
  ["agent-faubourg", "roue-libre-atelier-velo", "boites-a-livres", "disco-soupe", "voisins-veilleurs-aines"],
  ["peers"], tags=["events", "alias"])
M("s04", "Nous sommes un groupe de mamans de Pré-Barrault, on voudrait faire un repas partagé pour la fin du ramadan, à peu près 60 personnes, plusieurs grands-mères sont en fauteuil. Il faut une salle avec cuisine.",
  "fr", "pre-barrault", "informal", ["salle-polyvalente-pre-barrault"],
  ["hygiene-alimentaire-evenements", "sp-hyper-sorlanges-sud", "fph-sorlanges", "agent-pre-barrault", "sp-fripouille-pret-materiel", "salle-cheminots"],
  ["place"], 60, ["capacity", "step_free"], ["food", "wheelchair"])
M("s05", "on organise une fete des voisins en bas de chez nous, on a pas d'assurance, si quelqu'un se blesse c'est pour qui ?",
  "fr", "les-chaumes", "informal", ["benevoles-assurance-manifestations"],
  ["permanence-juridique-vie-associative", "mutuelle-point-conseil-benevoles", "agent-chaumes", "autorisation-domaine-public"],
  ["legal"], traps=["food", "expired"], tags=["insurance", "sms"], mn=["hygiene-alimentaire-evenements"])
M("s06", "Avec quelques voisins du plateau on aimerait installer un composteur collectif dans le square. Qui peut nous aider ?",
  "fr", "montjoie", "informal", ["ag-maitre-composteur"],
  ["jardin-pousses-montjoie", "agent-montjoie", "ag-transition-ecologique", "fph-sorlanges", "sp-brico-lone"],
  ["skills"], tags=["environment", "alias"])
M("s07", "We're a few parents in Val d'Orme and we'd like to start a walking bus to school. Does something like that exist already?",
  "en", "val-d-orme", "informal", ["pedibus-val-d-orme"], ["agent-val-d-orme"], ["peers"], tags=["mobility", "parenting"])
M("s08", "Bonjour, j'habite à Vaudrémont dans le bourg, on voudrait faire une fête de quartier cet été avec les voisins, y a-t-il une aide ?",
  "fr", "vaudremont-bourg", "informal", ["vd-aide-initiatives-habitantes"],
  ["vd-elu-vie-locale", "vd-comite-des-fetes", "vd-salle-des-fetes", "sp-vd-cooperative-agricole", "vd-autorisations-manifestations", "benevoles-assurance-manifestations"],
  ["funding"], traps=["other_commune", "expired"], tags=["events"])
M("s09", "je suis aux essarts, ya rien ici pour les jeunes, je voudrais organiser un concert dans le village, c possible ?",
  "fr", "les-essarts-sur-lone", "alone", ["es-secretaire-mairie", "es-salle-polyvalente"],
  ["dep-fonds-initiatives-jeunes", "es-declaration-manifestations", "es-soutien-animations-village"],
  ["place"], traps=["other_commune", "association_only"], tags=["culture", "youth", "rural", "sms"])
M("s10", "Notre asso de quartier voudrait acheter un vélo cargo pour le prêter aux habitants des quais.",
  "fr", "la-brasserie", "association", ["ag-velo-cargo-associatif"],
  ["ag-transition-ecologique", "roue-libre-atelier-velo", "agent-brasserie"], ["funding"], tags=["mobility", "alias"])
M("s11", "Je voudrais savoir comment faire pour fermer notre rue (rue Jules-Ferry) un dimanche pour un vide-grenier entre voisins. Il faut demander à qui et combien de temps avant ?",
  "fr", "faubourg-saint-jacques", "informal", ["autorisation-domaine-public"],
  ["agent-faubourg", "fete-du-faubourg", "benevoles-assurance-manifestations"], ["legal"], tags=["public_space", "street"])
M("s12", "hello, I want to help old people in my area who are alone. how can i volunteer?",
  "en", "les-chaumes", "alone", ["voisins-veilleurs-aines", "ccas-referente-bien-vieillir"],
  ["agent-chaumes", "cafe-numerique-jeudi"], ["peers"], tags=["elderly"])
M("s13", "Je suis locataire aux Hautes Bruyères, je voudrais organiser une aide aux devoirs dans le local en bas, a qui je m'adresse",
  "fr", "pre-barrault", "alone", ["local-hautes-bruyeres", "lh-developpement-social"],
  ["lh-fonds-initiatives-locataires", "agent-pre-barrault", "cafe-des-parents-pre-barrault"], ["place"], tags=["housing", "parenting", "street"])
M("s14", "On est 6 amis, on voudrait monter une petite expo photo dans une cave voûtée du centre, genre 30 personnes au vernissage",
  "fr", "vieux-sorlanges", "informal", ["salle-vieux-lavoir"],
  ["agent-vieux-sorlanges", "fph-sorlanges", "sp-imprimerie-faubourg", "auditorium-mediatheque"], ["place"], 30, ["capacity"], ["culture", "alias"])
M("s15", "Nous organisons une lecture publique pour environ 40 personnes dont plusieurs en fauteuil roulant, dans le centre-ville si possible.",
  "fr", "vieux-sorlanges", "informal", ["auditorium-mediatheque"],
  ["referent-accessibilite", "salle-cheminots", "boites-a-livres", "agent-vieux-sorlanges"], ["place"], 40, ["step_free", "capacity"], ["culture", "wheelchair"])
M("s16", "Atelier fabrication de nichoirs pour les enfants du quartier Montjoie, on sera 25, un des enfants est en fauteuil. Vous avez une salle ?",
  "fr", "montjoie", "informal", ["maison-du-projet-val-d-orme", "atelier-malterie"],
  ["sp-brico-lone", "agent-montjoie", "studio-danse-mjc"], ["place"], 25, ["step_free", "capacity"], ["environment", "wheelchair", "parenting"])
M("s17", "Bonjour, nous sommes l'association Femmes Solidaires des Chaumes. Nous cherchons un financement pour des ateliers santé destinés aux femmes du quartier.",
  "fr", "les-chaumes", "association", ["appel-quartiers-vivants"],
  ["sp-mutuelle-prevention-sante", "fph-sorlanges", "subvention-fonctionnement-associations", "agent-chaumes"], ["funding"], tags=["health"])
M("s18", "On est un groupe de femmes des chaumes (pas d'association) on veut faire des ateliers cuisine santé, on cherche un financement",
  "fr", "les-chaumes", "informal", ["fph-sorlanges"],
  ["lh-fonds-initiatives-locataires", "agent-chaumes", "salle-maison-quartier-chaumes", "cuisine-popote-pre-barrault", "benevoles-creer-association", "hygiene-alimentaire-evenements"],
  ["funding"], traps=["association_only"], tags=["food", "health"])
M("s19", "We'd like to put solar panels on our building roofs with the neighbours. Is anyone doing that here? We'd need some expert help too",
  "en", "val-d-orme", "informal", ["val-d-orme-energies", "sp-lonergie-competences"],
  ["ag-conseiller-energie", "ag-transition-ecologique", "agent-val-d-orme"], ["peers", "skills"], traps=["expired"], tags=["energy"])
M("s20", "bonjour je voudrais réparer mon vélo et apprendre a le faire moi meme, y a un atelier pres de la gare ?",
  "fr", "faubourg-saint-jacques", "alone", ["roue-libre-atelier-velo"], ["repair-cafe-sorlanges", "agent-faubourg"], ["skills", "peers"], tags=["mobility", "repair", "alias"])
M("s21", "Mon grille-pain est en panne et je déteste jeter. Il y a un repair café dans le coin ?",
  "fr", "la-brasserie", "alone", ["repair-cafe-sorlanges"], ["atelier-malterie", "roue-libre-atelier-velo"], ["peers"], tags=["repair"])
M("s22", "Comment on crée une association ? On est un collectif de 8 personnes et on voudrait des statuts",
  "fr", None, "informal", ["benevoles-creer-association"],
  ["permanence-juridique-vie-associative", "sp-club-entreprises"], ["legal"], tags=["association"])
M("s23", "Bonjour, je suis locataire aux Tuileries à Vaudrémont. Avec des voisins on veut repeindre la cage d'escalier avec une fresque. Lône Habitat peut aider ?",
  "fr", "les-tuileries", "informal", ["lh-fonds-initiatives-locataires", "lh-developpement-social"],
  ["vd-salle-tuileries", "vd-elu-vie-locale", "sp-brico-lone", "vd-aide-initiatives-habitantes"], ["funding"], traps=["other_commune"], tags=["housing", "culture"])
M("s24", "On veut faire un barbecue géant pour la fête de quartier du Pré, dans les 100 personnes, on aurait besoin de boissons et de nourriture offertes si possible",
  "fr", "pre-barrault", "informal", ["sp-hyper-sorlanges-sud"],
  ["fph-sorlanges", "hygiene-alimentaire-evenements", "autorisation-domaine-public", "buvette-sacem-guichet", "agent-pre-barrault", "sp-fripouille-pret-materiel"],
  ["partners"], 100, ["capacity"], ["food", "events", "alias"])
M("s25", "Je tiens une buvette pour la fête de la musique, il me faut une autorisation ? et pour la musique la sacem ?",
  "fr", "vieux-sorlanges", "alone", ["buvette-sacem-guichet"],
  ["autorisation-domaine-public", "hygiene-alimentaire-evenements", "agent-vieux-sorlanges"], ["legal"], tags=["events", "public_space"])
M("s26", "on veut vendre des gateaux faits maison à la kermesse, est ce qu'il y a des règles d'hygiène à respecter ?",
  "fr", "pre-barrault", "informal", ["hygiene-alimentaire-evenements"], ["buvette-sacem-guichet", "agent-pre-barrault"], ["legal"], tags=["food"])
M("s27", "Is there a community garden in Montjoie? I'd love to grow vegetables with other people",
  "en", "montjoie", "alone", ["jardin-pousses-montjoie"], ["agent-montjoie", "bacs-des-chaumes", "ag-maitre-composteur"], ["peers"], traps=["other_commune"], tags=["garden"])
M("s28", "Aux Essarts on voudrait relancer la fête des pommes avec le verger, qui contacter ?",
  "fr", "les-essarts-sur-lone", "informal", ["es-verger-partage", "es-secretaire-mairie"],
  ["es-soutien-animations-village", "sp-es-ferme-des-essarts", "es-salle-polyvalente", "es-declaration-manifestations"], ["peers"], traps=["other_commune"], tags=["garden", "rural"])
M("s29", "slt jai 19 ans jhabite les chaumes je veux organiser un tournoi de foot pour les petits du quartier, y a des aides pour les jeunes ?",
  "fr", "les-chaumes", "alone", ["bourse-jeunes-qui-osent", "foot-de-rue-chaumes"],
  ["mjc-animateur-jeunesse", "dep-fonds-initiatives-jeunes", "agent-chaumes"], ["funding"], traps=["association_only", "expired"], tags=["sport", "youth", "sms"])
M("s30", "Club de basket du Val-d'Orme : nous cherchons un créneau en gymnase pour un tournoi (150 personnes) et une aide pour le matériel.",
  "fr", "val-d-orme", "association", ["gymnase-marie-paradis", "subvention-clubs-sportifs"], ["agent-val-d-orme"], ["place", "funding"], 150, ["capacity"], ["sport"])
M("s31", "Ma mère a 82 ans, elle voudrait apprendre à se servir de sa tablette pour voir ses petits-enfants. Il existe un atelier ?",
  "fr", "vieux-sorlanges", "alone", ["cafe-numerique-jeudi", "conseiller-numerique-mediatheque"], ["ccas-referente-bien-vieillir"], ["skills"], tags=["digital", "elderly"])
M("s32", "Nous voulons organiser un ciné plein air dans le square Jean-Jaurès cet été, il nous faudrait un écran et un projecteur",
  "fr", "faubourg-saint-jacques", "informal", ["sp-cinema-rex"],
  ["autorisation-domaine-public", "fph-sorlanges", "agent-faubourg", "sp-imprimerie-faubourg"], ["equipment", "partners"], traps=["expired"], tags=["culture", "street"])
M("s33", "On voudrait imprimer des affiches pour la fête de notre rue, un commerçant pourrait nous sponsoriser ?",
  "fr", "vieux-sorlanges", "informal", ["sp-imprimerie-faubourg"], ["sp-club-entreprises", "fph-sorlanges", "agent-vieux-sorlanges", "sp-boulangerie-petrin"], ["partners"], tags=["events"])
M("s34", "Avec un collectif on veut nettoyer les bords de la Lône, y a deja des gens qui font ça ?",
  "fr", "la-brasserie", "informal", ["lone-propre"], ["agent-brasserie", "ag-transition-ecologique"], ["peers"], tags=["environment", "alias"])
M("s35", "Je suis maman solo, je cherche d'autres parents pour parler de nos enfants, au pré barrault",
  "fr", "pre-barrault", "alone", ["cafe-des-parents-pre-barrault"], ["agent-pre-barrault"], ["peers"], tags=["parenting"])
M("s36", "Madame, Monsieur, je me permets de vous écrire au nom d'un petit groupe d'habitants de la rue des Vignes. Nous souhaitons aménager un espace de jeux pour enfants sur la parcelle en friche au bout de notre rue. Comment pouvons-nous proposer ce projet à la Ville ? Veuillez agréer nos salutations distinguées.",
  "fr", "montjoie", "informal", ["budget-participatif-2027", "agent-montjoie"], ["fph-sorlanges"], ["funding"], tags=["youth", "formal", "street"])
M("s37", "je voudrais faire une réunion publique sur les économies d'énergie dans l'ecoquartier, une salle avec projecteur pour 40 personnes",
  "fr", "val-d-orme", "informal", ["maison-du-projet-val-d-orme"],
  ["ag-conseiller-energie", "sp-lonergie-competences", "val-d-orme-energies", "agent-val-d-orme"], ["place"], 40, ["capacity"], ["energy", "alias"])
M("s38", "We want to cook a meal together, around 10-12 people, and need a proper kitchen near Pré-Barrault. Two of us have food hygiene training.",
  "en", "pre-barrault", "informal", ["cuisine-popote-pre-barrault"],
  ["salle-polyvalente-pre-barrault", "hygiene-alimentaire-evenements", "agent-pre-barrault"], ["place"], 12, tags=["food"])
M("s39", "Bonjour, on voudrait faire un troc de vêtements et une fresque dans notre résidence Les Cèdres (Lône Habitat). Un financement est possible ?",
  "fr", "les-chaumes", "informal", ["lh-fonds-initiatives-locataires"],
  ["fph-sorlanges", "lh-developpement-social", "sp-fripouille-pret-materiel", "agent-chaumes"], ["funding"], traps=["association_only"], tags=["housing", "street"])
M("s40", "Le comité des fêtes de Vaudrémont cherche une salle pour le repas des anciens (120 couverts).",
  "fr", "vaudremont-bourg", "association", ["vd-salle-des-fetes"],
  ["vd-elu-vie-locale", "sp-vd-cooperative-agricole", "vd-autorisations-manifestations"], ["place"], 120, ["other_commune", "capacity"], ["food", "elderly"])
M("s41", "Un voisin fait du bruit toutes les nuits depuis des mois, je voudrais un conseil juridique gratuit",
  "fr", None, "alone", ["point-justice-sorlanges"], ["adil-logement"], ["legal"], tags=["housing"])
M("s42", "mon bailleur (lône habitat) refuse qu'on utilise la pelouse de la résidence pour un pique-nique entre voisins, on a le droit ?",
  "fr", "pre-barrault", "informal", ["adil-logement", "lh-developpement-social"],
  ["point-justice-sorlanges", "agent-pre-barrault", "permanence-juridique-vie-associative"], ["legal"], tags=["housing", "public_space"])
M("s43", "Hello! We're a group of neighbours near Boulevard Victor Hugo, planning a potluck for about 50 people. Is there a hall with a kitchen we could borrow?",
  "en", "faubourg-saint-jacques", "informal", ["salle-cheminots"],
  ["salle-polyvalente-pre-barrault", "hygiene-alimentaire-evenements", "fph-sorlanges", "agent-faubourg"], ["place"], 50, ["capacity", "inactive"], ["food", "street"])
M("s44", "L'amicale des locataires des Chaumes organise son assemblée générale, environ 80 personnes, il faut que ce soit accessible PMR.",
  "fr", "les-chaumes", "association", ["salle-maison-quartier-chaumes"], ["agent-chaumes", "lh-developpement-social"], ["place"], 80, ["capacity", "step_free"], ["housing", "wheelchair"])
M("s45", "Je voudrais mettre une boîte à livres devant chez moi, quai de la Lône, comment faire ?",
  "fr", "la-brasserie", "alone", ["boites-a-livres"], ["agent-brasserie", "autorisation-domaine-public"], ["peers"], tags=["culture", "street"])
M("s46", "Disco soupe ? on a plein d'invendus au marché le samedi, on aimerait cuisiner avec d'autres gens",
  "fr", "vieux-sorlanges", "informal", ["disco-soupe"], ["hygiene-alimentaire-evenements", "fph-sorlanges", "agent-vieux-sorlanges"], ["peers"], tags=["food"])
M("s47", "I'm 17 and i want to make a short film with friends about our neighbourhood by the river. Any money for young people?",
  "en", "la-brasserie", "alone", ["bourse-jeunes-qui-osent"], ["dep-fonds-initiatives-jeunes", "mjc-animateur-jeunesse"], ["funding"], traps=["association_only", "expired"], tags=["youth", "culture"])
M("s48", "Nous voudrions emmener des personnes âgées de Montjoie au marché de Noël, il faudrait un minibus",
  "fr", "montjoie", "informal", ["sp-lone-mobilite-minibus"], ["voisins-veilleurs-aines", "ccas-referente-bien-vieillir", "agent-montjoie"], ["equipment"], tags=["elderly", "mobility"])
M("s49", "Bonjour, nous voulons organiser une grande fête de l'écoquartier en juin, zéro déchet, il nous faudrait de la vaisselle réutilisable et des barnums",
  "fr", "val-d-orme", "informal", ["sp-fripouille-pret-materiel"],
  ["fph-sorlanges", "autorisation-domaine-public", "agent-val-d-orme", "ag-transition-ecologique"], ["equipment"], tags=["events", "environment", "alias"])
M("s50", "On veut que notre fête de rue soit accessible aux personnes malvoyantes et en fauteuil. Qui peut nous conseiller ?",
  "fr", "faubourg-saint-jacques", "informal", ["referent-accessibilite"], ["fete-du-faubourg", "agent-faubourg", "autorisation-domaine-public"], ["skills"], tags=["accessibility"])
M("s51", "Est-ce qu'il faut une assurance pour emmener les enfants du quartier à la piscine en groupe ? on est des parents bénévoles",
  "fr", "les-chaumes", "informal", ["mutuelle-point-conseil-benevoles", "benevoles-assurance-manifestations"],
  ["agent-chaumes", "permanence-juridique-vie-associative"], ["legal"], traps=["food"], tags=["insurance", "parenting"], mn=["hygiene-alimentaire-evenements"])
M("s52", "Do we need insurance to hold a small street party? Who's responsible if something goes wrong?",
  "en", "vieux-sorlanges", "informal", ["benevoles-assurance-manifestations"],
  ["permanence-juridique-vie-associative", "mutuelle-point-conseil-benevoles", "autorisation-domaine-public"], ["legal"], traps=["food"], tags=["insurance"], mn=["hygiene-alimentaire-evenements"])
M("s53", "Notre association souhaite demander une subvention de fonctionnement pour 2027, quelle est la date limite ?",
  "fr", "val-d-orme", "association", ["subvention-fonctionnement-associations"], ["permanence-juridique-vie-associative"], ["funding"], traps=["expired"], tags=["association"])
M("s54", "coucou on est 3 copines on veut faire un goûter de noël pour les enfants de la résidence, on a besoin de 200 euros",
  "fr", "pre-barrault", "informal", ["fph-sorlanges"],
  ["lh-fonds-initiatives-locataires", "sp-hyper-sorlanges-sud", "agent-pre-barrault"], ["funding"], traps=["association_only", "expired"], tags=["events", "sms"])
M("s55", "je veux rejoindre une chorale a montjoie", "fr", "montjoie", "alone", ["agent-montjoie"], [], ["peers"], traps=["inactive"], tags=["culture", "sms"])
M("s56", "c'est qui le référent du quartier des Chaumes maintenant ? j'avais le numéro de M. Sauvat mais il répond plus",
  "fr", "les-chaumes", "alone", ["agent-chaumes"], [], ["skills"], traps=["inactive"], tags=["contact"])
M("s57", "Nous aimerions installer des bacs à fleurs dans la rue des Cordeliers, il nous faut du terreau, des planches et quelqu'un qui sait bricoler.",
  "fr", "vieux-sorlanges", "informal", ["sp-brico-lone"],
  ["atelier-malterie", "fph-sorlanges", "agent-vieux-sorlanges", "ag-transition-ecologique", "autorisation-domaine-public"], ["equipment", "skills"], tags=["garden", "street"])
M("s58", "Our group needs help making a budget and a funding application. Are there volunteers with business skills?",
  "en", None, "informal", ["sp-club-entreprises"], ["benevoles-creer-association", "permanence-juridique-vie-associative"], ["skills"], tags=["skills"])
M("s59", "Association culturelle des Essarts : nous voulons faire venir une troupe de théâtre au village cet été, y a-t-il une aide du département ?",
  "fr", "les-essarts-sur-lone", "association", ["dep-culture-en-campagne"],
  ["es-soutien-animations-village", "es-salle-polyvalente", "es-secretaire-mairie"], ["funding"], traps=["other_commune"], tags=["culture", "rural"])
M("s60", "On voudrait une salle aux Tuileries pour une réunion de voisins, on sera 25",
  "fr", "les-tuileries", "informal", ["vd-salle-tuileries"], ["vd-elu-vie-locale", "lh-developpement-social", "vd-salle-des-fetes"], ["place"], 25, ["other_commune"], ["housing"])
M("s61", "On aimerait monter un atelier couture et réparation de vêtements vers les quais, une salle avec des machines ?",
  "fr", "la-brasserie", "informal", ["atelier-malterie"], ["repair-cafe-sorlanges", "agent-brasserie", "fph-sorlanges"], ["place"], tags=["repair", "alias"])
M("s62", "Comment baisser la facture de chauffage de notre copro ? on voudrait faire une démarche collective dans la résidence",
  "fr", "val-d-orme", "informal", ["ag-conseiller-energie"], ["sp-lonergie-competences", "val-d-orme-energies", "adil-logement"], ["skills"], tags=["energy", "housing"])
M("s63", "On voudrait créer un groupe de discussion et un petit site pour notre immeuble, quelqu'un peut nous aider à le faire ?",
  "fr", "les-chaumes", "informal", ["conseiller-numerique-mediatheque"], ["cafe-numerique-jeudi", "sp-club-entreprises", "agent-chaumes"], ["skills"], tags=["digital"])
M("s64", "Bonjour. Je suis arrivé en France il y a deux ans. Je veux aider dans mon quartier Pré-Barrault, je sais faire la cuisine et réparer les choses. Où je peux aller ?",
  "fr", "pre-barrault", "alone", ["agent-pre-barrault"], ["repair-cafe-sorlanges", "disco-soupe", "voisins-veilleurs-aines", "cafe-des-parents-pre-barrault"], ["peers"], tags=["fle"])
M("s65", "Association Sorlanges en Fête : loto annuel, 280 à 300 joueurs attendus, nous cherchons une salle et des infos pour tenir une buvette",
  "fr", "vieux-sorlanges", "association", ["halle-aux-grains", "buvette-sacem-guichet"], ["permanence-juridique-vie-associative"], ["place", "legal"], 300, ["capacity"], ["events"])
M("s66", "nous sommes 5 voisins du chemin de montjoie, on veut créer un jardin partagé. des sous pour les outils ?",
  "fr", "montjoie", "informal", ["fph-sorlanges", "ag-transition-ecologique"],
  ["jardin-pousses-montjoie", "sp-brico-lone", "ag-maitre-composteur", "agent-montjoie"], ["funding"], traps=["expired"], tags=["garden", "street"])
M("s67", "I live in Les Tuileries (Vaudremont). Who should I talk to about organising something for the kids in my area?",
  "en", "les-tuileries", "alone", ["vd-elu-vie-locale"], ["lh-developpement-social", "vd-salle-tuileries", "vd-aide-initiatives-habitantes"], ["skills"], traps=["other_commune"], tags=["youth"])
M("s68", "Je voudrais créer un cours de sport pour les femmes du quartier, seule pour l'instant. Quelqu'un pour m'aider ?",
  "fr", "les-chaumes", "alone", ["agent-chaumes"],
  ["foot-de-rue-chaumes", "salle-maison-quartier-chaumes", "studio-danse-mjc"], ["skills"], traps=["association_only"], tags=["sport", "health"])
M("s69", "Bonjour, on est des voisins de la rue de la Verrerie, on voulait réserver la salle des Bains-Douches pour un anniversaire de 50 personnes",
  "fr", "faubourg-saint-jacques", "informal", ["salle-cheminots"], ["agent-faubourg", "salle-polyvalente-pre-barrault"], ["place"], 50, ["inactive", "capacity"], ["events", "street"])
M("s70", "Y a-t-il encore le coup de pouce pour la fête des voisins ? On la refait en mai prochain.",
  "fr", "vieux-sorlanges", "informal", ["fph-sorlanges"],
  ["agent-vieux-sorlanges", "sp-boulangerie-petrin", "sp-hyper-sorlanges-sud", "benevoles-assurance-manifestations"], ["funding"], traps=["expired"], tags=["events"])
M("s71", "Petit-déj de rue rue des Halles dimanche, on cherche un commerçant pour offrir les croissants",
  "fr", "vieux-sorlanges", "informal", ["sp-boulangerie-petrin"], ["sp-hyper-sorlanges-sud", "autorisation-domaine-public", "agent-vieux-sorlanges"], ["partners"], tags=["food", "street"])
M("s72", "aux essarts, fête de la saint jean avec un feu, 80 personnes, faut déclarer quelque chose ? et on voudrait de la paille pour s'asseoir",
  "fr", "les-essarts-sur-lone", "informal", ["es-declaration-manifestations", "sp-es-ferme-des-essarts"],
  ["es-secretaire-mairie", "es-salle-polyvalente", "es-soutien-animations-village"], ["legal", "equipment"], 80, ["other_commune", "capacity"], ["rural", "events"])
M("s73", "Ma voisine âgée est très isolée, il existe un réseau de bénévoles qui rendent visite aux gens ?",
  "fr", "val-d-orme", "alone", ["voisins-veilleurs-aines"], ["ccas-referente-bien-vieillir", "agent-val-d-orme"], ["peers"], tags=["elderly"])
M("s74", "On monte une troupe de danse hip-hop avec des jeunes de la Brasserie, il nous faut une salle pour répéter (une trentaine)",
  "fr", "la-brasserie", "informal", ["studio-danse-mjc"], ["mjc-animateur-jeunesse", "bourse-jeunes-qui-osent", "agent-brasserie"], ["place"], 30, ["capacity"], ["youth", "culture"])
M("s75", "Les encombrants s'accumulent derrière la résidence Arthur-Rimbaud, on voudrait organiser un grand nettoyage avec les voisins et récupérer ce qui peut servir",
  "fr", "les-chaumes", "informal", ["agent-chaumes", "lh-developpement-social"],
  ["lone-propre", "ag-transition-ecologique", "sp-fripouille-pret-materiel", "fph-sorlanges"], ["skills"], tags=["environment", "street"])
M("s76", "Notre association d'aide aux devoirs cherche un mécène pour équiper la salle en ordinateurs",
  "fr", "pre-barrault", "association", ["sp-lone-numerique"],
  ["appel-quartiers-vivants", "sp-fondation-caisse-val-de-lone", "conseiller-numerique-mediatheque"], ["partners", "equipment"], tags=["digital", "youth"])
M("s77", "L'association des Amis du Vieux-Sorlanges voudrait restaurer le vieux lavoir de la rue du Vieux-Lavoir, nous cherchons des mécènes.",
  "fr", "vieux-sorlanges", "association", ["sp-fondation-caisse-val-de-lone"],
  ["subvention-fonctionnement-associations", "budget-participatif-2027", "sp-club-entreprises"], ["partners", "funding"], tags=["culture", "street"])
M("s78", "Our walking club for seniors in Montjoie would like some funding for health outings. We are a registered association.",
  "en", "montjoie", "association", ["sp-mutuelle-prevention-sante"],
  ["ccas-referente-bien-vieillir", "sp-lone-mobilite-minibus", "voisins-veilleurs-aines"], ["funding", "partners"], tags=["health", "elderly", "sport"])
M("s79", "On nous a refusé l'accès à une salle municipale parce que notre collectif est composé de personnes handicapées, on peut faire quoi ?",
  "fr", "pre-barrault", "informal", ["defenseur-droits-delegue"],
  ["referent-accessibilite", "point-justice-sorlanges", "permanence-juridique-vie-associative"], ["legal"], tags=["accessibility"])
M("s80", "bonjour on aimerait participer a la fete du faubourg cette année, on peut tenir un stand ?",
  "fr", "faubourg-saint-jacques", "informal", ["fete-du-faubourg"], ["agent-faubourg", "buvette-sacem-guichet"], ["peers"], tags=["events"])
M("s81", "Repas des voisins au bourg de Vaudrémont, on sera 40 dont mon père qui est en fauteuil, quelle salle ?",
  "fr", "vaudremont-bourg", "informal", ["vd-salle-des-fetes"],
  ["vd-elu-vie-locale", "vd-aide-initiatives-habitantes", "sp-vd-cooperative-agricole"], ["place"], 40, ["other_commune", "step_free"], ["food", "wheelchair"])
M("s82", "Dans l'écoquartier on a un bout de terrain à côté de la maison du projet, on voudrait y faire des carrés potagers",
  "fr", "val-d-orme", "informal", ["maison-du-projet-val-d-orme", "agent-val-d-orme"],
  ["ag-maitre-composteur", "fph-sorlanges", "ag-transition-ecologique", "sp-brico-lone"], ["place"], tags=["garden", "alias"])
M("s83", "Atelier de réparation de vélos vers la gare ? On voudrait devenir mécanos bénévoles.",
  "fr", "faubourg-saint-jacques", "informal", ["roue-libre-atelier-velo"], ["repair-cafe-sorlanges"], ["peers"], tags=["mobility", "repair", "alias"])
M("s84", "Bonjour madame. Moi habiter Chaumes, avenue des chaumes. Je veux faire fête pour enfants du bâtiment. Je connais pas où demander.",
  "fr", "les-chaumes", "alone", ["agent-chaumes"],
  ["lh-developpement-social", "lh-fonds-initiatives-locataires", "salle-maison-quartier-chaumes"], ["skills"], traps=["association_only"], tags=["fle", "events", "street"])
M("s85", "réunion de notre collectif 'Sauvons le Belvédère' ~20 pers, une salle à Montjoie ?",
  "fr", "montjoie", "informal", ["chalet-parc-montjoie"], ["maison-du-projet-val-d-orme", "agent-montjoie"], ["place"], 20, ["capacity"], ["environment"])
M("s86", "Pour notre fête sur le quai on veut passer de la musique amplifiée jusqu'à minuit, il faut une autorisation ?",
  "fr", "la-brasserie", "informal", ["buvette-sacem-guichet", "autorisation-domaine-public"], ["agent-brasserie"], ["legal"], traps=["food"], tags=["events", "public_space"], mn=["hygiene-alimentaire-evenements"])
M("s87", "We are a small informal group of tenants in Pré-Barrault. Is there any grant for our homework help project? We are not an association.",
  "en", "pre-barrault", "informal", ["lh-fonds-initiatives-locataires", "fph-sorlanges"],
  ["local-hautes-bruyeres", "agent-pre-barrault", "lh-developpement-social"], ["funding"], traps=["association_only"], tags=["parenting", "housing"])
M("s88", "Bjr, je suis nouvelle sur Sorlanges (rue saint martial), je voudrais rencontrer des gens et m'investir dans le quartier",
  "fr", "vieux-sorlanges", "alone", ["agent-vieux-sorlanges"],
  ["boites-a-livres", "disco-soupe", "voisins-veilleurs-aines", "repair-cafe-sorlanges"], ["peers"], tags=["street"])
M("s89", "Pour une kermesse aux Tuileries, qui donne l'autorisation de fermer la rue des Tuileries ?",
  "fr", "les-tuileries", "informal", ["vd-autorisations-manifestations"], ["vd-elu-vie-locale", "benevoles-assurance-manifestations"], ["legal"], traps=["other_commune"], tags=["public_space"])
M("s90", "défi familles économies d'énergie dans la ZAC, on cherche une entreprise partenaire",
  "fr", "val-d-orme", "informal", ["sp-lonergie-competences"], ["val-d-orme-energies", "ag-conseiller-energie"], ["partners"], traps=["expired"], tags=["energy", "alias"])
M("s91", "Can we get money for a community event if we're not a registered charity or association?",
  "en", None, "informal", ["fph-sorlanges"], ["budget-participatif-2027", "benevoles-creer-association"], ["funding"], traps=["association_only"], tags=["events"])
M("s92", "J'habite lieu-dit les Gouttes aux Essarts, je voudrais organiser une rando pour les habitants, la mairie peut aider ?",
  "fr", "les-essarts-sur-lone", "alone", ["es-secretaire-mairie"], ["es-soutien-animations-village", "es-declaration-manifestations"], ["skills"], traps=["other_commune"], tags=["rural", "sport", "street"])
M("s93", "Fête de fin d'année pour toute la cité des Chaumes, on pense être 150 avec les enfants. Quelle salle ?",
  "fr", "les-chaumes", "informal", ["agent-chaumes"], ["autorisation-domaine-public", "fph-sorlanges", "lh-developpement-social"], ["place"], 150, ["capacity", "association_only"], ["events"])
M("s94", "We'd like to screen a documentary followed by a debate for ~80 people, step-free access needed, in the town centre",
  "en", "vieux-sorlanges", "informal", ["auditorium-mediatheque"], ["referent-accessibilite", "sp-cinema-rex", "agent-vieux-sorlanges"], ["place"], 80, ["capacity", "step_free"], ["culture", "wheelchair", "alias"])
M("s95", "Bonjour, notre association organise une sortie en car avec des bénévoles ; notre assurance couvre-t-elle les bénévoles ? À qui demander conseil ?",
  "fr", "faubourg-saint-jacques", "association", ["mutuelle-point-conseil-benevoles", "benevoles-assurance-manifestations"],
  ["permanence-juridique-vie-associative"], ["legal"], traps=["food"], tags=["insurance"], mn=["hygiene-alimentaire-evenements"])
M("s96", "Salut, on aimerait un coup de main pour financer une fresque sur le mur du city-stade de Pré-Barrault. On n'est pas une asso, juste des jeunes du quartier (18-22 ans).",
  "fr", "pre-barrault", "informal", ["bourse-jeunes-qui-osent", "fph-sorlanges"],
  ["dep-fonds-initiatives-jeunes", "mjc-animateur-jeunesse", "agent-pre-barrault", "lh-fonds-initiatives-locataires"], ["funding"], traps=["association_only"], tags=["youth", "culture"])
M("s97", "Hi, our neighbours' association in the Faubourg wants to run a bike repair day and needs some tools and advice from a local shop.",
  "en", "faubourg-saint-jacques", "association", ["sp-brico-lone"], ["roue-libre-atelier-velo", "repair-cafe-sorlanges", "atelier-malterie"], ["equipment", "skills"], tags=["repair", "mobility"])
