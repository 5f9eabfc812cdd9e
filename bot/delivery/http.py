"""The delivery engine's own client: python-telegram-bot's networking over aiohttp.

httpx, PTB's default, spends most of a bulk send's CPU in its connection pool bookkeeping;
over aiohttp the same sends cost a quarter of the CPU (see bench/README.md). Errors keep the
distinction the engine relies on: a request that surely never left is a
:class:`~telegram.error.NetworkError` (retried), one that may have reached Telegram is
:class:`~telegram.error.TimedOut` (its fate is unknown).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import aiohttp
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput  # the type PTB's own requests declare

DELIVERY_CONNECTIONS = 64
"""Connections of the delivery engine's own client: its ceiling of sends in flight."""

JSON_HEADERS = {"Content-Type": "application/json"}

DEFAULT_TIMEOUT = 5.0
"""Seconds for each of: waiting for a free connection, connecting, and reading the answer."""


def _seconds(value: ODVInput[float], default: float) -> float | None:
    """A per-call timeout, where PTB's "not given" means the default."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return value  # type: ignore[return-value]


class AiohttpRequest(BaseRequest):
    """A :class:`~telegram.request.BaseRequest` over one aiohttp session."""

    def __init__(self, connection_pool_size: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._pool_size = connection_pool_size
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self.last_answer: float | None = None
        """When the Bot API last answered a request of this client (monotonic time): for the
        polling client, a sign that updates flow (``/healthz``)."""

    @property
    def read_timeout(self) -> float | None:
        return self._timeout

    @property
    def connection_pool_size(self) -> int:
        """Connections at most, in flight at once."""
        return self._pool_size

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def do_request(  # noqa: PLR0917 (the signature is PTB's)
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; ``write_timeout`` has no aiohttp counterpart and is not applied."""
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_seconds(pool_timeout, self._timeout),
            sock_connect=_seconds(connect_timeout, self._timeout),
            sock_read=_seconds(read_timeout, self._timeout),
        )
        try:
            body = _body(request_data)
            headers = JSON_HEADERS if isinstance(body, bytes) else None
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                body = await response.read()
                self.last_answer = time.monotonic()
                return response.status, body
        except (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError) as error:
            raise NetworkError(f"not sent: {type(error).__name__}") from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise TimedOut(f"no answer: {type(error).__name__}") from error


def _body(request_data: RequestData | None) -> aiohttp.FormData | bytes | None:
    """The parameters as a JSON body (cheaper to build than a form), or as multipart form
    fields with the files when there are any."""
    if request_data is None:
        return None
    files = request_data.multipart_data
    if not files:
        return request_data.json_payload
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (file_name, content, mime_type) in files.items():
        form.add_field(name, content, filename=file_name, content_type=mime_type)
    return form


def bulk_client(token: str, base_url: str) -> Bot:
    """The delivery engine's own client, with its own connection pool: bulk sends never queue
    behind, or in front of, the replies to people talking to the bot."""
    return Bot(
        token, base_url=base_url, request=AiohttpRequest(connection_pool_size=DELIVERY_CONNECTIONS)
    )
