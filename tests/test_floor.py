"""benchmarks/floor.py, the measuring stick of issue 18: its one hand-written statement and its answer
builder give the hub's own answer to benchmarks/peer's one-institution question, byte for byte, for
every seventh institution of the demo data (``ab.py --floor`` checks one institution of `national`
when it runs; this holds the floor to the hub's answer for some 200, with and without gifts)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest

from benchmarks.floor import SINGLE, answer
from benchmarks.peer.questions import HUB_ONE
from graph_model.cypher import statement
from graph_model.links import institution_cell
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from hub.settings import Limits, Settings
from tests.asgi import asgi_client
from tests.stores import fresh_store

KEYS = statement("test_floor_institutions", "MATCH (n:Institution) RETURN n.key AS key ORDER BY key", register=False)


@pytest.fixture(scope="module")
async def demo(server: EmbeddedServer) -> AsyncIterator[FalkorStore]:
    async with fresh_store(server, "demo") as store:
        yield store


async def test_the_floor_answers_as_the_hub(demo: FalkorStore) -> None:
    keys = [row["key"] for row in await demo.read(KEYS)][::7]
    assert len(keys) > 10
    with_gifts = without_gifts = 0
    async with asgi_client(demo, Settings(limits=Limits(rate_per_minute=0))) as http:
        for key in keys:
            hub = await http.post("/graphql", json={"query": HUB_ONE, "variables": {"key": key}})
            assert hub.status_code == 200
            rows = await demo.read(SINGLE, key=key, cell=institution_cell(key))
            assert len(rows) == 1, key
            assert orjson.dumps(answer(rows[0])) == hub.content, key
            with_gifts += bool(rows[0]["gifts"])
            without_gifts += not rows[0]["gifts"]
    # Both kinds were compared (an institution without gifts: an empty list, null dates, a zero total).
    assert with_gifts > 0 and without_gifts > 0
