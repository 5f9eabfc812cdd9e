"""``import`` and ``export``: case content files in and out of the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.database import in_database
from bot.config import Settings

if TYPE_CHECKING:
    from bot.domain.content import Content
    from storage import Database


def _import(settings: Settings, arguments: argparse.Namespace) -> int:
    from bot.domain.content import load_content
    from bot.domain.files import FileError
    from bot.news import import_with_news
    from storage.cases import Cases

    try:
        content = load_content(arguments.path)
    except FileError as error:
        print(f"nothing imported: {error}", file=sys.stderr)
        return 2

    async def store(db: Database) -> tuple[int, int, int]:
        if arguments.notify:
            return await import_with_news(db, content)
        return (*await Cases(db).upsert(content), 0)

    added, updated, queued = in_database(settings, store)
    print(f"imported {len(content.cases)} cases ({added} new, {updated} updated)")
    if arguments.notify:
        print(f"queued {queued} messages of news for the followers of the cases")
    return 0


def _export(settings: Settings, arguments: argparse.Namespace) -> int:
    from bot.domain.content import write_content
    from bot.shipped import prepare_shipped_content
    from storage.cases import Cases
    from storage.declarations import Declarations

    async def read(db: Database) -> Content:
        cases = Cases(db)
        await prepare_shipped_content(cases, Declarations(db))
        return await cases.content()

    written = write_content(in_database(settings, read), arguments.path)
    print(f"exported {len(written) - 1} cases to {arguments.path}")
    return 0


def add_subcommands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``import`` and ``export``."""
    parser = commands.add_parser(
        "import",
        help="check and store the case files of a content folder",
        description="Check the case files of a content folder and store all of them, or none.",
    )
    parser.add_argument("path", type=Path, help="a folder with sources.yaml and cases/*.yaml")
    parser.add_argument(
        "--notify",
        action="store_true",
        help="send each new timeline entry to the followers of its case",
    )
    parser.set_defaults(handler=_import)

    parser = commands.add_parser(
        "export",
        help="write the stored cases back as files into a folder",
        description="Write the stored cases back as files into a folder.",
    )
    parser.add_argument("path", type=Path, help="a folder with sources.yaml and cases/*.yaml")
    parser.set_defaults(handler=_export)
