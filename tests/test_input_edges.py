"""Edges of input and configuration, probed as an attacker would (issue 15, sections 4 and 6).

Every route and method without credentials; a huge number in every numeric argument and an
over-long text in every String argument, both enumerated from the schema (a new argument cannot
be missed); bodies that are not UTF-8; lone surrogates anywhere in a request; documents of several
operations; forged X-Forwarded-For; weak JWT keys, empty subjects, editor tokens without a scope.
One graph for the module: every probe here is refused before it writes anything."""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import AsyncIterator, Iterator, MutableMapping
from typing import Any

import httpx
import jwt
import pytest
from falkordb.asyncio import FalkorDB
from graphql import (
    GraphQLArgument,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
)
from starlette.routing import Mount, Route

from graph_model.enums import Label, Rel
from graph_model.errors import ValidationFailed
from graph_model.model import MAX_AMOUNT, validate_node, validate_rel
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from graph_model.text import text_limit
from hub.app import create_app
from hub.http import graphiql, web_app
from hub.http.graphql_over_http import HubGraphQL
from hub.http.rate_limit import client_address
from hub.schema import build_schema
from hub.settings import Limits, Settings
from hub.strawberry_compat import graphql_schema
from seed.dataset import Dataset
from seed.loader import load
from tests.asgi import TEST_JWT_KEY, asgi_client, token

SPEC = {"accept": "application/graphql-response+json"}
# Hundreds of probes from one key: the rate limit is not what these tests are about.
UNLIMITED = Settings(jwt_key=TEST_JWT_KEY, limits=Limits(rate_per_minute=0))
PROVINCES = "{ provinces { totalCount } }"


@pytest.fixture(scope="module")
async def world(server: EmbeddedServer) -> AsyncIterator[FalkorStore]:
    store = FalkorStore(FalkorDB(unix_socket_path=str(server.socket_path)), f"edges_{os.getpid()}",
                        location=str(server.socket_path))
    await store.ensure_schema()
    ds = Dataset("edges")
    ds.node(Label.PROVINCE, "IR-00", nameFa="استان", nameEn="Province", generated=True, source="test")
    await load(store, ds)
    try:
        yield store
    finally:
        await store.clear()
        await store.close()


def invalid_fields(response: httpx.Response) -> list[str]:
    """The fields of a VALIDATION_FAILED request error (asserting that it is one and nothing ran)."""
    body = response.json()
    assert "data" not in body or body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED", body
    return [f["field"] for f in error["extensions"]["fields"]]


# -- section 4: every request that can run an operation is authenticated ---------------------------

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")
PUBLIC = {"/healthz", "/readyz", "/"}  # "/": the web app's static page (hub.http.web_app)


def requests_of(app: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every route of the app with every method, and the forms /graphql takes: read from the app's
    routes, so a route added later is probed too."""
    for route in app.routes:
        if isinstance(route, Mount):
            continue  # static files only: probed below
        assert isinstance(route, Route)
        path = route.path.replace("{", "").replace("}", "")
        for method in METHODS:
            yield method, path, {}
    introspection = "{ __schema { queryType { name } } }"
    apq = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}})
    for accept in ("text/html", "*/*", "application/json", "text/html, application/json"):
        for params in ({"query": PROVINCES}, {"query": introspection}, {"query": ""}, {"extensions": apq},
                       {"query": PROVINCES, "extensions": apq}, {"query": PROVINCES, "operationName": "x"}):
            yield "GET", "/graphql", {"params": params, "headers": {"accept": accept}}
            yield "GET", "/graphql/", {"params": params, "headers": {"accept": accept}}
    for body in ({"query": PROVINCES}, {"query": introspection}, [{"query": PROVINCES}],
                 {"extensions": json.loads(apq)}):
        yield "POST", "/graphql", {"json": body, "headers": {"accept": "text/html"}}
    yield "POST", "/graphql", {"data": {"query": PROVINCES}}  # a form
    yield "POST", "/graphql", {"files": {"operations": (None, json.dumps({"query": PROVINCES}))}}  # multipart
    yield "GET", "/export/coverage.csv", {"params": {"service": "x"}}
    yield "GET", "/export/3w.csv", {}


async def test_every_route_and_method_needs_credentials(world: FalkorStore) -> None:
    app = create_app(UNLIMITED, store=world)
    asked = 0
    async with asgi_client(world, UNLIMITED, role=None) as http:
        for method, path, extra in requests_of(app):
            response = await http.request(method, path, **extra)
            asked += 1
            if path in PUBLIC:
                assert response.status_code < 400 or method not in ("GET", "HEAD"), (method, path)
                continue
            if (method, path, extra) == ("GET", "/graphql", {}):  # httpx accepts */*: the IDE page
                assert response.headers["content-type"].startswith("text/html")
                continue
            assert response.status_code == 401, (method, path, extra, response.status_code, response.text[:300])
            if method != "HEAD":
                assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        # What is served without credentials runs nothing: the IDE page and its static assets.
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.text == graphiql.page()  # the static page, nothing of the graph
        assert (await http.get(f"{graphiql.MOUNT}/graphiql.min.js")).status_code == 200
        # The web app: its page and hashed assets, static files that run nothing.
        app_page = await http.get("/")
        assert app_page.status_code == 200 and app_page.text == (web_app.BUILD / "index.html").read_text()
        for asset in (web_app.BUILD / "assets").iterdir():
            assert (await http.get(f"{web_app.ASSETS}/{asset.name}")).content == asset.read_bytes()
        # Only the page and the assets: the manifest next to them is not served, however it is asked for.
        assert (await http.get("/build.json")).status_code == 401
        assert (await http.get(f"{web_app.ASSETS}/%2e%2e/build.json")).status_code == 404
    assert asked > 80


async def test_mounted_under_a_prefix_and_over_websocket_nothing_runs_unauthenticated(world: FalkorStore) -> None:
    """The middleware reads paths as the router does (relative to root_path), and no route speaks
    WebSocket, where GraphQL subscriptions or queries would run past it."""
    app = create_app(Settings(jwt_key=TEST_JWT_KEY), store=world)
    sent: list[dict[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": json.dumps({"query": PROVINCES}).encode(), "more_body": False}

    base = {"http_version": "1.1", "query_string": b"", "client": ("127.0.0.1", 1), "server": ("hub", 80),
            "scheme": "http", "state": {"store": world, "settings": Settings(jwt_key=TEST_JWT_KEY)}}
    headers = [(b"content-type", b"application/json"), (b"accept", b"text/html")]
    await app({**base, "type": "http", "method": "POST", "path": "/hub/graphql", "raw_path": b"/hub/graphql",
               "root_path": "/hub", "headers": headers}, receive, send)
    assert sent[0]["status"] == 401, sent
    sent.clear()

    async def connect() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    await app({**base, "type": "websocket", "path": "/graphql", "raw_path": b"/graphql", "root_path": "",
               "headers": [(b"sec-websocket-protocol", b"graphql-transport-ws")],
               "subprotocols": ["graphql-transport-ws"]}, connect, send)
    assert [m["type"] for m in sent] == ["websocket.close"], sent


async def test_the_view_itself_refuses_a_request_without_a_principal(world: FalkorStore) -> None:
    """Were the middleware ever bypassed, the GraphQL view runs nothing without a principal: not a
    query, not introspection, not an APQ registration."""
    view = HubGraphQL(build_schema(Settings()), graphql_ide="graphiql")
    settings = Settings()
    transport = httpx.ASGITransport(app=lambda scope, receive, send: view(
        {**scope, "state": {"store": world, "settings": settings}}, receive, send))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        for response in (await http.post("/graphql", json={"query": PROVINCES}),
                         await http.post("/graphql", json={"query": "{ __schema { types { name } } }"}),
                         await http.get("/graphql", params={"query": PROVINCES}, headers={"accept": "text/html"})):
            assert response.status_code == 401, response.text
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert (await http.get("/graphql", headers={"accept": "text/html"})).status_code == 200  # the page


# -- section 6: numbers and texts in every argument, enumerated from the schema --------------------

@functools.cache
def served() -> GraphQLSchema:
    return graphql_schema(build_schema(Settings()))


def positions(kinds: set[str]) -> Iterator[tuple[str, str, str, list[str], GraphQLScalarType]]:
    """(operation, root field, argument, path inside it, scalar) of every argument or input field
    (nested inputs included) whose scalar is one of ``kinds``."""
    schema = served()
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert root is not None
        for name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                yield from ((operation, name, arg_name, path, scalar)
                            for path, scalar in _inside(arg, kinds, set()))


def _inside(spec: GraphQLArgument | GraphQLInputField, kinds: set[str],
            seen: set[str]) -> Iterator[tuple[list[str], GraphQLScalarType]]:
    named = get_named_type(spec.type)
    if isinstance(named, GraphQLScalarType) and named.name in kinds:
        yield [], named
    elif isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        for name, inner in named.fields.items():
            yield from (([name, *path], scalar) for path, scalar in _inside(inner, kinds, seen | {named.name}))


def _is_list(schema_field: Any) -> bool:
    return "[" in str(schema_field)


def variable_value(path: list[str], value: Any) -> Any:
    for name in reversed(path):
        value = {name: value}
    return value


def literal(path: list[str], value: str) -> str:
    for name in reversed(path):
        value = f"{{{name}: {value}}}"
    return value


def arg_type(operation: str, field: str, arg: str) -> str:
    schema = served()
    root = schema.query_type if operation == "query" else schema.mutation_type
    assert root is not None
    return str(root.fields[field].args[arg].type)


HUGE = {"Int": "99999999999999999999999", "Float": "1e400", "Rials": "99999999999999999999999"}


async def test_a_huge_number_in_every_numeric_argument_is_validation_failed(world: FalkorStore) -> None:
    found = list(positions({"Int", "Float", "Rials"}))
    assert {s.name for *_, s in found} == {"Int", "Float", "Rials"} and len(found) > 60
    async with asgi_client(world, UNLIMITED) as http:
        for operation, field, arg, path, scalar in found:
            where = ".".join([arg, *path])
            raw = HUGE[scalar.name]
            # by variable: the JSON number itself (1e400 is infinity once decoded)
            kind = arg_type(operation, field, arg)
            document = f"{operation}($v: {kind}) {{ {field}({arg}: $v) {{ __typename }} }}"
            body = json.dumps({"query": document, "variables": {"v": variable_value(path, "HUGE")}})
            response = await http.post("/graphql", content=body.replace('"HUGE"', raw).encode(),
                                       headers={"content-type": "application/json"})
            assert where in invalid_fields(response), (field, where, response.text)
            # as a literal in the document
            document = f"{operation} {{ {field}({arg}: {literal(path, raw)}) {{ __typename }} }}"
            literal_response = await http.post("/graphql", json={"query": document})
            assert where in invalid_fields(literal_response), (field, where, literal_response.text)


async def test_amounts_are_bounded_where_totals_stay_exact(world: FalkorStore) -> None:
    document = ('mutation($a: Rials!) { recordDonation(input: {donor: "d", institution: "i", amount: $a, '
                'date: "2024-01-01"}) { __typename } }')
    async with asgi_client(world) as http:
        for amount in (MAX_AMOUNT + 1, str(MAX_AMOUNT + 1), f"{MAX_AMOUNT + 1:,}", -MAX_AMOUNT - 1, 2**63 - 1):
            response = await http.post("/graphql", json={"query": document, "variables": {"a": amount}})
            assert invalid_fields(response) == ["input.amount"], (amount, response.text)
        filtered = await http.post("/graphql", json={
            "query": '{ donations(filter: {amountMin: "1000000000000000001"}) { totalCount } }'})
        assert invalid_fields(filtered) == ["filter.amountMin"]
        within = await http.post("/graphql", json={"query": f'{{ donations(filter: {{amountMax: "{MAX_AMOUNT}"}}) '
                                                            "{ totalCount } }"})
        assert within.json()["data"] == {"donations": {"totalCount": 0}}, within.text
    # the domain refuses it too, whatever path a row comes by (the CLI, imports, the seed loader)
    with pytest.raises(ValidationFailed) as refused:
        validate_rel(Rel.DONATED_TO, "d", "i", {"key": "k", "amount": MAX_AMOUNT + 1, "date": "2024-01-01"})
    assert [e.field for e in refused.value.errors] == ["amount"]


async def test_an_over_long_text_in_every_string_argument_is_validation_failed(world: FalkorStore) -> None:
    found = list(positions({"String", "ID", "Date", "DateTime"}))
    assert len(found) > 200
    async with asgi_client(world, UNLIMITED) as http:
        for operation, field, arg, path, _ in found:
            where = ".".join([arg, *path])
            kind = arg_type(operation, field, arg)
            long = "x" * (text_limit(where) + 1)
            inner = [long] if _is_list(_field_type(operation, field, arg, path)) else long
            document = f"{operation}($v: {kind}) {{ {field}({arg}: $v) {{ __typename }} }}"
            variables = {"v": variable_value(path, inner)}
            response = await http.post("/graphql", json={"query": document, "variables": variables})
            fields = invalid_fields(response)
            assert fields == [where], (field, where, response.text[:300])
        # at the limit a name is taken (the refusal, if any, is not about its length)
        at_limit = await http.post("/graphql", json={"query": "query($s: String) { provinces(filter: {search: $s}) "
                                                              "{ totalCount } }", "variables": {"s": "x" * 200}})
        assert at_limit.json() == {"data": {"provinces": {"totalCount": 0}}}


def _field_type(operation: str, field: str, arg: str, path: list[str]) -> Any:
    schema = served()
    root = schema.query_type if operation == "query" else schema.mutation_type
    assert root is not None
    spec: Any = root.fields[field].args[arg]
    for name in path:
        spec = get_named_type(spec.type).fields[name]
    return spec.type


def test_the_model_refuses_what_the_stores_cannot_hold() -> None:
    """The CLI, imports and the seed loader write through the model's validation, not the API."""
    cases = {"nameFa": "ن" * 201, "lat": float("inf"), "lon": 200.0, "population": 2**63}
    for name, value in cases.items():
        label = Label.COUNTY if name == "population" else Label.INSTITUTION
        props: dict[str, Any] = {"nameFa": "ن", "nameEn": "n", "kind": "CARE_CENTRE", "provinceKey": "IR-00",
                                 name: value}
        if label is Label.COUNTY:
            props.pop("kind")
        with pytest.raises(ValidationFailed) as refused:
            validate_node(label, "k", props)
        assert name in [e.field for e in refused.value.errors], (name, refused.value.errors)
    with pytest.raises(ValidationFailed) as refused:
        validate_node(Label.PERSON, "k" * 101, {"nameFa": "a\ud800", "nameEn": "n"})
    assert [e.field for e in refused.value.errors] == ["key", "nameFa"]


# -- section 6: bodies, characters and operations ----------------------------------------------

@pytest.mark.parametrize("raw", [b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"caf\xe9"])
async def test_a_body_that_is_not_utf8_is_a_400_json_error(world: FalkorStore, raw: bytes) -> None:
    async with asgi_client(world) as http:
        for accept in ({}, SPEC):
            body = b'{"query": "{ provinces(filter: {search: \\"' + raw + b'\\"}) { totalCount } }"}'
            response = await http.post("/graphql", content=body, headers={"content-type": "application/json", **accept})
            assert response.status_code == 400, response.text
            # CESU-8 (a surrogate's three bytes) is read by Python's JSON as that surrogate: refused so
            message = response.json()["errors"][0]["message"]
            assert ("lone surrogate" if raw == b"\xed\xa0\x80" else "not valid UTF-8") in message, message
        # over GET the query string decodes with replacement characters: never a 500
        get = await http.get("/graphql?query=%7Bprovinces(filter%3A%7Bsearch%3A%22%FF%22%7D)%7BtotalCount%7D%7D")
        assert get.status_code < 500 and get.json()


async def test_a_lone_surrogate_anywhere_is_validation_failed_naming_where(world: FalkorStore) -> None:
    query = "query($s: String) { provinces(filter: {search: $s}) { totalCount } }"
    bodies = {
        "variables.s": '{"query": "QUERY", "variables": {"s": "a\\ud800b"}}',
        "variables (a key)": '{"query": "QUERY", "variables": {"\\udfff": "x"}}',
        "query": '{"query": "{ provinces(filter: {search: \\"\\ud83d\\"}) { totalCount } }"}',
        "operationName": '{"query": "QUERY", "operationName": "\\ud800"}',
        "extensions.x": '{"query": "QUERY", "extensions": {"x": "\\udc00"}}',
    }
    async with asgi_client(world) as http:
        for where, body in bodies.items():
            response = await http.post("/graphql", content=body.replace("QUERY", query).encode(),
                                       headers={"content-type": "application/json"})
            assert response.status_code == 400 and invalid_fields(response) == [where], (where, response.text)
            assert "statement" not in response.text
        over_get = await http.get("/graphql", params={"query": query, "variables": '{"s": "\\ud800"}'})
        assert over_get.status_code == 400 and invalid_fields(over_get) == ["variables.s"]
        # a real pair is a character like any other
        body = '{"query": "QUERY", "variables": {"s": "\\ud83d\\ude00"}}'.replace("QUERY", query)
        pair = await http.post("/graphql", content=body.encode(), headers={"content-type": "application/json"})
        assert pair.json() == {"data": {"provinces": {"totalCount": 0}}}


async def test_several_operations_need_an_operation_name(world: FalkorStore) -> None:
    document = "query A { provinces { totalCount } } query B { __typename }"
    mixed = 'query A { __typename } mutation B { deleteProvince(key: "IR-00") { __typename } }'
    async with asgi_client(world) as http:
        for response in (await http.post("/graphql", json={"query": document}, headers=SPEC),
                         await http.get("/graphql", params={"query": document}, headers=SPEC),
                         await http.post("/graphql", json={"query": mixed}, headers=SPEC)):
            assert response.status_code == 400 and invalid_fields(response) == ["operationName"], response.text
        named = await http.post("/graphql", json={"query": document, "operationName": "B"})
        assert named.json() == {"data": {"__typename": "Query"}}
        assert (await http.get("/graphql", params={"query": document, "operationName": "A"})).json() == {
            "data": {"provinces": {"totalCount": 1}}}
        one = await http.post("/graphql", json={"query": "query Only { provinces { totalCount } }"})
        assert one.json() == {"data": {"provinces": {"totalCount": 1}}}
    async with asgi_client(world) as http:
        assert (await http.post("/graphql", json={"query": PROVINCES})).json()["data"]["provinces"]["totalCount"] == 1


# -- section 6: forwarded addresses ---------------------------------------------------------------

async def test_a_forged_x_forwarded_for_does_not_escape_the_anonymous_rate_limit(world: FalkorStore) -> None:
    limited = Settings.from_env({"HUB_ANONYMOUS": "on", "HUB_RATE_LIMIT": "1", "HUB_RATE_BURST": "2"})
    async with asgi_client(world, limited, role=None) as http:
        statuses = [(await http.post("/graphql", json={"query": PROVINCES},
                                     headers={"x-forwarded-for": f"203.0.113.{i}, 10.0.0.{i}"})).status_code
                    for i in range(5)]
        assert statuses == [200, 200, 429, 429, 429]
    # behind a proxy listed in HUB_TRUSTED_PROXIES, the address it saw is the client's
    trusting = Settings.from_env({"HUB_ANONYMOUS": "on", "HUB_RATE_LIMIT": "1", "HUB_RATE_BURST": "2",
                                  "HUB_TRUSTED_PROXIES": "127.0.0.0/8"})
    async with asgi_client(world, trusting, role=None) as http:
        statuses = [(await http.post("/graphql", json={"query": PROVINCES},
                                     headers={"x-forwarded-for": f"203.0.113.{i}"})).status_code for i in range(4)]
        assert statuses == [200] * 4
        # ...but a client writing its own chain in front of the proxy's entry gains nothing
        spoofed = [(await http.post("/graphql", json={"query": PROVINCES},
                                    headers={"x-forwarded-for": f"198.51.100.{i}, 192.0.2.7"})).status_code
                   for i in range(4)]
        assert spoofed == [200, 200, 429, 429]


def test_client_address_believes_only_trusted_proxies() -> None:
    trusted = Settings.from_env({"HUB_TRUSTED_PROXIES": "10.0.0.0/8, ::1"}).trusted_proxies

    def scope(peer: str, *forwarded: str) -> dict[str, Any]:
        return {"client": (peer, 1), "headers": [(b"x-forwarded-for", f.encode()) for f in forwarded]}

    assert client_address(scope("203.0.113.9", "1.2.3.4")) == "203.0.113.9"  # no trusted proxies at all
    assert client_address(scope("203.0.113.9", "1.2.3.4"), trusted) == "203.0.113.9"  # peer not trusted
    assert client_address(scope("10.0.0.2", "1.2.3.4, 10.0.0.9"), trusted) == "1.2.3.4"
    assert client_address(scope("10.0.0.2", "6.6.6.6, 1.2.3.4"), trusted) == "1.2.3.4"
    assert client_address(scope("10.0.0.2", "6.6.6.6", "1.2.3.4"), trusted) == "1.2.3.4"  # several headers
    assert client_address(scope("10.0.0.2", "not-an-address"), trusted) == "10.0.0.2"
    assert client_address(scope("::1", "2001:db8::1"), trusted) == "2001:db8::1"
    assert client_address(scope("10.0.0.2"), trusted) == "10.0.0.2"
    with pytest.raises(ValidationFailed, match="HUB_TRUSTED_PROXIES"):
        Settings.from_env({"HUB_TRUSTED_PROXIES": "everyone"})


# -- section 6: JWTs ------------------------------------------------------------------------------

def test_a_short_hs256_key_is_refused_at_start_up() -> None:
    for key in ("k", "x" * 31, "é" * 15):  # 30 bytes of UTF-8
        with pytest.raises(ValidationFailed, match="at least 32 bytes") as refused:
            Settings.from_env({"HUB_JWT_KEY": key})
        assert [e.field for e in refused.value.errors] == ["HUB_JWT_KEY"]
        with pytest.raises(ValidationFailed):
            Settings(jwt_key=key)  # made in code, as tests and embedders do
    assert Settings.from_env({"HUB_JWT_KEY": "x" * 32}).jwt_key
    assert Settings.from_env({"HUB_JWT_KEY": "short-but-rs256", "HUB_JWT_ALGORITHM": "RS256"})  # a public key


async def test_tokens_need_a_subject_and_writers_an_explicit_scope(world: FalkorStore) -> None:
    def bearer(**claims: Any) -> dict[str, str]:
        claims = {"sub": "u-1", "role": "editor", "exp": int(time.time()) + 60, **claims}
        claims = {k: v for k, v in claims.items() if v is not None}
        return {"Authorization": "Bearer " + jwt.encode(claims, TEST_JWT_KEY, algorithm="HS256")}

    async def status(headers: dict[str, str]) -> tuple[int, str]:
        response = await http.post("/graphql", json={"query": PROVINCES}, headers=headers)
        return response.status_code, response.json()["errors"][0]["message"] if response.status_code != 200 else ""

    async with asgi_client(world, role=None) as http:
        for sub in ("", "   "):
            code, text = await status(bearer(sub=sub, provinces="*"))
            assert code == 401 and "`sub` claim is empty" in text
        for role in ("editor", "planner"):
            code, text = await status(bearer(role=role, provinces=None))
            assert code == 401 and "no `provinces` claim" in text and '"*"' in text, text
            code, text = await status(bearer(role=role, provinces=[]))
            assert code == 401 and "empty `provinces` list" in text
            for scope in ("*", ["IR-00"]):
                assert (await status(bearer(role=role, provinces=scope)))[0] == 200
        for wrong in ("IR-00", ["IR-00", ""], [1], {"IR-00": True}):
            code, text = await status(bearer(provinces=wrong))
            assert code == 401 and "`provinces` claim must be a list" in text, wrong
        for role in ("viewer", "council_member", "admin"):  # nothing to scope, or never scoped
            assert (await status(bearer(role=role, provinces=None)))[0] == 200
        # the test helper's unscoped token says so explicitly
        assert jwt.decode(token("editor"), TEST_JWT_KEY, algorithms=["HS256"])["provinces"] == "*"
