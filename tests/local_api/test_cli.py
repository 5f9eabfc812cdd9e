"""``python -m bot.local_api`` serves until interrupted and prints where."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


async def test_cli_serves_and_prints_the_base_url(http: aiohttp.ClientSession) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox.local_api",
        "--port",
        "0",
        "--token",
        "42:CLI",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        base_url = line.split()[0].removeprefix("base_url=")
        async with http.get(f"{base_url}42:CLI/getMe") as response:
            body = await response.json()
    finally:
        process.send_signal(signal.SIGINT)
        return_code = await asyncio.wait_for(process.wait(), 10)

    assert body["result"]["id"] == 42
    assert return_code == 0
