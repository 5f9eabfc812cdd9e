"""Running ``python -m bot`` subcommands as a real process, on a given database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storage.location import DatabaseLocation
from tests.stored import location_text

ROOT = Path(__file__).resolve().parent.parent


def run_bot_command(*args: str, database: DatabaseLocation) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` with ``BOT_DATABASE`` set and no other ``BOT_`` variable."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**env, "BOT_DATABASE": location_text(database)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
