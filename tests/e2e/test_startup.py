"""Start and stop always end: a database that cannot be used is one clear line and exit 2,
never a traceback or a hang; whatever fails after the start stops everything in order."""

from __future__ import annotations

import asyncio
import contextlib
import resource
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.application import serve
from bot.config import Settings
from sandbox.local_api import LocalBotApi
from sandbox.postgres import free_port
from storage.location import DatabaseLocation, PostgresUrl
from tests.e2e.processes import bot_process, environment, run_cli


async def refused(api: LocalBotApi, database: DatabaseLocation, **popen: object) -> str:
    """Run the bot on ``database``; it must exit 2 at once, naming BOT_DATABASE, no traceback."""
    code, _, stderr = await run_cli("run", env=environment(api, database), **popen)
    assert code == 2, stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    assert stderr.startswith(f"BOT_DATABASE {database} cannot be used: ")
    assert api.token not in stderr
    if isinstance(database, PostgresUrl) and database.password:
        assert database.password not in stderr
    return stderr


async def test_a_postgresql_server_nobody_listens_on(api: LocalBotApi) -> None:
    database = PostgresUrl.parse(f"postgresql://qorgau:s3cret@127.0.0.1:{free_port()}/qorgau")
    stderr = await refused(api, database)
    assert "refused" in stderr.lower(), stderr


async def test_a_postgresql_host_that_does_not_exist(api: LocalBotApi) -> None:
    database = PostgresUrl.parse("postgresql://qorgau:s3cret@nowhere.invalid/qorgau")
    stderr = await refused(api, database)
    assert stderr.count("\n") == 1


@pytest.mark.postgresql_only
async def test_a_postgresql_database_that_does_not_exist(
    api: LocalBotApi, postgres_cluster: PostgresUrl
) -> None:
    stderr = await refused(api, postgres_cluster.with_database("no_such_database"))
    assert 'database "no_such_database" does not exist' in stderr


@pytest.mark.postgresql_only
async def test_a_wrong_postgresql_password(api: LocalBotApi, postgres_cluster: PostgresUrl) -> None:
    assert postgres_cluster.password  # the test cluster asks for passwords over TCP
    wrong = PostgresUrl.parse(postgres_cluster.dsn.replace(postgres_cluster.password, "wr0ng"))
    stderr = await refused(api, wrong)
    assert "password authentication failed" in stderr
    assert "wr0ng" not in stderr and postgres_cluster.password not in stderr


@pytest.mark.sqlite_only
async def test_a_folder_where_the_file_should_be(api: LocalBotApi, tmp_path: Path) -> None:
    (tmp_path / "bot.sqlite3").mkdir()
    assert "unable to open database file" in await refused(api, tmp_path / "bot.sqlite3")


@pytest.mark.sqlite_only
async def test_a_file_where_the_folder_should_be(api: LocalBotApi, tmp_path: Path) -> None:
    (tmp_path / "var").write_text("not a folder")
    assert "var is a file, not a folder" in await refused(api, tmp_path / "var" / "bot.sqlite3")


def _small_files() -> None:
    """Files of this process cannot grow: its disk is as good as full."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


@pytest.mark.sqlite_only
async def test_a_full_disk(api: LocalBotApi, tmp_path: Path) -> None:
    stderr = await refused(api, tmp_path / "bot.sqlite3", preexec_fn=_small_files)
    assert "disk" in stderr or "full" in stderr


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Path:
    """A folder on a file system mounted read-only, holding a database made before."""
    mount = tmp_path / "ro"
    mount.mkdir()
    mounting = ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)]
    made = subprocess.run(mounting, capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a file system here: {made.stderr.decode().strip()}")
    try:
        with contextlib.closing(sqlite3.connect(mount / "bot.sqlite3")) as made_before:
            made_before.execute("CREATE TABLE t (x)")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.sqlite_only
async def test_a_read_only_mount(api: LocalBotApi, read_only_folder: Path) -> None:
    stderr = await refused(api, read_only_folder / "bot.sqlite3")
    assert "readonly" in stderr or "read-only" in stderr


async def test_a_failure_after_the_start_stops_everything_before_the_database_closes(
    api: LocalBotApi, settings: Settings
) -> None:
    class Broken(Exception):
        """Something that fails once the bot runs."""

    async def broken(_: object) -> None:
        raise Broken

    with pytest.raises(Broken):  # not masked by "This Application is still running!"
        await serve(settings, asyncio.Event(), on_started=broken)
    polls = api.polls_received
    await asyncio.sleep(0.5)
    assert api.polls_received == polls  # nothing polls on against the closed database


@pytest.mark.parametrize("method", ["setMyDescription", "setMyCommands", "setMyShortDescription"])
async def test_a_decorative_method_the_server_lacks_is_a_warning(
    api: LocalBotApi, new_database: Callable[..., DatabaseLocation], method: str
) -> None:
    """Only getMe tells a refused token; a Bot API server without a decorative method (404)
    costs the menus or descriptions, not the bot."""
    api.unknown_methods.add(method)
    async with bot_process(api, new_database("bot.sqlite3")) as process:
        user = api.user(950, language_code="en")
        assert (await user.ask("/start", timeout=10)).text.startswith("Qorgau helps")
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=15)
    assert process.returncode == 0
    log = stderr.decode()
    assert "Traceback" not in log and "refused" not in log
    warnings = [line for line in log.splitlines() if " WARNING " in line]
    assert len(warnings) == 1 and method in warnings[0], log
