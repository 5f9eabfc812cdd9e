"""Delivery failures: Telegram's descriptions become classes, which the database keeps and the
report names in its reader's language; the descriptions themselves go to the log only."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

from bot.delivery.engine import DeliveryEngine, Outcome
from bot.delivery.sender import TelegramSender
from bot.domain.broadcasts import Delivery, Fate
from bot.domain.failures import Failure, classify, stored
from bot.text.i18n import use_locale
from bot.text.names import failure_name
from bot.text.render import render
from storage.location import DatabaseLocation, PostgresUrl
from storage.migrations import MIGRATIONS, migrate


@pytest.mark.parametrize(
    ("description", "failure"),
    [
        ("Forbidden: bot was blocked by the user", Failure.BLOCKED),
        ("Forbidden: bot was kicked from the group chat", Failure.BLOCKED),
        ("Forbidden: user is deactivated", Failure.DEACTIVATED),
        ("Bad Request: chat not found", Failure.CHAT_NOT_FOUND),
        ("Bad Request: message is too long", Failure.TOO_LONG),
        (
            'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 5',
            Failure.BAD_MARKUP,
        ),
        ("Bad Request: message text is empty", Failure.TELEGRAM_ERROR),
        ("Internal Server Error", Failure.TELEGRAM_ERROR),
    ],
)
def test_telegram_descriptions_have_their_class(description: str, failure: Failure) -> None:
    assert classify(description) is failure


def test_a_stored_class_this_version_does_not_know_is_an_error_of_telegram() -> None:
    assert stored("too_long") is Failure.TOO_LONG
    assert stored("a class of a newer version") is Failure.TELEGRAM_ERROR


class Raising:
    """A bot whose every send raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def send_message(self, *args: Any, **kwargs: Any) -> None:
        raise self.error


def _connection_refused() -> NetworkError:
    try:
        raise NetworkError("not sent: ClientConnectorError") from OSError("refused")
    except NetworkError as error:
        return error


@pytest.mark.parametrize(
    ("error", "fate", "failure"),
    [
        (Forbidden("bot was blocked by the user"), Fate.BLOCKED, Failure.BLOCKED),
        (Forbidden("user is deactivated"), Fate.BLOCKED, Failure.DEACTIVATED),
        (BadRequest("Chat not found"), Fate.BLOCKED, Failure.CHAT_NOT_FOUND),
        (BadRequest("Message is too long"), Fate.FAILED, Failure.TOO_LONG),
        (BadRequest("Can't parse entities: can't find end tag"), Fate.FAILED, Failure.BAD_MARKUP),
        (NetworkError("Internal Server Error (500)"), Fate.RETRY, Failure.TELEGRAM_ERROR),
        (_connection_refused(), Fate.RETRY, Failure.NETWORK),
        (TimedOut("no answer: ServerTimeoutError"), Fate.UNKNOWN, Failure.TIMEOUT),
    ],
)
async def test_the_sender_reports_a_class_and_keeps_the_description(
    error: Exception, fate: Fate, failure: Failure
) -> None:
    outcome = await TelegramSender(Raising(error)).send(1, "text")  # type: ignore[arg-type]
    assert (outcome.fate, outcome.failure) == (fate, failure)
    assert outcome.description == str(error.message)  # type: ignore[attr-defined]


def test_a_failure_is_logged_with_telegram_s_words_and_stored_as_its_class(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = DeliveryEngine(None, None, rate=None)  # type: ignore[arg-type]
    outcome = Outcome.rejected(Failure.BAD_MARKUP, "can't parse entities: Unsupported tag")
    delivery = Delivery(id=1, broadcast_id=1, chat_id=5, content_id=1, attempts=0)
    with caplog.at_level(logging.WARNING, logger="bot.delivery.engine"):
        settlement = engine._settlement(delivery, outcome, 0.0)
    assert settlement.reason is Failure.BAD_MARKUP
    assert "bad_markup (can't parse entities: Unsupported tag)" in caplog.text


DESCRIBED_FAILURES = (
    "INSERT INTO broadcasts (id, kind, created_at, details) VALUES (1, 'appeal', 0, '{}');"
    "INSERT INTO contents (id, html) VALUES (1, 'x');"
    "INSERT INTO outbox (broadcast_id, chat_id, content_id, state, reason) VALUES "
    "(1, 5, 1, 'failed', 'Bad Gateway'), (1, 6, 1, 'unknown', 'timed out'), "
    "(1, 7, 1, 'failed', 'Bad Request: message is too long');"
    "INSERT INTO broadcast_failures (broadcast_id, reason, count) VALUES "
    "(1, 'Bad Gateway', 2), (1, 'Internal Server Error', 3), "
    "(1, 'not sent: ClientConnectorError', 1), "
    "(1, 'Bad Request: can''t parse entities: Unsupported start tag', 4);"
)
"""A broadcast's failures as stored before migration 16: Telegram's descriptions."""
OUTBOX_CLASSES = [(5, "telegram_error"), (6, "timeout"), (7, "too_long")]
FAILURE_COUNTS = [("bad_markup", 4), ("network", 1), ("telegram_error", 5)]
"""What migration 16 makes of them on either engine: a class per row, counts per class."""


async def test_stored_descriptions_become_their_classes(tmp_path: Path) -> None:
    """Migration 16: the descriptions of a broadcast that fall in one class add up."""
    connection = await aiosqlite.connect(tmp_path / "f.sqlite3", isolation_level=None)
    try:
        await connection.execute("PRAGMA foreign_keys = ON")
        await migrate(connection, MIGRATIONS[:15])
        await connection.executescript(DESCRIBED_FAILURES)
        await migrate(connection)
        async with connection.execute("SELECT chat_id, reason FROM outbox ORDER BY 1") as cursor:
            classes = await cursor.fetchall()
        assert classes == OUTBOX_CLASSES
        async with connection.execute(
            "SELECT reason, count FROM broadcast_failures ORDER BY reason"
        ) as cursor:
            assert await cursor.fetchall() == FAILURE_COUNTS
    finally:
        await connection.close()


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "• An error on Telegram's side: 3"),
        ("ru", "• Ошибка на стороне Telegram: 3"),
        ("kk", "• Telegram тарапындағы қате: 3"),
    ],
)
def test_the_report_names_failures_in_its_reader_s_language(locale: str, expected: str) -> None:
    with use_locale(locale):
        report = render(
            "appeal_report.html",
            broadcast_id=7,
            news=False,
            sent="10",
            blocked="0",
            failed="3",
            reasons=[(failure_name(Failure.TELEGRAM_ERROR), "3")],
            cancelled="0",
            unknown="0",
            awaiting=0,
            failed_kept=3,
            acts=None,
        )
    assert expected in html.unescape(report)
    assert "telegram_error" not in report


@pytest.mark.postgresql_only
async def test_stored_descriptions_become_their_classes_on_postgresql(
    new_database: Callable[..., DatabaseLocation],
) -> None:
    """PostgreSQL's step 16 does what SQLite's does."""
    import asyncpg  # noqa: PLC0415 (a PostgreSQL run only)

    from storage import postgres_migrations  # noqa: PLC0415

    location = new_database(migrated=False)
    assert isinstance(location, PostgresUrl)
    connection = await asyncpg.connect(location.dsn)
    try:
        await postgres_migrations.migrate(connection, postgres_migrations.MIGRATIONS[:15])
        await connection.execute(DESCRIBED_FAILURES)
        await postgres_migrations.migrate(connection)
        classes = await connection.fetch("SELECT chat_id, reason FROM outbox ORDER BY 1")
        assert [tuple(row) for row in classes] == OUTBOX_CLASSES
        failures = await connection.fetch(
            "SELECT reason, count FROM broadcast_failures ORDER BY reason"
        )
        assert [tuple(row) for row in failures] == FAILURE_COUNTS
    finally:
        await connection.close()
