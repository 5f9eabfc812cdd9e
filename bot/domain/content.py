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
from typing import Any

import yaml

from bot.domain import moments
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


class ContentError(ValueError):
    """A content file is invalid; the message names the file, the line and the field."""

    def __init__(self, path: Path, line: int | None, field_name: str, problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {field_name}: {problem}")
        self.path, self.line, self.field_name, self.problem = path, line, field_name, problem


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


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of each key (1-based)."""

    line: int
    key_lines: dict[str, int]


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it: ten times faster on a large content folder."""


class _LineLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader, keeping line numbers on mappings."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Mapping:
        mapping = _Mapping(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)


class _Reader:
    """Reads typed fields from one file's mappings, raising :class:`ContentError`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> _Mapping:
        try:
            data = yaml.load(self.path.read_text(encoding="utf-8"), Loader=_LineLoader)
        except yaml.MarkedYAMLError as error:
            line = error.problem_mark.line + 1 if error.problem_mark else None
            raise ContentError(self.path, line, "YAML", str(error.problem)) from None
        except (OSError, UnicodeDecodeError) as error:
            raise ContentError(self.path, None, "file", str(error)) from None
        if not isinstance(data, _Mapping):
            raise ContentError(self.path, 1, "file", "expected a mapping of fields")
        return data

    def fail(self, mapping: _Mapping, name: str, problem: str) -> ContentError:
        return ContentError(self.path, mapping.key_lines.get(name, mapping.line), name, problem)

    def value(self, mapping: _Mapping, name: str, kind: type, *, required: bool = True) -> Any:
        if name not in mapping or mapping[name] is None:
            if required:
                raise self.fail(mapping, name, "missing")
            return None
        value = mapping[name]
        if kind is str and isinstance(value, (int, float, date)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(mapping, name, f"expected {kind.__name__}")
        return value

    def texts(
        self, mapping: _Mapping, name: str, *, required: bool = True, partial: bool = False
    ) -> Texts | None:
        """A text per locale: all of them, or with ``partial`` at least one."""
        value = self.value(mapping, name, dict, required=required)
        if value is None:
            return None
        unknown = sorted(set(value) - set(LOCALES))
        if unknown:
            raise self.fail(mapping, name, f"unknown language {', '.join(unknown)}")
        given = [locale for locale in LOCALES if str(value.get(locale) or "").strip()]
        missing = [locale for locale in LOCALES if locale not in given]
        if missing and not (partial and given):
            raise self.fail(mapping, name, f"missing the {', '.join(missing)} translation")
        return {locale: str(value[locale]).strip() for locale in given}

    def words(
        self, mapping: _Mapping, name: str, allowed: tuple[str, ...] | None = None
    ) -> tuple[str, ...]:
        value = self.value(mapping, name, list, required=False) or []
        items = tuple(str(item).strip() for item in value)
        if any(not item for item in items):
            raise self.fail(mapping, name, "empty entry")
        if allowed is not None and (bad := [item for item in items if item not in allowed]):
            raise self.fail(
                mapping, name, f"unknown {', '.join(bad)} (allowed: {', '.join(allowed)})"
            )
        return items

    def day(self, mapping: _Mapping, name: str) -> date:
        value = mapping.get(name)
        if isinstance(value, date):
            return value
        raise self.fail(mapping, name, "expected a date YYYY-MM-DD")


def _read_sources(path: Path) -> dict[str, Source]:
    reader = _Reader(path)
    data = reader.load()
    sources = {}
    for source_id in data:
        entry = data[source_id]
        if not isinstance(entry, _Mapping):
            raise reader.fail(data, source_id, "expected date and title")
        sources[source_id] = Source(
            source_id, reader.day(entry, "date"), reader.texts(entry, "title")
        )
    return sources


def _read_deadline(reader: _Reader, entry: _Mapping, sources: dict[str, Source]) -> Deadline:
    deadline_id = reader.value(entry, "id", str)
    if not CASE_ID.fullmatch(deadline_id):
        raise reader.fail(entry, "id", "must be lowercase-with-dashes, at most 40 characters")
    try:
        where = moments.zone(reader.value(entry, "zone", str))
    except moments.UnknownZone:
        raise reader.fail(
            entry, "zone", f"not an IANA time zone (example: {moments.ZONE_EXAMPLE})"
        ) from None
    written = entry.get("moment")
    try:
        local = (
            written
            if isinstance(written, datetime)
            else moments.parse_local_time(reader.value(entry, "moment", str))
        )
        if local.tzinfo is not None:
            raise reader.fail(entry, "moment", "give the local time without an offset")
        moment = moments.local_to_utc(local, where)
    except moments.UnreadableTime:
        raise reader.fail(entry, "moment", "expected a local time YYYY-MM-DD HH:MM") from None
    except moments.SkippedTime:
        raise reader.fail(
            entry, "moment", f"this local time does not exist in {where.key} (clocks jump)"
        ) from None
    link = reader.value(entry, "link", str, required=False)
    if link is not None and not link.startswith(("https://", "http://")):
        raise reader.fail(entry, "link", "expected an http(s):// address")
    source = reader.value(entry, "source", str, required=False)
    if source is not None and source not in sources:
        raise reader.fail(entry, "source", f"unknown source {source!r}")
    cancelled = entry.get("cancelled", False)
    if not isinstance(cancelled, bool):
        raise reader.fail(entry, "cancelled", "expected true or false")
    return Deadline(
        id=deadline_id,
        title=reader.texts(entry, "title"),
        moment=moment,
        zone=where.key,
        action=reader.texts(entry, "action"),
        link=link,
        source=source,
        cancelled=cancelled,
    )


def _read_deadlines(
    reader: _Reader, data: _Mapping, sources: dict[str, Source]
) -> tuple[Deadline, ...]:
    deadlines: dict[str, Deadline] = {}
    for entry in reader.value(data, "deadlines", list, required=False) or []:
        if not isinstance(entry, _Mapping):
            raise reader.fail(data, "deadlines", "each entry needs id, title, moment, zone, action")
        deadline = _read_deadline(reader, entry, sources)
        if deadline.id in deadlines:
            raise reader.fail(entry, "id", f"{deadline.id!r} is used twice")
        deadlines[deadline.id] = deadline
    return tuple(sorted(deadlines.values(), key=lambda deadline: deadline.moment))


def _read_case(path: Path, sources: dict[str, Source]) -> Case:
    reader = _Reader(path)
    data = reader.load()
    case_id = reader.value(data, "id", str)
    if not CASE_ID.fullmatch(case_id) or case_id != path.stem:
        raise reader.fail(
            data,
            "id",
            "must be lowercase-with-dashes, at most 40 characters, "
            f"and equal the file name {path.stem!r}",
        )
    status = reader.value(data, "status", str)
    if status not in STATUSES:
        raise reader.fail(data, "status", f"unknown {status!r} (allowed: {', '.join(STATUSES)})")
    urgency = reader.value(data, "urgency", int)
    if not 1 <= urgency <= 5:
        raise reader.fail(data, "urgency", "must be from 1 (most urgent) to 5")
    timeline = []
    for entry in reader.value(data, "timeline", list, required=False) or []:
        if not isinstance(entry, _Mapping):
            raise reader.fail(data, "timeline", "each entry needs a date and an event")
        when = reader.value(entry, "date", str)
        if not PARTIAL_DATE.fullmatch(when):
            raise reader.fail(entry, "date", "expected YYYY, YYYY-MM or YYYY-MM-DD")
        source = reader.value(entry, "source", str, required=False)
        if source is not None and source not in sources:
            raise reader.fail(entry, "source", f"unknown source {source!r}")
        timeline.append(Event(when, reader.texts(entry, "event", partial=True), source))
    return Case(
        id=case_id,
        name=reader.texts(data, "name"),
        status=status,
        urgency=urgency,
        brief=reader.texts(data, "brief"),
        account=reader.texts(data, "account"),
        updated=reader.day(data, "updated"),
        aliases=reader.words(data, "aliases"),
        detention=reader.texts(data, "detention", required=False),
        charges=reader.texts(data, "charges", required=False),
        sentence=reader.texts(data, "sentence", required=False),
        tags=reader.words(data, "tags", TAGS),
        related=reader.words(data, "related"),
        timeline=tuple(sorted(timeline, key=lambda event: event.date)),
        deadlines=_read_deadlines(reader, data, sources),
    )


def load_content(folder: Path) -> Content:
    """Read and check a whole content folder; the first problem raises :class:`ContentError`."""
    sources = _read_sources(folder / "sources.yaml")
    cases = {}
    for path in sorted((folder / "cases").glob("*.yaml")):
        case = _read_case(path, sources)
        cases[case.id] = case
    for case in cases.values():
        for related in case.related:
            if related not in cases:
                path = folder / "cases" / f"{case.id}.yaml"
                raise ContentError(path, None, "related", f"unknown case {related!r}")
    return Content(sources, cases)


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
