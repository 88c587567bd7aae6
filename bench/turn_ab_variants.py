"""The registry of ``bench.turn_ab``'s variants: one place that names them all (issue 18).

A variant is ``name -> switch(declic, on)``: ``on`` puts the tree's way back (B), ``off`` the way
before (A). Each session keeps its switches, and the A ways they put back, in its own module
(``bench/session<N>_<topic>.py``, with a ``VARIANTS`` dict of its own); this module only gathers
those dicts, so ``bench/turn_ab.py`` stays the harness. To add a variant: one line in its
session's ``VARIANTS``; a new session's module: one line below. Then check that its switch
reaches the turn: ``python -m bench.turn_ab_guard NAME`` (``bench.turn_ab`` checks it too before
its twins and says so when A and B run the same code).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench import (
    session11,
    session12,
    session12_outside,
    session13_acknowledge,
    session13_turn,
    session14_submission,
    sessions8_11,
)

Switch = Callable[[Any, bool], None]

# name -> switch(declic, on): on = the tree's way (B), off = the way before (A)
VARIANTS: dict[str, Switch] = {
    **sessions8_11.VARIANTS,
    **session11.VARIANTS,
    **session12_outside.VARIANTS,
    **session12.VARIANTS,
    **session13_acknowledge.VARIANTS,
    **session13_turn.VARIANTS,
    **session14_submission.VARIANTS,
}

# Variants whose switch no longer changes the code a turn runs (``bench.turn_ab_guard`` finds
# them): kept for their history figures in bench/README.md, said dead in --help and at each run.
# name -> why.
DEAD: dict[str, str] = {}
