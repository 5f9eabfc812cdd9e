"""The HTTP side: aiohttp's low-level server answering with the Bot API envelope."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from .calllog import CallLog
from .errors import ApiError, bad_request
from .methods import Method, find_method
from .params import Params, UploadedFile
from .state import World

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 50 * 1024 * 1024
_API_PREFIX = "/bot"
_FILE_PREFIX = "/file/bot"


class BotApiHttp:
    """Routes /bot<token>/<method> (GET or POST) and /file/bot<token>/<path>."""

    def __init__(self, world: World, log: CallLog) -> None:
        self.world = world
        self.log = log
        self.internal_errors: list[Exception] = []

    def make_server(self) -> web.Server:
        """An aiohttp low-level server bound to this handler."""
        return web.Server(
            self.handle,
            request_factory=self._make_request,
            handler_cancellation=True,
            access_log=None,
        )

    def _make_request(self, *args: Any) -> web.BaseRequest:
        """aiohttp's default request factory, with room for document uploads."""
        return web.BaseRequest(*args, asyncio.get_running_loop(), client_max_size=MAX_BODY_BYTES)

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        """Answer one HTTP request."""
        path = request.path
        if path.startswith(_API_PREFIX):
            token, _, name = path[len(_API_PREFIX) :].partition("/")
            return await self._call(request, token, name)
        if path.startswith(_FILE_PREFIX):
            token, _, file_path = path[len(_FILE_PREFIX) :].partition("/")
            return self._download(token, file_path)
        return _json(ApiError(404, "Not Found").envelope(), 404)

    async def _call(self, request: web.BaseRequest, token: str, name: str) -> web.Response:
        method = find_method(name)
        if token != self.world.token:
            error = ApiError(401, "Unauthorized")
        elif method is None or method.name in self.world.unknown_methods:
            error = ApiError(404, "Not Found")
        else:
            return await self._run(request, method)
        self.log.record(name, {}, error.code)
        return _json(error.envelope(), error.code)

    async def _run(self, request: web.BaseRequest, method: Method) -> web.Response:
        params: dict[str, Any] = {}
        outage = None
        try:
            params = await read_params(request)
            outage = self.world.faults.strike(method.name, params.get("chat_id"))
            if outage is not None and outage.status is not None:
                raise outage.error()
            result = method.handler(self.world, Params(params))
            if method.is_async:
                result = await result
        except ApiError as error:
            body, status = error.envelope(), error.code
        except Exception as error:  # a bug of the local server: answer 500, keep it for the test
            logger.exception("local Bot API failed in %s", method.name)
            self.internal_errors.append(error)
            body = {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: {error!r}",
            }
            status = 500
        else:
            body, status = {"ok": True, "result": result}, 200
        self.log.record(method.name, params, status)
        if outage is not None and outage.late:
            await asyncio.sleep(outage.late)  # done, but the answer comes too late
        return _json(body, status)

    def _download(self, token: str, file_path: str) -> web.Response:
        stored = next(
            (stored for stored in self.world.files.values() if stored.file_path == file_path),
            None,
        )
        if token != self.world.token or stored is None:
            return _json(ApiError(404, "Not Found").envelope(), 404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )


async def read_params(request: web.BaseRequest) -> dict[str, Any]:
    """Query string plus a JSON, urlencoded or multipart body, merged into one mapping."""
    params: dict[str, Any] = dict(request.query) if request.query_string else {}
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON body must be an object")
        params.update(body)
        return params
    for name, value in (await request.post()).items():
        params[name] = (
            UploadedFile(value.filename, value.content_type, value.file.read())
            if isinstance(value, FileField)
            else value
        )
    return params


def _json(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode(),
        status=status,
        content_type="application/json",
    )
