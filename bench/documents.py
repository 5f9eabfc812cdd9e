"""``python -m bench.documents [--rounds N] [--out DIR]``: the documents, timed and drawn.

1. Renders the seed letter (the OSCE PA chair's letter, from its own content) and Declaration
   No. 652 as PDF and DOCX, ``N`` times each: p50 and p99 in milliseconds, and the process's
   peak RSS before and after (the fonts are read and subset on every PDF).
2. Writes each document, in English, Russian and Kazakh, into ``DIR`` (``artifacts/documents``
   by default, git-ignored), with a PNG image of every page of each PDF (``pdftoppm``, from
   poppler-utils), for a person to look at.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.documents import render
from bot.domain.actions import Action
from bot.domain.content import load_content
from bot.domain.declaration_content import load_declarations
from bot.domain.documents import Layout, Signer
from bot.shipped import SHIPPED_CONTENT, SHIPPED_DECLARATIONS
from bot.text.documents import declaration_document, letter_document
from storage import Database
from storage.declarations import Declarations
from storage.members import Members

ROOT = Path(__file__).resolve().parent.parent
LETTER_SEED = ROOT.parent / "shared" / "seeds" / "000_22a48653ae69e02c.txt"
LETTERHEAD = "Congreso de los Diputados"
SIGNER = Signer(
    "Ignacio Sánchez Amor",
    "Chair of the General Committee on Democracy, Human Rights and Humanitarian Questions of "
    "the Parliamentary Assembly of the OSCE",
    "Vienna",
)
SIGNERS = {
    "en": SIGNER,
    "ru": Signer("Анна Петрова", "Депутат Европейского парламента", "Вильнюс"),
    "kk": Signer("Әлия Шаһанова", "Қоғамдық бірлестік үйлестірушісі", "Алматы"),
}


def seed_letter_action() -> Action | None:
    """The seed letter's body as a model letter, if the seeds are beside the checkout."""
    if not LETTER_SEED.exists():
        return None
    header = f"*{LETTERHEAD}*"
    pages = LETTER_SEED.read_text(encoding="utf-8").split("\n\n\n\n")
    body = "\n\n".join(page.strip().removeprefix(header).strip() for page in pages if page)
    start = body.index("*Dear Mr. President,*")
    end = body.index("Yours sincerely,") + len("Yours sincerely,")
    template = body[start:end].replace("Dear Mr. President,", "{{ salutation }}")
    return Action(
        id="seed-letter",
        kind="letter",
        title={"en": "Letter to the President of Kazakhstan"},
        why={},
        points={},
        targets=("president-of-kazakhstan",),
        letter={"en": template},
    )


def layouts() -> dict[str, Callable[[], Layout]]:
    """Each document to render, by file stem: builds its layout."""
    content = load_content(SHIPPED_CONTENT)
    president = content.targets["president-of-kazakhstan"]
    built: dict[str, Callable[[], Layout]] = {}
    seed = seed_letter_action()
    if seed is not None:
        built["seed-letter-en"] = lambda: letter_document(
            seed, president, "en", SIGNER, date(2018, 2, 23), letterhead=LETTERHEAD
        )
    action = content.cases["mukhtar-dzhakishev"].actions[0]
    for language in ("en", "ru", "kk"):
        built[f"dzhakishev-letter-{language}"] = lambda language=language: letter_document(
            action, president, language, SIGNERS[language], date(2026, 3, 14)
        )

    async def declaration_layouts() -> dict[str, Layout]:
        with tempfile.TemporaryDirectory() as folder:
            async with await Database.open(Path(folder) / "db.sqlite3") as db:
                declarations = Declarations(db)
                for item in load_declarations(SHIPPED_DECLARATIONS):
                    await declarations.import_file(item)
                declaration = await declarations.get(652)
                assert declaration is not None
                signers = await declarations.signers(652)
                groups = await Members(db).groups()
                return {
                    f"declaration-652-{language}": declaration_document(
                        declaration, language, signers, groups
                    )
                    for language in ("en", "ru", "kk")
                }

    for stem, layout in asyncio.run(declaration_layouts()).items():
        built[stem] = lambda layout=layout: layout
    return built


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_rendering(build: Callable[[], Layout], file_format: str, rounds: int) -> dict[str, float]:
    """p50 and p99 of building the layout and rendering it, in milliseconds."""
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        render(build(), file_format)  # type: ignore[arg-type]
        timings.append((time.perf_counter() - start) * 1000)
    return {
        "p50_ms": statistics.median(timings),
        "p99_ms": _percentile(timings, 0.99),
    }


def write_artefacts(documents: dict[str, Callable[[], Layout]], out: Path) -> list[Path]:
    """Every document as PDF, DOCX and text in ``out``, and PNG pages of each PDF."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    pdftoppm = shutil.which("pdftoppm")
    for stem, build in documents.items():
        layout = build()
        for file_format in ("pdf", "docx", "txt"):
            path = out / f"{stem}.{file_format}"
            path.write_bytes(render(layout, file_format))  # type: ignore[arg-type]
            written.append(path)
        if pdftoppm:
            subprocess.run(
                [pdftoppm, "-r", "70", "-png", str(out / f"{stem}.pdf"), str(out / stem)],
                check=True,
            )
            written += sorted(out.glob(f"{stem}-*.png"))
    if not pdftoppm:
        print("pdftoppm is missing (apt-get install poppler-utils): no PNG pages", file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.documents", description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "documents")
    arguments = parser.parse_args(argv)
    documents = layouts()
    rss_before = peak_rss_mb()
    print(f"peak RSS before rendering: {rss_before:.0f} MB")
    print("| document | format | p50 ms | p99 ms |")
    print("| --- | --- | ---: | ---: |")
    for stem in ("seed-letter-en", "declaration-652-en"):
        if stem not in documents:
            continue
        for file_format in ("pdf", "docx"):
            figures = time_rendering(documents[stem], file_format, arguments.rounds)
            print(f"| {stem} | {file_format} | {figures['p50_ms']:.1f} | {figures['p99_ms']:.1f} |")
    print(f"peak RSS after {arguments.rounds} rounds of each: {peak_rss_mb():.0f} MB")
    written = write_artefacts(documents, arguments.out)
    print(f"wrote {len(written)} files to {arguments.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
