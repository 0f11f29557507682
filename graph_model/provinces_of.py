"""Which provinces records lie in, for province-scoped keys (hub.auth.scope).

A record lies in the provinces its place links reach: a county its province, an institution its
county's, a donor the province it is based in, an event its county's, a licence or assessment its
institution's, a council the provinces it covers (directly or through counties), a person the
councils they sit on, a donation both its recipient's and its donor's. A record reached by none
(a national council, a person on no council, a donor based nowhere) lies in no province: an empty
set. A donation whose donor is based nowhere holds ``None`` (``NOWHERE``) beside its recipient's
province: part of it lies in no province. A membership (a council seat) is named by its council and
its member, each looked up as itself. National catalogues (services, target groups, licence types)
lie in no province and are not looked up; nor are keys that name nothing (absent from the answer:
the operation itself reports them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Mapping
from typing import Any

from graph_model.enums import Label
from graph_model.statements.provinces_of import (DONATION_DONOR_PROVINCES, DONATION_PROVINCES, PROVINCE_KEYS,
                                                 PROVINCES_OF)
from graph_model.stores.base import GraphStore

DONATION = "Donation"  # a donation is a relationship with its own key, not a node
NOWHERE = None  # in a record's provinces: a part of it lies in no province
Provinces = frozenset[str | None]


async def provinces_of(store: GraphStore,
                       keys: Mapping[Label | str, Iterable[str]]) -> dict[tuple[Label | str, str], Provinces]:
    """The provinces of each record named, by (label or ``DONATION``, key). One statement per label
    and path, all at once."""
    reads: list[tuple[Label | str, bool, Awaitable[list[dict[str, Any]]]]] = []  # (label, whole, rows)
    for label, wanted in keys.items():
        unique = sorted(set(wanted))
        if not unique:
            continue
        if label == DONATION:
            reads.append((label, False, store.read(DONATION_PROVINCES, keys=unique)))
            reads.append((label, True, store.read(DONATION_DONOR_PROVINCES, keys=unique)))
        elif label is Label.PROVINCE:
            reads.append((label, False, store.read(PROVINCE_KEYS, keys=unique)))
        elif label in PROVINCES_OF:
            reads.extend((label, False, store.read(stmt, keys=unique))
                         for stmt in PROVINCES_OF[label])  # type: ignore[index]
    found: dict[tuple[Label | str, str], Provinces] = {}
    recipients: set[str] = set()  # donations whose recipient lies in a province
    answers = await asyncio.gather(*(read for _, _, read in reads))
    for (label, whole, _), rows in zip(reads, answers, strict=True):
        for row in rows:
            provinces: Provinces = frozenset(row["provinces"])
            if whole and not provinces:  # a part that must lie somewhere and lies nowhere
                provinces = frozenset({NOWHERE})
            if label == DONATION and not whole:
                recipients.add(row["key"])
            found[(label, row["key"])] = found.get((label, row["key"]), frozenset()) | provinces
    for label, key in list(found):
        if label == DONATION and key not in recipients:  # its recipient lies in no province
            found[(label, key)] |= {NOWHERE}
    return found
