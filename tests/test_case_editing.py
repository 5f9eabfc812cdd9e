"""Cases edited as documents (the console): the same checks as import with every problem at
its field, saving with a version that refuses to overwrite another's change, the audit
entry naming the editor by number, and the per-minute record of a broadcast."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from bot import data_path
from bot.domain.broadcasts import Delivery, Fate, Kind, Settlement
from bot.domain.content import case_document, check_case, load_content
from bot.domain.files import Problems
from storage import Database
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
    version, fields = await cases.save(case, expected=None, actor_user_id=777)
    assert version == case_version(case)
    assert {"name", "status", "urgency", "brief", "account", "updated"} <= set(fields)
    assert await cases.with_deadlines("new-case") == case
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
    first, _ = await cases.save(case, expected=None, actor_user_id=1)
    theirs = dataclasses.replace(case, status="released")
    second, fields = await cases.save(theirs, expected=first, actor_user_id=2)
    assert fields == ["status"]
    mine = dataclasses.replace(case, urgency=1)
    with pytest.raises(VersionConflict) as conflict:
        await cases.save(mine, expected=first, actor_user_id=1)
    assert conflict.value.current == theirs
    assert await cases.with_deadlines("new-case") == theirs
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
