"""A heartbeat file the running bot touches, and the check the container's HEALTHCHECK runs."""

from __future__ import annotations

import time
from pathlib import Path

HEARTBEAT_INTERVAL = 30.0
"""Seconds between two beats of a healthy bot."""

STALE_AFTER = 3 * HEARTBEAT_INTERVAL


def heartbeat_path(database: Path) -> Path:
    """The heartbeat lives beside the database, on the same volume."""
    return database.with_name(database.name + ".alive")


def beat(path: Path) -> None:
    """Record that the bot's event loop and polling are alive now."""
    path.touch()


def is_alive(path: Path, now: float | None = None) -> bool:
    """Whether the bot beat recently enough."""
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    return age <= STALE_AFTER
