"""A local Telegram Bot API server with a simulated world, for tests, benchmarks and demos."""

from bot.domain.telegram_html import HtmlError, ParsedText, parse_html

from .api import LocalBotApi
from .calllog import ApiCall, CallLog
from .faults import Faults, Outage, Strike
from .flood import AcceptedSend, FloodControl, FloodLimits, Refusal
from .model import CallbackAnswer, InlineAnswer, Person, SimChat, SimMessage, StoredFile
from .simulation import SimCallback, SimInlineQuery, SimUser

__all__ = [
    "AcceptedSend",
    "ApiCall",
    "CallLog",
    "CallbackAnswer",
    "Faults",
    "FloodControl",
    "FloodLimits",
    "HtmlError",
    "InlineAnswer",
    "LocalBotApi",
    "Outage",
    "ParsedText",
    "Person",
    "Refusal",
    "SimCallback",
    "SimChat",
    "SimInlineQuery",
    "SimMessage",
    "SimUser",
    "StoredFile",
    "Strike",
    "parse_html",
]
