"""SQLite storage: the connection, the schema's migrations and one module per aggregate."""

from storage.database import Database

__all__ = ["Database"]
