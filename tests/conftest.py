"""Fixtures shared by the whole suite: a real SQLite file per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database in a fresh file."""
    database = await Database.open(tmp_path / "var" / "test.sqlite3")
    try:
        yield database
    finally:
        await database.close()
