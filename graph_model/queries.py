"""Reads the API and the CLI need, returning plain dicts (no GraphQL, no driver types)."""

from __future__ import annotations

from typing import Any

from graph_model.enums import Label, Rel
from graph_model.statements import reads
from graph_model.stores.base import GraphStore


async def node_counts(store: GraphStore) -> dict[str, int]:
    """Nodes per label, zero for labels with none (one round trip)."""
    found = {r["name"]: int(r["total"]) for r in await store.read(reads.COUNT_NODES)}
    return {label.value: found.get(label.value, 0) for label in Label}


async def rel_counts(store: GraphStore) -> dict[str, int]:
    found = {r["name"]: int(r["total"]) for r in await store.read(reads.COUNT_RELS)}
    return {rel.value: found.get(rel.value, 0) for rel in Rel}


async def count(store: GraphStore, label: Label) -> int:
    return int((await store.read(reads.COUNT[label]))[0]["total"])


async def by_value(store: GraphStore, label: Label, prop: str, values: list[str],
                   props: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The ``label`` nodes whose ``prop`` is one of ``values`` (a province's counties, by the provinceKey
    they mirror), one round trip: rows of ``value`` and ``node`` (holding ``props`` with ``key``, None: all)."""
    return await store.read(reads.by_value(label, prop, props), values=list(dict.fromkeys(values)))


async def by_keys(store: GraphStore, label: Label, keys: list[str],
                  props: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """Nodes by key, one round trip for any number of keys; missing keys are absent. ``props``: the
    properties a row holds (with ``key``), None: all."""
    rows = await store.read(reads.by_keys(label, props), keys=list(dict.fromkeys(keys)))
    return {r["node"]["key"]: r["node"] for r in rows}
