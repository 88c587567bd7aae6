"""``/mesdonnees`` through the local Bot API server and the real ``declic bot`` process (issue
17): the resident reads a short message in their language (what is kept, since when, who sees
it, until when, how to erase it), then receives a JSON file whose every key is documented in the
README."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.support.bot_process import Resident, running_bot, until_polling
from tests.support.export_keys import documented_keys, key_paths
from tests.support.fake_bot_api import FakeBotApi

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


async def test_my_data_is_a_readable_message_then_a_documented_file(
    server: FakeBotApi,
    tmp_path: Path,
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'declic.sqlite3'}"
    lina = Resident(server, server.user(5151, "Lina", language_code="fr"))
    user = lina.user
    async with running_bot(server, database_url, tmp_path) as bot:
        bot.start()
        await until_polling(server, bot)
        await lina.does(user.send_command("/start"), ["sendMessage"])
        await lina.does(
            user.send_text("On voudrait un jardin partagé aux Tanneurs entre voisins, un local"),
            ["sendMessage"],
        )
        await lina.does(user.send_text("dès que possible"), ["sendMessage"])
        await lina.does(user.press(action="a", value="yes"), ["sendMessage"])
        await lina.does(user.press(action="s", value="ok"), ["sendMessage"])
        before = len(user.messages)
        await lina.does(
            user.send_command("/mesdonnees"), ["sendMessage", "sendDocument", "sendMessage"]
        )
        words, export = user.messages[before], user.messages[before + 1]
        assert words.text is not None, user.transcript()
        expected = ("Voici ce que je garde sur toi", "ton prénom : Lina", "1 idée",
                    "Depuis quand", "Qui le voit", "Jusqu'à quand : 2 ans", "/oublier")  # fmt: skip
        for part in expected:
            assert part in words.text, (part, words.text)
        assert export.document is not None and export.document.filename.endswith(".json")
        document = json.loads(export.document.content.decode("utf-8"))
        undocumented = key_paths(document) - documented_keys()
        assert not undocumented, f"keys missing from the README: {sorted(undocumented)}"
        assert document["resident"]["first_name"] == "Lina"
        assert await bot.stop(signal.SIGTERM) == 0, bot.log()
