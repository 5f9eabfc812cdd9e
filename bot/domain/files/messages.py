"""What pydantic's errors say, in the words of this project's file checks: the field first,
values as written, no "Input should be"."""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

_PLAIN = {
    "missing": "{field} is missing",
    "extra_forbidden": "unknown field '{field}'",
    "unexpected_keyword_argument": "unknown field '{field}'",
}
_EXPECTED = {
    "string_type": "text",
    "int_type": "int",
    "bool_type": "true or false",
    "tuple_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "dataclass_type": "a mapping of fields",
    "date_type": "a date YYYY-MM-DD",
}
"""What a value of the wrong type should have been (the schemas' numbers, booleans and dates
are strict: ``"5"``, ``yes`` in quotes or ``2018`` are not read as something else)."""


def shown(value: Any) -> str:
    """A value as a problem quotes it: short, and a list or a mapping by its kind."""
    if isinstance(value, list | tuple | dict):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def problem_of(error: ErrorDetails) -> str:
    """The problem ``error`` reports, with ``{field}`` where the field's name goes."""
    kind, value = error["type"], error.get("input")
    if kind == "file":  # raised by our own checks with our own words
        return error["msg"]
    if kind in _PLAIN:
        return _PLAIN[kind]
    if value is None:
        return "{field} is empty"
    if kind in ("literal_error", "enum"):
        allowed = error.get("ctx", {}).get("expected", "")
        return f"{{field}}: unknown {shown(value)} (allowed: {allowed})"
    if kind in _EXPECTED:
        return f"{{field}}: expected {_EXPECTED[kind]}, not {shown(value)}"
    return "{field}: " + error["msg"]
