"""Build territories.yaml and territories.geojson for the invented town of Carvelonne."""
import json
from pathlib import Path

import yaml
from shapely.geometry import Polygon, mapping
from shapely.ops import unary_union

HERE = Path(__file__).parent
XS = [-1.56, -1.52, -1.48, -1.44]
YS = [47.24, 47.27, 47.30]
# (column, row) -> quartier
GRID = {(0, 0): "les-dunes", (1, 0): "vieux-port", (2, 0): "la-criee",
        (0, 1): "kerlann", (1, 1): "saint-gildas", (2, 1): "la-roseraie"}


def jitter(key, amp=0.004):
    """Deterministic small offset for an interior edge's midpoint."""
    h = sum(ord(c) * (i + 7) for i, c in enumerate(key)) % 1000
    return (h / 1000 - 0.5) * 2 * amp


def edge_points(a, b, interior):
    """Points strictly between a and b (shared by both cells that own the edge)."""
    if not interior:
        return []
    key = f"{min(a, b)}-{max(a, b)}"
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    if a[0] == b[0]:  # vertical edge: move midpoint in x
        pts = [(mx + jitter(key), my)]
    else:
        pts = [(mx, my + jitter(key))]
    return pts if (a < b) else pts[::-1]


def cell(i, j):
    c = [(XS[i], YS[j]), (XS[i + 1], YS[j]), (XS[i + 1], YS[j + 1]), (XS[i], YS[j + 1])]
    ring = []
    for k in range(4):
        a, b = c[k], c[(k + 1) % 4]
        if a[0] == b[0]:
            interior = 0 < XS.index(a[0]) < len(XS) - 1
        else:
            interior = 0 < YS.index(a[1]) < len(YS) - 1
        ring.append(a)
        ring.extend(edge_points(a, b, interior))
    ring.append(ring[0])
    return Polygon(ring)


quartiers = {GRID[k]: cell(*k) for k in GRID}
carvelonne = unary_union(list(quartiers.values()))
saint_meen = Polygon([(-1.60, 47.27), (-1.56, 47.27), (-1.56, 47.30), (-1.56, 47.34),
                      (-1.575, 47.345), (-1.60, 47.335), (-1.598, 47.30), (-1.60, 47.27)])
port_aurel = Polygon([(-1.44, 47.22), (-1.41, 47.215), (-1.40, 47.25), (-1.405, 47.29),
                      (-1.44, 47.29), (-1.44, 47.27), (-1.44, 47.24), (-1.44, 47.22)])

NAMES = {
    "vieux-port": "Le Vieux-Port", "la-criee": "La Criée", "kerlann": "Kerlann",
    "les-dunes": "Les Dunes", "saint-gildas": "Saint-Gildas", "la-roseraie": "La Roseraie",
}
ALIASES = {
    "vieux-port": ["vieux port", "le port", "port de plaisance", "old port", "harbour", "centre", "centre-ville", "town centre"],
    "la-criee": ["criée", "criee", "la criee", "quartier de la criée", "zone portuaire", "fish market"],
    "kerlann": ["kerlan", "ker lann", "cité de kerlann", "les goélands"],
    "les-dunes": ["dunes", "les dunes", "la plage", "grande plage", "beach"],
    "saint-gildas": ["st gildas", "saint gildas", "st-gildas", "la ville haute", "old town"],
    "la-roseraie": ["roseraie", "la roseraie", "quartier de la gare", "gare", "station"],
}
STREETS = {
    "vieux-port": ["Quai Duguay-Trouin", "Rue des Haubans", "Place de la Capitainerie", "Rue de la Douane",
                   "Quai des Pilotes", "Rue du Phare", "Passage des Cordiers", "Place Anne-de-Bretagne",
                   "Rue Surcouf"],
    "la-criee": ["Boulevard de la Criée", "Rue des Mareyeurs", "Quai des Chalutiers", "Rue de la Glacière",
                 "Impasse des Filets", "Rue Amiral-Ronarc'h", "Rue des Caboteurs", "Cale de la Jetée-Est"],
    "kerlann": ["Résidence Kerlann-Haut", "Résidence Les Goélands", "Avenue de Kerlann", "Place Nelson-Mandela",
                "Rue Simone-Veil", "Allée des Tamaris", "Rue Pierre-Loti", "Square des Cormorans",
                "Rue Jean-Jaurès", "Tour Ar Men"],
    "les-dunes": ["Boulevard de l'Océan", "Avenue des Dunes", "Rue du Sémaphore", "Allée des Oyats",
                  "Rue des Sternes", "Esplanade de la Grande-Plage", "Chemin des Douaniers"],
    "saint-gildas": ["Rue Saint-Gildas", "Place du Calvaire", "Rue du Presbytère", "Rue Victor-Hugo",
                     "Rue des Remparts", "Montée des Capucins", "Rue de la Paix", "Venelle des Lavandières",
                     "Rue Émile-Zola"],
    "la-roseraie": ["Avenue de la Gare", "Rue des Rosiers", "Allée des Églantines", "Boulevard Jean-Moulin",
                    "Rue Paul-Éluard", "Résidence Le Clos-Fleuri", "Rue Camille-Claudel", "Place de l'Europe",
                    "Rue des Jardins"],
}


def main():
    ids = list(quartiers)
    neigh = {q: sorted(o for o in ids if o != q and quartiers[q].intersection(quartiers[o]).length > 0)
             for q in ids}
    terr = [
        {"id": "ardeve", "name": "Côtes-d'Ardève", "level": "departement",
         "aliases": ["cotes d'ardeve", "côtes d'ardève", "ardève", "le département"]},
        {"id": "carvelonne-ocean", "name": "Carvelonne Océan Agglomération", "level": "agglomeration",
         "parent": "ardeve", "aliases": ["carvelonne océan", "l'agglo", "agglo", "COA"]},
        {"id": "carvelonne", "name": "Carvelonne", "level": "commune", "parent": "carvelonne-ocean",
         "aliases": ["carvelone", "ville de carvelonne"], "neighbours": ["saint-meen-des-landes", "port-aurel"]},
        {"id": "saint-meen-des-landes", "name": "Saint-Méen-des-Landes", "level": "commune",
         "parent": "carvelonne-ocean",
         "aliases": ["saint-méen", "saint meen", "st meen", "st-méen-des-landes", "saint meen des landes"],
         "neighbours": ["carvelonne"],
         "streets": ["Le Bourg", "Route de Carvelonne", "Lieu-dit La Landelle", "Lieu-dit Kerhouarn",
                     "Rue de l'Ancienne-École", "Place de la Mairie de Saint-Méen"]},
        {"id": "port-aurel", "name": "Port-Aurel", "level": "commune", "parent": "carvelonne-ocean",
         "aliases": ["port aurel", "portaurel"], "neighbours": ["carvelonne"],
         "streets": ["Quai de la Marina", "Avenue de la Plaisance", "Rue des Voiliers", "Place Aurélien-Le-Du"]},
    ]
    for q in ids:
        terr.append({"id": q, "name": NAMES[q], "level": "quartier", "parent": "carvelonne",
                     "aliases": ALIASES[q], "neighbours": neigh[q], "streets": STREETS[q]})
    header = ("# Carvelonne, an invented port town of about 45,000 people (TUNING town, see README.md),\n"
              "# its agglomeration, one rural commune (Saint-Méen-des-Landes) and one neighbouring town (Port-Aurel).\n")
    (HERE / "territories.yaml").write_text(
        header + yaml.safe_dump(terr, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")

    feats = []
    def feat(tid, name, level, parent, geom):
        feats.append({"type": "Feature", "properties": {"id": tid, "name": name, "level": level, "parent": parent},
                      "geometry": mapping(geom)})
    feat("carvelonne", "Carvelonne", "commune", "carvelonne-ocean", carvelonne)
    feat("saint-meen-des-landes", "Saint-Méen-des-Landes", "commune", "carvelonne-ocean", saint_meen)
    feat("port-aurel", "Port-Aurel", "commune", "carvelonne-ocean", port_aurel)
    for q in ids:
        feat(q, NAMES[q], "quartier", "carvelonne", quartiers[q])
    gj = {"type": "FeatureCollection", "features": feats}
    text = json.dumps(gj, ensure_ascii=False, indent=1)
    (HERE / "territories.geojson").write_text(text, encoding="utf-8")
    print("neighbours", neigh)


if __name__ == "__main__":
    main()
