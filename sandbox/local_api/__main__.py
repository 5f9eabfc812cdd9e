"""Run the local Bot API alone: ``python -m sandbox.local_api [--port N] [--token T]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .api import LocalBotApi


async def serve(port: int, token: str) -> None:
    """Serve until cancelled, after printing where to point the bot."""
    async with LocalBotApi(token, port=port) as api:
        print(f"base_url={api.base_url} token={api.token}", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.local_api", description=__doc__)
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.token))


if __name__ == "__main__":
    main()
