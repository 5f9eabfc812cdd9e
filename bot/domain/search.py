"""Finding cases by what people type: names in any script and spelling, with typos.

Pure domain code: no SQL and no Telegram. Every text, the stored one and the typed one, is
folded by :func:`normalize` to one Latin *search key*, so that "Yerimbetov", "Erimbetov",
"Еримбетов", "Ерімбетов" and "ЕРИМБЕТОВ" all become ``erimbetov``, and "Dzhakishev",
"Djakishev", "Джакишев" and "Жәкішев" all become ``jakishev``. The storage side
(storage/search_index.py) indexes these keys with SQLite FTS5; :func:`fts_query` turns any
user input into a safe MATCH expression over them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

MAX_QUERY_CHARS = 200
"""Only the start of a query is read: nobody types a name longer than this."""
MAX_QUERY_TOKENS = 8
"""At most this many distinct words of a query are searched for."""
MAX_TOKEN_CHARS = 40
"""Longer "words" are noise (pasted links, keyboard mashing) and are ignored in queries."""
MIN_FUZZY_CHARS = 4
"""Query words shorter than this must match exactly: one typo in two or three letters is
another word."""

# Letters that Unicode does not decompose into a base letter and a mark; applied after
# casefold, before the marks are stripped. Kazakh Latin letters are here too.
_BEFORE_MARKS = str.maketrans({"ı": "i", "ə": "a", "ş": "sh", "ç": "ch", "ø": "o", "æ": "ae"})
_HAS_BEFORE_MARKS = re.compile("[ıəşçøæ]")
_MARKS = re.compile(
    "[" + "".join(chr(code) for code in range(0x10000) if unicodedata.combining(chr(code))) + "]"
)
"""Combining marks (of the Basic Multilingual Plane): what NFD splits off a base letter."""

# Cyrillic (Russian and Kazakh) to Latin, after casefold and after the marks are stripped
# (so ё has become е and й has become и: both keep their Latin letter below).
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
        "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
        "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
        "ё": "e",
        # Kazakh
        "ә": "a", "і": "i", "ң": "n", "ғ": "g", "ү": "u", "ұ": "u", "қ": "k", "ө": "o",
        "һ": "h",
    }
)  # fmt: skip

# Spelling variants collapsed in the Latin key, applied in this order.
_VARIANTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"dzh|dj|zh", "j"),  # Dzhakishev, Djakishev, Zhakishev, Jakishev: jakishev
        (r"kh", "h"),  # Mukhtar, Muhtar, Мұхтар: muhtar
        (r"x", "ks"),  # Max, Maks, Макс: maks
        (r"ye", "e"),  # Yerimbetov, Еримбетов; Bokayev, Бокаев: erimbetov, bokaev
        (r"y", "i"),  # Ayan, Aian, Аян: aian
        (r"([a-z])\1+", r"\1"),  # double letters: Bokaiev, -ий endings
    )
)
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A case that matches a query; a higher score is a better match (scores compare only
    within one result list)."""

    case_id: str
    score: float


def normalize(text: str) -> str:
    """Fold ``text`` to its search key: lowercase Latin words separated by single spaces.

    The rules, in order:

    1. casefold; ı→i, ə→a, ş→sh, ç→ch (Kazakh and Turkic Latin letters without a base letter);
    2. strip diacritics (é→e, ё→е, й→и, ü→u): Unicode NFD, combining marks dropped;
    3. transliterate Cyrillic: Russian as in passports (ж→zh, х→kh, ц→ts, ч→ch, ш→sh, щ→shch,
       ю→yu, я→ya, й→i, ы→y, ъ and ь dropped), Kazakh letters to their nearest Latin letter
       (ә→a, і→i, ң→n, ғ→g, ү→u, ұ→u, қ→k, ө→o, һ→h);
    4. every run of characters that are not letters or digits becomes one space;
    5. collapse spelling variants: dzh, dj, zh→j; kh→h; x→ks; ye→e; y→i; double letters→one.

    Other scripts keep their letters (without marks): they still match themselves.
    """
    text = text.casefold()
    if _HAS_BEFORE_MARKS.search(text):
        text = text.translate(_BEFORE_MARKS)
    text = _MARKS.sub("", unicodedata.normalize("NFD", text))
    text = _NOT_WORD.sub(" ", text.translate(_CYRILLIC))
    for pattern, replacement in _VARIANTS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """The words of ``text``'s search key, in order, without words of one character."""
    return [word for chunk in text.split() for word in _chunk_tokens(chunk)]


@functools.lru_cache(maxsize=1 << 16)
def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    """The words of one whitespace-free piece of text: every rule of :func:`normalize` stays
    within such a piece, so texts are folded a distinct piece at a time, each once."""
    return tuple(word for word in normalize(chunk).split() if len(word) > 1)


def query_tokens(user_text: str) -> list[str]:
    """The distinct words searched for in what a user typed: from its first
    :data:`MAX_QUERY_CHARS` characters, at most :data:`MAX_QUERY_TOKENS` of them, none longer
    than :data:`MAX_TOKEN_CHARS`."""
    words = [w for w in tokens(user_text[:MAX_QUERY_CHARS]) if len(w) <= MAX_TOKEN_CHARS]
    return list(dict.fromkeys(words))[:MAX_QUERY_TOKENS]


def fts_query(user_text: str, *, prefix: bool = True) -> str | None:
    """A safe FTS5 MATCH expression for any user input, or None if nothing is searchable.

    Each word is a quoted string, so FTS5 operators typed by the user (``NEAR``, ``AND``,
    ``*``, ``-``, ``^``, quotes, parentheses, column filters) are only text; all the words
    must match, with ``prefix`` the last one as a prefix (the user may still be typing it).
    """
    return fts_match(query_tokens(user_text), prefix=prefix)


def fts_match(words: Sequence[str], *, prefix: bool = True) -> str | None:
    """The FTS5 MATCH expression for ``words`` (search keys): all of them, each quoted, with
    ``prefix`` the last one as a prefix; None for no words."""
    if not words:
        return None
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    if prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


def ts_query(words: Sequence[str], *, prefix: bool = True, weights: str = "") -> str | None:
    """The same as :func:`fts_match` in PostgreSQL's ``tsquery`` syntax (lexemes taken as
    they are, no dictionary): ``'a' & 'b':*``; ``weights`` ("A") restricts every word to the
    parts of the document of those weights."""
    if not words:
        return None
    quoted = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'" for word in words]
    labels = [weights] * len(words)
    if prefix:
        labels[-1] = "*" + weights
    return " & ".join(
        word + (f":{label}" if label else "") for word, label in zip(quoted, labels, strict=True)
    )


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """Whether one insertion, deletion, substitution or swap of two adjacent letters (or
    nothing) turns ``a`` into ``b``."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    if len(a) < len(b):  # one insertion into a
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:  # one substitution
        return True
    return (  # one adjacent transposition
        start + 1 < len(a)
        and a[start] == b[start + 1]
        and a[start + 1] == b[start]
        and a[start + 2 :] == b[start + 2 :]
    )


def edit_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment): insertions, deletions,
    substitutions and swaps of adjacent letters."""
    return OSA.distance(a, b)


def nearest_words(word: str, words: Sequence[str], bound: int) -> list[tuple[str, int]]:
    """The ``words`` at most ``bound`` edits from ``word``, with their distance, nearest
    first: rapidfuzz compares thousands of names in a fraction of a millisecond."""
    return [
        (found, int(distance))
        for found, distance, _ in process.extract(
            word, words, scorer=OSA.distance, score_cutoff=bound, limit=None
        )
    ]


def suggestion_distance(word: str) -> int:
    """How far a name word may be from a query word to be offered as "did you mean": two
    typos, or one in three letters of a longer word."""
    return max(2, len(word) // 3)


def clear_winner(hits: list[SearchHit]) -> SearchHit | None:
    """The best hit when it alone is in the best tier (e.g. the only case whose names hold every
    query word), so that its card can be shown at once; ``None`` when the reader should choose."""
    if not hits:
        return None
    tier = int(hits[0].score)
    return hits[0] if sum(int(hit.score) == tier for hit in hits) == 1 else None
