"""Turn messages_data.py into messages.jsonl: slugs -> service UUIDs, and add the must_not ids implied by
Déclic's hard rules (inactive, expired, another commune, wrong group, capacity, step-free access, food).
Also checks that no must / nice id breaks a hard rule for its message."""
import json
from pathlib import Path

import yaml

import directory_data as D
import messages_data as MD
from build_directory import service_id

HERE = Path(__file__).parent
TODAY = "2026-12-03"
TERR = {t["id"]: t for t in yaml.safe_load((HERE / "territories.yaml").read_text(encoding="utf-8"))}
SVC = {s["slug"]: s for o in D.ORGS for s in o["services"]}

# Facts that stand only in prose in the directory (read by a person, written down here for labelling).
PROSE = {
    "club-house-semaphore": {"capacity": 25, "wheelchair_accessible": "false", "no_food": True},
    "ancienne-ecole-saint-meen": {"capacity": 30, "wheelchair_accessible": "false"},
    "aide-projets-culturels": {"deadline": "2026-09-15", "groups": ["informal", "association"]},
    "sport-pour-tous": {"groups": ["association"]},
    "brasserie-carvelonnaise": {"groups": ["association"]},
    "juristes-solidaires": {"groups": ["association"]},
    "auditorium-mediatheque": {"no_food": True},
}
NEED_KINDS = {"place": {"room"}, "funding": {"grant", "sponsor"}, "legal": {"legal"}, "equipment": {"sponsor"},
              "partners": {"sponsor", "contact"}, "skills": {"sponsor", "contact"}, "peers": {"initiative"}}


def commune_of(tid):
    """The commune a territory lies in, or None for wider areas (agglomeration, département)."""
    t = TERR[tid]
    while t["level"] == "quartier":
        t = TERR[t["parent"]]
    return t["id"] if t["level"] == "commune" else None


def fact(slug, key):
    s = SVC[slug]
    return PROSE.get(slug, {}).get(key, s["facts"].get(key))


def groups(slug):
    return PROSE.get(slug, {}).get("groups") or SVC[slug]["groups"] or None


def harms(slug, msg):
    """The hard rules `slug` breaks for `msg` (empty if none)."""
    s, out = SVC[slug], []
    home = "carvelonne" if msg["q"] is None else commune_of(msg["q"])
    if s["status"] != "active":
        out.append("inactive")
    dl = fact(slug, "deadline")
    if dl and dl < TODAY:
        out.append("expired")
    c = commune_of(s["terr"])
    if c and c != home:
        out.append("other_commune")
    g = groups(slug)
    if g and msg["group"] not in g:
        if g == ["association"] and s["kind"] in ("room", "grant", "sponsor", "legal"):
            out.append("association_only")
        elif s["kind"] in ("room", "grant", "sponsor"):
            out.append("wrong_group")
    if s["kind"] == "room":
        cap = fact(slug, "capacity")
        if msg["headcount"] and cap and int(cap) < msg["headcount"]:
            out.append("capacity")
        if "step_free" in msg["tags"] and fact(slug, "wheelchair_accessible") == "false":
            out.append("step_free")
        eq = set(s["equip"])
        if "meal" in msg["tags"] and PROSE.get(slug, {}).get("no_food"):
            out.append("food")
        elif "cooking" in msg["tags"] and not eq & {"kitchen", "pro_kitchen", "kitchenette"}:
            out.append("food")
        elif "cooking" in msg["tags"] and (msg["headcount"] or 0) > 40 and not eq & {"kitchen", "pro_kitchen"}:
            out.append("food")
    return out


def build():
    rows, problems = [], []
    for i, msg in enumerate(MD.M, 1):
        mid = f"c{i:03d}"
        unknown = [x for x in msg["must"] + msg["nice"] + msg["must_not"] if x not in SVC]
        if unknown:
            problems.append(f"{mid}: unknown slugs {unknown}")
            continue
        for slug in msg["must"] + msg["nice"]:
            h = harms(slug, msg)
            if h:
                problems.append(f"{mid}: {slug} in must/nice breaks {h}")
        kinds = {SVC[x]["kind"] for x in msg["must"] + msg["nice"]}
        for n in msg["needs"]:
            kinds |= NEED_KINDS[n]
        mn = list(dict.fromkeys(msg["must_not"]))
        for slug, s in SVC.items():
            if slug in msg["must"] or slug in msg["nice"] or slug in mn:
                continue
            if s["kind"] in kinds and harms(slug, msg):
                mn.append(slug)
        for slug in msg["must_not"]:
            if not harms(slug, msg):
                problems.append(f"{mid}: explicit must_not {slug} breaks no rule")
        # each declared trap must be exercised by at least one must_not
        seen = {h for slug in mn for h in harms(slug, msg)}
        for t in msg["traps"]:
            if t not in seen:
                problems.append(f"{mid}: trap {t} has no must_not behind it")
        row = {"id": mid, "text": msg["text"], "locale": msg["locale"], "quartier": msg["q"], "group": msg["group"]}
        if msg["needs"]:
            row["needs"] = msg["needs"]
        if msg["headcount"]:
            row["headcount"] = msg["headcount"]
        row["must"] = [service_id(x) for x in msg["must"]]
        row["nice"] = [service_id(x) for x in msg["nice"]]
        row["must_not"] = [service_id(x) for x in mn]
        row["traps"] = msg["traps"]
        row["tags"] = sorted(set(msg["tags"]) | {f"kind:{SVC[x]['kind']}" for x in msg["must"]}
                             | ({"english"} if msg["locale"] == "en" else set()))
        rows.append(row)
    if problems:
        raise SystemExit("\n".join(problems))
    (HERE / "messages.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                         encoding="utf-8")
    print(len(rows), "messages")


if __name__ == "__main__":
    build()
