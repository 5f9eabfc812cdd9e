"""Search: the normalized keys (bot/domain/search.py) and the index over the shipped cases."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from bot.domain.content import load_content
from bot.domain.search import (
    MAX_QUERY_TOKENS,
    MAX_TOKEN_CHARS,
    edit_distance,
    edit_distance_at_most_one,
    fts_query,
    normalize,
    tokens,
)
from bot.shipped import SHIPPED_CONTENT
from storage import Database
from storage.cases import Cases
from storage.search_index import SearchIndex

ISKANDER = "iskander-yerimbetov"
MUKHTAR = "mukhtar-dzhakishev"
BOTA = "botagoz-jardemalie"

BAD_INPUT = [
    "",
    " ",
    "a",
    "x" * 5000,
    "Ерімбетов " * 1000,
    '"',
    '"Yerimbetov',
    "NEAR(",
    "NEAR(Yerimbetov Dzhakishev, 2)",
    "*",
    "-",
    "-Yerimbetov",
    "^Yerimbetov",
    "()",
    "names:Yerimbetov",
    "Yerimbetov OR",
    "AND",
    "🙂",
    "🙂 Yerimbetov 🙂",
    "Ерімбетов Yerimbetov",
    "\x00",
    "'; DROP TABLE cases; --",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
]


@pytest.mark.parametrize(
    "spellings",
    [
        ["Yerimbetov", "Erimbetov", "Еримбетов", "Ерімбетов", "ЕРИМБЕТОВ", "yerimbetov"],
        ["Iskander", "Іскандер", "Искандер"],
        ["Dzhakishev", "Djakishev", "Jakishev", "Zhakishev", "Джакишев", "Жәкішев"],
        ["Mukhtar", "Muhtar", "Мухтар", "Мұхтар"],
        ["Bokayev", "Bokaev", "Бокаев", "Боқаев"],
        ["Max", "Maks", "Макс"],
        ["Ayan", "Aian", "Аян"],
        ["Talgat", "Талгат", "Талғат"],
        ["Jardemalie", "Джардемали", "Жардемали"],
        ["Ёлка", "елка", "ЕЛКА", "Elka"],
        ["café", "CAFE", "Café"],
    ],
)
def test_spellings_share_one_key(spellings: list[str]) -> None:
    keys = {normalize(spelling) for spelling in spellings}
    assert len(keys) == 1 or all(edit_distance_at_most_one(a, b) for a in keys for b in keys), keys


def test_normalize_kazakh_and_russian_letters() -> None:
    assert normalize("әіңғүұқөһ") == "aingukoh"
    assert normalize("жхцчшщюяйыъь") == "jhtschshshchiuiai"  # я й ы: ia i i, doubled i folded
    assert normalize("Іскандер   Ерімбетов!") == "iskander erimbetov"


def test_tokens_keep_letters_and_digits_and_drop_single_characters() -> None:
    assert tokens("Doc. 14493, a B «Ерімбетов»—2018") == ["doc", "14493", "erimbetov", "2018"]
    assert tokens("🙂 - * ()") == []


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("erimbetov", "erimbetov", True),
        ("erimbetov", "erimbtov", True),  # deletion
        ("erimbtov", "erimbetov", True),  # insertion
        ("erimbetov", "erimbetav", True),  # substitution
        ("erimbetov", "eirmbetov", True),  # adjacent transposition
        ("erimbetov", "erimbetvo", True),  # transposition at the end
        ("", "a", True),
        ("erimbetov", "erimbtv", False),
        ("erimbetov", "ierbmetov", False),
        ("abc", "cba", False),
        ("ab", "abcd", False),
    ],
)
def test_edit_distance_at_most_one(a: str, b: str, expected: bool) -> None:
    assert edit_distance_at_most_one(a, b) is expected
    assert edit_distance_at_most_one(b, a) is expected
    assert (edit_distance(a, b) <= 1) is expected


@pytest.mark.parametrize("text", BAD_INPUT)
def test_fts_query_is_safe(text: str) -> None:
    query = fts_query(text)
    if query is None:
        return
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE VIRTUAL TABLE t USING fts5 (names, texts)")
        connection.execute("INSERT INTO t VALUES ('erimbetov', 'near and or not')")
        connection.execute("SELECT * FROM t WHERE t MATCH ?", (query,)).fetchall()
    finally:
        connection.close()
    assert query.count('"') <= 2 * MAX_QUERY_TOKENS


def test_fts_query_shape() -> None:
    assert fts_query("Ерімбетов Yerimbetov") == '"erimbetov"*'
    assert fts_query('Iskander "NEAR( Yerim') == '"iskander" "near" "erim"*'
    for text in ("", "a", "🙂", '"', "*", "-", "()", "x" * 5000):
        assert fts_query(text) is None


@pytest.fixture
async def index(db: Database) -> SearchIndex:
    content = load_content(SHIPPED_CONTENT)
    cases = Cases(db)
    await cases.upsert(content)
    search_index = SearchIndex(db)
    await search_index.rebuild((await cases.content()).cases.values())
    return search_index


@pytest.mark.parametrize(
    ("query", "case_id"),
    [
        ("Yerimbetov", ISKANDER),
        ("Erimbetov", ISKANDER),
        ("Еримбетов", ISKANDER),
        ("Ерімбетов", ISKANDER),
        ("ЕРИМБЕТОВ", ISKANDER),
        ("iskander", ISKANDER),
        ("Искандер", ISKANDER),
        ("Іскандер Ерімбетов", ISKANDER),
        ("Ерімбетов Yerimbetov", ISKANDER),
        ("Yerim", ISKANDER),
        ("Dzhakishev", MUKHTAR),
        ("Джакишев", MUKHTAR),
        ("Жәкішев", MUKHTAR),
        ("Djakishev", MUKHTAR),
        ("Mukhtar Dzhakishev", MUKHTAR),
        ("Jardemalie", BOTA),
        ("Джардемали", BOTA),
        ("Bota", BOTA),
        ("Ботагөз", BOTA),
        ("Bokaev", "max-bokayev"),
        ("Макс Боқаев", "max-bokayev"),
        ("Talgat Aian", "talgat-ayan"),
        ("Аян", "talgat-ayan"),
        ("Aron Atabek", "aron-atabek"),
        # one typo in a name
        ("Yerimbtov", ISKANDER),
        ("Джакишв", MUKHTAR),
        ("Jardemalei", BOTA),
        ("Iskander Yerimbtov", ISKANDER),
        # words of the texts
        ("amnesty", MUKHTAR),
        ("амнистии", MUKHTAR),
        ("рақымшылық", MUKHTAR),
    ],
)
async def test_search_finds_the_case_first(index: SearchIndex, query: str, case_id: str) -> None:
    hits = await index.search(query)
    assert hits, query
    assert hits[0].case_id == case_id, hits
    assert len({hit.case_id for hit in hits}) == len(hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


async def test_names_rank_above_texts(index: SearchIndex) -> None:
    # Yerimbetov's name is in his sister's texts and in the declaration's list of five.
    hits = await index.search("Yerimbetov")
    assert hits[0].case_id == ISKANDER
    assert {BOTA, "aron-atabek"} <= {hit.case_id for hit in hits}
    assert hits[0].score >= 1.0 > max(hit.score for hit in hits[1:])


async def test_words_as_typed_rank_above_longer_words(index: SearchIndex) -> None:
    # "Ayan" is Talgat Ayan's surname, and the start of no other name word; "Bok" only starts
    # Bokayev's: both are found, the unfinished one by its beginning.
    assert (await index.search("Ayan"))[0].case_id == "talgat-ayan"
    hits = await index.search("Bok")
    assert hits[0].case_id == "max-bokayev" and hits[0].score >= 1.0


async def test_search_limit(index: SearchIndex) -> None:
    assert len(await index.search("Yerimbetov", limit=2)) == 2
    assert await index.search("Yerimbetov", limit=0) == []
    assert len(await index.search("Yerimbtov", limit=1)) == 1


@pytest.mark.parametrize("text", BAD_INPUT)
async def test_bad_input_never_fails(index: SearchIndex, text: str) -> None:
    hits = await index.search(text)
    assert isinstance(hits, list)
    suggestions = await index.suggestions(text)
    assert 1 <= len(suggestions) <= 3


async def test_nothing_found(index: SearchIndex) -> None:
    assert await index.search("zzzz") == []
    assert await index.search("Quxbaz") == []
    assert await index.search("Yrmbtv") == []  # three typos


async def test_suggestions(index: SearchIndex) -> None:
    assert len(await index.suggestions("zzzz")) == 3
    assert (await index.suggestions("Yerimbtvo"))[0] == ISKANDER
    assert (await index.suggestions("Jakshv", limit=1)) == [MUKHTAR]
    assert await index.suggestions("Yerimbetov", limit=0) == []
    assert len(await index.suggestions("Yerimbetov", limit=10)) == 6


async def test_rebuild_replaces_the_index(index: SearchIndex, db: Database) -> None:
    content = await Cases(db).content()
    await index.rebuild([content.cases[MUKHTAR]])
    assert await index.search("Bota") == []
    assert [hit.case_id for hit in await index.search("Dzhakishev")] == [MUKHTAR]
    await index.rebuild([])
    assert await index.search("Dzhakishev") == []
    assert await index.suggestions("Dzhakishev") == []


async def test_a_monstrous_name_word_adds_no_typo_variants(db: Database) -> None:
    index = SearchIndex(db)
    long_word = "ab" * 2_500
    case = load_content(SHIPPED_CONTENT).cases[ISKANDER]
    await index.rebuild([replace(case, aliases=(long_word,))])
    row = await db.fetchone("SELECT max(length(variant)), count(*) FROM case_name_variants")
    assert row is not None and row[0] <= MAX_TOKEN_CHARS + 1
    assert [hit.case_id for hit in await index.search("Yerimbetov")] == [ISKANDER]
