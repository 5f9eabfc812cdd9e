"""Configuration from the environment: defaults, and errors that name the variable."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import DEFAULT_DATABASE, TELEGRAM_BASE_URL, ConfigError, load_settings
from storage.location import PostgresUrl


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.token is None
    assert settings.api_base_url == TELEGRAM_BASE_URL
    assert settings.database == DEFAULT_DATABASE
    assert settings.admins == frozenset()
    assert settings.default_locale == "en"
    assert settings.timezone == ZoneInfo("Asia/Almaty")
    assert settings.broadcast_retry_budget == 15 * 60


def test_every_variable_is_read() -> None:
    settings = load_settings(
        {
            "BOT_TOKEN": " 123456:ABC-def ",
            "BOT_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "BOT_DATABASE": "/data/bot.sqlite3",
            "BOT_ADMINS": "11, 22,,33",
            "BOT_DEFAULT_LOCALE": "KK",
            "BOT_TIMEZONE": "Europe/Brussels",
            "BOT_BROADCAST_RETRY_MINUTES": "2.5",
        }
    )
    assert settings.require_token() == "123456:ABC-def"
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.database == Path("/data/bot.sqlite3")
    assert settings.admins == frozenset({11, 22, 33})
    assert settings.default_locale == "kk"
    assert settings.timezone == ZoneInfo("Europe/Brussels")
    assert settings.broadcast_retry_budget == 150.0


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("BOT_TOKEN", "not-a-token", "BOT_TOKEN is malformed"),
        ("BOT_TOKEN", "123:", "BOT_TOKEN is malformed"),
        ("BOT_API_BASE_URL", "127.0.0.1:8081/bot", "BOT_API_BASE_URL must start with http"),
        ("BOT_ADMINS", "12,alice", "BOT_ADMINS must be comma-separated Telegram user ids"),
        ("BOT_ADMINS", "-5", "BOT_ADMINS must be comma-separated Telegram user ids"),
        ("BOT_DEFAULT_LOCALE", "de", "BOT_DEFAULT_LOCALE must be one of en, ru, kk"),
        ("BOT_TIMEZONE", "Mars/Olympus", "BOT_TIMEZONE must be an IANA time zone"),
        ("BOT_TIMEZONE", "../etc/passwd", "BOT_TIMEZONE must be an IANA time zone"),
        ("BOT_BROADCAST_RETRY_MINUTES", "0", "BOT_BROADCAST_RETRY_MINUTES must be minutes"),
        ("BOT_BROADCAST_RETRY_MINUTES", "nan", "BOT_BROADCAST_RETRY_MINUTES must be minutes"),
        ("BOT_BROADCAST_RETRY_MINUTES", "2 h", "BOT_BROADCAST_RETRY_MINUTES must be minutes"),
        ("BOT_BROADCAST_RETRY_MINUTES", "1441", "BOT_BROADCAST_RETRY_MINUTES must be minutes"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        load_settings({variable: value})


def test_run_requires_a_token() -> None:
    with pytest.raises(ConfigError, match="BOT_TOKEN is not set"):
        load_settings({"BOT_TOKEN": "  "}).require_token()


@pytest.mark.parametrize(
    ("base_url", "file_url"),
    [
        (TELEGRAM_BASE_URL, "https://api.telegram.org/file/bot"),
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
        ("http://127.0.0.1:8081/bot{token}", "http://127.0.0.1:8081/file/bot{token}"),
    ],
)
def test_files_are_downloaded_beside_the_api(base_url: str, file_url: str) -> None:
    assert load_settings({"BOT_API_BASE_URL": base_url}).api_file_url == file_url


def test_a_postgresql_url_keeps_its_password_out_of_sight() -> None:
    url = "postgresql://qorgau:s3cr%40t@db.example:5433/qorgau?sslmode=require"
    settings = load_settings({"BOT_DATABASE": url})
    assert isinstance(settings.database, PostgresUrl)
    assert settings.database.dsn == url
    assert settings.database.password == "s3cr@t"
    shown = str(settings.database)
    assert shown == "postgresql://qorgau:***@db.example:5433/qorgau?sslmode=require"
    assert "s3cr" not in repr(settings) and "s3cr" not in f"{settings.database}"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("postgresql://qorgau:s3cret@db.example:port/qorgau", "is not a valid URL"),
        ("postgresql://qorgau:s3cret@db.example:5432", "names no database"),
        ("postgresql://qorgau:s3cret@db.example/a/b", "has a path where only"),
        ("postgres://qorgau:s3cret@db.example:0/qorgau", "has port 0"),
    ],
)
def test_a_bad_postgresql_url_names_the_variable_not_the_password(value: str, says: str) -> None:
    with pytest.raises(ConfigError, match="BOT_DATABASE must be") as raised:
        load_settings({"BOT_DATABASE": value})
    assert says in str(raised.value) and "s3cret" not in str(raised.value)
    assert "***" in str(raised.value)


def test_the_web_server_listens_on_loopback_by_default_without_webhooks() -> None:
    settings = load_settings({})
    assert settings.listen == ("127.0.0.1", 8080)
    assert settings.public_url is None
    assert settings.webhook_secret is None
    assert not settings.webhook_mode
    assert settings.console_max_age == 3600


def test_the_web_variables_are_read() -> None:
    settings = load_settings(
        {
            "BOT_LISTEN": "[::]:8443",
            "BOT_PUBLIC_URL": "https://qorgau.example.org/",
            "BOT_WEBHOOK_SECRET": "s3cret_-Token",
            "BOT_CONSOLE_MAX_AGE": "900",
        }
    )
    assert settings.listen == ("::", 8443)
    assert settings.public_url == "https://qorgau.example.org"
    assert settings.webhook_secret == "s3cret_-Token"
    assert settings.webhook_mode
    assert settings.console_max_age == 900


def test_plain_http_is_allowed_on_loopback_only() -> None:
    assert load_settings({"BOT_PUBLIC_URL": "http://127.0.0.1:8080"}).public_url == (
        "http://127.0.0.1:8080"
    )
    assert load_settings({"BOT_PUBLIC_URL": "http://localhost:9"}).public_url == (
        "http://localhost:9"
    )
    with pytest.raises(ConfigError, match="BOT_PUBLIC_URL must use HTTPS"):
        load_settings({"BOT_PUBLIC_URL": "http://qorgau.example.org"})


@pytest.mark.parametrize(
    ("variables", "says"),
    [
        ({"BOT_LISTEN": "8080"}, "BOT_LISTEN must be host:port"),
        ({"BOT_LISTEN": "127.0.0.1:http"}, "BOT_LISTEN must be host:port"),
        ({"BOT_LISTEN": "127.0.0.1:70000"}, "BOT_LISTEN must be host:port"),
        ({"BOT_PUBLIC_URL": "qorgau.example.org"}, "BOT_PUBLIC_URL must be an https:// origin"),
        ({"BOT_PUBLIC_URL": "ftp://qorgau.example.org"}, "BOT_PUBLIC_URL must be an https://"),
        ({"BOT_PUBLIC_URL": "https://example.org/bot"}, "BOT_PUBLIC_URL must be an origin alone"),
        ({"BOT_PUBLIC_URL": "https://example.org:99999"}, "BOT_PUBLIC_URL is not a valid"),
        (
            {"BOT_PUBLIC_URL": "https://example.org", "BOT_WEBHOOK_SECRET": "short"},
            "BOT_WEBHOOK_SECRET must be 8 to 256 characters",
        ),
        (
            {"BOT_PUBLIC_URL": "https://example.org", "BOT_WEBHOOK_SECRET": "has spaces in it"},
            "BOT_WEBHOOK_SECRET must be 8 to 256 characters",
        ),
        (
            {"BOT_PUBLIC_URL": "https://example.org", "BOT_WEBHOOK_SECRET": "x" * 257},
            "BOT_WEBHOOK_SECRET must be 8 to 256 characters",
        ),
        ({"BOT_WEBHOOK_SECRET": "long-enough-secret"}, "BOT_PUBLIC_URL is not"),
        ({"BOT_CONSOLE_MAX_AGE": "1h"}, "BOT_CONSOLE_MAX_AGE must be seconds"),
        ({"BOT_CONSOLE_MAX_AGE": "5"}, "BOT_CONSOLE_MAX_AGE must be seconds"),
    ],
)
def test_bad_web_values_name_the_variable(variables: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        load_settings(variables)
