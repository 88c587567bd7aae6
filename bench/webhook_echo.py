"""The webhook benchmarks' baseline: the least a webhook endpoint can do, in its own process.

It checks the secret, parses the update and answers 200, like a worker with nothing to handle.
Only aiohttp is imported (no aiogram: its import costs seconds). Run by ``bench.webhook_driver``
as ``python -m bench.webhook_echo PORT SECRET``.
"""

from __future__ import annotations

import sys

from aiohttp import web

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def echo_app(secret: str) -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        if request.headers.get(SECRET_HEADER) != secret:
            return web.Response(status=401)
        update = await request.json()
        if not isinstance(update, dict) or "update_id" not in update:
            return web.json_response({"ok": False}, status=400)
        return web.json_response({"ok": True})

    async def ok(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, handle)
    app.router.add_get("/readyz", ok)
    app.router.add_get("/healthz", ok)
    return app


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit("usage: python -m bench.webhook_echo PORT SECRET")
    web.run_app(echo_app(argv[1]), host="127.0.0.1", port=int(argv[0]), access_log=None, print=None)


if __name__ == "__main__":
    main(sys.argv[1:])
