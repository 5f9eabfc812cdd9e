"""An append-only audit log whose entries are chained by SHA-256.

Each entry's hash is ``sha256(previous hash + canonical JSON of the entry)``, the first entry
chaining from :data:`GENESIS`. Changing, removing or reordering any entry breaks every hash
after it; :func:`first_broken` names the first entry that does not match. Entries name members
of parliament (public persons acting in public) and never a Telegram account, so erasing a
user never has to touch the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
"""The "previous hash" of the first entry."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded act: its place in the log, when, what, the details, and its hash."""

    seq: int
    at: str
    """UTC time in ISO 8601, to the second."""
    action: str
    data: dict[str, Any]
    hash: str

    def body(self) -> dict[str, Any]:
        """What the hash covers: everything but the hash."""
        return {"seq": self.seq, "at": self.at, "action": self.action, "data": self.data}


def canonical_json(value: dict[str, Any]) -> str:
    """One spelling of a JSON object: sorted keys, no spaces, UTF-8 characters as such."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(previous: str, body: dict[str, Any]) -> str:
    """The hash of an entry whose predecessor's hash is ``previous``."""
    return hashlib.sha256((previous + canonical_json(body)).encode("utf-8")).hexdigest()


def first_broken(entries: Iterable[AuditEntry]) -> int | None:
    """The ``seq`` of the first entry whose hash or position does not match; ``None`` if the
    whole chain holds."""
    previous = GENESIS
    expected_seq = 1
    for entry in entries:
        if entry.seq != expected_seq or entry.hash != chain_hash(previous, entry.body()):
            return entry.seq
        previous = entry.hash
        expected_seq += 1
    return None
