"""Builds directory.json (HSDS 3.0 organization_package, Déclic profile) and slugs.json (slug -> uuid)."""
import json, uuid
from pathlib import Path
from geo import DEPT, AGGLO, COMMUNES, QUARTIERS, COMMUNE_OF, point_in
from data_orgs import ORGS
from data_services import SV

OUT = Path(__file__).resolve().parent.parent
NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://sorlanges.example/declic-heldout")
U = lambda *parts: str(uuid.uuid5(NS, ":".join(parts)))
STAMP = "2026-11-20T09:00:00Z"

TAXO = {
 "kind": ("declic-kinds", "Nature de la ressource", "fr", {
   "room": "Salle", "grant": "Aide financière / subvention", "legal": "Aide juridique et démarches",
   "sponsor": "Partenaire ou mécène", "contact": "Personne à contacter", "initiative": "Initiative existante"}),
 "theme": ("declic-themes", "Thèmes", "fr", {
   "garden": "Jardinage", "food": "Alimentation", "culture": "Culture", "youth": "Jeunesse", "energy": "Énergie",
   "repair": "Réparation", "parenting": "Parentalité", "sport": "Sport", "mobility": "Mobilité", "digital": "Numérique",
   "health": "Santé", "housing": "Logement", "environment": "Environnement", "elderly": "Personnes âgées",
   "accessibility": "Accessibilité", "events": "Fêtes et événements"}),
 "eligibility": ("declic-groups", "Publics éligibles", "fr", {
   "alone": "Habitant seul", "informal": "Collectif informel", "association": "Association"}),
 "support": ("declic-support", "Type of support", "en", {
   "financial": "Financial support", "skills": "Skills sponsorship", "in_kind": "In-kind donation"}),
 "equipment": ("declic-equipment", "Room equipment", "en", {
   "kitchen": "Kitchen", "pro_kitchen": "Professional kitchen", "kitchenette": "Kitchenette", "projector": "Projector",
   "sound_system": "Sound system", "garden_plot": "Garden plot", "workshop_tools": "Workshop tools", "wifi": "Wi-Fi"}),
 "fact": ("declic-facts", "Faits chiffrés", "fr", {
   "capacity": "Capacité (personnes)", "wheelchair_accessible": "Accessible en fauteuil roulant",
   "grant_min_eur": "Montant minimum (€)", "grant_max_eur": "Montant maximum (€)",
   "association_required": "Réservé aux associations", "deadline": "Date limite de dépôt",
   "booking_notice_days": "Délai de réservation (jours)"}),
}
TERRS = [DEPT, AGGLO] + COMMUNES + QUARTIERS
TERR = {t["id"]: t for t in TERRS}
LEVEL_FR = {"departement": "Département", "agglomeration": "Agglomération", "commune": "Commune", "quartier": "Quartier"}


def taxonomy_detail(link_type):
    name, desc, _, _ = TAXO.get(link_type, ("declic-territories", "Territoires desservis", "fr", None))
    return {"id": U("taxonomy", name), "name": name, "description": desc, "version": "2026-11"}


DESC = {
 "room": "Lieu prêté ou loué aux habitants et aux associations pour se réunir ou organiser un événement.",
 "grant": "Aide en argent : subvention, fonds, bourse ou appel à projets.",
 "legal": "Conseil sur les règles, autorisations, assurances et responsabilités.",
 "sponsor": "Entreprise ou fondation qui soutient en argent, en nature ou en compétences.",
 "contact": "Une personne à appeler, qui connaît le terrain et oriente.",
 "initiative": "Projet ou collectif déjà en place que l'on peut rejoindre.",
 "alone": "Une habitante ou un habitant qui agit seul.",
 "informal": "Groupe d'habitants sans statut juridique.",
 "association": "Association déclarée (loi 1901).",
 "financial": "Money given to a project.", "skills": "Volunteers or employees lend their expertise.",
 "in_kind": "Goods, food, equipment or services given or lent.",
 "capacity": "Nombre de personnes accueillies.", "wheelchair_accessible": "Accès de plain-pied pour un fauteuil roulant.",
 "grant_min_eur": "Montant minimum accordé, en euros.", "grant_max_eur": "Montant maximum accordé, en euros.",
 "association_required": "Il faut être une association déclarée.", "deadline": "Dernier jour pour déposer une demande.",
 "booking_notice_days": "Nombre de jours à prévoir avant la date.",
}


def term(link_type, code):
    if link_type == "territory":
        t = TERR[code]
        chain, p = [], t.get("parent")
        while p:
            chain.append(TERR[p]["name"]); p = TERR[p].get("parent")
        d = {"id": U("term", "declic-territories", code), "code": code, "name": t["name"],
             "description": f'{LEVEL_FR[t.get("level", "quartier")]} {t["name"]}' + (f' ({", ".join(chain)})' if chain else ""),
             "taxonomy": "declic-territories", "taxonomy_detail": taxonomy_detail("territory"),
             "taxonomy_id": U("taxonomy", "declic-territories"), "language": "fr"}
        if t.get("parent"):
            d["parent_id"] = U("term", "declic-territories", t["parent"])
        return d
    tname, _, lang, labels = TAXO[link_type]
    return {"id": U("term", tname, code), "code": code, "name": labels[code],
            "description": DESC.get(code, labels[code]), "taxonomy": tname,
            "taxonomy_detail": taxonomy_detail(link_type), "taxonomy_id": U("taxonomy", tname), "language": lang}


def attr(link_id, link_type, code, value=None, entity="service"):
    tt = term(link_type, code)
    a = {"id": U("attr", link_id, link_type, code), "link_id": link_id, "link_type": link_type, "link_entity": entity,
         "taxonomy_term_id": tt["id"], "taxonomy_term": tt}
    if value is not None:
        a["value"] = value
    return a


def phone(owner, number):
    return {"id": U("phone", owner, number), "number": number, "type": "voice"}


def location(org_id, s):
    q, street, num, name, access = s["loc"]
    c = next(c for c in COMMUNES if c["id"] == COMMUNE_OF[q])
    lid = U("location", s["slug"])
    fx = (int(uuid.UUID(lid)) % 97) / 96.0
    fy = (int(uuid.UUID(lid)) // 97 % 89) / 88.0
    lon, lat = point_in(q, 0.15 + 0.7 * fx, 0.15 + 0.7 * fy)
    return {"id": lid, "location_type": "physical", "organization_id": org_id, "name": name,
            "description": f"{name}, {street}, {c['name']}", "latitude": lat, "longitude": lon,
            "addresses": [{"id": U("address", s["slug"]), "location_id": lid, "address_1": f"{num} {street}",
                           "city": c["name"], "region": "Auvergne-Rhône-Alpes", "state_province": "Haute-Lône",
                           "postal_code": c["cp"], "country": "FR", "address_type": "physical"}],
            "accessibility": [{"id": U("access", s["slug"]), "location_id": lid, "description": access}]}


def build():
    orgs, slugs = {}, {}
    for key, (name, desc, email, tel, web) in ORGS.items():
        oid = U("org", key)
        o = {"id": oid, "name": name, "description": desc, "email": email, "phones": [phone(oid, tel)],
             "locations": [], "services": []}
        if web:
            o["website"] = web
        orgs[key] = o
    for s in SV:
        o = orgs[s["org"]]
        sid = U("service", s["slug"])
        slugs[s["slug"]] = sid
        svc = {"id": sid, "organization_id": o["id"], "name": s["name"], "description": s["desc"],
               "status": s["status"], "email": o["email"], "last_modified": STAMP,
               "phones": [phone(sid, o["phones"][0]["number"])]}
        for k in ("eligibility_description", "application_process", "fees_description", "alert", "minimum_age", "maximum_age"):
            if k in s["extra"]:
                svc[k] = s["extra"][k]
        attrs = [attr(sid, "kind", s["kind"])]
        attrs += [attr(sid, "theme", t) for t in s["themes"]]
        attrs += [attr(sid, "territory", t) for t in s["terr"]]
        attrs += [attr(sid, "eligibility", g) for g in s["groups"]]
        attrs += [attr(sid, "support", x) for x in s["support"]]
        attrs += [attr(sid, "equipment", x) for x in s["equip"]]
        attrs += [attr(sid, "fact", k, v) for k, v in s["facts"].items()]
        svc["attributes"] = attrs
        areas = []
        for t in s["terr"]:
            aid = U("area", s["slug"], t)
            tt = term("territory", t)
            areas.append({"id": aid, "service_id": sid, "name": tt["name"], "description": tt["description"],
                          "attributes": [attr(aid, "territory", t, entity="service_area")]})
        svc["service_areas"] = areas
        if s["loc"]:
            loc = location(o["id"], s)
            o["locations"].append(loc)
            svc["service_at_locations"] = [{"id": U("sal", s["slug"]), "service_id": sid, "location_id": loc["id"],
                                            "description": loc["name"], "location": loc}]
        if s["person"]:
            pname, title, pmail, ptel = s["person"]
            cid = U("contact", s["slug"])
            svc["contacts"] = [{"id": cid, "service_id": sid, "name": pname, "title": title, "email": pmail,
                                "phones": [phone(cid, ptel)]}]
        if s["slug"] == "repair-cafe-sorlanges":
            svc["schedules"] = [{"id": U("schedule", s["slug"]), "service_id": sid, "freq": "MONTHLY", "byday": "1SA",
                                 "opens_at": "14:00", "closes_at": "18:00",
                                 "description": "Le premier samedi du mois, de 14 h à 18 h."}]
        o["services"].append(svc)
    pkg = [o for o in orgs.values()]
    for o in pkg:
        if not o["locations"]:
            del o["locations"]
    (OUT / "directory.json").write_text(json.dumps(pkg, ensure_ascii=False, indent=1), encoding="utf-8")
    (OUT / "tools" / "slugs.json").write_text(json.dumps(slugs, ensure_ascii=False, indent=1), encoding="utf-8")
    return pkg, slugs


if __name__ == "__main__":
    pkg, slugs = build()
    print(len(pkg), "organizations,", len(slugs), "services")
