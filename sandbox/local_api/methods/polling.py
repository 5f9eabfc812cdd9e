"""Identity, update delivery (getUpdates long polling, webhooks) and session methods."""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from ..errors import bad_request, conflict
from ..params import Params
from ..state import Webhook, World

MAX_LIMIT = 100
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _webhook_url_refusal(url: str) -> str | None:
    """Why Telegram would refuse this webhook address, if it would. Plain http is taken for
    127.0.0.0/8 and localhost only: the sandbox's concession to tests and the demo, which
    run the bot on loopback without a certificate."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "bad webhook: Failed to resolve host: Name or service not known"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and (host == "localhost" or _loopback(host)):
        return None
    return "bad webhook: An HTTPS URL must be provided for webhook"


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def get_me(world: World, params: Params) -> dict[str, Any]:
    """getMe."""
    return world.bot.to_dict() | {
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": True,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(world: World, params: Params) -> list[dict[str, Any]]:
    """getUpdates: confirm by offset, then long-poll up to timeout seconds for updates."""
    if world.settings.webhook is not None:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    queue = world.updates
    limit = min(max(params.integer("limit") or MAX_LIMIT, 1), MAX_LIMIT)
    timeout = max(params.number("timeout") or 0.0, 0.0)
    _apply_allowed_updates(world, params)
    queue.confirm(params.integer("offset") or 0)
    queue.poll_generation += 1
    generation = queue.poll_generation
    world.touch()
    if timeout and not queue:
        await world.changed.wait_for(
            lambda: queue or queue.poll_generation != generation or world.closing, timeout
        )
        if queue.poll_generation != generation:
            raise conflict(
                "terminated by other getUpdates request; "
                "make sure that only one bot instance is running"
            )
    return queue.peek(limit)


def _apply_allowed_updates(world: World, params: Params) -> list[str] | None:
    """Apply the allowed_updates parameter if sent; return it."""
    allowed = params.obj("allowed_updates")
    if allowed is None:
        return None
    if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
        raise bad_request("can't parse allowed_updates JSON object")
    world.updates.set_allowed(allowed)
    return allowed


def set_webhook(world: World, params: Params) -> bool:
    """setWebhook (an empty url removes it); pending updates are then POSTed to it."""
    url = params.string("url") or ""
    refusal = _webhook_url_refusal(url) if url else None
    if refusal is not None:
        raise bad_request(refusal)
    secret = params.string("secret_token")
    if secret is not None and not SECRET_TOKEN.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if params.boolean("drop_pending_updates"):
        world.updates.clear()
    allowed = _apply_allowed_updates(world, params)
    world.settings.webhook = (
        Webhook(url, params.integer("max_connections") or 40, allowed, secret) if url else None
    )
    if url:
        world.settings.webhooks_set += 1
    world.touch()
    return True


def delete_webhook(world: World, params: Params) -> bool:
    """deleteWebhook, optionally dropping pending updates."""
    if params.boolean("drop_pending_updates"):
        world.updates.clear()
    world.settings.webhook = None
    world.touch()
    return True


def get_webhook_info(world: World, params: Params) -> dict[str, Any]:
    """getWebhookInfo."""
    webhook = world.settings.webhook
    info: dict[str, Any] = {
        "url": webhook.url if webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates),
    }
    if webhook is not None:
        info["max_connections"] = webhook.max_connections
        if webhook.last_error is not None:
            info["last_error_date"], info["last_error_message"] = webhook.last_error
        if webhook.allowed_updates is not None:
            info["allowed_updates"] = webhook.allowed_updates
    return info


def acknowledge(world: World, params: Params) -> bool:
    """close and logOut: nothing to release locally."""
    return True


HANDLERS = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "close": acknowledge,
    "logOut": acknowledge,
}
