"""Qorgau: a Telegram bot for coordinating the defence of political prisoners."""

import os

# Opt in to timedelta-valued RetryAfter.retry_after before telegram is imported anywhere
# (python-telegram-bot 22 warns on every access otherwise).
os.environ.setdefault("PTB_TIMEDELTA", "1")
