"""Follow-ups in the pure dialogue: buttons that never go stale, typed answers, /pause."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing.intake import (
    Action,
    AnswerFollowUp,
    ButtonIn,
    Command,
    CommandIn,
    FollowUpFeedback,
    PauseFollowUps,
    TextIn,
    parse_command,
)
from tests.support.dialogue import reach, send


@pytest.mark.parametrize("where", ["asking_timing", "summary", "submitted", "idle"])
def test_follow_up_buttons_bypass_the_version_check_and_keep_the_question(where: str) -> None:
    state = reach(where)
    turn = send(state, ButtonIn(Action.FOLLOWUP, "17.m", 0))  # an old version
    assert turn.effects == (AnswerFollowUp(17, "m"),)
    assert turn.replies == (FollowUpFeedback(17, "m"),)
    assert turn.state.step is state.step and turn.state.version == state.version


@pytest.mark.parametrize("value", ["17", "x.m", "17.z", "17.mm", "١٧.m", "17.m.1"])
def test_forged_follow_up_buttons_are_refused(value: str) -> None:
    turn = send(reach("submitted"), ButtonIn(Action.FOLLOWUP, value, 0))
    assert not turn.effects


def test_realized_then_a_line_then_consent() -> None:
    turn = send(reach("submitted"), ButtonIn(Action.FOLLOWUP, "5.r", 0))
    assert turn.state.awaiting == "r.5"
    line = send(turn.state, TextIn("Venez échanger vos graines"))
    assert line.effects == (AnswerFollowUp(5, "story", "Venez échanger vos graines"),)
    assert line.state.awaiting is None
    consent = send(line.state, ButtonIn(Action.FOLLOWUP, "5.y", 0))
    assert consent.effects == (AnswerFollowUp(5, "y"),)


def test_a_score_then_a_comment_and_a_command_forgets_the_wait() -> None:
    turn = send(reach("submitted"), ButtonIn(Action.FOLLOWUP, "9.4", 0))
    assert turn.state.awaiting == "c.9"
    helped = send(turn.state, CommandIn(Command.HELP))
    assert helped.state.awaiting is None


def test_typed_answers_count_only_while_a_check_in_is_open() -> None:
    state = reach("submitted")
    plain = send(state, TextIn("ça avance bien"))
    assert not any(isinstance(e, AnswerFollowUp) for e in plain.effects)
    opened = replace(state, open_followup=(3, "checkin_30"))
    assert send(opened, TextIn("ça avance bien")).effects == (AnswerFollowUp(3, "m"),)
    assert send(opened, TextIn("c'est bloqué")).effects == (AnswerFollowUp(3, "b"),)
    feedback = replace(state, open_followup=(4, "sprint_feedback"))
    assert send(feedback, TextIn("4/5")).effects == (AnswerFollowUp(4, "4"),)


def test_pause_and_resume_commands_in_both_languages() -> None:
    assert parse_command("/pause") == CommandIn(Command.PAUSE)
    assert parse_command("/reprendre") == CommandIn(Command.RESUME)
    assert parse_command("/resume") == CommandIn(Command.RESUME)
    paused = send(reach("asking_timing"), CommandIn(Command.PAUSE))
    assert paused.effects == (PauseFollowUps(True),)
    assert paused.state.pending is not None  # the question is asked again
    assert send(reach("idle"), CommandIn(Command.RESUME)).effects == (PauseFollowUps(False),)
