"""The metric dictionary (issue 7): one name, label and definition per statistic, in journey events.

Pure data: ``routing.stats.queries`` computes from it, the console shows it (labels and definitions
in
the staff member's language), ``declic stats --json`` uses its names as keys, the README lists it.
Two screens therefore never disagree on what "matched" means.

Every count is a number of *ideas* (a resident's idea is the unit of the journey); privacy
counts *residents* (see ``routing.stats.queries``): a cell whose ideas come from fewer than
``DECLIC_STATS_MIN_CELL`` residents is suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from infra.i18n import N_


@dataclass(frozen=True)
class Stage:
    """A funnel stage: an idea reached it when one of ``kinds`` happened to it (first time)."""

    name: str
    label: str
    definition: str
    kind: str
    # Only events whose data carries this boolean flag set to True (e.g. a sprint that was held).
    flag: str | None = None
    exit: bool = False  # an exit of the journey (abandoned), not a step of the funnel


@dataclass(frozen=True)
class Duration:
    """Median and 90th percentile of the time between two events of the same idea."""

    name: str
    label: str
    definition: str
    start: str
    end: str


@dataclass(frozen=True)
class Cut:
    """A dimension to break statistics down by; dimensions are the idea's non-personal facts."""

    name: str
    label: str
    definition: str


STAGES: tuple[Stage, ...] = (
    Stage(
        "received",
        N_("Idées reçues"),
        N_("Idées pour lesquelles l'événement idea_received a été noté."),
        "idea_received",
    ),
    Stage(
        "intake_completed",
        N_("Idées complètes"),
        N_("Idées dont l'accueil est terminé (intake_completed)."),
        "intake_completed",
    ),
    Stage(
        "matched",
        N_("Idées orientées"),
        N_("Idées dont au moins une suggestion a été acceptée (suggestion_accepted)."),
        "suggestion_accepted",
    ),
    Stage(
        "human_contact",
        N_("Contact humain"),
        N_("Idées ayant reçu une première réponse d'une personne (first_human_reply)."),
        "first_human_reply",
    ),
    Stage(
        "sprint_booked",
        N_("Sprint réservé"),
        N_("Idées pour lesquelles un sprint de deux jours a été réservé (sprint_booked)."),
        "sprint_booked",
    ),
    Stage(
        "sprint_held",
        N_("Sprint tenu"),
        N_("Idées dont le sprint a eu lieu (sprint_held avec held vrai)."),
        "sprint_held",
        flag="held",
    ),
    Stage(
        "action_started",
        N_("Action lancée"),
        N_("Idées dont l'action a démarré, selon le suivi (action_started)."),
        "action_started",
    ),
    Stage(
        "realized",
        N_("Réalisée"),
        N_("Idées réalisées, selon le suivi (realized)."),
        "realized",
    ),
    Stage(
        "abandoned",
        N_("Abandonnée"),
        N_("Idées abandonnées, selon le suivi (abandoned) ; une sortie, pas une étape."),
        "abandoned",
        exit=True,
    ),
)
STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)
FUNNEL: tuple[Stage, ...] = tuple(s for s in STAGES if not s.exit)

DURATIONS: tuple[Duration, ...] = (
    Duration(
        "time_to_human_answer",
        N_("Délai de première réponse humaine"),
        N_(
            "De la demande transmise à une personne (case_opened) à sa première réponse "
            "(first_human_reply) : le temps passé avec le bot n'est pas compté."
        ),
        "case_opened",
        "first_human_reply",
    ),
    Duration(
        "idea_to_sprint",
        N_("De l'idée au sprint"),
        N_("De l'idée reçue (idea_received) au premier sprint réservé (sprint_booked)."),
        "idea_received",
        "sprint_booked",
    ),
    Duration(
        "idea_to_action",
        N_("De l'idée à l'action"),
        N_("De l'idée reçue (idea_received) à la première action lancée (action_started)."),
        "idea_received",
        "action_started",
    ),
)
DURATION_NAMES: tuple[str, ...] = tuple(d.name for d in DURATIONS)
PERCENTILES: tuple[int, ...] = (50, 90)

CUTS: tuple[Cut, ...] = (
    Cut("neighbourhood", N_("Quartier"), N_("Le quartier de l'idée.")),
    Cut(
        "theme",
        N_("Thème"),
        N_("Chaque thème de l'idée (une idée à plusieurs thèmes compte dans chacun)."),
    ),
    Cut("group_type", N_("Type de groupe"), N_("Seul·e, groupe informel ou association.")),
    Cut("month", N_("Mois"), N_("Le mois (UTC) où l'idée a été reçue.")),
    Cut("source", N_("Campagne"), N_("La campagne du lien profond par lequel l'idée est arrivée.")),
    Cut("language", N_("Langue"), N_("La langue de la conversation.")),
)
CUT_NAMES: tuple[str, ...] = tuple(c.name for c in CUTS)

CONVERSION = N_("Conversion de « {from_} » vers « {to} »")
CONVERSION_DEFINITION = N_(
    "Part des idées d'une étape qui atteignent la suivante ; chaque taux est aussi donné "
    "depuis les idées reçues."
)


def stage(name: str) -> Stage:
    for candidate in STAGES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def conversions() -> tuple[tuple[str, str], ...]:
    """Consecutive funnel steps, then every stage (abandoned included) from received."""
    steps = tuple((a.name, b.name) for a, b in pairwise(FUNNEL))
    from_received = tuple(("received", s.name) for s in STAGES[2:])
    return steps + from_received


def conversion_name(pair: tuple[str, str]) -> str:
    return f"{pair[0]}__{pair[1]}"


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """A conversion rate rounded to three decimals; None when either side is unknown or empty."""
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def percentile(values: list[float], p: int) -> float | None:
    """Nearest-rank percentile (a value actually observed), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-p * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]
