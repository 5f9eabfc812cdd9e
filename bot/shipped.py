"""The content that ships with the bot, from the documents in ../shared/seeds/: the six cases
and Declaration No. 652. A fresh database gets it the first time the bot, or a command that
reads content, opens it; no extra step."""

from __future__ import annotations

import logging

from bot import data_path
from bot.domain.content import load_content
from bot.domain.declaration_content import load_declarations
from storage.cases import Cases
from storage.declarations import Declarations

logger = logging.getLogger(__name__)

SHIPPED_CONTENT = data_path("content")
"""The cases that ship with the bot, from the documents in ../shared/seeds/."""

SHIPPED_DECLARATIONS = SHIPPED_CONTENT / "declarations"
"""The declarations that ship with the bot (No. 652, from ../shared/seeds/)."""


async def prepare_shipped_content(cases: Cases, declarations: Declarations) -> None:
    """Import the shipped cases into a database without cases, and the shipped declarations
    into one without declarations; give a database from before the search index its index."""
    if await cases.count() == 0:
        added, _ = await cases.upsert(load_content(SHIPPED_CONTENT))
        logger.info("imported %d shipped cases", added)
    elif await cases.index.size() == 0:
        await cases.reindex()
    if await declarations.count() == 0:
        for item in load_declarations(SHIPPED_DECLARATIONS):
            await declarations.import_file(item)
        logger.info("imported the shipped declarations")
