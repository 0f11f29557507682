"""Authentication at the HTTP edge: every request runs as a Principal, but for a short public list.

Pure ASGI, after the request id and before the routes: it reads ``Authorization``, resolves the
caller (``hub.auth.authenticate``), applies the per-key rate limit (``hub.http.rate_limit``) and puts
the principal in ``scope["state"]["principal"]``, where the GraphQL context and the exports find
it. Refusals are JSON bodies in the GraphQL error shape with an HTTP status: 401 + WWW-Authenticate
(UNAUTHENTICATED), 429 + Retry-After (RATE_LIMITED), 503 (STORE_UNAVAILABLE while looking up a
key). GraphiQL sends the key from its API key field (or its Headers tab).

What is public is listed, not what is protected: the health probes, the web app's static files
(``hub.http.web_app``: ``/`` and ``/assets/``), GraphiQL's static assets and the GraphiQL page
itself (``hub.http.graphiql.asks_for_page``: a GET with no query, which runs nothing). Every
other path and method, /graphql in any form (GET, POST, persisted queries), the exports and any
route added later, needs credentials (or HUB_ANONYMOUS). A list of protected
prefixes once let ``GET /graphql?query=...`` with ``Accept: text/html`` run without a principal.
Paths are read relative to the ASGI ``root_path``, so mounting the app under a prefix changes nothing.
"""

from __future__ import annotations

import math
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from graph_model.errors import RateLimited, StoreUnavailable, Unauthenticated
from hub.auth.authenticate import Authenticator
from hub.execution.concurrency import CALLER, caller_key
from hub.http import graphiql, web_app
from hub.http.asgi import header, refuse
from hub.http.rate_limit import RateLimiter, client_address
from hub.settings import Settings

PUBLIC = frozenset({"/healthz", "/readyz"})
GRAPHQL = "/graphql"


def route_path(scope: Scope) -> str:
    """The path the router matches: ``path`` without the ``root_path`` it starts with (as starlette's
    routing reads it)."""
    path, root = scope["path"], scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root):]
    return path


def is_public(scope: Scope) -> bool:
    """Whether a request is served without credentials (it can run no operation)."""
    path = route_path(scope)
    if path in PUBLIC or path.startswith(graphiql.MOUNT + "/") or web_app.is_public(path):
        return True
    if scope["method"] != "GET" or path.rstrip("/") != GRAPHQL:  # only a GET may ask for GraphiQL's page
        return False
    params = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return graphiql.asks_for_page(scope["method"], params, header(scope, b"accept") or "")


class AuthMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.authenticator = Authenticator(settings)
        limits = settings.limits
        self.limiter = RateLimiter(limits.rate_per_minute, limits.rate_burst)
        self.trusted_proxies = settings.trusted_proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            # No route speaks WebSocket (GraphQL over WebSocket would run operations unseen by
            # this check): closed before it is accepted, which the server answers with a 403.
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http" or is_public(scope):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        try:
            principal = await self.authenticator.principal(state["store"], header(scope, b"authorization"))
            anonymous = principal.subject == "anonymous"
            self.limiter.check(f"ip:{client_address(scope, self.trusted_proxies)}" if anonymous
                               else principal.key_id or principal.subject)
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
        # The key its analytics are counted under (hub.execution.concurrency), as the rate limit's.
        counted = CALLER.set(caller_key(principal, client_address(scope, self.trusted_proxies)))
        try:
            await self.app(scope, receive, send)
        finally:
            CALLER.reset(counted)
