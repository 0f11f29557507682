"""The audit log: PLACEHOLDER interface, to be completed (see /tmp/trust.md, helper "audit")."""

from __future__ import annotations

from typing import Any

from graph_model.stores.base import GraphStore


async def record(store: GraphStore, principal: Any, operation: str, arguments: dict[str, Any], result: Any,
                 error: BaseException | None) -> None:
    """Append one entry for a mutation (allowed, refused or failed)."""
    return None
