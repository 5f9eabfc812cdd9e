"""``python -m bench.actions [--cases N] [--per-case K] [--queries Q]``: ``/act`` at scale.

With ``N`` generated cases (:mod:`bench.generated_content`) and ``K`` actions each (20,000 by
default), some ending within the week, some later, some without an end, some already ended,
times the query ``/act`` makes (:meth:`storage.actions.Actions.most_urgent`): for a reader who
follows nothing (every case's actions) and for one who follows 20 cases; p50 and p99 in
milliseconds against the target p99 <= 10 ms. Then the count of open actions a case card
shows, the ``I did it`` write, and ``/coverage`` over every case with its CSV.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.generated_content import generated_content
from bot.domain.actions import Action, Target, card_expiry, issue_token, token_digest
from bot.domain.clock import SettableClock
from bot.domain.content import Content
from bot.domain.coverage import coverage_csv, least_attention_first
from storage.actions import coverage
from storage.cases import Cases
from storage.database import Database
from storage.subscriptions import Subscriptions
from storage.users import Users

TARGET_P99_MS = 10.0
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
TARGET = "bench-target"


def _action(number: int, rng: random.Random) -> Action:
    roll = rng.random()
    until = None
    if roll < 0.1:
        until = NOW + timedelta(hours=rng.randrange(1, 24 * 7))  # within the week
    elif roll < 0.4:
        until = NOW + timedelta(days=rng.randrange(8, 90))
    elif roll < 0.5:
        until = NOW - timedelta(days=rng.randrange(1, 90))  # ended: history
    kind = rng.choice(("letter", "email", "call"))
    texts = {locale: f"Action {number} ({locale})" for locale in ("en", "ru", "kk")}
    return Action(
        id=f"action-{number}",
        kind=kind,
        title=texts,
        why=texts,
        points={locale: (f"Point of action {number}.",) for locale in ("en", "ru", "kk")},
        targets=(TARGET,),
        letter={"en": "*{{ salutation }}*\n\nRelease him.\n\nYours sincerely,"}
        if kind != "call"
        else {},
        until=until,
        zone="UTC" if until else None,
    )


def content_with_actions(cases: int, per_case: int, seed: int = 13) -> Content:
    """Generated cases, each with ``per_case`` actions."""
    rng = random.Random(seed)
    content = generated_content(cases)
    target = Target(
        id=TARGET,
        name={"en": "Target", "ru": "Адресат", "kk": "Алушы"},
        title={"en": "Title", "ru": "Должность", "kk": "Лауазым"},
        salutation={"en": "Dear Sir,", "ru": "Уважаемый!", "kk": "Құрметті!"},
        languages=("en",),
    )
    numbered = iter(range(cases * per_case))
    with_actions = {
        case_id: replace(case, actions=tuple(_action(next(numbered), rng) for _ in range(per_case)))
        for case_id, case in content.cases.items()
    }
    return Content(content.sources, with_actions, {TARGET: target})


def _figures(timings: list[float]) -> str:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    verdict = "met" if p99 <= TARGET_P99_MS else "NOT met"
    return f"p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms (target {verdict})"


async def run(cases: int, per_case: int, queries: int) -> None:
    content = content_with_actions(cases, per_case)
    with tempfile.TemporaryDirectory() as folder:
        async with await Database.open(Path(folder) / "bench.sqlite3") as db:
            clock = SettableClock(NOW)
            store = Cases(db, clock)
            start = time.perf_counter()
            await store.upsert(content)
            print(
                f"imported {cases:,} cases with {cases * per_case:,} actions "
                f"in {time.perf_counter() - start:.1f} s"
            )
            reader = 1_000_001
            await Users(db).touch(reader, "en", date(2026, 6, 1))
            rng = random.Random(7)
            subscriptions = Subscriptions(db, clock)
            for case_id in rng.sample(sorted(content.cases), 20):
                await subscriptions.follow(reader, case_id)
            actions = store.actions
            for label, user_id in (("follows nothing (all cases)", None), ("follows 20", reader)):
                timings = []
                for _ in range(queries):
                    begin = time.perf_counter()
                    items = await actions.most_urgent(NOW, user_id=user_id, limit=10)
                    timings.append((time.perf_counter() - begin) * 1000)
                assert items, "the query finds actions"
                print(f"/act, a reader who {label}: {_figures(timings)}")
            case_ids = sorted(content.cases)
            timings = []
            for _ in range(queries):
                begin = time.perf_counter()
                await actions.open_count(rng.choice(case_ids), NOW)
                timings.append((time.perf_counter() - begin) * 1000)
            print(f"open actions of a case (its card): {_figures(timings)}")
            secret = await actions.secret()
            item = (await actions.most_urgent(NOW, limit=1))[0]
            expires = card_expiry(item.action, NOW)
            timings = []
            for _ in range(min(queries, 500)):
                token = issue_token(secret, item.key, 0, expires)
                digest = token_digest(secret, item.key, 0, expires, token)
                assert digest is not None
                begin = time.perf_counter()
                await actions.report(item, outcome="sent", origin=0, digest=digest, expires=expires)
                timings.append((time.perf_counter() - begin) * 1000)
            print(f"'I did it' (one write transaction): {_figures(timings)}")
            timings = []
            for _ in range(5):
                begin = time.perf_counter()
                ranked = least_attention_first(await coverage(db, NOW, "en"))
                coverage_csv(ranked, NOW.date())
                timings.append((time.perf_counter() - begin) * 1000)
            print(
                f"/coverage of {len(ranked):,} cases with its CSV: "
                f"median {statistics.median(timings):.0f} ms of 5"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.actions", description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--per-case", type=int, default=2)
    parser.add_argument("--queries", type=int, default=2_000)
    arguments = parser.parse_args(argv)
    asyncio.run(run(arguments.cases, arguments.per_case, arguments.queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
