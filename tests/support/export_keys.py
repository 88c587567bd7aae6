"""The keys of the ``/mesdonnees`` file, and the ones the README documents (issue 17)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"
TABLE_HEAD = "| key | what it holds |"
ROW = re.compile(r"^\| `([^`]+)` \|")


def key_paths(document: Any, prefix: str = "") -> set[str]:
    """``resident.first_name``, ``ideas[].text``…: every key of the document, as paths."""
    paths: set[str] = set()
    if isinstance(document, dict):
        for key, value in document.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            paths |= key_paths(value, path)
    elif isinstance(document, list):
        for item in document:
            paths |= key_paths(item, f"{prefix}[]")
    return paths


def documented_keys(readme: Path = README) -> set[str]:
    """The keys of the README's export table."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    start = lines.index(TABLE_HEAD)
    keys = set()
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        found = ROW.match(line)
        assert found, f"a row of the export table without a `key`: {line}"
        keys.add(found.group(1))
    return keys
