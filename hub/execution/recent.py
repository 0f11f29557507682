"""A bounded map of what was recently worked out, the oldest going first (the query limits' verdicts,
the prepared queries' documents)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    """At most ``size`` values by key; reading one makes it the newest."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.found: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        """The value kept for ``key``, or None when there is none."""
        value = self.found.get(key)
        if value is not None:
            self.found.move_to_end(key)
        return value

    def keep(self, key: Hashable, value: V) -> None:
        self.found[key] = value
        if len(self.found) > self.size:
            self.found.popitem(last=False)
