"""``python -m bot``: the command line of the bot."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_declarations import add_subcommands as add_declaration_subcommands
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging

if TYPE_CHECKING:
    from bot.domain.content import Content

ENVIRONMENT_HELP = """\
environment:
  BOT_TOKEN           the token from @BotFather (required by run)
  BOT_API_BASE_URL    Bot API endpoint in python-telegram-bot's base_url form
                      (default https://api.telegram.org/bot)
  BOT_DATABASE        the SQLite file (default var/qorgau.sqlite3)
  BOT_ADMINS          comma-separated Telegram user ids holding the admin role
  BOT_DEFAULT_LOCALE  en, ru or kk (default en)
  BOT_TIMEZONE        IANA time zone (default Asia/Almaty)
  BOT_BROADCAST_RATE  messages per second for appeals and other bulk sends
                      (default 25; 0: no limit of ours, e.g. for paid broadcasts)
"""


def _run(settings: Settings, _: argparse.Namespace) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.application import run

    settings.require_token()
    configure_logging(settings.token)
    try:
        asyncio.run(run(settings))
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
    from sandbox.demo import run_demo

    configure_logging(None, level=30)
    return asyncio.run(run_demo(settings))


def _import(settings: Settings, arguments: argparse.Namespace) -> int:
    from bot.domain.content import ContentError, load_content
    from bot.news import import_with_news
    from storage import Database
    from storage.cases import Cases

    try:
        content = load_content(arguments.path)
    except ContentError as error:
        print(f"nothing imported: {error}", file=sys.stderr)
        return 2

    async def store() -> tuple[int, int, int]:
        async with await Database.open(settings.database) as db:
            if arguments.notify:
                return await import_with_news(db, content)
            return (*await Cases(db).upsert(content), 0)

    added, updated, queued = asyncio.run(store())
    print(f"imported {len(content.cases)} cases ({added} new, {updated} updated)")
    if arguments.notify:
        print(f"queued {queued} messages of news for the followers of the cases")
    return 0


def _export(settings: Settings, arguments: argparse.Namespace) -> int:
    from bot.domain.content import write_content
    from bot.shipped import prepare_shipped_content
    from storage import Database
    from storage.cases import Cases
    from storage.declarations import Declarations

    async def read() -> Content:
        async with await Database.open(settings.database) as db:
            cases = Cases(db)
            await prepare_shipped_content(cases, Declarations(db))
            return await cases.content()

    written = write_content(asyncio.run(read()), arguments.path)
    print(f"exported {len(written) - 1} cases to {arguments.path}")
    return 0


def _health(settings: Settings, _: argparse.Namespace) -> int:
    from bot.health import heartbeat_path, is_alive

    alive = is_alive(heartbeat_path(settings.database))
    print("healthy" if alive else "unhealthy: no recent heartbeat")
    return 0 if alive else 1


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Qorgau: a Telegram bot for coordinating the defence of political prisoners.",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subcommands: dict[str, tuple[str, Callable[[Settings, argparse.Namespace], int]]] = {
        "run": ("run the bot with long polling until SIGINT or SIGTERM", _run),
        "demo": ("chat with the bot in this terminal: no token, no network", _demo),
        "health": ("exit 0 if the running bot beat recently (for HEALTHCHECK)", _health),
        "import": ("check and store the case files of a content folder", _import),
        "export": ("write the stored cases back as files into a folder", _export),
    }
    for name, (summary, handler) in subcommands.items():
        subparser = commands.add_parser(name, help=summary, description=summary)
        subparser.set_defaults(handler=handler)
        if name in ("import", "export"):
            subparser.add_argument(
                "path", type=Path, help="a folder with sources.yaml and cases/*.yaml"
            )
        if name == "import":
            subparser.add_argument(
                "--notify",
                action="store_true",
                help="send each new timeline entry to the followers of its case",
            )
    add_declaration_subcommands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, validate the environment and run the subcommand."""
    arguments = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return arguments.handler(settings, arguments)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
