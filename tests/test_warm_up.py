"""What start-up prepares so that no reader's first message of a kind waits for it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NoReturn

import babel.localedata
import pytest

from bot.text import i18n
from bot.text.formatting import load_cldr_data, moment
from bot.text.render import compile_templates, environment


def _refuse(*_: object, **__: object) -> NoReturn:
    raise AssertionError("read after the warm-up")


async def test_after_the_warm_up_no_template_or_cldr_data_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await compile_templates()
    await load_cldr_data(i18n.LOCALES)
    env = environment()
    monkeypatch.setattr(env.loader, "get_source", _refuse)
    monkeypatch.setattr(babel.localedata, "load", _refuse)
    assert all(env.get_template(name) for name in env.list_templates())
    for locale in i18n.LOCALES:
        with i18n.use_locale(locale):
            assert "2026" in moment(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), UTC)
