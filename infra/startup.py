"""A command's start: its imports without the garbage collector's passes.

Starting the bot or the console is mostly importing (aiogram's types, SQLAlchemy, FastAPI):
hundreds of thousands of objects that live as long as the process. While they are created the
collector runs full passes over the growing heap and finds almost nothing to free: about a fifth
of the CPU of a `declic bot` start (measured). ``loading()`` pauses it around such imports, then
freezes what was loaded out of its sight (``gc.freeze``), so later passes skip it too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading() -> Iterator[None]:
    """Pause the collector for the imports inside; freeze what they loaded. Nests safely."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
