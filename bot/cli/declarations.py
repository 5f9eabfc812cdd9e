"""The subcommands of written declarations: the roster, declaration files, the signatory
block and the audit log."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.database import in_database
from bot.config import Settings

if TYPE_CHECKING:
    from storage import Database


def _import_members(settings: Settings, arguments: argparse.Namespace) -> int:
    from bot.domain.files import FileError
    from bot.domain.roster import load_roster
    from storage.members import Members

    async def store(db: Database) -> int:
        members = Members(db)
        try:
            roster = load_roster(arguments.path, await members.group_abbreviations())
        except FileError as error:
            print(f"nothing imported: {error}", file=sys.stderr)
            return 2
        added, updated = await members.import_roster(roster.members, roster.groups)
        print(f"imported {len(roster.members)} members ({added} new, {updated} updated)")
        return 0

    return in_database(settings, store)


def _import_declarations(settings: Settings, arguments: argparse.Namespace) -> int:
    from bot.domain.declaration_content import load_declarations
    from bot.domain.declarations import SignedDeclarationChanged
    from bot.domain.files import FileError
    from storage.declarations import Declarations
    from storage.members import Members

    try:
        items = load_declarations(arguments.path)
    except FileError as error:
        print(f"nothing imported: {error}", file=sys.stderr)
        return 2

    async def store(db: Database) -> int:
        known = await Members(db).group_abbreviations()
        for item in items:
            defined = known | {group.abbreviation for group in item.groups}
            for member in (item.tabler, *item.signatories):
                if member.political_group not in defined:
                    number = item.declaration.number
                    print(
                        f"nothing imported: declaration {number}: unknown political group "
                        f"{member.political_group!r} of {member.surname}",
                        file=sys.stderr,
                    )
                    return 2
        declarations = Declarations(db)
        by_number = {item.declaration.number: item for item in items}
        try:
            async with db.transaction():  # all of them, or none
                new = sum([await declarations.import_file(item) for item in items])
        except SignedDeclarationChanged as refused:
            field = refused.field
            error = by_number[refused.number].error(
                field, str(refused).replace(field, "{field}", 1)
            )
            print(f"nothing imported: {error}", file=sys.stderr)
            return 2
        print(f"imported {len(items)} declarations ({new} new, {len(items) - new} updated)")
        return 0

    return in_database(settings, store)


def _export_signatures(settings: Settings, arguments: argparse.Namespace) -> int:
    from bot.domain.signatory_block import block, block_csv
    from bot.shipped import prepare_shipped_content
    from storage.cases import Cases
    from storage.declarations import Declarations
    from storage.members import Members

    async def read(db: Database) -> str | None:
        declarations = Declarations(db)
        await prepare_shipped_content(Cases(db), declarations)
        declaration = await declarations.get(arguments.number)
        if declaration is None:
            return None
        signers = await declarations.signers(declaration.number)
        if arguments.format == "csv":
            return block_csv(signers, declaration.tabler_id)
        return block(signers, declaration.tabler_id, await Members(db).groups()) + "\n"

    output = in_database(settings, read)
    if output is None:
        print(f"no declaration No. {arguments.number}", file=sys.stderr)
        return 2
    if arguments.output is None:
        sys.stdout.write(output)
    else:
        arguments.output.write_text(output, encoding="utf-8")
        print(f"wrote the signatories of declaration No. {arguments.number} to {arguments.output}")
    return 0


def _export_declaration(settings: Settings, arguments: argparse.Namespace) -> int:
    from bot.documents import render
    from bot.shipped import prepare_shipped_content
    from bot.text.documents import declaration_document
    from storage.cases import Cases
    from storage.declarations import Declarations
    from storage.members import Members

    async def read(db: Database) -> bytes | None:
        declarations = Declarations(db)
        await prepare_shipped_content(Cases(db), declarations)
        declaration = await declarations.get(arguments.number)
        if declaration is None:
            return None
        signers = await declarations.signers(declaration.number)
        language = arguments.language or declaration.authoritative
        layout = declaration_document(declaration, language, signers, await Members(db).groups())
        return render(layout, arguments.format)

    output = in_database(settings, read)
    if output is None:
        print(f"no declaration No. {arguments.number}", file=sys.stderr)
        return 2
    if arguments.output is None:
        if arguments.format != "txt" and sys.stdout.isatty():
            print(f"a {arguments.format} file is binary: give -o FILE", file=sys.stderr)
            return 2
        sys.stdout.buffer.write(output)
        sys.stdout.flush()
    else:
        arguments.output.write_bytes(output)
        print(f"wrote declaration No. {arguments.number} to {arguments.output}")
    return 0


def _verify_audit(settings: Settings, _: argparse.Namespace) -> int:
    from storage.audit_log import AuditLog

    count, broken = in_database(settings, lambda db: AuditLog(db).verify())
    if broken is not None:
        print(f"the audit log is broken at entry {broken} (of {count})", file=sys.stderr)
        return 1
    print(f"the audit log is intact: {count} entries")
    return 0


def add_subcommands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``import-members``, ``import-declarations``, ``export-signatures``,
    ``export-declaration`` and ``verify-audit``."""
    parser = commands.add_parser(
        "import-members",
        help="check and store a roster of members of parliament (.csv or .yaml)",
        description="Check a roster file and store its members; a bad row imports nothing.",
    )
    parser.add_argument("path", type=Path, help="a .csv or .yaml roster")
    parser.set_defaults(handler=_import_members)

    parser = commands.add_parser(
        "import-declarations",
        help="check and store declaration files (one .yaml file or a folder of them)",
        description="Check declaration files and store them with their signatories.",
    )
    parser.add_argument("path", type=Path, help="a declaration .yaml file or a folder")
    parser.set_defaults(handler=_import_declarations)

    parser = commands.add_parser(
        "export-signatures",
        help="print a declaration's signatory block in the assembly's format",
        description="Print the signatory block: the list, Total = N and the group footnote.",
    )
    parser.add_argument("number", type=int, help="the declaration's number, e.g. 652")
    parser.add_argument("--format", choices=("text", "csv"), default="text")
    parser.add_argument("--output", "-o", type=Path, help="write to this file, not stdout")
    parser.set_defaults(handler=_export_signatures)

    parser = commands.add_parser(
        "export-declaration",
        help="write a declaration as the assembly publishes it (PDF, DOCX or text)",
        description="Write declaration N in the assembly's layout: reference, date, title, "
        "number, disclaimer, text, and overleaf the signatories, Total = N and the groups.",
    )
    parser.add_argument("number", type=int, help="the declaration's number, e.g. 652")
    parser.add_argument("--format", choices=("pdf", "docx", "txt"), default="txt")
    parser.add_argument(
        "--language",
        choices=("en", "ru", "kk"),
        help="the language of the text and headings (default: the authoritative one)",
    )
    parser.add_argument("--output", "-o", type=Path, help="write to this file, not stdout")
    parser.set_defaults(handler=_export_declaration)

    parser = commands.add_parser(
        "verify-audit",
        help="check the audit log's hash chain; exit 1 naming the first broken entry",
        description="Check every entry of the audit log's hash chain.",
    )
    parser.set_defaults(handler=_verify_audit)
