"""An httpx client on the ASGI app with an injected store (the lifespan runs, no server)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from graph_model.stores.base import GraphStore
from hub.app import create_app
from hub.settings import Settings


@contextlib.asynccontextmanager
async def asgi_client(store: GraphStore, settings: Settings | None = None) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings or Settings(), store=store)
    async with app.router.lifespan_context(app) as state:
        # httpx's ASGITransport does not run the lifespan; hand its state to each request.
        async def with_state(scope: Any, receive: Any, send: Any) -> None:
            scope["state"] = dict(state)
            await app(scope, receive, send)

        transport = httpx.ASGITransport(app=with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            yield client
