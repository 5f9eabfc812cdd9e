"""A bounded record of Bot API calls for assertions."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One handled request: canonical method name, raw parameters, HTTP status."""

    method: str
    params: dict[str, Any]
    status: int
    at: float


class CallLog:
    """The last ``maxlen`` calls (all when None); recording can be switched off."""

    def __init__(self, maxlen: int | None = 10_000, *, enabled: bool = True) -> None:
        self._calls: deque[ApiCall] = deque(maxlen=maxlen)
        self.enabled = enabled

    def record(self, method: str, params: dict[str, Any], status: int) -> None:
        """Remember a call if recording is on."""
        if self.enabled:
            self._calls.append(ApiCall(method, params, status, time.monotonic()))

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Recorded calls, optionally of one method (name compared case-insensitively)."""
        if method is None:
            return list(self._calls)
        wanted = method.lower()
        return [call for call in self._calls if call.method.lower() == wanted]

    def clear(self) -> None:
        """Forget every recorded call."""
        self._calls.clear()

    def __iter__(self) -> Iterator[ApiCall]:
        return iter(self._calls)

    def __len__(self) -> int:
        return len(self._calls)
