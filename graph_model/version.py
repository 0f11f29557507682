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
from typing import TYPE_CHECKING, Any, NamedTuple

from graph_model.coverage.inputs import changes_coverage, changes_donations
from graph_model.networks.inputs import changes_networks
from graph_model.statements.version import BUMP_VERSION, READ_VERSION

if TYPE_CHECKING:
    from graph_model.cypher import Statement
    from graph_model.stores.base import GraphStore

KEY = "graph"
# (epoch, count): tuples compare in order, so a late reader's older version is recognisable.
Version = tuple[int, int]
EMPTY: Version = (0, 0)


class Versions(NamedTuple):
    """The counts of the version node, read together: every write (``graph``), the writes that
    may change what coverage is computed from (``coverage``) or the donation figures (``donations``)
    (graph_model.coverage.inputs), or what the network analyses read (``networks``,
    graph_model.networks.inputs); each with the epoch."""

    graph: Version
    coverage: Version
    donations: Version
    networks: Version


async def versions(store: GraphStore) -> Versions:
    row = (await store.read(READ_VERSION, key=KEY))[0]
    if row["epoch"] is None:
        return Versions(EMPTY, EMPTY, EMPTY, EMPTY)
    epoch = int(row["epoch"])
    return Versions((epoch, int(row["version"])), (epoch, int(row["coverage"])), (epoch, int(row["donations"])),
                    (epoch, int(row["networks"])))


async def current(store: GraphStore) -> Version:
    return (await versions(store)).graph


async def current_coverage(store: GraphStore) -> Version:
    return (await versions(store)).coverage


async def current_donations(store: GraphStore) -> Version:
    return (await versions(store)).donations


async def current_networks(store: GraphStore) -> Version:
    return (await versions(store)).networks


def bump_params(stmt: Statement | None = None, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the adapters send with BUMP_VERSION after ``stmt`` (run with ``params``) returned rows:
    ``write`` names this bump, so that a retry of it counts once (graph_model.statements.version);
    ``coverage``, ``donations`` and ``networks`` say whether it may have changed coverage's inputs,
    the donation figures or the network analyses' (no statement: assume it did)."""
    return {"key": KEY, "write": uuid.uuid4().hex, "coverage": changes_coverage(stmt, params),
            "donations": changes_donations(stmt, params), "networks": changes_networks(stmt, params)}


__all__ = ["BUMP_VERSION", "EMPTY", "KEY", "Version", "Versions", "bump_params", "current", "current_coverage",
           "current_donations", "current_networks", "versions"]
