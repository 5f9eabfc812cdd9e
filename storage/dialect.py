"""The few places where SQLite and PostgreSQL must be spoken differently.

Every query of ``storage/`` is written once, in the SQL both engines share (``?`` or ``:name``
parameters, ``ON CONFLICT``, ``RETURNING``, ``CASE``); what they do not share is asked of the
connection's :class:`Dialect`, which gives a fragment to put into the query. PostgreSQL keeps
JSON in ``text`` columns (a document reads back exactly as written), so its fragments cast to
``json`` where an operator needs it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Dialect:
    """SQL fragments of one engine."""

    name: str

    @property
    def postgresql(self) -> bool:
        return self.name == "postgresql"

    def json(self, expression: str) -> str:
        """``expression`` (JSON text) as a value the JSON operators ``->`` and ``->>`` take."""
        return f"CAST({expression} AS json)" if self.postgresql else expression

    def json_values(self, source: str = "?", sql_type: str = "bigint") -> str:
        """A query of one column, ``value``: the elements of the JSON array ``source`` (a
        parameter or a column), as ``sql_type``. For ``x IN (...)`` and ``EXISTS (...)``."""
        if self.postgresql:
            return (
                f"SELECT CAST(value AS {sql_type}) AS value "
                f"FROM json_array_elements_text(CAST({source} AS json)) AS value"
            )
        return f"SELECT value FROM json_each({source})"

    def join_json_values(self, source: str, alias: str, sql_type: str = "bigint") -> str:
        """A join on the elements of the JSON array ``source`` (an expression over the tables
        before it), each as ``alias.value``."""
        if self.postgresql:
            return f"JOIN LATERAL ({self.json_values(source, sql_type)}) AS {alias} ON TRUE"
        return f"JOIN json_each({source}) AS {alias}"

    def json_set(self, column: str, key: str, value: str) -> str:
        """The JSON object in ``column`` with ``key`` (an expression) set to the string
        ``value`` (an expression)."""
        if self.postgresql:
            return (
                f"CAST(jsonb_set(CAST({column} AS jsonb), ARRAY[CAST({key} AS text)], "
                f"to_jsonb(CAST({value} AS text))) AS text)"
            )
        return f"json_set({column}, '$.' || {key}, {value})"

    @property
    def now(self) -> str:
        """The database server's clock, in seconds since 1970 (leases are timed by it, so
        that instances whose clocks disagree still agree on who is active)."""
        if self.postgresql:
            return "CAST(extract(epoch FROM clock_timestamp()) AS double precision)"
        return "((julianday('now') - 2440587.5) * 86400.0)"

    @property
    def skip_locked(self) -> str:
        """``FOR UPDATE SKIP LOCKED`` where rows can be locked (PostgreSQL): a claim never
        takes a row another transaction is claiming. SQLite has one writer at a time."""
        return " FOR UPDATE SKIP LOCKED" if self.postgresql else ""


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")
