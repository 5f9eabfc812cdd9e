"""The coordinators' console: a Telegram Mini App served by the bot itself (to come)."""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Add the console's page, files and API (none yet)."""
