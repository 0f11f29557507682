"""The HTTP layer of /graphql: GraphQL-over-HTTP conventions, request ids, masked errors and their
log lines, the parser/validation caches, and GraphiQL served offline (rendered by a real Chromium)."""

from __future__ import annotations

import gc
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from strawberry.extensions import ParserCache, ValidationCache

from graph_model import api_keys
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
from tests import browser
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
    response = await client.post("/graphql", json={"query": "{ coverage(question: {level: COUNTY, method: RATIO}) "
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
        client: httpx.AsyncClient, store: FalkorStore, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
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
    assert "trace-42" in record.getMessage() and getattr(record, "request_id") == "trace-42"  # noqa: B009 - from extra=
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
        client: httpx.AsyncClient, store: FalkorStore, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
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
        client: httpx.AsyncClient, store: FalkorStore, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("socket gone")

    monkeypatch.setattr(store, "read", broken)
    caplog.set_level(logging.ERROR, logger="hub")
    response = await client.get("/readyz")
    request_id = response.headers["x-request-id"]
    assert response.status_code == 500 and request_id in response.text and "socket gone" not in response.text
    assert request_id in caplog.text and "socket gone" in caplog.text and "Traceback" in caplog.text


async def test_parsing_and_validation_are_cached(client: httpx.AsyncClient, store: FalkorStore) -> None:
    parse: Any = ParserCache(maxsize=CACHE_SIZE).cached_parse_document  # the shared LRU the schema uses
    validate: Any = ValidationCache(maxsize=CACHE_SIZE).cached_validate_document
    query = "{ provinces(first: 1) { totalCount } }  # cache probe"
    async with asgi_client(store, Settings(prepared=False)) as through_strawberry:  # every request parsed
        await through_strawberry.post("/graphql", json={"query": query})
        parsed, validated = parse.cache_info().hits, validate.cache_info().hits
        await through_strawberry.post("/graphql", json={"query": query})
    assert parse.cache_info().hits == parsed + 1 and validate.cache_info().hits == validated + 1
    assert parse.cache_info().maxsize == validate.cache_info().maxsize == CACHE_SIZE
    # By default a text that ran once is answered from its kept document (hub.http.prepared): not looked up.
    first = (await client.post("/graphql", json={"query": query})).json()
    parsed, validated = parse.cache_info().hits, validate.cache_info().hits
    assert (await client.post("/graphql", json={"query": query})).json() == first and "errors" not in first
    assert parse.cache_info().hits == parsed and validate.cache_info().hits == validated


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


async def test_graphiql_asks_for_a_key_and_sends_it_in_a_real_browser(store: FalkorStore) -> None:
    """GraphiQL in Debian's Chromium (Playwright): the key field, a refused key, a good one that every
    request carries and that brings the schema, the key kept over a reload, the Headers tab winning;
    nothing fetched from another host, no console error, no CSP violation."""
    ds = Dataset("browser")
    for code in ("IR-00", "IR-01"):
        ds.node(Label.PROVINCE, code, nameFa="استان", nameEn=code, generated=True, source="test")
    await load(store, ds)
    _, viewer = await api_keys.create(store, "viewer", note="browser test")
    bad = "hub_000000000000_" + "x" * 43
    expect = browser.expect()
    async with browser.serve(create_app(Settings(), store=store)) as served, browser.chromium() as (page, seen):
        status, field = page.locator("#hub-key-status"), page.locator("#hub-key")

        async def use_key(key: str) -> None:
            await field.fill(key)
            async with page.expect_response(lambda r: r.url == served.base + "/graphql"):
                await page.get_by_role("button", name="Use key").click()

        def sent(key: str) -> list[str]:  # the requests to /graphql that carried "Bearer <key>"
            return [method + " " + url for method, url, headers in seen.requests
                    if url.startswith(served.base + "/graphql") and headers.get("authorization") == f"Bearer {key}"]

        await page.goto(served.base + "/graphql?q=" + quote("{ provinces { totalCount } }"))
        # No key yet: the refusal says so and where to get one; the docs have no schema.
        await expect(status).to_contain_text("No API key", timeout=20_000)
        await expect(status).to_contain_text("hub keys create --role viewer")
        await expect(status).to_contain_text("hub serve")
        await page.get_by_role("button", name="Show Documentation Explorer").click()
        await expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Error fetching schema")
        assert 'class="graphiql-container"' in await page.content() and "Loading…" not in await page.content()

        asked = len(seen.requests)
        await field.fill("not a key")
        await page.get_by_role("button", name="Use key").click()
        await expect(status).to_contain_text("That is not a key")
        assert len(seen.requests) == asked  # nothing sent

        await use_key(bad)
        await expect(status).to_contain_text("The key was refused (401: the API key is unknown or revoked)")
        await expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Error fetching schema")
        assert sent(bad)

        await use_key(viewer)
        await expect(status).to_contain_text("Key accepted")
        docs = page.locator(".graphiql-doc-explorer")
        await expect(docs.locator(".graphiql-doc-explorer-root-type").first).to_have_text("query")
        await expect(docs).to_contain_text("Query")
        introspections = [r for r in sent(viewer) if r.startswith("POST ")]
        assert introspections, seen.requests
        async with page.expect_response(lambda r: r.url == served.base + "/graphql") as answer:
            await page.locator(".graphiql-execute-button").click()
        assert (await answer.value).status == 200 and (await (await answer.value).json()) == {
            "data": {"provinces": {"totalCount": 2}}}
        await expect(page.locator(".graphiql-response")).to_contain_text('"totalCount": 2')
        assert len(sent(viewer)) == len(introspections) + 1  # the query carried the key too

        # A reload keeps the key (sessionStorage) and loads the schema with it at once.
        requests_before = len(sent(viewer))
        await page.reload()
        await expect(status).to_contain_text("Key accepted", timeout=20_000)
        assert await field.input_value() == viewer
        assert await page.evaluate("sessionStorage.getItem('hub:apiKey')") == viewer
        assert viewer not in await page.evaluate("JSON.stringify(localStorage)")
        assert len(sent(viewer)) > requests_before

        # An Authorization header typed in the Headers tab wins over the key field.
        await page.get_by_role("button", name="Headers").click()
        await page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror").click()
        await page.keyboard.insert_text(json.dumps({"Authorization": f"Bearer {bad}"}))
        before = len(sent(bad))
        async with page.expect_response(lambda r: r.url == served.base + "/graphql") as answer:
            await page.locator(".graphiql-execute-button").click()
        assert (await answer.value).status == 401 and len(sent(bad)) == before + 1
        await expect(status).to_contain_text("Authorization header in the Headers tab was refused")

        # Forget: the key leaves the tab's storage (the schema is fetched again, with the tab's header).
        async with page.expect_response(lambda r: r.url == served.base + "/graphql"):
            await page.get_by_role("button", name="Forget").click()
        assert await field.input_value() == ""
        assert await page.evaluate("sessionStorage.getItem('hub:apiKey')") is None
        csp_violations = await page.evaluate("window.__cspViolations")

    assert csp_violations == []
    assert seen.errors == []
    # The only console errors are Chromium's own lines for the 401 answers the test asked for, and
    # for the favicon it asks for by itself (the hub serves none).
    errors = [text for kind, text in seen.console if kind == "error" and "401 (Unauthorized)" not in text]
    not_found = [path for _, path, status in served.answered if status == 404]
    assert len(errors) == len(not_found) and set(not_found) <= {"/favicon.ico"}, (errors, not_found)
    assert seen.requests and all(url.startswith(served.base + "/") for _, url, _ in seen.requests), seen.requests
    assets = {path for _, path, status in served.answered if path.startswith(graphiql.MOUNT) and status == 200}
    assert len(assets) == 6, served.answered


async def test_a_requests_loaders_are_freed_with_it_not_left_to_the_collector(small_world: FalkorStore) -> None:
    """The loaders' functions hold the loaders (a reference cycle): a request that left them for the
    collector left every row it loaded alive until a young pass, which then took 10-19 ms
    (benchmarks/README.md, issue 18). They are closed when the answer is built: a query's, and a
    mutation's (which also replaces them after its write)."""
    from hub.execution.loaders import Loaders
    from strawberry.dataloader import DataLoader

    query = ("{ institution(key: \"inst-a\") { key county { province { key } } services { totalCount } "
             "donations(first: 5) { nodes { amount donor { key } } } giving { amount } } "
             "institutions(first: 2) { nodes { key county { key } } } }")
    mutation = ("mutation { recordDonation(input: {donor: \"donor-1\", amount: 5, date: \"2024-01-02\", "
                "institution: \"inst-a\"}) { __typename ... on Donation { key donor { key } institution { key } } } }")
    async with asgi_client(small_world) as client:
        for body in ({"query": query}, {"query": mutation}):
            first = (await client.post("/graphql", json=body)).json()  # warm: caches built once stay alive
            assert "errors" not in first and first["data"], first
            gc.collect()
            # Loaders of earlier requests still held somewhere may become garbage meanwhile (seen: those of the
            # broken-hook test above, with its traceback's frames, after other files' tests): only this request's count.
            before = {id(o) for o in gc.get_objects() if isinstance(o, (Loaders, DataLoader))}
            gc.set_debug(gc.DEBUG_SAVEALL)
            try:
                answer = (await client.post("/graphql", json=body)).json()
                gc.collect()
                left = [type(o).__name__ for o in gc.garbage
                        if isinstance(o, (Loaders, DataLoader)) and id(o) not in before]
            finally:
                gc.set_debug(0)
                gc.garbage.clear()
            assert "errors" not in answer and answer["data"], answer
            assert left == [], f"{body['query'][:20]}: {left}"
