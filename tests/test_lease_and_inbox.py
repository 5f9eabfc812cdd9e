"""The lease of the active instance, the fence on its writes, and the inbox of updates, on
either engine (storage/lease.py, storage/inbox.py, bot/instance.py)."""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.clock import CorrectedClock
from bot.instance import Instance
from storage import Database
from storage.errors import Fenced
from storage.inbox import Inbox
from storage.lease import Holder, Lease, lease_state
from storage.location import DatabaseLocation
from storage.users import Users


def elsewhere(name: str) -> Holder:
    """A holder on another machine: nothing tells whether it still runs but the lease."""
    return Holder(name, f"boot-{name}", f"namespace-{name}", 4242, name)


async def test_one_holder_at_a_time_and_a_new_token_at_each_takeover(db: Database) -> None:
    first, second = Lease(db, elsewhere("a"), 30), Lease(db, elsewhere("b"), 30)
    token = await first.acquire()
    assert token is not None
    assert await second.acquire() is None  # live: nobody else takes it
    assert await first.renew(token)
    await first.release(token)
    taken = await second.acquire()
    assert taken == token + 1
    assert not await first.renew(token)  # the old holder learns it lost the lease
    assert (await lease_state(db)).holder == str(second.holder)


async def test_an_expired_lease_goes_to_whoever_asks(db: Database) -> None:
    first, second = Lease(db, elsewhere("a"), 0.2), Lease(db, elsewhere("b"), 30)
    token = await first.acquire()
    assert token is not None
    await asyncio.sleep(0.3)
    assert not (await lease_state(db)).live
    assert await second.acquire() == token + 1


async def test_a_holder_that_ran_here_and_died_loses_the_lease_at_once(db: Database) -> None:
    me = Holder.this_process()
    dead = Holder(me.host, me.boot, me.pid_namespace, 2**22 + 17, "x")  # no such process
    assert dead.is_gone(me)
    assert not Holder(me.host, me.boot, me.pid_namespace, os.getppid(), "x").is_gone(me)
    assert Holder(me.host, me.boot, me.pid_namespace, me.pid, "earlier").is_gone(me)
    assert not elsewhere("a").is_gone(me)
    token = await Lease(db, dead, 60).acquire()
    assert token is not None
    assert await Lease(db, me, 60).acquire() == token + 1


async def test_writes_are_fenced_once_another_instance_holds_the_lease(db: Database) -> None:
    users = Users(db)
    first = Lease(db, elsewhere("a"), 0.3)
    token = await first.acquire()
    assert token is not None
    db.fence = token
    await users.touch(1, "en", date(2026, 11, 30))  # allowed
    await asyncio.sleep(0.4)  # paused past the lease: no write, even before a takeover
    with pytest.raises(Fenced):
        await users.choose_locale(1, "ru")
    assert await Lease(db, elsewhere("b"), 30).acquire() == token + 1
    with pytest.raises(Fenced):
        async with db.transaction() as conn:
            await conn.execute("UPDATE users SET locale = 'kk'")
    db.fence = None
    row = await db.fetchone("SELECT locale FROM users WHERE user_id = 1")
    assert row[0] == "en"


async def test_instances_on_one_database_take_turns(
    database_location: DatabaseLocation,
) -> None:
    async with (
        await Database.open(database_location) as one,
        await Database.open(database_location) as two,
    ):
        timing = {"ttl": 1.0, "renew_interval": 0.1, "check_interval": 0.05}
        first = Instance(one, holder=elsewhere("a"), **timing)
        second = Instance(two, holder=elsewhere("b"), **timing)
        stop = asyncio.Event()
        async with AsyncExitStack() as running_first:
            await running_first.enter_async_context(first.running())
            term = await asyncio.wait_for(first.activation(stop), 5)
            assert term is not None and first.role == "active"
            async with second.running():
                await asyncio.sleep(0.3)
                assert second.role == "standby"  # the lease is renewed: nobody takes it
                await running_first.aclose()  # a clean stop gives it up
                taken = await asyncio.wait_for(second.activation(stop), 5)
                assert taken is not None and taken.token == term.token + 1
                assert term.lost.is_set() and first.role == "standby"


async def test_the_inbox_keeps_each_update_once_until_handled(db: Database) -> None:
    inbox = Inbox(db)
    assert await inbox.next_offset() == 0
    assert await inbox.store([(10, '{"update_id": 10}'), (11, '{"update_id": 11}')]) == [10, 11]
    assert await inbox.next_offset() == 12
    # The same batch again (another instance, a retried webhook): stored once.
    assert await inbox.store([(11, '{"update_id": 11}'), (12, '{"update_id": 12}')]) == [12]
    assert not await inbox.accept(12, '{"update_id": 12}')
    assert [update_id for update_id, _ in await inbox.pending()] == [10, 11, 12]
    assert not await inbox.done(11)
    assert not await inbox.done(10)
    assert await inbox.done(12)  # none left
    assert await inbox.pending() == []
    assert await inbox.next_offset() == 13


async def test_an_instance_whose_clock_is_minutes_off_keeps_the_databases_time(
    database_location: DatabaseLocation, caplog: pytest.LogCaptureFixture
) -> None:
    """Its lease is timed by the database anyway; its reminders and windows follow the clock
    it is given, which keeps the database's time; the log says how far off the machine is."""
    behind = CorrectedClock(wall=lambda: datetime.now(UTC) - timedelta(minutes=10))
    async with (
        await Database.open(database_location) as one,
        await Database.open(database_location) as two,
    ):
        timing = {"ttl": 1.0, "renew_interval": 0.1, "check_interval": 0.05}
        skewed = Instance(one, holder=elsewhere("behind"), clock=behind, **timing)
        punctual = Instance(two, holder=elsewhere("punctual"), **timing)
        stop = asyncio.Event()
        async with skewed.running():
            await asyncio.wait_for(skewed.activation(stop), 5)
            async with punctual.running():
                # Timed by the skewed machine, its lease would look 10 minutes expired.
                await asyncio.sleep(0.3)
                assert (skewed.role, punctual.role) == ("active", "standby")
        assert abs(behind.now() - datetime.now(UTC)) < timedelta(seconds=2)
        assert abs(behind.offset - timedelta(minutes=10)) < timedelta(seconds=2)
    assert "this machine's clock is -600 s off the database's" in caplog.text
