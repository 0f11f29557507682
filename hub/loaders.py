"""DataLoaders, built per request: each batches its keys into one store statement.

Loaders are made on first use and kept for the request: nodes by label, single links by name,
giving totals by label, and nested lists by (list, request) so that one page of 100
institutions asking for their services with the same arguments costs one statement.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.dataloader import DataLoader

from graph_model import links, listing, queries
from graph_model.enums import Label
from graph_model.list_specs import NESTED
from graph_model.stores.base import GraphStore

Node = dict[str, Any]


def _ordered(fetch: Callable[[list[str]], Awaitable[dict[str, Any]]], default: Any = None) -> DataLoader:
    async def load(keys: list[str]) -> list[Any]:
        found = await fetch(keys)
        return [found.get(k, default) for k in keys]

    return DataLoader(load)


class Loaders:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._loaders: dict[tuple[Any, ...], DataLoader] = {}

    def _get(self, key: tuple[Any, ...], make: Callable[[], DataLoader]) -> DataLoader:
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = make()
        return loader

    def node(self, label: Label) -> DataLoader[str, Node | None]:
        return self._get(("node", label), lambda: _ordered(
            lambda keys: queries.by_keys(self.store, label, keys)))

    def link(self, name: str) -> DataLoader[str, Node | None]:
        return self._get(("link", name), lambda: _ordered(
            lambda keys: links.fetch_link(self.store, name, keys)))

    def giving(self, label: Label) -> DataLoader[str, links.Giving]:
        return self._get(("giving", label), lambda: _ordered(
            lambda keys: links.fetch_giving(self.store, label, keys), links.NO_GIVING))

    def relation(self, kind: str) -> DataLoader[str, Node | None]:
        return self._get(("relation", kind), lambda: _ordered(
            lambda ids: links.fetch_relations(self.store, kind, ids)))

    def nested(self, name: str, req: listing.Request) -> DataLoader[str, listing.Page]:
        spec = NESTED[name]
        return self._get(("nested", name, req), lambda: _ordered(
            lambda keys: listing.fetch_nested(self.store, spec, keys, req)))
