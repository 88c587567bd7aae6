"""Writes messages.jsonl: hand-written labels + rule-based must_not, slugs converted to service UUIDs."""
import json
from pathlib import Path
from geo import COMMUNE_OF
from data_services import SV
from data_messages import MSG

OUT = Path(__file__).resolve().parent.parent
TODAY = "2026-12-03"
BY = {s["slug"]: s for s in SV}


def rule_sets(m):
    """must_not candidates per trap rule (slugs)."""
    r = {k: set() for k in ("expired", "inactive", "other_commune", "association_only", "capacity", "step_free", "food")}
    home = COMMUNE_OF.get(m["quartier"]) if m["quartier"] else None
    for s in SV:
        f = s["facts"]
        if s["status"] != "active":
            r["inactive"].add(s["slug"])
        if f.get("deadline", "9999") < TODAY:
            r["expired"].add(s["slug"])
        if home:
            communes = [COMMUNE_OF.get(t) for t in s["terr"]]
            if all(communes) and home not in communes:
                r["other_commune"].add(s["slug"])
        if m["group"] != "association" and (s["groups"] == ["association"] or f.get("association_required") == "true"):
            r["association_only"].add(s["slug"])
        if s["kind"] == "room" and m["headcount"] and int(f["capacity"]) < m["headcount"]:
            r["capacity"].add(s["slug"])
        if s["kind"] == "room" and "wheelchair" in m["tags"] and f.get("wheelchair_accessible") == "false":
            r["step_free"].add(s["slug"])
    r["food"] = set(m["mn"])
    return r


def build(slugs):
    rows, problems = [], []
    for m in MSG:
        for sl in m["must"] + m["nice"] + m["mn"]:
            if sl not in BY:
                problems.append(f'{m["id"]}: unknown slug {sl}')
        r = rule_sets(m)
        mn = set().union(*r.values())
        for sl in m["must"]:
            if sl in mn:
                problems.append(f'{m["id"]}: must {sl} is also must_not ({[k for k, v in r.items() if sl in v]})')
        for sl in m["nice"]:
            if sl in mn:
                problems.append(f'{m["id"]}: nice {sl} is must_not ({[k for k, v in r.items() if sl in v]})')
        for t in m["traps"]:
            if not r[t]:
                problems.append(f'{m["id"]}: trap {t} labelled but no must_not from that rule')
        row = {"id": m["id"], "text": m["text"], "locale": m["locale"], "quartier": m["quartier"], "group": m["group"]}
        if m["needs"]:
            row["needs"] = m["needs"]
        if m["headcount"]:
            row["headcount"] = m["headcount"]
        row["must"] = [slugs[s] for s in m["must"]]
        row["nice"] = [slugs[s] for s in m["nice"]]
        row["must_not"] = sorted(slugs[s] for s in mn)
        row["traps"] = m["traps"]
        row["tags"] = m["tags"]
        rows.append(row)
    (OUT / "messages.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return rows, problems


if __name__ == "__main__":
    slugs = json.loads((OUT / "tools" / "slugs.json").read_text())
    rows, problems = build(slugs)
    print(len(rows), "messages")
    print("\n".join(problems) or "no problems")
