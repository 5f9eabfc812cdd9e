"""A throwaway PostgreSQL cluster on loopback, for the tests and the benchmarks.

``initdb`` into a temporary folder, ``pg_ctl start`` on 127.0.0.1 and a free port, the
superuser's password required over TCP (a random one: the tests then see that no password
reaches a log or an error), and everything removed at :meth:`Cluster.stop`. The server
binaries come from ``PATH`` or Debian's ``/usr/lib/postgresql/<version>/bin`` (``apt-get
install postgresql``). PostgreSQL refuses to run as root: as root, the cluster runs as
``QORGAU_POSTGRES_USER`` (default ``nobody``) through ``runuser``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from storage.location import PostgresUrl

DEBIAN_BINARIES = Path("/usr/lib/postgresql")

FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
"""Settings for tests: nothing here must survive a crash of the machine."""


class NoPostgres(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def binaries() -> Path:
    """The folder of ``initdb``, ``pg_ctl`` and ``postgres``."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(
        (path for path in DEBIAN_BINARIES.glob("*/bin") if (path / "pg_ctl").exists()),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if not versions:
        raise NoPostgres(
            "no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql"
        )
    return versions[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One PostgreSQL server with its own data folder, for as long as it is needed."""

    def __init__(self, *, settings: dict[str, str] | None = None) -> None:
        self.bin = binaries()
        self.settings = dict(FAST if settings is None else settings)
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="qorgau-pg-"))
        self.data = self.root / "data"
        self.password = secrets.token_urlsafe(12)
        self._user: str | None = None
        if os.geteuid() == 0:
            self._user = os.environ.get("QORGAU_POSTGRES_USER", "nobody")
            entry = pwd.getpwnam(self._user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        os.chmod(self.root, 0o700)

    @property
    def url(self) -> PostgresUrl:
        """The ``postgres`` database of the cluster, as its superuser."""
        return PostgresUrl.parse(
            f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/postgres"
        )

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self._user, "--"] if self._user else []
        subprocess.run(
            [*prefix, *command], check=True, capture_output=True, cwd=self.root, timeout=120
        )

    def start(self) -> PostgresUrl:
        """Create the cluster and start its server; return its URL."""
        password_file = self.root / "password"
        password_file.write_text(self.password)
        if self._user:
            entry = pwd.getpwnam(self._user)
            os.chown(password_file, entry.pw_uid, entry.pw_gid)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            f"--pwfile={password_file}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        self.resume()
        return self.url

    def resume(self) -> None:
        """Start the server (again, after :meth:`pause`), on the same port and data."""
        options = [f"-k {self.root}", f"-p {self.port}", "-c listen_addresses=127.0.0.1"]
        options += ["-c max_connections=300"]
        options += [f"-c {name}={value}" for name, value in self.settings.items()]
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            " ".join(options),
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )

    def pause(self) -> None:
        """Stop the server, keeping its data (the database goes away for a while)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def stop(self) -> None:
        """Stop the server at once and remove every file of the cluster."""
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
