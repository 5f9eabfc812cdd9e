"""Raw HTTP calls to the local server, for inputs PTB cannot express."""

from __future__ import annotations

from typing import Any

import aiohttp

from sandbox.local_api import LocalBotApi


class RawCaller:
    """Calls one method of a LocalBotApi; returns the HTTP status and the JSON body."""

    def __init__(self, api: LocalBotApi, session: aiohttp.ClientSession) -> None:
        self.api = api
        self.session = session

    async def __call__(
        self, method: str, *, token: str | None = None, http_method: str = "POST", **kwargs: Any
    ) -> tuple[int, dict[str, Any]]:
        url = f"{self.api.base_url}{token or self.api.token}/{method}"
        async with self.session.request(http_method, url, **kwargs) as response:
            return response.status, await response.json()
