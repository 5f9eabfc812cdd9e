"""CSV files: a header of known columns, then one row per line."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from functools import partial
from pathlib import Path

from bot.domain.files.documents import Document, Location
from bot.domain.files.errors import FileError


def _row_line(lines: list[int], where: Location) -> int | None:
    rows = [part for part in where if isinstance(part, int)]
    return lines[rows[0]] if rows else None


def _header_error(path: Path, problem: str, code: str, column: str) -> FileError:
    return FileError(
        path, 1, None, f"the header {problem} {column!r}", code=code, params={"column": column}
    )


def parse_csv(
    path: Path, text: str, columns: Collection[str], required: Collection[str]
) -> Document:
    """The rows of a CSV file as mappings of column to value; an empty cell is a value not
    given. The header must name every ``required`` column and only ``columns``."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    if missing := [name for name in required if name not in header]:
        raise _header_error(path, "lacks the column", "csv_missing_column", missing[0])
    if unknown := [name for name in header if name not in columns]:
        raise _header_error(path, "has an unknown column", "csv_unknown_column", unknown[0])
    rows, lines = [], []
    try:
        for row in reader:
            if None in row:
                raise FileError(
                    path, reader.line_num, None, "more values than columns", code="csv_values"
                )
            rows.append({name: value for name, value in row.items() if value})
            lines.append(reader.line_num)
    except csv.Error as error:
        raise FileError(
            path, reader.line_num, None, f"not valid CSV: {error}", code="csv"
        ) from None
    return Document(path, rows, partial(_row_line, lines))
