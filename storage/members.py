"""The roster of members of parliament, their invitations and their bound Telegram accounts.

An invitation's token is shown once, in the coordinator's chat; only its SHA-256 is stored, so
a copy of the database cannot bind anyone. Every invitation, binding and unbinding is recorded
in the audit log by member id, never by Telegram account.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.members import (
    INVITATION_PREFIX,
    Binding,
    BindingRefused,
    Invitation,
    Member,
    corrections,
)
from bot.domain.signatory_block import PoliticalGroup, collation_key
from storage import audit_log
from storage.database import Connection, Database, Row
from storage.users import recompute_roles

INVITATION_TTL = 7 * 24 * 3600
"""Seconds an invitation stays valid."""

MEMBER_COLUMNS = (
    "members.id, surname, given_name, particle, country, political_group, assembly, seat"
)


def member_from_row(row: Row) -> Member:
    """A :class:`Member` from a row of ``MEMBER_COLUMNS``."""
    return Member(
        id=row["id"],
        surname=row["surname"],
        given_name=row["given_name"],
        particle=row["particle"],
        country=row["country"],
        political_group=row["political_group"],
        assembly=row["assembly"],
        seat=row["seat"],
    )


def token_digest(token: str) -> str:
    """What is stored of an invitation token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


async def upsert_groups(conn: Connection, groups: Iterable[PoliticalGroup]) -> None:
    """Add political groups or rename them, in the caller's transaction."""
    await conn.executemany(
        "INSERT INTO political_groups (abbreviation, name, non_attached) VALUES (?, ?, ?) "
        "ON CONFLICT (abbreviation) DO UPDATE SET name = excluded.name, "
        "non_attached = excluded.non_attached",
        [(group.abbreviation, group.name, int(group.non_attached)) for group in groups],
    )


async def _record_correction(
    conn: Connection, member_id: int, before: Member, after: Member, source: str
) -> None:
    """Append a correction of a member's record to the audit log, with the fields as they
    were and as they are, if any changed; ``source`` is ``bot`` or ``import``."""
    was, now = corrections(before, after)
    if was or now:
        await audit_log.record(
            conn,
            "member_updated",
            {"member": member_id, "source": source, "before": was, "after": now},
        )


async def upsert_member(conn: Connection, member: Member) -> tuple[int, bool]:
    """Add a member or update the one with the same identity (a correction the audit log
    records); their id and whether new."""
    async with conn.execute(
        f"SELECT {MEMBER_COLUMNS} FROM members WHERE assembly = ? AND surname = ? "
        "AND given_name = ? AND country = ?",
        member.identity,
    ) as cursor:
        row = await cursor.fetchone()
    values = (member.particle, member.political_group, member.seat)
    if row is not None:
        stored = member_from_row(row)
        await conn.execute(
            "UPDATE members SET particle = ?, political_group = ?, seat = ? WHERE id = ?",
            (*values, stored.id),
        )
        updated = Member(
            stored.surname,
            stored.given_name,
            member.particle,
            stored.country,
            member.political_group,
            stored.assembly,
            member.seat,
        )
        assert stored.id is not None
        await _record_correction(conn, stored.id, stored, updated, "import")
        return stored.id, False
    async with conn.execute(
        "INSERT INTO members (assembly, surname, given_name, country, particle, "
        "political_group, seat) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (*member.identity, *values),
    ) as cursor:
        (member_id,) = await cursor.fetchone()
    return member_id, True


class Members:
    """Queries and commands on the roster, the invitations and the bindings."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self._db = db
        self._clock = clock

    async def import_roster(
        self, members: Iterable[Member], groups: Iterable[PoliticalGroup] = ()
    ) -> tuple[int, int]:
        """Store a checked roster in one transaction; the numbers of new and updated members."""
        added = updated = 0
        async with self._db.transaction() as conn:
            await upsert_groups(conn, groups)
            for member in members:
                _, new = await upsert_member(conn, member)
                added, updated = added + new, updated + (not new)
        return added, updated

    async def group_abbreviations(self) -> set[str]:
        """The abbreviations of every stored political group."""
        rows = await self._db.fetchall("SELECT abbreviation FROM political_groups")
        return {row[0] for row in rows}

    async def groups(self) -> list[PoliticalGroup]:
        """Every political group."""
        rows = await self._db.fetchall(
            "SELECT abbreviation, name, non_attached FROM political_groups"
        )
        return [PoliticalGroup(row[0], row[1], bool(row[2])) for row in rows]

    async def get(self, member_id: int) -> Member | None:
        """One member, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?", (member_id,)
        )
        return member_from_row(row) if row else None

    async def search(self, query: str) -> list[Member]:
        """Members whose surname or given name contains ``query`` (accents and case ignored),
        by surname; everyone for an empty query."""
        rows = await self._db.fetchall(f"SELECT {MEMBER_COLUMNS} FROM members")
        needle = collation_key(query)
        found = [
            member_from_row(row)
            for row in rows
            if needle in collation_key(f"{row['given_name']} {row['particle']} {row['surname']}")
        ]
        found.sort(key=lambda m: (collation_key(m.surname), collation_key(m.given_name)))
        return found

    async def update(self, member_id: int, member: Member) -> bool:
        """Correct a member's record to ``member``'s fields (not its id), recorded in the
        audit log as it was and as it is; ``False`` if another member has the same identity.
        Declarations keep their signatories as listed when they signed."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                f"SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?", (member_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return False
            # Asked first rather than caught: on PostgreSQL a refused statement ends the
            # whole transaction, on SQLite only itself.
            async with conn.execute(
                "SELECT 1 FROM members WHERE assembly = ? AND surname = ? AND given_name = ? "
                "AND country = ? AND id <> ?",
                (*member.identity, member_id),
            ) as cursor:
                if await cursor.fetchone() is not None:
                    return False
            await conn.execute(
                "UPDATE members SET assembly = ?, surname = ?, given_name = ?, country = ?, "
                "particle = ?, political_group = ?, seat = ? WHERE id = ?",
                (
                    *member.identity,
                    member.particle,
                    member.political_group,
                    member.seat,
                    member_id,
                ),
            )
            await _record_correction(conn, member_id, member_from_row(row), member, "bot")
        return True

    async def invite(self, member_id: int, ttl: float = INVITATION_TTL) -> Invitation:
        """A one-time invitation for a member; only its token's hash is stored."""
        token = secrets.token_urlsafe(32)
        expires_at = self._clock.now().timestamp() + ttl
        async with self._db.transaction() as conn:
            async with conn.execute(
                "INSERT INTO member_invitations (token_sha256, member_id, expires_at) "
                "VALUES (?, ?, ?) RETURNING id",
                (token_digest(token), member_id, expires_at),
            ) as cursor:
                (invitation_id,) = await cursor.fetchone()
            await audit_log.record(
                conn,
                "invitation",
                {"invitation": invitation_id, "member": member_id, "expires_at": int(expires_at)},
            )
        return Invitation(INVITATION_PREFIX + token, member_id, expires_at)

    async def bind(self, payload: str, user_id: int) -> Binding | BindingRefused:
        """Use an invitation: bind ``user_id`` to its member, or say why not. The roles of
        this account and of the one it replaces follow (see :class:`Role`)."""
        token = payload.removeprefix(INVITATION_PREFIX)
        now = self._clock.now().timestamp()
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT id, member_id, expires_at, used_at FROM member_invitations "
                "WHERE token_sha256 = ?",
                (token_digest(token),),
            ) as cursor:
                invitation = await cursor.fetchone()
            if invitation is None:
                return BindingRefused.UNKNOWN
            if invitation["used_at"] is not None:
                return BindingRefused.USED
            if invitation["expires_at"] <= now:
                return BindingRefused.EXPIRED
            member_id = invitation["member_id"]
            async with conn.execute(
                "SELECT member_id FROM member_bindings WHERE user_id = ?", (user_id,)
            ) as cursor:
                current = await cursor.fetchone()
            if current is not None and current[0] != member_id:
                return BindingRefused.ACCOUNT_TAKEN
            await conn.execute(
                "UPDATE member_invitations SET used_at = ? WHERE id = ?", (now, invitation["id"])
            )
            # A new invitation for a member replaces their old account (e.g. a new phone).
            async with conn.execute(
                "DELETE FROM member_bindings WHERE member_id = ? RETURNING user_id", (member_id,)
            ) as cursor:
                previous = await cursor.fetchone()
            await conn.execute(
                "INSERT INTO member_bindings (user_id, member_id) VALUES (?, ?)",
                (user_id, member_id),
            )
            replaced = previous[0] if previous and previous[0] != user_id else None
            await recompute_roles(conn, [user_id] if replaced is None else [user_id, replaced])
            await audit_log.record(
                conn, "binding", {"invitation": invitation["id"], "member": member_id}
            )
        member = await self.get(member_id)
        assert member is not None
        return Binding(member, replaced)

    async def unbind(self, member_id: int) -> int | None:
        """Drop a member's binding; the Telegram id that was bound (its role follows), or
        ``None``."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "DELETE FROM member_bindings WHERE member_id = ? RETURNING user_id", (member_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            await recompute_roles(conn, [row[0]])
            await audit_log.record(conn, "unbinding", {"member": member_id})
        return int(row[0])

    async def member_of(self, user_id: int) -> Member | None:
        """The member a Telegram account is bound to, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {MEMBER_COLUMNS} FROM members "
            "JOIN member_bindings ON member_bindings.member_id = members.id WHERE user_id = ?",
            (user_id,),
        )
        return member_from_row(row) if row else None

    async def user_of(self, member_id: int) -> int | None:
        """The Telegram account bound to a member, or ``None``."""
        row = await self._db.fetchone(
            "SELECT user_id FROM member_bindings WHERE member_id = ?", (member_id,)
        )
        return int(row[0]) if row else None
