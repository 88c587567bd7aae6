"""Dispatch over replies and effects is exhaustive: every kind of reply a transport may get is
rendered, and every reply and effect of the dialogue is handled by the conversation service.

The renderer and the service ``match`` on closed unions and end in ``assert_never``; these tests
make a new member that nobody handles fail here, not vanish in production.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import typing
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.render import Renderer
from routing.cases import Holder
from routing.conversation import service as conversation
from routing.conversation.answers import (
    DirectoryHint,
    Examples,
    Pointers,
    QuestionAnswer,
    WaitingNotice,
)
from routing.conversation.replies import (
    ExportDocument,
    FollowUpAck,
    HeldBy,
    IdeaLine,
    ServiceReply,
    StatusReport,
    SuggestionAnswered,
    SuggestionCard,
    SuggestionDetails,
    SuggestionsPage,
)
from routing.followups import FollowUpPrompt
from routing.intake import (
    Action,
    Added,
    Ask,
    Draft,
    Effect,
    Menu,
    Option,
    Reply,
    Say,
    Slot,
    Summary,
    Understood,
    Verdict,
)
from routing.outbox import RenderContext
from routing.privacy import RetentionNotice
from routing.sprints import SprintBooked, SprintCancelled, SprintGone, SprintOptionsPage
from tests.support.conversation import OFFICE

PARIS = ZoneInfo("Europe/Paris")
DAY = date(2026, 12, 3)
HINT = DirectoryHint("Maison des associations", "room", phone="01 23 45 67 89")
CARD = SuggestionCard(id=1, name="Maison des associations", kind="room", need="room", reasons=())
SAMPLES: dict[type, Callable[[], object]] = {
    Say: lambda: Say("sorry_error"),
    Understood: lambda: Understood(Draft(text="Un jardin partagé")),
    Ask: lambda: Ask(Slot.TIMING, (Option("summer"),), version=1),
    Summary: lambda: Summary(Draft(text="Un jardin partagé"), None, version=1),
    Menu: lambda: Menu("after_submit", Action.NEXT, (Option("new"), Option("human")), version=1),
    StatusReport: lambda: StatusReport(
        (IdeaLine("D-ABCDEF", "Jardin", "submitted", datetime(2026, 12, 1, tzinfo=PARIS), None),),
        open_requests=0,
    ),
    ExportDocument: lambda: ExportDocument("declic-mes-donnees.json", b"{}"),
    SuggestionsPage: lambda: SuggestionsPage((CARD,), True, 0, (), 1),
    SuggestionDetails: lambda: SuggestionDetails(
        CARD, None, "Des salles à prêter", None, None, None, None, None
    ),
    SuggestionAnswered: lambda: SuggestionAnswered(Verdict.YES, "Maison des associations"),
    HeldBy: lambda: HeldBy(Holder("Awa", "Jardins")),
    FollowUpAck: lambda: FollowUpAck(7, "m", ok=True),
    FollowUpPrompt: lambda: FollowUpPrompt(7, "checkin_30", "D-ABCDEF", "Jardin"),
    SprintOptionsPage: lambda: SprintOptionsPage(1, ()),
    SprintBooked: lambda: SprintBooked(
        1, 2, DAY, date(2026, 12, 4), "Salle", None, 3, ("room",), b"BEGIN:VCALENDAR"
    ),
    SprintCancelled: lambda: SprintCancelled(1, DAY, date(2026, 12, 4), b"BEGIN:VCALENDAR"),
    SprintGone: SprintGone,
    RetentionNotice: lambda: RetentionNotice(date(2027, 1, 4)),
    Added: lambda: Added("avec les voisins du 12"),
    WaitingNotice: lambda: WaitingNotice(datetime(2026, 12, 3, 10, tzinfo=PARIS), 120, None, False),
    QuestionAnswer: lambda: QuestionAnswer("room", (HINT,)),
    Examples: lambda: Examples((HINT,)),
    Pointers: lambda: Pointers((HINT,)),
}


def _members(union: object) -> set[type]:
    return set(typing.get_args(union))


def test_every_kind_of_reply_has_a_sample_here() -> None:
    assert set(SAMPLES) == _members(ServiceReply)


@pytest.mark.parametrize(
    "kind", sorted(SAMPLES, key=lambda k: k.__name__), ids=lambda k: k.__name__
)
def test_every_kind_of_reply_is_rendered(kind: type) -> None:
    drafts = Renderer(office=OFFICE)([SAMPLES[kind]()], RenderContext("fr"))
    assert drafts, f"{kind.__name__} rendered as nothing"
    assert all(d.payload.get("text") or d.payload.get("content_b64") for d in drafts)


def test_a_reply_nobody_renders_fails_loudly() -> None:
    class Stranger:
        pass

    with pytest.raises(AssertionError):
        Renderer(office=OFFICE)([Stranger()], RenderContext("fr"))  # type: ignore[list-item]


def _case_classes(function: object) -> set[str]:
    """The classes named by the ``case`` patterns of the function's ``match`` statements."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))  # type: ignore[arg-type]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.MatchClass) and isinstance(node.cls, ast.Name):
            names.add(node.cls.id)
        elif isinstance(node, ast.MatchClass) and isinstance(node.cls, ast.Attribute):
            names.add(node.cls.attr)  # ``case intake.SubmitIdea():``
    return names


def test_the_service_handles_every_effect_of_the_dialogue() -> None:
    handled = _case_classes(conversation.ConversationService._apply_one)
    assert {kind.__name__ for kind in _members(Effect)} <= handled


def test_the_service_fills_in_every_reply_of_the_dialogue() -> None:
    handled = _case_classes(conversation.ConversationService._resolve)
    assert {kind.__name__ for kind in _members(Reply)} <= handled
