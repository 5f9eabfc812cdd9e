"""Typed access to Bot API call parameters, whatever encoding they arrived in.

PTB posts every value as a string (non-strings JSON-encoded); JSON bodies carry real types.
Each accessor decodes by the meaning of the parameter, so text stays text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import CHAT_NOT_FOUND, bad_request

_ATTACH = "attach://"


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart/form-data request."""

    filename: str
    content_type: str
    data: bytes


class Params:
    """Raw parameters of one call, decoded on access."""

    __slots__ = ("raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        """Whether the parameter was sent with a non-empty value."""
        return self.raw.get(name) not in (None, "")

    def string(self, name: str) -> str | None:
        """A text parameter, kept verbatim."""
        value = self.raw.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, UploadedFile):
            raise bad_request(f"parameter {name} must be a String")
        return json.dumps(value)

    def integer(self, name: str) -> int | None:
        """An Integer parameter."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def require_int(self, name: str) -> int:
        """An Integer parameter that must be present."""
        value = self.integer(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def number(self, name: str) -> float | None:
        """A Float parameter."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def boolean(self, name: str) -> bool:
        """A Boolean parameter; absent means False."""
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def obj(self, name: str) -> Any:
        """A JSON-serialized object or array parameter."""
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        if not value:
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def chat_id(self) -> int | str:
        """The chat_id parameter: an integer id or an @username."""
        value = self.raw.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            raise bad_request(CHAT_NOT_FOUND) from None

    def file(self, name: str) -> UploadedFile | str | None:
        """An InputFile parameter: an uploaded part (directly or via attach://) or a string."""
        value = self.raw.get(name)
        if isinstance(value, str) and value.startswith(_ATTACH):
            value = self.raw.get(value[len(_ATTACH) :])
            if not isinstance(value, UploadedFile):
                raise bad_request(f"file for {name} not found in the request")
        if value is None or isinstance(value, UploadedFile | str):
            return value
        raise bad_request(f"wrong type of the {name} parameter")
