"""A free TCP port on loopback, for a bot whose web server tests or the demo must know the
address of before it starts (its webhook and console are named by ``BOT_PUBLIC_URL``)."""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the system's choice; it may be taken again later, which
    on loopback in a test run practically never happens)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
