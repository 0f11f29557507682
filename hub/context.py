"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from graph_model.cache import VersionCache
from graph_model.stores.base import GraphStore
from hub.loaders import Loaders


@dataclass
class Context:
    store: GraphStore
    cache: VersionCache | None = None  # derived answers shared across requests (graph_model.cache)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        # Fresh per request: a DataLoader caches, and a cache must not outlive its request.
        self.loaders = Loaders(self.store)


Info = strawberry.Info[Context, None]
