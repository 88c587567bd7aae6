"""Geography of Sorlanges (invented). Shared by the generators."""
DEPT = dict(id="haute-lone", name="Haute-Lône", level="departement", parent=None,
            aliases=["departement de la haute-lone", "la haute lone", "CD", "le département", "conseil départemental"])
AGGLO = dict(id="agglo-sorlanges-lone", name="Communauté d'agglomération Sorlanges-Lône", level="agglomeration",
             parent="haute-lone", aliases=["l'agglo", "agglo", "CASL", "Sorlanges Agglo", "Sorlanges-Lône Agglomération"])
COMMUNES = [
    dict(id="sorlanges", name="Sorlanges", level="commune", parent="agglo-sorlanges-lone",
         aliases=["sorlange", "ville de sorlanges"], insee="03901", cp="03590",
         box=(2.95, 46.18, 3.05, 46.26)),
    dict(id="vaudremont", name="Vaudrémont", level="commune", parent="agglo-sorlanges-lone",
         aliases=["vaudremont", "vaudrémont-sur-lône", "vaudre"], insee="03902", cp="03590",
         box=(3.05, 46.18, 3.10, 46.26)),
    dict(id="les-essarts-sur-lone", name="Les Essarts-sur-Lône", level="commune", parent="agglo-sorlanges-lone",
         aliases=["les essarts", "essarts", "les essarts sur lone", "les-essarts"], insee="03903", cp="03595",
         box=(2.90, 46.17, 2.95, 46.27)),
]
# quartier: id, name, parent, box (lon_min, lat_min, lon_max, lat_max), aliases, streets
QUARTIERS = [
    dict(id="vieux-sorlanges", name="Vieux-Sorlanges", parent="sorlanges", box=(2.985, 46.205, 3.015, 46.235),
         aliases=["centre", "centre-ville", "centre ville", "vieille ville", "hypercentre", "le vieux sorlanges", "vieux sorlanges", "town centre", "old town", "downtown"],
         streets=["Rue de la Paix", "Place du Marché-aux-Herbes", "Rue des Cordeliers", "Grande Rue", "Rue du Vieux-Lavoir",
                  "Place de l'Hôtel-de-Ville", "Rue Saint-Martial", "Impasse du Puits-Salé", "Rue des Halles",
                  "Rue Pierre-et-Marie-Curie", "Passage des Arcades"]),
    dict(id="faubourg-saint-jacques", name="Faubourg Saint-Jacques", parent="sorlanges", box=(3.015, 46.205, 3.05, 46.235),
         aliases=["faubourg", "le faubourg", "saint-jacques", "st jacques", "st-jacques", "fbg st jacques", "quartier de la gare", "la gare", "station area"],
         streets=["Avenue de la Gare", "Rue du Faubourg Saint-Jacques", "Place Pierre-Sémard", "Rue des Cheminots",
                  "Boulevard Victor Hugo", "Rue Jules-Ferry", "Rue de la Verrerie", "Allée des Acacias",
                  "Rue Édouard-Vaillant", "Square Jean-Jaurès"]),
    dict(id="la-brasserie", name="La Brasserie", parent="sorlanges", box=(2.95, 46.205, 2.985, 46.235),
         aliases=["brasserie", "la brasserie", "les quais", "bords de lône", "bord de lone", "l'ancienne zone industrielle", "la malterie"],
         streets=["Quai de la Lône", "Rue de la Malterie", "Rue de la Brasserie", "Chemin de Halage", "Rue des Brasseurs",
                  "Place de la Houblonnière", "Rue Denis-Papin", "Impasse des Tonneliers", "Rue du Moulin-Bas"]),
    dict(id="les-chaumes", name="Les Chaumes", parent="sorlanges", box=(2.95, 46.18, 3.015, 46.205),
         aliases=["chaumes", "les chaumes", "ZUP", "la ZUP", "ZUP des Chaumes", "cité des chaumes"],
         streets=["Avenue des Chaumes", "Rue Lamartine", "Rue Alfred-de-Musset", "Résidence Les Cèdres",
                  "Place du Onze-Novembre", "Rue George-Sand", "Allée Paul-Verlaine", "Résidence Arthur-Rimbaud",
                  "Rue Frédéric-Mistral", "Square des Chaumes", "Rue Colette"]),
    dict(id="pre-barrault", name="Pré-Barrault", parent="sorlanges", box=(3.015, 46.18, 3.05, 46.205),
         aliases=["pre barrault", "pré barrault", "prebarrault", "le pré", "le pre", "PB"],
         streets=["Rue du Pré-Barrault", "Résidence Les Hautes Bruyères", "Avenue Charles-de-Gaulle", "Rue des Lilas",
                  "Rue des Glaneurs", "Allée des Peupliers", "Place de la Fraternité", "Rue Louise-Michel",
                  "Chemin des Pâtureaux", "Centre commercial du Pré"]),
    dict(id="montjoie", name="Montjoie", parent="sorlanges", box=(2.95, 46.235, 3.0, 46.26),
         aliases=["mont-joie", "mont joie", "les hauts de montjoie", "plateau de montjoie", "le plateau"],
         streets=["Chemin de Montjoie", "Rue du Belvédère", "Avenue du Parc", "Rue des Vignes", "Montée des Capucins",
                  "Rue des Rosiers", "Allée des Marronniers", "Impasse du Calvaire", "Rue Berlioz", "Place du Belvédère"]),
    dict(id="val-d-orme", name="Val-d'Orme", parent="sorlanges", box=(3.0, 46.235, 3.05, 46.26),
         aliases=["val d'orme", "val dorme", "val d orme", "l'écoquartier", "ecoquartier", "ZAC du Val-d'Orme", "la ZAC"],
         streets=["Avenue de l'Europe", "Rue Simone-Veil", "Rue des Ormes", "Allée Olympe-de-Gouges", "Rue Rosa-Parks",
                  "Mail des Semailles", "Place de la Transition", "Rue Nelson-Mandela", "Rue Marie-Paradis",
                  "Promenade du Ruisseau"]),
    dict(id="vaudremont-bourg", name="Vaudrémont-Bourg", parent="vaudremont", box=(3.05, 46.22, 3.10, 46.26),
         aliases=["le bourg", "bourg de vaudrémont", "vaudremont bourg", "vaudremont centre"],
         streets=["Rue de la Mairie", "Place de l'Église", "Route de Sorlanges", "Rue du Château", "Chemin des Vignerons",
                  "Rue des Écoles", "Allée du Lavoir", "Rue du Stade", "Impasse des Noyers"]),
    dict(id="les-tuileries", name="Les Tuileries", parent="vaudremont", box=(3.05, 46.18, 3.10, 46.22),
         aliases=["tuileries", "les tuileries", "cité des tuileries", "quartier des tuileries"],
         streets=["Rue des Tuileries", "Avenue des Briquetiers", "Résidence Le Four-à-Chaux", "Rue de la Glaisière",
                  "Allée des Saules", "Rue Georges-Brassens", "Place des Potiers", "Rue du Canal"]),
]
# Streets of the rural commune (no quartiers): listed on the commune itself.
ESSARTS_STREETS = ["Route de la Lône", "Place de la Mairie", "Chemin des Essarts", "Rue de l'Ancienne-École",
                   "Les Gouttes", "Route de Vaudrémont", "Chemin du Verger", "Rue du Lavoir"]
# Streets that appear ONLY in adresses.csv (an importer must place them by polygon).
CSV_ONLY = {
    "vieux-sorlanges": ["Ruelle du Chapitre", "Rue des Orfèvres"],
    "faubourg-saint-jacques": ["Rue Gambetta", "Rue du Dépôt"],
    "la-brasserie": ["Rue de l'Écluse"],
    "les-chaumes": ["Rue Émile-Zola"],
    "pre-barrault": ["Rue des Coquelicots", "Allée des Bleuets"],
    "montjoie": ["Chemin des Crêtes"],
    "val-d-orme": ["Rue Wangari-Maathai", "Allée des Tilleuls"],
    "vaudremont-bourg": ["Rue des Pressoirs"],
    "les-tuileries": ["Impasse de la Forge"],
    "les-essarts-sur-lone": ["Chemin de la Croix-Blanche", "Le Bois-Rond"],
}
QIDS = [q["id"] for q in QUARTIERS]
COMMUNE_OF = {q["id"]: q["parent"] for q in QUARTIERS}
COMMUNE_OF.update({c["id"]: c["id"] for c in COMMUNES})


def box_of(tid):
    for x in QUARTIERS + COMMUNES:
        if x["id"] == tid:
            return x["box"]


def ccw_ring(box):
    x0, y0, x1, y1 = box
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def point_in(tid, fx, fy, margin=0.002):
    """A point at fractions (fx, fy) of the territory's box, kept off the edges."""
    x0, y0, x1, y1 = box_of(tid)
    return (round(x0 + margin + fx * (x1 - x0 - 2 * margin), 6),
            round(y0 + margin + fy * (y1 - y0 - 2 * margin), 6))

# Lieux-dits (hamlets): one BAN row with numero 99999 and nom_ld filled, as the BAN does.
LIEUX_DITS = {"Les Gouttes", "Le Bois-Rond"}
