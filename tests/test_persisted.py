"""Persisted queries (Apollo's APQ protocol), the allow-list (HUB_ALLOWLIST) and
`hub operations register`, end to end through the ASGI app on a real store."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse
from rich.console import Console

from graph_model import persisted
from graph_model.enums import Label
from graph_model.errors import ValidationFailed
from graph_model.persisted import sha256_hex
from graph_model.stores.falkordb import FalkorStore
from hub.cli import operations as cli_operations
from hub.cli.main import parser
from hub.execution.persisted import PersistedQueries
from hub.settings import Settings
from hub_client import HubClient
from hub_client.exceptions import GraphQLClientHttpError
from hub_client.input_types import CreateProvinceInput
from seed.dataset import Dataset
from seed.loader import load
from tests.asgi import asgi_client

QUERY = "query Keys { provinces { totalCount nodes { key } } }"
DATA = {"provinces": {"totalCount": 1, "nodes": [{"key": "IR-00"}]}}
ALLOW = Settings.from_env({"HUB_ALLOWLIST": "on"})


def apq(text: str | None = None, key: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": key or sha256_hex(text or "")}}}
    if text is not None:
        body["query"] = text
    return body


def get_params(body: dict[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}


@pytest.fixture
async def one(store: FalkorStore) -> FalkorStore:
    ds = Dataset("one")
    ds.node(Label.PROVINCE, "IR-00", nameFa="استان", nameEn="Province", generated=True, source="test")
    await load(store, ds)
    return store


def error(response: httpx.Response) -> dict[str, Any]:
    [e] = response.json()["errors"]
    return e


async def test_apq_miss_then_register_then_hash_only(one: FalkorStore) -> None:
    key = sha256_hex(QUERY)
    async with asgi_client(one) as client:
        miss = await client.post("/graphql", json=apq(key=key))
        assert miss.status_code == 200  # Apollo clients retry with the query on this, not on a 4xx
        assert error(miss) == {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
        spec = await client.post("/graphql", json=apq(key=key),
                                 headers={"accept": "application/graphql-response+json"})
        assert spec.status_code == 200 and error(spec)["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        full = await client.post("/graphql", json=apq(QUERY))
        assert full.status_code == 200 and full.json() == {"data": DATA}
        hit = await client.post("/graphql", json=apq(key=key))
        assert hit.status_code == 200 and hit.json() == {"data": DATA}
    kept = await persisted.lookup(one, key)
    assert kept is not None and kept.text == QUERY and kept.name == "Keys" and not kept.registered
    async with asgi_client(one) as client:  # a new process: its cache is empty, the store has it
        assert (await client.post("/graphql", json=apq(key=key))).json() == {"data": DATA}


async def test_apq_over_get(one: FalkorStore) -> None:
    text = "{ provinces { nodes { nameEn } } }"
    async with asgi_client(one) as client:
        # httpx sends Accept */*: a GET without `query` must still not be taken for the IDE
        miss = await client.get("/graphql", params=get_params(apq(key=sha256_hex(text))))
        assert miss.status_code == 200 and error(miss)["message"] == "PersistedQueryNotFound"
        full = await client.get("/graphql", params=get_params(apq(text)))
        assert full.json() == {"data": {"provinces": {"nodes": [{"nameEn": "Province"}]}}}
        hit = await client.get("/graphql", params=get_params(apq(key=sha256_hex(text))))
        assert hit.status_code == 200 and hit.json() == full.json()
        mutation = "mutation { deleteProvince(key: \"IR-00\") { __typename } }"
        await client.post("/graphql", json=apq(mutation))  # runs and is kept (over POST)
        by_get = await client.get("/graphql", params=get_params(apq(key=sha256_hex(mutation))))
        assert by_get.status_code == 405  # a stored mutation is still no GET


async def test_a_hash_that_is_not_the_texts_is_refused(one: FalkorStore) -> None:
    other = sha256_hex("{ counts { label } }")
    async with asgi_client(one) as client:
        response = await client.post("/graphql", json=apq(QUERY, key=other))
        assert response.status_code == 400
        e = error(response)
        assert e["extensions"]["code"] == "VALIDATION_FAILED" and "does not match" in e["message"]
        for bad in ({"version": 2, "sha256Hash": other}, {"version": 1, "sha256Hash": "ABC"}, "x"):
            shaped = await client.post("/graphql", json={"query": QUERY, "extensions": {"persistedQuery": bad}})
            assert shaped.status_code == 400 and error(shaped)["extensions"]["code"] == "VALIDATION_FAILED"
    assert await persisted.lookup(one, other) is None and await persisted.lookup(one, sha256_hex(QUERY)) is None


async def test_only_texts_that_parse_validate_and_fit_are_kept(one: FalkorStore) -> None:
    small = dataclasses.replace(Settings(), limits=dataclasses.replace(Settings().limits, body_bytes=200))
    long_text = "{ provinces { totalCount } }" + " " * 300
    async with asgi_client(one, small) as client:
        for text in ("{ provinces { nope } }", "{ provinces { "):
            failed = await client.post("/graphql", json=apq(text))  # fails as it would without APQ
            assert failed.status_code == 200 and "data" not in failed.json()
        # A GET has no body for HUB_MAX_BODY_BYTES to refuse: the text runs but is not kept.
        ran = await client.get("/graphql", params=get_params(apq(long_text)))
        assert ran.json() == {"data": {"provinces": {"totalCount": 1}}}
        for text in ("{ provinces { nope } }", "{ provinces { ", long_text):
            again = await client.post("/graphql", json=apq(key=sha256_hex(text)))
            assert error(again)["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND", text
    assert await persisted.lookup(one, sha256_hex(long_text)) is None


async def test_automatic_texts_are_bounded_in_number(store: FalkorStore) -> None:
    await persisted.remember(store, "{ a }", most=2)
    await persisted.remember(store, "{ b }", most=2)
    await persisted.remember(store, "{ c }", most=2)  # the third is not kept
    await persisted.remember(store, "{ a }", most=2)  # idempotent
    found = await persisted.lookup_many(store, [sha256_hex(t) for t in ("{ a }", "{ b }", "{ c }")])
    assert sorted(q.text for q in found.values()) == ["{ a }", "{ b }"]
    await persisted.register(store, [("C", "{ c }")])  # registration is not bounded by it
    assert (await persisted.lookup(store, sha256_hex("{ c }"))).registered  # type: ignore[union-attr]


async def test_the_cache_is_bounded_and_rereads_unregistered_entries(store: FalkorStore) -> None:
    texts = [f"{{ q{i} }}" for i in range(5)]
    for text in texts:
        await persisted.remember(store, text)
    cache = PersistedQueries(size=3)
    for text in texts:
        assert (await cache.get(store, sha256_hex(text))).text == text  # type: ignore[union-attr]
    assert len(cache._cache) == 3 and sha256_hex(texts[0]) not in cache._cache
    assert await cache.get(store, sha256_hex(texts[4]), registered=True) is not None
    await persisted.register(store, [("Q4", texts[4])])  # e.g. by the command, in another process
    fresh = await cache.get(store, sha256_hex(texts[4]), registered=True)
    assert fresh is not None and fresh.registered and fresh.name == "Q4"


async def test_allowlist_runs_registered_operations_only(one: FalkorStore) -> None:
    registered = await cli_operations.register(one)
    counts = dict(cli_operations.operations())["Counts"]
    stored_before = "{ provinces { totalCount } }"
    async with asgi_client(one) as client:  # stored by APQ while the allow-list was off
        assert (await client.post("/graphql", json=apq(stored_before))).status_code == 200
    assert ALLOW.allowlist and len(registered) > 50
    async with asgi_client(one, ALLOW) as client:
        by_hash = await client.post("/graphql", json=apq(key=sha256_hex(counts)))
        by_text = await client.post("/graphql", json={"query": counts})
        by_get = await client.get("/graphql", params=get_params(apq(key=sha256_hex(counts))))
        for response in (by_hash, by_text, by_get):
            assert response.status_code == 200 and "errors" not in response.json(), response.text
            assert {"label": "Province", "total": 1} in response.json()["data"]["counts"]
        refused = {
            "text": await client.post("/graphql", json={"query": QUERY}),
            "unknown hash": await client.post("/graphql", json=apq(key=sha256_hex(QUERY))),
            "apq registration": await client.post("/graphql", json=apq(QUERY)),
            "stored by apq": await client.post("/graphql", json=apq(key=sha256_hex(stored_before))),
            "get": await client.get("/graphql", params={"query": QUERY}),
            "whitespace": await client.post("/graphql", json={"query": counts + " "}),
        }
        for why, response in refused.items():
            assert response.status_code == 400, why
            e = error(response)
            assert e["extensions"]["code"] == "OPERATION_NOT_ALLOWED", why
            assert "is not registered" in e["message"] and "hub operations register" in e["message"], why
        assert "Keys" in error(refused["text"])["message"]
        assert "persisted query is off" in error(refused["apq registration"])["message"]
    assert await persisted.lookup(one, sha256_hex(QUERY)) is None  # the refused registration kept nothing


async def test_register_command_registers_every_operation(store: FalkorStore, repo_root: Path) -> None:
    names = [d.name.value for path in sorted((repo_root / "operations").glob("*.graphql"))
             for d in parse(path.read_text()).definitions if isinstance(d, OperationDefinitionNode) and d.name]
    first = await cli_operations.register(store, repo_root / "operations")
    assert sorted(q.name for q, _ in first) == sorted(names) and all(new for _, new in first)
    stored = await persisted.lookup_many(store, [q.key for q, _ in first])
    assert len(stored) == len(names) and all(q.registered for q in stored.values())
    texts = cli_operations.client_texts()
    assert all(stored[sha256_hex(texts[name])].text == texts[name] for name in names)
    again = await cli_operations.register(store, repo_root / "operations")
    assert len(again) == len(names) and not any(new for _, new in again)  # idempotent
    console = Console(record=True, width=120)
    console.print(cli_operations._table(first[:2] + again[-1:]))
    shown = console.export_text()
    assert first[0][0].name in shown and first[0][0].key[:12] in shown and "new" in shown and "already" in shown
    args = parser().parse_args(["operations", "register", "--dir", str(repo_root / "operations")])
    assert args.run is cli_operations.cmd_operations_register and args.dir == repo_root / "operations"


async def test_a_stale_client_registers_nothing(store: FalkorStore, repo_root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "operations"
    shutil.copytree(repo_root / "operations", folder)
    browse = folder / "browse.graphql"
    browse.write_text(browse.read_text().replace("counts { label total }", "counts { label }")
                      + "\nquery Brand { counts { total } }\n")
    with pytest.raises(ValidationFailed) as refused:
        await cli_operations.register(store, folder)
    assert {e.field for e in refused.value.errors} == {"Counts", "Brand"}
    assert "ariadne-codegen" in str(refused.value)
    assert await persisted.lookup_many(store, [sha256_hex(t) for t in cli_operations.client_texts().values()]) == {}


async def test_the_generated_client_works_with_the_allowlist_after_registration(store: FalkorStore) -> None:
    from tests.builders import build_world

    await build_world(store)
    async with asgi_client(store, ALLOW) as http:
        client = HubClient(url="http://hub/graphql", http_client=http)  # type: ignore[arg-type]  # codegen's HttpClient protocol: json by position
        with pytest.raises(GraphQLClientHttpError) as refused:
            await client.counts()
        assert refused.value.status_code == 400
        assert isinstance(refused.value.response, httpx.Response)  # the exception types it by its status only
        assert refused.value.response.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
        await cli_operations.register(store)
        counts = await client.counts()
        assert {c.label: c.total for c in counts.counts}["Province"] == 2
        provinces = await client.provinces(first=5)
        assert provinces.provinces.total_count == 2
        province = await client.province(key=provinces.provinces.nodes[0].key)
        assert province.province is not None
        made = await client.create_province(CreateProvinceInput(key="IR-99", name_fa="تازه", name_en="New"))
        assert made.create_province.typename__ == "Province"
