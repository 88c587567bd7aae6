"""Posters (« aller vers »): the CLI and the console make an A4 PDF whose QR code decodes (a real
decoder, zxing-cpp, on the page rasterised by pdfium) to the bot's deep link; an idea started
from that link is counted under its campaign in the statistics."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pypdfium2 as pdfium
import pytest
import zxingcpp
from typer.testing import CliRunner

from declic.cli import app
from infra.clock import FrozenClock
from routing.stats import cells as stats_cells
from routing.stats import queries as stats
from tests.support.city import SAMPLE, city_from_files
from tests.support.conversation import RULES, conversation_service
from tests.support.residents import ScriptedResident

BOT = "BramepierreDeclicBot"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [n for n in os.environ if n.startswith("DECLIC_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def decoded(pdf: bytes) -> list[str]:
    page = pdfium.PdfDocument(io.BytesIO(pdf))[0]
    image = page.render(scale=1).to_pil()
    return [found.text for found in zxingcpp.read_barcodes(image)]


def text_of(pdf: bytes) -> str:
    page = pdfium.PdfDocument(io.BytesIO(pdf))[0]
    return page.get_textpage().get_text_range()


async def test_a_poster_s_qr_code_leads_to_an_idea_counted_under_its_campaign(
    migrated_url: str, uow_factory, clock: FrozenClock, tmp_path: Path
) -> None:
    env = {
        "DECLIC_DATABASE_URL": migrated_url,
        "DECLIC_BOT_USERNAME": f"@{BOT}",
        "DECLIC_OFFICE_NAME": "Maison des projets de Bramepierre",
    }
    runner = CliRunner()

    def cli(*args: str):  # type: ignore[no-untyped-def]  # the CLI runs its own event loop
        return asyncio.to_thread(runner.invoke, app, list(args), env=env)

    for name in ("territories.yaml", "territories.geojson"):
        assert (await cli("city", "import", str(SAMPLE / name))).exit_code == 0
    made = await cli("poster", "--quartier", "la-garenne", "--source", "fete-garenne")
    assert made.exit_code == 0, made.output
    pdf = (tmp_path / "affiche-la-garenne.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    [link] = decoded(pdf)
    assert link == f"https://t.me/{BOT}?start=fete-garenne"
    words = text_of(pdf)
    assert "Une idée pour La Garenne ?" in words and "Maison des projets de Bramepierre" in words

    service = conversation_service(uow_factory, clock, gazetteer=city_from_files(SAMPLE))
    resident = ScriptedResident(service)
    start = parse_qs(urlsplit(link).query)["start"][0]
    await resident.says(f"/start {start}")
    await resident.says("Une fête des voisins allée des acacias, on est un petit groupe")
    async with uow_factory() as uow:
        rows = await stats.cut(
            uow,
            "source",
            stats_cells.Filters(),
            stats_cells.Options(min_cell=1, tz=RULES.tz, stale_months=12, round_to=1),
        )
    by_source = {row["key"]: row for row in rows}
    assert by_source["fete-garenne"]["received"] == 1


def test_an_unknown_quartier_or_a_bad_source_is_refused(migrated_url: str) -> None:
    env = {"DECLIC_DATABASE_URL": migrated_url, "DECLIC_BOT_USERNAME": BOT}
    runner = CliRunner()
    runner.invoke(app, ["city", "import", str(SAMPLE / "territories.yaml")], env=env)
    unknown = runner.invoke(app, ["poster", "--quartier", "atlantis"], env=env)
    assert unknown.exit_code == 1 and "vieille-ville" in unknown.output
    bad = runner.invoke(app, ["poster", "--quartier", "pont-rouge", "--source", "é t é"], env=env)
    assert bad.exit_code == 1 and "refusée" in bad.output


async def test_the_console_page_picks_the_quartier_from_the_city_and_serves_the_pdf(
    migrated_url: str, uow_factory, clock: FrozenClock
) -> None:
    from knowledge.demo import load_demo_city
    from tests.support.console import add_staff, browser, console_app, login

    await load_demo_city(uow_factory, clock.now())
    await add_staff(uow_factory, clock, "coord@example.org", role="coordinator")
    await add_staff(uow_factory, clock, "agent@example.org", role="agent")
    app = console_app(migrated_url, uow_factory, clock, bot_username=BOT)
    async with browser(app) as client:
        await login(client, "coord@example.org")
        page = await client.get("/posters")
        assert page.status_code == 200, page.text
        assert '<option value="glycines">Les Glycines</option>' in page.text
        pdf = await client.get("/posters/affiche.pdf?quartier=glycines&source=marche-noel")
        assert pdf.headers["content-type"] == "application/pdf"
        assert decoded(pdf.content) == [f"https://t.me/{BOT}?start=marche-noel"]
        assert (await client.get("/posters/affiche.pdf?quartier=atlantis")).status_code == 404
        bad = await client.get("/posters/affiche.pdf?quartier=glycines&source=a%20b")
        assert bad.status_code == 400
    async with browser(app) as client:
        await login(client, "agent@example.org")
        assert (await client.get("/posters")).status_code in (303, 403)
