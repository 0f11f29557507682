"""What tests build and inspect graphs with: the small world most store and API tests start from
(``build_world``), names, and snapshots proving a refused write changed nothing.

Fixtures over these are in conftest.py (``small_world``: a store holding ``build_world``;
``api_world``: the generated client on the app over it); test modules needing another graph build
their own and name their fixture after it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph_model.cypher import statement
from graph_model.enums import Label, MetaLabel
from graph_model.errors import HubError
from graph_model.mutations import create_node, record_donation
from graph_model.mutations.relations import add_member
from graph_model.queries import node_counts, rel_counts
from graph_model.stores.falkordb import FalkorStore

DUMP_NODES = statement("test_mutations_dump_nodes",
                       "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props", register=False)
DUMP_RELS = statement("test_mutations_dump_rels",
                      "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.key AS start, b.key AS end, "
                      "properties(r) AS props", register=False)


async def snapshot(store: FalkorStore) -> tuple[Any, ...]:
    """Everything in the graph, in a stable order (but the audit log, which records refusals too)."""
    nodes = sorted(repr((r["labels"], sorted(r["props"].items()))) for r in await store.read(DUMP_NODES)
                   if MetaLabel.AUDIT_ENTRY.value not in r["labels"])
    rels = sorted(repr((r["type"], r["start"], r["end"], sorted(r["props"].items())))
                  for r in await store.read(DUMP_RELS))
    return await node_counts(store), await rel_counts(store), nodes, rels


async def links(store: FalkorStore, key: str) -> set[tuple[str, str]]:
    """(type, end key) of every relationship leaving the node ``key``."""
    return {(r["type"], r["end"]) for r in await store.read(DUMP_RELS) if r["start"] == key}


async def fails_cleanly(store: FalkorStore, error: type[HubError], field: str, call: Any) -> HubError:
    """Await ``call``; it must raise ``error`` naming ``field`` and leave the graph untouched."""
    before = await snapshot(store)
    with pytest.raises(error) as caught:
        await call
    assert type(caught.value) is error, caught.value
    assert field in {e.field for e in caught.value.errors}, caught.value.errors
    assert await snapshot(store) == before
    return caught.value


def names(en: str, fa: str = "نام") -> dict[str, str]:
    return {"nameEn": en, "nameFa": fa}


async def build_world(store: FalkorStore) -> None:
    """Two provinces, three counties, two institutions, a donor, a council, services, licence types and an
    assessment framework with one criterion."""
    for key, en in (("IR-00", "Markazi"), ("IR-01", "Khuzestan")):
        await create_node(store, Label.PROVINCE, {"key": key, **names(en)})
    for key, province in (("IR-00-0001", "IR-00"), ("IR-00-0002", "IR-00"), ("IR-01-0001", "IR-01")):
        await create_node(store, Label.COUNTY, {"key": key, "province": province, **names(key)})
    await create_node(store, Label.TARGET_GROUP, {"key": "tg-elderly", **names("Elderly", "سالمندان")})
    for key in ("svc-care", "svc-skills", "svc-other"):
        await create_node(store, Label.SERVICE, {"key": key, "domain": "SOCIAL", "targetGroups": ["tg-elderly"],
                                                 **names(key)})
    await create_node(store, Label.LICENCE_TYPE, {"key": "lt-care", "validityYears": 5,
                                                  "services": ["svc-care", "svc-skills"], **names("Care")})
    await create_node(store, Label.LICENCE_TYPE, {"key": "lt-open", "services": ["svc-care"], **names("Open")})
    for key, county in (("inst-a", "IR-00-0001"), ("inst-b", "IR-01-0001")):
        await create_node(store, Label.INSTITUTION, {"key": key, "kind": "CHARITY", "county": county,
                                                     **names(key)})
    await create_node(store, Label.DONOR, {"key": "donor-1", "kind": "COMPANY", "province": "IR-00",
                                           **names("Donor one")})
    await create_node(store, Label.PERSON, {"key": "person-1", **names("Person one")})
    await create_node(store, Label.COUNCIL, {"key": "council-1", "kind": "PARTICIPATION_COUNCIL",
                                             "level": "PROVINCIAL", "provinces": ["IR-00"], **names("Council")})
    await create_node(store, Label.EVENT, {"key": "evt-1", "kind": "MAWKIB", "startsOn": "2024-08-20",
                                           "county": "IR-01-0001", "organiserInstitutions": ["inst-b"],
                                           **names("Mawkib")})
    await create_node(store, Label.FRAMEWORK, {"key": "fw-1", "version": 1, "validFrom": "2020-01-01",
                                               **names("Framework")})
    await create_node(store, Label.CRITERION, {"key": "crit-1", "framework": "fw-1", "area": "GOVERNANCE",
                                               "weight": 1.0, "scaleMax": 5, **names("Governance")})


SOLO = "solo-donor"  # the one individual donor of build_solo_world; its keys and its gifts' contain "solo"
GIFTS = ("solo-gift", "solo-gift-evt")


async def build_solo_world(store: FalkorStore) -> FalkorStore:
    """build_world with one individual donor (SOLO) giving to inst-a and evt-1 and sitting on
    council-1, beside a company gift to inst-a: what a role without the personal right must not see."""
    await build_world(store)  # inst-a lies in IR-00-0001 (Markazi); evt-1 in Khuzestan; council-1 covers Markazi
    await create_node(store, Label.DONOR, {"key": SOLO, "kind": "INDIVIDUAL", "province": "IR-00",
                                           **names("Solo Person")})
    await record_donation(store, donor=SOLO, amount=1_234_567, date="2024-01-01", institution="inst-a", key=GIFTS[0])
    await record_donation(store, donor=SOLO, amount=7_654_321, date="2024-01-02", event="evt-1", key=GIFTS[1])
    await record_donation(store, donor="donor-1", amount=5_000_000, date="2024-01-03", institution="inst-a",
                          key="company-gift")
    await add_member(store, "council-1", donor=SOLO)
    return store


GIFT_ROWS = 12  # gifts_file's rows


def gifts_file(path: Path) -> Path:
    """A CSV of GIFT_ROWS gifts of donor-1 to build_world's inst-a and inst-b (the import tests' file
    that is written in more than one batch)."""
    lines = ["donor,institution,amount,date"]
    lines += [f"donor-1,{'inst-a' if n % 2 else 'inst-b'},{1000 + n},2024-01-{n + 1:02d}" for n in range(GIFT_ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
