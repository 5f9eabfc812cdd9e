"""The search index over cases: full-text search on normalized keys (bot/domain/search.py), plus
the name words of every case for one-typo matching and "did you mean" suggestions.

The full text is each engine's own: SQLite's FTS5 (names and texts in two columns, ranked by
bm25 with the names weighted far above the texts) or PostgreSQL's ``tsvector`` (the names as
weight A and the texts as D, ranked by ``ts_rank`` with the same proportion); the search keys
go in as they are, without either engine's tokenizer or dictionary, so both see the same
words. :class:`Fts5` and :class:`TsVector` are the only difference; the rest is shared.

One-typo matching looks words up by their deletion variants (each word with one letter left
out, and the word itself): two words are at most one insertion, deletion, substitution or swap
apart only if they share a variant, so a query word needs a handful of index lookups instead of
a comparison with every name word.

The tables (migrations 4 and 7) are derived data: :meth:`SearchIndex.rebuild` replaces their
content from the cases, and runs with every import of content and at start-up.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable

from bot.domain.content import Case
from bot.domain.search import (
    MAX_TOKEN_CHARS,
    MIN_FUZZY_CHARS,
    SearchHit,
    edit_distance_at_most_one,
    fts_match,
    nearest_words,
    query_tokens,
    suggestion_distance,
    tokens,
    ts_query,
)
from storage.database import Connection, Database

NAMES_WEIGHT = 50.0
"""bm25 weight of a case's names and aliases, against 1 for its texts."""
TEXTS_WEIGHT = 1.0
RANKED_AT_MOST = 100
"""Cases ranked for one query; a query matching more is ranked among the first found."""
FUZZY_MATCH = 0.5
"""Score of a query word one typo away from a name word; an exact word scores 1."""


def _score(in_names: bool, exact: bool, relevance: float) -> float:
    """1 and more when every query word is in the case's names, below 1 otherwise; within a
    tier, the words as typed above the last word as the start of a longer one, then bm25 (on
    a few cases it barely can decide: a word in most of them is worth almost nothing to it)."""
    relevance = max(relevance, 0.0)
    return float(in_names) + 0.5 * exact + 0.5 * relevance / (1.0 + relevance)


def _names(case: Case) -> list[str]:
    return [*case.name.values(), *case.aliases]


def _texts(case: Case) -> list[str]:
    texts = [*case.brief.values(), *case.account.values()]
    for event in case.timeline:
        texts.extend(event.event.values())
    return texts


def _key(texts: Iterable[str]) -> str:
    return " ".join(word for text in texts for word in tokens(text))


def deletion_variants(word: str) -> set[str]:
    """``word`` and ``word`` with each of its letters left out in turn."""
    return {word} | {word[:index] + word[index + 1 :] for index in range(len(word))}


class Fts5:
    """SQLite's full text: an FTS5 table of the names and the texts of each case."""

    @staticmethod
    async def insert(conn: Connection, rows: list[tuple[str, list[str], str]]) -> None:
        """Index (case id, name words, texts key) rows."""
        await conn.executemany(
            "INSERT INTO case_search (case_id, names, texts) VALUES (?, ?, ?)",
            [(case_id, " ".join(names), texts) for case_id, names, texts in rows],
        )

    @staticmethod
    async def ranked(
        db: Database, words: list[str], *, prefix: bool, names_only: bool, limit: int
    ) -> list[tuple[str, float]]:
        """The best ``limit`` cases holding every word (in their names only, or anywhere),
        with their bm25 relevance; ranked among the first :data:`RANKED_AT_MOST` that match,
        or ``limit`` if more (bm25 costs a few microseconds per case, and a query matching
        more cases than that names none of them)."""
        match = fts_match(words, prefix=prefix)
        if names_only:
            match = f"names : ({match})"
        rows = await db.fetchall(
            """
            SELECT case_id, bm25(case_search, 0.0, ?, ?) AS rank FROM case_search
            WHERE case_search MATCH ? AND rowid <= coalesce(
                (SELECT rowid FROM case_search WHERE case_search MATCH ? LIMIT 1 OFFSET ?),
                9223372036854775807
            )
            ORDER BY rank, case_id LIMIT ?
            """,
            (NAMES_WEIGHT, TEXTS_WEIGHT, match, match, max(RANKED_AT_MOST, limit) - 1, limit),
        )
        return [(row["case_id"], -float(row["rank"])) for row in rows]


class TsVector:
    """PostgreSQL's full text: one ``tsvector`` per case, the names as weight A, the texts
    as D, written as lexemes (the keys are already normalized: no parser, no dictionary)."""

    MAX_POSITION = 16_383
    """PostgreSQL's last word position: the words of a long text beyond it share it."""
    MAX_POSITIONS = 256
    """Positions kept per word: PostgreSQL's limit."""

    @classmethod
    def document(cls, names: list[str], texts: str) -> str:
        """A ``tsvector`` literal: each word with its positions and weights."""
        positions: dict[str, list[str]] = {}
        words = [(word, "A") for word in names] + [(word, "") for word in texts.split()]
        for position, (word, weight) in enumerate(words, start=1):
            # No query word is longer than MAX_TOKEN_CHARS: a longer word is found by its start
            # only, which the cut keeps (PostgreSQL takes no word of over 2,046 bytes).
            held = positions.setdefault(word[: MAX_TOKEN_CHARS + 1], [])
            if len(held) < cls.MAX_POSITIONS and position <= cls.MAX_POSITION:
                held.append(f"{position}{weight}")
        return " ".join(
            "'"
            + word.replace("\\", "\\\\").replace("'", "''")
            + "'"
            + (":" + ",".join(held) if held else "")
            for word, held in positions.items()
        )

    @classmethod
    async def insert(cls, conn: Connection, rows: list[tuple[str, list[str], str]]) -> None:
        await conn.executemany(
            "INSERT INTO case_search (case_id, document) VALUES (?, CAST(? AS tsvector))",
            [(case_id, cls.document(names, texts)) for case_id, names, texts in rows],
        )

    @staticmethod
    async def ranked(
        db: Database, words: list[str], *, prefix: bool, names_only: bool, limit: int
    ) -> list[tuple[str, float]]:
        """As :meth:`Fts5.ranked`, by ``ts_rank`` (weights: texts 1/50 of the names; the
        rank divided by 1 + the log of the document's length, as bm25 prefers short
        documents)."""
        query = ts_query(words, prefix=prefix, weights="A" if names_only else "")
        rows = await db.fetchall(
            """
            WITH query AS (SELECT CAST(? AS tsquery) AS q),
            found AS (
                SELECT case_id, document FROM case_search, query WHERE document @@ q LIMIT ?
            )
            SELECT case_id, ts_rank(CAST(? AS real[]), document, q, 1) AS rank
            FROM found, query ORDER BY rank DESC, case_id LIMIT ?
            """,
            (query, max(RANKED_AT_MOST, limit), TS_WEIGHTS, limit),
        )
        return [(row["case_id"], float(row["rank"])) for row in rows]


TS_WEIGHTS = [TEXTS_WEIGHT / NAMES_WEIGHT, 0.0, 0.0, 1.0]
"""``ts_rank``'s weights of D, C, B and A (it takes none above 1)."""


async def _insert(conn: Connection, cases: list[Case]) -> None:
    names = {case.id: _key(_names(case)).split() for case in cases}
    full_text = TsVector if conn.dialect.postgresql else Fts5
    await full_text.insert(conn, [(case.id, names[case.id], _key(_texts(case))) for case in cases])
    await conn.executemany(
        "INSERT INTO case_name_tokens (case_id, token) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(case_id, word) for case_id, words in names.items() for word in words],
    )
    words = {word for case_words in names.values() for word in case_words}
    await conn.executemany(
        "INSERT INTO case_name_variants (variant, token) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [
            (variant, word)
            for word in words
            # A query word is at most MAX_TOKEN_CHARS long: a longer name word can never be one
            # typo from it, and its variants would cost its length squared in bytes.
            if MIN_FUZZY_CHARS - 1 <= len(word) <= MAX_TOKEN_CHARS + 1
            for variant in deletion_variants(word)
        ],
    )


class SearchIndex:
    """Finding cases by name (any script, one typo tolerated) or by words of their texts."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._full_text = TsVector if db.dialect.postgresql else Fts5

    async def size(self) -> int:
        """How many cases are indexed."""
        row = await self._db.fetchone("SELECT count(*) FROM case_search")
        return int(row[0]) if row else 0

    async def rebuild(self, cases: Iterable[Case]) -> None:
        """Replace the whole index with ``cases``, in one transaction."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM case_search")
            await conn.execute("DELETE FROM case_name_tokens")
            await conn.execute("DELETE FROM case_name_variants")
            await _insert(conn, list(cases))

    async def update(self, case: Case) -> None:
        """Replace one case's entries (variants of words it no longer has are left: they only
        ever lead to words, which are then looked up in the cases' own words)."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM case_search WHERE case_id = ?", (case.id,))
            await conn.execute("DELETE FROM case_name_tokens WHERE case_id = ?", (case.id,))
            await _insert(conn, [case])

    async def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """The cases matching every word of ``query``, best first: those with every word in their
        names (score 1 and more), then the others, each tier by bm25 with names weighted far
        above texts. When no name holds the words as typed, the last word is also taken as the
        beginning of a longer one (those matches rank below the others of their tier). If none
        match, the cases with a name word at most one typo from a query word, those matching
        more words first. Any input is safe."""
        words = query_tokens(query)
        if not words or limit <= 0:
            return []
        hits = await self._tiers(words, limit, exact=True)
        if len(hits) < limit and not any(hit.score >= 1 for hit in hits):
            # No name has these words as typed: the last one may be unfinished.
            found = {hit.case_id for hit in hits}
            widened = await self._tiers(words, limit, exact=False)
            hits += [hit for hit in widened if hit.case_id not in found]
            hits = sorted(hits, key=lambda hit: -hit.score)[:limit]
        return hits or (await self._fuzzy(words))[:limit]

    async def _tiers(self, words: list[str], limit: int, *, exact: bool) -> list[SearchHit]:
        """The best ``limit`` cases holding every word (``exact``: as typed; else the last
        as the start of a longer one): names tier, then texts tier."""
        ranked = functools.partial(self._full_text.ranked, self._db, words, prefix=not exact)
        hits = [
            SearchHit(case_id, _score(True, exact, relevance))
            for case_id, relevance in await ranked(names_only=True, limit=limit)
        ]
        if len(hits) < limit:
            found = {hit.case_id for hit in hits}
            hits += [
                SearchHit(case_id, _score(False, exact, relevance))
                for case_id, relevance in await ranked(names_only=False, limit=limit + len(hits))
                if case_id not in found
            ][: limit - len(hits)]
        return hits

    async def _near_words(self, words: list[str]) -> dict[str, dict[str, float]]:
        """Name words equal to a query word (score 1) or one typo from a query word of at least
        :data:`MIN_FUZZY_CHARS` letters (score :data:`FUZZY_MATCH`): word -> query word ->
        score."""
        near: dict[str, dict[str, float]] = {word: {word: 1.0} for word in words}
        typed = [word for word in words if len(word) >= MIN_FUZZY_CHARS]
        variants = sorted({variant for word in typed for variant in deletion_variants(word)})
        rows = await self._db.fetchall(
            "SELECT DISTINCT token FROM case_name_variants "
            f"WHERE variant IN ({self._db.dialect.json_values(sql_type='text')})",
            (json.dumps(variants),),
        )
        for (token,) in rows:
            for word in typed:
                if token != word and edit_distance_at_most_one(word, token):
                    near.setdefault(token, {})[word] = FUZZY_MATCH
        return near

    async def _fuzzy(self, words: list[str]) -> list[SearchHit]:
        near = await self._near_words(words)
        rows = await self._db.fetchall(
            "SELECT case_id, token FROM case_name_tokens "
            f"WHERE token IN ({self._db.dialect.json_values(sql_type='text')})",
            (json.dumps(sorted(near)),),
        )
        best: dict[tuple[str, str], float] = {}  # (case, query word) -> its best match
        for row in rows:
            case_id = row["case_id"]
            for word, score in near[row["token"]].items():
                best[case_id, word] = max(best.get((case_id, word), 0.0), score)
        scores: dict[str, float] = {}
        for (case_id, _), score in best.items():
            scores[case_id] = scores.get(case_id, 0.0) + score
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [SearchHit(case_id, score) for case_id, score in ranked]

    async def suggestions(self, query: str, limit: int = 3) -> list[str]:
        """The ids of the cases whose name words come closest to a word of ``query`` (by edit
        distance, among the name words that begin with the same letter, at most
        :func:`suggestion_distance` away), for answering "nothing found"; whatever the query,
        some cases if any are indexed (the others in id order)."""
        limit = max(limit, 0)
        closest: dict[str, int] = {}
        for word in query_tokens(query):
            rows = await self._db.fetchall(
                "SELECT token, case_id FROM case_name_tokens "
                "WHERE token >= ? AND token < ? AND length(token) BETWEEN ? AND ?",
                (word[0], chr(ord(word[0]) + 1), len(word) - 2, len(word) + 2),
            )
            cases_by_token: dict[str, list[str]] = {}
            for token, case_id in rows:
                cases_by_token.setdefault(token, []).append(case_id)
            _nearest(word, cases_by_token, closest)
        ranked = sorted(closest, key=lambda case_id: (closest[case_id], case_id))[:limit]
        if len(ranked) < limit:
            rows = await self._db.fetchall(
                "SELECT DISTINCT case_id FROM case_name_tokens ORDER BY case_id LIMIT ?", (limit,)
            )
            ranked += [row[0] for row in rows if row[0] not in ranked][: limit - len(ranked)]
        return ranked


def _nearest(word: str, cases_by_token: dict[str, list[str]], closest: dict[str, int]) -> None:
    """Record in ``closest`` each case's distance to ``word`` (its nearest name word), among
    the name words at most :func:`suggestion_distance` away."""
    for token, distance in nearest_words(word, list(cases_by_token), suggestion_distance(word)):
        for case_id in cases_by_token[token]:
            closest[case_id] = min(closest.get(case_id, distance), distance)
