"""``python -m bot``: the command line of the bot, one module per group of subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import content, declarations, moving, running
from bot.cli.database import Unusable
from bot.config import ConfigError, load_settings

ENVIRONMENT_HELP = """\
environment:
  BOT_TOKEN           the token from @BotFather (required by run)
  BOT_API_BASE_URL    Bot API endpoint in python-telegram-bot's base_url form
                      (default https://api.telegram.org/bot)
  BOT_DATABASE        the SQLite file (default var/qorgau.sqlite3), or a PostgreSQL
                      database: postgresql://USER:PASSWORD@HOST:PORT/DATABASE
  BOT_ADMINS          comma-separated Telegram user ids holding the admin role
  BOT_DEFAULT_LOCALE  en, ru or kk (default en)
  BOT_TIMEZONE        IANA time zone (default Asia/Almaty)
  BOT_BROADCAST_RATE  messages per second for appeals and other bulk sends (default 25;
                      above 30: paid broadcasts, which cost Telegram Stars; 0: no limit
                      of ours)
  BOT_BROADCAST_RETRY_MINUTES
                      how long a bulk message is retried when Telegram or the network
                      fails (default 15)
  BOT_LISTEN          host:port of the bot's web server: /healthz, /metrics, the
                      console and webhooks (default 127.0.0.1:8080)
  BOT_PUBLIC_URL      the public HTTPS origin Telegram and people reach that server
                      at, e.g. https://qorgau.example.org (needed by the console)
  BOT_WEBHOOK_SECRET  8-256 characters of A-Z a-z 0-9 _ -; with BOT_PUBLIC_URL, updates
                      come by webhook at BOT_PUBLIC_URL/telegram/webhook instead of
                      long polling, each request checked for this secret
  BOT_CONSOLE_MAX_AGE seconds a console opened in Telegram stays signed in
                      (default 3600)
"""


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Qorgau: a Telegram bot for coordinating the defence of political prisoners.",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (running, content, declarations, moving):
        group.add_subcommands(commands)
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
    except Unusable as error:
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
