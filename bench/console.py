"""``python -m bench.console [--cases N] [--requests N] [--saves N] [--json PATH]``: the
console's API at scale.

With ``N`` generated cases in three languages (:mod:`bench.generated_content`) imported, the
bot serves against the local Bot API server on 127.0.0.1 and its web server on a free port;
an administrator's signed launch data authorises every request, as Telegram's Mini App sends
it. Timed from the request sent to the answer read, over HTTP on loopback:

1. the case list: the first page, a page deep in the list, and searches (a surname in Latin
   letters, a Russian name);
2. a case opened in the editor;
3. a case saved: each save changes the brief, checks the whole document as import does,
   stores it with its deadlines, updates the search and appends an audit entry, and sends
   back the editor with the new version, which the next save uses.

The figures are p50, p99 and max in milliseconds; they are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import aiohttp

from bench.cases import percentiles
from bench.generated_content import generated_content
from bot.application import serving
from bot.config import Settings
from bot.domain.content import case_document
from sandbox.local_api import LocalBotApi
from sandbox.network import free_port
from storage.cases import Cases
from storage.database import Database

ADMIN = 1_000_001
SEED = 652


async def _timed(
    http: aiohttp.ClientSession, method: str, url: str, headers: dict[str, str], body: Any = None
) -> tuple[float, int, str]:
    started = time.perf_counter()
    async with http.request(method, url, json=body, headers=headers) as response:
        text = await response.text()
    return time.perf_counter() - started, response.status, text


async def run(arguments: argparse.Namespace) -> dict[str, Any]:
    """Import, serve, measure."""
    rng = random.Random(SEED)
    content = generated_content(arguments.cases, seed=SEED)
    cases = list(content.cases.values())
    with tempfile.TemporaryDirectory(prefix="qorgau-bench-console-") as folder:
        database = Path(folder) / "bench.sqlite3"
        async with await Database.open(database) as db:
            await Cases(db).upsert(content)
        async with LocalBotApi(record_calls=False) as api:
            port = free_port()
            settings = Settings(
                token=api.token,
                api_base_url=api.base_url,
                database=database,
                admins=frozenset({ADMIN}),
                listen=("127.0.0.1", port),
                public_url=f"http://127.0.0.1:{port}",
            )
            async with (
                serving(settings, startup_timeout=60) as application,
                aiohttp.ClientSession() as http,
            ):
                link = api.web_app_url(f"{application.web_url}/console/", ADMIN, "en")
                init_data = re.search(r"tgWebAppData=([^&]+)", link)
                assert init_data is not None
                headers = {"Authorization": "tma " + unquote(init_data[1])}
                base = f"{application.web_url}/console/api"
                pages = max(1, len(cases) // 25)
                lists: dict[str, list[float]] = {"first page": [], "deep page": [], "search": []}
                for index in range(arguments.requests):
                    kind = ("first page", "deep page", "search")[index % 3]
                    if kind == "first page":
                        path = "/cases"
                    elif kind == "deep page":
                        path = f"/cases?page={rng.randrange(2, pages + 1)}"
                    else:
                        case = rng.choice(cases)
                        words = (case.name["en"].split()[-1], case.name["ru"])
                        path = f"/cases?q={rng.choice(words)}"
                    seconds, status, _text = await _timed(http, "GET", base + path, headers)
                    assert status == 200, status
                    lists[kind].append(seconds)
                opened: list[float] = []
                for case in rng.sample(cases, min(arguments.requests // 3, len(cases))):
                    seconds, status, _text = await _timed(
                        http, "GET", f"{base}/cases/{case.id}", headers
                    )
                    assert status == 200, status
                    opened.append(seconds)
                saves: list[float] = []
                target = rng.choice(cases)
                _seconds, _status, editor = await _timed(
                    http, "GET", f"{base}/cases/{target.id}", headers
                )
                document = case_document(target)
                for index in range(arguments.saves):
                    version = re.search(r'data-version="([0-9a-f]+)"', editor)
                    assert version is not None
                    document["brief"] = {
                        locale: f"{text.split(' #')[0]} #{index}"
                        for locale, text in document["brief"].items()
                    }
                    seconds, status, editor = await _timed(
                        http,
                        "PUT",
                        f"{base}/cases/{target.id}",
                        headers,
                        {"case": document, "version": version[1]},
                    )
                    assert status == 200, (status, editor[:500])
                    saves.append(seconds)
    every = [sample for samples in lists.values() for sample in samples]
    return {
        "cases": len(cases),
        "case_list": percentiles(every) | {kind: percentiles(s) for kind, s in lists.items()},
        "case_opened": percentiles(opened),
        "case_saved": percentiles(saves),
        "requests": arguments.requests,
        "saves": arguments.saves,
    }


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.console", description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=600, help="case-list requests")
    parser.add_argument("--saves", type=int, default=200, help="case saves")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run and print the figures."""
    arguments = build_parser().parse_args(argv)
    started = time.perf_counter()
    document = asyncio.run(run(arguments))
    document["total_seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(document, indent=2)
    print(text)
    if arguments.json is not None:
        arguments.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
