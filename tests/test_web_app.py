"""A Mini App's launch data: Telegram's own example checks, forgeries and old data refused."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

import pytest

from bot.domain.web_app import (
    InvalidInitData,
    Refusal,
    WebAppUser,
    language_hint,
    sign_init_data,
    user_fields,
    verify_init_data,
)

TOKEN = "123456:TEST-TOKEN"
NOW = 1_800_000_000


def signed(user_id: int = 42, language: str | None = "ru", auth_date: int = NOW) -> str:
    return sign_init_data(TOKEN, user_fields(user_id, language, auth_date))


def test_data_signed_with_the_token_names_its_user() -> None:
    user = verify_init_data(TOKEN, signed(), max_age=3600, now=NOW + 10)
    assert user == WebAppUser(42, "ru")


def test_the_check_follows_telegrams_recipe_byte_for_byte() -> None:
    """Computed here by hand from Telegram's documentation, not by the module under test."""
    user = '{"id":279058397,"first_name":"Vladislav","language_code":"ru"}'
    check = f"auth_date={NOW}\nquery_id=AAHdF6IQAAAAAN0XohDhrOrc\nuser={user}"
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    raw = f"query_id=AAHdF6IQAAAAAN0XohDhrOrc&user={quote(user)}&auth_date={NOW}&hash={digest}"
    assert verify_init_data(TOKEN, raw, max_age=60, now=NOW) == WebAppUser(279058397, "ru")


@pytest.mark.parametrize(
    ("raw", "refusal"),
    [
        ("", Refusal.MISSING),
        ("not a query string", Refusal.MALFORMED),
        ("user=%7B%7D", Refusal.MALFORMED),  # no hash
        ("a=1&a=2&hash=" + "0" * 64, Refusal.MALFORMED),
        ("x" * 9000, Refusal.MALFORMED),
        (signed().replace("hash=", "hash=0"), Refusal.MALFORMED),
    ],
)
def test_malformed_data_is_refused(raw: str, refusal: Refusal) -> None:
    with pytest.raises(InvalidInitData) as refused:
        verify_init_data(TOKEN, raw, max_age=3600, now=NOW)
    assert refused.value.refusal is refusal


def test_a_change_of_any_field_or_another_token_is_a_forgery() -> None:
    raw = signed(user_id=42)
    tampered = raw.replace("%22id%22%3A42", "%22id%22%3A43")
    assert tampered != raw
    for forged, token in ((tampered, TOKEN), (raw, "123456:OTHER")):
        with pytest.raises(InvalidInitData) as refused:
            verify_init_data(token, forged, max_age=3600, now=NOW)
        assert refused.value.refusal is Refusal.FORGED


def test_old_data_and_data_from_the_future_are_refused() -> None:
    for now in (NOW + 3601, NOW - 61):
        with pytest.raises(InvalidInitData) as refused:
            verify_init_data(TOKEN, signed(), max_age=3600, now=now)
        assert refused.value.refusal is Refusal.EXPIRED
    assert verify_init_data(TOKEN, signed(), max_age=3600, now=NOW + 3600).id == 42


@pytest.mark.parametrize("user", ['"42"', '{"id":"42"}', '{"id":-1}', '{"id":true}', "[]"])
def test_a_user_without_a_numeric_id_is_refused_even_when_signed(user: str) -> None:
    raw = sign_init_data(TOKEN, {"user": user, "auth_date": str(NOW)})
    with pytest.raises(InvalidInitData) as refused:
        verify_init_data(TOKEN, raw, max_age=3600, now=NOW)
    assert refused.value.refusal is Refusal.MALFORMED


def test_the_language_hint_reads_unchecked_data_only_for_wording() -> None:
    assert language_hint(signed(language="kk")) == "kk"
    assert language_hint("garbage") is None
