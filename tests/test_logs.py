"""The log never shows the bot token, even when an error message or traceback carries it."""

from __future__ import annotations

import io
import logging

from bot.logs import RedactToken

TOKEN = "123456:SECRET-token"


def _log_through_filter(emit) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(TOKEN))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_token_in_a_message_is_redacted() -> None:
    output = _log_through_filter(lambda log: log.warning("GET /bot%s/getMe failed", TOKEN))
    assert TOKEN not in output
    assert "GET /bot[token]/getMe failed" in output


def test_token_in_a_traceback_is_redacted() -> None:
    def emit(log: logging.Logger) -> None:
        try:
            raise ConnectionError(f"http://127.0.0.1/bot{TOKEN}/getUpdates")
        except ConnectionError:
            log.exception("polling failed")

    output = _log_through_filter(emit)
    assert TOKEN not in output
    assert "ConnectionError: http://127.0.0.1/bot[token]/getUpdates" in output
