"""Checking a document against a pydantic schema: the first problem becomes a
:class:`FileError` at the line of the value at fault."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from bot.domain.files.documents import Document, Location, field_label
from bot.domain.files.messages import problem_of

T = TypeVar("T")


class FileModel(BaseModel):
    """The schema of a file or of a part of one: a key it does not know is an error, and so
    are the keys of the plain dataclasses it holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def problem(
    text: str,
    at: Location | str | int = (),
    *,
    lines_below: int = 0,
    code: str = "invalid",
    **params: Any,
) -> PydanticCustomError:
    """An error for a validator to raise. ``text`` names the field as ``{field}``; ``at`` is
    where, below the value being checked, the problem lies (a key, an index or a path);
    ``lines_below``, how many lines below that value's own line (inside a long text).
    ``code`` and ``params`` say the same for programs that word it themselves (the console,
    in the reader's language)."""
    where = at if isinstance(at, tuple) else (at,)
    context = {"at": where, "lines_below": lines_below, "code": code, "params": params}
    return PydanticCustomError("file", text, context)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem of a document checked as a whole: where, what (in the words of the file
    checks), and a code with its values for wording it otherwise."""

    location: Location
    text: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class Problems(ValueError):
    """Every problem of a document, in the order of its fields."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(problem.text for problem in problems))
        self.problems = problems


def _field_problem(error: ErrorDetails) -> FieldProblem:
    where = _location(error)
    text = problem_of(error).replace("{field}", field_label(where) or "the document")
    context = error.get("ctx", {})
    if error["type"] == "file":
        return FieldProblem(where, text, context.get("code", "invalid"), context.get("params", {}))
    params = {"expected": context["expected"]} if "expected" in context else {}
    return FieldProblem(where, text, error["type"], params)


def check_all(data: Any, schema: TypeAdapter[T], context: Any = None) -> T:
    """``data`` validated by ``schema``, as :func:`check` does for a file; every problem
    raises at once as :class:`Problems`."""
    try:
        return schema.validate_python(data, context=context)
    except ValidationError as invalid:
        raise Problems([_field_problem(e) for e in invalid.errors(include_url=False)]) from None


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
        found = _field_problem(error)
        raise document.error(
            _location(error), problem_of(error), below, code=found.code, params=found.params
        ) from None
