"""Facts a service's own text states plainly, for a directory written without the profile:
step-free access, no food, associations only, a grant's deadline, a room's capacity, its address,
and an application period that has closed. Nothing is guessed beyond these patterns."""

from __future__ import annotations

import contextlib
import re
from datetime import date
from typing import Any

NOT_STEP_FREE = re.compile(
    r"non accessible|pas accessible|inaccessible|not (?:wheelchair )?accessible|"
    r"no wheelchair|no step.free|escalier|stairs|pas d.ascenseur|sans ascenseur|no lift",
)
STEP_FREE = re.compile(
    r"wheelchair access|wheelchair accessible|accessible en fauteuil|accessible aux fauteuils|"
    r"plain.pied|step.free|acc[eè]s pmr|accessible pmr|accessible aux personnes à mobilité",
)
NO_FOOD = re.compile(
    r"ni (?:boissons? ni )?(?:nourriture|repas)|ni repas|pas de repas|no food|interdit de manger|"
    r"(?:nourriture|repas) (?:est |sont )?interdits?e?s?|no eating|no meals|"
    r"food (?:is )?not allowed|repas non autoris[ée]s",
)
ASSOCIATION_ONLY = re.compile(
    r"r[ée]serv[ée]e?s? aux associations|associations? d[ée]clar[ée]es? uniquement|"
    r"r[ée]serv[ée]e?s? (?:aux|à des) [^.;]{0,60}\bassociations? (?:d[ée]clar[ée]es|loi 1901)|"
    r"(?:ouverte?s?|destin[ée]e?s?) (?:uniquement |seulement )?aux associations d[ée]clar[ée]es|"
    r"pour les associations (?:loi 1901 )?d[ée]clar[ée]es|"
    r"uniquement (?:aux|pour les) associations|registered charities only|"
    r"only (?:for )?registered (?:charities|associations|organisations|organizations)",
)
NOT_ASSOCIATION_ONLY = re.compile(
    r"pas besoin d.[êe]tre (?:en|une) association|sans [êe]tre (?:en|une) association|"
    r"no need to be (?:a )?(?:registered|charity|association)",
)
CLOSED = re.compile(
    r"(?:d[ée]p[ôo]t des dossiers|candidatures?|inscriptions?|appel) (?:est |sont )?"
    r"(?:clos|close|cl[ôo]tur[ée]e?s?|ferm[ée]e?s?)\b|"
    r"applications? (?:are |is )?closed|no longer accepting|n.est plus (?:ouvert|actif|propos[ée])",
)
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            ("janvier", "january"),
            ("fevrier", "février", "february"),
            ("mars", "march"),
            ("avril", "april"),
            ("mai", "may"),
            ("juin", "june"),
            ("juillet", "july"),
            ("aout", "août", "august"),
            ("septembre", "september"),
            ("octobre", "october"),
            ("novembre", "november"),
            ("decembre", "décembre", "december"),
        )
    )
    for m in names
}
DEADLINE = re.compile(
    r"(?:jusqu.(?:au|à)|avant le|au plus tard le|date limite[^0-9]{0,20}|cl[ôo]tur[ée]e? le|"
    r"until|by|before|deadline[^0-9]{0,12})\s*(\d{1,2})(?:er)? (" + "|".join(MONTHS) + r") (20\d\d)"
)
CAPACITY = re.compile(r"\b(\d{1,4})\s*(?:places|couverts|personnes|people|seats|persons)\b")


def facts_from_prose(
    kind: str | None,
    description: str,
    prose: list[str],
    locations: list[dict[str, Any]],
    values: dict[str, Any],
) -> None:
    """Facts the text states plainly; nothing is guessed beyond these patterns."""
    words = " ".join([description, *prose]).lower()
    access = " ".join(
        str(a.get("description") or "") + " " + str(a.get("details") or "")
        for location in locations
        for a in location.get("accessibility") or []
    ).lower()
    if "wheelchair_accessible" not in values:
        for text in (access, words):
            if NOT_STEP_FREE.search(text):
                values["wheelchair_accessible"] = False
                break
            if STEP_FREE.search(text):
                values["wheelchair_accessible"] = True
                break
    if "food_allowed" not in values and NO_FOOD.search(words):
        values["food_allowed"] = False
    if "association_required" not in values:
        if NOT_ASSOCIATION_ONLY.search(words):
            values["association_required"] = False
        elif ASSOCIATION_ONLY.search(words):
            values["association_required"] = True
    if kind in ("grant", "sponsor") and values.get("deadline") is None:
        found = DEADLINE.search(words)
        if found:
            day, month, year = int(found.group(1)), MONTHS[found.group(2)], int(found.group(3))
            with contextlib.suppress(ValueError):  # "31 février": no date, no guess
                values["deadline"] = date(year, month, day)
    if kind == "room" and "capacity" not in values:
        match = CAPACITY.search(words)
        if match:
            values["capacity"] = int(match.group(1))
    if "address" not in values:
        for location in locations:
            for address in location.get("addresses") or []:
                parts = [address.get("address_1"), address.get("city")]
                values["address"] = ", ".join(p for p in parts if p)
                return
