"""One process, several terms: an instance that lost the lease (another took it over) stands
by, and when the lease comes back to it, it serves again with the same application: jobs,
delivery engine and replies restarted, conversations read anew from the database."""

from __future__ import annotations

import asyncio

from storage.lease import lease_state
from tests.e2e.conftest import RunningBot


async def test_an_instance_serves_again_when_the_lease_comes_back(bot: RunningBot) -> None:
    db = bot.application.services.db
    user = bot.user(7_100_001)
    assert "Qorgau" in (await user.ask("/start")).text
    first = await lease_state(db)
    # Another instance takes the lease for 2 s (as after this one was cut off).
    await db.standalone(
        f"UPDATE lease SET holder = 'elsewhere', token = token + 1, "
        f"expires_at = {db.dialect.now} + 2 WHERE name = 'active' RETURNING token"
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while bot.application.role() != "standby" or bot.application.running:
        assert loop.time() < deadline, "the instance did not stop when it lost the lease"
        await asyncio.sleep(0.05)
    assert bot.application.poller is None
    # The lease expires; the instance takes it back and serves.
    while bot.application.role() != "active" or bot.application.poller is None:
        assert loop.time() < deadline + 10, "the instance did not take the lease back"
        await asyncio.sleep(0.05)
    assert (await lease_state(db)).token == first.token + 2
    assert "Qorgau" in (await user.ask("/start", timeout=10)).text
    assert bot.application.services.delivery.running
