"""An httpx client on the ASGI app with an injected store (the lifespan runs, no server).

The client authenticates as ``role`` (admin unless told) with an HS256 JWT signed by a test key,
so authenticating costs no store statement and the round-trip counts stay those of the query;
``role=None`` sends no credentials."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpx
import jwt

from graph_model.stores.base import GraphStore
from hub.app import create_app
from hub.settings import Settings

TEST_JWT_KEY = "test-signing-key-not-for-production-0123456789"


def token(role: str, provinces: Iterable[str] = (), subject: str = "tester", key: str = TEST_JWT_KEY,
          institution: str | None = None) -> str:
    """A token scoped to ``provinces``; none given: every province, said explicitly (``"*"``), as the
    hub requires of a role that may change data (hub.auth.authenticate). ``institution``: the claim of
    an institution token."""
    scope = list(provinces)
    claims: dict[str, Any] = {"sub": subject, "role": role, "provinces": scope or "*", "exp": int(time.time()) + 3600}
    if institution is not None:
        claims["institution"] = institution
    return jwt.encode(claims, key, algorithm="HS256")


@contextlib.asynccontextmanager
async def asgi_client(store: GraphStore, settings: Settings | None = None, role: str | None = "admin",
                      provinces: Iterable[str] = (),
                      institution: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings or Settings()
    if settings.disclosure_wait_ms == Settings.disclosure_wait_ms:
        # Tests never time things: a request waits for the disclosure pattern however slow the
        # machine (tests/test_disclosure.py sets a short wait to see what is withheld meanwhile).
        settings = dataclasses.replace(settings, disclosure_wait_ms=600_000)
    if not settings.jwt_key:
        settings = dataclasses.replace(settings, jwt_key=TEST_JWT_KEY, jwt_algorithm="HS256")
    app = create_app(settings, store=store)
    bearer = token(role, provinces, key=settings.jwt_key, institution=institution) if role else None
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    async with app.router.lifespan_context(app) as state:
        assert state is not None  # the hub's lifespan yields its state
        # httpx's ASGITransport does not run the lifespan; hand its state to each request.
        async def with_state(scope: Any, receive: Any, send: Any) -> None:
            scope["state"] = dict(state)
            await app(scope, receive, send)

        transport = httpx.ASGITransport(app=with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub", headers=headers) as client:
            yield client
