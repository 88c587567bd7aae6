"""A handoff end to end: Telegram on one side, a real browser on the other (issue 4).

Two real processes share one database: `declic bot`, long polling the fake Bot API over HTTP
on 127.0.0.1, and `declic console`. A resident asks for a person with /humain through the Bot
API; in Debian's chromium (headless, driven by Playwright) an agent logs in, claims the case
and replies. What must hold:

- the resident is told in Telegram who holds their request;
- the agent's reply reaches the resident's chat through the bot's outbox, signed with the
  agent's first name and team;
- the resident's answer, sent through the Bot API, appears on the agent's page without a
  reload, and the bot itself stays silent (a person holds the conversation).

Same chromium rule as the other browser tests: skipped outside CI when it is missing.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.bot_process import Resident, running_bot, until_polling
from tests.support.browser import console_env, require_chromium, running_console
from tests.support.fake_bot_api import FakeBotApi
from tests.support.handoff import (
    TEAM,
    agent_on_the_queue,
    asks_for_a_person,
    ready_for_a_handoff,
    saying,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

REPLY = "Bonjour Nadia, je peux te proposer la salle du jeudi soir."
ANSWER = "Le jeudi soir me va très bien, merci !"
TELEGRAM_WAIT = 10.0  # the bot's outbox drains every half second, woken or not
SEEN_MS = 5_000  # the bot handles the answer, then the page's once-a-second poll shows it


async def test_an_agent_takes_a_telegram_request_and_they_talk_both_ways(
    server: FakeBotApi,
    bot_database: str,
    tmp_path: Path,
) -> None:
    require_chromium()
    from playwright.async_api import expect

    database_url = bot_database
    await ready_for_a_handoff(database_url)
    nadia = Resident(server, server.user(7070, "Nadia", language_code="fr"))
    user = nadia.user

    # The console first: its start-up wait blocks this loop, before any bot polls the server.
    with running_console(console_env(database_url), tmp_path) as url:
        async with running_bot(server, database_url, tmp_path) as bot:
            bot.start()
            await until_polling(server, bot)

            # -- the resident asks for a person in Telegram -------------------------------
            case_id = await asks_for_a_person(nadia, database_url)

            async with agent_on_the_queue(url, locale="fr-FR") as (page, errors):
                heading = page.get_by_role("heading", level=1)
                await page.get_by_role("link", name=f"#{case_id}").click()
                await expect(heading).to_contain_text(f"Demande #{case_id}")
                await page.get_by_role("button", name="Je prends").click()
                await expect(page.get_by_role("status").first).to_contain_text(
                    "Vous avez pris cette demande"
                )
                claimed_url = page.url

                # -- Telegram: the resident learns who holds the request --------------
                await user.wait_for(
                    saying(f"Je suis Awa, de l'équipe {TEAM}"), timeout=TELEGRAM_WAIT
                )

                # -- the agent replies; the resident receives it, signed --------------
                transcript = page.locator("#transcript")
                reply_box = page.get_by_label("Votre réponse")
                await reply_box.fill(REPLY)
                await page.get_by_role("button", name="Envoyer").click()
                await expect(transcript.locator("li.msg.out").last).to_contain_text(REPLY)
                await expect(reply_box).to_have_value("")
                signed = f"{REPLY}\n\n— Awa, équipe {TEAM}"
                await user.wait_for(saying(signed), timeout=TELEGRAM_WAIT)
                deliveries = [
                    c
                    for c in server.calls_to("sendMessage")
                    if c.ok and int(c.params["chat_id"]) == user.id and REPLY in c.params["text"]
                ]
                assert [c.params["text"] for c in deliveries] == [signed], user.transcript()

                # -- the resident answers in Telegram; the page shows it, no reload ---
                await page.evaluate("window.notReloaded = true")
                sent_before = len(server.sent())
                await user.send_text(ANSWER)
                answered = time.monotonic()
                await expect(transcript).to_contain_text(ANSWER, timeout=SEEN_MS)
                assert time.monotonic() - answered <= SEEN_MS / 1000 + 0.5
                assert page.url == claimed_url
                assert await page.evaluate("window.notReloaded === true"), "reloaded"
                await expect(transcript.get_by_text(ANSWER)).to_have_count(1)
                await server.settle(quiet=1.0, timeout=TELEGRAM_WAIT)
                assert server.sent()[sent_before:] == [], (
                    "a person holds the conversation: the bot stays silent\n" + user.transcript()
                )
                assert errors == []
            assert bot.alive(), bot.log()
