"""Checking a document against a pydantic schema: the first problem becomes a
:class:`FileError` at the line of the value at fault."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from bot.domain.files.documents import Document, Location
from bot.domain.files.messages import problem_of

T = TypeVar("T")


class FileModel(BaseModel):
    """The schema of a file or of a part of one: a key it does not know is an error, and so
    are the keys of the plain dataclasses it holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def problem(
    text: str, at: Location | str | int = (), *, lines_below: int = 0
) -> PydanticCustomError:
    """An error for a validator to raise. ``text`` names the field as ``{field}``; ``at`` is
    where, below the value being checked, the problem lies (a key, an index or a path);
    ``lines_below``, how many lines below that value's own line (inside a long text)."""
    context = {"at": at if isinstance(at, tuple) else (at,), "lines_below": lines_below}
    return PydanticCustomError("file", text, context)


def _location(error: ErrorDetails) -> Location:
    parts: list[str | int] = []
    for part in error["loc"]:
        if part == "[key]":  # the dict key before it is at fault: a name, even if a number
            parts[-1] = str(parts[-1])
        else:
            parts.append(part)
    return (*parts, *error.get("ctx", {}).get("at", ()))


def check(document: Document, schema: TypeAdapter[T], context: Any = None) -> T:
    """``document``'s data validated by ``schema`` (with ``context`` for its validators); the
    first problem raises :class:`FileError`."""
    try:
        return schema.validate_python(document.data, context=context)
    except ValidationError as invalid:
        error = invalid.errors(include_url=False)[0]
        below = error.get("ctx", {}).get("lines_below", 0)
        raise document.error(_location(error), problem_of(error), below) from None
