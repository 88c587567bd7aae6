"""A real browser (Debian's chromium, driven by Playwright) against `declic console`.

The first admin is created with `declic staff add` as an operator would, the console runs as a
subprocess on 127.0.0.1, and the browser logs in through the form, sees the queue, logs out.
Outside CI the test is skipped when chromium is missing; in CI it must be there.
"""

from __future__ import annotations

import pytest

from tests.support.browser import (
    browser_page,
    require_chromium,
)
from tests.support.console import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]


def test_a_staff_member_logs_in_sees_the_queue_and_logs_out(console_url: str) -> None:
    require_chromium()
    from playwright.sync_api import expect

    with browser_page() as (page, _errors):
        page.goto(console_url + "/audit")
        expect(page).to_have_url(console_url + "/login?next=/audit")
        page.get_by_label("Adresse e-mail").fill("ada@example.org")
        page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("alert")).to_contain_text("mot de passe incorrect")

        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
        expect(page.locator("table")).to_contain_text("s'est connecté·e")  # words, not codes

        page.get_by_role("link", name="File d'attente").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("File d'attente")
        expect(page.get_by_text("Bonjour Ada !")).to_be_visible()
        session = next(c for c in page.context.cookies() if c["name"] == "declic_session")
        assert session["httpOnly"] and session["sameSite"] == "Lax"

        page.get_by_role("button", name="Se déconnecter").click()
        expect(page).to_have_url(console_url + "/login?m=logged_out")
        expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté·e")
        page.goto(console_url + "/")
        expect(page).to_have_url(console_url + "/login")
