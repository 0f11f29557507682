"""Fill the link mirrors (``graph_model.model.MIRRORS``) of a store written before they existed.

Every write keeps a mirror with its link, so this finds nothing to do on a store this version
wrote; it runs when a store is opened (``hub.stores.open_store``) so that an older store, whose
institutions and events lack ``countyKey``, is found by place search without reseeding. One
read when nothing is missing; otherwise one write per mirror that is.
"""

from __future__ import annotations

from graph_model.enums import Rel
from graph_model.statements.loading import FILL_MIRRORS, MISSING_MIRRORS
from graph_model.stores.base import GraphStore


async def fill(store: GraphStore) -> dict[Rel, int]:
    """Set the missing mirrors from their links; return how many were set per relationship type."""
    missing = {Rel(r["rel"]): int(r["missing"]) for r in await store.read(MISSING_MIRRORS)}
    filled = {}
    for rel, count in missing.items():
        if count:
            rows = await store.write(FILL_MIRRORS[rel])
            filled[rel] = int(rows[0]["filled"]) if rows else 0
    return filled
