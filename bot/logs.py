"""Logging that never shows the bot token: httpx's request lines are silenced and any record
that still carries the token has it replaced."""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactToken(logging.Filter):
    """Replace the token in a record's final message and traceback."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg, record.args = message.replace(self._token, "[token]"), None
        if record.exc_info and record.exc_info[1] is not None:
            formatted = logging.Formatter().formatException(record.exc_info)
            if self._token in formatted:
                record.exc_text = formatted.replace(self._token, "[token]")
        return True


NOISY_LOGGERS = ("httpx", "httpcore", "apscheduler")
"""Loggers whose INFO lines carry request URLs (with the token) or scheduler chatter."""


def silence_noisy_loggers() -> None:
    """Keep the noisy loggers to warnings and above."""
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(token: str | None, level: int = logging.INFO) -> None:
    """Log to stderr; keep request URLs (they hold the token) out of the log."""
    logging.basicConfig(level=level, format=LOG_FORMAT)
    silence_noisy_loggers()
    if token:
        for handler in logging.getLogger().handlers:
            handler.addFilter(RedactToken(token))
