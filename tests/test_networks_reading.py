"""Reading a scope: rows of the one scope statement become exact per-pair giving."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph_model.networks import reading
from graph_model.networks.reading import read_scope, rows_to_scope
from graph_model.networks.scope import NetworkScope, ScopeData, ScopeLevel
from graph_model.statements.networks import Part
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorAddress
from tests.test_api_networks import build_network


def row(part: Part, **values: Any) -> dict[str, Any]:
    return {"part": int(part), "a": None, "b": None, "c": None, "xs": None, "ys": None, "zs": None, **values}


def test_gifts_add_up_per_pair_exactly_past_int64() -> None:
    big = 2**62
    rows = [
        row(Part.INSTITUTIONS, a="C1", b="P1", xs=[10, 11], ys=["i-b", "i-a"]),
        row(Part.DONORS, xs=[20, 21], ys=["d-2", "d-1"]),
        row(Part.GIVING, a="C1", xs=[10, 11, 10, 10], ys=[20, 21, 20, 21], zs=[big, 5, big, 7]),
        row(Part.OFFERS, a="svc", xs=[11]),
        row(Part.BASED, a="P1", xs=[21]),
    ]
    data = rows_to_scope(NetworkScope(), rows)
    assert [(g.institution, g.donor, g.amount, g.count) for g in data.edges] == [
        ("i-a", "d-1", 5, 1), ("i-b", "d-1", 7, 1), ("i-b", "d-2", 2 * big, 2)]
    assert data.institutions["i-a"].services == ("svc",) and data.institutions["i-b"].county == "C1"
    assert data.donor_provinces == {"d-1": "P1"}


async def test_a_scope_read_from_the_store(store: Any) -> None:
    await build_network(store)
    everything = await read_scope(store, NetworkScope())
    assert len(everything.institutions) == 7 and len(everything.edges) == 15  # 4 x 3 + dX x 2 + dY
    x = {(g.donor, g.institution): g.amount for g in everything.edges if g.donor == "dX"}
    assert x == {("dX", "a3"): 5_000, ("dX", "b1"): 5_000}
    in_1403 = await read_scope(store, NetworkScope(since=dt.date(2024, 3, 20), until=dt.date(2025, 3, 20)))
    assert {g.donor for g in in_1403.edges} == {"dA", "dA2", "dB", "dB2", "dY"}
    khuzestan = await read_scope(store, NetworkScope(ScopeLevel.PROVINCE, "IR-01"))
    assert (khuzestan.institutions, khuzestan.edges) == ({}, ())
    assert {m.member for m in everything.memberships} == {"a1", "dY"}


def _contents(data: ScopeData) -> tuple[Any, ...]:
    return (data.scope, data.institutions, data.edges, data.memberships, data.partnerships, data.donor_provinces,
            data.counties)


async def test_a_large_store_is_read_in_a_child_process(store: Any, server: EmbeddedServer, monkeypatch: Any) -> None:
    """From CHILD_MIN_GIFTS gifts, the read and the conversion run in a child process with a
    connection of its own (the hub's process then only unpickles the result): the same ScopeData."""
    await build_network(store)
    # The tests' stores leave the session's server out (closing one would stop it); `hub serve`'s has it.
    monkeypatch.setattr(store, "address", lambda: FalkorAddress(str(server.data_dir), store.graph_name, 30_000))
    scopes = [NetworkScope(), NetworkScope(since=dt.date(2024, 3, 20), until=dt.date(2025, 3, 20)),
              NetworkScope(ScopeLevel.PROVINCE, "IR-01")]
    here = [_contents(await read_scope(store, scope)) for scope in scopes]
    sent: list[Any] = []
    real = reading.offload_process

    async def spy(work: Any, *args: Any) -> Any:
        sent.append(work)
        return await real(work, *args)

    monkeypatch.setattr(reading, "CHILD_MIN_GIFTS", 0)
    monkeypatch.setattr(reading, "offload_process", spy)
    assert [_contents(await read_scope(store, scope)) for scope in scopes] == here
    assert sent == [reading.read_elsewhere] * len(scopes)
