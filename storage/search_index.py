"""The search index over cases: SQLite FTS5 on normalized keys (bot/domain/search.py), plus the name
words of every case for one-typo matching and "did you mean" suggestions.

One-typo matching looks words up by their deletion variants (each word with one letter left
out, and the word itself): two words are at most one insertion, deletion, substitution or swap
apart only if they share a variant, so a query word needs a handful of index lookups instead of
a comparison with every name word.

The tables (migrations 4 and 7) are derived data: :meth:`SearchIndex.rebuild` replaces their
content from the cases, and runs with every import of content and at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import aiosqlite

from bot.domain.content import Case
from bot.domain.search import (
    MAX_TOKEN_CHARS,
    MIN_FUZZY_CHARS,
    SearchHit,
    edit_distance_at_most_one,
    fts_query,
    nearest_words,
    query_tokens,
    suggestion_distance,
    tokens,
)
from storage.database import Database

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


async def _insert(conn: aiosqlite.Connection, cases: list[Case]) -> None:
    names = {case.id: _key(_names(case)).split() for case in cases}
    await conn.executemany(
        "INSERT INTO case_search (case_id, names, texts) VALUES (?, ?, ?)",
        [(case.id, " ".join(names[case.id]), _key(_texts(case))) for case in cases],
    )
    await conn.executemany(
        "INSERT OR IGNORE INTO case_name_tokens (case_id, token) VALUES (?, ?)",
        [(case_id, word) for case_id, words in names.items() for word in words],
    )
    words = {word for case_words in names.values() for word in case_words}
    await conn.executemany(
        "INSERT OR IGNORE INTO case_name_variants (variant, token) VALUES (?, ?)",
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
        exact = fts_query(query, prefix=False)
        if exact is None or limit <= 0:
            return []
        hits = await self._tiers(exact, limit, exact=True)
        if len(hits) < limit and not any(hit.score >= 1 for hit in hits):
            # No name has these words as typed: the last one may be unfinished.
            found = {hit.case_id for hit in hits}
            widened = await self._tiers(fts_query(query) or exact, limit, exact=False)
            hits += [hit for hit in widened if hit.case_id not in found]
            hits = sorted(hits, key=lambda hit: -hit.score)[:limit]
        return hits or (await self._fuzzy(query_tokens(query)))[:limit]

    async def _tiers(self, match: str, limit: int, *, exact: bool) -> list[SearchHit]:
        """The best ``limit`` cases for an FTS5 expression: names tier, then texts tier."""
        hits = [
            SearchHit(case_id, _score(True, exact, relevance))
            for case_id, relevance in await self._ranked(f"names : ({match})", limit)
        ]
        if len(hits) < limit:
            found = {hit.case_id for hit in hits}
            hits += [
                SearchHit(case_id, _score(False, exact, relevance))
                for case_id, relevance in await self._ranked(match, limit + len(hits))
                if case_id not in found
            ][: limit - len(hits)]
        return hits

    async def _ranked(self, match: str, limit: int) -> list[tuple[str, float]]:
        """The best ``limit`` cases for an FTS5 expression, with their bm25 relevance; ranked
        among the first :data:`RANKED_AT_MOST` that match, or ``limit`` if more (bm25 costs a
        few microseconds per case, and a query matching more cases than that names none of
        them)."""
        rows = await self._db.fetchall(
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

    async def _near_words(self, words: list[str]) -> dict[str, dict[str, float]]:
        """Name words equal to a query word (score 1) or one typo from a query word of at least
        :data:`MIN_FUZZY_CHARS` letters (score :data:`FUZZY_MATCH`): word -> query word ->
        score."""
        near: dict[str, dict[str, float]] = {word: {word: 1.0} for word in words}
        typed = [word for word in words if len(word) >= MIN_FUZZY_CHARS]
        variants = sorted({variant for word in typed for variant in deletion_variants(word)})
        rows = await self._db.fetchall(
            "SELECT DISTINCT token FROM case_name_variants "
            "WHERE variant IN (SELECT value FROM json_each(?))",
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
            "WHERE token IN (SELECT value FROM json_each(?))",
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
