"""A nested list of nodes under several parents is read in two (the pages with the items' keys, then
each distinct node once: graph_model.listing.fetch_nested); under one parent, inline. Both give the
same pages, item for item, for every such list of the demo data."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from graph_model import list_types, listing
from graph_model.list_specs import NESTED
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from tests.stores import fresh_store, parent_keys

NODE_LISTS = [spec for spec in NESTED.values() if spec.node_label is not None]


@pytest.fixture(scope="module")
async def demo(server: EmbeddedServer) -> AsyncIterator[FalkorStore]:
    async with fresh_store(server, "demo") as store:
        yield store



@pytest.mark.parametrize("spec", NODE_LISTS, ids=lambda spec: spec.name)
async def test_several_parents_give_what_each_parent_gives_alone(demo: FalkorStore, spec: list_types.ListSpec) -> None:
    assert spec.parent is not None
    keys = await parent_keys(demo, spec.parent.value)
    for req in (listing.Request(limit=3), listing.Request(limit=3, descending=True)):
        before = demo.round_trips
        together = await listing.fetch_nested(demo, spec, keys, req)
        assert demo.round_trips - before == 2  # the pages, then the nodes (even none)
        alone = {k: (await listing.fetch_nested(demo, spec, [k], req))[k] for k in keys}
        assert together == alone


async def test_a_node_shared_by_many_parents_is_read_once(demo: FalkorStore) -> None:
    spec = NESTED["institution_services"]
    keys = await parent_keys(demo, "Institution")
    pages = await listing.fetch_nested(demo, spec, keys, listing.Request(limit=20))
    items = [item for page in pages.values() for item in page.items]
    rows = {id(item.row) for item in items}
    assert len(items) > len(rows) > 0  # services repeat under the 60 institutions, their rows do not
    assert all(item.row["key"] == item.cursor[1] for item in items)
