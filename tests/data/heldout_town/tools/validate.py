"""Validates every file of the held-out town. Exit code 1 on any problem.
Needs: jsonschema>=4.18, pyyaml, shapely (geometry checks are skipped with a warning if shapely is missing)."""
import csv, gzip, json, re, sys, uuid
from collections import Counter, defaultdict
from pathlib import Path
import yaml
from jsonschema import Draft202012Validator, FormatChecker

HERE = Path(__file__).resolve().parent.parent
HSDS = Path(__file__).resolve().parents[4] / "knowledge" / "hsds"  # the copy the project ships
P = []
ok = lambda c, msg: c or P.append(msg)
TODAY = "2026-12-03"

# ---------------------------------------------------------------- territories.yaml
terr = yaml.safe_load((HERE / "territories.yaml").read_text(encoding="utf-8"))
T = {t["id"]: t for t in terr}
ok(len(T) == len(terr), "duplicate territory ids")
LEVELS = ["departement", "agglomeration", "commune", "quartier"]
for t in terr:
    ok(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", t["id"]), f"bad id {t['id']}")
    ok(t["level"] in LEVELS, f"bad level {t}")
    if t.get("parent"):
        ok(t["parent"] in T and LEVELS.index(T[t["parent"]]["level"]) < LEVELS.index(t["level"]), f"bad parent {t['id']}")
    else:
        ok(t["level"] == "departement", f"{t['id']} has no parent")
    for n in t.get("neighbours", []):
        ok(n in T and T[n]["level"] == "quartier" and t["id"] in T[n].get("neighbours", []), f"neighbour {t['id']}->{n}")
    if t["level"] == "quartier":
        ok(8 <= len(t.get("streets", [])) <= 15, f"{t['id']}: {len(t.get('streets', []))} streets")
quartiers = [t["id"] for t in terr if t["level"] == "quartier"]
communes = [t["id"] for t in terr if t["level"] == "commune"]
ok(len([q for q in quartiers if T[q]["parent"] == "sorlanges"]) == 7, "Sorlanges must have 7 quartiers")
street_owner = {}
for t in terr:
    for s in t.get("streets", []):
        ok(s not in street_owner, f"street {s} listed twice")
        street_owner[s] = t["id"]
commune_of = lambda tid: tid if T[tid]["level"] == "commune" else (T[tid]["parent"] if T[tid]["level"] == "quartier" else None)

# ---------------------------------------------------------------- territories.geojson
gj = json.loads((HERE / "territories.geojson").read_text(encoding="utf-8"))
ok(gj["type"] == "FeatureCollection", "geojson not a FeatureCollection")
shapes = {}
try:
    from shapely.geometry import shape, Point, LinearRing
    have_shapely = True
except ImportError:
    have_shapely = False
    print("WARNING: shapely missing, geometry checks skipped")
for i, f in enumerate(gj["features"]):
    pr = f["properties"]
    ok(pr["id"] in T and T[pr["id"]]["level"] == pr["level"] and T[pr["id"]].get("parent") == pr["parent"] and T[pr["id"]]["name"] == pr["name"],
       f"feature {i} properties disagree with YAML: {pr}")
    ok(f["geometry"]["type"] in ("Polygon", "MultiPolygon"), f"feature {i} geometry type")
    polys = [f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"]
    for poly in polys:
        for k, ring in enumerate(poly):
            ok(ring[0] == ring[-1] and len(ring) >= 4, f"feature {i} ring not closed")
            if have_shapely:
                ok(LinearRing(ring).is_ccw == (k == 0), f"feature {i} ring {k} orientation (RFC 7946: exterior CCW)")
            for lon, lat in ring:
                ok(2.85 <= lon <= 3.15 and 46.1 <= lat <= 46.3, f"feature {i} coordinate out of area")
    if have_shapely:
        g = shape(f["geometry"])
        ok(g.is_valid, f"feature {i} invalid polygon")
        shapes[pr["id"]] = g
if have_shapely:
    ok(set(shapes) == set(quartiers) | set(communes), "every quartier and commune needs exactly one shape")
    for c in communes:
        qs = [q for q in quartiers if T[q]["parent"] == c]
        for q in qs:
            ok(shapes[c].covers(shapes[q]), f"{q} not inside {c}")
        for a in qs:
            for b in qs:
                if a < b:
                    ok(shapes[a].intersection(shapes[b]).area < 1e-12, f"{a} overlaps {b}")
        if qs:
            from shapely.ops import unary_union
            ok(unary_union([shapes[q] for q in qs]).symmetric_difference(shapes[c]).area < 1e-12, f"quartiers do not tile {c}")
    for a in communes:
        for b in communes:
            if a < b:
                ok(shapes[a].intersection(shapes[b]).area < 1e-12, f"commune {a} overlaps {b}")
    # neighbours in YAML == same-commune quartiers sharing an edge
    for q in quartiers:
        exp = {o for o in quartiers if o != q and T[o]["parent"] == T[q]["parent"] and shapes[q].intersection(shapes[o]).length > 0}
        ok(set(T[q].get("neighbours", [])) == exp, f"neighbours of {q}: {T[q].get('neighbours')} vs polygons {sorted(exp)}")

# ---------------------------------------------------------------- adresses.csv
sys.path.insert(0, str(HERE / "tools"))
from geo import CSV_ONLY  # the authoring record of streets present only in the CSV
HEADER = "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles"
text = (HERE / "adresses.csv").read_text(encoding="utf-8")
ok(text.splitlines()[0] == HEADER, "CSV header differs from the BAN header")
rows = list(csv.DictReader(text.splitlines(), delimiter=";"))
csv_owner = dict(street_owner)
for tid, ss in CSV_ONLY.items():
    for s in ss:
        ok(s not in street_owner, f"CSV-only street {s} is in the YAML")
        csv_owner[s] = tid
per_street = Counter(r["nom_voie"] for r in rows)
ok(set(per_street) == set(csv_owner), f"CSV streets differ: {set(per_street) ^ set(csv_owner)}")
ok(len({r['id'] for r in rows}) == len(rows), "duplicate BAN ids")
for n, r in enumerate(rows, start=2):
    tid = csv_owner.get(r["nom_voie"])
    if tid is None:
        continue
    ok(r["nom_commune"] == T[commune_of(tid)]["name"], f"line {n}: commune {r['nom_commune']} for {r['nom_voie']}")
    if have_shapely:
        ok(shapes[tid].contains(Point(float(r["lon"]), float(r["lat"]))), f"line {n}: point outside {tid}")
for s, c in per_street.items():
    ok(1 <= c <= 6, f"{s}: {c} addresses")

# ---------------------------------------------------------------- directory.json
load = lambda p: json.loads(Path(p).read_text(encoding="utf-8"))
directory = load(HERE / "directory.json")
v = Draft202012Validator(json.loads(gzip.decompress((HSDS / "compiled/organization_package.json.gz").read_bytes())), format_checker=FormatChecker())
errs = list(v.iter_errors(directory))
for e in errs[:20]:
    P.append("HSDS: " + "/".join(map(str, e.absolute_path)) + " - " + e.message[:200])
KNOWN = {
    "kind": {"room", "grant", "legal", "sponsor", "contact", "initiative"},
    "theme": {"garden", "food", "culture", "youth", "energy", "repair", "parenting", "sport", "mobility", "digital", "health",
              "housing", "environment", "elderly", "accessibility", "events"},
    "eligibility": {"alone", "informal", "association"}, "support": {"financial", "skills", "in_kind"},
    "equipment": {"kitchen", "pro_kitchen", "kitchenette", "projector", "sound_system", "garden_plot", "workshop_tools", "wifi"},
    "fact": {"capacity", "wheelchair_accessible", "grant_min_eur", "grant_max_eur", "association_required", "deadline", "booking_notice_days"},
    "territory": set(T),
}
TAXO = {"kind": "declic-kinds", "theme": "declic-themes", "territory": "declic-territories", "eligibility": "declic-groups",
        "support": "declic-support", "equipment": "declic-equipment", "fact": "declic-facts"}
services, term_by_id, ids = {}, {}, Counter()
for o in directory:
    ids[o["id"]] += 1
    for s in o["services"]:
        ids[s["id"]] += 1
        services[s["id"]] = s
        kinds, terrs = [], set()
        for a in s.get("attributes", []):
            tt = a["taxonomy_term"]
            lt = a["link_type"]
            ok(lt in KNOWN and tt["code"] in KNOWN[lt], f"{s['name']}: unknown {lt}={tt.get('code')}")
            ok(tt["taxonomy_detail"]["name"] == TAXO.get(lt), f"{s['name']}: taxonomy of {lt}")
            ok(tt["name"] and tt["name"] != tt["code"], f"{s['name']}: term {tt['code']} has no human label")
            prev = term_by_id.setdefault(tt["id"], tt)
            ok(prev == tt, f"term {tt['id']} written two ways")
            if lt == "kind":
                kinds.append(tt["code"])
            if lt == "territory":
                terrs.add(tt["code"])
                par = T[tt["code"]].get("parent")
                if par:
                    ok("parent_id" in tt, f"territory term {tt['code']} lacks parent_id")
            if lt == "fact":
                val, code = a.get("value"), tt["code"]
                if code in ("capacity", "grant_min_eur", "grant_max_eur", "booking_notice_days"):
                    ok(val is not None and val.isdigit(), f"{s['name']}: {code}={val}")
                elif code in ("wheelchair_accessible", "association_required"):
                    ok(val in ("true", "false"), f"{s['name']}: {code}={val}")
                elif code == "deadline":
                    ok(val is not None and re.fullmatch(r"\d{4}-\d\d-\d\d", val), f"{s['name']}: deadline {val}")
        ok(len(kinds) == 1, f"{s['name']}: {len(kinds)} kinds")
        areas = {a["name"] for a in s.get("service_areas", [])}
        ok(areas == {T[t]["name"] for t in terrs} and terrs, f"{s['name']}: service_areas do not mirror territories")
        if kinds == ["room"]:
            facts = {a["taxonomy_term"]["code"] for a in s["attributes"] if a["link_type"] == "fact"}
            ok({"capacity", "wheelchair_accessible"} <= facts, f"{s['name']}: room without capacity/access facts")
            ok(s.get("service_at_locations"), f"{s['name']}: room without location")
        for sal in s.get("service_at_locations", []):
            loc = sal["location"]
            ok(any(l["id"] == loc["id"] for l in o.get("locations", [])), f"{s['name']}: location not listed on organization")
            if have_shapely:
                pt = Point(loc["longitude"], loc["latitude"])
                ok(any(shapes[t].contains(pt) or shapes[commune_of(t)].contains(pt) for t in terrs if commune_of(t)) or not any(commune_of(t) for t in terrs),
                   f"{s['name']}: location outside its territory")
# parent ids point to known territory terms
terr_terms = {tt["id"]: tt for tt in term_by_id.values() if tt["taxonomy_detail"]["name"] == "declic-territories"}
for tt in terr_terms.values():
    if "parent_id" in tt:
        ok(tt["parent_id"] in terr_terms and terr_terms[tt["parent_id"]]["code"] == T[tt["code"]]["parent"], f"parent_id of {tt['code']}")
ok(all(c == 1 for c in ids.values()), "duplicate organization/service ids")
kind_of = {sid: next(a["taxonomy_term"]["code"] for a in s["attributes"] if a["link_type"] == "kind") for sid, s in services.items()}
kc = Counter(kind_of.values())
ok(len(services) >= 86 and all(kc[k] >= 10 for k in KNOWN["kind"]), f"resource counts {kc}")

# ---------------------------------------------------------------- messages.jsonl
msgs = [json.loads(l) for l in (HERE / "messages.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
ok(len(msgs) >= 92, "fewer than 92 messages")
ok(len({m["id"] for m in msgs}) == len(msgs), "duplicate message ids")
NEEDS = {"place", "funding", "legal", "equipment", "partners", "skills", "peers"}
TRAPS = {"other_commune", "association_only", "expired", "inactive", "capacity", "step_free", "food"}
must_kinds, trap_count, covered_q = Counter(), Counter(), set()
for m in msgs:
    ok(m["locale"] in ("fr", "en"), f"{m['id']} locale")
    ok(m["quartier"] is None or m["quartier"] in quartiers or m["quartier"] in communes, f"{m['id']} quartier")
    ok(m["group"] in ("alone", "informal", "association"), f"{m['id']} group")
    ok(set(m.get("needs", [])) <= NEEDS, f"{m['id']} needs")
    ok(set(m["traps"]) <= TRAPS, f"{m['id']} traps")
    ok(1 <= len(m["must"]) <= 3, f"{m['id']}: {len(m['must'])} must")
    for key in ("must", "nice", "must_not"):
        for sid in m[key]:
            ok(sid in services, f"{m['id']}: {key} id {sid} not in directory")
    ok(not (set(m["must"]) | set(m["nice"])) & set(m["must_not"]), f"{m['id']}: must/nice overlap must_not")
    for sid in m["must"]:
        if sid in services:
            ok(services[sid]["status"] == "active", f"{m['id']}: must is not active")
            must_kinds[kind_of[sid]] += 1
    trap_count.update(m["traps"])
    covered_q.add(m["quartier"])
ok(set(quartiers) <= covered_q, f"quartiers without messages: {set(quartiers) - covered_q}")
ok(all(must_kinds[k] > 0 for k in KNOWN["kind"]), f"kinds never a must: {must_kinds}")
en = sum(m["locale"] == "en" for m in msgs)

print(f"territories: {len(terr)} ({len(communes)} communes, {len(quartiers)} quartiers), streets in YAML: {len(street_owner)}")
print(f"adresses.csv: {len(rows)} rows, {len(per_street)} streets ({sum(len(v) for v in CSV_ONLY.values())} only in the CSV)")
print(f"directory: {len(directory)} organizations, {len(services)} services {dict(kc)}, HSDS schema errors: {len(errs)}")
print(f"messages: {len(msgs)}, English {en} ({en / len(msgs):.0%}), must by kind {dict(must_kinds)}, traps {dict(trap_count)}")
if P:
    print("\nPROBLEMS:\n" + "\n".join(p for p in P if p))
    sys.exit(1)
print("ALL CHECKS PASSED")
