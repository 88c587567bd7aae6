"""`declic doctor [--json]`: is this installation ready to run, and if not, what to do.

Checks, in order: configuration, database reachable, schema at head, directory not empty,
Bot API reachable with the token, the webhook as Telegram sees it, Redis (when configured).
One line each, ✓ or ✗ (``!`` a warning, ``–`` not checked because an earlier check failed),
in the settings' language. Exit code 1 when a required check fails. Every network step is
bounded; no secret is ever printed (URLs are shown without passwords, the token never).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Coroutine
from dataclasses import asdict
from typing import Any

import typer

from declic.checkup import Check, Checkup
from infra.i18n import N_, Translator
from infra.settings import Settings, SettingsError, load_settings

MARKS: dict[str, str] = {"ok": "✓", "warn": "!", "fail": "✗", "skip": "–"}
TITLES = {
    "configuration": N_("Configuration"),
    "office": N_("Bureau et ville"),
    "database": N_("Base de données"),
    "migrations": N_("Schéma de la base"),
    "directory": N_("Annuaire"),
    "city": N_("Ville"),
    "telegram": N_("API Bot de Telegram"),
    "webhook": N_("Webhook"),
    "redis": N_("Redis"),
}


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor_command)


def doctor_command(
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Check configuration, database, migrations, directory, Bot API, webhook and Redis."""
    try:
        settings: Settings | None = load_settings()
    except SettingsError as exc:
        settings, refused = None, str(exc)
    t = Translator(settings.locale if settings else os.environ.get("DECLIC_LOCALE", "fr"))
    if settings is None:
        doctor = Doctor(t)
        checks = [
            doctor.check(
                "configuration",
                "fail",
                N_("les réglages sont refusés : {problem}"),
                N_("corrigez le fichier .env ou l'environnement, puis relancez `declic doctor`"),
                problem=refused,
            )
        ]
    else:
        checks = asyncio.run(Doctor(t, settings).run())
    healthy = all(c.status != "fail" for c in checks)
    if as_json:
        payload = {"ok": healthy, "checks": [asdict(c) for c in checks]}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for c in checks:
            line = f"{MARKS[c.status]} {t.gettext(TITLES[c.name])} : {c.message}"
            typer.echo(line + (f"\n    → {c.fix}" if c.fix else ""))
    raise typer.Exit(0 if healthy else 1)


class Doctor(Checkup):
    """The checks in order, each bounded, none ever a traceback."""

    async def run(self) -> list[Check]:
        from declic import doctor_checks as checks  # aiohttp and the database: only when run

        s = self.settings
        assert s is not None
        found = [self.configuration(s), self.office(s)]
        found += await self.guarded(
            ("database", "migrations", "directory", "city"), checks.database(self, s)
        )
        telegram = (await self.guarded(("telegram",), checks.bot_api(self, s)))[0]
        found.append(telegram)
        if telegram.status == "ok":
            found += await self.guarded(("webhook",), checks.webhook(self, s))
        else:
            found.append(
                self.check("webhook", "skip", N_("non vérifié (voir la ligne précédente)"))
            )
        if s.redis_url:
            found += await self.guarded(("redis",), checks.redis(self, s))
        return found

    async def guarded(
        self, names: tuple[str, ...], step: Coroutine[Any, Any, Check | list[Check]]
    ) -> list[Check]:
        """A check that breaks in an unforeseen way is a ✗ line too, never a traceback."""
        try:
            result = await step
        except Exception as exc:
            return [
                self.check(
                    name, "fail", N_("vérification impossible ({error})"), error=type(exc).__name__
                )
                for name in names
            ]
        return result if isinstance(result, list) else [result]

    def office(self, s: Settings) -> Check:
        """The office's own words: who residents are told they talk to, for how long data is
        kept, and the bot's username the posters link to."""
        register = N_("tutoiement") if s.default_register == "tu" else N_("vouvoiement")
        details = {
            "office": s.office_name,
            "town": s.town_name,
            "retention_months": s.retention_months,
            "register": s.default_register,
            "bot_username": s.bot_username,
        }
        params = {
            "office": s.office_name,
            "town": s.town_name or "—",
            "period": self.t.months(s.retention_months),
            "register": self.t.gettext(register),
        }
        message = N_("« {office} » ({town}), données gardées {period}, {register}")
        missing = [
            name
            for name, value in (
                (
                    "DECLIC_OFFICE_NAME",
                    s.office_name != Settings.model_fields["office_name"].default,
                ),
                ("DECLIC_TOWN_NAME", s.town_name),
                ("DECLIC_BOT_USERNAME", s.bot_username),
            )
            if not value
        ]
        if missing:
            return self.check(
                "office",
                "warn",
                message,
                N_(
                    "réglez {names} : les habitants lisent ces noms dans l'accueil, la notice "
                    "de confidentialité et les affiches (README, « Configuration »)"
                ),
                details,
                names=", ".join(missing),
                **params,
            )
        return self.check("office", "ok", message, details=details, **params)

    def configuration(self, s: Settings) -> Check:
        """What pydantic cannot see alone: settings that only make sense together."""
        problems: list[str] = []
        if s.webhook_url and s.webhook_secret is None:  # the settings check its form
            problems.append(
                N_(
                    "le mode webhook demande DECLIC_WEBHOOK_SECRET (1 à 256 caractères parmi "
                    "A-Z, a-z, 0-9, _ et - ; par exemple : openssl rand -hex 32)"
                )
            )
        if s.outbox_limits == "redis" and not s.redis_url:
            problems.append(N_("DECLIC_OUTBOX_LIMITS=redis demande DECLIC_REDIS_URL"))
        if problems:
            return self.check(
                "configuration",
                "fail",
                "; ".join(self.t.gettext(p) for p in problems),
                N_("corrigez le fichier .env ou l'environnement, puis relancez `declic doctor`"),
            )
        mode = N_("webhook") if s.webhook_url else N_("long polling")
        return self.check(
            "configuration",
            "ok",
            N_("environnement {environment}, langue {locale}, bot en {mode}"),
            details={
                "environment": s.environment,
                "mode": "webhook" if s.webhook_url else "polling",
            },
            environment=s.environment,
            locale=s.locale,
            mode=self.t.gettext(mode),
        )
