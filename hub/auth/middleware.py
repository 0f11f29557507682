"""Authentication at the HTTP edge: every /graphql and /export request runs as a Principal.

Pure ASGI, after the request id and before the routes: it reads ``Authorization``, resolves the
caller (``hub.auth.authenticate``), applies the per-key rate limit (``hub.http.rate_limit``) and puts
the principal in ``scope["state"]["principal"]``, where the GraphQL context and the exports find
it. Refusals are JSON bodies in the GraphQL error shape with an HTTP status: 401 + WWW-Authenticate
(UNAUTHENTICATED), 429 + Retry-After (RATE_LIMITED), 503 (STORE_UNAVAILABLE while looking up a
key). The GraphiQL page itself (GET /graphql asking for HTML) and the health probes need no
credentials; GraphiQL sends the key from its API key field (or its Headers tab).
"""

from __future__ import annotations

import math
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from graph_model.errors import RateLimited, StoreUnavailable, Unauthenticated
from hub.auth.authenticate import Authenticator
from hub.http.asgi import header, refuse
from hub.http.rate_limit import RateLimiter
from hub.settings import Settings

PROTECTED = ("/graphql", "/export/")


def _ide_page(scope: Scope) -> bool:
    """A browser asking for the GraphiQL page (hub.http.HubGraphQL.should_render_graphql_ide): it
    runs nothing. A GET carrying ``extensions`` (a persisted query) asks for a result instead."""
    accept = header(scope, b"accept") or ""
    params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (scope["method"] == "GET" and "text/html" in accept and scope["path"].rstrip("/") == "/graphql"
            and "extensions" not in params)


class AuthMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.authenticator = Authenticator(settings)
        limits = settings.limits
        self.limiter = RateLimiter(limits.rate_per_minute, limits.rate_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PROTECTED) or _ide_page(scope):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        try:
            principal = await self.authenticator.principal(state["store"], header(scope, b"authorization"))
            client = scope.get("client")
            self.limiter.check(principal.key_id or principal.subject if principal.subject != "anonymous"
                               else f"ip:{client[0] if client else '?'}")
        except Unauthenticated as exc:
            await refuse(send, 401, exc, {"WWW-Authenticate": 'Bearer realm="hub"'})
            return
        except RateLimited as exc:
            await refuse(send, 429, exc, {"Retry-After": str(max(1, math.ceil(exc.retry_after)))})
            return
        except StoreUnavailable as exc:
            await refuse(send, 503, exc)
            return
        state["principal"] = principal
        await self.app(scope, receive, send)
