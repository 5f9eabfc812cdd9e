"""The Bot API methods the local server speaks, looked up case-insensitively."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, NamedTuple

from ..params import Params
from ..state import World
from . import answers, messages, polling, profile


class Method(NamedTuple):
    """A Bot API method: canonical name, implementation, whether it must be awaited."""

    name: str
    handler: Callable[[World, Params], Any]
    is_async: bool


METHODS: dict[str, Method] = {
    name.lower(): Method(name, handler, inspect.iscoroutinefunction(handler))
    for module in (polling, messages, answers, profile)
    for name, handler in module.HANDLERS.items()
}


def find_method(name: str) -> Method | None:
    """The method called ``name`` in any letter case."""
    return METHODS.get(name.lower())
