"""Generated case content for benchmarks and tests at scale: names built from syllables spelled
in parallel in Latin, Russian and Kazakh Cyrillic, so that every case can be found in every
script, with briefs, accounts and a timeline in the three languages."""

from __future__ import annotations

import random
from datetime import date, timedelta

from bot.domain.content import STATUSES, Case, Content, Event, Source

SOURCE = Source(
    id="generated-source",
    date=date(2020, 1, 1),
    title={"en": "Generated source", "ru": "Созданный источник", "kk": "Жасалған дереккөз"},
)

# (Latin, Russian, Kazakh) spellings of one syllable.
SYLLABLES = (
    ("ka", "ка", "қа"),
    ("nur", "нур", "нұр"),
    ("sul", "сул", "сұл"),
    ("tan", "тан", "тан"),
    ("bek", "бек", "бек"),
    ("zhan", "жан", "жан"),
    ("as", "ас", "ас"),
    ("kyz", "кыз", "қыз"),
    ("er", "ер", "ер"),
    ("dau", "дау", "дәу"),
    ("lat", "лат", "лат"),
    ("mir", "мир", "мір"),
    ("gul", "гул", "гүл"),
    ("bol", "бол", "бол"),
    ("sen", "сен", "сен"),
    ("tor", "тор", "тор"),
    ("ai", "ай", "ай"),
    ("man", "ман", "ман"),
    ("ri", "ри", "ри"),
    ("dar", "дар", "дар"),
)
GIVEN_NAMES = (
    ("Arman", "Арман", "Арман"),
    ("Dana", "Дана", "Дана"),
    ("Erlan", "Ерлан", "Ерлан"),
    ("Gulnara", "Гульнара", "Гүлнара"),
    ("Marat", "Марат", "Марат"),
    ("Saule", "Сауле", "Сәуле"),
    ("Timur", "Тимур", "Тимур"),
    ("Aigerim", "Айгерим", "Айгерім"),
    ("Nurlan", "Нурлан", "Нұрлан"),
    ("Zhanna", "Жанна", "Жанна"),
)
LOCALES = ("en", "ru", "kk")
WORDS = {
    "en": ("court", "hearing", "appeal", "prison", "sentence", "lawyer", "health", "letter"),
    "ru": ("суд", "заседание", "апелляция", "тюрьма", "приговор", "адвокат", "здоровье", "письмо"),
    "kk": ("сот", "отырыс", "шағым", "түрме", "үкім", "адвокат", "денсаулық", "хат"),
}


def _surname(rng: random.Random) -> tuple[str, str, str]:
    parts = rng.sample(SYLLABLES, rng.randint(2, 3))
    spellings = tuple("".join(part[index] for part in parts) + "ov" for index in range(3))
    latin, russian, kazakh = spellings
    return latin.capitalize(), (russian[:-2] + "ов").capitalize(), (kazakh[:-2] + "ов").capitalize()


VOCABULARY_SIZE = 2_000


def _vocabulary(locale: str) -> list[str]:
    """The real words first, then made-up words of two or three syllables in that script."""
    rng = random.Random(locale)
    script = LOCALES.index(locale)
    words = list(WORDS[locale])
    seen = set(words)
    while len(words) < VOCABULARY_SIZE:
        word = "".join(part[script] for part in rng.sample(SYLLABLES, rng.randint(2, 3)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


VOCABULARY = {locale: _vocabulary(locale) for locale in LOCALES}
ZIPF_WEIGHTS = [1 / rank for rank in range(1, VOCABULARY_SIZE + 1)]
"""Word frequencies as in natural language: the n-th most common word 1/n as often."""


def common_words(rng: random.Random, locale: str, count: int) -> list[str]:
    """``count`` words drawn as a text uses them."""
    return rng.choices(VOCABULARY[locale], weights=ZIPF_WEIGHTS, k=count)


def _sentence(rng: random.Random, locale: str, length: int) -> str:
    return " ".join(common_words(rng, locale, length)).capitalize() + "."


def generated_case(number: int, rng: random.Random) -> Case:
    """Case ``number`` of a generated set: a unique id, a name in three scripts, texts and a
    timeline in three languages."""
    given = rng.choice(GIVEN_NAMES)
    surname = _surname(rng)
    name = {locale: f"{given[i]} {surname[i]}" for i, locale in enumerate(LOCALES)}
    start = date(2015, 1, 1) + timedelta(days=rng.randrange(3000))
    timeline = tuple(
        Event(
            date=(start + timedelta(days=30 * step)).isoformat(),
            event={locale: _sentence(rng, locale, 8) for locale in LOCALES},
            source=SOURCE.id,
        )
        for step in range(3)
    )
    return Case(
        id=f"case-{number:05d}-{surname[0].lower()}",
        name=name,
        status=rng.choice(STATUSES),
        urgency=rng.randint(1, 5),
        brief={locale: _sentence(rng, locale, 25) for locale in LOCALES},
        account={
            locale: "\n\n".join(_sentence(rng, locale, 60) for _ in range(3)) for locale in LOCALES
        },
        updated=start + timedelta(days=120),
        aliases=(f"{given[0]} {surname[0].replace('ov', 'ow')}",),
        timeline=timeline,
    )


def generated_content(count: int, seed: int = 652) -> Content:
    """``count`` generated cases, the same for the same seed."""
    rng = random.Random(seed)
    cases = [generated_case(number, rng) for number in range(count)]
    return Content(sources={SOURCE.id: SOURCE}, cases={case.id: case for case in cases})
