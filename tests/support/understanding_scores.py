"""Score the understanding layer through `declic understand --batch`, as issue 14 asks.

Only aggregate figures are computed here (overall, per intent for the recall targets, per tag);
the held-out half is scored, never inspected line by line. Run as a script to print the figures
of one half: ``python -m tests.support.understanding_scores tuning|own|heldout|cv``.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.processes import run

DATA = Path(__file__).resolve().parents[1] / "data" / "understanding"
# The context the evaluation set was written in (its README): today, and the sprint options
# offered (1. lun. 12 avril, 2. jeu. 22 avril, 3. lun. 3 mai).
TODAY = "2026-12-03"
OPTIONS = ("2027-04-12", "2027-04-22", "2027-05-03")
CRITICAL = ("human", "cancel", "forget", "pause")
TAGS = ("sms", "typos", "phonetic", "english", "formal", "mixed", "slang", "plain", "emoji", "long")
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
    "cc ",
    "hey",
    "good morning",
    "good evening",
    "good afternoon",
    "yo ",
)
TITLE_MAX = 50


@dataclass
class Ratio:
    good: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.good += int(ok)
        self.total += 1

    @property
    def value(self) -> float:
        return self.good / self.total if self.total else float("nan")

    def __str__(self) -> str:
        return f"{self.value:.3f} ({self.good}/{self.total})"


@dataclass
class Scores:
    intent: Ratio = field(default_factory=Ratio)
    slots: Ratio = field(default_factory=Ratio)
    recall: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    intent_by_tag: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    slots_by_tag: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    slots_by_name: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    titles: Ratio = field(default_factory=Ratio)
    titles_by_tag: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))

    def report(self, half: str) -> str:
        lines = [
            f"[{half}] intent accuracy {self.intent}",
            f"[{half}] slot accuracy   {self.slots}",
            f"[{half}] titles good     {self.titles}",
        ]
        lines += [f"[{half}] recall {name:<8} {self.recall[name]}" for name in CRITICAL]
        lines += [
            f"[{half}] slot {name:<13} {ratio}"
            for name, ratio in sorted(self.slots_by_name.items())
        ]
        for tag in TAGS:
            parts = []
            for label, table in (
                ("intent", self.intent_by_tag),
                ("slots", self.slots_by_tag),
                ("titles", self.titles_by_tag),
            ):
                if tag in table:
                    parts.append(f"{label} {table[tag]}")
            if parts:
                lines.append(f"[{half}] tag {tag:<9} " + ", ".join(parts))
        return "\n".join(lines)


def run_batch(rows: list[dict], tmp: Path) -> dict[str, dict]:
    """Every row through the real command line, in one process."""
    path = tmp / "batch.jsonl"
    path.write_text(
        "".join(
            json.dumps({k: r[k] for k in ("id", "text", "step", "locale") if k in r}) + "\n"
            for r in rows
        ),
        encoding="utf-8",
    )
    command = ["understand", "--batch", str(path), "--today", TODAY]
    for option in OPTIONS:
        command += ["--option", option]
    # The set was written for the demo town: an empty database of our own, so the command falls
    # back to the demo territories whatever city the environment's database holds.
    env = {**os.environ, "DECLIC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'empty.sqlite3'}"}
    # Forked from this worker's fork server if it runs already (tests/support/processes.py).
    done = run(command, env=env, cwd=Path.cwd(), timeout=600, start_server=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return {out["id"]: out for out in map(json.loads, done.stdout.splitlines())}


def _same(reference: object, predicted: object) -> bool:
    if isinstance(reference, list):
        return isinstance(predicted, list) and set(reference) == set(predicted)
    return reference == predicted


def good_title(title: str | None, activity: list[str]) -> bool:
    if not title or len(title) > TITLE_MAX:
        return False
    lowered = title.lower()
    if lowered.startswith(GREETINGS):
        return False
    return any(word in lowered for word in activity)


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


# Each half's utterance file and title file. « own » is written by the layer's authors to tune
# the slots on (slots_own.jsonl, titles_own.jsonl): tuning data, like « tuning ».
HALVES = {
    "heldout": ("heldout.jsonl", "titles_heldout.jsonl"),
    "tuning": ("tuning.jsonl", "titles_tuning.jsonl"),
    "own": ("slots_own.jsonl", "titles_own.jsonl"),
}


def score(half: str, tmp: Path) -> Scores:
    utterance_file, title_file = HALVES[half]
    utterances = load(utterance_file)
    titles = [{**t, "step": "start"} for t in load(title_file)]
    out = run_batch(utterances + titles, tmp)
    scores = Scores()
    for row in utterances:
        got = out[row["id"]]
        ok = got["intent"] == row["intent"]
        scores.intent.add(ok)
        if row["intent"] in CRITICAL:
            scores.recall[row["intent"]].add(ok)
        for tag in row["tags"]:
            scores.intent_by_tag[tag].add(ok)
        for name, value in row["slots"].items():
            slot_ok = _same(value, got["slots"].get(name))
            scores.slots.add(slot_ok)
            scores.slots_by_name[name].add(slot_ok)
            for tag in row["tags"]:
                scores.slots_by_tag[tag].add(slot_ok)
    for row in titles:
        ok = good_title(out[row["id"]]["title"], row["activity"])
        scores.titles.add(ok)
        for tag in row["tags"]:
            scores.titles_by_tag[tag].add(ok)
    return scores


def cross_validate(folds: int = 5) -> Scores:
    """Intent figures on the tuning half with each line left out of training in turn: the
    honest figure for the tuning half (the shipped model has seen every tuning line)."""
    import datetime
    import random

    from knowledge.territory import load_gazetteer
    from routing.understanding import Context, GazetteerPlaces, Intent, Step, Understander
    from routing.understanding.classifier import Example
    from routing.understanding.training import own_examples

    rows = load("tuning.jsonl")
    order = list(range(len(rows)))
    random.Random(7).shuffle(order)
    places = GazetteerPlaces(load_gazetteer())
    context = Context(
        today=datetime.date.fromisoformat(TODAY),
        options=tuple(datetime.date.fromisoformat(o) for o in OPTIONS),
    )
    scores = Scores()
    for fold in range(folds):
        held = {rows[i]["id"] for i in order[fold::folds]}
        train = [
            Example(r["text"], Step(r["step"]), Intent(r["intent"]))
            for r in rows
            if r["id"] not in held
        ]
        understander = Understander(places, examples=train + own_examples())
        for row in (r for r in rows if r["id"] in held):
            got = understander.understand(row["text"], row["step"], row["locale"], context)
            ok = got.intent.value == row["intent"]
            scores.intent.add(ok)
            if row["intent"] in CRITICAL:
                scores.recall[row["intent"]].add(ok)
            for tag in row["tags"]:
                scores.intent_by_tag[tag].add(ok)
    return scores


if __name__ == "__main__":
    import tempfile

    half = sys.argv[1] if len(sys.argv) > 1 else "tuning"
    if half == "cv":
        print(cross_validate().report("tuning, 5-fold"))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            print(score(half, Path(tmp)).report(half))
