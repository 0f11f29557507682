"""Response headers (hub/http/headers.py): security headers everywhere, CORS for listed origins only,
and what production turns off (introspection, GraphiQL) or on (HSTS)."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest

from graph_model.stores.falkordb import FalkorStore
from hub.http import graphiql
from hub.settings import Settings
from tests.asgi import asgi_client

INTROSPECTION = "{ __schema { queryType { name } } }"
ALLOWED = "https://planner.example.org"
SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def assert_security_headers(response: httpx.Response, *, hsts: bool = False) -> None:
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (response.url, name)
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["default-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert ("strict-transport-security" in response.headers) == hsts
    if hsts:
        assert response.headers["strict-transport-security"].startswith("max-age=63072000")


async def test_security_headers_on_every_response(store: FalkorStore) -> None:
    async with asgi_client(store) as client:
        responses = [
            await client.post("/graphql", json={"query": "{ provinces { totalCount } }"}),
            await client.get("/healthz"),
            await client.get("/export/coverage.csv"),  # a refusal (no service named)
            await client.get("/export/3w.csv"),
            await client.get("/graphql", headers={"accept": "text/html"}),
            await client.get(f"{graphiql.MOUNT}/graphiql.min.js"),
            await client.get("/nowhere"),
        ]
        assert [r.status_code for r in responses] == [200, 200, 400, 200, 200, 200, 404], [r.text for r in responses]
        for response in responses:
            assert_security_headers(response)
    async with asgi_client(store, role=None) as anonymous:  # a refusal made by the auth middleware
        refused = await anonymous.post("/graphql", json={"query": "{ provinces { totalCount } }"})
        assert refused.status_code == 401
        assert_security_headers(refused)


async def test_the_policy_allows_exactly_the_graphiql_pages_inline_script(store: FalkorStore) -> None:
    async with asgi_client(store) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
    policy = page.headers["content-security-policy"]
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    # every other script and style is the app's own (script-src/style-src 'self')
    assert all(src.startswith(graphiql.MOUNT + "/") for src in re.findall(r'(?:src|href)="([^"]+)"', page.text))


async def test_cors_answers_listed_origins_only(store: FalkorStore) -> None:
    preflight = {"access-control-request-method": "POST",
                 "access-control-request-headers": "authorization, content-type"}
    async with asgi_client(store, Settings(cors_origins=(ALLOWED,)), role=None) as client:
        allowed = await client.options("/graphql", headers={"origin": ALLOWED, **preflight})
        assert allowed.status_code == 200  # answered without credentials, before authentication
        assert allowed.headers["access-control-allow-origin"] == ALLOWED
        allowed_headers = allowed.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed_headers and "content-type" in allowed_headers
        assert set(allowed.headers["access-control-allow-methods"].replace(" ", "").split(",")) == {"GET", "POST"}
        assert_security_headers(allowed)
        other = await client.options("/graphql", headers={"origin": "https://evil.example", **preflight})
        assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
        deleting = await client.options("/graphql", headers={
            "origin": ALLOWED, "access-control-request-method": "DELETE"})
        assert deleting.status_code == 400
    async with asgi_client(store, Settings(cors_origins=(ALLOWED,))) as client:
        query = {"query": "{ provinces { totalCount } }"}
        simple = await client.post("/graphql", json=query, headers={"origin": ALLOWED})
        assert simple.status_code == 200 and simple.headers["access-control-allow-origin"] == ALLOWED
        assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()
        foreign = await client.post("/graphql", json=query, headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in foreign.headers


async def test_no_cors_without_listed_origins(store: FalkorStore) -> None:
    async with asgi_client(store, Settings(), role=None) as client:
        preflight = await client.options("/graphql", headers={
            "origin": ALLOWED, "access-control-request-method": "POST"})
        assert "access-control-allow-origin" not in preflight.headers
        assert preflight.status_code == 401  # nothing answers it before authentication
    async with asgi_client(store) as client:
        response = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"origin": ALLOWED})
        assert response.status_code == 200 and "access-control-allow-origin" not in response.headers


async def test_production_turns_off_introspection_and_graphiql(store: FalkorStore) -> None:
    production = Settings.from_env({"HUB_ENV": "production"})
    assert not production.introspection_on and not production.graphiql_on
    async with asgi_client(store, production) as client:
        refused = await client.post("/graphql", json={"query": INTROSPECTION})
        assert "data" not in refused.json()
        assert "introspection has been disabled" in refused.json()["errors"][0]["message"]
        spec = await client.post("/graphql", json={"query": "{ __type(name: \"Query\") { name } }"},
                                 headers={"accept": "application/graphql-response+json"})
        assert spec.status_code == 400
        typename = await client.post("/graphql", json={"query": "{ __typename }"})
        assert typename.json() == {"data": {"__typename": "Query"}}
        page = await client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 404
        assert (await client.get(f"{graphiql.MOUNT}/graphiql.min.js")).status_code == 404
        for response in (refused, page, await client.get("/healthz")):
            assert_security_headers(response, hsts=True)
    switched = Settings.from_env({"HUB_ENV": "production", "HUB_INTROSPECTION": "on"})
    async with asgi_client(store, switched) as client:
        assert (await client.post("/graphql", json={"query": INTROSPECTION})).json() == {
            "data": {"__schema": {"queryType": {"name": "Query"}}}}


@pytest.mark.parametrize("env", [{}, {"HUB_ENV": "development"}])
async def test_development_keeps_introspection(store: FalkorStore, env: dict[str, str]) -> None:
    settings = Settings.from_env(env)
    assert settings.introspection_on and settings.graphiql_on
    async with asgi_client(store, settings) as client:
        response = await client.post("/graphql", json={"query": INTROSPECTION})
        assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
        assert_security_headers(response, hsts=False)
        assert (await client.get("/graphql", headers={"accept": "text/html"})).status_code == 200
