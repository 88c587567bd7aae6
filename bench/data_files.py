"""First read of the data files a process reads at start or first use: CPU, before and after.

    python -m bench.data_files [--runs 7]

For each file, in fresh processes taken in turn (A, B, A, B…), the CPU of the first read once
the modules are imported: A, the way before session 11 (``yaml.safe_load``, PyYAML's parser in
Python), and B, the reader now (``knowledge.word_lists`` for word lists, ``knowledge.yaml_files``
for documents of free form, both on libyaml); a directory and a city file with their line
numbers (importers.yaml_format's loaders; a city file's root node, as knowledge.city.files
composes it). Prints the median and the mean ± standard error in ms. Set PYTHONPYCACHEPREFIX to
a folder where bytecode may be kept when PYTHONDONTWRITEBYTECODE is set, or every process
compiles the modules again (outside the measured part, but slower).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNDERSTANDING = "routing.understanding"
# name: (what to import first, A: the read before, B: the read now)
READS = {
    "vocabulary.yaml": (
        f"from {UNDERSTANDING} import slots",
        "yaml.safe_load(slots.VOCABULARY_FILE.read_text(encoding='utf-8'))",
        "word_lists.read_phrases(slots.VOCABULARY_FILE, skip=slots.READINGS); "
        "slots.theme_reading(); slots.not_typos()",  # with the Reading they build
    ),
    "rules.yaml": (
        f"from {UNDERSTANDING} import rules",
        "yaml.safe_load(rules.RULES_FILE.read_text(encoding='utf-8'))",
        "[word_lists.read_words(rules.RULES_FILE, i.value) for i in rules.COMMANDS]",
    ),
    "titles.yaml": (
        f"from {UNDERSTANDING} import titles",
        "yaml.safe_load(titles.TITLES_FILE.read_text(encoding='utf-8'))",
        "[word_lists.read_words(titles.TITLES_FILE, k) for k in ('drop', 'lead', 'stop')]; "
        "word_lists.read_pairs(titles.TITLES_FILE, 'spelling')",
    ),
    "intents*.yaml": (
        f"from {UNDERSTANDING} import training",
        "[yaml.safe_load(p.read_text(encoding='utf-8')) for p in training.INTENTS_FILES]",
        "[yaml_files.read_yaml(p) for p in training.INTENTS_FILES]",
    ),
    "territories.yaml (demo)": (
        "from knowledge.territory import DEMO_TERRITORIES as path",
        "yaml.safe_load(path.open(encoding='utf-8'))",
        "yaml_files.read_yaml(path)",
    ),
    "directory.yaml (demo)": (
        "from knowledge.demo import DEMO_DIRECTORY as path\n"
        "from knowledge.importers import yaml_format as f\ntext = path.read_text(encoding='utf-8')",
        "yaml.load(text, Loader=f._LineLoader)",
        "yaml_files.load_text(text, f._LineLoader, f._FastLineLoader)",
    ),
    "territories.yaml (city import)": (
        "from knowledge.demo import DEMO_TERRITORIES as path\n"
        "from knowledge.city import files\ntext = path.read_text(encoding='utf-8')",
        "yaml.SafeLoader(text).get_single_node()",
        "files._root(text)",
    ),
    "sprints.yaml (demo)": (
        "from knowledge.demo import DEMO_SPRINTS as path",
        "yaml.safe_load(path.open(encoding='utf-8'))",
        "yaml_files.read_yaml(path)",
    ),
}


def _cpu_ms(setup: str, read: str) -> float:
    code = (
        f"import time, yaml\nfrom knowledge import word_lists, yaml_files\n{setup}\n"
        f"start = time.process_time()\n{read}\nprint(time.process_time() - start)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return float(done.stdout.split()[-1]) * 1000


def _summary(values: list[float]) -> str:
    error = statistics.stdev(values) / len(values) ** 0.5
    return f"{statistics.median(values):7.2f} ({statistics.mean(values):7.2f} ± {error:5.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    print(f"load {os.getloadavg()}; ms of CPU: median (mean ± standard error), {runs} runs")
    for name, (setup, before, now) in READS.items():
        a: list[float] = []
        b: list[float] = []
        for _ in range(runs):
            a.append(_cpu_ms(setup, before))
            b.append(_cpu_ms(setup, now))
        print(f"{name:30s} A safe_load {_summary(a)}   B now {_summary(b)}")


if __name__ == "__main__":
    main()
