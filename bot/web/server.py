"""The web server: one aiohttp application on ``BOT_LISTEN``, beside python-telegram-bot in
the same event loop.

It starts before the bot takes updates (so that a port in use is one clear line at start-up)
and stops after the bot has stopped taking them. In webhook mode it accepts updates only while
the bot runs: before the start and after the stop it answers 503, and Telegram sends again.
"""

from __future__ import annotations

import os

from aiohttp import web

from bot.web import console, health, webhook
from bot.web.keys import BOT, RECEIVING, Receiving
from bot.web.security import MAX_BODY_BYTES, secure_headers
from handlers.context import QorgauApplication

SHUTDOWN_TIMEOUT = 5.0
"""Seconds requests in hand may take to finish when the server stops."""


class WebServerUnavailable(RuntimeError):
    """``BOT_LISTEN`` cannot be bound; the message names it and says why."""


def build_app(application: QorgauApplication, receiving: Receiving) -> web.Application:
    """The aiohttp application with every route."""
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[secure_headers])
    app[BOT] = application
    app[RECEIVING] = receiving
    health.setup(app)
    if application.services.settings.webhook_mode:
        webhook.setup(app)
    console.setup(app)
    return app


class WebServer:
    """Serves the routes of :func:`build_app` on ``BOT_LISTEN``."""

    def __init__(self, application: QorgauApplication) -> None:
        self.application = application
        self.receiving = Receiving()
        self.app = build_app(application, self.receiving)
        self._runner: web.AppRunner | None = None
        self._address: tuple[str, int] | None = None

    async def start(self) -> None:
        """Bind ``BOT_LISTEN``; raise :class:`WebServerUnavailable` if it cannot be."""
        host, port = self.application.services.settings.listen
        # No access log: a console search would write what was searched for.
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            await runner.cleanup()
            cause = os.strerror(error.errno) if error.errno else str(error)
            raise WebServerUnavailable(
                f"BOT_LISTEN {host}:{port} cannot be used: {cause}"
            ) from None
        self._runner = runner
        bound = runner.addresses[0]
        self._address = (bound[0], bound[1])

    def accept_updates(self, mode: str) -> None:
        """Updates now come by ``mode``; the webhook takes them if that is its mode."""
        self.receiving.start(mode)

    def refuse_updates(self) -> None:
        """The bot is stopping: the webhook answers 503 from now on."""
        self.receiving.accepting = False

    async def stop(self) -> None:
        """Finish the requests in hand and close the socket; safe to call twice."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """``http://host:port`` of the bound socket (the port chosen, for ``:0``)."""
        if self._address is None:
            raise RuntimeError("the web server is not started")
        host, port = self._address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
