"""What the web server's handlers find on the aiohttp application."""

from __future__ import annotations

import time
from dataclasses import dataclass

from aiohttp import web

from handlers.context import QorgauApplication


@dataclass(slots=True)
class Receiving:
    """How updates reach the bot, for ``/healthz`` and the webhook."""

    mode: str = "polling"
    """``polling`` or ``webhook``."""
    accepting: bool = False
    """Whether the webhook takes updates now."""
    since: float = 0.0
    """When updates began to be taken (monotonic); 0 before."""

    def start(self, mode: str) -> None:
        """Updates now come by ``mode``; the webhook takes them if that is its mode."""
        self.mode, self.accepting, self.since = mode, mode == "webhook", time.monotonic()


BOT = web.AppKey("bot", QorgauApplication)
"""The python-telegram-bot application: its bot, its update queue, its services."""

RECEIVING = web.AppKey("receiving", Receiving)
"""How updates come in, and whether the webhook takes them now."""
