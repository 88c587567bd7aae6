"""Open Referral HSDS 3.0 JSON, read and written following the Déclic profile (PROFILE.md).

One resource is one ``service``; its external id is ``service.id``. Facts travel as
``attributes`` (``link_type`` = family, ``taxonomy_term.code`` = value, its ``name`` a label
tried when the code is unknown; ``value`` for ``fact``).
A directory written without the profile still imports: the kind is inferred from taxonomy terms
and words, facts are read only where the text states them plainly (a location's accessibility,
"ni nourriture", "réservé aux associations"), everything else stays unknown and is reported.

The parts: ``profile`` (the profile's taxonomies, families and facts, stable ids), ``schema``
(validation against the official schemas shipped in ``knowledge/hsds``), ``reader`` (services
into resources), ``prose`` (the facts a service's text states plainly), ``writer`` (resources
into an HSDS document) and ``territories`` (places a directory knows and the city does not).
"""

from __future__ import annotations

from knowledge.importers.hsds.profile import stable_id
from knowledge.importers.hsds.reader import read_hsds
from knowledge.importers.hsds.schema import hsds_dir, validate
from knowledge.importers.hsds.territories import learn
from knowledge.importers.hsds.writer import write_hsds

__all__ = ["hsds_dir", "learn", "read_hsds", "stable_id", "validate", "write_hsds"]
