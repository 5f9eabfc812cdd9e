"""Headers every answer of the web server carries, and the bound on request bodies.

The console is framed by Telegram's web clients and opened full-window by the others: its
Content-Security-Policy admits Telegram's web origins as frame ancestors and lets nothing but
the console's own files run scripts, load styles or be fetched. Nothing is cached: answers are
one person's view of data that changes.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from aiohttp import web
from aiohttp.typedefs import Handler

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body accepted (an update, a case with its accounts in three
languages); a larger one is answered 413 before it is read."""

TELEGRAM_WEB_ORIGINS = (
    "https://web.telegram.org",
    "https://webk.telegram.org",
    "https://webz.telegram.org",
)
"""Where Telegram's web clients frame a Mini App from."""

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self' " + " ".join(TELEGRAM_WEB_ORIGINS),
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


@web.middleware
async def secure_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse an oversized body before reading it; add the security headers to every answer,
    errors included."""
    try:
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            raise web.HTTPRequestEntityTooLarge(MAX_BODY_BYTES, request.content_length)
        response = await handler(request)
    except web.HTTPException as error:
        _secure(error.headers)
        raise
    _secure(response.headers)
    return response


def _secure(headers: MutableMapping[str, str]) -> None:
    headers.update(HEADERS)
    headers.setdefault("Cache-Control", "no-store")
