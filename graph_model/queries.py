"""Reads the API and the CLI need, returning plain dicts (no GraphQL, no driver types)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph_model.enums import Label, Rel
from graph_model.statements import reads
from graph_model.stores.base import GraphStore


@dataclass(frozen=True)
class Page:
    """One page of nodes in key order; ``has_next`` says whether more follow."""

    nodes: list[dict[str, Any]]
    has_next: bool


async def node_counts(store: GraphStore) -> dict[str, int]:
    """Nodes per label, zero for labels with none (one round trip)."""
    found = {r["name"]: int(r["total"]) for r in await store.read(reads.COUNT_NODES)}
    return {label.value: found.get(label.value, 0) for label in Label}


async def rel_counts(store: GraphStore) -> dict[str, int]:
    found = {r["name"]: int(r["total"]) for r in await store.read(reads.COUNT_RELS)}
    return {rel.value: found.get(rel.value, 0) for rel in Rel}


async def count(store: GraphStore, label: Label) -> int:
    return int((await store.read(reads.COUNT[label]))[0]["total"])


def _page(rows: list[dict[str, Any]], limit: int) -> Page:
    # One extra row was asked for: its presence is how we know a next page exists.
    return Page([r["node"] for r in rows[:limit]], len(rows) > limit)


async def page(store: GraphStore, label: Label, *, after: str | None, limit: int) -> Page:
    rows = await store.read(reads.PAGE[label], after=after or "", limit=limit + 1)
    return _page(rows, limit)


async def by_keys(store: GraphStore, label: Label, keys: list[str]) -> dict[str, dict[str, Any]]:
    """Nodes by key, one round trip for any number of keys; missing keys are absent."""
    rows = await store.read(reads.BY_KEYS[label], keys=list(dict.fromkeys(keys)))
    return {r["node"]["key"]: r["node"] for r in rows}


async def counties_of_province(store: GraphStore, province: str, *, after: str | None, limit: int) -> Page:
    rows = await store.read(reads.COUNTIES_OF_PROVINCE, province=province, after=after or "", limit=limit + 1)
    return _page(rows, limit)


async def count_counties_of_province(store: GraphStore, province: str) -> int:
    return int((await store.read(reads.COUNT_COUNTIES_OF_PROVINCE, province=province))[0]["total"])


async def institutions_of_province(store: GraphStore, province: str, *, after: str | None,
                                   limit: int) -> Page:
    rows = await store.read(reads.INSTITUTIONS_OF_PROVINCE, province=province, after=after or "",
                            limit=limit + 1)
    return _page(rows, limit)


async def count_institutions_of_province(store: GraphStore, province: str) -> int:
    return int((await store.read(reads.COUNT_INSTITUTIONS_OF_PROVINCE, province=province))[0]["total"])


async def county_of_institutions(store: GraphStore, keys: list[str]) -> dict[str, dict[str, Any]]:
    rows = await store.read(reads.COUNTY_OF_INSTITUTIONS, keys=list(dict.fromkeys(keys)))
    return {r["key"]: r["node"] for r in rows}
