"""Declarations and their signatures; every signature is recorded in the audit log.

Signing happens in one write transaction that checks the window, refuses a second signature,
numbers the new one and evaluates the quorum, so presses from two devices at once give one
signature and the quorum is announced once.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.declaration_content import DeclarationFile
from bot.domain.declarations import (
    DIGEST_START,
    Declaration,
    Quorum,
    Refusal,
    RuleSettings,
    Signature,
    SignedDeclarationChanged,
    Status,
    changes_to_what_was_signed,
    differences,
    evaluate_quorum,
    text_digest,
)
from bot.domain.members import Member
from bot.domain.signatory_block import listed_name
from storage import audit_log
from storage.database import Connection, Database, Row
from storage.members import member_from_row, upsert_groups, upsert_member

_COLUMN_NAMES = (
    "number",
    "assembly",
    "reference",
    "authoritative",
    "titles",
    "texts",
    "tabler_id",
    "status",
    "opens_at",
    "closes_at",
    "max_words",
    "min_signatures",
    "min_delegations",
    "min_groups",
    "dated",
)
_COLUMNS = ", ".join(_COLUMN_NAMES)
_SIGNERS = (
    "SELECT members.id, signatures.surname, signatures.given_name, signatures.particle, "
    "signatures.country, signatures.political_group, assembly, seat "
    "FROM signatures JOIN members ON members.id = member_id "
    "WHERE declaration = ? ORDER BY sequence"
)
"""The signers as listed when they signed (a later correction of the roster changes nothing)."""
_LISTED_NAMES = ("surname", "given_name", "particle", "country", "political_group")
_LISTED = ", ".join(_LISTED_NAMES)
"""The columns of a signature that keep the member as listed when signed."""
_SIGNATURE = (
    "SELECT sequence, signed_at, text_sha256 FROM signatures "
    "WHERE declaration = ? AND member_id = ?"
)
_NON_ATTACHED = "SELECT abbreviation FROM political_groups WHERE non_attached = 1"


def _moment(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _signature_from_row(number: int, member_id: int, row: Row | None) -> Signature | None:
    if row is None:
        return None
    return Signature(number, member_id, row[0], _moment(row[1]), row[2])


def _timestamp(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def declaration_from_row(row: Row) -> Declaration:
    """A :class:`Declaration` from a row of the ``declarations`` table."""
    return Declaration(
        number=row["number"],
        assembly=row["assembly"],
        reference=row["reference"],
        authoritative=row["authoritative"],
        title=json.loads(row["titles"]),
        text=json.loads(row["texts"]),
        tabler_id=row["tabler_id"],
        status=Status(row["status"]),
        opens_at=_moment(row["opens_at"]),
        closes_at=_moment(row["closes_at"]),
        rules=RuleSettings(
            row["max_words"], row["min_signatures"], row["min_delegations"], row["min_groups"]
        ),
        dated=date.fromisoformat(row["dated"]) if row["dated"] else None,
    )


def _row_values(declaration: Declaration) -> tuple[object, ...]:
    rules = declaration.rules
    return (
        declaration.number,
        declaration.assembly,
        declaration.reference,
        declaration.authoritative,
        json.dumps(declaration.title, ensure_ascii=False),
        json.dumps(declaration.text, ensure_ascii=False),
        declaration.tabler_id,
        declaration.status.value,
        _timestamp(declaration.opens_at),
        _timestamp(declaration.closes_at),
        rules.max_words,
        rules.min_signatures,
        rules.min_delegations,
        rules.min_groups,
        declaration.dated.isoformat() if declaration.dated else None,
    )


class Declarations:
    """Storing, opening, closing and signing declarations."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self._db = db
        self._clock = clock

    async def import_file(self, item: DeclarationFile) -> bool:
        """Store a declaration from its content file with its tabler, signatories and groups;
        ``True`` if it is new. Signatures already stored are kept as they are; changes to a
        stored declaration are audited, and those to what its signatories signed refused
        (:class:`SignedDeclarationChanged`, nothing stored)."""
        async with self._db.transaction() as conn:
            await upsert_groups(conn, item.groups)
            tabler_id, _ = await upsert_member(conn, item.tabler)
            declaration = replace(item.declaration, tabler_id=tabler_id)
            async with conn.execute(
                f"SELECT {_COLUMNS} FROM declarations WHERE number = ?", (declaration.number,)
            ) as cursor:
                stored = await cursor.fetchone()
            new = stored is None
            if stored is not None:
                await _check_reimport(conn, declaration_from_row(stored), declaration)
            updates = ", ".join(f"{name} = excluded.{name}" for name in _COLUMN_NAMES[1:])
            await conn.execute(
                f"INSERT INTO declarations ({_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                f"ON CONFLICT (number) DO UPDATE SET {updates}",
                _row_values(declaration),
            )
            digest = text_digest(declaration.text[declaration.authoritative])
            for signatory in item.signatories:
                member_id, _ = await upsert_member(conn, signatory)
                await conn.execute(
                    "INSERT INTO signatures (declaration, member_id, sequence, text_language, "
                    f"text_sha256, {_LISTED}) SELECT ?1, ?2, (SELECT coalesce(max(sequence), 0) "
                    "+ 1 FROM signatures WHERE declaration = ?1), "
                    f"?3, ?4, {_LISTED} FROM members WHERE id = ?2 ON CONFLICT DO NOTHING",
                    (declaration.number, member_id, declaration.authoritative, digest),
                )
        return new

    async def create(self, declaration: Declaration) -> bool:
        """Store a new draft; ``False`` if the number is taken."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"INSERT INTO declarations ({_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                _row_values(declaration),
            )
            created = cursor.rowcount == 1
            await cursor.close()
            if created:
                await audit_log.record(
                    conn,
                    "declaration_created",
                    {"declaration": declaration.number, "tabler": declaration.tabler_id},
                )
        return created

    async def count(self) -> int:
        """How many declarations are stored."""
        row = await self._db.fetchone("SELECT count(*) FROM declarations")
        return int(row[0]) if row else 0

    async def get(self, number: int) -> Declaration | None:
        """One declaration, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM declarations WHERE number = ?", (number,)
        )
        return declaration_from_row(row) if row else None

    async def every(self) -> list[Declaration]:
        """Every declaration, the newest number first."""
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM declarations ORDER BY number DESC")
        return [declaration_from_row(row) for row in rows]

    async def signing_times(self, number: int) -> list[datetime | None]:
        """When each signature was given, in signing order (``None``: the historical record
        gives no time)."""
        rows = await self._db.fetchall(
            "SELECT signed_at FROM signatures WHERE declaration = ? ORDER BY sequence", (number,)
        )
        return [_moment(row[0]) for row in rows]

    async def quorum_reached_at(self, number: int) -> datetime | None:
        """When the quorum was first reached, if it was."""
        row = await self._db.fetchone(
            "SELECT quorum_reached_at FROM declarations WHERE number = ?", (number,)
        )
        return None if row is None else _moment(row[0])

    async def open_for_signing(self) -> list[Declaration]:
        """Declarations whose status is open, by number."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM declarations WHERE status = 'open' ORDER BY number"
        )
        return [declaration_from_row(row) for row in rows]

    async def set_text(self, number: int, language: str, title: str, text: str) -> bool:
        """Add or replace the title and text in ``language`` of a declaration that is not
        closed; ``False`` if there is none such."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE declarations SET titles = {conn.dialect.json_set('titles', '?1', '?2')}, "
                f"texts = {conn.dialect.json_set('texts', '?1', '?3')} "
                "WHERE number = ?4 AND status <> 'closed'",
                (language, title, text, number),
            )
            changed = cursor.rowcount == 1
            await cursor.close()
            if changed:
                await audit_log.record(
                    conn,
                    "declaration_text",
                    {"declaration": number, "language": language, "text_sha256": text_digest(text)},
                )
        return changed

    async def set_status(
        self,
        number: int,
        status: Status,
        closes_at: datetime | None = None,
        actor_user_id: int | None = None,
    ) -> bool:
        """Open a declaration (from now, by the clock, until ``closes_at``) or close it;
        ``False`` if there is no such declaration. The audit entry names the actor by number
        when one is given."""
        async with self._db.transaction() as conn:
            if status is Status.OPEN:
                cursor = await conn.execute(
                    "UPDATE declarations SET status = 'open', opens_at = ?, closes_at = ? "
                    "WHERE number = ?",
                    (self._clock.now().timestamp(), _timestamp(closes_at), number),
                )
            else:
                cursor = await conn.execute(
                    "UPDATE declarations SET status = ? WHERE number = ?", (status.value, number)
                )
            changed = cursor.rowcount == 1
            await cursor.close()
            if changed:
                data: dict[str, object] = {"declaration": number}
                if closes_at is not None:
                    data["closes_at"] = int(closes_at.timestamp())
                if actor_user_id is not None:
                    data["actor"] = await audit_log.actor(conn, actor_user_id)
                await audit_log.record(conn, f"declaration_{status.value}", data)
        return changed

    async def sign(
        self, number: int, member_id: int, language: str, seen_digest: str, now: datetime
    ) -> Signature | Refusal:
        """Record ``member_id``'s signature of the text in ``language`` the member read:
        ``seen_digest`` is its SHA-256 (hex), or the start of it a button carries (at least
        :data:`DIGEST_START` digits); the signature keeps the whole digest. The existing
        signature if they signed before."""
        if len(seen_digest) < DIGEST_START:
            raise ValueError(f"a digest of {len(seen_digest)} digits identifies no text")
        async with self._db.transaction() as conn:
            async with conn.execute(
                f"SELECT {_COLUMNS}, quorum_reached_at, sequence, signed_at, text_sha256 "
                "FROM declarations LEFT JOIN signatures "
                "ON declaration = number AND member_id = ? WHERE number = ?",
                (member_id, number),
            ) as cursor:
                declaration_row = await cursor.fetchone()
            if declaration_row is None:
                return Refusal.NO_DECLARATION
            if declaration_row["sequence"] is not None:  # signed before
                return Signature(
                    number,
                    member_id,
                    declaration_row["sequence"],
                    _moment(declaration_row["signed_at"]),
                    declaration_row["text_sha256"],
                )
            declaration = declaration_from_row(declaration_row)
            if not declaration.accepts_signatures(now):
                return Refusal.NOT_OPEN
            digest = text_digest(declaration.text.get(language, ""))
            if not digest.startswith(seen_digest):
                return Refusal.TEXT_CHANGED
            # The member as listed now, if they sit in the declaration's assembly, numbered
            # after the signatures before.
            async with conn.execute(
                f"INSERT INTO signatures (declaration, member_id, sequence, signed_at, "
                f"text_language, text_sha256, {_LISTED}) SELECT ?1, id, (SELECT "
                "coalesce(max(sequence), 0) + 1 FROM signatures WHERE declaration = ?1), "
                f"?3, ?4, ?5, {_LISTED} FROM members WHERE id = ?2 AND assembly = ?6 "
                f"RETURNING sequence, {_LISTED}",
                (number, member_id, now.timestamp(), language, digest, declaration.assembly),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return Refusal.OTHER_ASSEMBLY
            sequence = row["sequence"]
            member = Member(
                **{name: row[name] for name in _LISTED_NAMES}, assembly=declaration.assembly
            )
            await audit_log.record(
                conn,
                "signature",
                {
                    "declaration": number,
                    "member": member_id,
                    "listed": listed_name(member),
                    "sequence": sequence,
                    "language": language,
                    "text_sha256": digest,
                },
            )
            # Once reached, the quorum's moment is kept: no later signature changes it.
            # Signatures are numbered without gaps and never removed, so below the least
            # number of signatures the quorum cannot be reached and the signers are not read.
            quorum_reached = (
                declaration_row["quorum_reached_at"] is None
                and sequence >= declaration.rules.min_signatures
                and await _mark_quorum(conn, declaration, now)
            )
        return Signature(
            number, member_id, sequence, now, digest, new=True, quorum_reached=quorum_reached
        )

    async def signature(self, number: int, member_id: int) -> Signature | None:
        """A member's signature under a declaration, or ``None``."""
        row = await self._db.fetchone(_SIGNATURE, (number, member_id))
        return _signature_from_row(number, member_id, row)

    async def signers(self, number: int) -> list[Member]:
        """The members who signed a declaration, in signing order."""
        return [member_from_row(row) for row in await self._db.fetchall(_SIGNERS, (number,))]

    async def quorum(self, declaration: Declaration) -> Quorum:
        """The declaration's signatures, delegations and groups against its rules."""
        signers = await self.signers(declaration.number)
        unattached = [row[0] for row in await self._db.fetchall(_NON_ATTACHED)]
        return evaluate_quorum(signers, declaration.rules, unattached)


async def _check_reimport(conn: Connection, stored: Declaration, imported: Declaration) -> None:
    """Refuse a re-import that changes what a declaration's signatories signed; audit any
    other change, as it was and as it is."""
    changed = differences(stored, imported)
    if not changed:
        return
    async with conn.execute(
        "SELECT count(*) FROM signatures WHERE declaration = ?", (stored.number,)
    ) as cursor:
        (signatures,) = await cursor.fetchone()
    if signatures and (signed := changes_to_what_was_signed(changed)):
        raise SignedDeclarationChanged(stored.number, signed[0], signatures)
    await audit_log.record(
        conn,
        "declaration_updated",
        {
            "declaration": stored.number,
            "source": "import",
            "before": {name: was for name, (was, _) in changed.items()},
            "after": {name: now for name, (_, now) in changed.items()},
        },
    )


async def _mark_quorum(conn: Connection, declaration: Declaration, now: datetime) -> bool:
    """Record the moment the quorum is first reached; whether that moment is now."""
    async with conn.execute(_SIGNERS, (declaration.number,)) as cursor:
        signers = [member_from_row(row) for row in await cursor.fetchall()]
    async with conn.execute(_NON_ATTACHED) as cursor:
        unattached = [row[0] for row in await cursor.fetchall()]
    if not evaluate_quorum(signers, declaration.rules, unattached).reached:
        return False
    cursor = await conn.execute(
        "UPDATE declarations SET quorum_reached_at = ? "
        "WHERE number = ? AND quorum_reached_at IS NULL",
        (now.timestamp(), declaration.number),
    )
    reached_now = cursor.rowcount == 1
    await cursor.close()
    if reached_now:
        await audit_log.record(conn, "quorum_reached", {"declaration": declaration.number})
    return reached_now
