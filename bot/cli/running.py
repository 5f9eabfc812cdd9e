"""``run``, ``demo`` and ``health``: the bot itself, the terminal demo and the container's check.

Subcommands import what they need when chosen, so ``--help`` and ``health`` stay instant.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Settings
from bot.logs import configure_logging


def _run(settings: Settings, _: argparse.Namespace) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.application import run
    from bot.cli.database import unusable
    from bot.web.server import WebServerUnavailable
    from storage.database import DatabaseUnavailable

    settings.require_token()
    configure_logging(settings.token)
    try:
        asyncio.run(run(settings))
    except DatabaseUnavailable as error:
        raise unusable(settings, error) from None
    except WebServerUnavailable as error:
        print(error, file=sys.stderr)
        return 2
    except InvalidToken:
        print("BOT_TOKEN was refused by the Bot API: check the token.", file=sys.stderr)
        return 2
    except NetworkError as error:
        print(
            f"cannot reach the Bot API at {settings.api_base_url}: {error.message}",
            file=sys.stderr,
        )
        return 1
    return 0


def _demo(settings: Settings, _: argparse.Namespace) -> int:
    try:
        from sandbox.demo import run_demo
    except ImportError:
        print(
            "the demo runs from a checkout of the source (its local Bot API server is not "
            "installed with the bot): git clone, then python -m bot demo in the clone",
            file=sys.stderr,
        )
        return 2
    configure_logging(None, level=30)
    return asyncio.run(run_demo(settings))


def _health(settings: Settings, arguments: argparse.Namespace) -> int:
    from bot.health import ask_healthz

    healthy, said = ask_healthz(*settings.listen)
    if arguments.role:
        print(said if healthy else "unhealthy")
    elif healthy:
        # The active instance says "healthy"; one standing by says so too, and that it waits.
        print("healthy" if said == "active" else f"healthy: {said}")
    else:
        print(f"unhealthy: {said}")
    return 0 if healthy else 1


def add_subcommands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``run``, ``demo`` and ``health``."""
    for name, summary, handler in (
        ("run", "run the bot with long polling until SIGINT or SIGTERM", _run),
        ("demo", "chat with the bot in this terminal: no token, no network", _demo),
        (
            "health",
            "exit 0 if the running bot's /healthz says so (for HEALTHCHECK); say if it stands by",
            _health,
        ),
    ):
        parser = commands.add_parser(name, help=summary, description=summary)
        parser.set_defaults(handler=handler)
        if name == "health":
            parser.add_argument(
                "--role",
                action="store_true",
                help="print only the role: active (it takes updates) or standby",
            )
