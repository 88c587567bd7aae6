"""Asking: the question for a slot, its options (quartiers paged), the summary, the menus,
and asking again what is pending after an interruption."""

from __future__ import annotations

from functools import cache, cached_property
from typing import TYPE_CHECKING

from infra.frozen import replace
from routing.intake.codes import (
    LOCALES,
    QUARTIER_BUTTONS,
    QUARTIER_PAGE,
    QUARTIERS_PER_PAGE,
    Action,
    Step,
)
from routing.intake.draft import (
    ELSEWHERE,
    Group,
    Need,
    Slot,
    Timing,
)
from routing.intake.effects import Effect
from routing.intake.extraction import Extractor
from routing.intake.replies import (
    Ask,
    Menu,
    Option,
    Reply,
    Say,
    Summary,
    Waiting,
)
from routing.intake.state import (
    DialogueState,
    Turn,
)

if TYPE_CHECKING:
    from datetime import date

    from knowledge.territory import Territory
    from routing.intake.events import CommandIn, TextIn


# The options of the questions whose buttons never change, made once (a turn asked for them).
_OPTIONS: dict[Slot, tuple[Option, ...]] = {
    Slot.GROUP: tuple(Option(g.value) for g in Group),
    Slot.TIMING: tuple(Option(t.value) for t in Timing),
    Slot.CONSENT: (Option("yes"), Option("no"), Option("why")),
}


@cache  # at most 2**7 selections
def _need_options(selection: frozenset[Need]) -> tuple[Option, ...]:
    """The needs' buttons, the selected ones ticked."""
    return (
        *(Option(n.value, selected=n in selection) for n in Need),
        Option("done"),
        Option("unsure"),
    )


class Asking:
    """The part of ``Dialogue`` that asks, and the ground the other parts stand on (each is an
    ``Asking``); see ``routing.intake.dialogue``."""

    extractor: Extractor
    threshold: float

    if TYPE_CHECKING:
        # What the parts call in one another, for the type checker (defined in listening,
        # pressing and commands; ``Dialogue`` has them all).
        def _text(self, state: DialogueState, event: TextIn, today: date) -> Turn: ...
        def _ask_human(self, state: DialogueState, lead: tuple[Reply, ...] = ()) -> Turn: ...
        def _help_button(self, state: DialogueState, value: str, today: date) -> Turn: ...
        def _edit(self, state: DialogueState, slot: Slot) -> Turn: ...
        def _sprint_options(self, state: DialogueState, idea_id: int | None = None) -> Turn: ...
        def _followup_text(self, state: DialogueState, text: str) -> Turn | None: ...
        def _more_suggestions(self, state: DialogueState) -> Turn: ...
        def _answer(self, state: DialogueState, slot: Slot, value: str) -> Turn: ...
        def _submit(self, state: DialogueState) -> Turn: ...
        def _forget_answer(self, state: DialogueState, value: str) -> Turn: ...
        def _set_locale(self, state: DialogueState, locale: str) -> Turn: ...
        @staticmethod
        def _back(state: DialogueState) -> DialogueState: ...
        def _command(self, state: DialogueState, event: CommandIn) -> Turn: ...

    # -- asking -----------------------------------------------------------------------------

    def options(self, slot: Slot, state: DialogueState) -> tuple[Option, ...]:
        if slot is Slot.NEIGHBOURHOOD:
            return self.quartier_options(0)
        if slot is Slot.NEEDS:
            return _need_options(state.selection)
        return _OPTIONS.get(slot, ())

    def quartier_options(self, page: int) -> tuple[Option, ...]:
        """Up to 8 quartiers as buttons; more are shown a page at a time with a « more »
        button (the street or a shared location answer too). « Ailleurs » always stays.

        Made once a page (``_quartier_pages``): the quartiers are the city's, loaded at start."""
        quartiers = self.extractor.gazetteer.quartiers
        pages = max(1, -(-len(quartiers) // QUARTIERS_PER_PAGE))
        page %= pages
        made = self._quartier_pages.get(page)
        if made is not None and made[0] is quartiers:
            return made[1]
        if len(quartiers) <= QUARTIER_BUTTONS:
            options = (*(Option(q.id, q.name) for q in quartiers), Option(ELSEWHERE))
        else:
            shown = quartiers[page * QUARTIERS_PER_PAGE : (page + 1) * QUARTIERS_PER_PAGE]
            following = f"{QUARTIER_PAGE}{(page + 1) % pages}"
            options = (*(Option(q.id, q.name) for q in shown), Option(following),
                       Option(ELSEWHERE))  # fmt: skip
        self._quartier_pages[page] = (quartiers, options)
        return options

    @cached_property
    def _quartier_pages(self) -> dict[int, tuple[tuple[Territory, ...], tuple[Option, ...]]]:
        """Each page's options, with the quartiers they were made from."""
        return {}

    def _quartier_mode(self) -> str:
        city = self.extractor.gazetteer
        if not city.configured:
            return "free"
        return "places" if city.shapes or city.streets else ""

    def _ask(
        self,
        state: DialogueState,
        slot: Slot,
        lead: tuple[Reply, ...] = (),
        *,
        editing: bool = False,
        effects: tuple[Effect, ...] = (),
        keep_ticks: bool = False,
    ) -> Turn:
        selection = frozenset[Need]()
        if slot is Slot.NEEDS:
            selection = state.selection if keep_ticks else (state.draft.needs or frozenset())
        mode = self._quartier_mode() if slot is Slot.NEIGHBOURHOOD else ""
        # The location button is sent once: a re-asked question finds it still on screen.
        share = mode == "places" and bool(self.extractor.gazetteer.shapes) and not state.sharing
        new = replace(
            state,
            step=Step.ASKING,
            pending=slot,
            editing=editing,
            selection=selection,
            version=state.version + 1,
            sharing=state.sharing or share,
        )
        multi = slot is Slot.NEEDS
        ask = Ask(slot, self.options(slot, new), new.version, multi=multi, mode=mode, share=share)
        return Turn(new, (*lead, ask), effects)

    def _summary(
        self, state: DialogueState, lead: tuple[Reply, ...] = (), effects: tuple[Effect, ...] = ()
    ) -> Turn:
        new = replace(
            state, step=Step.SUMMARY, pending=None, editing=False, version=state.version + 1
        )
        name = self.extractor.gazetteer.name(new.draft.neighbourhood)
        return Turn(new, (*lead, Summary(new.draft, name, new.version)), effects)

    def _next(
        self, state: DialogueState, lead: tuple[Reply, ...] = (), effects: tuple[Effect, ...] = ()
    ) -> Turn:
        if state.editing and state.draft.consent:
            return self._summary(state, lead, effects)
        missing = state.draft.missing()
        if missing:
            return self._ask(state, missing[0], lead, effects=effects)
        return self._summary(state, lead, effects)

    def _menu(
        self,
        state: DialogueState,
        step: Step,
        key: str,
        action: Action,
        values: tuple[str, ...],
        lead: tuple[Reply, ...] = (),
    ) -> Turn:
        keep_back = state.step in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE)
        new = replace(
            state,
            step=step,
            version=state.version + 1,
            back_step=state.back_step if keep_back else state.step,
            back_pending=state.back_pending if keep_back else state.pending,
        )
        menu = Menu(key, action, tuple(Option(v) for v in values), new.version)
        return Turn(new, (*lead, menu))

    def _after_submit_menu(self, state: DialogueState, lead: tuple[Reply, ...] = ()) -> Turn:
        new = replace(state, version=state.version + 1, sprint_menu=False)
        return Turn(new, (*lead, _after_submit(new.version, _sprintable(new))))

    def _reask(
        self, state: DialogueState, lead: tuple[Reply, ...] = (), effects: tuple[Effect, ...] = ()
    ) -> Turn:
        """Say ``lead``, then put the current question again so the conversation goes on
        (not while a person is awaited: then the intake questions wait too)."""
        if state.waiting and state.step not in (Step.CONFIRM_FORGET, Step.CHOOSING_LANGUAGE):
            return Turn(state, lead or (Waiting(),), effects)
        if state.step is Step.ASKING and state.pending in (Slot.IDEA, Slot.TITLE):
            new = replace(state, version=state.version + 1)
            prompt = Say(  # after a word (« Avec plaisir ! »), without its « D'accord. »
                ("edit_title_again" if lead else "edit_title_prompt")
                if state.pending is Slot.TITLE
                else ("edit_idea_again" if lead else "edit_idea_prompt")
            )
            return Turn(new, (*lead, prompt), effects)
        if state.step is Step.ASKING and state.pending is not None:
            return self._ask(
                state, state.pending, lead, editing=state.editing, effects=effects, keep_ticks=True
            )
        if state.step is Step.SUMMARY:
            return self._summary(state, lead, effects)
        if state.step is Step.CONFIRM_FORGET:
            turn = self._menu(
                state, Step.CONFIRM_FORGET, "forget_confirm", Action.FORGET, ("yes", "no"), lead
            )
            return Turn(turn.state, turn.replies, effects)
        if state.step is Step.CHOOSING_LANGUAGE:
            turn = self._menu(
                state, Step.CHOOSING_LANGUAGE, "language", Action.LANGUAGE, LOCALES, lead
            )
            return Turn(turn.state, turn.replies, effects)
        if state.step is Step.SUBMITTED:
            turn = self._after_submit_menu(state, lead)
            return Turn(turn.state, turn.replies, effects)
        if state.step in (Step.NEW, Step.IDLE):
            return Turn(replace(state, step=Step.LISTENING), (*lead, Say("listen")), effects)
        return Turn(state, (*lead, Say("listen")), effects)


def _location_button(turn: Turn) -> Turn:
    """Telegram's location button stays on screen until a message takes it away: the one
    placing a shared location, or else the « noted » once the quartier is answered."""
    state = turn.state
    if not state.sharing:
        return turn
    if any(isinstance(r, Say) and r.key == "location_quartier" for r in turn.replies):
        return replace(turn, state=replace(state, sharing=False))
    if state.step is Step.ASKING and state.pending is Slot.NEIGHBOURHOOD:
        return turn
    for index, reply in enumerate(turn.replies):
        if reply == Say("noted"):
            replies = (*turn.replies[:index], Say("noted_place"), *turn.replies[index + 1 :])
            return Turn(replace(state, sharing=False), replies, turn.effects)
    return turn  # left another way (a menu, /annuler): the button stays until next time


def _after_submit(version: int, sprint: bool = False) -> Menu:
    """What next, once the idea is sent: a person is always one button away; an idea with
    needs can book a two-day sprint."""
    if sprint:
        return Menu(
            "after_submit", Action.NEXT, (Option("sprint"), Option("new"), Option("human")), version
        )
    return Menu("after_submit", Action.NEXT, (Option("new"), Option("human")), version)


def _sprintable(state: DialogueState) -> bool:
    return state.step is Step.SUBMITTED and bool(state.draft.needs)
