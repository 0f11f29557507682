"""A relation's object made from its row (``from_row``) without its constructor's call is the object
the constructor makes: donations to institutions, to events, and one lacking its optional
properties, read from the demo data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph_model import listing
from graph_model.list_specs import NESTED
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from hub.schema.relations import Donation
from hub.schema.scalars import Rials
from tests.stores import fresh_store, parent_keys


@pytest.fixture(scope="module")
async def demo(server: EmbeddedServer) -> AsyncIterator[FalkorStore]:
    async with fresh_store(server, "demo") as store:
        yield store


def _constructed(row: dict[str, Any]) -> Donation:
    p = row["props"]
    to_event = row["recipientKind"] == "Event"
    return Donation(key=p["key"], amount=Rials(int(p["amount"])), date=p["date"], purpose=p.get("purpose"),
                    generated=bool(p.get("generated")), source=p.get("source"), donor_key=row["donor"],
                    institution_key=None if to_event else row["recipient"],
                    event_key=row["recipient"] if to_event else None, donor_kind=row.get("donorKind"))


async def test_a_donation_from_its_row_is_the_constructed_one(demo: FalkorStore) -> None:
    rows = []
    for name in ("institution_donations", "event_donations"):
        spec = NESTED[name]
        assert spec.parent is not None
        keys = await parent_keys(demo, spec.parent.value)
        pages = await listing.fetch_nested(demo, spec, keys, listing.Request(limit=5))
        rows += [item.row for page in pages.values() for item in page.items]
    assert {row["recipientKind"] for row in rows} == {"Institution", "Event"}
    for row in rows:
        made, constructed = Donation.from_row(row), _constructed(row)
        assert made == constructed and made.__dict__ == constructed.__dict__, row
    bare = {**rows[0], "props": {k: v for k, v in rows[0]["props"].items() if k in ("key", "amount", "date")}}
    assert Donation.from_row(bare).__dict__ == _constructed(bare).__dict__
