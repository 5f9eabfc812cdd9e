"""Where a benchmark's databases go: SQLite files in its folder, or databases of one throwaway
PostgreSQL cluster on loopback (sandbox/postgres.py) that the run starts and removes.

Every benchmark takes ``--backend sqlite|postgresql|both`` (default ``both``: the figures of
PostgreSQL beside SQLite's, in one run). :func:`location` is what a benchmark asks for each
database it makes; the backend in force and the cluster's address travel in the environment
(``QORGAU_BENCH_BACKEND``, ``QORGAU_BENCH_POSTGRES``), so that the processes a benchmark
spawns (the bot, a scenario's child) use the same.

The cluster commits without waiting for its disk (``synchronous_commit=off``, fsync on): like
the bot's SQLite (WAL, ``synchronous=NORMAL``), a crash of the process loses nothing committed,
a crash of the machine may lose the last transactions. That keeps the comparison fair; a
deployment that wants every commit on disk pays one fsync per transaction on both.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sandbox.postgres import Cluster
from storage.location import DatabaseLocation, PostgresUrl

BACKENDS = ("sqlite", "postgresql")
BACKEND_VARIABLE = "QORGAU_BENCH_BACKEND"
URL_VARIABLE = "QORGAU_BENCH_POSTGRES"
SETTINGS = {"synchronous_commit": "off"}

_numbers = itertools.count(1)

T = TypeVar("T")


def add_argument(parser: argparse.ArgumentParser) -> None:
    """``--backend``: which engines to measure."""
    parser.add_argument(
        "--backend",
        choices=(*BACKENDS, "both"),
        default="both",
        help="the database engine: sqlite, postgresql or both, one after the other (default)",
    )


def chosen(arguments: argparse.Namespace) -> tuple[str, ...]:
    return BACKENDS if arguments.backend == "both" else (arguments.backend,)


def current() -> str:
    """The backend in force: ``sqlite`` unless :func:`backend` says otherwise."""
    return os.environ.get(BACKEND_VARIABLE, "sqlite")


@contextmanager
def backend(name: str) -> Iterator[None]:
    """Measure on ``name`` for the duration of the block (PostgreSQL: a cluster of its own)."""
    saved = {key: os.environ.get(key) for key in (BACKEND_VARIABLE, URL_VARIABLE)}
    cluster = Cluster(settings=SETTINGS) if name == "postgresql" else None
    try:
        os.environ[BACKEND_VARIABLE] = name
        if cluster is not None:
            os.environ[URL_VARIABLE] = cluster.start().dsn
        yield
    finally:
        if cluster is not None:
            cluster.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _server() -> PostgresUrl:
    return PostgresUrl.parse(os.environ[URL_VARIABLE])


async def _execute(url: PostgresUrl, statement: str) -> None:
    import asyncpg  # noqa: PLC0415 (a SQLite run never needs it)

    connection = await asyncpg.connect(url.dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _run(statement: str) -> None:
    """Run ``statement`` on the cluster (also from inside a running event loop)."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _execute(_server(), statement)).result()


def location(workdir: Path, tag: str) -> DatabaseLocation:
    """A new, empty database for ``tag``: ``workdir/<tag>.sqlite3``, or a new PostgreSQL
    database of the cluster."""
    if current() == "sqlite":
        return workdir / f"{tag}.sqlite3"
    name = f"bench_{re.sub(r'[^a-z0-9]+', '_', tag.lower())}_{os.getpid()}_{next(_numbers)}"
    _run(f"CREATE DATABASE {name}")
    return _server().with_database(name)


def copy(source: DatabaseLocation, workdir: Path, tag: str) -> DatabaseLocation:
    """A copy of ``source`` (closed: no connection may be open on it) under ``tag``."""
    if isinstance(source, Path):
        target = workdir / f"{tag}.sqlite3"
        target.write_bytes(source.read_bytes())
        return target
    name = f"bench_{re.sub(r'[^a-z0-9]+', '_', tag.lower())}_{os.getpid()}_{next(_numbers)}"
    _run(f"CREATE DATABASE {name} TEMPLATE {source.database_name}")
    return _server().with_database(name)


def bot_database(location: DatabaseLocation) -> str:
    """``BOT_DATABASE`` for ``location`` (a PostgreSQL URL with its password)."""
    return location.dsn if isinstance(location, PostgresUrl) else str(location)


def label(name: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[name]


def each(arguments: argparse.Namespace, measure: Callable[[], T]) -> dict[str, T]:
    """``measure()`` once on each chosen backend; the results by backend."""
    results = {}
    for name in chosen(arguments):
        with backend(name):
            results[name] = measure()
    return results
