"""``python -m bot demo`` end to end: a subprocess with piped stdin, no token, no network."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{20,}")
"""Anything shaped like a bot token."""


def run_bot(tmp_path: Path, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGUMENTS`` from the repository root, with a database in tmp_path."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("BOT_")}
    env["BOT_DATABASE"] = str(tmp_path / "var" / "bot.sqlite3")
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def test_help_lists_demo(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "--help")
    assert result.returncode == 0
    assert "demo" in result.stdout


def test_demo_chats_presses_buttons_and_switches_language_and_user(tmp_path: Path) -> None:
    script = "/start\n/language\n3\n/help\n:lang ru\n:user 5\n/start\n:quit\n"
    result = run_bot(tmp_path, "demo", stdin=script)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Type /start to begin." in out
    assert "bot: Qorgau helps the defenders of political prisoners in Kazakhstan" in out
    assert "You are an administrator" in out
    assert "    [1] English  [2] Русский  [3] Қазақ тілі" in out
    assert "bot (edited): Енді қазақ тілінде жауап беремін." in out  # corrected wording
    assert "/help — Сізге қолжетімді командалар" in out
    user_5 = out.split("5 (ru)> /start", 1)[1]
    assert "Qorgau помогает защитникам политзаключённых в Казахстане" in user_5
    assert "Здесь вы следите за делами политзаключённых" in user_5
    for stream in (result.stdout, result.stderr):
        assert not TOKEN.search(stream)
    assert "Traceback" not in result.stderr
    assert (tmp_path / "var" / "demo.sqlite3").exists()
    assert not (tmp_path / "var" / "bot.sqlite3").exists()


def test_demo_sends_numbers_as_text_with_send_and_stops_at_end_of_input(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "demo", stdin="/language\n:send 1\n")

    assert result.returncode == 0, result.stderr
    assert "bot: Choose your language:" in result.stdout
    assert "(edited)" not in result.stdout
    assert "1000001 (en)> :send 1\nbot: " in result.stdout


def test_demo_prints_a_link_that_opens_the_console_as_its_administrator(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "demo", stdin=":lang kk\n:console\n:quit\n")
    assert result.returncode == 0, result.stderr
    links = re.findall(r"http://127\.0\.0\.1:\d+/console/#(\S+)", result.stdout)
    assert len(links) == 2  # at the start, and on :console
    fragment = parse_qs(links[-1])
    (init_data,) = fragment["tgWebAppData"]
    fields = dict(parse_qsl(init_data))
    assert json.loads(fields["user"]) == {
        "id": 1_000_001,
        "first_name": "Test",
        "allows_write_to_pm": True,
        "language_code": "kk",
    }
    assert re.fullmatch(r"[0-9a-f]{64}", fields["hash"])
    assert not TOKEN.search(result.stdout)
