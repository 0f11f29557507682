"""The ASGI application: starlette routes, GraphQL at /graphql, the store owned by the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from graph_model import queries
from graph_model.cache import VersionCache
from graph_model.donation_disclosure import suppression
from graph_model.enums import Label
from graph_model.errors import HubError
from graph_model.stores.base import GraphStore
from hub.http import graphiql, prepared, web_app
from hub.http.alerts_export import ROUTES as ALERT_EXPORTS
from hub.http.exports import ROUTES as EXPORTS
from hub.http.network_export import ROUTES as NETWORK_EXPORTS
from hub.http.headers import SecurityHeaders, cors
from hub.http.graphql_over_http import HubGraphQL
from hub.http.request_id import RequestIdMiddleware
from hub.auth.middleware import AuthMiddleware
from hub.execution import collector, cursors
from hub.execution.concurrency import AnalyticsGate
from hub.execution.turns import Turns
from hub.http.body_limit import BodyLimitMiddleware
from hub.schema import build_schema
from hub.settings import Settings
from hub.stores import open_store
from hub.supervisor import supervised

__all__ = ["HubGraphQL", "app_from_env", "create_app"]


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    store: GraphStore = request.state.store
    try:
        await queries.count(store, Label.PROVINCE)
    except HubError as exc:
        return JSONResponse({"status": "unavailable", "error": exc.code}, status_code=503)
    return JSONResponse({"status": "ready", "store": store.kind})


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> Starlette:
    """Build the app. A given ``store`` is used as is and left open; otherwise the lifespan
    opens the one the settings name and closes it on shutdown."""
    settings = settings or Settings.from_env()
    cursors.configure(settings.cursor_key)  # list cursors are sealed with it (hub.execution.cursors)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        # One cache of derived answers per process, keyed by the graph version (graph_model.cache).
        answers = VersionCache()
        if store is not None:
            yield {"store": store, "settings": settings, "cache": answers, "gate": gate}
            return
        opened = await open_store(settings)
        # What start-up built lives as long as the process: frozen out of the collector, whose
        # thresholds are set for large answers (hub/execution/collector.py).
        collector.settle()
        try:
            # A dead embedded server is restarted, whether this app started it or found it
            # running (hub/supervisor.py: one process per data folder holds the lease to).
            async with supervised(opened):
                # The donation disclosure pattern takes seconds on a large graph and figures it
                # protects are withheld until it is known: computed now, the first visitor to the
                # dashboard sees them (graph_model/donation_disclosure.py).
                warming = asyncio.create_task(suppression(opened, answers, settings.privacy_k))
                warming.add_done_callback(lambda task: task.cancelled() or task.exception())
                try:
                    yield {"store": opened, "settings": settings, "cache": answers, "gate": gate}
                finally:
                    warming.cancel()
        finally:
            await opened.close()

    ide = settings.graphiql_on
    # Running analytics per key, counted across GraphQL and the CSV exports (hub.execution.concurrency).
    gate = AnalyticsGate(settings.limits.concurrent_analytics)
    # Uploads (the `importFile` mutation) only as hub.http.uploads allows them: see there.
    # Query texts that ran once answered again without strawberry around graphql-core (hub.http.prepared).
    kept = prepared.Prepared(ahead=settings.ahead, direct=settings.direct) if settings.prepared else None
    # How many of those execute at once (hub.execution.turns).
    turns = Turns(settings.executing) if kept is not None and settings.executing > 0 else None
    graphql = HubGraphQL(build_schema(settings, gate, [lambda: prepared.Remember(kept)] if kept is not None else []),
                         graphql_ide="graphiql" if ide else None, multipart_uploads_enabled=True, kept=kept,
                         turns=turns)
    routes: list[BaseRoute] = [
        # Every method reaches the view, which answers 405 with the spec's Allow header itself.
        Route("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *EXPORTS,
        *ALERT_EXPORTS,
        *NETWORK_EXPORTS,
        *web_app.routes(),  # the planners' app at / (web/, built into hub/static/app)
    ]
    if ide:
        routes.append(graphiql.assets_mount())
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware(settings))


def middleware(settings: Settings) -> list[Middleware]:
    """Outermost first: the request id (in every log line and error), security headers and CORS
    (on refusals too), the body limit, then authentication (the principal and the per-key rate
    limit). Persisted queries are resolved in the GraphQL view (hub/http/graphql_over_http.py,
    hub/execution/persisted.py); the query limits and introspection switch are schema extensions
    (hub/schema/extensions.py); the access policy wraps the schema's root fields (hub/auth/policy.py)."""
    return [
        Middleware(RequestIdMiddleware),
        Middleware(SecurityHeaders, production=settings.production),  # on every response, refusals too
        *cors(settings),  # outside authentication: a preflight carries no credentials
        Middleware(BodyLimitMiddleware, most=settings.limits.body_bytes,
                   upload_most=settings.limits.upload_bytes),  # 413 before anything reads it
        Middleware(AuthMiddleware, settings=settings),
    ]


def app_from_env() -> Starlette:
    """Factory for ``uvicorn --factory`` (each worker process builds its own app)."""
    limit_malloc_arenas()
    return create_app(Settings.from_env())


M_ARENA_MAX = -8  # glibc's mallopt parameter


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives threads that allocate (the coverage and network computations run in
    asyncio.to_thread) arenas of their own, up to 8 per core, and keeps what they free: under
    benchmarks/load.py the server's memory grew 36% in its first minute with the default, 12%
    with two arenas. ``MALLOC_ARENA_MAX`` in the environment, when set, is left to decide."""
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): nothing to limit
        pass
