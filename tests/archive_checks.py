"""What the archive tests compare: a store's every node and relationship, and its graph version."""

from __future__ import annotations

from typing import Any

from graph_model import donation_totals, version
from graph_model.enums import MetaLabel
from graph_model.stores.base import GraphStore
from tests.builders import DUMP_NODES, DUMP_RELS


async def contents(store: GraphStore) -> tuple[list[str], list[str]]:
    """Every node (the graph version's node aside: compared by ``graph_version``) and every
    relationship with all its properties, in a stable order."""
    nodes = sorted(repr((sorted(r["labels"]), sorted(r["props"].items()))) for r in await store.read(DUMP_NODES)
                   if MetaLabel.HUB_META.value not in r["labels"])
    rels = sorted(repr((r["type"], r["start"], r["end"], sorted(r["props"].items())))
                  for r in await store.read(DUMP_RELS))
    return nodes, rels


async def graph_version(store: GraphStore) -> Any:
    return await version.versions(store)


async def totals_agree(store: GraphStore) -> bool:
    """The stored donation totals are those the gifts make (what `hub aggregates` rebuilds)."""
    built = {c["key"]: c for c in await donation_totals.computed(store)}
    return built == await donation_totals.stored(store)
