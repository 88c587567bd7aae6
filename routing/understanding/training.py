"""The classifier's training examples: data files shipped inside this package.

``intents.yaml`` and ``intents_more.yaml`` are written for Déclic; ``residents.jsonl`` is the
labelled tuning half of the evaluation set (tests/data/understanding/tuning.jsonl, text, step and
intent only; a unit test keeps the two equal). The frozen held-out half is never read here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import cycle
from pathlib import Path

from knowledge.yaml_files import read_yaml
from routing.understanding.classifier import Example
from routing.understanding.model import Intent, Step

DATA = Path(__file__).resolve().parent / "data"
INTENTS_FILES = (DATA / "intents.yaml", DATA / "intents_more.yaml")
RESIDENTS_FILE = DATA / "residents.jsonl"


def own_examples(paths: tuple[Path, ...] = INTENTS_FILES) -> list[Example]:
    """Each text of a block gets the block's steps in turn ("all": every step)."""
    examples: list[Example] = []
    blocks = [b for path in paths for b in read_yaml(path)]
    for block in blocks:
        steps = list(Step) if block["steps"] == "all" else [Step(s) for s in block["steps"]]
        intent = Intent(block["intent"])
        for text, step in zip(block["texts"], cycle(steps), strict=False):
            if not isinstance(text, str | int):  # an unquoted « a: b » reads as a mapping
                raise TypeError(f"{intent.value}: quote {text!r} in the YAML file")
            examples.append(Example(str(text), step, intent))
    return examples


def resident_examples(path: Path = RESIDENTS_FILE) -> list[Example]:
    return list(_jsonl(path.read_text(encoding="utf-8").splitlines()))


def _jsonl(lines: Iterable[str]) -> Iterable[Example]:
    for line in lines:
        if line.strip():
            row = json.loads(line)
            yield Example(row["text"], Step(row["step"]), Intent(row["intent"]))


def all_examples() -> list[Example]:
    return own_examples() + resident_examples()
