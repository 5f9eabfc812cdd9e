"""The local Bot API server for ``bench.broadcast``, in a process of its own.

``python -m bench.broadcast_server --users N [--token T] [--refuse CHAT]`` starts
:class:`LocalBotApi` on 127.0.0.1 without a call log, creates the simulated users 1..N (with
``--refuse``, the first send to that chat is answered 429 with ``retry_after`` 1 s), prints one
JSON line (``{"base_url": ..., "pid": ...}``) and then answers each line read from stdin:

``stats``  one JSON line: accepted sends, 429 refusals, the monotonic times of the first and
           last accepted send, the accepted sends in each second from the first on, the most
           in any 1-s window, and how long the refused chat's message came after its
           retry_after had passed.
``quit``   (or end of stdin) stop the server and exit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from sandbox.local_api import LocalBotApi
from sandbox.local_api.flood import AcceptedSend

LANGUAGES = ("ru", "kk", "en")
"""Telegram language codes given to the simulated users, round robin."""

REFUSAL_RETRY_AFTER = 1
"""Seconds of the ``retry_after`` answered to the refused chat."""


def stats(api: LocalBotApi) -> dict[str, Any]:
    """What the server saw: accepted sends with their first and last times, and refusals."""
    accepted = api.flood_control.accepted
    return {
        "accepted": len(accepted),
        "refused": len(api.flood_control.refused),
        "first_at": accepted[0].at if accepted else None,
        "last_at": accepted[-1].at if accepted else None,
        "sent_count": api.sent_count,
        "internal_errors": len(api.internal_errors),
        "per_second": per_second(accepted),
        "busiest_second": api.flood_control.busiest_second(),
        "refused_wait": refused_wait(api),
        "early_retries": len(api.flood_control.early_retries()),
    }


def refused_wait(api: LocalBotApi) -> float | None:
    """Seconds from the moment the refused chat might be sent to again (its retry_after
    passed) to the moment its message was accepted; ``None`` without a refusal."""
    control = api.flood_control
    refusal = next((r for r in control.refused if r.reason == "injected"), None)
    if refusal is None:
        return None
    return next(
        (send.at - refusal.until for send in control.accepted if send.chat_id == refusal.chat_id),
        None,
    )


def per_second(accepted: Sequence[AcceptedSend]) -> list[int]:
    """Accepted sends in each second from the first accepted send on."""
    if not accepted:
        return []
    first = accepted[0].at
    counts = [0] * (int(accepted[-1].at - first) + 1)
    for send in accepted:
        counts[int(send.at - first)] += 1
    return counts


async def serve(users: int, token: str, refuse: int | None) -> None:
    """Serve with ``users`` simulated users until stdin says ``quit`` or closes."""
    async with LocalBotApi(token, record_calls=False, log_size=0) as api:
        for user_id in range(1, users + 1):
            api.user(user_id, language_code=LANGUAGES[user_id % len(LANGUAGES)])
        if refuse is not None:
            api.flood_control.refuse_next(refuse, REFUSAL_RETRY_AFTER)
        print(json.dumps({"base_url": api.base_url, "pid": os.getpid()}), flush=True)
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            command = line.strip()
            if command == "stats":
                print(json.dumps(stats(api)), flush=True)
            elif command == "quit" or not line:
                return


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast_server", description=__doc__)
    parser.add_argument("--users", type=int, required=True, help="simulated users 1..N")
    parser.add_argument("--token", default="123456:BENCH")
    parser.add_argument("--refuse", type=int, metavar="CHAT", help="answer 429 to CHAT once")
    arguments = parser.parse_args(argv)
    asyncio.run(serve(arguments.users, arguments.token, arguments.refuse))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
