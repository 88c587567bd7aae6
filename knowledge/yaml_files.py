"""YAML files of free form (a city's territories, its directory and sprint calendars, the
classifier's examples), read as ``yaml.safe_load`` reads them, for less.

Word lists have a reader of their own that checks their shape (:mod:`knowledge.word_lists`).
The files here are documents whose readers check what they need themselves: they get exactly
what ``yaml.safe_load`` gives (the same resolver and constructor: dates, numbers, booleans),
parsed by libyaml's C parser, 5 to 15 times less CPU than PyYAML's parser in Python. A file
libyaml refuses is read again by PyYAML's own parser, so a maintainer who wrote a bad file reads
the same error as before, with its file, line and column, and the line quoted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LIBYAML = bool(yaml.__with_libyaml__)  # PyYAML's wheels bundle libyaml


def read_yaml(path: Path) -> Any:
    """``yaml.safe_load`` of the file (UTF-8): dicts, lists and scalars, or None if empty."""
    if LIBYAML:
        try:
            text = path.read_text(encoding="utf-8")
            return yaml.load(text, Loader=yaml.CSafeLoader)
        except (yaml.YAMLError, UnicodeDecodeError):
            pass  # read again below, for the message yaml.safe_load gives
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_text(text: str, exact: type[yaml.SafeLoader], fast: type[yaml.CSafeLoader]) -> Any:
    """``yaml.load(text, Loader=exact)``'s answer, parsed by ``fast`` when PyYAML has libyaml
    (``exact``'s constructors on libyaml's parser); a text libyaml refuses is parsed again by
    ``exact``, whose error (its problem, its line) the caller reports."""
    if LIBYAML:
        try:
            return yaml.load(text, Loader=fast)  # noqa: S506 (SafeConstructor's subclass)
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=exact)  # noqa: S506 (a SafeLoader subclass)
