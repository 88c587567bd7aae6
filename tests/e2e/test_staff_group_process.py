"""The real `declic bot` process with a Telegram staff group (DECLIC_STAFF_GROUP_ID), against
the local Bot API over HTTP, on SQLite and PostgreSQL.

A resident types /humain in their private chat → the group receives the case, without the
resident's name or words, with a « Je prends » button → a colleague whose Telegram account is
not linked presses it and is told to link it, nothing is claimed → a linked colleague presses
it → the case is claimed in the database, the resident is told who holds their request, and
the group's post says who took it. The same press delivered again claims and posts nothing.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from infra.migrate import upgrade_to_head
from tests.support.bot_process import (
    WAIT,
    bot_env,
    query,
    running_bot,
    until_polling,
)
from tests.support.fake_bot_api import FakeBotApi
from tests.support.fake_users import bot_messages
from tests.support.processes import run

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

GROUP_ID = -1009876543210
CAMILLE_TG = 7001


def _cli(api: FakeBotApi, database_url: str, workdir: Path, *args: str, stdin: str = "") -> str:
    done = run(list(args), env=bot_env(api, database_url), cwd=workdir, stdin=stdin)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


async def test_a_case_is_claimed_from_the_staff_group(
    server: FakeBotApi,
    bot_database: str,
    tmp_path: Path,
) -> None:
    database_url = bot_database
    if not database_url.startswith("sqlite"):
        await asyncio.to_thread(upgrade_to_head, database_url)
    await asyncio.to_thread(
        _cli,
        server,
        database_url,
        tmp_path,
        "staff",
        "add",
        "camille@ville.example",
        "--name",
        "Camille Durand",
        "--role",
        "coordinator",
        stdin="un mot de passe assez long\n",
    )
    linked = await asyncio.to_thread(
        _cli,
        server,
        database_url,
        tmp_path,
        "staff",
        "telegram",
        "camille@ville.example",
        str(CAMILLE_TG),
    )
    assert "Linked" in linked

    group = server.group(GROUP_ID, "Équipe participation")
    nina = server.user(4646, "Nina", language_code="fr")
    camille = server.user(CAMILLE_TG, "Camille")
    stranger = server.user(7002, "Sam")

    def group_posts() -> list:  # type: ignore[type-arg]
        return bot_messages(server, group.messages)

    async with running_bot(server, database_url, tmp_path) as bot:
        bot.env["DECLIC_STAFF_GROUP_ID"] = str(GROUP_ID)
        bot.start()
        await until_polling(server, bot)

        await nina.send_command("/start")
        await nina.wait_for(1, timeout=WAIT)
        await nina.send_text("Nina ici, une fête des voisins rue des Lilas")
        await nina.wait_for(2, timeout=WAIT)
        asked = len(nina.messages)
        await nina.send_command("/humain")
        await nina.wait_for(asked + 1, timeout=WAIT)
        await server.wait_until(lambda: len(group_posts()) == 1, timeout=WAIT)
        [post] = group_posts()
        [case_id] = [row[0] for row in await query(database_url, "SELECT id FROM cases")]
        assert post.text and f"#{case_id}" in post.text
        assert "Nina" not in post.text and "fête" not in post.text, post.text
        assert post.find_button("Je prends") is not None
        assert post.callback_data == [f"c:claim:{case_id}"]

        # -- someone whose Telegram account is not linked: told so, nothing claimed ---------
        await stranger.press_in(group, "Je prends")
        await server.wait_until(
            lambda: all(q["answered"] for q in server.callback_queries.values()), timeout=WAIT
        )
        [refused] = [q for q in server.callback_queries.values() if q["user_id"] == 7002]
        assert refused["answer"]["show_alert"] is True
        assert "Associez d'abord votre compte Telegram" in refused["answer"]["text"]
        assert await query(database_url, "SELECT status FROM cases") == [("open",)]

        # -- Camille takes it ------------------------------------------------------------------
        told = len(nina.messages)
        press = await camille.press_in(group, "Je prends")
        await nina.wait_for(told + 1, timeout=WAIT)
        assert "Je suis Camille" in (nina.messages[-1].text or ""), nina.transcript()
        await server.wait_until(lambda: group_posts()[0].edited, timeout=WAIT)
        [taken] = group_posts()
        assert taken.text and "Prise en charge par Camille" in taken.text
        assert taken.buttons == [], "the button goes once the case is taken"
        staff = await query(
            database_url, f"SELECT id FROM staff_members WHERE telegram_user_id = {CAMILLE_TG}"
        )
        assert await query(database_url, "SELECT status, holder_id FROM cases") == [
            ("claimed", staff[0][0])
        ]
        [answer] = [q for q in server.callback_queries.values() if q["user_id"] == CAMILLE_TG]
        assert answer["answered"] and "C'est à vous" in answer["answer"]["text"]

        # -- the same press again (a redelivery, a double tap): nothing more ----------------------
        sent = len(server.sent())
        # the button is gone from the message: send the old press's data again
        await camille.press_in_data(taken, f"c:claim:{case_id}")
        await server.wait_until(
            lambda: all(q["answered"] for q in server.callback_queries.values()), timeout=WAIT
        )
        await server.settle(quiet=0.5, timeout=WAIT)
        assert len(server.sent()) == sent
        again = [q for q in server.callback_queries.values() if q["user_id"] == CAMILLE_TG][-1]
        assert "déjà cette demande" in again["answer"]["text"]
        assert server.updates.confirmations[press] >= 1
        events = await query(database_url, "SELECT kind FROM case_events ORDER BY id")
        assert events == [("opened",), ("claimed",)]
        outbox = await query(
            database_url, "SELECT status, count(*) FROM outgoing_messages GROUP BY status"
        )
        assert outbox == [("sent", len(server.sent()))], outbox

        assert await bot.stop(signal.SIGTERM) == 0, bot.log()
        assert "Nina ici" not in bot.log()
