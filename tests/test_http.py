"""The HTTP layer of /graphql: GraphQL-over-HTTP conventions, request ids, masked errors and their
log lines, the parser/validation caches, and GraphiQL served offline (rendered by a real Chromium)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from strawberry.extensions import ParserCache, ValidationCache

from graph_model.enums import Label
from graph_model.errors import FieldError, NotFound
from graph_model.stores.falkordb import FalkorStore
from hub.http import graphiql
from hub.app import create_app
from hub.http.graphql_over_http import GRAPHQL_RESPONSE, response_media_type
from hub.http.request_id import accept_request_id
from hub.schema.extensions import CACHE_SIZE, ErrorCodes
from hub.settings import Settings
from seed.dataset import Dataset
from seed.loader import load
from tests.asgi import asgi_client

QUERY = "{ provinces { totalCount nodes { key } } }"
SPEC = {"accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}
HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
async def client(store: FalkorStore) -> AsyncIterator[httpx.AsyncClient]:
    ds = Dataset("one")
    ds.node(Label.PROVINCE, "IR-00", nameFa="استان", nameEn="Province", generated=True, source="test")
    await load(store, ds)
    async with asgi_client(store) as c:
        yield c


async def test_post_and_get_run_queries(client: httpx.AsyncClient) -> None:
    post = await client.post("/graphql", json={"query": QUERY})
    get = await client.get("/graphql", params={"query": QUERY}, headers={"accept": "application/json"})
    for response in (post, get):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"data": {"provinces": {"totalCount": 1, "nodes": [{"key": "IR-00"}]}}}
    with_variables = await client.get("/graphql", params={
        "query": "query($k: String!) { province(key: $k) { nameEn } }", "variables": '{"k": "IR-00"}'})
    assert with_variables.json() == {"data": {"province": {"nameEn": "Province"}}}


async def test_a_mutation_over_get_is_405_allow_post(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { x }"})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert "mutations are not allowed" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "HEAD"])
async def test_other_methods_are_405(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/graphql", json={"query": QUERY})
    assert response.status_code == 405 and response.headers["allow"] == "GET, POST"


@pytest.mark.parametrize(("body", "reason"), [
    ('{"query": ', "Unable to parse request body as JSON"),
    ('"{ provinces { totalCount } }"', "Expected a JSON object"),
    ("12", "Expected a JSON object"),
    ("{}", "No GraphQL query found"),
    ('{"query": ""}', "No GraphQL query found"),
    ('{"query": null}', "No GraphQL query found"),
    ('{"query": 7}', "`query` must be a string"),
    ('{"query": "{ provinces { totalCount } }", "variables": [1]}', "`variables` must be an object"),
    ('{"query": "{ provinces { totalCount } }", "variables": "{}"}', "`variables` must be an object"),
    ('{"query": "{ provinces { totalCount } }", "operationName": 3}', "`operationName` must be a string"),
])
async def test_malformed_requests_are_400(client: httpx.AsyncClient, body: str, reason: str) -> None:
    for headers in ({}, SPEC):
        response = await client.post("/graphql", content=body, headers={"content-type": "application/json", **headers})
        assert response.status_code == 400, (body, response.text)
        assert reason in response.json()["errors"][0]["message"]
        assert response.headers["content-type"] == (GRAPHQL_RESPONSE if headers else "application/json")


async def test_get_checks_its_parameters_too(client: httpx.AsyncClient) -> None:
    accept = {"accept": "application/json"}
    assert (await client.get("/graphql", headers=accept)).status_code == 400  # no query
    bad = await client.get("/graphql", params={"query": QUERY, "variables": "[1]"}, headers=accept)
    assert bad.status_code == 400 and "`variables` must be an object" in bad.json()["errors"][0]["message"]


@pytest.mark.parametrize("content_type",
                         ["text/plain", "application/graphql", "application/x-www-form-urlencoded", None])
async def test_other_request_media_types_are_415(client: httpx.AsyncClient, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post("/graphql", content=json.dumps({"query": QUERY}), headers=headers)
    assert response.status_code == 415, response.text
    charset = await client.post("/graphql", content=json.dumps({"query": QUERY}),
                                headers={"content-type": "application/json; charset=utf-8"})
    assert charset.status_code == 200


@pytest.mark.parametrize(("accept", "media"), [
    (None, "application/json"), ("*/*", "application/json"), ("application/json", "application/json"),
    (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE), (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
    (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
    (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
    (f"{GRAPHQL_RESPONSE};q=0", "application/json"), ("text/plain", "application/json"),
    ("APPLICATION/GRAPHQL-RESPONSE+JSON; charset=utf-8", GRAPHQL_RESPONSE),
])
def test_the_response_media_type_follows_accept(accept: str | None, media: str) -> None:
    assert response_media_type(accept) == media


@pytest.mark.parametrize(("query", "variables"), [
    ("{ provinces { nope } }", None),  # validation
    ("{ provinces { totalCount ", None),  # syntax
    ("query($n: Int!) { provinces(first: $n) { totalCount } }", {"n": "many"}),  # variable coercion
])
async def test_requests_that_cannot_run(client: httpx.AsyncClient, query: str, variables: Any) -> None:
    body = {"query": query, "variables": variables}
    legacy = await client.post("/graphql", json=body, headers={"accept": "application/json"})
    spec = await client.post("/graphql", json=body, headers=SPEC)
    assert legacy.status_code == 200 and legacy.headers["content-type"] == "application/json"
    assert spec.status_code == 400 and spec.headers["content-type"] == GRAPHQL_RESPONSE
    for response in (legacy, spec):
        assert "data" not in response.json()  # execution never started
        message = response.json()["errors"][0]["message"]
        assert message != "Unexpected error." and ("nope" in message or "Syntax" in message or "many" in message)


async def test_field_errors_keep_200_under_the_spec_media_type(client: httpx.AsyncClient) -> None:
    # A resolver's refusal (neither a service nor a target group asked), not a request error.
    response = await client.post("/graphql", json={"query": "{ coverage(level: COUNTY, method: RATIO) "
                                                            "{ __typename } }"}, headers=SPEC)
    assert response.status_code == 200 and response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert body["data"] is None  # coverage is non-null: the error nulls the whole data
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"


async def test_request_ids_are_generated_or_reused(client: httpx.AsyncClient) -> None:
    generated = await client.post("/graphql", json={"query": QUERY})
    assert HEX_ID.fullmatch(generated.headers["x-request-id"])
    reused = await client.get("/healthz", headers={"x-request-id": "edge-1.abc_DEF"})
    assert reused.headers["x-request-id"] == "edge-1.abc_DEF"
    for bad in ("a" * 65, "x y", "id\u00e9", ""):
        assert HEX_ID.fullmatch(accept_request_id(bad))
    replaced = await client.get("/healthz", headers={"x-request-id": "<script>"})
    assert HEX_ID.fullmatch(replaced.headers["x-request-id"])
    assert (await client.get("/nowhere")).headers["x-request-id"]  # even a 404 carries one


async def test_unexpected_errors_are_masked_and_logged_with_the_request_id(
        client: httpx.AsyncClient, store: FalkorStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("password=hunter2 leaked from the driver")

    monkeypatch.setattr(store, "read", broken)  # every read of every resolver fails
    caplog.set_level(logging.ERROR, logger="hub")
    response = await client.post("/graphql", json={"query": QUERY}, headers={"x-request-id": "trace-42"})
    assert response.status_code == 200
    assert "hunter2" not in response.text
    error = response.json()["errors"][0]
    assert error["message"] == "Unexpected error." and error["path"] == ["provinces"]
    assert error["extensions"] == {"requestId": "trace-42"} == {"requestId": response.headers["x-request-id"]}
    [record] = [r for r in caplog.records if r.name == "hub"]
    assert "trace-42" in record.getMessage() and getattr(record, "request_id") == "trace-42"
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    assert "hunter2" in caplog.text and "Traceback" in caplog.text and "in broken" in caplog.text


async def test_errors_raised_around_execution_are_masked_too(
        client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # An extension that fails skips MaskErrors (strawberry turns the exception into a result
    # outside the extension hooks); the HTTP view masks what reaches it unmasked.
    def broken_hook(self: Any) -> Iterator[None]:
        raise RuntimeError("secret in an extension")
        yield

    monkeypatch.setattr(ErrorCodes, "on_execute", broken_hook)
    caplog.set_level(logging.ERROR, logger="hub")
    legacy = await client.post("/graphql", json={"query": QUERY})
    spec = await client.post("/graphql", json={"query": QUERY}, headers=SPEC)
    assert legacy.status_code == 200 and spec.status_code == 500  # no data, and not the client's fault
    for response in (legacy, spec):
        assert "secret" not in response.text and "data" not in response.json()
        assert response.json()["errors"] == [{"message": "Unexpected error.",
                                              "extensions": {"requestId": response.headers["x-request-id"]}}]
        assert response.headers["x-request-id"] in caplog.text
    assert caplog.text.count("secret in an extension") >= 2


async def test_hub_errors_are_shown_with_code_and_fields(
        client: httpx.AsyncClient, store: FalkorStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    async def missing(*args: Any, **kwargs: Any) -> Any:
        raise NotFound("no such province", [FieldError("province", "IR-99 is unknown")])

    monkeypatch.setattr(store, "read", missing)
    caplog.set_level(logging.ERROR, logger="hub")
    response = await client.post("/graphql", json={"query": '{ province(key: "IR-99") { key } }'})
    error = response.json()["errors"][0]
    assert error["message"] == "no such province"
    assert error["extensions"] == {"code": "NOT_FOUND",
                                   "fields": [{"field": "province", "message": "IR-99 is unknown"}]}
    assert not [r for r in caplog.records if r.name == "hub"]


async def test_a_crash_outside_graphql_is_a_500_with_the_id(
        client: httpx.AsyncClient, store: FalkorStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("socket gone")

    monkeypatch.setattr(store, "read", broken)
    caplog.set_level(logging.ERROR, logger="hub")
    response = await client.get("/readyz")
    request_id = response.headers["x-request-id"]
    assert response.status_code == 500 and request_id in response.text and "socket gone" not in response.text
    assert request_id in caplog.text and "socket gone" in caplog.text and "Traceback" in caplog.text


async def test_parsing_and_validation_are_cached(client: httpx.AsyncClient) -> None:
    parse: Any = ParserCache(maxsize=CACHE_SIZE).cached_parse_document  # the shared LRU the schema uses
    validate: Any = ValidationCache(maxsize=CACHE_SIZE).cached_validate_document
    query = "{ provinces(first: 1) { totalCount } }  # cache probe"
    await client.post("/graphql", json={"query": query})
    parsed, validated = parse.cache_info().hits, validate.cache_info().hits
    await client.post("/graphql", json={"query": query})
    assert parse.cache_info().hits == parsed + 1 and validate.cache_info().hits == validated + 1
    assert parse.cache_info().maxsize == validate.cache_info().maxsize == CACHE_SIZE


async def test_graphiql_page_and_assets_are_local(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(urls) == 6 and all(u.startswith(graphiql.MOUNT + "/") for u in urls), urls
    for url in urls:
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert asset.content == (graphiql.ASSETS / url.rsplit("/", 1)[1]).read_bytes()
    licences = {p.name for p in graphiql.ASSETS.glob("LICENSE.*")}
    assert licences == {"LICENSE.react", "LICENSE.react-dom", "LICENSE.graphiql", "LICENSE.plugin-explorer"}
    assert sum(p.stat().st_size for p in graphiql.ASSETS.iterdir()) < 5_000_000


async def test_production_has_no_ide(store: FalkorStore) -> None:
    async with asgi_client(store, Settings(env="production")) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 404 and "graphiql" not in page.text.lower()
        assert (await client.get(f"{graphiql.MOUNT}/graphiql.min.js")).status_code == 404
        assert (await client.post("/graphql", json={"query": QUERY})).status_code == 200


async def test_graphiql_renders_in_a_real_browser(store: FalkorStore, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is needed for this test: apt-get install -y chromium")
    seen: list[tuple[str, str, int]] = []
    # GraphiQL's own introspection carries no key unless one is typed into its Headers tab.
    app = create_app(Settings(anonymous=True), store=store)

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        async def record(message: Any) -> None:
            if message["type"] == "http.response.start":
                seen.append((scope["method"], scope["path"], message["status"]))
            await send(message)
        await app(scope, receive, record if scope["type"] == "http" else send)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(recording, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if serving.done():
                pytest.fail(f"uvicorn did not start: {serving.exception()!r}")
            await asyncio.sleep(0.05)
        browser = await asyncio.create_subprocess_exec(
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=15000", "--dump-dom",
            f"http://127.0.0.1:{port}/graphql",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(browser.communicate(), timeout=120)
    finally:
        server.should_exit = True
        await serving
        sock.close()
    dom = out.decode()
    assert browser.returncode == 0, err.decode()[-2000:]
    # The placeholder div has no classes: these exist only once React has rendered GraphiQL.
    assert 'class="graphiql-container"' in dom, dom[:2000]
    assert "graphiql-query-editor" in dom and "CodeMirror" in dom
    assert "Loading…" not in dom
    assets = {path for method, path, status in seen if path.startswith(graphiql.MOUNT) and status == 200}
    assert len(assets) == 6, seen
    # GraphiQL fetched the schema (introspection) from the server it came from.
    assert ("POST", "/graphql", 200) in seen
