"""``python -m bench.signing``: 200 concurrent "Sign" presses from 50 bound members on one
declaration, through the local Bot API server into the bot run as a real process: exactly 50
signatures, and the time per signature."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.botproc import FULL, BotProcess
from bench.procstat import machine_busy_seconds, own_cpu_seconds
from bot.domain.declarations import Declaration, Status
from bot.domain.members import Member
from bot.domain.signatory_block import PoliticalGroup
from sandbox.local_api import LocalBotApi, SimMessage, SimUser
from storage import Database
from storage.audit_log import AuditLog
from storage.declarations import Declarations
from storage.members import Members

NUMBER = 900
"""The declaration signed in the benchmark."""

GROUPS = (PoliticalGroup("SOC", "Socialists"), PoliticalGroup("EPP", "People's Party"))
TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class RoundResult:
    """One round's figures."""

    members: int
    presses: int
    signatures: int
    already_signed_answers: int
    wall_s: float
    bot_cpu_s: float
    other_cpu_s: float
    """CPU of every other process on the machine meanwhile: above 10 % of the wall time, the
    figures are suspect."""
    audit_intact: bool

    @property
    def ms_per_signature(self) -> float:
        """Wall time from the first press to the last answer, per signature."""
        return 1000 * self.wall_s / self.signatures

    @property
    def ms_per_press(self) -> float:
        return 1000 * self.wall_s / self.presses

    @property
    def bot_cpu_ms_per_signature(self) -> float:
        return 1000 * self.bot_cpu_s / self.signatures


async def prepare(database: Path, members: int) -> list[str]:
    """A roster of ``members``, an open declaration tabled by the first, and one invitation
    per member; the invitations' deep-link payloads."""
    async with await Database.open(database) as db:
        roster = Members(db)
        entries = [
            Member(
                f"Member{i:03d}",
                "Given",
                "",
                f"Country{i % 12}",
                GROUPS[i % 2].abbreviation,
                "PACE",
            )
            for i in range(members)
        ]
        await roster.import_roster(entries, GROUPS)
        ids = sorted(member.id for member in await roster.search(""))
        declarations = Declarations(db)
        await declarations.create(
            Declaration(NUMBER, "PACE", {"en": "Benchmark"}, {"en": "Free them all."}, "en", ids[0])
        )
        closes = datetime.now(UTC) + timedelta(days=7)
        await declarations.set_status(NUMBER, Status.OPEN, closes)
        return [(await roster.invite(member_id)).payload for member_id in ids]


async def reach_confirmation(user: SimUser, payload: str) -> SimMessage:
    """Bind by the deep link, pick the declaration, read it: the message with "Sign"."""
    await user.send(f"/start {payload}")
    offer = (await user.wait_for_replies(2, timeout=TIMEOUT))[-1]
    await user.press(offer, callback_data=f"sign:pick:{NUMBER}")
    (text,) = await user.wait_for_replies(1, timeout=TIMEOUT)
    await user.press(text, "Continue")
    (confirm,) = await user.wait_for_replies(1, timeout=TIMEOUT)
    return confirm


async def count_results(database: Path) -> tuple[int, bool]:
    """Signatures stored under the declaration, and whether the audit chain holds."""
    async with await Database.open(database) as db:
        signers = await Declarations(db).signers(NUMBER)
        _, broken = await AuditLog(db).verify()
    return len(signers), broken is None


async def run_round(workdir: Path, tag: str, members: int, presses_each: int) -> RoundResult:
    """Fresh server, database and bot; set up, then measure the presses."""
    database = workdir / f"{tag}.sqlite3"
    payloads = await prepare(database, members)
    async with LocalBotApi(record_calls=False) as api:
        bot = await BotProcess.spawn(FULL, api, workdir, tag)
        try:
            await bot.wait_first_poll(api)
            users = [
                api.user(50_000 + i, first_name="MP", language_code="en") for i in range(members)
            ]
            confirms = await asyncio.gather(
                *(
                    reach_confirmation(user, payload)
                    for user, payload in zip(users, payloads, strict=True)
                )
            )
            busy_before, own_before = machine_busy_seconds(), own_cpu_seconds()
            cpu_before, started = bot.cpu_seconds(), time.perf_counter()
            presses = [
                await user.press(confirm, callback_data=confirm.buttons[0][0]["callback_data"])
                for _ in range(presses_each)
                for user, confirm in zip(users, confirms, strict=True)
            ]
            answers = await asyncio.gather(*(press.wait_answer(TIMEOUT) for press in presses))
            wall, cpu = time.perf_counter() - started, bot.cpu_seconds() - cpu_before
            busy = machine_busy_seconds() - busy_before
            other = max(0.0, busy - cpu - (own_cpu_seconds() - own_before))
        finally:
            await bot.stop()
        errors = bot.log_errors()
        if errors or api.internal_errors:
            raise RuntimeError(f"errors (log {bot.log}):\n" + "\n".join(errors[:10]))
    signatures, intact = await count_results(database)
    already = sum(1 for a in answers if a.text and a.text.startswith("You have already signed"))
    return RoundResult(members, len(presses), signatures, already, wall, cpu, other, intact)


async def run(arguments: argparse.Namespace) -> list[RoundResult]:
    """Every round, each on a fresh database, server and bot."""
    results = []
    with tempfile.TemporaryDirectory(prefix="qorgau-bench-signing-") as folder:
        for index in range(arguments.rounds):
            result = await run_round(
                Path(folder), f"signing-{index}", arguments.members, arguments.presses
            )
            print(
                f"round {index + 1}/{arguments.rounds}: {result.signatures} signatures from "
                f"{result.presses} presses, {result.ms_per_signature:.1f} ms per signature",
                file=sys.stderr,
                flush=True,
            )
            results.append(result)
    return results


def report(results: list[RoundResult]) -> str:
    """A Markdown table of the rounds and their medians."""
    lines = [
        "| round | presses | signatures | 'already signed' answers | wall s | ms/signature "
        "| ms/press | bot CPU ms/signature | other CPU % | audit chain |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for index, r in enumerate(results, start=1):
        lines.append(
            f"| {index} | {r.presses} | {r.signatures} | {r.already_signed_answers} | "
            f"{r.wall_s:.2f} | {r.ms_per_signature:.1f} | {r.ms_per_press:.1f} | "
            f"{r.bot_cpu_ms_per_signature:.1f} | {100 * r.other_cpu_s / r.wall_s:.0f} | "
            f"{'intact' if r.audit_intact else 'BROKEN'} |"
        )
    median = statistics.median(r.ms_per_signature for r in results)
    exact = all(r.signatures == r.members for r in results)
    lines.append("")
    lines.append(
        f"median {median:.1f} ms per signature; exactly one signature per member in every "
        f"round: {'yes' if exact else 'NO'}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the rounds, print the table; exit 1 unless every member signed exactly once."""
    parser = argparse.ArgumentParser(prog="python -m bench.signing", description=__doc__)
    parser.add_argument("--members", type=int, default=50, help="bound members pressing")
    parser.add_argument("--presses", type=int, default=4, help="presses per member")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians reported")
    parser.add_argument("--json", type=Path, help="also write the rounds to this JSON file")
    arguments = parser.parse_args(argv)
    results = asyncio.run(run(arguments))
    print(report(results))
    if arguments.json is not None:
        arguments.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    exact = all(r.signatures == r.members and r.audit_intact for r in results)
    return 0 if exact else 1


if __name__ == "__main__":
    raise SystemExit(main())
