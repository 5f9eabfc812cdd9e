"""Running ``python -m bot`` as a real process against the local Bot API server."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sandbox.local_api import LocalBotApi
from storage.location import DatabaseLocation
from tests.e2e.conftest import ADMIN_ID, web_settings, webhook_mode
from tests.stored import has_row, location_text, traces

__all__ = ["bot_process", "environment", "eventually", "has_row", "run_cli", "traces"]

ROOT = Path(__file__).resolve().parents[2]


_WEB: dict[str, dict[str, object]] = {}
"""The web server of each database's bot: one port per database, so that ``health`` run with
the same environment asks the bot that runs on it, and a restarted bot gets its port back."""


def environment(
    api: LocalBotApi, database: DatabaseLocation, broadcast_rate: float | None = None
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    web = _WEB.setdefault(str(database), web_settings())
    host, port = web["listen"]  # type: ignore[misc]
    env.update(
        BOT_TOKEN=api.token,
        BOT_API_BASE_URL=api.base_url,
        BOT_DATABASE=location_text(database),
        BOT_ADMINS=str(ADMIN_ID),
        BOT_LISTEN=f"{host}:{port}",
        BOT_PUBLIC_URL=str(web["public_url"]),
    )
    if "webhook_secret" in web:
        env["BOT_WEBHOOK_SECRET"] = str(web["webhook_secret"])
    if broadcast_rate is not None:
        env["BOT_BROADCAST_RATE"] = str(broadcast_rate)
    return env


async def run_cli(*args: str, env: dict[str, str], **popen: Any) -> tuple[int, str, str]:
    """``python -m bot ARGS``: its exit code, stdout and stderr (it must end within 30 s)."""
    popen.setdefault("cwd", ROOT)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        **popen,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@asynccontextmanager
async def bot_process(
    api: LocalBotApi,
    database: DatabaseLocation,
    broadcast_rate: float | None = None,
    *,
    cwd: Path = ROOT,
    extra_env: dict[str, str] | None = None,
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot run`` against ``api``; yielded once it takes updates (it polls, or
    it set its webhook); killed if still alive."""
    polls_before, webhooks_before = api.polls_received, api.webhooks_set
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env={**environment(api, database, broadcast_rate), **(extra_env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        if webhook_mode():
            await api.wait_until(lambda: api.webhooks_set > webhooks_before, timeout=20)
        else:
            await api.wait_until(lambda: api.polls_received > polls_before, timeout=20)
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def eventually(predicate: Callable[[], object], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Poll ``predicate`` (e.g. a look at files another process writes) until it holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{predicate} did not hold within {timeout}s")
        await asyncio.sleep(0.02)
