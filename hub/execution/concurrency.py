"""At most ``Limits.concurrent_analytics`` operations with analytics fields at once per key.

Analytics (hub.execution.weights: networks, coverage, 3W, suggestions, the overview) read a whole
scope and compute for up to seconds; four requests of aliased `brokers` from one key stalled every
other client (issue 15). A key (API key id, else JWT subject; the address for anonymous callers,
as the rate limit counts them) may run this many such operations at once; one more is refused at
once with LIMIT_EXCEEDED (``limit: concurrent``), never queued, so a refused caller learns it in
microseconds and no backlog builds. The count is per process and lives only while operations run:
a key with nothing running takes no memory. Answers served from the version cache are cheap but
still count while their operation runs: the refusal is decided before anything runs, when it is
not yet known which answers are cached. Within one operation, the heavy pieces run one at a time
(graph_model.offload's lane), so one key keeps at most this many worker threads busy.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import AsyncIterator
from typing import Any

from graph_model.errors import LimitExceeded
from graph_model.offload import lane
from hub.auth.principal import Principal
from hub.execution.limits import Refusal

# The key a request is counted under, set by hub.auth.middleware when it authenticates the request
# (the same bucket as the rate limit); in-process callers without it are counted by principal.
CALLER: contextvars.ContextVar[str | None] = contextvars.ContextVar("hub_caller", default=None)


def caller_key(principal: Principal | None, address: str | None) -> str:
    """The bucket of a caller: its API key id or subject; the address for an anonymous caller."""
    if principal is not None and principal.subject != "anonymous":
        return principal.key_id or principal.subject
    return f"ip:{address or '?'}"


class AnalyticsGate:
    """Per-key count of running analytics operations (one gate per app: the GraphQL operations and
    the CSV exports share it)."""

    def __init__(self, most: int) -> None:
        self.most = max(1, most)
        self.running: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def admit(self, context: Any) -> AsyncIterator[None]:
        """Run an analytics operation of the request whose GraphQL context is ``context``, or raise
        the LIMIT_EXCEEDED error (a GraphQL error) when its key already runs ``most``."""
        key = CALLER.get() or caller_key(getattr(context, "principal", None), None)
        refusal = self._refusal(key)
        if refusal is not None:
            raise refusal.error()
        async with self._held(key):
            yield

    @contextlib.asynccontextmanager
    async def hold(self, principal: Principal | None) -> AsyncIterator[None]:
        """The same count for a request outside GraphQL (the CSV exports, hub.http.exports): raises
        LimitExceeded (a HubError) when the key already runs ``most``."""
        key = CALLER.get() or caller_key(principal, None)
        refusal = self._refusal(key)
        if refusal is not None:
            raise LimitExceeded(refusal.message)
        async with self._held(key):
            yield

    def _refusal(self, key: str) -> Refusal | None:
        running = self.running.get(key, 0)
        return Refusal("concurrent", running + 1, self.most) if running >= self.most else None

    @contextlib.asynccontextmanager
    async def _held(self, key: str) -> AsyncIterator[None]:
        self.running[key] = self.running.get(key, 0) + 1
        try:
            async with lane():
                yield
        finally:
            left = self.running[key] - 1
            if left:
                self.running[key] = left
            else:
                del self.running[key]
