"""The check the container's HEALTHCHECK runs (``python -m bot health``): it asks the running
bot's ``GET /healthz`` on ``BOT_LISTEN``. The bot also touches a heartbeat file beside its
database while it takes updates, for tools that watch files. With several instances on one
PostgreSQL database, ``/healthz`` and the heartbeat file also say the instance's role: ``active``
(it takes updates, sends, reminds) or ``standby`` (it keeps the web server, stores webhook
updates and waits to take over); both are healthy.

Only the standard library here: the check starts in a few milliseconds.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

HEALTHZ_TIMEOUT = 5.0

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


def _local_host(host: str) -> str:
    """Where to reach a server listening on ``host``: a wildcard is reached on loopback."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "::1"
    return host


def ask_healthz(host: str, port: int, timeout: float = HEALTHZ_TIMEOUT) -> tuple[bool, str]:
    """Whether the bot listening on ``host:port`` says it is healthy, and if not, why (if it
    is, its role)."""
    host = _local_host(host)
    url = f"http://[{host}]:{port}/healthz" if ":" in host else f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            answer = json.loads(error.read())
        except ValueError:
            return False, f"/healthz answered {error.code}"
        finally:
            error.close()
    except (OSError, ValueError) as error:
        return False, f"no answer from {url} ({getattr(error, 'reason', error)})"
    failing = [name for name, check in answer.get("checks", {}).items() if not check.get("ok")]
    if answer.get("status") == "ok" and not failing:
        return True, str(answer.get("role", "active"))
    return False, "failing: " + ", ".join(failing or ["unknown"])
