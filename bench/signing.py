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

from bench import databases
from bench.botproc import FULL, BotProcess
from bench.procstat import machine_busy_seconds, own_cpu_seconds
from bot.domain.declarations import Declaration, Status
from bot.domain.members import Member
from bot.domain.signatory_block import PoliticalGroup
from sandbox.local_api import CallbackAnswer, LocalBotApi, SimMessage, SimUser
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
    pressing_members: int
    """The members who pressed several times at once (the half measured for wall time)."""
    wall_s: float
    """From their first press to the last answer."""
    bot_cpu_s: float
    other_cpu_s: float
    """CPU of every other process on the machine meanwhile: above 10 % of the wall time, the
    figures are suspect."""
    audit_intact: bool
    signing_cpu_s: float
    """Bot CPU of one press that signs, receipt included (half the members press once, all at
    once)."""
    start_cpu_s: float
    """Bot CPU of one /start (every member sends one, all at once)."""

    @property
    def ms_per_signature(self) -> float:
        """Wall time of the double presses, per signature they made."""
        return 1000 * self.wall_s / self.pressing_members

    @property
    def bot_cpu_ms_per_signature(self) -> float:
        """Bot CPU of the double presses, per signature they made."""
        return 1000 * self.bot_cpu_s / self.pressing_members

    @property
    def signature_to_start(self) -> float:
        """CPU of a press that signs over CPU of a /start (the issue's target: at most 2)."""
        return self.signing_cpu_s / self.start_cpu_s


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


async def reach_confirmation(user: SimUser, payload: str) -> tuple[SimMessage, str]:
    """Bind by the deep link, pick the declaration, read it: the message with "Sign", and
    the button's data (taken off the message once pressed)."""
    await user.send(f"/start {payload}")
    offer = (await user.wait_for_replies(2, timeout=TIMEOUT))[-1]
    await user.press(offer, callback_data=f"sign:pick:{NUMBER}")
    (text,) = await user.wait_for_replies(1, timeout=TIMEOUT)
    await user.press(text, "Continue")
    (confirm,) = await user.wait_for_replies(1, timeout=TIMEOUT)
    return confirm, confirm.buttons[0][0]["callback_data"]


async def press_all(
    users: list[SimUser], confirms: list[tuple[SimMessage, str]], times: int
) -> list[CallbackAnswer]:
    """Every user presses "Sign" ``times`` times, all at once; the bot's answers."""
    presses = [
        await user.press(confirm, callback_data=data)
        for _ in range(times)
        for user, (confirm, data) in zip(users, confirms, strict=True)
    ]
    return list(await asyncio.gather(*(press.wait_answer(TIMEOUT) for press in presses)))


async def receipts(users: list[SimUser], confirms: list[tuple[SimMessage, str]]) -> None:
    """Wait until each user's message with "Sign" has become the receipt (the press is answered
    before): the CPU read after includes the receipts."""
    await asyncio.gather(
        *(
            user.wait_for_edit(confirm, timeout=TIMEOUT)
            for user, (confirm, _) in zip(users, confirms, strict=True)
        )
    )


async def count_results(database: Path) -> tuple[int, bool]:
    """Signatures stored under the declaration, and whether the audit chain holds."""
    async with await Database.open(database) as db:
        signers = await Declarations(db).signers(NUMBER)
        _, broken = await AuditLog(db).verify()
    return len(signers), broken is None


async def run_round(workdir: Path, tag: str, members: int, presses_each: int) -> RoundResult:
    """Fresh server, database and bot; set up, then measure the presses."""
    database = databases.location(workdir, tag)
    payloads = await prepare(database, members)
    async with LocalBotApi(record_calls=False) as api:
        bot = await BotProcess.spawn(FULL, api, workdir, tag, database=database)
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
            # Half the members press once: the CPU of a signature alone. The other half press
            # presses_each times at once: the double presses that must give one signature.
            half = len(users) // 2
            signing_before = bot.cpu_seconds()
            answers = await press_all(users[:half], confirms[:half], 1)
            await receipts(users[:half], confirms[:half])
            signing_cpu = (bot.cpu_seconds() - signing_before) / half
            busy_before, own_before = machine_busy_seconds(), own_cpu_seconds()
            cpu_before, started = bot.cpu_seconds(), time.perf_counter()
            answers += await press_all(users[half:], confirms[half:], presses_each)
            wall, cpu = time.perf_counter() - started, bot.cpu_seconds() - cpu_before
            busy = machine_busy_seconds() - busy_before
            other = max(0.0, busy - cpu - (own_cpu_seconds() - own_before))
            start_before = bot.cpu_seconds()
            for user in users:
                await user.send("/start")
            await asyncio.gather(*(user.wait_for_replies(1, timeout=TIMEOUT) for user in users))
            start_cpu = (bot.cpu_seconds() - start_before) / len(users)
        finally:
            await bot.stop()
        errors = bot.log_errors()
        if errors or api.internal_errors:
            raise RuntimeError(f"errors (log {bot.log}):\n" + "\n".join(errors[:10]))
    signatures, intact = await count_results(database)
    already = sum(1 for a in answers if a.text and a.text.startswith("You have already signed"))
    return RoundResult(
        members,
        len(answers),
        signatures,
        already,
        members - members // 2,
        wall,
        cpu,
        other,
        intact,
        signing_cpu,
        start_cpu,
    )


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
        "| bot CPU ms/signature | signature / start CPU | other CPU % | audit chain |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for index, r in enumerate(results, start=1):
        lines.append(
            f"| {index} | {r.presses} | {r.signatures} | {r.already_signed_answers} | "
            f"{r.wall_s:.2f} | {r.ms_per_signature:.1f} | "
            f"{r.bot_cpu_ms_per_signature:.1f} | {r.signature_to_start:.2f} | "
            f"{100 * r.other_cpu_s / r.wall_s:.0f} | "
            f"{'intact' if r.audit_intact else 'BROKEN'} |"
        )
    median = statistics.median(r.ms_per_signature for r in results)
    ratio = statistics.median(r.signature_to_start for r in results)
    exact = all(r.signatures == r.members for r in results)
    lines.append("")
    lines.append(
        f"median {median:.1f} ms per signature; a signing press costs {ratio:.2f}x the CPU of "
        f"a /start (target <= 2); exactly one signature per member in every round: "
        f"{'yes' if exact else 'NO'}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the rounds, print the table; exit 1 unless every member signed exactly once."""
    parser = argparse.ArgumentParser(prog="python -m bench.signing", description=__doc__)
    parser.add_argument("--members", type=int, default=50, help="bound members pressing")
    parser.add_argument("--presses", type=int, default=4, help="presses per member")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians reported")
    parser.add_argument("--json", type=Path, help="also write the rounds to this JSON file")
    databases.add_argument(parser)
    arguments = parser.parse_args(argv)
    documents = databases.each(arguments, lambda: asyncio.run(run(arguments)))
    for name, results in documents.items():
        print(f"## {databases.label(name)}")
        print(report(results))
    if arguments.json is not None:
        serialised = {name: [asdict(r) for r in results] for name, results in documents.items()}
        arguments.json.write_text(json.dumps(serialised, indent=2) + "\n")
    exact = all(
        r.signatures == r.members and r.audit_intact
        for results in documents.values()
        for r in results
    )
    return 0 if exact else 1


if __name__ == "__main__":
    raise SystemExit(main())
