"""``python -m bot`` as a real process: configuration errors, signals, ``kill -9`` and health."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.local_api import LocalBotApi
from tests.e2e.conftest import ADMIN_ID

ROOT = Path(__file__).resolve().parents[2]


def _environment(api: LocalBotApi, database: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    env.update(
        BOT_TOKEN=api.token,
        BOT_API_BASE_URL=api.base_url,
        BOT_DATABASE=str(database),
        BOT_ADMINS=str(ADMIN_ID),
    )
    return env


async def _run_cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@asynccontextmanager
async def bot_process(
    api: LocalBotApi, database: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot run`` against ``api``; yielded once it polls; killed if still alive."""
    polls_before = api.polls_received
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=_environment(api, database),
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


async def test_help_lists_subcommands_and_variables() -> None:
    code, stdout, _ = await _run_cli("--help", env=dict(os.environ))
    assert code == 0
    for word in (
        "run",
        "demo",
        "health",
        "BOT_TOKEN",
        "BOT_API_BASE_URL",
        "BOT_DATABASE",
        "BOT_ADMINS",
        "BOT_DEFAULT_LOCALE",
        "BOT_TIMEZONE",
    ):
        assert word in stdout


@pytest.mark.parametrize(
    ("variables", "says"),
    [
        ({}, "BOT_TOKEN is not set"),
        ({"BOT_TOKEN": "123:abc", "BOT_ADMINS": "alice"}, "BOT_ADMINS must be"),
        ({"BOT_TOKEN": "123:abc", "BOT_TIMEZONE": "Nowhere/City"}, "BOT_TIMEZONE must be"),
    ],
)
async def test_configuration_errors_name_the_variable(variables: dict[str, str], says: str) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    code, _, stderr = await _run_cli("run", env={**env, **variables})
    assert code == 2
    assert says in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_signals_shut_down_cleanly(
    api: LocalBotApi, tmp_path: Path, signum: signal.Signals
) -> None:
    async with bot_process(api, tmp_path / "bot.sqlite3") as process:
        user = api.user(900, language_code="en")
        assert "Qorgau" in (await user.ask("/start", timeout=10)).text
        process.send_signal(signum)
        await asyncio.wait_for(process.wait(), timeout=15)
        _, stderr = await process.communicate()
    assert process.returncode == 0
    log = stderr.decode()
    assert "bot stopping" in log
    assert api.token not in log and "Traceback" not in log


async def _eventually(predicate: Callable[[], object], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Poll ``predicate`` (e.g. a look at files another process writes) until it holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{predicate} did not hold within {timeout}s")
        await asyncio.sleep(0.02)


def _has_row(database: Path, query: str) -> Callable[[], bool]:
    def check() -> bool:
        with contextlib.closing(sqlite3.connect(database)) as connection:
            return connection.execute(query).fetchone() is not None

    return check


async def test_a_question_survives_kill_9(api: LocalBotApi, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    admin = api.user(ADMIN_ID, language_code="en")
    async with bot_process(api, database) as process:
        await api.user(901, language_code="en").ask("/start", timeout=10)
        question = await admin.ask("/grant", timeout=10)
        assert question.text == "Send the Telegram user id, or /cancel."
        # The state is written right after the update; the reply can overtake it by a moment.
        await _eventually(
            _has_row(database, "SELECT 1 FROM ptb_conversations WHERE name = 'roles'")
        )
        process.kill()  # SIGKILL: no chance to flush anything
        await process.wait()
    await admin.send("901")  # waits in the server until the bot is back
    async with bot_process(api, database):
        (reply,) = await admin.wait_for_replies(1, timeout=15)
        assert reply.text == "User 901 is now a coordinator."


async def test_health_follows_the_heartbeat(api: LocalBotApi, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    env = _environment(api, database)
    assert (await _run_cli("health", env=env))[0] == 1
    async with bot_process(api, database) as process:
        heartbeat = tmp_path / "bot.sqlite3.alive"
        await _eventually(heartbeat.exists)
        code, stdout, _ = await _run_cli("health", env=env)
        assert (code, stdout.strip()) == (0, "healthy")
        process.terminate()
        await process.wait()
    os.utime(heartbeat, (0, 0))  # a beat from long ago: the bot died and did not come back
    assert (await _run_cli("health", env=env))[0] == 1
