"""Written declarations and the assembly's rules for them, without Telegram.

PACE's Rule 56 (Rules of Procedure, January 2023): a written declaration has at most 200 words
and needs at least 20 signatures of representatives or substitutes from at least 4 national
delegations and 2 political groups. Assemblies and years differ, so every declaration carries
its own :class:`RuleSettings`, these numbers being the defaults.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.files.fields import PositiveWhole
from bot.domain.members import Member


class Status(StrEnum):
    """Where a declaration stands: written, collecting signatures, or closed for good."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """The limits a declaration must meet; Rule 56 of PACE by default."""

    max_words: PositiveWhole = 200
    min_signatures: PositiveWhole = 20
    min_delegations: PositiveWhole = 4
    min_groups: PositiveWhole = 2


@dataclass(frozen=True, slots=True)
class Declaration:
    """A written declaration: its texts per language and the window in which it is signed."""

    number: int
    assembly: str
    title: dict[str, str]
    text: dict[str, str]
    authoritative: str
    """The language whose text is authoritative; every other text is a translation."""
    tabler_id: int
    status: Status = Status.DRAFT
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    rules: RuleSettings = field(default_factory=RuleSettings)
    reference: str = ""
    """The assembly's document number, e.g. "Doc. 14493"."""
    dated: date | None = None
    """The date the document bears (Doc. 14493: 25 January 2018)."""

    def language_for(self, locale: str) -> str:
        """The language of the text a reader of ``locale`` is shown: theirs, else the
        authoritative one."""
        return locale if locale in self.text else self.authoritative

    def title_in(self, language: str) -> str:
        """The title in ``language``, else in the authoritative language."""
        return self.title.get(language, self.title[self.authoritative])

    def accepts_signatures(self, now: datetime) -> bool:
        """Whether a signature given at ``now`` (aware, any zone) counts."""
        if self.status is not Status.OPEN:
            return False
        if self.opens_at is not None and now < self.opens_at:
            return False
        return self.closes_at is None or now < self.closes_at


def _moment_value(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def _audited(declaration: Declaration) -> dict[str, object]:
    """A declaration's fields as the audit log names them: texts and titles by their digest,
    moments as unix time."""
    rules = declaration.rules
    fields: dict[str, object] = {
        "assembly": declaration.assembly,
        "reference": declaration.reference,
        "authoritative": declaration.authoritative,
        "tabler": declaration.tabler_id,
        "status": declaration.status.value,
        "opens": _moment_value(declaration.opens_at),
        "closes": _moment_value(declaration.closes_at),
        "max_words": rules.max_words,
        "min_signatures": rules.min_signatures,
        "min_delegations": rules.min_delegations,
        "min_groups": rules.min_groups,
    }
    fields |= {f"title.{language}": text_digest(t) for language, t in declaration.title.items()}
    fields |= {f"text.{language}": text_digest(t) for language, t in declaration.text.items()}
    return fields


def differences(before: Declaration, after: Declaration) -> dict[str, tuple[object, object]]:
    """The fields that differ, as (before, after) in the audit log's terms (``None`` for a
    title or text in a language one of them lacks)."""
    was, now = _audited(before), _audited(after)
    return {
        name: (was.get(name), now.get(name))
        for name in sorted(was.keys() | now.keys())
        if was.get(name) != now.get(name)
    }


SIGNED_FIELDS = ("authoritative", "reference", "tabler")
"""What signatories put their name under, besides every title and text that existed."""


def changes_to_what_was_signed(changed: dict[str, tuple[object, object]]) -> list[str]:
    """The fields among ``changed`` that signatures depend on: the reference, the
    authoritative language, the tabler, and any title or text there was before."""
    return [
        name
        for name, (was, _now) in changed.items()
        if name in SIGNED_FIELDS or (name.startswith(("title.", "text.")) and was is not None)
    ]


class SignedDeclarationChanged(ValueError):
    """An import would change what the signatories of a declaration signed."""

    def __init__(self, number: int, field: str, signatures: int) -> None:
        super().__init__(
            f"{field}: declaration {number} has {signatures} signatures: what they signed "
            "cannot change (write a new declaration instead)"
        )
        self.number, self.field, self.signatures = number, field, signatures


class DeclarationTooLong(ValueError):
    """The authoritative text has more words than the rules allow."""

    def __init__(self, words: int, limit: int) -> None:
        super().__init__(f"the text has {words} words; the rules allow {limit}")
        self.words, self.limit = words, limit


def word_count(text: str) -> int:
    """Words as an assembly's secretariat counts them: runs of characters between spaces."""
    return len(text.split())


def check_length(text: str, rules: RuleSettings) -> None:
    """Raise :class:`DeclarationTooLong` when ``text`` has more words than ``rules`` allow."""
    words = word_count(text)
    if words > rules.max_words:
        raise DeclarationTooLong(words, rules.max_words)


def text_digest(text: str) -> str:
    """The SHA-256 of a text exactly as shown to the signer (UTF-8), in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


DIGEST_START = 16
"""Hex digits of a text's SHA-256 enough to identify the text a member read (64 bits): what
the "Sign" button carries."""


@dataclass(frozen=True, slots=True)
class Quorum:
    """Signatures, delegations and political groups against the rules; what is missing."""

    signatures: int
    delegations: int
    groups: int
    rules: RuleSettings

    @property
    def missing_signatures(self) -> int:
        return max(0, self.rules.min_signatures - self.signatures)

    @property
    def missing_delegations(self) -> int:
        return max(0, self.rules.min_delegations - self.delegations)

    @property
    def missing_groups(self) -> int:
        return max(0, self.rules.min_groups - self.groups)

    @property
    def reached(self) -> bool:
        """Whether every threshold is met."""
        return not (self.missing_signatures or self.missing_delegations or self.missing_groups)


def evaluate_quorum(
    signers: Iterable[Member], rules: RuleSettings, non_attached: Iterable[str] = ()
) -> Quorum:
    """Count the signers' delegations (countries) and political groups; members belonging to
    no political group (``non_attached`` abbreviations) count for signatures and delegations
    but form no group."""
    signers = list(signers)
    unattached = set(non_attached)
    return Quorum(
        signatures=len(signers),
        delegations=len({member.country for member in signers}),
        groups=len({m.political_group for m in signers if m.political_group not in unattached}),
        rules=rules,
    )


class Refusal(StrEnum):
    """Why a signature was not taken."""

    NO_DECLARATION = "no_declaration"
    NOT_OPEN = "not_open"
    """Outside the signing window, or not opened, or closed."""
    TEXT_CHANGED = "text_changed"
    """The text shown to the member is no longer the declaration's text."""
    OTHER_ASSEMBLY = "other_assembly"
    """The member sits in another assembly than the declaration's."""


@dataclass(frozen=True, slots=True)
class Signature:
    """A member's signature under a declaration."""

    declaration: int
    member_id: int
    sequence: int
    signed_at: datetime | None
    text_sha256: str
    """The SHA-256 of the exact text signed."""
    new: bool = False
    """Made by this call (``False``: the member had signed before)."""
    quorum_reached: bool = False
    """This signature completed the quorum."""
