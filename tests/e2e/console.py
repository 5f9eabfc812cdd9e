"""Calling the console's API as Telegram's Mini App would: signed launch data on every request."""

from __future__ import annotations

import time
from typing import Any

import aiohttp

from bot.domain.web_app import sign_init_data, user_fields
from tests.e2e.conftest import RunningBot

API = "/console/api"

LIGHT_THEME = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#707579",
    "link_color": "#3390ec",
    "button_color": "#3390ec",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#f4f4f5",
    "header_bg_color": "#ffffff",
    "accent_text_color": "#3390ec",
    "section_bg_color": "#ffffff",
    "section_header_text_color": "#3390ec",
    "subtitle_text_color": "#707579",
    "destructive_text_color": "#e53935",
    "section_separator_color": "#e7e7e7",
}
"""Telegram's light theme, as its clients pass it (``tgWebAppThemeParams``)."""

DARK_THEME = {
    "bg_color": "#212121",
    "text_color": "#ffffff",
    "hint_color": "#aaaaaa",
    "link_color": "#8774e1",
    "button_color": "#8774e1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#181818",
    "header_bg_color": "#212121",
    "accent_text_color": "#8774e1",
    "section_bg_color": "#212121",
    "section_header_text_color": "#8774e1",
    "subtitle_text_color": "#aaaaaa",
    "destructive_text_color": "#ff595a",
    "section_separator_color": "#303030",
}
"""Telegram's dark theme (Telegram Web A's night colours)."""


def init_data(bot: RunningBot, user_id: int, language: str | None = "en", age: int = 0) -> str:
    """Launch data Telegram would give ``user_id`` opening the console ``age`` seconds ago."""
    fields = user_fields(user_id, language, int(time.time()) - age)
    return sign_init_data(bot.api.token, fields)


def console_link(
    bot: RunningBot, user_id: int, language: str = "en", theme: dict[str, str] | None = None
) -> str:
    """The console's address with the launch parameters in its fragment, as Telegram opens it."""
    assert bot.application.web_url is not None
    url = f"{bot.application.web_url}/console/"
    return bot.api.web_app_url(url, user_id, language, theme, platform="tdesktop")


async def call(
    http: aiohttp.ClientSession,
    bot: RunningBot,
    method: str,
    path: str,
    *,
    user_id: int | None = None,
    language: str = "en",
    body: Any = None,
    authorization: str | None = None,
) -> tuple[int, str]:
    """One API request as ``user_id`` (or with the ``authorization`` given); status and text."""
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization
    elif user_id is not None:
        headers["Authorization"] = "tma " + init_data(bot, user_id, language)
    assert bot.application.web_url is not None
    url = bot.application.web_url + API + path
    async with http.request(method, url, json=body, headers=headers) as response:
        return response.status, await response.text()
