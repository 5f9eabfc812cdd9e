"""Case content as human-editable YAML files: loading with errors that name the file, the line
and the field, and writing the files back.

A content folder holds ``sources.yaml`` (source id → date and title per language) and
``cases/<id>.yaml``, one file per case. README.md, "Content", documents every field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    PlainValidator,
    Strict,
    StrictBool,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.domain import moments
from bot.domain.files import FileModel, check, check_all, parse_yaml, problem, read_text
from bot.domain.files.fields import Day, Text
from bot.domain.languages import LOCALES, Texts

STATUSES = ("detained", "on_trial", "convicted", "released", "in_exile", "died_in_custody")
TAGS = (
    "torture",
    "ill-treatment",
    "denied-medical-care",
    "reprisal-against-relatives",
    "political-prisoner",
    "un-decision",
    "asylum",
    "health-at-risk",
)
CASE_ID = re.compile(r"(?=.{1,40}$)[a-z0-9]+(?:-[a-z0-9]+)*")
"""A case id: lowercase words joined by dashes, at most 40 characters (it travels in buttons)."""
PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
OPTIONAL_TEXTS = ("detention", "charges", "sentence")


@dataclass(frozen=True, slots=True)
class Source:
    """A document facts come from."""

    id: str
    date: date
    title: Texts


@dataclass(frozen=True, slots=True)
class Event:
    """A dated fact of a case, with its source; news posted by coordinators has none, and may
    be written in fewer than all languages."""

    date: str  # YYYY, YYYY-MM or YYYY-MM-DD: as precise as the source
    event: Texts
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Deadline:
    """A moment that matters to a case, with what to do before it."""

    id: str
    title: Texts
    moment: datetime  # the UTC instant
    zone: str  # the IANA zone the moment was given in, and is shown in by default
    action: Texts
    link: str | None = None
    source: str | None = None
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    """One person's case, in every language."""

    id: str
    name: Texts
    status: str
    urgency: int
    brief: Texts
    account: Texts
    updated: date
    aliases: tuple[str, ...] = ()
    detention: Texts | None = None
    charges: Texts | None = None
    sentence: Texts | None = None
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    timeline: tuple[Event, ...] = field(default_factory=tuple)
    deadlines: tuple[Deadline, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Content:
    """Everything one content folder holds."""

    sources: dict[str, Source]
    cases: dict[str, Case]


def _texts(value: Any, partial: bool) -> Texts:
    if not isinstance(value, dict):
        raise problem("{field}: expected a text per language: en, ru, kk", code="texts")
    if not value.keys() <= _LOCALES:
        unknown = sorted(map(str, value.keys() - _LOCALES))
        raise problem(
            f"{{field}}: unknown language {', '.join(unknown)}", code="language", languages=unknown
        )
    texts = {locale: text for locale in LOCALES if (text := str(value.get(locale, "")).strip())}
    if len(texts) < len(LOCALES) and not (partial and texts):
        missing = [locale for locale in LOCALES if locale not in texts]
        raise problem(
            f"{{field}}: missing the {', '.join(missing)} translation",
            code="translation",
            languages=missing,
        )
    return texts


def _all_texts(value: Any) -> Texts:
    return _texts(value, partial=False)


def _some_texts(value: Any) -> Texts:
    return _texts(value, partial=True)


_LOCALES = frozenset(LOCALES)
AllTexts = Annotated[Texts, PlainValidator(_all_texts)]
"""A text in every language."""

SomeTexts = Annotated[Texts, PlainValidator(_some_texts)]
"""A text in at least one language (news may come in fewer than all)."""


def _words(words: tuple[str, ...]) -> tuple[str, ...]:
    words = tuple(word.strip() for word in words)
    if "" in words:
        raise problem("{field}: empty entry", words.index(""), code="empty_entry")
    return words


Words = Annotated[tuple[Text, ...], AfterValidator(_words)]
"""Short texts, one per entry, none empty."""


def _tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    if unknown := [tag for tag in tags if tag not in TAGS]:
        raise problem(
            f"{{field}}: unknown {', '.join(unknown)} (allowed: {', '.join(TAGS)})",
            code="choice",
            values=unknown,
        )
    return tags


def _slug(text: str) -> str:
    if not CASE_ID.fullmatch(text):
        raise problem("{field}: must be lowercase-with-dashes, at most 40 characters", code="slug")
    return text


def _file_name(case_id: str, info: ValidationInfo) -> str:
    stem = info.context["stem"]
    if not CASE_ID.fullmatch(case_id) or case_id != stem:
        raise problem(
            "{field}: must be lowercase-with-dashes, at most 40 characters, "
            f"and equal the file name {stem!r}",
            code="slug",
        )
    return case_id


def _known_source(source: str, info: ValidationInfo) -> str:
    if source not in info.context["sources"]:
        raise problem(f"{{field}}: unknown source {source!r}", code="source", value=source)
    return source


def _known_case(case_id: str, info: ValidationInfo) -> str:
    if case_id not in info.context["cases"]:
        raise problem(f"{{field}}: unknown case {case_id!r}", code="case", value=case_id)
    return case_id


def _partial_date(text: str) -> str:
    if not PARTIAL_DATE.fullmatch(text):
        raise problem("{field}: expected YYYY, YYYY-MM or YYYY-MM-DD", code="partial_date")
    return text


def _urgency(urgency: int) -> int:
    if not 1 <= urgency <= 5:
        raise problem("{field}: must be from 1 (most urgent) to 5", code="urgency")
    return urgency


def _zone(name: str) -> str:
    try:
        return moments.zone(name).key
    except moments.UnknownZone:
        raise problem(
            f"{{field}}: not an IANA time zone (example: {moments.ZONE_EXAMPLE})", code="zone"
        ) from None


def _link(link: str) -> str:
    if not link.startswith(("https://", "http://")):
        raise problem("{field}: expected an http(s):// address", code="link")
    return link


SourceId = Annotated[Text, AfterValidator(_known_source)]


class _Source(FileModel):
    """An entry of ``sources.yaml``."""

    date: Day
    title: AllTexts


class _Event(FileModel):
    """An entry of a case's timeline."""

    date: Annotated[Text, AfterValidator(_partial_date)]
    event: SomeTexts
    source: SourceId | None = None


class _Deadline(FileModel):
    """An entry of a case's deadlines: its moment is local time in its zone."""

    id: Annotated[Text, AfterValidator(_slug)]
    title: AllTexts
    zone: Annotated[Text, AfterValidator(_zone)]  # before the moment, which is read in it
    moment: datetime
    action: AllTexts
    link: Annotated[Text, AfterValidator(_link)] | None = None
    source: SourceId | None = None
    cancelled: StrictBool = False

    @field_validator("moment", mode="plain")
    @classmethod
    def _in_utc(cls, written: Any, info: ValidationInfo) -> datetime:
        """The UTC instant of the local time written."""
        try:
            local = (
                written if isinstance(written, datetime) else moments.parse_local_time(str(written))
            )
        except moments.UnreadableTime:
            raise problem(
                "{field}: expected a local time YYYY-MM-DD HH:MM", code="moment"
            ) from None
        if local.tzinfo is not None:
            raise problem("{field}: give the local time without an offset", code="moment")
        if "zone" not in info.data:
            return local  # the zone's own problem is the one reported
        where = moments.zone(info.data["zone"])
        try:
            return moments.local_to_utc(local, where)
        except moments.SkippedTime:
            raise problem(
                f"{{field}}: this local time does not exist in {where.key} (clocks jump)",
                code="skipped_time",
                zone=where.key,
            ) from None

    def deadline(self) -> Deadline:
        """The deadline as the bot keeps it."""
        return Deadline(**dict(self))


class _Case(FileModel):
    """A case file."""

    id: Annotated[Text, AfterValidator(_file_name)]
    name: AllTexts
    aliases: Words = ()
    status: Literal[STATUSES]  # type: ignore[valid-type]
    urgency: Annotated[int, Strict(), AfterValidator(_urgency)]
    detention: AllTexts | None = None
    charges: AllTexts | None = None
    sentence: AllTexts | None = None
    brief: AllTexts
    account: AllTexts
    tags: Annotated[Words, AfterValidator(_tags)] = ()
    related: tuple[Annotated[Text, AfterValidator(_known_case)], ...] = ()
    timeline: tuple[_Event, ...] = ()
    deadlines: tuple[_Deadline, ...] = ()
    updated: Day

    @model_validator(mode="after")
    def _unique_deadlines(self) -> _Case:
        ids = [deadline.id for deadline in self.deadlines]
        for index, deadline_id in enumerate(ids):
            if deadline_id in ids[:index]:
                at = ("deadlines", index, "id")
                raise problem(f"{{field}}: {deadline_id!r} is used twice", at, code="twice")
        return self

    def case(self) -> Case:
        """The case as the bot keeps it: the timeline by date, the deadlines by moment."""
        timeline = sorted((Event(**dict(event)) for event in self.timeline), key=lambda e: e.date)
        deadlines = sorted((d.deadline() for d in self.deadlines), key=lambda d: d.moment)
        return Case(**{**dict(self), "timeline": tuple(timeline), "deadlines": tuple(deadlines)})


_SOURCES = TypeAdapter(dict[str, _Source])
_CASE = TypeAdapter(_Case)


def _read_sources(path: Path) -> dict[str, Source]:
    written = check(parse_yaml(path, read_text(path)), _SOURCES)
    return {key: Source(key, source.date, source.title) for key, source in written.items()}


def load_content(folder: Path) -> Content:
    """Read and check a whole content folder; the first problem raises :class:`FileError`."""
    sources = _read_sources(folder / "sources.yaml")
    paths = sorted((folder / "cases").glob("*.yaml"))
    known = {"sources": sources, "cases": {path.stem for path in paths}}
    cases = {}
    for path in paths:
        document = parse_yaml(path, read_text(path))
        case = check(document, _CASE, {**known, "stem": path.stem}).case()
        cases[case.id] = case
    return Content(sources, cases)


def check_case(
    document: Any, sources: dict[str, Source], known_cases: set[str], case_id: str
) -> Case:
    """A case written as a mapping in the shape of its file (by the console), checked by
    the same schema and rules as import; ``case_id`` is what its file name would be, and
    ``known_cases`` the ids ``related`` may name. Every problem raises at once as
    :class:`~bot.domain.files.Problems`."""
    context = {"sources": sources, "cases": known_cases | {case_id}, "stem": case_id}
    return check_all(document, _CASE, context).case()


def case_document(case: Case) -> dict[str, Any]:
    """A case as its file says it, as plain data (dates as text): what the console edits."""
    return _case_document(case) | {"updated": case.updated.isoformat()}


class _Dumper(yaml.SafeDumper):
    """Writes multi-line texts as literal blocks, so accounts stay readable and diffable."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def _case_document(case: Case) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": case.id,
        "name": case.name,
        "aliases": list(case.aliases),
        "status": case.status,
        "urgency": case.urgency,
    }
    for name in OPTIONAL_TEXTS:
        if getattr(case, name) is not None:
            document[name] = getattr(case, name)
    document |= {
        "brief": case.brief,
        "account": case.account,
        "tags": list(case.tags),
        "related": list(case.related),
        "timeline": [
            {"date": event.date, "event": event.event}
            | ({"source": event.source} if event.source else {})
            for event in case.timeline
        ],
        "deadlines": [_deadline_document(deadline) for deadline in case.deadlines],
        "updated": case.updated,
    }
    return document


def _deadline_document(deadline: Deadline) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": deadline.id,
        "title": deadline.title,
        "moment": moments.format_local_time(deadline.moment, moments.zone(deadline.zone)),
        "zone": deadline.zone,
        "action": deadline.action,
    }
    for name in ("link", "source"):
        if getattr(deadline, name) is not None:
            document[name] = getattr(deadline, name)
    if deadline.cancelled:
        document["cancelled"] = True
    return document


def _dump(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write_content(content: Content, folder: Path) -> list[Path]:
    """Write ``sources.yaml`` and one file per case into ``folder``; return the files."""
    (folder / "cases").mkdir(parents=True, exist_ok=True)
    written = [folder / "sources.yaml"]
    written[0].write_text(
        _dump({s.id: {"date": s.date, "title": s.title} for s in content.sources.values()}),
        encoding="utf-8",
    )
    for case in content.cases.values():
        path = folder / "cases" / f"{case.id}.yaml"
        path.write_text(_dump(_case_document(case)), encoding="utf-8")
        written.append(path)
    return written


@dataclass(frozen=True, slots=True)
class StoredDeadline:
    """A deadline with its case and the key its buttons carry."""

    key: int
    case_id: str
    deadline: Deadline
