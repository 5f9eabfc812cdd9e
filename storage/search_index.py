"""The search index over cases: SQLite FTS5 on normalized keys (bot/search.py), plus the name
words of every case for one-typo matching and "did you mean" suggestions.

The tables (migration 4) are derived data: :meth:`SearchIndex.rebuild` replaces their content
from the cases, and should run after every import of content.
"""

from __future__ import annotations

from collections.abc import Iterable

import aiosqlite

from bot.content import Case
from bot.search import (
    MIN_FUZZY_CHARS,
    SearchHit,
    edit_distance,
    edit_distance_at_most_one,
    fts_query,
    query_tokens,
    tokens,
)
from storage.database import Database

NAMES_WEIGHT = 50.0
"""bm25 weight of a case's names and aliases, against 1 for its texts."""
TEXTS_WEIGHT = 1.0
FUZZY_MATCH = 0.5
"""Score of a query word one typo away from a name word; an exact word scores 1."""


def _score(in_names: bool, relevance: float) -> float:
    """1 and more when every query word is in the case's names, below 1 otherwise; bm25
    decides within each tier (on a few cases it barely can: a word in most of them is worth
    almost nothing to bm25)."""
    relevance = max(relevance, 0.0)
    return float(in_names) + relevance / (1.0 + relevance)


def _names(case: Case) -> list[str]:
    return [*case.name.values(), *case.aliases]


def _texts(case: Case) -> list[str]:
    texts = [*case.brief.values(), *case.account.values()]
    for event in case.timeline:
        texts.extend(event.event.values())
    return texts


def _key(texts: Iterable[str]) -> str:
    return " ".join(word for text in texts for word in tokens(text))


async def _insert(conn: aiosqlite.Connection, cases: list[Case]) -> None:
    await conn.executemany(
        "INSERT INTO case_search (case_id, names, texts) VALUES (?, ?, ?)",
        [(case.id, _key(_names(case)), _key(_texts(case))) for case in cases],
    )
    await conn.executemany(
        "INSERT OR IGNORE INTO case_name_tokens (case_id, token) VALUES (?, ?)",
        [(case.id, word) for case in cases for word in _key(_names(case)).split()],
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
            await _insert(conn, list(cases))

    async def update(self, case: Case) -> None:
        """Replace one case's entries."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM case_search WHERE case_id = ?", (case.id,))
            await conn.execute("DELETE FROM case_name_tokens WHERE case_id = ?", (case.id,))
            await _insert(conn, [case])

    async def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """The cases matching every word of ``query``, best first: those with every word in their
        names (score 1 and more), then by bm25 with names weighted far above texts. If none
        match, the cases with a name word at most one typo from a query word, those matching
        more words first. Any input is safe."""
        match = fts_query(query)
        if match is None or limit <= 0:
            return []
        rows = await self._db.fetchall(
            "SELECT case_id, bm25(case_search, 0.0, ?, ?) AS rank, "
            "rowid IN (SELECT rowid FROM case_search WHERE case_search MATCH ?) AS in_names "
            "FROM case_search WHERE case_search MATCH ? "
            "ORDER BY in_names DESC, rank, case_id LIMIT ?",
            (NAMES_WEIGHT, TEXTS_WEIGHT, f"names : ({match})", match, limit),
        )
        if rows:
            return [
                SearchHit(row["case_id"], _score(bool(row["in_names"]), -float(row["rank"])))
                for row in rows
            ]
        return (await self._fuzzy(query_tokens(query)))[:limit]

    async def _fuzzy(self, words: list[str]) -> list[SearchHit]:
        shortest = min(len(word) for word in words) - 1
        longest = max(len(word) for word in words) + 1
        rows = await self._db.fetchall(
            "SELECT case_id, token FROM case_name_tokens WHERE length(token) BETWEEN ? AND ?",
            (shortest, longest),
        )
        best: dict[tuple[str, str], float] = {}  # (case, query word) -> its best match
        for row in rows:
            case_id, token = row["case_id"], row["token"]
            for word in words:
                if token == word:
                    score = 1.0
                elif len(word) >= MIN_FUZZY_CHARS and edit_distance_at_most_one(word, token):
                    score = FUZZY_MATCH
                else:
                    continue
                best[case_id, word] = max(best.get((case_id, word), 0.0), score)
        scores: dict[str, float] = {}
        for (case_id, _), score in best.items():
            scores[case_id] = scores.get(case_id, 0.0) + score
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [SearchHit(case_id, score) for case_id, score in ranked]

    async def suggestions(self, query: str, limit: int = 3) -> list[str]:
        """The ids of the cases whose name words come closest to a word of ``query`` (by edit
        distance), for answering "nothing found"; whatever the query, some cases if any are
        indexed (then in id order)."""
        words = query_tokens(query)
        closest: dict[str, int] = {}
        for row in await self._db.fetchall("SELECT case_id, token FROM case_name_tokens"):
            distance = min((edit_distance(word, row["token"]) for word in words), default=0)
            case_id = row["case_id"]
            closest[case_id] = min(closest.get(case_id, distance), distance)
        ranked = sorted(closest, key=lambda case_id: (closest[case_id], case_id))
        return ranked[: max(limit, 0)]
