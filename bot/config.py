"""Settings read from the environment and validated once at start-up."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.languages import LOCALES
from bot.domain.retries import RETRY_BUDGET
from storage.location import BadLocation, DatabaseLocation, parse_location

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE = Path("var") / "qorgau.sqlite3"
DEFAULT_BROADCAST_RATE = 25.0
MAX_BROADCAST_RATE = 1000.0
"""Telegram's ceiling for paid broadcasts, in messages per second."""
MAX_RETRY_MINUTES = 24 * 60.0
"""The longest retry budget of a bulk message: a day, past which an appeal is news no more."""
DEFAULT_LISTEN = ("127.0.0.1", 8080)
DEFAULT_CONSOLE_MAX_AGE = 3600
"""Seconds a console opened in Telegram stays signed in (its ``initData``'s age)."""
CONSOLE_MAX_AGE_RANGE = (60, 7 * 86_400)
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")
"""What Telegram accepts as a webhook's ``secret_token``."""


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: str | None = None
    api_base_url: str = TELEGRAM_BASE_URL
    database: DatabaseLocation = DEFAULT_DATABASE
    """A SQLite file, or a PostgreSQL database (its URL shows no password)."""
    admins: frozenset[int] = field(default_factory=frozenset)
    default_locale: str = "en"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Almaty"))
    broadcast_rate: float | None = DEFAULT_BROADCAST_RATE
    broadcast_retry_budget: float = RETRY_BUDGET
    """Seconds a bulk message is retried after its first failure (server or network errors)."""
    listen: tuple[str, int] = DEFAULT_LISTEN
    """Host and port of the bot's own web server (health, metrics, the console, webhooks)."""
    public_url: str | None = None
    """The origin Telegram and people reach the web server at, without a trailing slash."""
    webhook_secret: str | None = None
    console_max_age: int = DEFAULT_CONSOLE_MAX_AGE

    @property
    def webhook_mode(self) -> bool:
        """Whether updates come by webhook (``BOT_WEBHOOK_SECRET`` with ``BOT_PUBLIC_URL``)
        rather than by long polling."""
        return self.public_url is not None and self.webhook_secret is not None

    @property
    def api_file_url(self) -> str:
        """Where files are downloaded: the Bot API's ``/file/bot`` beside its ``/bot``."""
        root, marker, rest = self.api_base_url.rpartition("/bot")
        return f"{root}/file/bot{rest}" if marker else self.api_base_url

    def require_token(self) -> str:
        """Return the bot token, or fail with a message naming ``BOT_TOKEN``."""
        if not self.token:
            raise ConfigError("BOT_TOKEN is not set: put the token @BotFather gave you in it.")
        return self.token


def _token(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    token = value.strip()
    bot_id, _, secret = token.partition(":")
    if not bot_id.isdigit() or not secret:
        raise ConfigError(
            "BOT_TOKEN is malformed: expected the form 123456789:AAE... from @BotFather."
        )
    return token


def _base_url(value: str | None) -> str:
    if value is None or not value.strip():
        return TELEGRAM_BASE_URL
    url = value.strip()
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"BOT_API_BASE_URL must start with http:// or https://, got {url!r} "
            "(example: http://127.0.0.1:8081/bot)."
        )
    return url


def _admins(value: str | None) -> frozenset[int]:
    if value is None:
        return frozenset()
    admins: set[int] = set()
    for part in value.split(","):
        item = part.strip()
        if not item:
            continue
        if not item.isdigit() or int(item) == 0:
            raise ConfigError(
                f"BOT_ADMINS must be comma-separated Telegram user ids (digits), got {item!r}."
            )
        admins.add(int(item))
    return frozenset(admins)


def _locale(value: str | None) -> str:
    locale = (value or "en").strip().lower()
    if locale not in LOCALES:
        raise ConfigError(f"BOT_DEFAULT_LOCALE must be one of {', '.join(LOCALES)}, got {value!r}.")
    return locale


def _timezone(value: str | None) -> ZoneInfo:
    name = (value or "Asia/Almaty").strip()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"BOT_TIMEZONE must be an IANA time zone such as Asia/Almaty, got {value!r}."
        ) from None


def _broadcast_rate(value: str | None) -> float | None:
    if value is None or not value.strip():
        return DEFAULT_BROADCAST_RATE
    try:
        rate = float(value)
    except ValueError:
        rate = -1.0
    if not 0 <= rate <= MAX_BROADCAST_RATE:  # NaN fails this too
        raise ConfigError(
            f"BOT_BROADCAST_RATE must be messages per second from 0 to {MAX_BROADCAST_RATE:.0f} "
            f"(0: no limit of ours), got {value!r}."
        )
    return rate or None


def _retry_budget(value: str | None) -> float:
    """``BOT_BROADCAST_RETRY_MINUTES`` in seconds."""
    if value is None or not value.strip():
        return RETRY_BUDGET
    try:
        minutes = float(value)
    except ValueError:
        minutes = -1.0
    if not 0 < minutes <= MAX_RETRY_MINUTES:  # NaN fails this too
        raise ConfigError(
            f"BOT_BROADCAST_RETRY_MINUTES must be minutes above 0 and at most "
            f"{MAX_RETRY_MINUTES:.0f}, got {value!r}."
        )
    return minutes * 60


def _listen(value: str | None) -> tuple[str, int]:
    if value is None or not value.strip():
        return DEFAULT_LISTEN
    text = value.strip()
    host, colon, port = text.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not colon or not host or not port.isdigit() or int(port) > 65_535:
        raise ConfigError(
            f"BOT_LISTEN must be host:port, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::]:8080, "
            f"got {value!r}."
        )
    return host, int(port)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _public_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    url = value.strip()
    example = "(example: https://qorgau.example.org)"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        raise ConfigError(f"BOT_PUBLIC_URL is not a valid address: {url!r} {example}.") from None
    if parts.scheme not in ("https", "http") or not host:
        raise ConfigError(f"BOT_PUBLIC_URL must be an https:// origin, got {url!r} {example}.")
    if parts.scheme == "http" and not is_loopback(host):
        raise ConfigError(
            f"BOT_PUBLIC_URL must use HTTPS (Telegram opens Mini Apps and sends webhooks only "
            f"over HTTPS; plain http is allowed on 127.0.0.1 for tests), got {url!r}."
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ConfigError(
            f"BOT_PUBLIC_URL must be an origin alone, without a path, query or user, "
            f"got {url!r} {example}."
        )
    return f"{parts.scheme}://{parts.netloc}"


def _webhook_secret(value: str | None, public_url: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    secret = value.strip()
    if not WEBHOOK_SECRET.fullmatch(secret):
        raise ConfigError(
            "BOT_WEBHOOK_SECRET must be 8 to 256 characters of A-Z, a-z, 0-9, _ and - "
            "(e.g. the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')."
        )
    if public_url is None:
        raise ConfigError(
            "BOT_WEBHOOK_SECRET is set but BOT_PUBLIC_URL is not: webhooks need the public "
            "HTTPS address Telegram sends updates to."
        )
    return secret


def _console_max_age(value: str | None) -> int:
    if value is None or not value.strip():
        return DEFAULT_CONSOLE_MAX_AGE
    low, high = CONSOLE_MAX_AGE_RANGE
    text = value.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ConfigError(
            f"BOT_CONSOLE_MAX_AGE must be seconds from {low} to {high}, got {value!r}."
        )
    return int(text)


def _database(value: str | None) -> DatabaseLocation:
    if value is None or not value.strip():
        return DEFAULT_DATABASE
    try:
        return parse_location(value)
    except BadLocation as error:
        raise ConfigError(
            f"BOT_DATABASE must be a SQLite file or a PostgreSQL URL "
            f"(postgresql://USER:PASSWORD@HOST:PORT/DATABASE): {error}."
        ) from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the ``BOT_*`` variables; the first bad one raises ConfigError."""
    env = os.environ if environ is None else environ
    public_url = _public_url(env.get("BOT_PUBLIC_URL"))
    return Settings(
        token=_token(env.get("BOT_TOKEN")),
        api_base_url=_base_url(env.get("BOT_API_BASE_URL")),
        database=_database(env.get("BOT_DATABASE")),
        admins=_admins(env.get("BOT_ADMINS")),
        default_locale=_locale(env.get("BOT_DEFAULT_LOCALE")),
        timezone=_timezone(env.get("BOT_TIMEZONE")),
        broadcast_rate=_broadcast_rate(env.get("BOT_BROADCAST_RATE")),
        broadcast_retry_budget=_retry_budget(env.get("BOT_BROADCAST_RETRY_MINUTES")),
        listen=_listen(env.get("BOT_LISTEN")),
        public_url=public_url,
        webhook_secret=_webhook_secret(env.get("BOT_WEBHOOK_SECRET"), public_url),
        console_max_age=_console_max_age(env.get("BOT_CONSOLE_MAX_AGE")),
    )
