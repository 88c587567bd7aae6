"""A case from arrival to close, as an agent on a phone (390×844), against Telegram (issue 16).

`declic bot` long-polls the fake Bot API on 127.0.0.1 and `declic console` serves the pages; a
resident asks for a person in Telegram. In Debian's chromium at phone size, the agent finds the
case in the queue, takes it, answers with a canned reply chosen with the keyboard, then sends a
9,000-character reply (the counter says it makes several Telegram messages), and closes the case.
What must hold: the resident receives the canned reply with their first name and idea, the long
reply whole and in order, and the one closing sentence.
"""

from __future__ import annotations

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

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

SIGNATURE = f"\n\n— Awa, équipe {TEAM}"
TELEGRAM_WAIT = 20.0  # three parts leave at one per second per chat


def long_reply() -> str:
    """9,000 characters of real sentences, numbered so that order and loss show."""
    sentences = [f"Étape {n} : voici ce que nous pouvons faire ensemble." for n in range(400)]
    text = " ".join(sentences)[:9000]
    return text.rstrip()


async def test_an_agent_on_a_phone_walks_a_case_from_arrival_to_close(
    server: FakeBotApi,
    bot_database: str,
    tmp_path: Path,
) -> None:
    require_chromium()
    from playwright.async_api import expect

    database_url = bot_database
    await ready_for_a_handoff(database_url, "Bonjour {prénom} ! Je m'occupe de ta demande.")
    nadia = Resident(server, server.user(7171, "Nadia", language_code="fr"))
    user = nadia.user
    reply = long_reply()

    with running_console(console_env(database_url), tmp_path) as url:
        async with running_bot(server, database_url, tmp_path) as bot:
            bot.start()
            await until_polling(server, bot)
            case_id = await asks_for_a_person(nadia, database_url)

            async with agent_on_the_queue(
                url, locale="fr-FR", viewport={"width": 390, "height": 844}, has_touch=True
            ) as (page, errors):
                heading = page.get_by_role("heading", level=1)
                row = page.locator(f'tr[data-case="{case_id}"]')
                await expect(row).to_contain_text("Nadia")
                await row.get_by_role("link", name=f"#{case_id}").click()
                await expect(heading).to_contain_text(f"Demande #{case_id}")
                transcript = page.locator("#transcript")
                # /humain is an event, not the resident's words
                await expect(transcript.locator("li.event")).to_contain_text(
                    ["parler à une personne"]
                )
                await page.get_by_role("button", name="Je prends").click()
                await user.wait_for(saying("Je suis Awa"), timeout=TELEGRAM_WAIT)

                # -- a canned reply, chosen with the keyboard --------------------------
                box = page.get_by_label("Votre réponse")
                await expect(box).to_be_in_viewport()
                choice = page.get_by_label("Réponse type")
                await choice.focus()
                await choice.select_option(label="Accueil")  # what ArrowDown does
                await expect(box).to_have_value("Bonjour Nadia ! Je m'occupe de ta demande.")
                await page.get_by_role("button", name="Envoyer").click()
                await expect(box).to_have_value("")
                await user.wait_for(
                    saying("Bonjour Nadia ! Je m'occupe de ta demande." + SIGNATURE),
                    timeout=TELEGRAM_WAIT,
                )

                # -- 9,000 characters: the counter says so, the resident gets it all ---
                await box.fill(reply)
                await expect(page.locator("#reply-counter")).to_contain_text("3 messages Telegram")
                sent_before = len(server.sent())
                await page.get_by_role("button", name="Envoyer").click()
                await expect(box).to_have_value("")

                def parts_since() -> list[str]:
                    return [
                        c.params["text"]
                        for c in server.sent()[sent_before:]
                        if c.method == "sendMessage" and int(c.params["chat_id"]) == user.id
                    ]

                # The earlier reply ends with the signature too: wait for the three new parts
                # themselves (one a second per chat), then for silence, so a fourth would show.
                await server.wait_until(lambda: len(parts_since()) >= 3, timeout=TELEGRAM_WAIT)
                await server.settle(quiet=1.5, timeout=TELEGRAM_WAIT)
                parts = parts_since()
                assert len(parts) == 3 and all(len(p) <= 4096 for p in parts), parts
                assert "".join(parts) == reply + SIGNATURE

                # -- close, with the outcome's sentence ---------------------------------
                await page.get_by_text("Transférer, clore ou rendre au robot").click()
                await page.get_by_label("Issue").select_option("answered")
                sentence = await page.get_by_label(
                    "Ce que lit l'habitant·e (une phrase, modifiable)"
                ).first.input_value()
                assert sentence.startswith("Ta demande est close")
                await page.get_by_role("button", name="Clore la demande").click()
                await expect(page.locator("#case-status")).to_contain_text("Close")
                await user.wait_for(saying(sentence), timeout=TELEGRAM_WAIT)
                await page.screenshot(path=str(tmp_path / "walk-closed.png"), full_page=True)
                wide = await page.evaluate(
                    "document.documentElement.scrollWidth <= window.innerWidth"
                )
                assert wide, "the case page is wider than the phone"
                assert errors == []
            assert bot.alive(), bot.log()
