"""Where the database is: a SQLite file (a path) or a PostgreSQL database (a URL).

A :class:`PostgresUrl` shows itself with its password replaced by ``***`` (``str``, ``repr``,
f-strings), so an error message or a log line that names the database never carries the
password; only :attr:`PostgresUrl.dsn` does, and only the driver reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

SCHEMES = ("postgresql", "postgres")


class BadLocation(ValueError):
    """A database URL that cannot be right; the message never holds the password."""


@dataclass(frozen=True, slots=True)
class PostgresUrl:
    """A ``postgresql://user:password@host:port/database?options`` URL."""

    dsn: str = field(repr=False)
    redacted: str = field(compare=False)

    @classmethod
    def parse(cls, text: str) -> PostgresUrl:
        """Check the shape of a PostgreSQL URL; :class:`BadLocation` says what is wrong."""
        try:
            parts = urlsplit(text)
            port = parts.port  # raises on a port that is not a number
        except ValueError:
            raise BadLocation(f"{_redact_text(text)} is not a valid URL") from None
        redacted = _redact(parts)
        if parts.scheme not in SCHEMES:
            raise BadLocation(f"{redacted} must start with postgresql://")
        if port == 0:
            raise BadLocation(f"{redacted} has port 0")
        if not parts.path.strip("/"):
            raise BadLocation(f"{redacted} names no database (postgresql://HOST/DATABASE)")
        if "/" in parts.path.strip("/"):
            raise BadLocation(f"{redacted} has a path where only the database's name belongs")
        return cls(text, redacted)

    @property
    def password(self) -> str | None:
        """The password in the URL, to keep it out of logs; ``None`` if it has none."""
        password = urlsplit(self.dsn).password
        return unquote(password) if password else None

    @property
    def database_name(self) -> str:
        return unquote(urlsplit(self.dsn).path.strip("/"))

    def with_database(self, name: str) -> PostgresUrl:
        """The same server and credentials, another database."""
        parts = urlsplit(self.dsn)
        return PostgresUrl.parse(parts._replace(path=f"/{name}").geturl())

    def __str__(self) -> str:
        return self.redacted


DatabaseLocation = Path | PostgresUrl
"""A SQLite file or a PostgreSQL database."""


def parse_location(text: str) -> DatabaseLocation:
    """A ``postgresql://`` URL, or else a path to a SQLite file."""
    value = text.strip()
    scheme = value.partition(":")[0].lower()
    if scheme in SCHEMES or value.lower().startswith(tuple(f"{s}:" for s in SCHEMES)):
        return PostgresUrl.parse(value)
    return Path(value).expanduser()


def _redact(parts: SplitResult) -> str:
    if parts.password is None:
        return parts.geturl()
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def _redact_text(text: str) -> str:
    """A URL too broken to parse, shown without anything between ``:`` and ``@``."""
    scheme, separator, rest = text.partition("://")
    if "@" not in rest:
        return text
    credentials, _, host = rest.rpartition("@")
    user = credentials.partition(":")[0]
    return f"{scheme}{separator}{user}:***@{host}"
