"""Storage of written declarations: roster, invitations and bindings, signatures (one per
member, even under concurrent presses), the quorum announced once, the append-only audit log,
erasure, and the command-line subcommands."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.declaration_content import load_declarations
from bot.domain.declarations import (
    Declaration,
    Refusal,
    RuleSettings,
    Signature,
    Status,
    text_digest,
)
from bot.domain.members import BindingRefused, Member
from bot.domain.signatory_block import PoliticalGroup
from bot.shipped import SHIPPED_DECLARATIONS
from storage import Database
from storage.audit_log import AuditLog
from storage.broadcasts import Broadcasts
from storage.declaration_reminders import DeclarationReminders
from storage.declarations import Declarations
from storage.erasure import erase_user
from storage.location import DatabaseLocation, PostgresUrl
from storage.members import Members, token_digest
from storage.users import Users
from tests.commands import run_bot_command
from tests.stored import execute
from tests.test_declarations import seed_block

GROUPS = (PoliticalGroup("SOC", "Socialists"), PoliticalGroup("EPP", "People's Party"))


def entry(index: int, country: str = "Belgium", group: str = "SOC") -> Member:
    return Member(f"Surname{index}", "Given", "", country, group, "PACE", "representative")


async def roster(db: Database, count: int) -> list[int]:
    """``count`` members in two groups and as many countries as members; their ids."""
    members = Members(db)
    entries = [entry(i, f"Country{i}", ("SOC", "EPP")[i % 2]) for i in range(count)]
    await members.import_roster(entries, GROUPS)
    return [m.id for m in sorted(await members.search(""), key=lambda m: m.id)]


async def open_declaration(db: Database, tabler: int, rules: RuleSettings) -> Declaration:
    declaration = Declaration(
        700,
        "PACE",
        {"en": "Title"},
        {"en": "Free them.", "ru": "Освободите их."},
        "en",
        tabler,
        rules=rules,
    )
    declarations = Declarations(db)
    assert await declarations.create(declaration)
    assert await declarations.set_status(700, Status.OPEN, datetime.now(UTC) + timedelta(days=3))
    stored = await declarations.get(700)
    assert stored is not None and stored.status is Status.OPEN
    return stored


async def test_the_shipped_declaration_round_trips(db: Database) -> None:
    declarations = Declarations(db)
    for item in load_declarations(SHIPPED_DECLARATIONS):
        assert await declarations.import_file(item)
        assert not await declarations.import_file(item)  # again: nothing doubles
    declaration = await declarations.get(652)
    assert declaration is not None and declaration.status is Status.CLOSED
    signers = await declarations.signers(652)
    assert len(signers) == 24 and signers[0].surname == "Sutter"
    assert declaration.tabler_id == signers[0].id
    quorum = await declarations.quorum(declaration)
    assert (quorum.signatures, quorum.delegations, quorum.groups) == (24, 12, 4)
    assert quorum.reached


async def test_signing_once_and_only_in_the_window(db: Database) -> None:
    ids = await roster(db, 3)
    declaration = await open_declaration(db, ids[0], RuleSettings())
    declarations = Declarations(db)
    digest = text_digest("Освободите их.")
    first = await declarations.sign(700, ids[1], "ru", digest, datetime.now(UTC))
    assert isinstance(first, Signature) and first.new and first.sequence == 1
    again = await declarations.sign(700, ids[1], "ru", digest, datetime.now(UTC))
    assert isinstance(again, Signature) and not again.new and again.sequence == 1
    assert (
        await declarations.sign(700, ids[2], "en", digest, datetime.now(UTC))
        is Refusal.TEXT_CHANGED
    )
    assert declaration.closes_at is not None
    late = await declarations.sign(700, ids[2], "ru", digest, declaration.closes_at)
    assert late is Refusal.NOT_OPEN
    assert (
        await declarations.sign(701, ids[2], "ru", digest, datetime.now(UTC))
        is Refusal.NO_DECLARATION
    )
    other = Member("Elsewhere", "Ann", "", "Malta", "SOC", "OSCE PA")
    await Members(db).import_roster([other])
    (outsider,) = await Members(db).search("Elsewhere")
    refused = await declarations.sign(700, outsider.id, "ru", digest, datetime.now(UTC))
    assert refused is Refusal.OTHER_ASSEMBLY
    await declarations.set_status(700, Status.CLOSED)
    assert await declarations.sign(700, ids[2], "ru", digest, datetime.now(UTC)) is Refusal.NOT_OPEN


async def test_concurrent_presses_give_one_signature_each(db: Database) -> None:
    ids = await roster(db, 10)
    await open_declaration(db, ids[0], RuleSettings())
    declarations = Declarations(db)
    digest = text_digest("Free them.")
    results = await asyncio.gather(
        *(declarations.sign(700, member, "en", digest, datetime.now(UTC)) for member in ids * 4)
    )
    assert sum(isinstance(r, Signature) and r.new for r in results) == 10
    assert sorted(s.sequence for s in results if isinstance(s, Signature) and s.new) == list(
        range(1, 11)
    )
    assert len(await declarations.signers(700)) == 10


async def test_the_quorum_is_announced_once(db: Database) -> None:
    ids = await roster(db, 5)
    rules = RuleSettings(min_signatures=3, min_delegations=3, min_groups=2)
    declaration = await open_declaration(db, ids[0], rules)
    declarations = Declarations(db)
    digest = text_digest("Free them.")
    signatures = [
        await declarations.sign(700, member, "en", digest, datetime.now(UTC)) for member in ids
    ]
    reached = [isinstance(s, Signature) and s.quorum_reached for s in signatures]
    assert reached == [False, False, True, False, False]
    assert (await declarations.quorum(declaration)).reached


async def test_signatures_and_the_audit_log_cannot_be_changed(db: Database) -> None:
    ids = await roster(db, 2)
    await open_declaration(db, ids[0], RuleSettings())
    await Declarations(db).sign(700, ids[1], "en", text_digest("Free them."), datetime.now(UTC))
    for statement in (
        "DELETE FROM signatures",
        "UPDATE signatures SET sequence = 5",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET data = '{}'",
    ):
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as conn:
                await conn.execute(statement)
    count, broken = await AuditLog(db).verify()
    assert (count, broken) == (3, None)  # created, opened, signed


@pytest.mark.sqlite_only
async def test_a_tampered_log_names_the_first_broken_entry(db: Database) -> None:
    ids = await roster(db, 3)
    await open_declaration(db, ids[0], RuleSettings())
    for member in ids:
        await Declarations(db).sign(700, member, "en", text_digest("Free them."), datetime.now(UTC))
    async with db.transaction() as conn:  # someone with the file and sqlite3 in hand
        await conn.execute("DROP TRIGGER audit_log_append_only_update")
        await conn.execute(
            "UPDATE audit_log SET data = json_set(data, '$.member', 1) WHERE seq = 4"
        )
    assert await AuditLog(db).verify() == (5, 4)


@pytest.mark.postgresql_only
async def test_a_tampered_log_names_the_first_broken_entry_on_postgresql(db: Database) -> None:
    ids = await roster(db, 3)
    await open_declaration(db, ids[0], RuleSettings())
    for member in ids:
        await Declarations(db).sign(700, member, "en", text_digest("Free them."), datetime.now(UTC))
    async with db.transaction() as conn:  # the database's owner, with psql in hand
        await conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_update")
        await conn.execute(
            "UPDATE audit_log SET data = CAST(jsonb_set(CAST(data AS jsonb), '{member}', '1') "
            "AS text) WHERE seq = 4"
        )
    assert await AuditLog(db).verify() == (5, 4)


async def test_invitations_bind_once_and_expire(db: Database) -> None:
    ids = await roster(db, 2)
    members, users = Members(db), Users(db)
    for user_id in (1, 2):
        await users.touch(user_id, "en", date.today())
    invitation = await members.invite(ids[0])
    assert invitation.payload.startswith("m_") and len(invitation.payload) <= 64
    stored = await db.fetchall("SELECT token_sha256 FROM member_invitations")
    assert [row[0] for row in stored] == [token_digest(invitation.payload.removeprefix("m_"))]
    assert await members.bind("m_" + "x" * 43, 1) is BindingRefused.UNKNOWN
    bound = await members.bind(invitation.payload, 1)
    assert not isinstance(bound, BindingRefused) and bound.member.id == ids[0]
    assert await members.bind(invitation.payload, 2) is BindingRefused.USED
    expired = await members.invite(ids[1], ttl=-1)
    assert await members.bind(expired.payload, 2) is BindingRefused.EXPIRED
    other = await members.invite(ids[1])
    assert await members.bind(other.payload, 1) is BindingRefused.ACCOUNT_TAKEN
    assert (await members.member_of(1)) == bound.member
    assert await members.unbind(ids[0]) == 1
    assert await members.member_of(1) is None
    actions = [entry.action for entry in await AuditLog(db).entries()]
    assert actions == ["invitation", "binding", "invitation", "invitation", "unbinding"]
    assert all("user" not in entry.data for entry in await AuditLog(db).entries())


async def test_forget_drops_the_binding_and_keeps_signatures_and_the_chain(db: Database) -> None:
    ids = await roster(db, 2)
    members = Members(db)
    await Users(db).touch(5, "en", date.today())
    assert not isinstance(await members.bind((await members.invite(ids[1])).payload, 5), str)
    await open_declaration(db, ids[0], RuleSettings())
    await Declarations(db).sign(700, ids[1], "en", text_digest("Free them."), datetime.now(UTC))
    await erase_user(db, 5)
    assert await members.member_of(5) is None
    assert len(await Declarations(db).signers(700)) == 1
    assert (await AuditLog(db).verify())[1] is None


def test_export_signatures_prints_the_seed_block(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    fresh = run_bot_command("export-signatures", "652", database=new_database("fresh.sqlite3"))
    assert (fresh.returncode, fresh.stdout) == (0, seed_block() + "\n")  # shipped: no step
    database = new_database("bot.sqlite3")
    imported = run_bot_command("import-declarations", str(SHIPPED_DECLARATIONS), database=database)
    assert imported.stdout.strip() == "imported 1 declarations (1 new, 0 updated)"
    exported = run_bot_command("export-signatures", "652", database=database)
    assert exported.returncode == 0
    assert exported.stdout == seed_block() + "\n"
    output = tmp_path / "652.csv"
    as_csv = run_bot_command(
        "export-signatures", "652", "--format", "csv", "-o", str(output), database=database
    )
    assert as_csv.returncode == 0
    rows = output.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 25 and rows[-1] == "24,VEN,Mart,van de,Netherlands,ALDE"
    missing = run_bot_command("export-signatures", "653", database=database)
    assert (missing.returncode, missing.stderr.strip()) == (2, "no declaration No. 653")
    verified = run_bot_command("verify-audit", database=database)
    assert (verified.returncode, verified.stdout.strip()) == (
        0,
        "the audit log is intact: 0 entries",
    )


def test_a_roster_with_a_bad_row_imports_nothing(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    database = new_database("bot.sqlite3")
    path = tmp_path / "roster.csv"
    path.write_text(
        "surname,given_name,particle,country,political_group,assembly,seat\n"
        "Sutter,Petra,De,Belgium,SOC,PACE,representative\n"
        "Aeg,Raivo,,,EPP/CD,PACE,representative\n",
        encoding="utf-8",
    )
    assert (
        run_bot_command(
            "import-declarations", str(SHIPPED_DECLARATIONS), database=database
        ).returncode
        == 0
    )
    failed = run_bot_command("import-members", str(path), database=database)
    assert failed.returncode == 2
    assert failed.stderr.strip() == f"nothing imported: {path}:3: country is missing"

    async def count() -> int:
        async with await Database.open(database) as db:
            return len(await Members(db).search(""))

    assert asyncio.run(count()) == 24
    path.write_text(path.read_text().replace(",,EPP/CD", ",Estonia,EPP/CD"), encoding="utf-8")
    done = run_bot_command("import-members", str(path), database=database)
    assert done.stdout.strip() == "imported 2 members (0 new, 2 updated)"


async def test_a_declaration_reminder_goes_once_to_the_unsigned_bound(db: Database) -> None:
    ids = await roster(db, 3)
    members, users = Members(db), Users(db)
    for user_id, member_id in zip((11, 12, 13), ids, strict=True):
        await users.touch(user_id, "ru", date.today())
        invitation = await members.invite(member_id)
        assert not isinstance(await members.bind(invitation.payload, user_id), str)
    await users.touch(14, "en", date.today())  # not a member
    await open_declaration(db, ids[0], RuleSettings())
    await Declarations(db).sign(700, ids[0], "en", text_digest("Free them."), datetime.now(UTC))
    reminders = DeclarationReminders(db, Broadcasts(db))
    texts = {"en": "e", "ru": "r", "kk": "k"}
    queued = await reminders.queue(700, [3], texts)
    assert queued is not None and queued[1] == 2
    rows = await db.fetchall("SELECT chat_id FROM outbox ORDER BY chat_id")
    assert [row[0] for row in rows] == [12, 13]
    assert await reminders.queue(700, [3], texts) is None  # a second run, or after a restart
    assert await reminders.sent(700) == {3}


def test_verify_audit_names_the_first_broken_entry(
    new_database: Callable[..., DatabaseLocation],
) -> None:
    database = new_database("bot.sqlite3")

    async def record_acts() -> None:
        async with await Database.open(database) as db:
            ids = await roster(db, 2)
            await open_declaration(db, ids[0], RuleSettings())
            await Declarations(db).sign(
                700, ids[1], "en", text_digest("Free them."), datetime.now(UTC)
            )

    asyncio.run(record_acts())
    assert run_bot_command("verify-audit", database=database).stdout.strip() == (
        "the audit log is intact: 3 entries"
    )
    tamper = "UPDATE audit_log SET at = '2000-01-01T00:00:00Z' WHERE seq = 2"
    if isinstance(database, PostgresUrl):  # the database's owner, with psql in hand
        execute(database, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_update")
        execute(database, tamper)
    else:
        with sqlite3.connect(database) as connection:  # someone with the file in hand
            connection.execute("DROP TRIGGER audit_log_append_only_update")
            connection.execute(tamper)
        connection.close()
    broken = run_bot_command("verify-audit", database=database)
    assert (broken.returncode, broken.stderr.strip()) == (
        1,
        "the audit log is broken at entry 2 (of 3)",
    )


def test_import_declarations_refuses_a_bad_file_and_an_unknown_group(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    database = new_database("bot.sqlite3")
    path = tmp_path / "710.yaml"
    text = "number: 710\nassembly: PACE\nauthoritative: en\ntitle: {en: T}\n"
    tabler = "tabler: {surname: A, given_name: B, country: C, political_group: XYZ}\n"
    path.write_text(text + "text: {en: " + "word " * 201 + "}\n" + tabler, encoding="utf-8")
    too_long = run_bot_command("import-declarations", str(path), database=database)
    assert too_long.returncode == 2
    assert too_long.stderr.strip() == (
        f"nothing imported: {path}: text.en: the text has 201 words; the rules allow 200"
    )
    path.write_text(text + "text: {en: Free them.}\n" + tabler, encoding="utf-8")
    unknown = run_bot_command("import-declarations", str(path), database=database)
    assert unknown.returncode == 2
    assert "unknown political group 'XYZ' of A" in unknown.stderr

    async def count() -> int:
        async with await Database.open(database) as db:
            return await Declarations(db).count()

    assert asyncio.run(count()) == 0


async def test_corrections_of_members_are_audited_as_they_were_and_are(db: Database) -> None:
    ids = await roster(db, 2)
    members, audit = Members(db), AuditLog(db)
    assert await audit.entries() == []  # a new member is no correction
    moved = replace(entry(0, "Country0", "SOC"), seat="substitute")
    await members.import_roster([moved, entry(1, "Country1", "EPP")], GROUPS)
    assert await members.update(ids[1], replace(entry(1, "Country1", "EPP"), particle="van"))
    assert [(e.action, e.data) for e in await audit.entries()] == [
        (
            "member_updated",
            {
                "member": ids[0],
                "source": "import",
                "before": {"seat": "representative"},
                "after": {"seat": "substitute"},
            },
        ),
        (
            "member_updated",
            {
                "member": ids[1],
                "source": "bot",
                "before": {"particle": ""},
                "after": {"particle": "van"},
            },
        ),
    ]


def test_a_reimport_cannot_change_what_was_signed(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    """No. 652 has 24 signatures: its text, reference and tabler are what they signed. Other
    changes go through, audited as they were and as they are."""
    database = new_database("bot.sqlite3")
    original = (SHIPPED_DECLARATIONS / "652.yaml").read_text(encoding="utf-8")
    path = tmp_path / "652.yaml"
    run_bot_command("import-declarations", str(SHIPPED_DECLARATIONS), database=database)
    for old, new, line, field in (
        ("  en: |-\n", "  en: |-\n    An extra sentence.\n", 16, "text.en"),
        ("reference: Doc. 14493", "reference: Doc. 99999", 7, "reference"),
        ("authoritative: en", "authoritative: ru", 10, "authoritative"),
    ):
        path.write_text(original.replace(old, new, 1), encoding="utf-8")
        refused = run_bot_command("import-declarations", str(path), database=database)
        assert refused.returncode == 2
        assert refused.stderr.strip() == (
            f"nothing imported: {path}:{line}: {field}: declaration 652 has 24 signatures: "
            "what they signed cannot change (write a new declaration instead)"
        )
    assert run_bot_command("export-signatures", "652", database=database).stdout == (
        seed_block() + "\n"
    )
    path.write_text(original.replace("status: closed", "status: open"), encoding="utf-8")
    reopened = run_bot_command("import-declarations", str(path), database=database)
    assert reopened.stdout.strip() == "imported 1 declarations (0 new, 1 updated)"

    async def audited() -> list[tuple[str, dict[str, object]]]:
        async with await Database.open(database) as db:
            return [(e.action, e.data) for e in await AuditLog(db).entries()]

    assert asyncio.run(audited()) == [
        (
            "declaration_updated",
            {
                "declaration": 652,
                "source": "import",
                "before": {"status": "closed"},
                "after": {"status": "open"},
            },
        )
    ]
