"""Which institution records belong to, for keys bound to one institution (hub.auth.bound).

See graph_model.statements.institution_of for what belongs where. Keys that name nothing are
absent from the answer (the operation itself reports them NOT_FOUND).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping

from graph_model.enums import Label
from graph_model.statements.institution_of import INSTITUTION_OF
from graph_model.stores.base import GraphStore

BOUND = frozenset(INSTITUTION_OF)  # the labels whose records belong to an institution


async def institutions_of(store: GraphStore,
                          keys: Mapping[Label, Iterable[str]]) -> dict[tuple[Label, str], frozenset[str]]:
    """The institutions of each record named, by (label, key): one statement per label, all at once."""
    wanted = [(label, sorted(set(k))) for label, k in keys.items() if label in INSTITUTION_OF and k]
    answers = await asyncio.gather(*(store.read(INSTITUTION_OF[label], keys=k) for label, k in wanted if k))
    return {(label, row["key"]): frozenset(row["institutions"])
            for (label, _), rows in zip([w for w in wanted if w[1]], answers, strict=True) for row in rows}
