"""Dialogue state ⇄ JSON for the `conversations` row: plain values, so any process resumes."""

from __future__ import annotations

from typing import Any

from infra.frozen import replace
from routing.intake.codes import Step
from routing.intake.draft import Draft, Group, Need, Slot, Timing
from routing.intake.state import DialogueState

_DRAFT = Draft()
_STATE = DialogueState()


def draft_to_json(draft: Draft) -> dict[str, Any]:
    return {
        "text": draft.text,
        "title": draft.title,
        "neighbourhood": draft.neighbourhood,
        "needs": None if draft.needs is None else sorted(n.value for n in draft.needs),
        "group": draft.group.value if draft.group else None,
        "timing": draft.timing.value if draft.timing else None,
        "timing_words": draft.timing_words,
        "themes": sorted(draft.themes),
        "consent": draft.consent,
        "source": draft.source,
    }


def draft_from_json(data: dict[str, Any]) -> Draft:
    needs = data.get("needs")
    return replace(  # every field: a new Draft (``infra.frozen``: without its ``__init__``)
        _DRAFT,
        text=data.get("text") or "",
        title=data.get("title"),
        neighbourhood=data.get("neighbourhood"),
        needs=None if needs is None else frozenset(Need(n) for n in needs),
        group=Group(data["group"]) if data.get("group") else None,
        timing=Timing(data["timing"]) if data.get("timing") else None,
        timing_words=data.get("timing_words"),
        themes=frozenset(data.get("themes") or ()),
        consent=data.get("consent"),
        source=data.get("source"),
    )


def state_to_json(state: DialogueState) -> dict[str, Any]:
    return {
        "step": state.step.value,
        "pending": state.pending.value if state.pending else None,
        "editing": state.editing,
        "draft": draft_to_json(state.draft),
        "selection": sorted(n.value for n in state.selection),
        "back_step": state.back_step.value if state.back_step else None,
        "back_pending": state.back_pending.value if state.back_pending else None,
        "shown": state.shown,
        "sprint_menu": state.sprint_menu,
        "awaiting": state.awaiting,
        "register": state.register,
        "waiting": state.waiting,
        "held_text": state.held_text,
        "voice_waiting": state.voice_waiting,
        "sharing": state.sharing,
        "locale_chosen": state.locale_chosen,
        "away": state.away,
    }


def state_from_json(data: dict[str, Any], version: int) -> DialogueState:
    if not data:
        return DialogueState(version=version)
    return replace(  # every field: a new state (``infra.frozen``: without its ``__init__``)
        _STATE,
        step=Step(data.get("step", Step.NEW.value)),
        pending=Slot(data["pending"]) if data.get("pending") else None,
        editing=bool(data.get("editing")),
        draft=draft_from_json(data.get("draft") or {}),
        selection=frozenset(Need(n) for n in data.get("selection") or ()),
        version=version,
        back_step=Step(data["back_step"]) if data.get("back_step") else None,
        back_pending=Slot(data["back_pending"]) if data.get("back_pending") else None,
        shown=int(data.get("shown") or 0),
        sprint_menu=bool(data.get("sprint_menu")),
        awaiting=data.get("awaiting"),
        register=data.get("register"),
        waiting=bool(data.get("waiting")),
        held_text=data.get("held_text"),
        voice_waiting=bool(data.get("voice_waiting")),
        sharing=bool(data.get("sharing")),
        locale_chosen=bool(data.get("locale_chosen")),
        away=bool(data.get("away")),
    )
