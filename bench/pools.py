"""The HTTP settings of the full bot and PTB's echo bot, printed beside their figures: the full
bot sends through its own aiohttp client, the echo bot through PTB's default httpx one."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from telegram.ext import Application
from telegram.request import BaseRequest, HTTPXRequest

from bench.echo_bot import build_echo
from bot.application import build_application
from bot.config import Settings
from bot.delivery.http import AiohttpRequest
from storage import Database

_TOKEN = "123456:POOLS"
_BASE_URL = "http://127.0.0.1:9/bot"


def request_settings(request: BaseRequest) -> dict[str, Any]:
    """Client, pool size, timeouts and HTTP version of one PTB request object."""
    if isinstance(request, AiohttpRequest):
        return {
            "class": "AiohttpRequest",
            "connection_pool_size": request.connection_pool_size,
            "timeouts": {"each": request.read_timeout},
        }
    if not isinstance(request, HTTPXRequest):
        return {"class": type(request).__name__}
    # PTB exposes neither the pool size nor the full timeout; read what it gave httpx.
    kwargs = request._client_kwargs
    timeout = kwargs["timeout"]
    return {
        "class": "HTTPXRequest",
        "connection_pool_size": kwargs["limits"].max_connections,
        "http_version": request.http_version,
        "timeouts": {
            "connect": timeout.connect,
            "read": timeout.read,
            "write": timeout.write,
            "pool": timeout.pool,
        },
    }


def application_settings(application: Application) -> dict[str, Any]:  # type: ignore[type-arg]
    """The getUpdates and the other-requests settings of an application's bot."""
    bot = application.bot
    get_updates, requests = bot._request  # PTB keeps both here and exposes only the second
    rate_limiter = getattr(bot, "rate_limiter", None)
    return {
        "get_updates": request_settings(get_updates),
        "requests": request_settings(requests),
        "rate_limiter": type(rate_limiter).__name__ if rate_limiter else None,
    }


async def compare() -> dict[str, Any]:
    """Both bots' settings."""
    with tempfile.TemporaryDirectory(prefix="qorgau-bench-") as folder:
        settings = Settings(
            token=_TOKEN, api_base_url=_BASE_URL, database=Path(folder) / "pools.sqlite3"
        )
        async with await Database.open(settings.database) as db:
            full = application_settings(build_application(settings, db))
    return {"full": full, "echo": application_settings(build_echo(_TOKEN, _BASE_URL))}
