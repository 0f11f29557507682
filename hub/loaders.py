"""DataLoaders, built per request: each batches its keys into one store statement."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from graph_model import queries
from graph_model.enums import Label
from graph_model.stores.base import GraphStore

Node = dict[str, Any]


class Loaders:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.province = DataLoader(self._provinces)
        self.county_of_institution = DataLoader(self._counties_of_institutions)

    async def _provinces(self, keys: list[str]) -> list[Node | None]:
        found = await queries.by_keys(self.store, Label.PROVINCE, keys)
        return [found.get(k) for k in keys]

    async def _counties_of_institutions(self, keys: list[str]) -> list[Node | None]:
        found = await queries.county_of_institutions(self.store, keys)
        return [found.get(k) for k in keys]
