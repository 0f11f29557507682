"""Province scope of mutations: PLACEHOLDER (lead writes it)."""

from __future__ import annotations

from typing import Any

from graph_model.stores.base import GraphStore
from hub.auth.principal import Principal


async def check(store: GraphStore, principal: Principal | None, mutation: str, arguments: dict[str, Any]) -> None:
    return None
