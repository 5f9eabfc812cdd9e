"""Qorgau: a Telegram bot for coordinating the defence of political prisoners."""

import os
from pathlib import Path

# Opt in to timedelta-valued RetryAfter.retry_after before telegram is imported anywhere
# (python-telegram-bot 22 warns on every access otherwise).
os.environ.setdefault("PTB_TIMEDELTA", "1")


def data_path(name: str) -> Path:
    """A folder of data that ships with the bot (``locales``, ``content``): inside the package
    when installed from a wheel, at the top of the checkout otherwise."""
    packaged = Path(__file__).resolve().parent / name
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / name
