"""Issue 13's acceptance on the held-out town Sorlanges (tests/data/heldout_town, written by
someone who read none of this code): from an empty database, the operator imports the town's
YAML, GeoJSON and national address CSV, then its HSDS directory, with the CLI; residents then
talk to the real `declic bot` process through the local Bot API server, on SQLite and
PostgreSQL:

- the quartier question offers that town's quartiers (paged: it has 9) and none of Rivebelle's;
- a message naming a street sets the quartier without asking;
- a shared location answers the quartier question, and no coordinates are kept (searched in
  the SQLite file's bytes, and in every row on PostgreSQL);
- the privacy notice states that town's office name and retention period.
"""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import pytest
import yaml
from shapely.geometry import Point, shape

from infra.migrate import upgrade_to_head
from knowledge.demo import demo_city
from tests.support.bot_process import (
    BotProcess,
    Resident,
    bot_env,
    declic_cli,
    query,
)
from tests.support.city import HELDOUT
from tests.support.fake_bot_api import FakeBotApi

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(300),
]

OFFICE = {
    "DECLIC_OFFICE_NAME": "Maison des initiatives de Sorlanges",
    "DECLIC_TOWN_NAME": "Sorlanges",
    "DECLIC_RETENTION_MONTHS": "12",
}
IDEA = "Avec des voisins on voudrait monter un atelier de réparation de vélos"
# A point of Montjoie with decimals nothing else in the database could contain.
LATITUDE_TAIL, LONGITUDE_TAIL = 0.0000137, 0.0000291


async def _until_polling_slowly(server: FakeBotApi, bot: BotProcess) -> None:
    """As ``until_polling``, with room for a machine shared by many test runs (importing
    aiogram, scikit-learn and shapely took 35 s at a load of 20)."""
    polls = server.polls_started
    await server.wait_until(lambda: server.polls_started > polls or not bot.alive(), timeout=240)
    assert bot.alive(), bot.log()


def _heldout() -> tuple[list[dict], dict]:
    rows = yaml.safe_load((HELDOUT / "territories.yaml").read_text(encoding="utf-8"))
    shapes = json.loads((HELDOUT / "territories.geojson").read_text(encoding="utf-8"))
    return rows, {f["properties"]["id"]: shape(f["geometry"]) for f in shapes["features"]}


def _reply_markup(call) -> dict:  # type: ignore[no-untyped-def]
    markup = call.params.get("reply_markup") or {}
    return json.loads(markup) if isinstance(markup, str) else markup


def _point_in(polygon) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    inside = polygon.representative_point()
    latitude = round(inside.y, 4) + LATITUDE_TAIL
    longitude = round(inside.x, 4) + LONGITUDE_TAIL
    assert polygon.contains(Point(longitude, latitude))
    return latitude, longitude


async def test_a_town_the_code_never_saw(
    server: FakeBotApi,
    bot_database: str,
    tmp_path: Path,
) -> None:
    database_url = bot_database
    sqlite = database_url.startswith("sqlite")
    if not sqlite:
        await asyncio.to_thread(upgrade_to_head, database_url)
    for name in ("territories.yaml", "territories.geojson", "adresses.csv"):
        await declic_cli(server, database_url, tmp_path, "city", "import", str(HELDOUT / name))
    await declic_cli(
        server, database_url, tmp_path, "directory", "import", str(HELDOUT / "directory.json")
    )
    shown = json.loads(await declic_cli(server, database_url, tmp_path, "city", "show", "--json"))
    assert shown["counts"]["quartiers"] == 9 and shown["counts"]["shapes"] == 12

    rows, shapes = _heldout()
    quartiers = {r["id"] for r in rows if r["level"] == "quartier"}
    street_of = next(r for r in rows if r["id"] == "les-chaumes")["streets"][0]
    latitude, longitude = _point_in(shapes["montjoie"])
    rivebelle = {q.id for q in demo_city().quartiers}

    env = bot_env(server, database_url) | OFFICE
    bot = BotProcess(env, tmp_path)
    try:
        bot.start()
        await _until_polling_slowly(server, bot)

        # 1. The quartier question: this town's quartiers only, every one reachable.
        lina = Resident(server, server.user(5151, "Lina", language_code="fr"))
        user = lina.user
        await lina.does(user.send_command("/start"), ["sendMessage"])
        assert "Sorlanges" in (user.messages[-1].text or ""), user.transcript()
        await lina.does(user.send_text(IDEA), ["sendMessage", "sendMessage"])
        question, share = user.messages[-2], user.messages[-1]
        assert "Dans quel quartier" in (question.text or ""), user.transcript()
        assert "partager ta position" in (share.text or "")
        keyboard = server.chats[user.id].reply_keyboard  # the fake keeps reply keyboards there
        button = keyboard["keyboard"][0][0]
        assert button == {"text": "📍 Partager ma position", "request_location": True}
        shared = next(c for c in server.sent() if "keyboard" in _reply_markup(c))
        offered: set[str] = set()
        for _ in range(2):
            values = {d.split(":")[2] for d in user.keyboard_message.callback_data}  # type: ignore[union-attr]
            offered |= values - {"elsewhere"}
            assert "elsewhere" in values and not values & rivebelle
            more = next(v for v in values if v.startswith("page."))
            await lina.does(user.press(action="a", value=more), ["editMessageText"])
        assert {v for v in offered if not v.startswith("page.")} == quartiers
        # Asked again, the question comes alone: the location button is still on screen.
        await lina.does(user.send_text("je sais pas trop"), ["sendMessage"])
        assert "quartier" in (user.messages[-1].text or "") and user.messages[-1].buttons
        assert [c for c in server.sent() if "keyboard" in _reply_markup(c)] == [shared]
        assert server.chats[user.id].reply_keyboard == keyboard

        # 2. A shared location answers it; only the quartier is kept, and Lina is told so,
        # with the button taken away; the next question follows, its buttons fresh.
        await lina.does(
            user.send_location(latitude=latitude, longitude=longitude),
            ["sendMessage", "sendMessage"],
        )
        told, needs = user.messages[-2], user.messages[-1]
        assert "Montjoie" in (told.text or ""), user.transcript()
        assert "Je garde seulement le quartier, pas ta position" in (told.text or "")
        assert server.chats[user.id].reply_keyboard == {"remove_keyboard": True}
        assert needs.find_button(action="a", value="unsure"), user.transcript()
        ideas = await query(database_url, "SELECT neighbourhood FROM ideas")
        assert ideas == [("montjoie",)]

        # 3. The privacy notice: this town's office and retention period.
        for _ in range(6):  # needs, group, timing: then the consent question
            if user.keyboard_message.find_button(action="a", value="yes"):  # type: ignore[union-attr]
                break
            values = [d.split(":")[2] for d in user.keyboard_message.callback_data]  # type: ignore[union-attr]
            pressed = "unsure" if "unsure" in values else values[0]
            await lina.does(user.press(action="a", value=pressed), ["sendMessage"])
            assert "plus ancien" not in (user.messages[-1].text or ""), user.transcript()
        notice = user.keyboard_message.text or ""  # type: ignore[union-attr]
        assert "« Maison des initiatives de Sorlanges »" in notice, user.transcript()
        assert "pendant 12 mois au plus" in notice and "2 ans" not in notice
        await lina.does(user.press(action="a", value="why"), ["sendMessage"])
        details = user.messages[-1].text or ""
        assert "Maison des initiatives de Sorlanges" in details and "12 mois après" in details

        # 4. A street named in the first message sets the quartier without asking.
        malo = Resident(server, server.user(5252, "Malo", language_code="fr"))
        await malo.does(malo.user.send_command("/start"), ["sendMessage"])
        await malo.does(malo.user.send_text(f"{IDEA}, on habite {street_of}"), ["sendMessage"])
        asked = malo.user.messages[-1]
        assert not any(d.split(":")[2] in quartiers for d in asked.callback_data), (
            malo.user.transcript()
        )
        found = await query(
            database_url, "SELECT neighbourhood FROM ideas ORDER BY id DESC LIMIT 1"
        )
        assert found == [("les-chaumes",)]
        assert await bot.stop(signal.SIGTERM) == 0, bot.log()
    except BaseException:
        print(f"----- bot log -----\n{bot.log()}")
        raise
    finally:
        bot.ensure_dead()

    # 5. No coordinates anywhere: not in the bot's log, not in the database.
    telltales = [f"{latitude:.7f}"[:9], f"{longitude:.7f}"[:8]]
    assert all(t[-2:] != "00" for t in telltales)
    assert not [t for t in telltales if t in bot.log()]
    if sqlite:
        path = Path(database_url.split(":///", 1)[1])
        for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if part.exists():
                data = part.read_bytes()
                assert not [t for t in telltales if t.encode() in data], part.name
    else:
        tables = await query(
            database_url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        for (table,) in tables:
            if table == "territory_shapes":  # the town's outlines, not a resident's point
                continue
            for row in await query(database_url, f'SELECT t::text FROM "{table}" t'):
                assert not [t for t in telltales if t in str(row)], table
