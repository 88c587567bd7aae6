"""The checks of `declic doctor` that reach out: database, Bot API, webhook, Redis.

Each is bounded by ``TIMEOUT_SECONDS`` and turns any failure into a ✗ line that names the
kind of error (never its text, which may quote a URL with the token) and what to do.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from sqlalchemy import func, select, text

from declic.checkup import Check, Checkup
from infra.i18n import N_
from infra.logging import redact
from infra.settings import Settings

TIMEOUT_SECONDS = 5.0
DB_FIX = N_("vérifiez DECLIC_DATABASE_URL et que le serveur de base de données tourne")
UPGRADE = N_("lancez `declic db upgrade`")


async def database(doc: Checkup, s: Settings) -> list[Check]:
    """Database reachable, schema at head, directory not empty (three lines)."""
    from alembic.runtime.migration import MigrationContext

    from infra.db import make_engine
    from infra.migrate import head_revision

    path = s.sqlite_path()
    if path is not None and not path.exists():  # never create it here
        return [
            doc.check(
                "database",
                "warn",
                N_("pas encore de fichier SQLite ({path})"),
                N_("`declic db upgrade` le crée (le bot aussi, à son premier démarrage)"),
                path=str(path),
            ),
            doc.check("migrations", "skip", N_("non vérifié (pas de base)")),
            doc.check("directory", "skip", N_("non vérifié (pas de base)")),
            doc.check("city", "skip", N_("non vérifié (pas de base)")),
        ]
    engine = make_engine(s.database_url)
    where = engine.url.render_as_string(hide_password=True)
    try:
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS), engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                current = await conn.run_sync(
                    lambda c: MigrationContext.configure(c).get_current_revision()
                )
        except Exception as exc:
            return [
                doc.check(
                    "database",
                    "fail",
                    N_("ne répond pas à {where} ({error})"),
                    DB_FIX,
                    where=where,
                    error=_kind(exc),
                ),
                doc.check("migrations", "skip", N_("non vérifié (base injoignable)")),
                doc.check("directory", "skip", N_("non vérifié (base injoignable)")),
                doc.check("city", "skip", N_("non vérifié (base injoignable)")),
            ]
        reached = doc.check("database", "ok", N_("joignable ({where})"), where=where)
        head = head_revision(s.database_url)
        schema = _schema(doc, current, head, s.database_url)
        if schema.status != "ok":
            return [
                reached,
                schema,
                doc.check("directory", "skip", N_("non vérifié (schéma)")),
                doc.check("city", "skip", N_("non vérifié (schéma)")),
            ]
        return [reached, schema, await _directory(doc, engine), await _city(doc, engine)]
    finally:
        await engine.dispose()


def _schema(doc: Checkup, current: str | None, head: str | None, url: str) -> Check:
    from alembic.script import ScriptDirectory

    from infra.migrate import alembic_config

    details = {"current": current, "head": head}
    if current == head:
        return doc.check("migrations", "ok", N_("à jour ({head})"), details=details, head=head)
    if current is None:
        return doc.check(
            "migrations", "fail", N_("base vide : aucune migration appliquée"), UPGRADE, details
        )
    try:
        ScriptDirectory.from_config(alembic_config(url)).get_revision(current)
    except Exception:
        return doc.check(
            "migrations",
            "fail",
            N_("révision {current} inconnue de cette version du code (attendue : {head})"),
            N_("déployez la version du code qui correspond à la base"),
            details,
            current=current,
            head=head,
        )
    return doc.check(
        "migrations",
        "fail",
        N_("en retard : révision {current}, le code attend {head}"),
        UPGRADE,
        details,
        current=current,
        head=head,
    )


async def _directory(doc: Checkup, engine: Any) -> Check:
    from knowledge.records import ResourceRow

    async with asyncio.timeout(TIMEOUT_SECONDS), engine.connect() as conn:
        count = await conn.scalar(
            select(func.count()).select_from(ResourceRow).where(ResourceRow.active.is_(True))
        )
    if not count:
        return doc.check(
            "directory",
            "warn",
            N_("vide : aucune ressource à proposer aux habitants"),
            N_("importez-le : `declic directory import CHEMIN` (YAML, CSV ou HSDS)"),
            details={"resources": 0},
        )
    return doc.check(
        "directory",
        "ok",
        N_("ressources actives : {count}"),
        details={"resources": count},
        count=count,
    )


async def _city(doc: Checkup, engine: Any) -> Check:
    """The city's geography: without quartiers the bot asks residents for their own words."""
    from knowledge.city.records import ShapeRow, StreetRow, TerritoryRow

    async with asyncio.timeout(TIMEOUT_SECONDS), engine.connect() as conn:
        quartiers = await conn.scalar(
            select(func.count()).select_from(TerritoryRow).where(TerritoryRow.level == "quartier")
        )
        streets = await conn.scalar(select(func.count()).select_from(StreetRow))
        shapes = await conn.scalar(select(func.count()).select_from(ShapeRow))
    details = {"quartiers": quartiers, "streets": streets, "shapes": shapes}
    if not quartiers:
        return doc.check(
            "city",
            "warn",
            N_("aucune ville importée : le bot demande le quartier en texte libre"),
            N_(
                "importez-la : `declic city import territoires.yaml`, puis les contours "
                "(`.geojson`) et les adresses (`.csv` de la Base Adresse Nationale)"
            ),
            details=details,
        )
    return doc.check(
        "city",
        "ok",
        N_("{quartiers} quartiers, {streets} rues, {shapes} contours"),
        details=details,
        **details,
    )


async def bot_api(doc: Checkup, s: Settings) -> Check:
    """getMe with the token: the token is set, Telegram (or the local API) answers and knows it."""
    if s.telegram_token is None:
        return doc.check(
            "telegram",
            "fail",
            N_("DECLIC_TELEGRAM_TOKEN n'est pas défini"),
            N_(
                "demandez un jeton à @BotFather dans Telegram (commande /newbot) et mettez-le "
                "dans DECLIC_TELEGRAM_TOKEN"
            ),
        )
    api = redact(s.telegram_api_url)
    try:
        status, body = await call_bot_api(s, "getMe")
    except Exception as exc:
        return doc.check(
            "telegram",
            "fail",
            N_("injoignable à {api} ({error})"),
            N_("vérifiez le réseau (pare-feu, proxy) et DECLIC_TELEGRAM_API_URL"),
            api=api,
            error=_kind(exc),
        )
    if status in (401, 404):  # Telegram answers 404 to a malformed token
        return doc.check(
            "telegram",
            "fail",
            N_("Telegram refuse le jeton ({answer})"),
            N_(
                "recopiez le jeton donné par @BotFather (/mybots, API Token) dans "
                "DECLIC_TELEGRAM_TOKEN"
            ),
            answer=f"{status} {body.get('description', '')}".strip(),
        )
    if status != 200 or not body.get("ok"):
        return doc.check(
            "telegram",
            "fail",
            N_("réponse inattendue de {api} : {answer}"),
            N_("réessayez plus tard ; vérifiez DECLIC_TELEGRAM_API_URL"),
            api=api,
            answer=status,
        )
    me = body["result"]
    return doc.check(
        "telegram",
        "ok",
        N_("@{username} répond"),
        details={"id": me.get("id"), "username": me.get("username")},
        username=me.get("username", "?"),
    )


async def webhook(doc: Checkup, s: Settings) -> Check:
    """getWebhookInfo: in webhook mode Telegram calls our URL without errors; in polling mode
    no webhook is left that would keep updates from ``getUpdates``."""
    try:
        status, body = await call_bot_api(s, "getWebhookInfo")
        info: dict[str, Any] = body["result"] if status == 200 else {}
    except Exception as exc:
        return doc.check(
            "webhook", "fail", N_("getWebhookInfo a échoué ({error})"), error=_kind(exc)
        )
    url, pending = info.get("url", ""), info.get("pending_update_count", 0)
    last_error = info.get("last_error_message")
    details = {"url": url, "pending_update_count": pending, "last_error_message": last_error}
    if s.webhook_url:
        from bot.webhook import WEBHOOK_PATH

        expected = s.webhook_url.rstrip("/") + WEBHOOK_PATH
        if url != expected:
            return doc.check(
                "webhook",
                "fail",
                N_("Telegram envoie les mises à jour à « {url} », et non à « {expected} »"),
                N_("démarrez `declic bot --webhook` : il déclare son adresse à Telegram"),
                details,
                url=url or "—",
                expected=expected,
            )
        if last_error:
            return doc.check(
                "webhook",
                "fail",
                N_("la dernière livraison a échoué : {error} (en attente : {pending})"),
                N_("vérifiez que {expected} est joignable depuis Internet en HTTPS"),
                details,
                error=last_error,
                pending=pending,
                expected=expected,
            )
        return doc.check(
            "webhook",
            "ok",
            N_("{expected} (mises à jour en attente : {pending})"),
            details=details,
            expected=expected,
            pending=pending,
        )
    if url:
        return doc.check(
            "webhook",
            "warn",
            N_("un webhook est déclaré ({url}) alors que le bot est en long polling"),
            N_("`declic bot` le retire au démarrage ; ou définissez DECLIC_WEBHOOK_URL"),
            details,
            url=url,
        )
    return doc.check(
        "webhook",
        "ok",
        N_("aucun, long polling (mises à jour en attente : {pending})"),
        details=details,
        pending=pending,
    )


async def redis(doc: Checkup, s: Settings) -> Check:
    from redis.asyncio import from_url

    assert s.redis_url is not None
    where = redact(s.redis_url)
    client = from_url(s.redis_url, socket_connect_timeout=TIMEOUT_SECONDS)
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            await client.ping()
    except Exception as exc:
        return doc.check(
            "redis",
            "fail",
            N_("ne répond pas à {where} ({error})"),
            N_("vérifiez DECLIC_REDIS_URL et que Redis tourne (ou retirez DECLIC_REDIS_URL)"),
            where=where,
            error=_kind(exc),
        )
    finally:
        await client.aclose()
    return doc.check("redis", "ok", N_("joignable ({where})"), where=where)


async def call_bot_api(s: Settings, method: str) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) of one Bot API call, bounded; raises on network errors."""
    assert s.telegram_token is not None
    url = f"{s.telegram_api_url.rstrip('/')}/bot{s.telegram_token.get_secret_value()}/{method}"
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as response:
        try:
            body = await response.json(content_type=None)
        except ValueError:
            body = {}
        return response.status, body if isinstance(body, dict) else {}


def _kind(exc: BaseException) -> str:
    """The error's kind, not its text: texts may quote URLs with secrets in them."""
    if isinstance(exc, TimeoutError):
        return f"timeout {TIMEOUT_SECONDS:g} s"
    cause = exc.__cause__ or exc.__context__
    if type(exc).__name__ in ("OperationalError", "InterfaceError", "DBAPIError") and cause:
        return type(cause).__name__
    return type(exc).__name__
