"""Writes README.md with the counts computed from the files."""
import json
from collections import Counter
from pathlib import Path
from geo import CSV_ONLY, QUARTIERS, COMMUNES
from data_services import SV

OUT = Path(__file__).resolve().parent.parent
slugs = json.loads((OUT / "tools/slugs.json").read_text())
msgs = [json.loads(l) for l in (OUT / "messages.jsonl").read_text().splitlines()]
kind = {slugs[s["slug"]]: s["kind"] for s in SV}
rk = Counter(s["kind"] for s in SV)
mk = Counter(kind[i] for m in msgs for i in m["must"])
mk_msgs = Counter(k for m in msgs for k in {kind[i] for i in m["must"]})
tr = Counter(t for m in msgs for t in m["traps"])
en = sum(m["locale"] == "en" for m in msgs)
grp = Counter(m["group"] for m in msgs)
qc = Counter(m["quartier"] for m in msgs)
status = Counter(s["status"] for s in SV)
rows = sum(1 for _ in open(OUT / "adresses.csv")) - 1
K = ["room", "grant", "legal", "sponsor", "contact", "initiative"]
L = []
w = L.append
w("# Held-out test town: Sorlanges\n")
w("**FROZEN held-out data. Never tune matching, the lexicon, the importer or their thresholds on these files.** "
  "They measure how Déclic behaves on a city and a directory it has never seen (issues « Any city » #13 and "
  "« Matching that works on a directory it has never seen » #15). If a file has a real error, fix the error in a separate, "
  "reviewed commit that says why; never change a label because a matcher disagrees with it.\n")
w("## Provenance\n")
w("Written by an independent author who read only the HSDS profile (`../shared/hsds/PROFILE.md`), the HSDS 3.0 schemas and "
  "examples, the two issues, the *schema* of `knowledge/demo/territories.yaml` and the *format* of one line of "
  "`tests/data/eval_demo.jsonl`. The author did not read any matcher, importer, bot, console or test code, the demo "
  "directory, or the vocabulary/lexicon files. Town, people, organizations, phone numbers, INSEE and postal codes are invented "
  "(e-mail and web domains end in `.example`).\n")
w("## The town\n")
w("Sorlanges (~60,000 inhabitants) on the river Lône, in the invented département **Haute-Lône** (`haute-lone`), "
  "agglomeration **Communauté d'agglomération Sorlanges-Lône** (`agglo-sorlanges-lone`). Communes and quartiers:\n")
for c in COMMUNES:
    qs = [q for q in QUARTIERS if q["parent"] == c["id"]]
    w(f"- **{c['name']}** (`{c['id']}`, INSEE {c['insee']}, CP {c['cp']}): " +
      (", ".join(f"{q['name']} (`{q['id']}`)" for q in qs) if qs else "no quartiers (rural commune); its streets are listed on the commune entry"))
w("")
w("## Files\n")
w("| file | content |\n|---|---|")
w("| `territories.yaml` | 14 territories `{id, name, level, parent, aliases, neighbours, streets}`: 1 département, 1 agglomération, 3 communes, 9 quartiers (8–11 streets each; Les Essarts-sur-Lône carries 8 streets on the commune) |")
w("| `territories.geojson` | FeatureCollection, one Polygon per quartier (9) and per commune (3), properties `{id, name, level, parent}`; exterior rings counter-clockwise (RFC 7946); quartiers tile their commune exactly; communes do not overlap |")
w(f"| `adresses.csv` | {rows} addresses in the Base Adresse Nationale CSV format (`;`-separated, UTF-8, BAN header), 2–6 per street (one row, numero 99999 with `nom_ld`, for the two lieux-dits), every point inside its quartier (or commune) polygon |")
w(f"| `directory.json` | HSDS 3.0 `organization_package`: 23 organizations, {len(SV)} services, valid against `compiled/organization_package.json` with a format checker |")
w(f"| `messages.jsonl` | {len(msgs)} labelled resident messages |")
w("| `tools/` | the generators (`make_geo.py`, `make_directory.py`, `make_messages.py`, `make_readme.py`), the hand-written data (`geo.py`, `data_orgs.py`, `data_services.py`, `data_messages.py`), `slugs.json` and `validate.py` |\n")
w("Regenerate (deterministic, UUIDv5) and check: `cd tools && python3 make_geo.py && python3 make_directory.py && python3 make_messages.py && python3 make_readme.py && python3 validate.py` "
  "(needs `pyyaml`, `jsonschema>=4.18`, `shapely`). `validate.py` checks JSON/YAML syntax, HSDS schema validity, the profile's attribute families and values, "
  "service_areas mirroring territory terms, `parent_id` hierarchy, unique ids, that every id in the messages exists, polygon validity/orientation/tiling/non-overlap, "
  "YAML neighbours = same-commune quartiers sharing an edge, and that each CSV point lies in the polygon of its street's quartier.\n")
w("## Counts\n")
w("Resources per kind: " + ", ".join(f"{k} {rk[k]}" for k in K) + f" (total {len(SV)}). Status: " + ", ".join(f"{k} {v}" for k, v in status.items()) + ".\n")
w(f"Messages: {len(msgs)}; English {en} ({en / len(msgs):.0%}), French {len(msgs) - en}. Groups: " + ", ".join(f"{k} {v}" for k, v in grp.items()) + ".\n")
w("Messages per quartier: " + ", ".join(f"{k or 'null'} {v}" for k, v in sorted(qc.items(), key=lambda x: str(x[0]))) + ".\n")
w("| kind | resources | `must` ids of that kind | messages with a `must` of that kind |\n|---|---|---|---|")
for k in K:
    w(f"| {k} | {rk[k]} | {mk[k]} | {mk_msgs[k]} |")
w("")
w("Messages per trap label (a label means the message deliberately exercises that rule): " + ", ".join(f"{k} {tr[k]}" for k in ["other_commune", "association_only", "expired", "inactive", "capacity", "step_free", "food"]) + ".\n")
w("## Message format\n")
w("One JSON object per line: `id`, `text`, `locale` (`fr`|`en`), `quartier` (a quartier id; **for Les Essarts-sur-Lône, which has no quartiers, the commune id `les-essarts-sur-lone`**; `null` when the message gives no place), "
  "`group` (`alone`|`informal`|`association`), optional `needs` (among place, funding, legal, equipment, partners, skills, peers) and `headcount`, "
  "`must` (1–3 service UUIDs a good top 5 must contain), `nice` (acceptable), `must_not` (harmful in a top 5), `traps`, `tags`.\n")
w("`quartier`, `group`, `needs` and `headcount` are the *truth* a good understanding step should reach; the text does not always name the quartier (often only a street, a housing estate or a nickname: tags `street`, `alias`).\n")
w("`must_not` is the union of hand-written exclusions and these rules applied to every message, with the reference date **2026-12-03**:\n")
w("- every service whose `status` is not `active`, and every resource whose `deadline` fact is before 2026-12-03 (so they appear in almost every `must_not`);")
w("- when the message's commune is known: every resource whose territories all lie in other communes (agglomeration- and département-wide resources are never excluded by this rule);")
w("- for `alone` and `informal` groups: resources open only to associations (eligibility `association` alone, or `association_required` = `true`);")
w("- with a `headcount`: rooms whose capacity is smaller; with the tag `wheelchair`: rooms whose `wheelchair_accessible` is `false`;")
w("- by hand: the food-hygiene service for insurance/authorisation questions that involve no food (trap `food`).\n")
w("**Pin the evaluation date to 2026-12-03.** Several `must` resources have deadlines in early 2027; evaluated later, they would expire and the labels would be wrong.\n")
w("## What an importer or matcher author should know about the format\n")
for t in [
  "Attribute values are in `taxonomy_term.code`; `name` is a human label: French for kinds, themes, groups and facts (« Salle », « Collectif informel », « Capacité (personnes) »), English for support and equipment (\"Skills sponsorship\", \"Projector\"). Every term has a `description` and a `language` (`fr`/`en`). One term id per code across the whole file.",
  "Fact values are strings in `attribute.value`: integers for capacity, amounts and notice days, `true`/`false`, dates `YYYY-MM-DD`. Not every resource has every fact; sponsors with money carry `grant_min_eur`/`grant_max_eur`/`association_required` too.",
  "A service may carry several `territory` attributes (e.g. a landlord serving quartiers of two communes, or a quartier plus the agglomeration). Territory terms carry `parent_id` up to the département; `service_areas` repeat each territory (`name` = term name, with its own `territory` attribute, `link_entity` = `service_area`).",
  "Statuses used: `active`, `inactive`, `defunct`, `temporarily closed`. Some facts also stand in prose only (`eligibility_description`, `alert`, `minimum_age`/`maximum_age`, a location's `accessibility`).",
  "Rooms (and a few other services) have a location: `service_at_locations[]` holds both `location_id` and the embedded `location`, and the same location is listed in the organization's `locations`. Location coordinates lie inside the quartier polygon.",
  "Contacts (people) are `contacts[]` of their service, with `name`, `title`, `email` and `phones`.",
  "Sorlanges and Vaudrémont share the postal code 03590: use `nom_commune`/`code_insee`, not `code_postal`, to tell communes apart in the CSV. `x`/`y` are Lambert-93, `lon`/`lat` WGS84. Some rows have `rep` = `bis` (their `id` ends in `_bis`).",
  "YAML `neighbours` only list quartiers of the same commune. Polygons of Faubourg Saint-Jacques and Pré-Barrault touch Vaudrémont's quartiers, and La Brasserie, Les Chaumes and Montjoie touch Les Essarts-sur-Lône: neighbours computed from polygons would cross commune borders.",
  "Street names are unique across the three communes. Residents also name housing estates (« Résidence Les Hautes Bruyères ») and lieux-dits (« Les Gouttes »), which are in the street lists.",
]:
    w("- " + t)
w("")
w("## Streets present only in `adresses.csv`\n")
w("These 15 streets are in no `streets` list; an importer must assign them to a quartier from the polygons containing their addresses:\n")
for tid, ss in CSV_ONLY.items():
    w(f"- `{tid}`: " + ", ".join(ss))
w("")
w("## Service slugs → UUIDs\n")
w("Service ids are `uuid5(uuid5(NAMESPACE_URL, 'https://sorlanges.example/declic-heldout'), 'service:<slug>')`; the slugs exist only here and in `tools/`.\n")
w("| slug | kind | uuid |\n|---|---|---|")
for s in SV:
    w(f"| {s['slug']} | {s['kind']} | {slugs[s['slug']]} |")
(OUT / "README.md").write_text("\n".join(L) + "\n", encoding="utf-8")
print("README written")
