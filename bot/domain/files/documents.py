"""A file's data with the way back to where each part of it was written.

A location is the path of keys and list indices to a value, as pydantic reports it:
``("timeline", 0, "date")``. Reading a file's bytes happens here, so that a bound on a file's
size belongs here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.domain.files.errors import FileError

Location = tuple[str | int, ...]

MAX_FILE_BYTES = 5_000_000
"""The largest file the bot reads: far above any case, roster or declaration (a case file is
some kilobytes), far below what would strain the machine."""


def field_label(where: Location) -> str | None:
    """How a problem names the field at ``where``: the keys inside the innermost list item
    (``date`` for ``("timeline", 0, "date")``, ``text.en`` for ``("text", "en")``), or the
    list's own name for an item (``tags`` for ``("tags", 1)``); ``None`` for a whole file or
    a whole row."""
    last = max((i for i, part in enumerate(where) if isinstance(part, int)), default=-1)
    keys = [str(part) for part in where[last + 1 :]]
    if not keys and last > 0:
        keys = [str(where[last - 1])]
    return ".".join(keys) or None


def _no_lines(_: Location) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Document:
    """The data of one file and a way to find the line of a location in it."""

    path: Path
    data: Any
    lines: Callable[[Location], int | None] = _no_lines

    def error(
        self,
        where: Location,
        problem: str,
        lines_below: int = 0,
        *,
        code: str = "invalid",
        params: dict[str, Any] | None = None,
    ) -> FileError:
        """A :class:`FileError` at ``where`` (``lines_below`` its line, inside a long text);
        ``{field}`` in ``problem`` becomes the field's name. The whole file (``()``) has no
        line."""
        field = field_label(where)
        text = problem.replace("{field}", field or "the file")
        line = self.lines(where) if where else None
        return FileError(
            self.path,
            line + lines_below if line else None,
            field,
            text,
            code=code,
            params=params,
        )


def _too_large(path: Path, size: int) -> FileError:
    return FileError(
        path,
        None,
        None,
        f"the file has {size:,} bytes; at most {MAX_FILE_BYTES:,} are read",
        code="too_large",
        params={"size": size, "limit": MAX_FILE_BYTES},
    )


def decode(path: Path, data: bytes) -> str:
    """A file's text: UTF-8, without a byte-order mark, not empty, not over
    :data:`MAX_FILE_BYTES`."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(path, len(data))
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileError(path, line, None, "not UTF-8 text", code="encoding") from None
    if not text.strip():
        raise FileError(path, None, None, "the file is empty", code="empty_file")
    return text


def read_text(path: Path) -> str:
    """The text of the file at ``path`` (see :func:`decode`); a file over the limit is not
    read at all."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_large(path, size)
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileError(path, None, None, "no such file") from None
    except OSError as error:
        raise FileError(path, None, None, f"cannot be read ({error.strerror})") from None
    return decode(path, data)
