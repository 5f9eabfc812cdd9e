"""Cases edited as documents (the console): the same checks as import with every problem at
its field, saving with a version that refuses to overwrite another's change, the audit
entry naming the editor by number, and the per-minute record of a broadcast."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot import data_path
from bot.domain.broadcasts import Delivery, Fate, Kind, Settlement
from bot.domain.content import case_document, check_case, load_content, write_content
from bot.domain.files import Problems
from storage import Database
from storage.actions import store_targets
from storage.audit_log import AuditLog
from storage.broadcasts import Broadcasts
from storage.cases import Cases, VersionConflict, case_version
from storage.erasure import erase_user
from storage.outbox import Outbox
from storage.users import Users

CONTENT = load_content(data_path("content"))


def a_document(case_id: str = "new-case") -> dict[str, object]:
    return {
        "id": case_id,
        "name": {"en": "Aigerim Test", "ru": "Айгерим Тест", "kk": "Әйгерім Тест"},
        "status": "detained",
        "urgency": 2,
        "brief": {"en": "Brief.", "ru": "Кратко.", "kk": "Қысқаша."},
        "account": {"en": "Account.", "ru": "Рассказ.", "kk": "Баян."},
        "updated": "2026-11-30",
    }


def test_every_shipped_case_survives_the_round_trip_through_a_document() -> None:
    ids = set(CONTENT.cases)
    for case in CONTENT.cases.values():
        checked = check_case(case_document(case), CONTENT.sources, ids, case.id, CONTENT.targets)
        assert checked == case


def test_every_problem_is_reported_at_its_field_with_a_code() -> None:
    document = a_document()
    document["name"] = {"en": "Aigerim", "ru": "Айгерим"}
    document["urgency"] = 9
    document["timeline"] = [{"date": "soon", "event": {"en": "x"}, "source": "nowhere"}]
    document["deadlines"] = [
        {
            "id": "hearing",
            "title": {"en": "H", "ru": "З", "kk": "О"},
            "moment": "2026-03-29 02:30",
            "zone": "Europe/Berlin",
            "action": {"en": "A", "ru": "Д", "kk": "Ә"},
        }
    ]
    with pytest.raises(Problems) as raised:
        check_case(document, CONTENT.sources, set(CONTENT.cases), "new-case")
    found = {(p.location, p.code) for p in raised.value.problems}
    assert found == {
        (("name",), "translation"),
        (("urgency",), "urgency"),
        (("timeline", 0, "date"), "partial_date"),
        (("timeline", 0, "source"), "source"),
        (("deadlines", 0, "moment"), "skipped_time"),
    }
    (name,) = [p for p in raised.value.problems if p.code == "translation"]
    assert name.params == {"languages": ["kk"]}
    assert name.text == "name: missing the kk translation"  # the words of import


def test_a_required_field_left_out_is_missing() -> None:
    document = a_document()
    del document["brief"]
    with pytest.raises(Problems) as raised:
        check_case(document, CONTENT.sources, set(), "new-case")
    assert [(p.location, p.code) for p in raised.value.problems] == [(("brief",), "missing")]


async def test_a_saved_case_is_stored_indexed_and_audited(db: Database) -> None:
    cases = Cases(db)
    case = check_case(a_document(), {}, set(), "new-case")
    stored, fields = await cases.save(case, expected=None, actor_user_id=777)
    assert stored == case
    version = case_version(case)
    assert {"name", "status", "urgency", "brief", "account", "updated"} <= set(fields)
    assert await cases.whole("new-case") == case
    hits = await cases.index.search("Әйгерім")
    assert [hit.case_id for hit in hits] == ["new-case"]
    (entry,) = await AuditLog(db).of_case("new-case")
    assert entry.action == "case_created"
    assert entry.data["actor"] == 1 and entry.data["version"] == version
    assert "777" not in str(entry.data)
    assert await AuditLog(db).actor_user(1) == 777
    assert (await AuditLog(db).verify())[1] is None


async def test_a_save_over_another_change_is_refused_and_nothing_is_written(db: Database) -> None:
    cases = Cases(db)
    case = check_case(a_document(), {}, set(), "new-case")
    first = case_version((await cases.save(case, expected=None, actor_user_id=1))[0])
    theirs = dataclasses.replace(case, status="released")
    saved, fields = await cases.save(theirs, expected=first, actor_user_id=2)
    second = case_version(saved)
    assert fields == ["status"]
    mine = dataclasses.replace(case, urgency=1)
    with pytest.raises(VersionConflict) as conflict:
        await cases.save(mine, expected=first, actor_user_id=1)
    assert conflict.value.current == theirs
    assert await cases.whole("new-case") == theirs
    with pytest.raises(VersionConflict):  # a new case whose id is taken meanwhile
        await cases.save(case, expected=None, actor_user_id=1)
    entries = await AuditLog(db).of_case("new-case")
    assert [(e.action, e.data["actor"]) for e in entries] == [
        ("case_edited", 2),
        ("case_created", 1),
    ]
    assert (await cases.save(theirs, expected=second, actor_user_id=2))[1] == []


async def test_erasing_an_editor_unlinks_their_number_and_keeps_the_chain(
    db: Database, tmp_path: Path
) -> None:
    users = Users(db)
    await users.touch(4242, "en", date(2026, 11, 30))
    await Cases(db).save(
        check_case(a_document(), {}, set(), "new-case"), expected=None, actor_user_id=4242
    )
    await erase_user(db, 4242)
    assert await AuditLog(db).actor_user(1) is None
    assert (await AuditLog(db).verify())[1] is None
    assert (await AuditLog(db).of_case("new-case"))[0].data["actor"] == 1


async def test_settled_messages_count_in_their_minute(db: Database) -> None:
    users = Users(db)
    for user_id in (1, 2, 3):
        await users.touch(user_id, "en", date(2026, 11, 30))
    broadcast_id, _ = await Broadcasts(db).create(
        kind=Kind.APPEAL,
        author_id=None,
        audience="all",
        html_by_locale={"en": "x", "ru": "x", "kk": "x"},
        details={},
    )
    outbox = Outbox(db, users)
    deliveries = await outbox.claim(10, now=1e12)
    assert len(deliveries) == 3
    first, second, third = deliveries
    await outbox.settle([Settlement(first, Fate.SENT)], at=600.0)
    await outbox.settle([Settlement(second, Fate.SENT)], at=659.0)
    await outbox.settle([Settlement(third, Fate.FAILED, reason="Bad Request")], at=660.0)
    assert await outbox.minutes(broadcast_id) == [(10, 2, 0, 0), (11, 0, 0, 1)]
    assert isinstance(first, Delivery)


PRESIDENT = "president-of-kazakhstan"


def an_action(action_id: str = "write-to-the-court", **changes: object) -> dict[str, object]:
    """An action as the console's editor sends it: texts, points as lists, a day as text;
    a change to ``None`` leaves the field out, as the editor leaves out an empty one."""
    action: dict[str, object] = {
        "id": action_id,
        "kind": "letter",
        "title": {"en": "Write to the court", "ru": "Напишите в суд", "kk": "Сотқа жазыңыз"},
        "why": {"en": "The hearing.", "ru": "Заседание.", "kk": "Отырыс."},
        "points": {"en": ["Release her."], "ru": ["Освободите её."], "kk": ["Оны босатыңыз."]},
        "targets": [PRESIDENT],
        "letter": {
            "en": "*{{ salutation }}*\n\nI am writing about Ms Aigerim Test.\n\nYours sincerely,",
            "ru": "*{{ salutation }}*\n\nПишу Вам о деле Айгерим Тест.\n\nС уважением,",
        },
        "until": "2027-03-01",
        "zone": "Asia/Almaty",
    }
    return {key: value for key, value in (action | changes).items() if value is not None}


def with_actions(*actions: dict[str, object]) -> dict[str, object]:
    return a_document() | {"actions": list(actions)}


def test_actions_are_checked_with_their_targets_as_import_checks_them() -> None:
    document = with_actions(an_action())
    case = check_case(document, {}, set(), "new-case", CONTENT.targets)
    (action,) = case.actions
    assert action.targets == (PRESIDENT,) and set(action.letter) == {"en", "ru"}
    assert action.until is not None and action.until.isoformat() == "2027-03-01T18:59:59+00:00"
    # A document of the stored case reads back to the same case (what the editor shows).
    assert check_case(case_document(case), {}, set(), "new-case", CONTENT.targets) == case


def test_the_problems_of_an_action_are_at_their_fields_a_letters_at_its_line() -> None:
    bad_letter = "*{{ salutation }}*\n\nDear {{ judge }},\n\nYours,"
    document = with_actions(
        an_action("a", letter={"en": bad_letter}),
        an_action("b", targets=["the-king"]),
        an_action("c", targets=[]),
        an_action("d", kind="postcard", letter=None),
        an_action("e", until="2027-03-01 10:00", zone=None),
        an_action("f", zone="Mars/Olympus"),
        an_action("g", title={"en": "T", "ru": "Т"}, points={"en": ["x"], "ru": ["y"]}),
    )
    with pytest.raises(Problems) as raised:
        check_case(document, {}, set(), "new-case", CONTENT.targets)
    found = {(p.location, p.code) for p in raised.value.problems}
    assert found == {
        (("actions", 0, "letter", "en"), "letter"),
        (("actions", 1, "targets", 0), "target"),
        (("actions", 2, "targets"), "no_target"),
        (("actions", 3), "no_letter"),
        (("actions", 4, "until"), "until_zone"),
        (("actions", 5, "zone"), "zone"),
        (("actions", 5, "until"), "until_unread"),
        (("actions", 6, "title"), "translation"),
        (("actions", 6, "points", "kk"), "translation"),
    }
    letter = raised.value.problems[0]
    assert letter.params == {"kind": "placeholder", "line": 3, "name": "judge"}
    assert "unknown placeholder 'judge'" in letter.text  # the words of import


async def _with_targets(db: Database) -> Cases:
    cases = Cases(db)
    async with db.transaction() as conn:
        await store_targets(conn, CONTENT.targets)
    return cases


async def test_actions_are_saved_with_the_case_audited_and_exported_as_import_reads_them(
    db: Database, tmp_path: Path
) -> None:
    cases = await _with_targets(db)
    first = an_action()
    second = an_action("call-the-prison", kind="call", letter=None, until=None, zone=None)
    case = check_case(with_actions(first, second), {}, set(), "new-case", CONTENT.targets)
    stored, fields = await cases.save(case, expected=None, actor_user_id=5)
    assert stored == case and "actions" in fields
    assert await cases.whole("new-case") == case
    (entry,) = await AuditLog(db).of_case("new-case")
    assert entry.data["actions"] == {
        "added": ["write-to-the-court", "call-the-prison"],
        "changed": [],
        "removed": [],
    }
    # The action's end is a deadline of the case (reminders, /deadlines), not one of its own.
    deadlines = await cases.deadlines.upcoming(datetime(2026, 12, 1, tzinfo=UTC))
    assert [d.deadline.id for d in deadlines] == ["action:write-to-the-court"]
    # Exported as files, imported again: the same case, nothing changed.
    write_content(await cases.content(), tmp_path / "export")
    again = load_content(tmp_path / "export").cases["new-case"]
    assert again == case
    assert await cases.upsert(load_content(tmp_path / "export")) == (0, 1)
    assert case_version(await cases.whole("new-case")) == case_version(case)  # type: ignore[arg-type]


async def test_an_edit_keeps_the_buttons_of_the_actions_it_keeps(db: Database) -> None:
    cases = await _with_targets(db)
    kept, dropped = an_action("kept"), an_action("dropped")
    case = check_case(with_actions(kept, dropped), {}, set(), "new-case", CONTENT.targets)
    saved, _fields = await cases.save(case, expected=None, actor_user_id=5)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    key = {item.action.id: item.key for item in await cases.actions.of_case("new-case", now)}
    edited_letter = {"en": "*{{ salutation }}*\n\nFree Ms Test.\n\nYours,"}
    added = an_action("added", kind="email")
    edited = with_actions(added, an_action("kept", letter=edited_letter))
    case = check_case(edited, {}, set(), "new-case", CONTENT.targets)
    saved, fields = await cases.save(case, expected=case_version(saved), actor_user_id=6)
    assert fields == ["actions"]
    assert [a.id for a in saved.actions] == ["kept", "added"]  # in the order first stored
    items = await cases.actions.of_case("new-case", now)
    assert {item.action.id: item.key for item in items}["kept"] == key["kept"]
    assert "Free Ms Test." in saved.actions[0].letter["en"]
    deadlines = await cases.deadlines.upcoming(now)
    assert sorted(d.deadline.id for d in deadlines) == ["action:added", "action:kept"]
    entry = (await AuditLog(db).of_case("new-case"))[0]
    assert entry.data["fields"] == ["actions"]
    changes = {"added": ["added"], "changed": ["kept"], "removed": ["dropped"]}
    assert entry.data["actions"] == changes


async def test_a_change_of_an_action_alone_is_a_conflict_for_the_other_editor(db: Database) -> None:
    cases = await _with_targets(db)
    case = check_case(with_actions(an_action()), {}, set(), "new-case", CONTENT.targets)
    read = case_version((await cases.save(case, expected=None, actor_user_id=1))[0])
    theirs = check_case(
        with_actions(an_action(until="2027-04-01")), {}, set(), "new-case", CONTENT.targets
    )
    await cases.save(theirs, expected=read, actor_user_id=2)
    mine = dataclasses.replace(case, urgency=1)
    with pytest.raises(VersionConflict) as conflict:
        await cases.save(mine, expected=read, actor_user_id=1)
    assert conflict.value.current == theirs
    assert await cases.whole("new-case") == theirs
