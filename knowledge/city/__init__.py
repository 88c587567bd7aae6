"""The city's geography: territories with their hierarchy, aliases, neighbours, streets and
shapes, imported from the city's own files and read back as a ``Gazetteer``.

Public surface: ``import_city_file`` (YAML, GeoJSON, national address CSV; all or nothing),
``load_city`` (the Gazetteer everyone reads), ``learn_territories`` (HSDS imports),
``city_document`` and ``counts_of`` (``declic city show``), ``Problem``/``Problems`` and
their ``MESSAGES`` (translated at the edge).
"""

from knowledge.city.problems import MESSAGES, Problem, Problems
from knowledge.city.store import (
    CityCache,
    CityCounts,
    CityImport,
    city_document,
    city_version,
    counts_of,
    import_city_file,
    learn_territories,
    load_city,
    quartier_names,
)

__all__ = [
    "MESSAGES",
    "CityCache",
    "CityCounts",
    "CityImport",
    "Problem",
    "Problems",
    "city_document",
    "city_version",
    "counts_of",
    "import_city_file",
    "learn_territories",
    "load_city",
    "quartier_names",
]
