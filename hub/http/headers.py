"""Response headers: browser security headers on every response, and CORS for listed origins.

``SecurityHeaders`` (pure ASGI) adds, unless a route set them itself: ``X-Content-Type-Options:
nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy: no-referrer``,
``Cross-Origin-Opener-Policy: same-origin``, a Content-Security-Policy, and in production
``Strict-Transport-Security`` (HTTPS is assumed to end at the hub or just in front of it; in
development a browser would pin plain-HTTP localhost to HTTPS).

The policy lets the offline GraphiQL page (hub/static/graphiql.html) run and nothing else: scripts
only from the hub itself plus the page's one inline script, allowed by its sha256 (computed from
the page, so editing it cannot silently break the IDE); styles from the hub, inline ones allowed
(GraphiQL's components inject theirs at run time; style injection cannot run code); requests only
to the hub; no framing, no plugins, no <base>.

``cors(settings)``: starlette's CORSMiddleware for ``settings.cors_origins`` (HUB_CORS_ORIGINS),
nothing when the list is empty (browsers then refuse cross-origin reads). It answers preflights
itself, so it must sit outside authentication: a preflight carries no credentials.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.http import graphiql
from hub.settings import Settings

HSTS = "max-age=63072000; includeSubDomains"  # two years
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources (``'sha256-…'``) for each inline ``<script>`` of ``html``."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
            for body in _INLINE_SCRIPT.findall(html)]


def content_security_policy() -> str:
    scripts = " ".join(["'self'", *inline_script_hashes(graphiql.page())])
    return "; ".join([
        "default-src 'self'", f"script-src {scripts}", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'", "object-src 'none'",
        "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ])


def security_headers(production: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
        ("content-security-policy", content_security_policy()),
    ]
    if production:
        headers.append(("strict-transport-security", HSTS))
    return [(name.encode(), value.encode()) for name, value in headers]


class SecurityHeaders:
    """Adds ``security_headers`` to every HTTP response that does not carry them already."""

    def __init__(self, app: ASGIApp, production: bool = False) -> None:
        self.app = app
        self.headers = security_headers(production)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((n, v) for n, v in self.headers if n not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


def cors(settings: Settings) -> list[Middleware]:
    """CORS for the listed origins only ("*" only when listed), GET and POST, the request headers
    the hub reads (an upload's preflight-forcing one: hub.http.uploads); bearer tokens need no
    credentialed requests (cookies), so none."""
    if not settings.cors_origins:
        return []
    return [Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                       allow_headers=["Authorization", "Content-Type", "GraphQL-Require-Preflight",
                                      "Apollo-Require-Preflight"],
                       expose_headers=["X-Request-Id", "Retry-After"], max_age=600)]
