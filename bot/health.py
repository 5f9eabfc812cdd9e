"""A heartbeat file the running bot touches, and the check the container's HEALTHCHECK runs.

The file holds the instance's role: ``active`` (it takes updates, touched while it polls) or
``standby`` (another instance on the same database is active; touched by the lease's task).
"""

from __future__ import annotations

import time
from pathlib import Path

HEARTBEAT_INTERVAL = 30.0
"""Seconds between two beats of a healthy bot."""

STALE_AFTER = 3 * HEARTBEAT_INTERVAL


POSTGRES_HEARTBEAT = Path("var") / "qorgau.alive"
"""Where a bot on PostgreSQL keeps its heartbeat: in its working folder (each instance its own)."""


def heartbeat_path(database: object) -> Path:
    """The heartbeat lives beside a SQLite file, on the same volume; a bot on PostgreSQL keeps
    it in ``var/`` of its working folder."""
    if not isinstance(database, Path):
        return POSTGRES_HEARTBEAT
    return database.with_name(database.name + ".alive")


def beat(path: Path, role: str = "active") -> None:
    """Record that the bot's event loop is alive now, in this role; an active bot beats while
    it polls."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if role_of(path) != role:
        path.write_text(role)
    path.touch()


def role_of(path: Path) -> str | None:
    """The role the bot last wrote, or ``None``."""
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


def is_alive(path: Path, now: float | None = None) -> bool:
    """Whether the bot beat recently enough."""
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    return age <= STALE_AFTER
