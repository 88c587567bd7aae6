"""Check the Carvelonne tuning town: HSDS schema, Déclic profile values, territories, polygons, messages."""
import collections
import gzip
import json
import sys
import uuid
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from shapely.geometry import Point, shape
from shapely.validation import explain_validity

HERE = Path(__file__).parent
HSDS = Path(__file__).resolve().parents[3] / "knowledge" / "hsds"  # the shipped copy
errors = []
err = errors.append

# ---------------------------------------------------------------- territories
terr = yaml.safe_load((HERE / "territories.yaml").read_text(encoding="utf-8"))
T = {t["id"]: t for t in terr}
if len(T) != len(terr):
    err("territories.yaml: duplicate ids")
LEVELS = {"departement": 0, "agglomeration": 1, "commune": 2, "quartier": 3}
for t in terr:
    if set(t) - {"id", "name", "level", "parent", "aliases", "neighbours", "streets"}:
        err(f"territory {t['id']}: unknown keys")
    if t["level"] not in LEVELS:
        err(f"territory {t['id']}: bad level")
    p = t.get("parent")
    if p and (p not in T or LEVELS[T[p]["level"]] >= LEVELS[t["level"]]):
        err(f"territory {t['id']}: bad parent {p}")
    for n in t.get("neighbours", []):
        if n not in T or t["id"] not in T[n].get("neighbours", []):
            err(f"territory {t['id']}: neighbour {n} unknown or not symmetric")
    if t["level"] == "quartier" and not 6 <= len(t.get("streets", [])) <= 12:
        err(f"quartier {t['id']}: {len(t.get('streets', []))} streets")
streets = [s.lower() for t in terr for s in t.get("streets", [])]
dups = [s for s, c in collections.Counter(streets).items() if c > 1]
if dups:
    err(f"streets in two territories: {dups}")
quartiers = [t["id"] for t in terr if t["level"] == "quartier"]

# ---------------------------------------------------------------- geojson
gj = json.loads((HERE / "territories.geojson").read_text(encoding="utf-8"))
shapes = {}
for i, f in enumerate(gj["features"]):
    pr = f["properties"]
    if pr["id"] not in T or T[pr["id"]]["level"] != pr["level"] or T[pr["id"]].get("parent") != pr["parent"] \
            or T[pr["id"]]["name"] != pr["name"]:
        err(f"feature {i}: properties disagree with territories.yaml")
    for ring in f["geometry"]["coordinates"]:
        if ring[0] != ring[-1]:
            err(f"feature {i}: ring not closed")
        for lon, lat in ring:
            if not (-1.6 <= lon <= -1.4 and 47.2 <= lat <= 47.35):
                err(f"feature {i}: point out of area")
    g = shape(f["geometry"])
    if not g.is_valid:
        err(f"feature {i}: {explain_validity(g)}")
    shapes[pr["id"]] = g
for lvl in ("quartier", "commune"):
    ids = [k for k in shapes if T[k]["level"] == lvl]
    for a in ids:
        for b in ids:
            if a < b and shapes[a].intersection(shapes[b]).area > 1e-12:
                err(f"polygons {a} and {b} overlap")
for q in quartiers:
    if q not in shapes:
        err(f"quartier {q} has no polygon")
    elif not shapes["carvelonne"].buffer(1e-9).contains(shapes[q]):
        err(f"quartier {q} not inside its commune")
for c in [t["id"] for t in terr if t["level"] == "commune"]:
    if c not in shapes:
        err(f"commune {c} has no polygon")
for q in quartiers:  # neighbours = polygons sharing an edge
    touch = sorted(o for o in quartiers if o != q and shapes[q].intersection(shapes[o]).length > 0)
    if touch != sorted(T[q].get("neighbours", [])):
        err(f"quartier {q}: neighbours {T[q].get('neighbours')} but polygons touch {touch}")

# ---------------------------------------------------------------- directory
directory = json.loads((HERE / "directory.json").read_text(encoding="utf-8"))
schema = json.loads(gzip.decompress((HSDS / "compiled/organization_package.json.gz").read_bytes()))
for e in Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(directory):
    err("directory.json schema: " + "/".join(map(str, e.absolute_path)) + " - " + e.message)
ALLOWED = {
    "kind": {"room", "grant", "legal", "sponsor", "contact", "initiative"},
    "theme": {"garden", "food", "culture", "youth", "energy", "repair", "parenting", "sport", "mobility", "digital",
              "health", "housing", "environment", "elderly", "accessibility", "events"},
    "territory": set(T), "eligibility": {"alone", "informal", "association"},
    "support": {"financial", "skills", "in_kind"},
    "equipment": {"kitchen", "pro_kitchen", "kitchenette", "projector", "sound_system", "garden_plot",
                  "workshop_tools", "wifi"},
    "fact": {"capacity", "wheelchair_accessible", "grant_min_eur", "grant_max_eur", "association_required",
             "deadline", "booking_notice_days"},
}
TAX = {"kind": "declic-kinds", "theme": "declic-themes", "territory": "declic-territories",
       "eligibility": "declic-groups", "support": "declic-support", "equipment": "declic-equipment",
       "fact": "declic-facts"}
services, all_ids, kinds = {}, collections.Counter(), collections.Counter()
term_ids = {}
for o in directory:
    for loc in o.get("locations", []):
        all_ids[loc["id"]] += 1
    for s in o["services"]:
        services[s["id"]] = s
        all_ids[s["id"]] += 1
        k = [a for a in s["attributes"] if a["link_type"] == "kind"]
        if len(k) != 1:
            err(f"service {s['name']}: {len(k)} kind attributes")
        else:
            kinds[k[0]["taxonomy_term"]["code"]] += 1
        for a in s["attributes"]:
            all_ids[a["id"]] += 1
            tt = a["taxonomy_term"]
            if tt["code"] not in ALLOWED[a["link_type"]]:
                err(f"service {s['name']}: {a['link_type']} value {tt['code']!r} unknown")
            if tt["taxonomy"] != TAX[a["link_type"]] or tt["taxonomy_detail"]["name"] != TAX[a["link_type"]]:
                err(f"service {s['name']}: wrong taxonomy for {a['link_type']}")
            if term_ids.setdefault(tt["id"], (tt["code"], tt.get("parent_id"))) != (tt["code"], tt.get("parent_id")):
                err(f"term id {tt['id']} used for two values")
            if a["link_type"] == "territory":
                parent = T[tt["code"]].get("parent")
                if (parent is None) != ("parent_id" not in tt):
                    err(f"territory term {tt['code']}: parent_id mismatch")
                if not any(sa["name"] == T[tt["code"]]["name"] for sa in s.get("service_areas", [])):
                    err(f"service {s['name']}: territory not mirrored in service_areas")
            if a["link_type"] == "fact":
                v = a.get("value")
                code = tt["code"]
                ok = v is not None and (
                    (code in ("wheelchair_accessible", "association_required") and v in ("true", "false"))
                    or (code == "deadline" and len(v) == 10 and v[4] == "-" and v[7] == "-")
                    or (code not in ("wheelchair_accessible", "association_required", "deadline") and v.isdigit()))
                if not ok:
                    err(f"service {s['name']}: fact {code}={v!r}")
        for sal in s.get("service_at_locations", []):
            loc = sal["location"]
            pt = Point(loc["longitude"], loc["latitude"])
            home = [t for t, g in shapes.items() if T[t]["level"] in ("quartier", "commune") and g.contains(pt)]
            if not home:
                err(f"location {loc['name']} outside every territory")
dup = [i for i, c in all_ids.items() if c > 1 and not any(i == l["id"] for o in directory for l in o.get("locations", []))]
if dup:
    err(f"duplicate ids: {dup[:5]}")
for kind, c in kinds.items():
    if c < 12:
        err(f"only {c} services of kind {kind}")
if len(services) < 100:
    err(f"only {len(services)} services")
NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://carvelonne.example/declic-tuning/")
ids_tsv = [l.split("\t") for l in (HERE / "ids.tsv").read_text(encoding="utf-8").splitlines()[1:]]
for row in ids_tsv:
    if str(uuid.uuid5(NS, "service/" + row[0])) != row[1] or row[1] not in services:
        err(f"ids.tsv: {row[0]} does not match")

# ---------------------------------------------------------------- messages
rows = [json.loads(l) for l in (HERE / "messages.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
NEEDS = {"place", "funding", "legal", "equipment", "partners", "skills", "peers"}
TRAPS = {"other_commune", "association_only", "expired", "inactive", "capacity", "step_free", "food"}
must_kinds = collections.Counter()
seen_ids = set()
for r in rows:
    rid = r["id"]
    if rid in seen_ids:
        err(f"{rid}: duplicate id")
    seen_ids.add(rid)
    if set(r) - {"id", "text", "locale", "quartier", "group", "needs", "headcount", "must", "nice", "must_not",
                 "traps", "tags"}:
        err(f"{rid}: unknown keys")
    if r["locale"] not in ("fr", "en") or r["group"] not in ("alone", "informal", "association"):
        err(f"{rid}: bad locale or group")
    if r["quartier"] is not None and r["quartier"] not in T:
        err(f"{rid}: unknown quartier {r['quartier']}")
    if not 1 <= len(r["must"]) <= 3:
        err(f"{rid}: {len(r['must'])} must ids")
    if set(r.get("needs", [])) - NEEDS or set(r["traps"]) - TRAPS:
        err(f"{rid}: bad needs or traps")
    for key in ("must", "nice", "must_not"):
        for i in r[key]:
            if i not in services:
                err(f"{rid}: {key} id {i} not in directory")
    if set(r["must"] + r["nice"]) & set(r["must_not"]) or set(r["must"]) & set(r["nice"]):
        err(f"{rid}: an id is in two lists")
    for i in r["must"]:
        for a in services[i]["attributes"]:
            if a["link_type"] == "kind":
                must_kinds[a["taxonomy_term"]["code"]] += 1
if len(rows) < 110:
    err(f"only {len(rows)} messages")
if set(must_kinds) != ALLOWED["kind"]:
    err(f"kinds never a must target: {ALLOWED['kind'] - set(must_kinds)}")
missing_q = set(quartiers) - {r["quartier"] for r in rows}
if missing_q:
    err(f"quartiers without messages: {missing_q}")
en = sum(r["locale"] == "en" for r in rows)

if errors:
    print("\n".join(errors))
    sys.exit(1)
print(f"OK: {len(terr)} territories ({len(quartiers)} quartiers), {len(gj['features'])} polygons, "
      f"{len(directory)} organizations, {len(services)} services {dict(kinds)}, "
      f"{len(rows)} messages ({en} English, {en / len(rows):.0%}), must targets by kind {dict(must_kinds)}, "
      f"traps {dict(collections.Counter(t for r in rows for t in r['traps']))}")
