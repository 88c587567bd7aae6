"""Writes territories.yaml, territories.geojson and adresses.csv (deterministic)."""
import csv, json, math, random, unicodedata
from pathlib import Path
import yaml
from shapely.geometry import box as sbox, mapping
from shapely.ops import unary_union
from geo import LIEUX_DITS, DEPT, AGGLO, COMMUNES, QUARTIERS, ESSARTS_STREETS, CSV_ONLY, COMMUNE_OF, box_of, ccw_ring

OUT = Path(__file__).resolve().parent.parent


def neighbours(q):
    me = sbox(*q["box"])
    res = []
    for o in QUARTIERS:
        if o["id"] != q["id"] and o["parent"] == q["parent"]:
            inter = me.intersection(sbox(*o["box"]))
            if inter.length > 0:  # share an edge, not just a corner
                res.append(o["id"])
    return res


def write_yaml():
    items = [dict(id=DEPT["id"], name=DEPT["name"], level=DEPT["level"], aliases=DEPT["aliases"]),
             dict(id=AGGLO["id"], name=AGGLO["name"], level=AGGLO["level"], parent=AGGLO["parent"], aliases=AGGLO["aliases"])]
    for c in COMMUNES:
        d = dict(id=c["id"], name=c["name"], level="commune", parent=c["parent"], aliases=c["aliases"])
        if c["id"] == "les-essarts-sur-lone":
            d["streets"] = ESSARTS_STREETS
        items.append(d)
    for q in QUARTIERS:
        items.append(dict(id=q["id"], name=q["name"], level="quartier", parent=q["parent"], aliases=q["aliases"],
                          neighbours=neighbours(q), streets=q["streets"]))
    head = ("# Sorlanges: an invented French town (~60,000 people) on the river Lône, its agglomeration and département.\n"
            "# Held-out test town (FROZEN, never tuned on). Written independently from the Déclic HSDS profile.\n"
            "# Quartiers list neighbours within their own commune (polygons sharing an edge) and the streets,\n"
            "# squares and housing estates residents name. Les Essarts-sur-Lône has no quartiers: its streets sit on the commune.\n")
    (OUT / "territories.yaml").write_text(head + yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")


def write_geojson():
    feats = []
    for q in QUARTIERS:
        feats.append(dict(type="Feature", properties=dict(id=q["id"], name=q["name"], level="quartier", parent=q["parent"]),
                          geometry=dict(type="Polygon", coordinates=[ccw_ring(q["box"])])))
    for c in COMMUNES:
        feats.append(dict(type="Feature", properties=dict(id=c["id"], name=c["name"], level="commune", parent=c["parent"]),
                          geometry=dict(type="Polygon", coordinates=[ccw_ring(c["box"])])))
    fc = dict(type="FeatureCollection", name="sorlanges_territoires", features=feats)
    (OUT / "territories.geojson").write_text(json.dumps(fc, ensure_ascii=False, indent=1), encoding="utf-8")


def lambert93(lon, lat):
    a, e = 6378137.0, 0.0818191910428158
    l0, p0, p1, p2 = map(math.radians, (3.0, 46.5, 44.0, 49.0))
    x0, y0 = 700000.0, 6600000.0
    m = lambda p: math.cos(p) / math.sqrt(1 - (e * math.sin(p)) ** 2)
    t = lambda p: math.tan(math.pi / 4 - p / 2) / ((1 - e * math.sin(p)) / (1 + e * math.sin(p))) ** (e / 2)
    n = (math.log(m(p1)) - math.log(m(p2))) / (math.log(t(p1)) - math.log(t(p2)))
    F = m(p1) / (n * t(p1) ** n)
    r0 = a * F * t(p0) ** n
    lam, phi = math.radians(lon), math.radians(lat)
    r = a * F * t(phi) ** n
    th = n * (lam - l0)
    return round(x0 + r * math.sin(th), 2), round(y0 + r0 - r * math.cos(th), 2)


def afnor(s):
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().upper()
    for a, b in (("BOULEVARD", "BD"), ("AVENUE", "AV"), ("PLACE", "PL"), ("IMPASSE", "IMP"), ("CHEMIN", "CHE"),
                 ("RESIDENCE", "RES"), ("ALLEE", "ALL"), ("SQUARE", "SQ"), ("ROUTE", "RTE"), ("PROMENADE", "PROM"),
                 ("LIEU-DIT ", ""), ("'", " "), ("-", " ")):
        s = s.replace(a, b)
    return " ".join(s.split())[:32]


HEADER = "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles".split(";")


def write_csv():
    rnd = random.Random(20261203)
    com = {c["id"]: c for c in COMMUNES}
    streets = []  # (territory id, street, csv_only)
    for q in QUARTIERS:
        streets += [(q["id"], s, False) for s in q["streets"]] + [(q["id"], s, True) for s in CSV_ONLY.get(q["id"], [])]
    streets += [("les-essarts-sur-lone", s, False) for s in ESSARTS_STREETS] + [("les-essarts-sur-lone", s, True) for s in CSV_ONLY["les-essarts-sur-lone"]]
    rows, fant = [], {}
    for tid, street, _ in streets:
        c = com[COMMUNE_OF[tid]]
        fant[c["id"]] = fant.get(c["id"], 100) + 10
        fcode = f'{c["insee"]}_{fant[c["id"]]:04d}'
        x0, y0, x1, y1 = box_of(tid)
        m = 0.003
        cx, cy = rnd.uniform(x0 + m, x1 - m), rnd.uniform(y0 + m, y1 - m)  # street centre, well inside
        horiz = rnd.random() < 0.5
        nums = sorted(rnd.sample(range(1, 80), rnd.randint(2, 4) if len(rows) > 40 else rnd.randint(2, 6)))
        if street in LIEUX_DITS:
            nums = [99999]
        elif street.startswith("Résidence") or street.startswith("Centre commercial"):
            nums = nums[:2]
        for k, num in enumerate(nums):
            off = (k - len(nums) / 2) * 0.0006
            lon, lat = (cx + off, cy + rnd.uniform(-0.0002, 0.0002)) if horiz else (cx + rnd.uniform(-0.0002, 0.0002), cy + off)
            lon = min(max(lon, x0 + 0.0008), x1 - 0.0008); lat = min(max(lat, y0 + 0.0008), y1 - 0.0008)
            x, y = lambert93(lon, lat)
            rep = "bis" if rnd.random() < 0.05 and num != 99999 else ""
            rows.append({
                "id": f"{fcode}_{num:05d}" + (f"_{rep}" if rep else ""), "id_fantoir": fcode, "numero": num, "rep": rep,
                "nom_voie": street, "code_postal": c["cp"], "code_insee": c["insee"], "nom_commune": c["name"],
                "code_insee_ancienne_commune": "", "nom_ancienne_commune": "", "x": x, "y": y,
                "lon": round(lon, 6), "lat": round(lat, 6),
                "type_position": "segment" if num == 99999 else rnd.choice(["entrée", "entrée", "entrée", "bâtiment", "parcelle"]),
                "alias": "", "nom_ld": street if street in LIEUX_DITS else "",
                "libelle_acheminement": afnor(c["name"]).replace(" ", " "), "nom_afnor": afnor(street),
                "source_position": rnd.choice(["commune", "commune", "cadastre"]), "source_nom_voie": "commune",
                "certification_commune": rnd.choice([1, 1, 1, 0]),
                "cad_parcelles": f'{c["insee"]}000{rnd.choice(["AB","AC","BK","ZD"])}{rnd.randint(1,999):04d}'})
    with open(OUT / "adresses.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER, delimiter=";", lineterminator="\n")
        w.writeheader(); w.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    write_yaml(); write_geojson(); print("csv rows", write_csv())
