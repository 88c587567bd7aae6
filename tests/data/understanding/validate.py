"""Validate the Déclic understanding evaluation set (held-out + tuning halves).
Usage: python3 validate.py [path/to/territories.yaml]"""

import collections
import datetime
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).parent
TERR = pathlib.Path(
    sys.argv[1]
    if len(sys.argv) > 1
    else HERE.parents[2] / "knowledge" / "demo" / "territories.yaml"
)
STEPS = {
    "start",
    "quartier",
    "needs",
    "group",
    "timing",
    "consent",
    "summary",
    "after_submit",
    "sprint_options",
    "sprint_booked",
    "waiting_human",
}
INTENTS = {
    "idea",
    "answer",
    "human",
    "cancel",
    "help",
    "question",
    "dont_know",
    "greeting",
    "thanks_bye",
    "yes",
    "no",
    "more",
    "status",
    "forget",
    "pause",
    "correction",
    "frustrated",
    "other",
}
NEEDS = {"place", "funding", "legal", "equipment", "partners", "skills", "peers"}
GROUPS = {"alone", "informal", "association"}
TIMINGS = {"asap", "within_3_months", "this_year", "no_date"}
THEMES = {
    "garden",
    "food",
    "culture",
    "youth",
    "energy",
    "repair",
    "parenting",
    "sport",
    "mobility",
    "digital",
    "health",
    "housing",
    "environment",
    "elderly",
    "accessibility",
    "events",
}
CORRECTS = {"idea", "neighbourhood", "needs", "group", "timing", "title"}
TAGS = {"sms", "typos", "phonetic", "english", "formal", "mixed", "slang", "plain", "emoji", "long"}
GREETINGS = (
    "bonjour",
    "salut",
    "hello",
    "hi ",
    "coucou",
    "madame",
    "monsieur",
    "dear",
    "bonsoir",
    "slt",
    "bjr",
)
terr_ids = set(re.findall(r"^- id: (\S+)", TERR.read_text(encoding="utf-8"), re.M)) | {"elsewhere"}
errors = []


def err(rid, msg):
    errors.append(f"{rid}: {msg}")


def load(name):
    rows = []
    for n, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            err(f"{name}:{n}", f"invalid JSON {e}")
    return rows


U = {h: load(f) for h, f in (("heldout", "heldout.jsonl"), ("tuning", "tuning.jsonl"))}
T = {
    h: load(f) for h, f in (("heldout", "titles_heldout.jsonl"), ("tuning", "titles_tuning.jsonl"))
}
ids = collections.Counter(r.get("id") for rs in list(U.values()) + list(T.values()) for r in rs)
for i, c in ids.items():
    if c > 1:
        err(i, "duplicate id")
for _half, rs in U.items():
    for r in rs:
        rid = r.get("id")
        if set(r) != {"id", "text", "step", "locale", "intent", "slots", "tags"}:
            err(rid, f"keys {sorted(r)}")
        if not re.fullmatch(r"u\d{4}", rid or ""):
            err(rid, "bad id")
        if not r.get("text", "").strip():
            err(rid, "empty text")
        if r.get("step") not in STEPS:
            err(rid, f"step {r.get('step')}")
        if r.get("intent") not in INTENTS:
            err(rid, f"intent {r.get('intent')}")
        if r.get("locale") not in ("fr", "en"):
            err(rid, "locale")
        if not r.get("tags") or set(r["tags"]) - TAGS:
            err(rid, f"tags {r.get('tags')}")
        if ("english" in r["tags"]) != (r["locale"] == "en") and "mixed" not in r["tags"]:
            err(rid, "english tag vs locale")
        s = r.get("slots", {})
        for k, v in s.items():
            if k == "neighbourhood" and v not in terr_ids:
                err(rid, f"territory {v}")
            elif k == "needs" and (not isinstance(v, list) or not v or set(v) - NEEDS):
                err(rid, f"needs {v}")
            elif k == "group" and v not in GROUPS:
                err(rid, f"group {v}")
            elif k == "timing" and v not in TIMINGS:
                err(rid, f"timing {v}")
            elif k == "date":
                try:
                    datetime.date.fromisoformat(v)
                except Exception:
                    err(rid, f"date {v}")
            elif k == "headcount" and not (isinstance(v, int) and v > 0):
                err(rid, f"headcount {v}")
            elif k == "themes" and (not isinstance(v, list) or set(v) - THEMES):
                err(rid, f"themes {v}")
            elif k == "option" and v not in (1, 2, 3):
                err(rid, f"option {v}")
            elif k == "corrects" and v not in CORRECTS:
                err(rid, f"corrects {v}")
            elif k not in {
                "neighbourhood",
                "needs",
                "group",
                "timing",
                "date",
                "headcount",
                "themes",
                "option",
                "corrects",
            }:
                err(rid, f"slot {k}")
        if "corrects" in s and r["intent"] != "correction":
            err(rid, "corrects outside correction")
        if "option" in s and r["step"] != "sprint_options":
            err(rid, "option outside sprint_options")
for _half, rs in T.items():
    for r in rs:
        rid = r.get("id")
        if set(r) != {"id", "text", "locale", "title", "activity", "tags"}:
            err(rid, f"keys {sorted(r)}")
        t = r["title"]
        if len(t) > 50:
            err(rid, f"title too long ({len(t)})")
        if t.lower().startswith(GREETINGS):
            err(rid, "title starts with a greeting")
        if not (1 <= len(r["activity"]) <= 3) or any(a != a.lower() for a in r["activity"]):
            err(rid, "activity list")
        if not any(a in t.lower() for a in r["activity"]):
            err(rid, f"title '{t}' contains no activity word {r['activity']}")
        if set(r["tags"]) - TAGS:
            err(rid, f"tags {r['tags']}")


# report
def table(key, rs_by_half, universe=None):
    cs = {
        h: collections.Counter(
            x for r in rs for x in (r[key] if isinstance(r[key], list) else [r[key]])
        )
        for h, rs in rs_by_half.items()
    }
    keys = sorted(universe or set().union(*cs.values()))
    print(f"\n{key:<16}{'heldout':>8}{'tuning':>8}{'total':>7}")
    for k in keys:
        print(
            f"{k:<16}{cs['heldout'][k]:>8}{cs['tuning'][k]:>8}"
            f"{cs['heldout'][k] + cs['tuning'][k]:>7}"
        )
    return cs


print(
    "utterances:",
    {h: len(rs) for h, rs in U.items()},
    " titles:",
    {h: len(rs) for h, rs in T.items()},
)
ci = table("intent", U, INTENTS)
cs = table("step", U, STEPS)
table("locale", U)
table("tags", U, TAGS)
table("locale", T)
table("tags", T)
allU = U["heldout"] + U["tuning"]
ct = collections.Counter(r["intent"] for r in allU)
cst = collections.Counter(r["step"] for r in allU)
if len(allU) < 520:
    err("coverage", "fewer than 520 utterances")
if len(T["heldout"]) + len(T["tuning"]) < 90:
    err("coverage", "fewer than 90 titles")
for i in INTENTS:
    if ct[i] < (40 if i in {"human", "cancel", "forget", "pause"} else 24):
        err("coverage", f"intent {i}: {ct[i]}")
for s in STEPS:
    if cst[s] < 30:
        err("coverage", f"step {s}: {cst[s]}")
en = sum(r["locale"] == "en" for r in allU) / len(allU)
print(f"\nEnglish share: {en:.1%}")
print("\nERRORS:" if errors else "\nOK: no errors", *errors, sep="\n")
sys.exit(1 if errors else 0)
