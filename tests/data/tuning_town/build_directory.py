"""Compose directory.json (HSDS 3.0 organization_package, Déclic profile) from directory_data.py."""
import json
import uuid
from pathlib import Path

import yaml
from shapely.geometry import Point, shape

import directory_data as D

HERE = Path(__file__).parent
NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://carvelonne.example/declic-tuning/")


def uid(*parts):
    return str(uuid.uuid5(NS, "/".join(parts)))


def service_id(slug):
    return uid("service", slug)


TERR = {t["id"]: t for t in yaml.safe_load((HERE / "territories.yaml").read_text(encoding="utf-8"))}
SHAPES = {f["properties"]["id"]: shape(f["geometry"])
          for f in json.loads((HERE / "territories.geojson").read_text(encoding="utf-8"))["features"]}
POSTAL = {"saint-meen-des-landes": ("Saint-Méen-des-Landes", "44780"), "port-aurel": ("Port-Aurel", "44790")}

TAXONOMIES = {
    "declic-kinds": "Types de ressources Déclic", "declic-themes": "Thèmes Déclic",
    "declic-territories": "Territoires de Carvelonne Océan", "declic-groups": "Publics éligibles",
    "declic-support": "Formes de soutien", "declic-equipment": "Équipements des salles",
    "declic-facts": "Faits structurés",
}
LABELS = {
    "fr": {
        "room": "Salle / lieu", "grant": "Aide financière", "legal": "Aide juridique et démarches",
        "sponsor": "Mécène ou partenaire", "contact": "Personne ressource", "initiative": "Initiative existante",
        "alone": "Habitant·e seul·e", "informal": "Collectif informel", "association": "Association",
        "financial": "Soutien financier", "skills": "Mécénat de compétences", "in_kind": "Don ou prêt en nature",
        "kitchen": "Cuisine", "pro_kitchen": "Cuisine professionnelle", "kitchenette": "Coin cuisine",
        "projector": "Vidéoprojecteur", "sound_system": "Sonorisation", "garden_plot": "Parcelle de jardin",
        "workshop_tools": "Outillage d'atelier", "wifi": "Wifi",
        "capacity": "Capacité", "wheelchair_accessible": "Accessible en fauteuil roulant",
        "grant_min_eur": "Montant minimum (€)", "grant_max_eur": "Montant maximum (€)",
        "association_required": "Association obligatoire", "deadline": "Date limite",
        "booking_notice_days": "Délai de réservation (jours)",
        "garden": "Jardinage", "food": "Alimentation", "culture": "Culture", "youth": "Jeunesse",
        "energy": "Énergie", "repair": "Réparation", "parenting": "Parentalité", "sport": "Sport",
        "mobility": "Mobilité", "digital": "Numérique", "health": "Santé", "housing": "Logement",
        "environment": "Environnement", "elderly": "Personnes âgées", "accessibility": "Accessibilité",
        "events": "Fêtes et événements",
    },
    "en": {
        "room": "Venue", "grant": "Grant", "legal": "Legal and admin help", "sponsor": "Sponsor",
        "contact": "Contact person", "initiative": "Existing initiative", "alone": "Individual resident",
        "informal": "Informal group", "association": "Registered association", "financial": "Financial support",
        "skills": "Skills-based sponsorship", "in_kind": "In-kind support",
        "capacity": "Capacity", "wheelchair_accessible": "Wheelchair accessible", "grant_min_eur": "Minimum amount (EUR)",
        "grant_max_eur": "Maximum amount (EUR)", "association_required": "Association required",
        "deadline": "Deadline", "booking_notice_days": "Booking notice (days)",
        "garden": "Gardening", "food": "Food", "culture": "Culture", "youth": "Youth", "energy": "Energy",
        "repair": "Repair", "parenting": "Parenting", "sport": "Sport", "mobility": "Mobility",
        "digital": "Digital", "health": "Health", "housing": "Housing", "environment": "Environment",
        "elderly": "Older people", "accessibility": "Accessibility", "events": "Events and festivities",
    },
}


def term(taxonomy, code, lang="fr"):
    name = LABELS[lang].get(code) or LABELS["fr"].get(code) or code
    t = {"id": uid("term", taxonomy, code), "code": code, "name": name,
         "description": f"{TAXONOMIES[taxonomy]} : {name}", "taxonomy": taxonomy,
         "taxonomy_detail": {"id": uid("taxonomy", taxonomy), "name": taxonomy, "description": TAXONOMIES[taxonomy],
                             "version": "1.0"},
         "language": "eng" if lang == "en" else "fra"}
    return t


def territory_term(tid):
    t = TERR[tid]
    out = {"id": uid("term", "declic-territories", tid), "code": tid, "name": t["name"],
           "description": f"{t['level']} : {t['name']}", "taxonomy": "declic-territories",
           "taxonomy_detail": {"id": uid("taxonomy", "declic-territories"), "name": "declic-territories",
                               "description": TAXONOMIES["declic-territories"], "version": "1.0"},
           "language": "fra"}
    if t.get("parent"):
        out["parent_id"] = uid("term", "declic-territories", t["parent"])
    return out


def attr(sid, link_type, taxonomy, code, value=None, lang="fr"):
    tt = territory_term(code) if taxonomy == "declic-territories" else term(taxonomy, code, lang)
    a = {"id": uid("attribute", sid, link_type, code), "link_id": sid, "link_entity": "service",
         "link_type": link_type, "taxonomy_term_id": tt["id"], "taxonomy_term": tt}
    if value is not None:
        a["value"] = str(value)
    return a


def place(loc_q, key):
    poly = SHAPES[loc_q]
    base = poly.representative_point()
    h = int(uuid.uuid5(NS, key).hex[:8], 16)
    for k in range(20):
        dx = ((h >> (k % 16)) % 100 - 50) / 10000
        dy = ((h >> ((k + 5) % 16)) % 100 - 50) / 10000
        p = Point(base.x + dx / (k + 1), base.y + dy / (k + 1))
        if poly.contains(p):
            return round(p.y, 5), round(p.x, 5)
    return round(base.y, 5), round(base.x, 5)


def location(org_id, loc):
    lid = uid("location", loc["name"], loc["street"])
    city, cp = POSTAL.get(loc["q"], ("Carvelonne", "44770"))
    lat, lon = place(loc["q"], lid)
    return {
        "id": lid, "location_type": "physical", "organization_id": org_id, "name": loc["name"],
        "latitude": lat, "longitude": lon,
        "addresses": [{"id": uid("address", lid), "location_id": lid, "address_1": loc["street"], "city": city,
                       "state_province": "Côtes-d'Ardève", "postal_code": cp, "country": "FR",
                       "address_type": "physical"}],
        "accessibility": [{"id": uid("accessibility", lid), "location_id": lid, "description": loc["access"]}],
    }


def build():
    orgs, index = [], []
    for o in D.ORGS:
        oid = uid("organization", o["slug"])
        lang = o.get("labels", "fr")
        org = {"id": oid, "name": o["name"], "description": o["description"]}
        if o.get("email"):
            org["email"] = o["email"]
        if o.get("website"):
            org["website"] = o["website"]
        if o.get("legal_status"):
            org["legal_status"] = o["legal_status"]
        locations, services = {}, []
        for s in o["services"]:
            sid = service_id(s["slug"])
            svc = {"id": sid, "organization_id": oid, "name": s["name"], "description": s["desc"],
                   "status": s["status"]}
            for k, v in s["extra"].items():
                svc[k] = v
            attrs = [attr(sid, "kind", "declic-kinds", s["kind"], lang=lang)]
            attrs += [attr(sid, "theme", "declic-themes", t, lang=lang) for t in s["themes"]]
            attrs.append(attr(sid, "territory", "declic-territories", s["terr"]))
            attrs += [attr(sid, "eligibility", "declic-groups", g, lang=lang) for g in s["groups"]]
            attrs += [attr(sid, "support", "declic-support", g, lang=lang) for g in s["support"]]
            attrs += [attr(sid, "equipment", "declic-equipment", e, lang=lang) for e in s["equip"]]
            attrs += [attr(sid, "fact", "declic-facts", k, v, lang=lang) for k, v in s["facts"].items()]
            svc["attributes"] = attrs
            t = TERR[s["terr"]]
            svc["service_areas"] = [{"id": uid("service_area", sid), "service_id": sid, "name": t["name"],
                                     "description": f"Territoire desservi : {t['name']}"}]
            if s["person"]:
                p = s["person"]
                c = {"id": uid("contact", sid), "service_id": sid, "name": p["name"], "title": p.get("title")}
                if p.get("email"):
                    c["email"] = p["email"]
                if p.get("phone"):
                    c["phones"] = [{"id": uid("phone", sid), "number": p["phone"]}]
                svc["contacts"] = [{k: v for k, v in c.items() if v is not None}]
            if s["loc"]:
                loc = location(oid, s["loc"])
                loc = locations.setdefault(loc["id"], loc)  # one description per place
                svc["service_at_locations"] = [{"id": uid("sal", sid), "service_id": sid, "location_id": loc["id"],
                                                "location": loc}]
            services.append(svc)
            index.append((s["slug"], sid, s["kind"], s["terr"], s["status"], s["name"]))
        org["locations"] = list(locations.values())
        org["services"] = services
        orgs.append(org)
    (HERE / "directory.json").write_text(json.dumps(orgs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = ["slug\tservice_id\tkind\tterritory\tstatus\tname"] + ["\t".join(r) for r in index]
    (HERE / "ids.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(len(orgs), "organizations,", len(index), "services")


if __name__ == "__main__":
    build()
