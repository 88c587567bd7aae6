"""What a panel should bring for an idea (skills from its needs and themes, accessibility) and
how far each territory is from the resident's quartier."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from knowledge.territory import Gazetteer
from routing.sprints.planning_terms import AWAY, NEAR, SAME, TOWN

# The panel's skills: what an idea's needs call for, and the directory's themes.
NEED_SKILLS: Mapping[str, tuple[str, ...]] = {
    "place": ("space",),
    "funding": ("funding",),
    "legal": ("legal",),
    "equipment": ("space",),
    "partners": ("communication",),
    "skills": (),  # the idea's themes say which
    "peers": (),
}


def distances(gazetteer: Gazetteer | None, quartier: str | None) -> dict[str, int]:
    """How far each known territory is from the resident's quartier: 0 the quartier itself,
    1 a neighbour, 2 elsewhere in the same commune (or the commune itself), 3 farther."""
    if gazetteer is None:
        return {}
    home = gazetteer.get(quartier) if quartier else None
    commune = gazetteer.commune_of(quartier) if home is not None and quartier else None
    out: dict[str, int] = {}
    for territory in gazetteer.territories:
        if home is None:
            out[territory.id] = TOWN
        elif territory.id == home.id:
            out[territory.id] = SAME
        elif territory.id in home.neighbours:
            out[territory.id] = NEAR
        elif commune and (territory.id == commune or gazetteer.commune_of(territory.id) == commune):
            out[territory.id] = TOWN
        else:
            out[territory.id] = AWAY
    return out


def needed_skills(needs: Iterable[str], themes: Iterable[str], step_free: bool = False) -> set[str]:
    """The skills a panel should bring for an idea: its needs', its themes, accessibility."""
    out: set[str] = set()
    for need in needs:
        out.update(NEED_SKILLS.get(need, ()))
    out.update(themes)
    if step_free:
        out.add("accessibility")
    return out
