"""Per-key rate limit: a token bucket per caller (API key, JWT subject or anonymous address).

Each bucket holds up to ``burst`` requests and refills at ``per_minute`` / 60 a second; a request
takes one, and a caller with none left is refused RATE_LIMITED with the seconds until one is back
(``Retry-After``). ``per_minute`` 0 turns the limit off. hub.auth.middleware checks it per request.

Memory stays bounded: a bucket idle long enough to be full again is the same as no bucket, so such
buckets are dropped as new callers come; past ``most_buckets`` callers the least recently seen
bucket goes (that caller starts again with a full burst). The clock is ``time.monotonic`` unless
a test gives another.

The anonymous role (HUB_ANONYMOUS) is limited per client address. That address is the TCP peer's,
never a header's, unless the peer is a proxy listed in HUB_TRUSTED_PROXIES (default: none): then
``X-Forwarded-For`` is read from the right, past the trusted proxies, to the first address they did
not add (``client_address``). A header any client can write would otherwise give each request a
bucket of its own. ``hub serve`` turns uvicorn's own forwarding-header handling off, so the peer
address reaching the app is the socket's."""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from starlette.types import Scope

from graph_model.errors import RateLimited

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MOST_BUCKETS = 100_000  # callers remembered at once: ~200 bytes each


class RateLimiter:
    def __init__(self, per_minute: int, burst: int, *, clock: Callable[[], float] = time.monotonic,
                 most_buckets: int = MOST_BUCKETS) -> None:
        self.per_minute = per_minute
        self.burst = max(1, burst)
        self.rate = per_minute / 60.0  # requests a second
        self.clock = clock
        self.most_buckets = most_buckets
        # bucket -> (requests left, when last counted); in order of last use, oldest first.
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def check(self, bucket: str) -> None:
        """Take one request from ``bucket``, or raise RateLimited (with ``retry_after`` seconds)."""
        if self.per_minute <= 0:
            return
        now = self.clock()
        found = self.buckets.pop(bucket, None)
        if found is None:
            self._evict(now)
            left = float(self.burst)
        else:
            left = min(float(self.burst), found[0] + (now - found[1]) * self.rate)
        if left < 1.0:
            self.buckets[bucket] = (left, now)
            retry_after = (1.0 - left) / self.rate
            raise RateLimited(f"rate limit of {self.per_minute} requests a minute (burst {self.burst}) exceeded; "
                              f"retry in {math.ceil(retry_after)} s (HUB_RATE_LIMIT, HUB_RATE_BURST)", retry_after)
        self.buckets[bucket] = (left - 1.0, now)

    def _evict(self, now: float) -> None:
        """Drop the oldest buckets that have refilled, and the oldest at all past the bound."""
        full_after = self.burst / self.rate  # seconds an untouched bucket takes to fill up
        while self.buckets:
            seen = next(iter(self.buckets.values()))[1]
            if now - seen < full_after and len(self.buckets) < self.most_buckets:
                break  # in order of last use: the rest are younger
            self.buckets.popitem(last=False)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address: str, proxies: Iterable[Network]) -> bool:
    found = _address(address)
    return found is not None and any(found in network for network in proxies)


def client_address(scope: Scope, proxies: Iterable[Network] = ()) -> str:
    """The client's address: the TCP peer's, or, when the peer is a trusted proxy, the rightmost
    ``X-Forwarded-For`` entry that no trusted proxy wrote (entries left of it are the client's
    own say and are ignored)."""
    proxies = tuple(proxies)
    client = scope.get("client")
    peer = str(client[0]) if client else "?"
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for k, v in scope["headers"] if k == b"x-forwarded-for"
            for h in v.decode("latin-1").split(",") if h.strip()]
    for hop in reversed(hops):
        if _address(hop) is None:
            return peer  # a malformed chain: trust none of it
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer
