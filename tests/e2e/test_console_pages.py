"""Every page of every role, in Debian's chromium, on a desktop (1366×900) and a phone (390×844).

On each page: it answers 200 with a heading, nothing is wider than the screen
(``scrollWidth <= innerWidth``), no code that has a label is shown raw (the rendered text is
checked against the vocabularies), and no script fails. On a case page the reply box is visible
without scrolling. All of that on both backends, in both languages.

axe-core (no serious or critical violation, RGAA / WCAG 2.1 AA) and the phone screenshots (kept
under the test's tmp directory) run once per language, on SQLite: they read the markup and its
styles, which come from the templates and the data the world puts in, not from the database
that stores them, and axe was a third of this module's CPU (31 of 90 s per case, chromium
included). The PostgreSQL cases still render every page of every role at both sizes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.labels import AUDIT_ACTIONS, CASE_REASONS, CASE_STATUS_MINE, quartier_names
from infra.i18n import Translator
from knowledge.demo import demo_city
from knowledge.resources import THEMES
from routing.reasons import LABELS
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    WAIT_MS,
    console_env,
    in_database,
    running_console,
)
from tests.support.browser import require_chromium as _require_chromium
from tests.support.console import PASSWORD
from tests.support.console_world import ADMIN, AGENT, COORDINATOR, World, build

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

# Each page is loaded once, at phone size, checked, then widened to desktop size and checked
# again: the styles' media queries apply on a resize as on a load (console.js reads no size at
# load), so the desktop check sees what a desktop load shows, without a second request,
# render and parse (and, with axe, a second compile of its half megabyte). Phone first: a
# chart widened late is narrower than the window, never wider.
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}


def pages_of(world: World) -> dict[str, list[str]]:
    agent = [
        "/",
        "/?status=open&status=claimed&status=waiting&status=resolved",
        f"/cases/{world.case_id}",
        f"/ideas/{world.idea_ref}/sprint",
        "/sprints",
        "/my-sprints",
        "/canned",
        "/account",
    ]
    if world.sprint_id:
        agent.append(f"/sprints/{world.sprint_id}/cancel")
    coordinator = [
        *agent,
        "/panel",
        "/panel?member=1",
        "/teams",
        "/rules",
        "/stats",
        "/audit",
        "/directory",
        "/directory?stale=1",
        "/directory/entries/rb-salle-glycines",
    ]
    admin = [*coordinator, "/admin/staff", f"/admin/staff/{world.agent_id}"]
    return {AGENT: agent, COORDINATOR: coordinator, ADMIN: admin}


# Codes that are also ordinary words of the page's language: the check cannot tell them apart.
ORDINARY = {
    "fr": {"place", "agent", "culture", "sport", "gare", "legal"},
    "en": {
        "place", "agent", "culture", "sport", "legal", "open", "waiting", "asked", "voice",
        "blocked", "events", "food", "living", "repair", "digital", "energy", "health",
        "housing", "education", "languages", "accessibility", "solidarity", "parenting",
    },
}  # fmt: skip
LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}
SIGN_IN = {
    "fr": ("Adresse e-mail", "Mot de passe", "Se connecter"),
    "en": ("Email address", "Password", "Sign in"),
}


def labels_in(language: str) -> dict[str, str]:
    """Each code's label as a reader of ``language`` sees it."""
    tr = Translator(language)
    labels = {c: tr.gettext(w) for c, w in LABELS.items()}
    for table in (CASE_REASONS, CASE_STATUS_MINE, AUDIT_ACTIONS):
        labels |= {c: tr.gettext(w) for c, w in table.items()}
    return labels | quartier_names(demo_city())


def raw_codes(language: str) -> re.Pattern[str]:
    """Codes that have a label different from themselves, as whole words: motifs, quartiers,
    needs, themes, statuses, audit actions."""
    labels = labels_in(language)
    codes = {c for c in CASE_REASONS} | set(CASE_STATUS_MINE) | set(AUDIT_ACTIONS)
    codes |= {c for c in quartier_names(demo_city())}
    codes |= {c for c in LABELS if c in THEMES or c in {"funding", "skills", "peers", "partners"}}
    codes |= {"festivity", "no_match", "in_kind"}
    same = {c for c in codes if c.replace("_", " ").lower() == labels.get(c, "").lower()}
    kept = sorted(codes - ORDINARY[language] - same)
    return re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, kept)) + r")(?![\w-])")


TEXT_OF_PAGE = """() => {
  const skip = new Set();
  document.querySelectorAll('[data-free-text], script, style, code.key').forEach(e => skip.add(e));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    let node = walker.currentNode, hidden = false;
    for (let e = node.parentElement; e; e = e.parentElement) {
      if (skip.has(e)) { hidden = true; break; }
    }
    if (!hidden) parts.push(node.textContent);
  }
  document.querySelectorAll('option, input[type=submit]').forEach(o => parts.push(o.textContent));
  return parts.join(' ');
}"""


# axe-core runs in every page: injected once per browser context (``add_init_script``), it is
# compiled with each new document, instead of half a megabyte sent through the driver per view.
# Only what the check reads comes back (each violation's rule, impact and first targets).
RUN_AXE = """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(
  v => ({id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map(n => n.target)})))"""

# One round trip for what the check measures in the page: its width against the window's, its
# text (as TEXT_OF_PAGE), and whether the reply box, if any, is in view.
MEASURES = """() => {
  const reply = document.getElementById('reply-text');
  let replyInView = null;
  if (reply) {
    const r = reply.getBoundingClientRect();
    replyInView = r.top >= 0 && r.bottom <= window.innerHeight;
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          text: (TEXT_OF_PAGE)(), replyInView};
}""".replace("TEXT_OF_PAGE", TEXT_OF_PAGE)


def check(page, codes: re.Pattern[str], where: str, *, axe: bool) -> tuple[list[str], bool]:  # type: ignore[no-untyped-def]
    """What is wrong with the page on screen (overflow, axe if asked, raw codes, a hidden reply
    box), and whether it has a reply box."""
    problems = []
    if not page.get_by_role("heading", level=1).count():
        problems.append(f"{where}: no heading")
    seen = page.evaluate(MEASURES)
    if seen["scroll"] > seen["inner"]:
        problems.append(f"{where}: {seen['scroll']} px wide on {seen['inner']}")
    for v in page.evaluate(RUN_AXE) if axe else []:
        if v["impact"] in ("serious", "critical"):
            problems.append(f"{where}: axe {v['id']} {v['targets']}")
    for found in sorted(set(codes.findall(seen["text"]))):
        problems.append(f"{where}: raw code {found!r}")
    if seen["replyInView"] is False:
        problems.append(f"{where}: the reply box is not visible without scrolling")
    return problems, seen["replyInView"] is not None


@pytest.fixture
def console(migrated_url: str, tmp_path: Path) -> Iterator[tuple[str, World]]:
    world = in_database(migrated_url, build)
    with running_console(console_env(migrated_url), tmp_path) as url:
        yield url, world


# The backend whose cases also run axe and keep the phone screenshots (see the docstring).
AUDITED = "sqlite"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_fits_a_phone_passes_axe_and_shows_no_code(
    console: tuple[str, World], tmp_path: Path, language: str, backend: str
) -> None:
    _require_chromium()
    from axe_playwright_python.base import AXE_SCRIPT
    from playwright.sync_api import expect, sync_playwright

    url, world = console
    audited = backend == AUDITED
    codes = raw_codes(language)
    email_label, password_label, sign_in = SIGN_IN[language]
    problems: list[str] = []
    visited = replies_seen = 0
    shots = tmp_path / "shots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=WAIT_MS * 2
        )
        try:
            for email, paths in pages_of(world).items():
                context = browser.new_context(locale=LANGUAGES[language], bypass_csp=True)
                if audited:
                    context.add_init_script(script=AXE_SCRIPT)
                page = context.new_page()
                page.set_default_timeout(WAIT_MS)
                expect.set_options(timeout=WAIT_MS)
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                anonymous = ["/login"] if email == AGENT else []
                for path in anonymous + paths:
                    if path != "/login" and "declic_session" not in str(context.cookies()):
                        page.goto(url + "/login")
                        page.get_by_label(email_label).fill(email)
                        page.get_by_label(password_label).fill(PASSWORD)
                        page.get_by_role("button", name=sign_in).click()
                        expect(page.get_by_role("heading", level=1)).to_be_visible()
                    for name, (width, height) in VIEWPORTS.items():
                        page.set_viewport_size({"width": width, "height": height})
                        where = f"{language} {email} {path} {name}"
                        if name == "phone":
                            # goto returns at the load event: the page is rendered by the
                            # server, its styles and scripts are in. (Waiting for "networkidle"
                            # added half a second of quiet to each view; the case page polls.)
                            response = page.goto(url + path)
                            if response is None or response.status != 200:
                                problems.append(f"{where}: HTTP {response and response.status}")
                        found, has_reply_box = check(page, codes, where, axe=audited)
                        problems.extend(found)
                        replies_seen += has_reply_box
                        if name == "phone" and audited:
                            slug = re.sub(r"[^a-z0-9]+", "-", f"{language}-{email[:4]}{path}")
                            page.screenshot(path=str(shots / f"{slug}.png"), full_page=True)
                            page.screenshot(path=str(shots / f"{slug}-screen.png"))
                        visited += 1
                problems.extend(f"{email}: script error {e}" for e in errors)
                context.close()
        finally:
            browser.close()
    print(f"{visited} page views checked, axe {'on' if audited else 'off'}; shots in {shots}")
    assert not problems, "\n".join(problems)
    expected = sum(len(paths) for paths in pages_of(world).values()) + 1
    assert visited == expected * len(VIEWPORTS)
    assert replies_seen >= len(VIEWPORTS), "the agent's case page has no reply box"
