"""Running ``python -m bot`` as a real process against the local Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sandbox.local_api import LocalBotApi
from tests.e2e.conftest import ADMIN_ID, web_settings, webhook_mode

ROOT = Path(__file__).resolve().parents[2]


_WEB: dict[Path, dict[str, object]] = {}
"""The web server of each database's bot: one port per database, so that ``health`` run with
the same environment asks the bot that runs on it, and a restarted bot gets its port back."""


def environment(
    api: LocalBotApi, database: Path, broadcast_rate: float | None = None
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    web = _WEB.setdefault(database, web_settings())
    host, port = web["listen"]  # type: ignore[misc]
    env.update(
        BOT_TOKEN=api.token,
        BOT_API_BASE_URL=api.base_url,
        BOT_DATABASE=str(database),
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
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
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
    database: Path,
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


def has_row(database: Path, query: str) -> Callable[[], bool]:
    def check() -> bool:
        with contextlib.closing(sqlite3.connect(database)) as connection:
            return connection.execute(query).fetchone() is not None

    return check


def traces(database: Path, user_id: int) -> list[str]:
    """Where the id still appears, as text or as SQLite's big-endian integer, in the database,
    its WAL and its shared-memory index."""
    needles = {"text": str(user_id).encode(), "int48": user_id.to_bytes(6, "big")}
    found = []
    for path in database.parent.glob(database.name + "*"):
        content = path.read_bytes()
        found += [f"{path.name}: {kind}" for kind, needle in needles.items() if needle in content]
    return found
