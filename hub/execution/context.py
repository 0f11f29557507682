"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from graph_model.cache import VersionCache
from graph_model.stores.base import GraphStore
from hub.auth.principal import ANONYMOUS, SYSTEM, Principal
from hub.execution.loaders import Loaders
from hub.settings import Settings


@dataclass
class Context:
    store: GraphStore
    cache: VersionCache | None = None  # derived answers shared across requests (graph_model.cache)
    # Who asks (hub.auth): the HTTP layer sets the authenticated caller; in-process callers
    # (tests of the schema alone, benchmarks' probes) run as the system. None: no credentials were
    # checked (only the GraphiQL page is served so); every field then refuses UNAUTHENTICATED.
    principal: Principal | None = SYSTEM
    settings: Settings = field(default_factory=Settings)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        # Fresh per request: a DataLoader caches, and a cache must not outlive its request.
        self.loaders = Loaders(self.store, self.principal or ANONYMOUS)


Info = strawberry.Info[Context, None]
