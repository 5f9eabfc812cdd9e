"""The wheel: what it ships (the bot, its catalogs, templates and content; not the sandbox,
the tests or the benchmarks), and a bot installed from it, not editable, that starts and
answers from an empty folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from setuptools import find_packages

from sandbox.local_api import LocalBotApi
from tests.documents import pdf_pages
from tests.e2e.processes import ROOT, bot_process

SOURCES = ("pyproject.toml", "README.md", "bot", "handlers", "storage", "locales", "content")


def pip(*args: str) -> None:
    """Run this interpreter's pip quietly; fail on an error."""
    subprocess.run(
        [sys.executable, "-m", "pip", "--quiet", *args],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built offline from a copy of the sources (the checkout stays
    free of build artefacts)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(out), str(source))
    (built,) = out.glob("qorgau-*.whl")
    return built


def test_the_wheel_ships_every_package_and_its_data_but_no_sandbox(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {name.rsplit("/", 1)[0].replace("/", ".") for name in names if name.endswith(".py")}
    expected = set(find_packages(str(ROOT), include=["bot*", "handlers*", "storage*"]))
    assert expected <= packages
    assert not {p for p in packages if p.split(".")[0] in ("sandbox", "tests", "bench")}
    for locale in ("en", "ru", "kk"):
        assert f"bot/locales/{locale}/LC_MESSAGES/messages.po" in names
    templates = {p.name for p in (ROOT / "bot" / "text" / "templates").glob("*.html")}
    assert {f"bot/text/templates/{name}" for name in templates} <= names
    console = ROOT / "bot" / "web" / "console"
    assets = {
        p.relative_to(console).as_posix()
        for p in console.glob("*/*.*")
        if p.parent.name in ("templates", "static")
    }
    assert {"static/console.js", "static/console.css", "templates/shell.html"} <= assets
    assert {f"bot/web/console/{asset}" for asset in assets} <= names
    content = {p.relative_to(ROOT / "content") for p in (ROOT / "content").rglob("*.yaml")}
    assert {f"bot/content/{path.as_posix()}" for path in content} <= names


def test_the_wheel_ships_the_documents_fonts_and_their_licence(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    fonts = {path.name for path in (ROOT / "bot" / "documents" / "fonts").iterdir()}
    assert "LICENSE" in fonts and any(name.endswith(".ttf") for name in fonts)
    assert {f"bot/documents/fonts/{name}" for name in fonts} <= names


@pytest.fixture
def installed(wheel: Path, tmp_path: Path) -> dict[str, str]:
    """The environment of a bot installed from the wheel alone (its dependencies are this
    interpreter's), checked to import the installed copy, not the checkout."""
    site = tmp_path / "site"
    pip("install", "--no-deps", "--target", str(site), str(wheel))
    env = {**os.environ, "PYTHONPATH": str(site)}

    def python(code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert Path(python("import bot; print(bot.__file__)").stdout.strip()).is_relative_to(site)
    assert "No module named 'sandbox'" in python("import sandbox").stderr
    return {"PYTHONPATH": str(site)}


async def test_a_bot_installed_from_the_wheel_starts_in_an_empty_folder(
    installed: dict[str, str], api: LocalBotApi, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    database = tmp_path / "data" / "bot.sqlite3"
    async with bot_process(api, database, cwd=empty, extra_env=installed) as process:
        reader = api.user(4_242, language_code="ru")
        reply = await reader.ask("/start", timeout=15)
        assert reply.text.startswith("Qorgau помогает")  # the wheel's catalogs and templates
        cases = await reader.ask("/cases", timeout=15)
        assert len(cases.buttons) >= 5  # the shipped cases, imported from the wheel's content
        process.terminate()
        assert await process.wait() == 0
    assert not list(empty.iterdir())


def test_the_installed_wheel_writes_a_declaration_as_pdf_in_kazakh(
    installed: dict[str, str], tmp_path: Path
) -> None:
    """The fonts come from the wheel: no system font, no checkout."""
    output = tmp_path / "652.pdf"
    env = {**os.environ, **installed, "BOT_DATABASE": str(tmp_path / "db.sqlite3")}
    command = ["export-declaration", "652", "--format", "pdf", "--language", "kk"]
    subprocess.run(
        [sys.executable, "-m", "bot", *command, "-o", str(output)],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    text = " ".join(" ".join(pdf_pages(output.read_bytes())).split())
    assert "№ 652 жазбаша декларация" in text
    assert "Қазақстан Азаматтық және саяси құқықтар туралы халықаралық пакт" in text
