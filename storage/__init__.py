"""Storage: SQLite or PostgreSQL behind one connection API, the schema's migrations for each,
and one module per aggregate."""

from storage.database import Database

__all__ = ["Database"]
