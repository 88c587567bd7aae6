"""The turn's CPU outside the database as it was before session 10, for ``bench.turn_ab``'s A
twins: the question's options made anew each time they were asked or checked, and a draft's
known slots read from a dictionary of every slot built at each call."""

from __future__ import annotations

from routing.intake.asking import Asking
from routing.intake.codes import QUARTIER_BUTTONS, QUARTIER_PAGE, QUARTIERS_PER_PAGE
from routing.intake.draft import ELSEWHERE, Draft, Group, Need, Slot, Timing
from routing.intake.replies import Option
from routing.intake.state import DialogueState


def options(self: Asking, slot: Slot, state: DialogueState) -> tuple[Option, ...]:
    if slot is Slot.NEIGHBOURHOOD:
        return self.quartier_options(0)
    if slot is Slot.NEEDS:
        return (
            *(Option(n.value, selected=n in state.selection) for n in Need),
            Option("done"),
            Option("unsure"),
        )
    if slot is Slot.GROUP:
        return tuple(Option(g.value) for g in Group)
    if slot is Slot.TIMING:
        return tuple(Option(t.value) for t in Timing)
    if slot is Slot.CONSENT:
        return (Option("yes"), Option("no"), Option("why"))
    return ()


def quartier_options(self: Asking, page: int) -> tuple[Option, ...]:
    quartiers = self.extractor.gazetteer.quartiers
    if len(quartiers) <= QUARTIER_BUTTONS:
        return (*(Option(q.id, q.name) for q in quartiers), Option(ELSEWHERE))
    pages = -(-len(quartiers) // QUARTIERS_PER_PAGE)
    page %= pages
    shown = quartiers[page * QUARTIERS_PER_PAGE : (page + 1) * QUARTIERS_PER_PAGE]
    following = f"{QUARTIER_PAGE}{(page + 1) % pages}"
    return (*(Option(q.id, q.name) for q in shown), Option(following), Option(ELSEWHERE))


def known(self: Draft, slot: Slot) -> bool:
    value = {
        Slot.IDEA: self.text or None,
        Slot.NEIGHBOURHOOD: self.neighbourhood,
        Slot.NEEDS: self.needs,
        Slot.GROUP: self.group,
        Slot.TIMING: self.timing,
        Slot.CONSENT: True if self.consent else None,
        Slot.TITLE: self.title,
    }[slot]
    return value is not None
