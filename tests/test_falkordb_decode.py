"""graph_model.stores.falkordb.decode, the store's own reader of compact replies, against the falkordb
client's parser (``QueryResult.parse`` then ``plain``) on the real server: values of every kind the
hub's statements return, nested in lists and maps, give the same rows."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from graph_model.stores.base import plain
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import decode
from falkordb.asyncio.query_result import QueryResult
from tests.stores import fresh_store

_KEYS = st.text(alphabet="abcdefgh", min_size=1, max_size=6)
_SCALARS = (st.none() | st.booleans() | st.integers(-(2**62), 2**62)
            | st.floats(allow_nan=False, allow_infinity=False, width=64)
            | st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
                       max_leaves=12)


async def _both(store: Any, value: Any) -> tuple[Any, Any]:
    reply = await store._send("GRAPH.RO_QUERY", store.graph_name, "CYPHER " + _header(value)
                              + "RETURN $v AS v, [$v, 1] AS l, {v: $v, n: null} AS m", "--compact")
    result = QueryResult(store._graph)
    await result.parse(reply)
    names = [h[1] for h in result.header]
    return decode(reply), [dict(zip(names, plain(row), strict=True)) for row in result.result_set]


def _header(value: Any) -> str:
    from graph_model.stores.falkordb_params import header  # noqa: PLC0415  # the hub's own encoder

    return header({"v": value})


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=_VALUES)
async def test_decoded_rows_equal_the_clients_own(server: EmbeddedServer, value: Any) -> None:
    async with fresh_store(server) as store:
        ours, clients = await _both(store, value)
        assert ours == clients
        assert [type(x) for x in _flat(ours)] == [type(x) for x in _flat(clients)]


def _flat(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _flat(v)]
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    return [value]
