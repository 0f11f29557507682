"""Which provinces records lie in, for province-scoped keys (hub.auth.scope)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping

from graph_model.enums import Label
from graph_model.statements.provinces_of import DONATION_PROVINCES, PROVINCE_KEYS, PROVINCES_OF
from graph_model.stores.base import GraphStore

DONATION = "Donation"  # a donation is a relationship with its own key, not a node


async def provinces_of(store: GraphStore, keys: Mapping[Label | str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """The provinces of each record named, by label (or ``DONATION``). Records without a province
    (a person on no council) map to an empty set; keys not found are absent (the operation itself
    then reports them). Labels with no province (services, target groups, licence types) are not
    looked up."""
    reads = []
    for label, wanted in keys.items():
        unique = sorted(set(wanted))
        if not unique:
            continue
        if label == DONATION:
            reads.append(store.read(DONATION_PROVINCES, keys=unique))
        elif label is Label.PROVINCE:
            reads.append(store.read(PROVINCE_KEYS, keys=unique))
        elif label in PROVINCES_OF:
            reads.extend(store.read(stmt, keys=unique) for stmt in PROVINCES_OF[label])  # type: ignore[index]
    found: dict[str, frozenset[str]] = {}
    for rows in await asyncio.gather(*reads):
        for row in rows:
            found[row["key"]] = found.get(row["key"], frozenset()) | frozenset(row["provinces"])
    return found
