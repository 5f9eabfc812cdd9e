"""Case content as human-editable YAML files: loading with errors that name the file, the line
and the field, and writing the files back.

A content folder holds ``sources.yaml`` (source id → date and title per language) and
``cases/<id>.yaml``, one file per case. README.md, "Content", documents every field.
"""

from __future__ import annotations

import functools
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
from bot.domain.actions import (
    KINDS,
    MAX_POINT_LENGTH,
    MAX_POINTS,
    MAX_TARGETS,
    Action,
    Target,
    deadline_id,
)
from bot.domain.files import FileModel, check, check_all, parse_yaml, problem, read_text
from bot.domain.files.fields import (
    ACCOUNT,
    ACTION_TITLE,
    ACTION_WHY,
    ALIAS,
    BRIEF,
    CASE_DETAIL,
    CASE_NAME,
    DEADLINE_ACTION,
    DEADLINE_TITLE,
    EVENT,
    LINK,
    PARAGRAPH,
    SALUTATION,
    SOURCE_TITLE,
    TARGET_NAME,
    Day,
    RequiredLine,
    Text,
    at_most,
    too_long,
)
from bot.domain.languages import LOCALES, Texts
from bot.domain.letters import LetterProblem, check_letter

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
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
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
    actions: tuple[Action, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Content:
    """Everything one content folder holds."""

    sources: dict[str, Source]
    cases: dict[str, Case]
    targets: dict[str, Target] = field(default_factory=dict)


def _texts(value: Any, partial: bool, limit: int, paragraph: int | None) -> Texts:
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
    for locale, text in texts.items():
        if (found := too_long(text, limit)) is not None:
            raise problem(found, locale)
        longest = max(text.split("\n\n"), key=len)
        if paragraph is not None and (found := too_long(longest, paragraph)) is not None:
            raise problem(found.replace("{field}:", "{field}: a paragraph of"), locale)
    return texts


_LOCALES = frozenset(LOCALES)


def texts(limit: int, *, partial: bool = False, paragraph: int | None = None) -> Any:
    """A text in every language (``partial``: in at least one, as news may come), each of at
    most ``limit`` characters, and, if given, paragraphs of at most ``paragraph``."""
    read = functools.partial(_texts, partial=partial, limit=limit, paragraph=paragraph)
    return Annotated[Texts, PlainValidator(read)]


CaseName = texts(CASE_NAME)
CaseDetail = texts(CASE_DETAIL)
Brief = texts(BRIEF)
Account = texts(ACCOUNT, paragraph=PARAGRAPH)
EventTexts = texts(EVENT, partial=True)
"""A timeline entry: in at least one language (news may come in fewer than all)."""
SourceTitle = texts(SOURCE_TITLE)
DeadlineTitle = texts(DEADLINE_TITLE)
DeadlineAction = texts(DEADLINE_ACTION)
TargetLine = texts(TARGET_NAME)
Salutation = texts(SALUTATION)
ActionTitle = texts(ACTION_TITLE)
ActionWhy = texts(ACTION_WHY)


def _words(words: tuple[str, ...]) -> tuple[str, ...]:
    words = tuple(word.strip() for word in words)
    if "" in words:
        raise problem("{field}: empty entry", words.index(""), code="empty_entry")
    for index, word in enumerate(words):
        if (found := too_long(word, ALIAS)) is not None:
            raise problem(found, index)
    return words


Words = Annotated[tuple[Text, ...], AfterValidator(_words)]
"""Short texts, one per entry, none empty, each of at most :data:`ALIAS` characters."""


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
    title: SourceTitle


class _Event(FileModel):
    """An entry of a case's timeline."""

    date: Annotated[Text, AfterValidator(_partial_date)]
    event: EventTexts
    source: SourceId | None = None


class _Deadline(FileModel):
    """An entry of a case's deadlines: its moment is local time in its zone."""

    id: Annotated[Text, AfterValidator(_slug)]
    title: DeadlineTitle
    zone: Annotated[Text, AfterValidator(_zone)]  # before the moment, which is read in it
    moment: datetime
    action: DeadlineAction
    link: Annotated[Text, at_most(LINK), AfterValidator(_link)] | None = None
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
        return _utc_of(local, info.data["zone"])

    def deadline(self) -> Deadline:
        """The deadline as the bot keeps it."""
        return Deadline(**dict(self))


def _utc_of(local: datetime, zone: str) -> datetime:
    """The UTC instant of a local time written for ``zone``; a time its clocks skip is the
    field's problem."""
    where = moments.zone(zone)
    try:
        return moments.local_to_utc(local, where)
    except moments.SkippedTime:
        raise problem(
            f"{{field}}: this local time does not exist in {where.key} (clocks jump)",
            code="skipped_time",
            zone=where.key,
        ) from None


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
"""A language as ISO 639 writes it: ``kk``, ``ru``, ``en``, ``de``."""


def _languages(codes: tuple[str, ...]) -> tuple[str, ...]:
    if not codes:
        raise problem("{field}: name at least one language, e.g. [kk, ru, en]")
    for index, code in enumerate(codes):
        if not LANGUAGE_CODE.fullmatch(code):
            raise problem(f"{{field}}: {code!r} is not a language code such as kk, ru, en", index)
        if code in codes[:index]:
            raise problem(f"{{field}}: {code!r} is given twice", index)
    return codes


def _email(text: str) -> str:
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", text):
        raise problem("{field}: expected an email address such as name@example.org")
    return text


def _phone(text: str) -> str:
    if not re.fullmatch(r"\+?[0-9][0-9 ()\-]{4,30}", text):
        raise problem("{field}: expected a telephone number such as +7 7172 74 50 50")
    return text


def _short(text: str) -> str:
    if len(text) > 200:
        raise problem("{field}: at most 200 characters")
    return text


ShortLine = Annotated[RequiredLine, AfterValidator(_short)]


class _Target(FileModel):
    """An entry of ``targets.yaml``."""

    name: TargetLine
    title: TargetLine
    salutation: Salutation
    languages: Annotated[tuple[Text, ...], AfterValidator(_languages)]
    address: tuple[ShortLine, ...] = ()
    email: Annotated[ShortLine, AfterValidator(_email)] | None = None
    fax: Annotated[ShortLine, AfterValidator(_phone)] | None = None
    phone: Annotated[ShortLine, AfterValidator(_phone)] | None = None
    web_form: Annotated[ShortLine, AfterValidator(_link)] | None = None

    def target(self, target_id: str) -> Target:
        """The target as the bot keeps it."""
        return Target(id=target_id, **dict(self))


def _known_target(target_id: str, info: ValidationInfo) -> str:
    if target_id not in info.context["targets"]:
        raise problem(
            f"{{field}}: unknown target {target_id!r} (not in targets.yaml)",
            code="target",
            value=target_id,
        )
    return target_id


def _points(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise problem("{field}: expected a list of points per language: en, ru, kk")
    if unknown := sorted(map(str, value.keys() - _LOCALES)):
        raise problem(f"{{field}}: unknown language {', '.join(unknown)}")
    points: dict[str, tuple[str, ...]] = {}
    for locale in LOCALES:
        items = value.get(locale)
        if not isinstance(items, list) or not items:
            raise problem(
                f"{{field}}: missing the {locale} points",
                locale,
                code="translation",
                languages=[locale],
            )
        if len(items) > MAX_POINTS:
            raise problem(
                f"{{field}}: at most {MAX_POINTS} points", locale, code="too_many", limit=MAX_POINTS
            )
        texts = []
        for index, item in enumerate(items):
            text = " ".join(str(item).split()) if item is not None else ""
            if not text or len(text) > MAX_POINT_LENGTH:
                raise problem(
                    f"{{field}}: a point must have 1 to {MAX_POINT_LENGTH} characters",
                    (locale, index),
                    code="point",
                    limit=MAX_POINT_LENGTH,
                )
            texts.append(text)
        points[locale] = tuple(texts)
    return points


def _letters(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise problem("{field}: expected a model letter per language: en, ru, kk")
    if unknown := sorted(map(str, value.keys() - _LOCALES)):
        raise problem(f"{{field}}: unknown language {', '.join(unknown)}")
    letters = {}
    for locale in LOCALES:
        if locale not in value:
            continue
        written = str(value[locale])
        source = written.strip()
        try:
            check_letter(source)
        except LetterProblem as error:
            # A block (|) starts on the line after its key; a plain text on the key's line.
            first = 1 if written.endswith("\n") else 0
            skipped = written[: len(written) - len(written.lstrip())].count("\n")
            below = first + skipped + (error.line or 1) - 1
            raise problem(
                f"{{field}}: {error}",
                locale,
                lines_below=below,
                code="letter",
                kind=error.kind,
                line=None if error.line is None else skipped + error.line,
                **error.params,
            ) from None
        letters[locale] = source
    return letters


class _Action(FileModel):
    """An entry of a case's actions: its ``until`` is local time (or a day) in its zone."""

    id: Annotated[Text, AfterValidator(_slug)]
    kind: Literal[KINDS]  # type: ignore[valid-type]
    title: ActionTitle
    why: ActionWhy
    points: Annotated[dict[str, tuple[str, ...]], PlainValidator(_points)]
    targets: tuple[Annotated[Text, AfterValidator(_known_target)], ...]
    letter: Annotated[dict[str, str], PlainValidator(_letters)] = {}  # noqa: RUF012 (frozen)
    zone: Annotated[Text, AfterValidator(_zone)] | None = None  # before until, read in it
    until: datetime | None = None

    @field_validator("until", mode="plain")
    @classmethod
    def _until_in_utc(cls, written: Any, info: ValidationInfo) -> datetime:
        """The UTC instant after which the action is not offered: a day means its end."""
        if isinstance(written, str) and _DAY.fullmatch(written.strip()):
            try:  # a day written as text (by the console): the end of that day, as in a file
                written = date.fromisoformat(written.strip())
            except ValueError:
                raise problem(
                    "{field}: expected YYYY-MM-DD or a local time YYYY-MM-DD HH:MM", code="until"
                ) from None
        if isinstance(written, date) and not isinstance(written, datetime):
            local = datetime.combine(written, datetime.max.time()).replace(microsecond=0)
        else:
            try:
                local = (
                    written
                    if isinstance(written, datetime)
                    else moments.parse_local_time(str(written))
                )
            except moments.UnreadableTime:
                raise problem(
                    "{field}: expected YYYY-MM-DD or a local time YYYY-MM-DD HH:MM", code="until"
                ) from None
        if local.tzinfo is not None:
            raise problem("{field}: give the local time without an offset", code="until")
        if "zone" not in info.data:  # given, but not a zone: its own problem says so
            raise problem("{field}: read in the zone, which is not valid", code="until_unread")
        if info.data["zone"] is None:
            raise problem(
                "{field}: give the zone it is in as well, e.g. zone: Asia/Almaty",
                code="until_zone",
            )
        return _utc_of(local, info.data["zone"])

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> _Action:
        if not self.targets:
            raise problem(
                "{field}: name at least one target of targets.yaml", "targets", code="no_target"
            )
        if len(self.targets) > MAX_TARGETS:
            raise problem(
                f"{{field}}: at most {MAX_TARGETS} targets",
                "targets",
                code="too_many",
                limit=MAX_TARGETS,
            )
        if self.kind in ("letter", "postcard") and not self.letter:
            raise problem(
                f"letter: an action of kind {self.kind} needs a model letter", code="no_letter"
            )
        if self.zone is not None and self.until is None:
            raise problem("{field}: a zone without until", "zone", code="zone_alone")
        if self.letter:
            targets = info.context["targets"]
            for index, target_id in enumerate(self.targets):
                if not set(targets[target_id].languages) & self.letter.keys():
                    raise problem(
                        f"{{field}}: {target_id!r} reads none of the letter's languages "
                        f"({', '.join(self.letter)})",
                        ("targets", index),
                        code="target_languages",
                        target=target_id,
                    )
        return self

    def action(self) -> Action:
        """The action as the bot keeps it."""
        return Action(**dict(self))


class _Case(FileModel):
    """A case file."""

    id: Annotated[Text, AfterValidator(_file_name)]
    name: CaseName
    aliases: Words = ()
    status: Literal[STATUSES]  # type: ignore[valid-type]
    urgency: Annotated[int, Strict(), AfterValidator(_urgency)]
    detention: CaseDetail | None = None
    charges: CaseDetail | None = None
    sentence: CaseDetail | None = None
    brief: Brief
    account: Account
    tags: Annotated[Words, AfterValidator(_tags)] = ()
    related: tuple[Annotated[Text, AfterValidator(_known_case)], ...] = ()
    timeline: tuple[_Event, ...] = ()
    deadlines: tuple[_Deadline, ...] = ()
    actions: tuple[_Action, ...] = ()
    updated: Day

    @model_validator(mode="after")
    def _unique_deadlines(self) -> _Case:
        for name in ("deadlines", "actions"):
            ids = [item.id for item in getattr(self, name)]
            for index, item_id in enumerate(ids):
                if item_id in ids[:index]:
                    at = (name, index, "id")
                    raise problem(f"{{field}}: {item_id!r} is used twice", at, code="twice")
        return self

    def case(self) -> Case:
        """The case as the bot keeps it: the timeline by date, the deadlines by moment."""
        timeline = sorted((Event(**dict(event)) for event in self.timeline), key=lambda e: e.date)
        deadlines = sorted((d.deadline() for d in self.deadlines), key=lambda d: d.moment)
        return Case(
            **{
                **dict(self),
                "timeline": tuple(timeline),
                "deadlines": tuple(deadlines),
                "actions": tuple(action.action() for action in self.actions),
            }
        )


_SOURCES = TypeAdapter(dict[str, _Source])
_TARGETS = TypeAdapter(dict[Annotated[Text, AfterValidator(_slug)], _Target])
_CASE = TypeAdapter(_Case)

TARGETS_FILE = "targets.yaml"
"""The authorities the actions of a content folder address; optional where no case has
actions."""


def _read_sources(path: Path) -> dict[str, Source]:
    written = check(parse_yaml(path, read_text(path)), _SOURCES)
    return {key: Source(key, source.date, source.title) for key, source in written.items()}


def _read_targets(path: Path) -> dict[str, Target]:
    if not path.exists():
        return {}
    written = check(parse_yaml(path, read_text(path)), _TARGETS)
    return {key: target.target(key) for key, target in written.items()}


def load_content(folder: Path) -> Content:
    """Read and check a whole content folder; the first problem raises :class:`FileError`."""
    sources = _read_sources(folder / "sources.yaml")
    targets = _read_targets(folder / TARGETS_FILE)
    paths = sorted((folder / "cases").glob("*.yaml"))
    known = {"sources": sources, "cases": {path.stem for path in paths}, "targets": targets}
    cases = {}
    for path in paths:
        document = parse_yaml(path, read_text(path))
        case = check(document, _CASE, {**known, "stem": path.stem}).case()
        cases[case.id] = case
    return Content(sources, cases, targets)


def check_case(
    document: Any,
    sources: dict[str, Source],
    known_cases: set[str],
    case_id: str,
    targets: dict[str, Target] | None = None,
) -> Case:
    """A case written as a mapping in the shape of its file (by the console), checked by
    the same schema and rules as import; ``case_id`` is what its file name would be,
    ``known_cases`` the ids ``related`` may name and ``targets`` those its actions may
    address. Every problem raises at once as :class:`~bot.domain.files.Problems`."""
    context = {
        "sources": sources,
        "cases": known_cases | {case_id},
        "stem": case_id,
        "targets": targets or {},
    }
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
        "actions": [action_document(action) for action in case.actions],
        "updated": case.updated,
    }
    return document


def action_document(action: Action) -> dict[str, Any]:
    """An action as its file writes it."""
    document: dict[str, Any] = {
        "id": action.id,
        "kind": action.kind,
        "title": action.title,
        "why": action.why,
        "points": {locale: list(points) for locale, points in action.points.items()},
        "targets": list(action.targets),
    }
    if action.letter:
        document["letter"] = {locale: text + "\n" for locale, text in action.letter.items()}
    if action.until is not None and action.zone is not None:
        document["zone"] = action.zone
        document["until"] = moments.format_local_time(action.until, moments.zone(action.zone))
    return document


def target_document(target: Target) -> dict[str, Any]:
    """A target as ``targets.yaml`` writes it."""
    document: dict[str, Any] = {
        "name": target.name,
        "title": target.title,
        "salutation": target.salutation,
        "languages": list(target.languages),
    }
    if target.address:
        document["address"] = list(target.address)
    for name in ("email", "fax", "phone", "web_form"):
        if getattr(target, name) is not None:
            document[name] = getattr(target, name)
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
    if content.targets:
        path = folder / TARGETS_FILE
        path.write_text(
            _dump({key: target_document(t) for key, t in sorted(content.targets.items())}),
            encoding="utf-8",
        )
        written.append(path)
    for case in content.cases.values():
        path = folder / "cases" / f"{case.id}.yaml"
        path.write_text(_dump(_case_document(case)), encoding="utf-8")
        written.append(path)
    return written


def action_deadline(action: Action) -> Deadline:
    """The deadline that stands for an action's ``until``: it puts the action in /deadlines
    and the calendar file, and gives its followers reminders like any deadline."""
    assert action.until is not None and action.zone is not None
    return Deadline(
        id=deadline_id(action.id),
        title=action.title,
        moment=action.until,
        zone=action.zone,
        action=action.why,
    )


def deadlines_of(case: Case) -> tuple[Deadline, ...]:
    """A case's deadlines, with those standing for its actions' ``until``."""
    mirrored = (action_deadline(action) for action in case.actions if action.until is not None)
    return (*case.deadlines, *mirrored)


@dataclass(frozen=True, slots=True)
class StoredDeadline:
    """A deadline with its case and the key its buttons carry."""

    key: int
    case_id: str
    deadline: Deadline
