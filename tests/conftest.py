"""Fixtures shared by the whole suite: a real database per test, SQLite or PostgreSQL.

``pytest`` runs the suite on SQLite files; ``pytest --backend postgresql`` (or
``QORGAU_TEST_BACKEND=postgresql``) runs it on a throwaway PostgreSQL cluster this session starts
on loopback (sandbox/postgres.py) and stops at its end: each test gets a new database, copied
from one migrated once. Tests of one engine's own machinery are marked ``sqlite_only`` or
``postgresql_only`` and skipped on the other.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from sandbox.postgres import Cluster
from storage import Database
from storage.location import DatabaseLocation, PostgresUrl

BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "qorgau_template"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default=os.environ.get("QORGAU_TEST_BACKEND", "sqlite"),
        help="the database engine of the tests (default sqlite; or QORGAU_TEST_BACKEND)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a test of SQLite's own machinery")
    config.addinivalue_line("markers", "postgresql_only: a test of PostgreSQL's own machinery")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    backend = config.getoption("--backend")
    for item in items:
        for name in BACKENDS:
            if name != backend and item.get_closest_marker(f"{name}_only"):
                item.add_marker(pytest.mark.skip(reason=f"{name} only (this run: {backend})"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backend: {config.getoption('--backend')}"


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> str:
    """``sqlite`` or ``postgresql``: the engine of this run."""
    return str(pytestconfig.getoption("--backend"))


T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end in a loop of its own, also from inside a running loop (an
    async test): in a thread, which the caller waits for."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def _admin(url: PostgresUrl, *statements: str) -> None:
    import asyncpg  # noqa: PLC0415 (only PostgreSQL runs need it)

    connection = await asyncpg.connect(url.dsn)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_cluster(backend: str) -> Iterator[PostgresUrl]:
    """The session's PostgreSQL server, with a migrated template database."""
    if backend != "postgresql":
        pytest.skip("a PostgreSQL run only")
    cluster = Cluster()
    try:
        url = cluster.start()

        async def prepare() -> None:
            await _admin(url, f"CREATE DATABASE {TEMPLATE}")
            await (await Database.open(url.with_database(TEMPLATE))).close()

        run_sync(prepare())
        yield url
    finally:
        cluster.stop()


_numbers = itertools.count(1)


@pytest.fixture
def new_database(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Callable[..., DatabaseLocation]:
    """Where a new database goes: ``new_database()`` a migrated one (an empty PostgreSQL
    database with ``migrated=False``), ``new_database(name)`` a SQLite file of that name in
    the test's folder (PostgreSQL: a database of that name, made once)."""
    made: dict[str, DatabaseLocation] = {}

    def new(name: str | None = None, *, migrated: bool = True) -> DatabaseLocation:
        if name is not None and name in made:
            return made[name]
        if backend == "sqlite":
            location: DatabaseLocation = tmp_path / (name or f"db{next(_numbers)}.sqlite3")
        else:
            cluster: PostgresUrl = request.getfixturevalue("postgres_cluster")
            database = f"test_{next(_numbers)}"
            template = f"TEMPLATE {TEMPLATE} STRATEGY FILE_COPY" if migrated else ""
            run_sync(_admin(cluster, f"CREATE DATABASE {database} {template}"))
            location = cluster.with_database(database)
        if name is not None:
            made[name] = location
        return location

    return new


@pytest.fixture
def database_location(
    backend: str, new_database: Callable[..., DatabaseLocation], tmp_path: Path
) -> DatabaseLocation:
    """The test's database: a SQLite file in a folder of its own, or a PostgreSQL database."""
    if backend == "sqlite":
        return tmp_path / "var" / "test.sqlite3"
    return new_database()


@pytest.fixture
async def db(database_location: DatabaseLocation) -> AsyncIterator[Database]:
    """A migrated database."""
    database = await Database.open(database_location)
    try:
        yield database
    finally:
        await database.close()
