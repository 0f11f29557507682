"""Which version of the graph an answer was computed from.

Caches of derived answers (dashboard aggregates, network projections) key their entries by this
version. It lives in the store, not in a process, so that every server worker sees a write made
through any other: each store adapter bumps it after every write statement that returned rows
(a write statement returns rows exactly when it wrote; a refused mutation returns none and leaves
the version, like the rest of the graph, as it was). The bump follows the write, so a reader can
at worst compute from newer data under the older version, never serve older data under the newer.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from graph_model.statements.version import BUMP_VERSION, READ_VERSION

if TYPE_CHECKING:
    from graph_model.stores.base import GraphStore

KEY = "graph"
# (epoch, count): tuples compare in order, so a late reader's older version is recognisable.
Version = tuple[int, int]
EMPTY: Version = (0, 0)


async def current(store: GraphStore) -> Version:
    row = (await store.read(READ_VERSION, key=KEY))[0]
    return (int(row["epoch"]), int(row["version"])) if row["epoch"] is not None else EMPTY


def bump_params() -> dict[str, str]:
    """What the adapters send with BUMP_VERSION after a write that returned rows: ``write`` names
    this bump, so that a retry of it counts once (graph_model.statements.version)."""
    return {"key": KEY, "write": uuid.uuid4().hex}


__all__ = ["BUMP_VERSION", "EMPTY", "KEY", "Version", "bump_params", "current"]
