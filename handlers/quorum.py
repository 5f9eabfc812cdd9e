"""Telling the tabler and the coordinators the moment a declaration reaches its quorum."""

from __future__ import annotations

import logging

from telegram.error import BadRequest, Forbidden

from bot.domain.declarations import Declaration
from bot.domain.roles import Role
from bot.text import i18n
from bot.text.i18n import gettext as _
from handlers.context import BotContext

logger = logging.getLogger(__name__)


async def announce_quorum(context: BotContext, declaration: Declaration) -> None:
    """Message the tabler's account (if bound), the coordinators and the administrators,
    each in their language."""
    services = context.services
    recipients = {
        *services.settings.admins,
        *await services.users.ids_with_role(Role.COORDINATOR),
    }
    tabler = await services.members.user_of(declaration.tabler_id)
    if tabler is not None:
        recipients.add(tabler)
    for user_id in sorted(recipients):
        record = await services.users.get(user_id)
        if record is None or record.blocked:
            continue
        with i18n.use_locale(record.locale):
            text = _(
                "Written declaration No. {number} has reached its quorum: the signatures, "
                "national delegations and political groups the rules require."
            ).format(number=declaration.number)
        try:
            await context.bot.send_message(user_id, text)
        except (BadRequest, Forbidden):
            logger.info("a quorum notice could not be delivered")
