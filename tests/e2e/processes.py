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
from tests.e2e.conftest import ADMIN_ID
from tests.stored import has_row, location_text, traces

__all__ = ["bot_process", "environment", "eventually", "has_row", "run_cli", "traces"]

ROOT = Path(__file__).resolve().parents[2]


def environment(
    api: LocalBotApi, database: DatabaseLocation, broadcast_rate: float | None = None
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    env.update(
        BOT_TOKEN=api.token,
        BOT_API_BASE_URL=api.base_url,
        BOT_DATABASE=location_text(database),
        BOT_ADMINS=str(ADMIN_ID),
    )
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
    """``python -m bot run`` against ``api``; yielded once it polls; killed if still alive."""
    polls_before = api.polls_received
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
