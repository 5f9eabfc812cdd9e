"""Numbered schema migrations, applied in order and recorded in ``PRAGMA user_version``.

Each step runs in one transaction together with the bump of ``user_version``: a step that fails
leaves the schema exactly as it was. Foreign keys are off during a step, so that a table can be
rebuilt (SQLite's own procedure for changing a constraint), and checked before it commits.
Append new steps; never edit one that has shipped.
"""

from __future__ import annotations

import logging

import aiosqlite

logger = logging.getLogger(__name__)

FAILURE_CLASSES = """
    CREATE TEMP TABLE failure_classes AS
    SELECT raw, CASE
        WHEN raw IN ('blocked', 'deactivated', 'chat_not_found', 'too_long', 'bad_markup',
                     'telegram_error', 'network', 'timeout', 'internal') THEN raw
        WHEN lower(raw) LIKE '%bot was blocked%' OR lower(raw) LIKE '%bot was kicked%'
             OR lower(raw) LIKE '%bot is not a member%' THEN 'blocked'
        WHEN lower(raw) LIKE '%user is deactivated%' THEN 'deactivated'
        WHEN lower(raw) LIKE '%chat not found%' OR lower(raw) LIKE '%user not found%'
             OR lower(raw) LIKE '%peer_id_invalid%' THEN 'chat_not_found'
        WHEN lower(raw) LIKE '%message is too long%' OR lower(raw) LIKE '%text is too long%'
             THEN 'too_long'
        WHEN lower(raw) LIKE '%can''t parse entities%' OR lower(raw) LIKE '%unsupported start tag%'
             OR lower(raw) LIKE '%can''t find end tag%' OR lower(raw) LIKE '%entity%'
             THEN 'bad_markup'
        WHEN lower(raw) LIKE 'not sent:%' OR lower(raw) LIKE 'httpx.%' THEN 'network'
        WHEN lower(raw) = 'timed out' OR lower(raw) LIKE 'no answer:%' THEN 'timeout'
        WHEN raw = 'internal error' THEN 'internal'
        ELSE 'telegram_error'
    END AS class
    FROM (SELECT reason AS raw FROM outbox WHERE reason IS NOT NULL
          UNION SELECT reason FROM broadcast_failures) AS reasons;

    UPDATE outbox SET reason = (SELECT class FROM failure_classes WHERE raw = outbox.reason)
    WHERE reason IS NOT NULL;
"""
"""Migration 16 on either engine: a temporary table of the failure class of each reason stored
as Telegram's words, and the outbox's reasons turned into their classes."""

MIGRATIONS: tuple[str, ...] = (
    # 1: users and python-telegram-bot's persisted state.
    """
    CREATE TABLE users (
        user_id       INTEGER PRIMARY KEY,
        locale        TEXT    NOT NULL CHECK (locale IN ('en', 'ru', 'kk')),
        locale_chosen INTEGER NOT NULL DEFAULT 0 CHECK (locale_chosen IN (0, 1)),
        role          TEXT    NOT NULL DEFAULT 'subscriber'
                              CHECK (role IN ('coordinator', 'member', 'subscriber')),
        first_seen    TEXT    NOT NULL,  -- UTC day, YYYY-MM-DD: no finer trace is kept
        last_seen     TEXT    NOT NULL
    ) STRICT;

    CREATE TABLE ptb_user_data (
        user_id INTEGER PRIMARY KEY,
        data    TEXT NOT NULL CHECK (json_valid(data))
    ) STRICT;

    CREATE TABLE ptb_conversations (
        name  TEXT NOT NULL,
        key   TEXT NOT NULL CHECK (json_valid(key)),
        state TEXT NOT NULL CHECK (json_valid(state)),
        PRIMARY KEY (name, key)
    ) STRICT;
    """,
    # 2: the delivery engine's outbox and the broadcasts (appeals) it serves.
    """
    ALTER TABLE users ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1));

    CREATE TABLE broadcasts (
        id          INTEGER PRIMARY KEY,
        kind        TEXT    NOT NULL CHECK (kind IN ('appeal')),
        author_id   INTEGER,           -- NULL once the author erased themselves
        created_at  REAL    NOT NULL,  -- unix time
        details     TEXT    NOT NULL CHECK (json_valid(details)),
        status      TEXT    NOT NULL DEFAULT 'sending'
                            CHECK (status IN ('sending', 'stopped', 'done')),
        total       INTEGER NOT NULL DEFAULT 0,
        sent        INTEGER NOT NULL DEFAULT 0,
        blocked     INTEGER NOT NULL DEFAULT 0,
        failed      INTEGER NOT NULL DEFAULT 0,
        cancelled   INTEGER NOT NULL DEFAULT 0,
        unknown     INTEGER NOT NULL DEFAULT 0,  -- in flight at a crash, left unsent on purpose
        progress_message_id INTEGER,
        finished_at REAL
    ) STRICT;

    CREATE TABLE broadcast_failures (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        reason       TEXT    NOT NULL,
        count        INTEGER NOT NULL,
        PRIMARY KEY (broadcast_id, reason)
    ) STRICT;

    -- What a message says, shared by all of its recipients.
    CREATE TABLE contents (
        id   INTEGER PRIMARY KEY,
        html TEXT NOT NULL
    ) STRICT;

    -- One row per message still to deliver; a row leaves the table once its fate is known,
    -- counted in its broadcast. 'unknown' rows were in flight when the bot died.
    CREATE TABLE outbox (
        id           INTEGER PRIMARY KEY,
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        chat_id      INTEGER NOT NULL,
        content_id   INTEGER NOT NULL REFERENCES contents (id),
        state        TEXT    NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'sending', 'unknown')),
        attempts     INTEGER NOT NULL DEFAULT 0,
        not_before   REAL    NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX outbox_due ON outbox (not_before, id) WHERE state = 'pending';
    CREATE INDEX outbox_by_broadcast ON outbox (broadcast_id, state);
    CREATE INDEX outbox_by_chat ON outbox (chat_id);
    """,
    # 3: case content, as imported from the YAML files (bot/domain/content.py).
    """
    CREATE TABLE sources (
        id   TEXT PRIMARY KEY,
        data TEXT NOT NULL CHECK (json_valid(data))
    ) STRICT;

    CREATE TABLE cases (
        id      TEXT    PRIMARY KEY,
        status  TEXT    NOT NULL,
        urgency INTEGER NOT NULL CHECK (urgency BETWEEN 1 AND 5),
        updated TEXT    NOT NULL,
        data    TEXT    NOT NULL CHECK (json_valid(data))
    ) STRICT;
    CREATE INDEX cases_by_urgency ON cases (urgency, updated DESC);
    """,
    # 4: search over the cases (storage/search_index.py): normalized keys (bot/domain/search.py),
    # rebuilt from the cases, so never the only copy of anything.
    """
    CREATE VIRTUAL TABLE case_search USING fts5 (case_id UNINDEXED, names, texts);

    -- The words of every case's names and aliases, for typo-tolerant matching.
    CREATE TABLE case_name_tokens (
        case_id TEXT NOT NULL,
        token   TEXT NOT NULL,
        PRIMARY KEY (case_id, token)
    ) STRICT, WITHOUT ROWID;
    """,
    # 5: who follows which case.
    """
    CREATE TABLE subscriptions (
        user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        case_id TEXT    NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        PRIMARY KEY (user_id, case_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX subscriptions_by_case ON subscriptions (case_id);
    """,
    # 6: broadcasts of other kinds than appeals: case updates, reminders, nudges.
    """
    CREATE TABLE broadcasts_new (
        id          INTEGER PRIMARY KEY,
        kind        TEXT    NOT NULL
                            CHECK (kind IN ('appeal', 'case_update', 'reminder', 'nudge')),
        author_id   INTEGER,           -- NULL once the author erased themselves
        created_at  REAL    NOT NULL,  -- unix time
        details     TEXT    NOT NULL CHECK (json_valid(details)),
        status      TEXT    NOT NULL DEFAULT 'sending'
                            CHECK (status IN ('sending', 'stopped', 'done')),
        total       INTEGER NOT NULL DEFAULT 0,
        sent        INTEGER NOT NULL DEFAULT 0,
        blocked     INTEGER NOT NULL DEFAULT 0,
        failed      INTEGER NOT NULL DEFAULT 0,
        cancelled   INTEGER NOT NULL DEFAULT 0,
        unknown     INTEGER NOT NULL DEFAULT 0,  -- in flight at a crash, left unsent on purpose
        progress_message_id INTEGER,
        finished_at REAL
    ) STRICT;
    INSERT INTO broadcasts_new SELECT * FROM broadcasts;
    DROP TABLE broadcasts;
    ALTER TABLE broadcasts_new RENAME TO broadcasts;
    """,
    # 7: one-typo matching by index (storage/search_index.py): each name word of at least three
    # letters, itself and with each of its letters left out in turn. Derived data.
    """
    CREATE TABLE case_name_variants (
        variant TEXT NOT NULL,
        token   TEXT NOT NULL,
        PRIMARY KEY (variant, token)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX case_name_tokens_by_token ON case_name_tokens (token);
    INSERT OR IGNORE INTO case_name_variants (variant, token)
    WITH RECURSIVE left_out (token, position) AS (
        SELECT DISTINCT token, 0 FROM case_name_tokens WHERE length(token) >= 3
        UNION ALL
        SELECT token, position + 1 FROM left_out WHERE position < length(token)
    )
    SELECT iif(position = 0, token, substr(token, 1, position - 1) || substr(token, position + 1)),
           token
    FROM left_out;
    """,
    # 8: deadlines of cases, the reminders still to send before them, each user's settings.
    """
    CREATE TABLE deadlines (
        key       INTEGER PRIMARY KEY,  -- short and stable: buttons carry it
        case_id   TEXT    NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        id        TEXT    NOT NULL,
        moment    REAL    NOT NULL,     -- unix time
        zone      TEXT    NOT NULL,     -- IANA zone the moment was given in
        cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
        data      TEXT    NOT NULL CHECK (json_valid(data)),  -- title, action, link, source
        UNIQUE (case_id, id)
    ) STRICT;
    CREATE INDEX deadlines_by_moment ON deadlines (moment) WHERE cancelled = 0;

    -- A user's choices; no row means the defaults (BOT_TIMEZONE, 7 days, 1 day, 2 hours).
    CREATE TABLE reminder_settings (
        user_id INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
        zone    TEXT,  -- NULL: BOT_TIMEZONE
        leads   TEXT CHECK (leads IS NULL OR json_valid(leads)),  -- seconds before; NULL: defaults
        muted   INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1))
    ) STRICT;

    ALTER TABLE subscriptions ADD COLUMN muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1));

    -- One row per reminder still to send; it leaves the table when its message is queued in the
    -- outbox (same transaction) or when it is dropped. Unfollowing, erasing a user, deleting a
    -- case or a deadline remove its rows through the foreign keys.
    CREATE TABLE reminders (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL,
        case_id      TEXT    NOT NULL,
        deadline_key INTEGER NOT NULL REFERENCES deadlines (key) ON DELETE CASCADE,
        lead_seconds INTEGER NOT NULL CHECK (lead_seconds > 0),
        due_at       REAL    NOT NULL,  -- unix time: the deadline's moment minus lead_seconds
        FOREIGN KEY (user_id, case_id) REFERENCES subscriptions (user_id, case_id)
            ON DELETE CASCADE,
        UNIQUE (user_id, deadline_key, lead_seconds)
    ) STRICT;
    CREATE INDEX reminders_due ON reminders (due_at);
    CREATE INDEX reminders_by_deadline ON reminders (deadline_key);
    CREATE INDEX reminders_by_subscription ON reminders (user_id, case_id);
    """,
    # 9: written declarations: the roster of members of parliament, their invitations and
    # bindings to Telegram accounts, declarations, signatures, nudges and the audit log.
    """
    CREATE TABLE political_groups (
        abbreviation TEXT PRIMARY KEY,
        name         TEXT    NOT NULL,
        non_attached INTEGER NOT NULL DEFAULT 0 CHECK (non_attached IN (0, 1))
    ) STRICT;

    CREATE TABLE members (
        id              INTEGER PRIMARY KEY,
        surname         TEXT NOT NULL CHECK (surname <> ''),
        given_name      TEXT NOT NULL CHECK (given_name <> ''),
        particle        TEXT NOT NULL DEFAULT '',
        country         TEXT NOT NULL CHECK (country <> ''),
        political_group TEXT NOT NULL REFERENCES political_groups (abbreviation),
        assembly        TEXT NOT NULL CHECK (assembly <> ''),
        seat            TEXT CHECK (seat IN ('representative', 'substitute')),  -- NULL: unknown
        UNIQUE (assembly, surname, given_name, country)
    ) STRICT;

    -- Only the SHA-256 of an invitation's token is kept: the link itself exists only in the
    -- coordinator's chat.
    CREATE TABLE member_invitations (
        id           INTEGER PRIMARY KEY,
        token_sha256 TEXT    NOT NULL UNIQUE,
        member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        expires_at   REAL    NOT NULL,  -- unix time
        used_at      REAL
    ) STRICT;

    CREATE TABLE member_bindings (
        user_id   INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
        member_id INTEGER NOT NULL UNIQUE REFERENCES members (id) ON DELETE CASCADE
    ) STRICT;

    CREATE TABLE declarations (
        number          INTEGER PRIMARY KEY,
        assembly        TEXT    NOT NULL,
        reference       TEXT    NOT NULL DEFAULT '',
        authoritative   TEXT    NOT NULL,
        titles          TEXT    NOT NULL CHECK (json_valid(titles)),
        texts           TEXT    NOT NULL CHECK (json_valid(texts)),
        tabler_id       INTEGER NOT NULL REFERENCES members (id),
        status          TEXT    NOT NULL DEFAULT 'draft'
                                CHECK (status IN ('draft', 'open', 'closed')),
        opens_at        REAL,   -- unix time; NULL: from when it is opened
        closes_at       REAL,   -- unix time; NULL: until it is closed
        max_words       INTEGER NOT NULL,
        min_signatures  INTEGER NOT NULL,
        min_delegations INTEGER NOT NULL,
        min_groups      INTEGER NOT NULL,
        quorum_reached_at REAL
    ) STRICT;

    -- A signature cannot be withdrawn: no UPDATE or DELETE, ever.
    CREATE TABLE signatures (
        declaration   INTEGER NOT NULL REFERENCES declarations (number),
        member_id     INTEGER NOT NULL REFERENCES members (id),
        sequence      INTEGER NOT NULL,
        signed_at     REAL,  -- unix time; NULL for signatures of the historical record
        text_language TEXT NOT NULL,
        text_sha256   TEXT NOT NULL,
        PRIMARY KEY (declaration, member_id),
        UNIQUE (declaration, sequence)
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER signatures_are_final_update BEFORE UPDATE ON signatures
    BEGIN SELECT RAISE(ABORT, 'a signature cannot be changed'); END;
    CREATE TRIGGER signatures_are_final_delete BEFORE DELETE ON signatures
    BEGIN SELECT RAISE(ABORT, 'a signature cannot be withdrawn'); END;

    -- Reminders queued before a declaration closes, one per (declaration, days before).
    CREATE TABLE declaration_nudges (
        declaration  INTEGER NOT NULL REFERENCES declarations (number),
        days_before  INTEGER NOT NULL,
        broadcast_id INTEGER,
        PRIMARY KEY (declaration, days_before)
    ) STRICT, WITHOUT ROWID;

    -- Append-only and hash-chained (bot/domain/audit.py); names members, never Telegram accounts.
    CREATE TABLE audit_log (
        seq    INTEGER PRIMARY KEY,
        at     TEXT NOT NULL,
        action TEXT NOT NULL,
        data   TEXT NOT NULL CHECK (json_valid(data)),
        hash   TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # 10: "nudges" are called declaration reminders everywhere, in the schema too.
    """
    ALTER TABLE declaration_nudges RENAME TO declaration_reminders;
    CREATE TABLE broadcasts_new (
        id          INTEGER PRIMARY KEY,
        kind        TEXT    NOT NULL CHECK (kind IN (
                                'appeal', 'case_update', 'reminder', 'declaration_reminder')),
        author_id   INTEGER,           -- NULL once the author erased themselves
        created_at  REAL    NOT NULL,  -- unix time
        details     TEXT    NOT NULL CHECK (json_valid(details)),
        status      TEXT    NOT NULL DEFAULT 'sending'
                            CHECK (status IN ('sending', 'stopped', 'done')),
        total       INTEGER NOT NULL DEFAULT 0,
        sent        INTEGER NOT NULL DEFAULT 0,
        blocked     INTEGER NOT NULL DEFAULT 0,
        failed      INTEGER NOT NULL DEFAULT 0,
        cancelled   INTEGER NOT NULL DEFAULT 0,
        unknown     INTEGER NOT NULL DEFAULT 0,  -- in flight at a crash, left unsent on purpose
        progress_message_id INTEGER,
        finished_at REAL
    ) STRICT;
    INSERT INTO broadcasts_new
    SELECT id, iif(kind = 'nudge', 'declaration_reminder', kind), author_id, created_at, details,
           status, total, sent, blocked, failed, cancelled, unknown, progress_message_id,
           finished_at
    FROM broadcasts;
    DROP TABLE broadcasts;
    ALTER TABLE broadcasts_new RENAME TO broadcasts;
    """,
    # 11: news posted in the bot stored the case with a "deadlines" key in cases.data; the
    # deadlines live in their own table.
    """
    UPDATE cases SET data = json_remove(data, '$.deadlines')
    WHERE json_type(data, '$.deadlines') IS NOT NULL;
    """,
    # 12: retries within a time budget that survives restarts (failing_since), and failed
    # messages kept with their reason until the author resends them or leaves them unsent.
    """
    CREATE TABLE outbox_new (
        id            INTEGER PRIMARY KEY,
        broadcast_id  INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        chat_id       INTEGER NOT NULL,
        content_id    INTEGER NOT NULL REFERENCES contents (id),
        state         TEXT    NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'sending', 'unknown', 'failed')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        not_before    REAL    NOT NULL DEFAULT 0,  -- 0: never tried nor put back
        failing_since REAL,  -- unix time of the first failure of the current run of retries
        reason        TEXT,  -- the last failure as Telegram (or the network) described it
        CHECK ((state = 'failed') <= (reason IS NOT NULL))
    ) STRICT;
    INSERT INTO outbox_new (id, broadcast_id, chat_id, content_id, state, attempts, not_before)
    SELECT id, broadcast_id, chat_id, content_id, state, attempts, not_before FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_new RENAME TO outbox;
    CREATE INDEX outbox_due ON outbox (not_before, id) WHERE state = 'pending';
    CREATE INDEX outbox_by_broadcast ON outbox (broadcast_id, state);
    CREATE INDEX outbox_by_chat ON outbox (chat_id);
    """,
    # 13: actions of cases and the authorities they address (bot/domain/actions.py); acts
    # reported, as counts only: no user, no time finer than the day; the used one-time tokens
    # of action cards (a digest, until the card expires); the key that signs those tokens;
    # buttons under a broadcast's message (an appeal's "Take action"); a declaration's date.
    """
    CREATE TABLE targets (
        id   TEXT PRIMARY KEY,
        data TEXT NOT NULL CHECK (json_valid(data))
    ) STRICT;

    CREATE TABLE actions (
        key     INTEGER PRIMARY KEY,  -- short and stable: buttons carry it
        case_id TEXT    NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        id      TEXT    NOT NULL,
        kind    TEXT    NOT NULL
                        CHECK (kind IN ('letter', 'email', 'call', 'postcard', 'share', 'other')),
        urgency INTEGER NOT NULL,     -- the case's, kept here to order actions by an index
        until   REAL,                 -- unix time; NULL: no end
        data    TEXT    NOT NULL CHECK (json_valid(data)),
        UNIQUE (case_id, id)
    ) STRICT;
    CREATE INDEX actions_by_urgency ON actions (urgency, key);
    CREATE INDEX actions_by_until ON actions (until) WHERE until IS NOT NULL;

    -- How many acts were reported, per action, outcome, origin (0: none; else the appeal's
    -- broadcast id) and UTC day. Nothing here says who acted, nor when within the day.
    CREATE TABLE act_counts (
        case_id   TEXT    NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        action_id TEXT    NOT NULL,
        kind      TEXT    NOT NULL,
        outcome   TEXT    NOT NULL,
        origin    INTEGER NOT NULL DEFAULT 0,
        day       TEXT    NOT NULL,  -- YYYY-MM-DD, UTC
        count     INTEGER NOT NULL CHECK (count > 0),
        PRIMARY KEY (case_id, action_id, outcome, origin, day)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX act_counts_by_day ON act_counts (day);
    CREATE INDEX act_counts_by_origin ON act_counts (origin) WHERE origin <> 0;

    -- The SHA-256 of the random part of each used card token, until the card's last day: a
    -- second press on the same card counts nothing. No user id, no action, no time of use.
    CREATE TABLE act_tokens (
        digest  BLOB    PRIMARY KEY,
        expires INTEGER NOT NULL  -- days since 1970-01-01, UTC
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX act_tokens_by_expiry ON act_tokens (expires);

    CREATE TABLE secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) STRICT;
    INSERT INTO secrets (name, value) VALUES ('act-cards', randomblob(32));

    ALTER TABLE contents ADD COLUMN buttons TEXT CHECK (buttons IS NULL OR json_valid(buttons));

    ALTER TABLE declarations ADD COLUMN dated TEXT;  -- YYYY-MM-DD: the date the document bears
    """,
    # 14: a signature keeps the signatory's name, particle, country and group as listed when
    # signed: correcting the roster later never changes a declaration's block. Existing
    # signatures take them from the roster as it stands.
    """
    CREATE TABLE signatures_new (
        declaration     INTEGER NOT NULL REFERENCES declarations (number),
        member_id       INTEGER NOT NULL REFERENCES members (id),
        sequence        INTEGER NOT NULL,
        signed_at       REAL,  -- unix time; NULL for signatures of the historical record
        text_language   TEXT NOT NULL,
        text_sha256     TEXT NOT NULL,
        surname         TEXT NOT NULL,  -- the member as listed when signed
        given_name      TEXT NOT NULL,
        particle        TEXT NOT NULL,
        country         TEXT NOT NULL,
        political_group TEXT NOT NULL,
        PRIMARY KEY (declaration, member_id),
        UNIQUE (declaration, sequence)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO signatures_new
    SELECT declaration, member_id, sequence, signed_at, text_language, text_sha256,
           surname, given_name, particle, country, political_group
    FROM signatures JOIN members ON members.id = signatures.member_id;
    DROP TABLE signatures;
    ALTER TABLE signatures_new RENAME TO signatures;
    CREATE TRIGGER signatures_are_final_update BEFORE UPDATE ON signatures
    BEGIN SELECT RAISE(ABORT, 'a signature cannot be changed'); END;
    CREATE TRIGGER signatures_are_final_delete BEFORE DELETE ON signatures
    BEGIN SELECT RAISE(ABORT, 'a signature cannot be withdrawn'); END;
    """,
    # 15: the console (issue 14). The audit log names the people who act in the console by a
    # number of their own, never by Telegram account: erasing a user unlinks the number and
    # leaves the chain intact. A broadcast's messages settled per minute, for its chart.
    """
    CREATE TABLE audit_actors (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused
        user_id INTEGER UNIQUE                      -- NULL once the person erased themselves
    ) STRICT;

    CREATE TABLE broadcast_minutes (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        minute       INTEGER NOT NULL,  -- unix time divided by 60
        sent         INTEGER NOT NULL DEFAULT 0,
        blocked      INTEGER NOT NULL DEFAULT 0,
        failed       INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (broadcast_id, minute)
    ) STRICT, WITHOUT ROWID;
    """,
    # 16: a failure is stored as its class (bot/domain/failures.py), which the report names in
    # its reader's language, not as Telegram's English description, which only the log keeps.
    # The descriptions stored so far become their classes; the counts of a broadcast's
    # descriptions that fall in one class add up.
    FAILURE_CLASSES
    + """

    CREATE TABLE broadcast_failures_new (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        reason       TEXT    NOT NULL,  -- a class of bot/domain/failures.py
        count        INTEGER NOT NULL,
        PRIMARY KEY (broadcast_id, reason)
    ) STRICT;
    INSERT INTO broadcast_failures_new (broadcast_id, reason, count)
    SELECT broadcast_id, class, sum(count)
    FROM broadcast_failures JOIN failure_classes ON raw = reason
    GROUP BY broadcast_id, class;
    DROP TABLE broadcast_failures;
    ALTER TABLE broadcast_failures_new RENAME TO broadcast_failures;
    DROP TABLE failure_classes;
    """,
    # 17: several instances on one database (storage/lease.py): the lease of the active one,
    # whose token fences the writes of any other; the inbox of updates (storage/inbox.py): each
    # update stored before Telegram is told it arrived, and kept until it is handled.
    """
    CREATE TABLE lease (
        name       TEXT    PRIMARY KEY CHECK (name = 'active'),
        holder     TEXT    NOT NULL DEFAULT '',
        token      INTEGER NOT NULL DEFAULT 0,  -- one more at every takeover
        expires_at REAL    NOT NULL DEFAULT 0   -- unix time, by the database's clock
    ) STRICT;
    INSERT INTO lease (name) VALUES ('active');

    CREATE TABLE inbox (
        update_id INTEGER PRIMARY KEY,
        data      TEXT NOT NULL  -- the update as Telegram sent it, until it is handled
    ) STRICT;

    -- The offset of the next getUpdates: past every update stored (0: none yet).
    CREATE TABLE inbox_offset (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        next INTEGER NOT NULL
    ) STRICT;
    INSERT INTO inbox_offset (id, next) VALUES (1, 0);
    """,
)


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer version of the bot."""


async def schema_version(connection: aiosqlite.Connection) -> int:
    """The number of migrations applied to this database."""
    async with connection.execute("PRAGMA user_version") as cursor:
        (version,) = await cursor.fetchone()
    return int(version)


async def migrate(
    connection: aiosqlite.Connection, migrations: tuple[str, ...] = MIGRATIONS
) -> int:
    """Apply every pending step; return the resulting version."""
    version = await schema_version(connection)
    if version > len(migrations):
        raise SchemaTooNew(
            f"database schema version {version} is newer than this bot ({len(migrations)})"
        )
    async with connection.execute("PRAGMA foreign_keys") as cursor:
        (foreign_keys,) = await cursor.fetchone()
    await connection.execute("PRAGMA foreign_keys = OFF")
    try:
        for number, script in enumerate(migrations[version:], start=version + 1):
            await _apply(connection, number, script)
            logger.info("database migrated to schema version %d", number)
    finally:
        await connection.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")
    return len(migrations)


async def _apply(connection: aiosqlite.Connection, number: int, script: str) -> None:
    """Run one step and bump the version in one transaction, or change nothing."""
    try:
        await connection.executescript(
            f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};"
        )
        async with connection.execute("PRAGMA foreign_key_check") as cursor:
            if await cursor.fetchone() is not None:
                raise RuntimeError(f"migration {number} breaks a foreign key")
        await connection.commit()
    except BaseException:
        await connection.rollback()
        raise
