"""Faults injected on demand: Telegram's server errors, and answers that come too late, for a
while or for a share of the calls."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from .errors import ApiError


@dataclass(frozen=True, slots=True)
class Outage:
    """What goes wrong, for which calls, and for how long.

    ``status`` (500, 502, 503, 504…): the call is answered with that error and not handled.
    ``late`` (with ``status=None``): the call is handled and its answer held back that many
    seconds; a client that gives up first cannot tell whether it was done. ``seconds`` counts
    from the moment the outage is set (``None``: until it is lifted); ``fraction`` strikes that
    share of the calls (seeded, reproducible); ``chats`` limits it to calls to those chats.
    """

    status: int | None = 500
    late: float = 0.0
    methods: frozenset[str] = frozenset({"sendMessage"})
    chats: frozenset[int] | None = None
    seconds: float | None = None
    fraction: float = 1.0
    seed: int | None = None

    def __post_init__(self) -> None:
        if (self.status is None) == (self.late <= 0):
            raise ValueError("an outage answers either an error status or late, not both")
        if self.status is not None and not 500 <= self.status <= 599:
            raise ValueError("status must be a server error (5xx)")
        if not 0.0 < self.fraction <= 1.0:
            raise ValueError("fraction must be within (0, 1]")
        if self.seconds is not None and self.seconds <= 0:
            raise ValueError("seconds must be positive, or None for an outage until lifted")

    def error(self) -> ApiError:
        """The answer to a struck call, as Telegram words it."""
        assert self.status is not None
        return ApiError(self.status, HTTPStatus(self.status).phrase)


@dataclass(frozen=True, slots=True)
class Strike:
    """A call an outage struck, at monotonic time ``at``."""

    at: float
    method: str
    status: int | None
    """The error answered, or ``None`` for a late answer."""


class Faults:
    """The outage in force, if any, and every call it struck."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.strikes: list[Strike] = []
        self.outage = None

    @property
    def outage(self) -> Outage | None:
        """The current outage (``None``: all is well); assigning one starts its clock."""
        return self._outage

    @outage.setter
    def outage(self, outage: Outage | None) -> None:
        self._outage = outage
        self._since = self.clock()
        self._random = random.Random(outage.seed if outage else None)

    def strike(self, method: str, chat_id: object) -> Outage | None:
        """The outage that strikes this call of ``method`` (to ``chat_id`` as sent, if any);
        recorded."""
        outage = self._outage
        if outage is None or method not in outage.methods:
            return None
        if outage.chats is not None and str(chat_id) not in {str(c) for c in outage.chats}:
            return None
        now = self.clock()
        if outage.seconds is not None and now >= self._since + outage.seconds:
            return None
        if outage.fraction < 1.0 and self._random.random() >= outage.fraction:
            return None
        self.strikes.append(Strike(now, method, outage.status))
        return outage
