"""Scoring ranked suggestions against labelled resident messages (must / nice / must_not).

One definition for every town, so figures compare: recall@5 is the share of ``must`` ids found
in the first five; nDCG@10 grades ``must`` 2 and ``nice`` 1; a message is *harmful* when any
``must_not`` id reaches its first five. Figures are broken down by language, by the kind of the
``must`` resource and by trap label. The messages are only read here, never used to tune.

In-process, tuning towns only: ``python -m tests.support.matching_eval tests/data/tuning_town``.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

EVAL_DAY = date(2026, 12, 3)
DEMO_DAY = date(2026, 11, 23)  # the demo set's labels were written for this day


@dataclass
class Tally:
    found: int = 0
    expected: int = 0
    messages: int = 0
    harmful: int = 0
    ndcg: float = 0.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def harmful_share(self) -> float:
        return self.harmful / self.messages if self.messages else 0.0

    @property
    def mean_ndcg(self) -> float:
        return self.ndcg / self.messages if self.messages else 1.0


@dataclass
class Report:
    overall: Tally = field(default_factory=Tally)
    by_locale: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_trap: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    harmful_ids: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        o = self.overall
        out = [
            f"messages {o.messages}  recall@5 {o.recall:.3f}  nDCG@10 {o.mean_ndcg:.3f}  "
            f"harmful {o.harmful} ({o.harmful_share:.1%})"
        ]
        for title, table in (
            ("locale", self.by_locale),
            ("kind", self.by_kind),
            ("trap", self.by_trap),
        ):
            for key in sorted(table):
                t = table[key]
                out.append(
                    f"  {title} {key:<18} n={t.messages:<3} recall@5 {t.recall:.3f}  "
                    f"harmful {t.harmful}"
                )
        return out


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg_at(ranked: Sequence[str], must: set[str], nice: set[str], k: int = 10) -> float:
    def gain(i: str) -> float:
        return 2.0 if i in must else 1.0 if i in nice else 0.0

    ideal = dcg(sorted((2.0,) * len(must) + (1.0,) * len(nice), reverse=True)[:k])
    return dcg([gain(i) for i in ranked[:k]]) / ideal if ideal else 1.0


def score(
    cases: Iterable[Mapping[str, Any]],
    ranked: Mapping[str, Sequence[str]],
    kinds: Mapping[str, str | None],
) -> Report:
    """``ranked``: message id → suggested ids best first; ``kinds``: resource id → kind."""
    report = Report()
    for case in cases:
        top = list(ranked.get(case["id"], ()))
        must, nice = set(case["must"]), set(case.get("nice") or ())
        first5 = top[:5]
        found = sum(1 for m in must if m in first5)
        bad = [i for i in first5 if i in set(case.get("must_not") or ())]
        report.harmful_ids += [(case["id"], i) for i in bad]
        value = ndcg_at(top, must, nice)
        buckets = [report.overall, report.by_locale[case.get("locale") or "fr"]]
        buckets += [report.by_trap[t] for t in case.get("traps") or ()]
        for tally in buckets:
            tally.found += found
            tally.expected += len(must)
            tally.messages += 1
            tally.harmful += bool(bad)
            tally.ndcg += value
        for m in must:
            tally = report.by_kind[kinds.get(m) or "?"]
            tally.expected += 1
            tally.found += m in first5
            tally.messages += 1
    return report


def hsds_kinds(path: Path) -> dict[str, str | None]:
    """Each service's kind as its directory states it (the ``kind`` term's code)."""
    kinds: dict[str, str | None] = {}
    for organization in json.loads(path.read_text(encoding="utf-8")):
        for service in organization.get("services") or ():
            kinds[service["id"]] = next(
                (
                    (a.get("taxonomy_term") or {}).get("code")
                    for a in service.get("attributes") or ()
                    if a.get("link_type") == "kind"
                ),
                None,
            )
    return kinds


def read_cases(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def batch_line(case: Mapping[str, Any], top: int = 10) -> dict[str, Any]:
    """What ``declic match --batch`` receives for a message: the text and what intake knows."""
    line = {k: case.get(k) for k in ("id", "text", "quartier", "group", "needs", "headcount")}
    line["top"] = top
    return {k: v for k, v in line.items() if v is not None}


def _main() -> None:  # pragma: no cover - a tuning helper
    import sys

    from knowledge.catalogue import Catalogue
    from knowledge.importers import read_directory
    from knowledge.territory import load_gazetteer
    from routing.matching.idea_reading import IdeaQuery
    from routing.matching.matcher import match

    town = Path(sys.argv[1])
    verbose = "-v" in sys.argv
    if town.suffix == ".jsonl":  # the demo set: the demo directory and territories
        from knowledge.demo import demo_batch

        gazetteer, batch, cases, day = load_gazetteer(), demo_batch(), read_cases(town), DEMO_DAY
    else:
        gazetteer = load_gazetteer(town / "territories.yaml")
        batch = read_directory(town / "directory.json", gazetteer)
        cases, day = read_cases(town / "messages.jsonl"), EVAL_DAY
    catalogue = Catalogue(batch.resources, gazetteer)
    ranked: dict[str, list[str]] = {}
    for case in cases:
        line = batch_line(case)
        query = IdeaQuery(
            line["text"],
            quartier=line.get("quartier"),
            group=line.get("group"),
            needs=frozenset(line["needs"]) if line.get("needs") else None,
            top=10,
            headcount=line.get("headcount"),
        )
        ranked[case["id"]] = [s.external_id for s in match(catalogue, query, day).suggestions]
    kinds = {r.external_id: r.kind for r in batch.resources}
    if town.is_dir():
        kinds = hsds_kinds(town / "directory.json")
    report = score(cases, ranked, kinds)
    print("\n".join(report.lines()))
    if verbose:
        names = {r.external_id: f"{r.kind}:{r.name}" for r in batch.resources}
        for case in cases:
            top = ranked[case["id"]][:5]
            missed = [names.get(m, m) for m in case["must"] if m not in top]
            bad = [names.get(i, i) for i in top if i in case["must_not"]]
            if missed or bad:
                print(f"\n{case['id']} [{case.get('group')}/{case.get('quartier')}] {case['text']}")
                print("   needs", case.get("needs"), "headcount", case.get("headcount"))
                print("   top:", [names.get(i, i) for i in top])
                print("   MISSED:", missed, " HARMFUL:", bad)


if __name__ == "__main__":  # pragma: no cover
    _main()
