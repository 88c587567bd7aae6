"""Validation against the official HSDS 3.0 schemas: the compiled schema a document's shape
calls for, and each violation located by a JSON pointer (a warning on import, an error in
``declic directory check``)."""

from __future__ import annotations

import gzip
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from knowledge.importers.problems import Problems

# The official schemas ship with the package (knowledge/hsds, gzipped; see its README for the
# upstream commit); a deployment that keeps another copy says where with DECLIC_HSDS_DIR.
SHIPPED_HSDS = Path(__file__).resolve().parents[2] / "hsds"


def hsds_dir() -> Path:
    """Where the official schemas are: DECLIC_HSDS_DIR as the environment says when they are
    needed, not when this module was imported (a process may be given its environment after
    its imports: the tests' fork server does), else the shipped copy."""
    return Path(os.environ.get("DECLIC_HSDS_DIR") or SHIPPED_HSDS)


@cache
def validator(name: str) -> Draft202012Validator:
    path = hsds_dir() / "compiled" / name
    if not path.exists():  # the shipped copy is gzipped; an override may hold plain files
        path = path.with_name(name + ".gz")
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    schema = json.loads(raw.decode("utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_for(document: Any) -> str:
    if isinstance(document, list):
        first = document[0] if document and isinstance(document[0], dict) else {}
        return "service_package.json" if "status" in first else "organization_package.json"
    if isinstance(document, dict) and "status" in document and "services" not in document:
        return "service.json"
    return "organization.json"


def schema_subject(document: Any) -> Any:
    """What the schemas describe: a page's items, a service_at_location's service."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]

    def held(item: Any) -> Any:
        inner = item.get("service") if isinstance(item, dict) and "status" not in item else None
        return inner if isinstance(inner, dict) else item

    return [held(item) for item in document] if isinstance(document, list) else held(document)


def validate(document: Any, source: str, problems: Problems, *, as_errors: bool) -> None:
    report = problems.error if as_errors else problems.warn
    try:
        checker = validator(schema_for(document))
    except OSError:
        report(source, "schema", detail=f"HSDS schemas not found in {hsds_dir()} (DECLIC_HSDS_DIR)")
        return
    for error in sorted(checker.iter_errors(document), key=lambda e: list(e.absolute_path)):
        pointer = "/" + "/".join(str(p) for p in error.absolute_path)
        report(f"{source}#{pointer}", "schema", detail=error.message[:200])
