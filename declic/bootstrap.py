"""The composition root: what the settings decide, built once and passed in.

The clock in the configured time zone (DECLIC_TIMEZONE), the follow-up policy, the sprint rules
(the town's time zone and the public holidays of the configured country and subdivision) and
the staff group. ``declic.runtime`` (bot, webhook, demo, chat) wires its services from a
``Wiring``; nothing below reads the settings for these again, and no module keeps them in a
global.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.clock import Clock, SystemClock
from infra.settings import Settings
from routing import sprints
from routing.cases import StaffGroup, staff_group_of
from routing.followups import Planner, policy_of


@dataclass(frozen=True)
class Wiring:
    settings: Settings
    clock: Clock
    followups: Planner
    sprint_rules: sprints.Rules
    staff_group: StaffGroup | None


def wire(settings: Settings, *, clock: Clock | None = None) -> Wiring:
    """Build the settings-dependent parts; ``clock`` replaces the system clock (tests)."""
    return Wiring(
        settings=settings,
        clock=clock or SystemClock(settings.tz),
        followups=Planner(policy_of(settings)),
        sprint_rules=sprints.rules_of(settings),
        staff_group=staff_group_of(settings),
    )


def preload_holidays(settings: Settings, year: int) -> None:
    """Load the configured country's public holidays at start: their first use imports hundreds
    of modules, which inside a resident's turn froze every conversation of the process for a
    second. Nothing to load when the settings name no country."""
    import holidays

    if settings.case_holidays_country:
        holidays.country_holidays(
            settings.case_holidays_country,
            subdiv=settings.case_holidays_subdivision or None,
            years=range(year, year + 2),
        )
