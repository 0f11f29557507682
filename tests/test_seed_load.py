"""Loading profiles into the real embedded store: counts, idempotency, facts, bad input, interruption."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from graph_model import links, queries
from graph_model.cypher import statement
from graph_model.enums import Label, Rel
from graph_model.errors import StoreUnavailable, ValidationFailed
from graph_model.stores.falkordb import FalkorStore
from seed.dataset import Dataset
from seed.loader import load
from seed.profiles import build


def expected_counts(dataset: Dataset) -> tuple[dict[str, int], dict[str, int]]:
    nodes = {label.value: len(dataset.nodes.get(label, [])) for label in Label}
    rels = {rel.value: len(dataset.rels.get(rel, [])) for rel in Rel}
    return nodes, rels


async def stored_counts(store: FalkorStore) -> tuple[dict[str, int], dict[str, int]]:
    return await queries.node_counts(store), await queries.rel_counts(store)


async def test_demo_loads_whole_and_a_second_load_changes_nothing(store: FalkorStore) -> None:
    demo = build("demo")
    await load(store, demo)
    assert await stored_counts(store) == expected_counts(demo)
    await load(store, demo)
    assert await stored_counts(store) == expected_counts(demo)


FACTS = statement("test_institutions_by_province_and_kind", """
    MATCH (i:Institution)-[:LOCATED_IN]->(:County)-[:IN_PROVINCE]->(p:Province)
    RETURN p.key AS province, i.kind AS kind, count(i) AS n, sum(i.residents) AS residents""",
                  register=False)


async def test_the_articles_facts_are_in_the_store(store: FalkorStore) -> None:
    await load(store, build("demo"))
    rows = await store.read(FACTS)
    per_province: dict[str, int] = {}
    for r in rows:
        per_province[r["province"]] = per_province.get(r["province"], 0) + r["n"]
    by_kind = {(r["province"], r["kind"]): r for r in rows}
    assert per_province["IR-06"] == 820 and by_kind[("IR-06", "POSITIVE_LIFE_CENTRE")]["n"] == 189
    assert per_province["IR-00"] == 107 and by_kind[("IR-00", "DISABLED_ELDERLY_CARE")]["n"] == 40
    assert per_province["IR-29"] == 118 and by_kind[("IR-29", "RESIDENTIAL_CARE")]["n"] == 54
    ali_akbar = (await queries.by_keys(store, Label.INSTITUTION, ["inst-birjand-hazrat-ali-akbar"]))
    residents = ali_akbar["inst-birjand-hazrat-ali-akbar"]["residents"]
    assert residents == 0.4 * by_kind[("IR-29", "RESIDENTIAL_CARE")]["residents"]
    assert (await links.fetch_link(store, "institution_county", ["inst-birjand-hazrat-ali-akbar"])
            )["inst-birjand-hazrat-ali-akbar"]["nameEn"] == "Birjand"
    mawkibs = await store.read(statement("test_mawkibs", """
        MATCH (e:Event)-[:HELD_IN]->(c:County) WHERE e.kind = 'MAWKIB'
        RETURN e.nameEn AS name, c.provinceKey AS province""", register=False))
    assert {r["province"] for r in mawkibs} == {"IR-06"}
    names = " ".join(r["name"] for r in mawkibs)
    assert "Shalamcheh" in names and "Chazabeh" in names
    assert (await queries.count(store, Label.PROVINCE)) == 31
    assert (await queries.count(store, Label.COUNTY)) == 429


def tiny() -> Dataset:
    ds = Dataset("tiny")
    ds.node(Label.PROVINCE, "IR-00", nameFa="مرکزی", nameEn="Markazi")
    ds.node(Label.COUNTY, "IR-00-0001", nameFa="اراک", nameEn="Arak", provinceKey="IR-00")
    ds.rel(Rel.IN_PROVINCE, "IR-00-0001", "IR-00")
    for i in range(30):
        ds.node(Label.DONOR, f"d{i}", nameFa="خیر", nameEn="Donor", kind="COMPANY", generated=True, source="test")
    return ds


async def test_bad_rows_are_all_reported_and_nothing_is_written(store: FalkorStore) -> None:
    ds = tiny()
    ds.node(Label.DONOR, "bad", nameFa="", nameEn="x", kind="ROBOT")
    ds.rel(Rel.DONATED_TO, "d1", "nowhere", key="k1", amount=-5, date="2024-13-01")
    with pytest.raises(ValidationFailed) as raised:
        await load(store, ds)
    fields = {e.field for e in raised.value.errors}
    assert {"Donor[30].nameFa", "Donor[30].kind", "DONATED_TO[0].amount", "DONATED_TO[0].date"} <= fields
    assert sum((await queries.node_counts(store)).values()) == 0


async def test_a_reference_to_an_unknown_node_writes_nothing(store: FalkorStore) -> None:
    ds = tiny()
    ds.rel(Rel.BASED_IN, "d1", "IR-99")
    with pytest.raises(ValidationFailed, match="do not exist") as raised:
        await load(store, ds)
    assert raised.value.errors[0].message == "unknown key 'IR-99'"
    assert sum((await queries.node_counts(store)).values()) == 0


class DiesAfter:
    """Fault injection: the store goes away after ``n`` successful writes."""

    def __init__(self, store: FalkorStore, n: int) -> None:
        self._store, self._left = store, n

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def write(self, stmt: Any, **params: Any) -> Any:
        if self._left <= 0:
            raise StoreUnavailable("the store went away (injected)")
        self._left -= 1
        return await self._store.write(stmt, **params)


async def test_an_interrupted_load_run_again_ends_with_clean_counts(store: FalkorStore) -> None:
    demo = build("demo")
    with pytest.raises(StoreUnavailable):
        await load(DiesAfter(store, 9), demo, batch_size=500)
    partial = await stored_counts(store)
    assert partial != expected_counts(demo) and sum(partial[0].values()) > 0
    await load(store, copy.deepcopy(demo), batch_size=500)
    assert await stored_counts(store) == expected_counts(demo)
