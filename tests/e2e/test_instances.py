"""Three real instances on one PostgreSQL database (issue 15, "Done when"): one active, the
others standing by. Killed with ``kill -9`` in the middle of a 2,000-recipient appeal and of a
member's signing, the active one is replaced within seconds: the appeal completes with nobody
receiving it twice beyond the unknowns it reports, the signature completes, and no update is
lost. Paused (SIGSTOP) past its lease, it wakes fenced: another instance is active, and its own
writes are refused."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.declarations import Declaration, RuleSettings, Status
from bot.shipped import prepare_shipped_content
from sandbox.local_api import LocalBotApi, SimMessage, SimUser
from storage import Database
from storage.cases import Cases
from storage.declarations import Declarations
from storage.lease import lease_state
from storage.location import DatabaseLocation
from storage.members import Members
from storage.users import Users
from tests.e2e.conftest import ADMIN_ID, message_starting, webhook_mode
from tests.e2e.instances import RunningInstance, instance
from tests.e2e.processes import eventually
from tests.stored import rows

pytestmark = [
    pytest.mark.postgresql_only,
    # Three web servers need a reverse proxy in front to share one webhook address: these
    # tests take updates by long polling (the webhook's inbox is tested in test_web_server).
    pytest.mark.skipif(webhook_mode(), reason="long polling only"),
]

APPEAL = "Write to the prosecutor today"
TEXT = "We call for the release of every political prisoner in Kazakhstan."
MP_ID = 7_000_001
TAKEOVER = 10.0
"""Seconds within which a standing-by instance must take over (issue 15)."""


def appeals(reader: SimUser) -> list[SimMessage]:
    return [m for m in reader.chat.bot_messages if m.text == APPEAL]


def count(report: SimMessage, label: str) -> int:
    return int(report.text.split(label, 1)[1].split()[0].replace(",", ""))


async def prepare(database: DatabaseLocation, readers: list[SimUser]) -> None:
    """Readers who started the bot, a member bound to ``MP_ID``, declaration 700 open."""
    async with await Database.open(database) as db:
        await prepare_shipped_content(Cases(db), Declarations(db))
        async with db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO users (user_id, locale, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                [(r.id, "ru", "2026-11-30", "2026-11-30") for r in readers],
            )
        await Users(db).touch(MP_ID, "en", date(2026, 11, 30))
        (member,) = await Members(db).search("Thiéry")
        assert member.id is not None
        invitation = await Members(db).invite(member.id)
        await Members(db).bind(invitation.payload, MP_ID)
        declaration = Declaration(
            number=700,
            assembly="PACE",
            title={"en": "Free the political prisoners"},
            text={"en": TEXT},
            authoritative="en",
            tabler_id=member.id,
            rules=RuleSettings(),
        )
        declarations = Declarations(db)
        assert await declarations.create(declaration)
        closes = datetime.now(UTC) + timedelta(days=7)
        assert await declarations.set_status(700, Status.OPEN, closes)


@asynccontextmanager
async def three_instances(
    api: LocalBotApi, database: DatabaseLocation, tmp_path: Path, rate: float
) -> AsyncIterator[list[RunningInstance]]:
    """A, then B and C: A is active once it polls, B and C stand by."""
    async with AsyncExitStack() as stack:
        polls = api.polls_received
        first = await stack.enter_async_context(instance(api, database, tmp_path / "a", "a", rate))
        await api.wait_until(lambda: api.polls_received > polls, timeout=30)
        others = [
            await stack.enter_async_context(instance(api, database, tmp_path / n, n, rate))
            for n in ("b", "c")
        ]
        everyone = [first, *others]
        await eventually(lambda: [i.role for i in everyone] == ["active", "standby", "standby"], 30)
        yield everyone


async def send_appeal(coordinator: SimUser) -> None:
    """The coordinator's appeal to the readers (in Russian), through the conversation."""
    await coordinator.ask("/appeal", timeout=15)
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    audience = await coordinator.ask(APPEAL)
    await coordinator.press(audience, callback_data="appeal:to:ru")
    confirm = (await coordinator.wait_for_replies(2))[-1]
    await coordinator.press(confirm, callback_data="appeal:send")


async def active_after(
    api: LocalBotApi, instances: list[RunningInstance], gone: RunningInstance
) -> tuple[RunningInstance, float]:
    """The instance that took over from ``gone``, and the seconds until it polled."""
    started = time.monotonic()
    polls = api.polls_received
    await eventually(
        lambda: any(i.role == "active" for i in instances if i is not gone), TAKEOVER + 5
    )
    await api.wait_until(lambda: api.polls_received > polls, timeout=TAKEOVER + 5)
    took = time.monotonic() - started
    (successor,) = [i for i in instances if i is not gone and i.role == "active"]
    return successor, took


async def check_the_appeal(
    api: LocalBotApi, database: DatabaseLocation, coordinator: SimUser, readers: list[SimUser]
) -> None:
    """The report came; nobody got the appeal twice; whoever got none is an unknown."""
    report = await message_starting(api, coordinator, "Appeal #1: report")
    received = Counter(len(appeals(reader)) for reader in readers)
    assert set(received) <= {0, 1}, f"someone got the appeal twice: {received}"
    unknown = count(report, "Fate unknown (in flight when the bot stopped abruptly):")
    unknown_chats = {
        chat for (chat,) in rows(database, "SELECT chat_id FROM outbox WHERE state = 'unknown'")
    }
    assert len(unknown_chats) == unknown
    missed = {r.id for r in readers if not appeals(r)}
    assert missed <= unknown_chats, "whoever got nothing is reported as unknown"
    assert count(report, "Delivered:") + unknown == len(readers)


async def test_kill_9_of_the_active_one_mid_appeal_and_mid_signature(
    api: LocalBotApi, new_database: Callable[..., DatabaseLocation], tmp_path: Path
) -> None:
    database = new_database()
    readers = [api.user(50_000 + n, language_code="ru") for n in range(2_000)]
    await prepare(database, readers)
    coordinator, mp = api.user(ADMIN_ID, language_code="en"), api.user(MP_ID, language_code="en")
    async with three_instances(api, database, tmp_path, rate=150) as everyone:
        active = everyone[0]
        # The member begins to sign: the declaration's text, then "Continue".
        offer = await mp.ask("/sign", timeout=15)
        await mp.press(offer, callback_data="sign:pick:700")
        (text,) = await mp.wait_for_replies(1)
        assert TEXT in text.text
        await send_appeal(coordinator)
        await api.wait_until(lambda: sum(bool(appeals(r)) for r in readers) >= 300, timeout=30)

        await active.kill()
        # While nobody is active: the member goes on, and others write.
        await mp.press(text, "Continue")
        writers = [api.user(60_000 + n, language_code="en") for n in range(20)]
        for writer in writers:
            await writer.send("/start")
        successor, took = await active_after(api, everyone, active)
        assert took < TAKEOVER, f"the takeover took {took:.1f} s"

        (confirm,) = await mp.wait_for_replies(1, timeout=20)
        assert "cannot be withdrawn" in confirm.text
        await mp.press(confirm, "Sign declaration No. 700")
        receipt = await mp.wait_for_edit(confirm, timeout=20)
        assert receipt.text.startswith("✅ You signed written declaration No. 700.")
        for writer in writers:  # no update lost
            await writer.wait_for_replies(1, timeout=20)
        await check_the_appeal(api, database, coordinator, readers)
        signers = rows(database, "SELECT member_id FROM signatures WHERE declaration = 700")
        assert len(signers) == 1
        assert [i.role for i in everyone if i is not active].count("active") == 1
        assert successor.process.returncode is None
    assert "Traceback" not in successor.log


async def test_a_paused_active_instance_wakes_fenced(
    api: LocalBotApi, new_database: Callable[..., DatabaseLocation], tmp_path: Path
) -> None:
    database = new_database()
    readers = [api.user(70_000 + n, language_code="ru") for n in range(400)]
    await prepare(database, readers)
    coordinator = api.user(ADMIN_ID, language_code="en")
    async with three_instances(api, database, tmp_path, rate=25) as everyone:
        paused = everyone[0]
        await send_appeal(coordinator)
        await api.wait_until(lambda: sum(bool(appeals(r)) for r in readers) >= 40, timeout=30)
        async with await Database.open(database) as db:
            token = (await lease_state(db)).token

        paused.signal(signal.SIGSTOP)
        stopped = time.monotonic()
        successor, took = await active_after(api, everyone, paused)
        assert took < TAKEOVER, f"the takeover took {took:.1f} s"
        await asyncio.sleep(max(0.0, 8.0 - (time.monotonic() - stopped)))  # past its lease
        paused.signal(signal.SIGCONT)
        await eventually(lambda: paused.role == "standby", 10)

        async with await Database.open(database) as db:
            state = await lease_state(db)
        assert state.token > token and state.live
        writers = [api.user(80_000 + n, language_code="en") for n in range(10)]
        for writer in writers:  # the woken one takes none of them
            await writer.send("/start")
        for writer in writers:
            await writer.wait_for_replies(1, timeout=20)
        await asyncio.sleep(1.0)
        assert all(len(writer.chat.bot_messages) == 1 for writer in writers)
        await check_the_appeal(api, database, coordinator, readers)
        assert paused.process.returncode is None and successor.role == "active"
    log = paused.log
    assert "this instance stands by" in log
