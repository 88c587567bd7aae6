"""End to end: the operator imports the demo directory and sprint panel with the CLI, then a
resident, through the local Bot API server and the real `declic bot` process, submits an idea,
asks for a two-day sprint, picks an option and receives the confirmation and the .ics."""

from __future__ import annotations

import signal
from pathlib import Path

import icalendar
import pytest

from knowledge.demo import DEMO_DIRECTORY, DEMO_SPRINTS, DEMO_TERRITORIES
from tests.support.bot_process import (
    Resident,
    declic_cli,
    query,
    running_bot,
    until_polling,
)
from tests.support.fake_bot_api import FakeBotApi

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("processes")]


async def test_from_a_submitted_idea_to_a_confirmed_sprint_with_its_ics(
    server: FakeBotApi,
    tmp_path: Path,
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'declic.sqlite3'}"
    await declic_cli(server, database_url, tmp_path, "city", "import", str(DEMO_TERRITORIES))
    await declic_cli(server, database_url, tmp_path, "directory", "import", str(DEMO_DIRECTORY))
    imported = await declic_cli(
        server, database_url, tmp_path, "sprint", "import", str(DEMO_SPRINTS)
    )
    assert "15 panel members" in imported
    noor = Resident(server, server.user(4646, "Noor", language_code="fr"))
    user = noor.user
    async with running_bot(server, database_url, tmp_path) as bot:
        bot.start()
        await until_polling(server, bot)
        await noor.does(user.send_command("/start"), ["sendMessage"])
        await noor.does(
            user.send_text(
                "On veut faire un jardin partagé aux Glycines entre voisins, "
                "il nous faut un terrain et un peu d'argent"
            ),
            ["sendMessage"],
        )
        await noor.does(user.send_text("cet été"), ["sendMessage"])
        await noor.does(user.press(action="a", value="yes"), ["sendMessage"])
        await noor.does(user.press(action="s", value="ok"), ["sendMessage"] * 4)
        menu = user.messages[-1]
        assert menu.find_button(action="n", value="sprint"), user.transcript()
        await noor.does(
            user.press(action="n", value="sprint", message_id=menu.message_id), ["sendMessage"]
        )
        offer = user.messages[-1]
        options = [b for b in offer.buttons if b["callback_data"].startswith("d:p:b.")]
        assert len(options) == 3, user.transcript()
        chosen = options[1]["callback_data"]
        await noor.does(
            user.press(chosen, message_id=offer.message_id), ["sendMessage", "sendDocument"]
        )
        confirmation, invitation = user.messages[-2], user.messages[-1]
        assert confirmation.text and "C'est réservé !" in confirmation.text, user.transcript()
        assert "Adresse" in confirmation.text and "Pour bien préparer" in confirmation.text
        assert confirmation.find_button(action="p", value=None) is not None
        assert invitation.document is not None
        assert invitation.document.filename.endswith(".ics")
        calendar = icalendar.Calendar.from_ical(invitation.document.content)
        assert calendar["METHOD"] == "REQUEST"
        day = chosen.split(".")[2]
        starts = sorted(e.decoded("DTSTART").strftime("%Y%m%d") for e in calendar.walk("VEVENT"))
        assert starts[0] == day
        rows = await query(database_url, "SELECT status, sequence FROM sprints")
        assert rows == [("confirmed", 0)]
        taken = await query(
            database_url,
            "SELECT count(*), count(DISTINCT person_id || day) FROM sprint_person_days",
        )
        assert taken[0][0] == taken[0][1] >= 6
        events = await query(
            database_url, "SELECT kind FROM journey_events WHERE kind LIKE 'sprint_%'"
        )
        assert events == [("sprint_booked",)]
        assert await bot.stop(signal.SIGTERM) == 0, bot.log()
