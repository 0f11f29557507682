"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import strawberry

from graph_model.cache import VersionCache
from graph_model.stores.base import GraphStore
from graph_model.stores.fused import FusedReads
from hub.auth.principal import Principal
from hub.auth.visibility import Visibility
from hub.execution.loaders import Loaders
from hub.settings import Settings

if TYPE_CHECKING:
    from hub.execution.concurrency import AnalyticsGate


@dataclass(kw_only=True)
class Context:
    store: GraphStore
    # Who asks (hub.auth), always given: the HTTP layer sets the authenticated caller; in-process
    # callers (tests of the schema alone, benchmarks' probes) name theirs (e.g. principal.SYSTEM).
    # None: no credentials were checked (only the GraphiQL page is served so); every field then
    # refuses UNAUTHENTICATED.
    principal: Principal | None
    cache: VersionCache | None = None  # derived answers shared across requests (graph_model.cache)
    settings: Settings = field(default_factory=Settings)
    # The app's count of heavy work running per key (hub.execution.concurrency), for mutations that
    # hold a place in it themselves (an upload's import); None outside the app.
    gate: AnalyticsGate | None = None
    # What the caller may see of donors: one object for the whole request, built here and nowhere
    # else, that the loaders and every reader of donor data take (hub.auth.visibility).
    visibility: Visibility = field(init=False)
    loaders: Loaders = field(init=False)
    # What the compiled path did (hub.execution.compiled.Stats), set when a query runs compiled.
    execution: Any = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.visibility = Visibility.of(self.principal, self.settings)
        # Fresh per request: a DataLoader caches, and a cache must not outlive its request.
        # Their reads made together go to the store as one statement (graph_model.stores.fused).
        reads = FusedReads(self.store) if self.settings.fused_reads else self.store
        self.loaders = Loaders(reads, self.visibility)


Info = strawberry.Info[Context, None]
