"""Per-key rate limit: PLACEHOLDER interface, to be completed (see /tmp/trust.md, helper "limits")."""

from __future__ import annotations


class RateLimiter:
    def __init__(self, per_minute: int, burst: int) -> None:
        self.per_minute = per_minute
        self.burst = burst

    def check(self, bucket: str) -> None:
        """Raise graph_model.errors.RateLimited (with retry_after seconds) when ``bucket`` is over its rate."""
        return None
