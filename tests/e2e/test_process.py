"""``python -m bot`` as a real process: configuration errors, signals, ``kill -9`` and health."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.health import heartbeat_path
from sandbox.local_api import LocalBotApi
from storage.location import DatabaseLocation
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.processes import bot_process, environment, eventually, has_row, run_cli


async def test_help_lists_subcommands_and_variables() -> None:
    code, stdout, _ = await run_cli("--help", env=dict(os.environ))
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
    code, _, stderr = await run_cli("run", env={**env, **variables})
    assert code == 2
    assert says in stderr
    assert "Traceback" not in stderr


async def test_an_unreachable_api_or_a_refused_token_is_explained(api: LocalBotApi) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/bot"
    code, _, stderr = await run_cli(
        "run", env={**env, "BOT_TOKEN": "123:abc", "BOT_API_BASE_URL": closed}
    )
    assert (code, "Traceback" in stderr) == (1, False)
    assert f"cannot reach the Bot API at {closed}" in stderr
    assert "Unclosed" not in stderr  # the HTTP clients opened for getMe are closed
    code, _, stderr = await run_cli(
        "run", env={**env, "BOT_TOKEN": "999:wrong", "BOT_API_BASE_URL": api.base_url}
    )
    assert (code, "Traceback" in stderr) == (2, False)
    assert "BOT_TOKEN was refused" in stderr and "999:wrong" not in stderr
    assert "Unclosed" not in stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_signals_shut_down_cleanly(
    api: LocalBotApi, new_database: Callable[..., DatabaseLocation], signum: signal.Signals
) -> None:
    async with bot_process(api, new_database("bot.sqlite3")) as process:
        user = api.user(900, language_code="en")
        assert "Qorgau" in (await user.ask("/start", timeout=10)).text
        process.send_signal(signum)
        await asyncio.wait_for(process.wait(), timeout=15)
        _, stderr = await process.communicate()
    assert process.returncode == 0
    log = stderr.decode()
    assert "bot stopping" in log
    assert api.token not in log and "Traceback" not in log


async def test_a_question_survives_kill_9(
    api: LocalBotApi, new_database: Callable[..., DatabaseLocation]
) -> None:
    database = new_database("bot.sqlite3")
    admin = api.user(ADMIN_ID, language_code="en")
    async with bot_process(api, database) as process:
        await api.user(901, language_code="en").ask("/start", timeout=10)
        question = await admin.ask("/grant", timeout=10)
        assert question.text == "Send the Telegram user id, or /cancel."
        # The state is written right after the update; the reply can overtake it by a moment.
        await eventually(has_row(database, "SELECT 1 FROM ptb_conversations WHERE name = 'roles'"))
        process.kill()  # SIGKILL: no chance to flush anything
        await process.wait()
    await admin.send("901")  # waits in the server until the bot is back
    async with bot_process(api, database):
        (reply,) = await admin.wait_for_replies(1, timeout=15)
        assert reply.text == "User 901 is now a coordinator."


async def test_health_follows_the_heartbeat(
    api: LocalBotApi, tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    database = new_database("bot.sqlite3")
    env = environment(api, database)
    assert (await run_cli("health", env=env, cwd=tmp_path))[0] == 1
    async with bot_process(api, database, cwd=tmp_path) as process:
        heartbeat = tmp_path / heartbeat_path(database)  # beside SQLite's file, or in var/
        await eventually(heartbeat.exists)
        code, stdout, _ = await run_cli("health", env=env, cwd=tmp_path)
        assert (code, stdout.strip()) == (0, "healthy")
        process.terminate()
        await process.wait()
    os.utime(heartbeat, (0, 0))  # a beat from long ago: the bot died and did not come back
    assert (await run_cli("health", env=env, cwd=tmp_path))[0] == 1


async def test_sigterm_under_traffic_prints_no_traceback(
    api: LocalBotApi, new_database: Callable[..., DatabaseLocation]
) -> None:
    """Updates in hand, replies on the wire, an appeal being sent: the bot stops cleanly."""
    database = new_database("bot.sqlite3")
    admin = api.user(ADMIN_ID, language_code="en")
    async with bot_process(api, database) as process:
        await admin.ask("/start", timeout=10)
        readers = [api.user(30_000 + n, language_code="ru") for n in range(40)]
        for reader in readers:
            await reader.send("/start")
        await api.wait_until(lambda: sum(len(r.chat.bot_messages) for r in readers) >= 40, 20)
        await admin.ask("/appeal")
        await admin.ask("/skip")
        await admin.ask("/skip")
        audience = await admin.ask("Stay calm")
        await admin.press(audience, callback_data="appeal:to:all")
        confirm = (await admin.wait_for_replies(2))[-1]
        await admin.press(confirm, callback_data="appeal:send")
        for round_ in range(3):
            for reader in readers:
                await reader.send(("/cases", "/help", "Атабек")[round_])
        await asyncio.sleep(0.3)  # the bot is busy with all of it
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=20)
        _, stderr = await process.communicate()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log and " ERROR " not in log, log
    assert "bot stopping" in log
