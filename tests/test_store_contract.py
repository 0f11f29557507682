"""The GraphStore contract, run for real on the embedded FalkorDB."""

from __future__ import annotations

import pytest

from graph_model.cypher import statement
from graph_model.enums import Label
from graph_model.errors import Conflict, StoreError
from graph_model.statements.loading import CREATE_NODE, UPSERT_NODE
from graph_model.statements.reads import BY_KEYS, COUNT
from graph_model.stores.falkordb import FalkorStore


async def test_write_then_read_returns_plain_dicts(store: FalkorStore) -> None:
    await store.write(UPSERT_NODE[Label.PROVINCE], rows=[
        {"key": "IR-00", "props": {"nameFa": "مرکزی", "nameEn": "Markazi", "population": 1429475}}])
    rows = await store.read(BY_KEYS[Label.PROVINCE], keys=["IR-00", "IR-99"])
    assert rows == [{"node": {"key": "IR-00", "nameFa": "مرکزی", "nameEn": "Markazi", "population": 1429475}}]
    assert type(rows[0]["node"]) is dict


async def test_unique_key_gives_conflict(store: FalkorStore) -> None:
    first = await store.write(CREATE_NODE[Label.DONOR], key="d1", props={"nameFa": "الف", "nameEn": "A"})
    # Safe to retry (issue 15): the same create answers the same; other content writes nothing.
    assert await store.write(CREATE_NODE[Label.DONOR], key="d1", props={"nameFa": "الف", "nameEn": "A"}) == first
    assert await store.write(CREATE_NODE[Label.DONOR], key="d1", props={"nameFa": "ب", "nameEn": "B"}) == []
    with pytest.raises(Conflict):  # a raw CREATE still meets the unique key
        await store.write(statement("test_create_donor", "CREATE (:Donor {key: $key})", write=True, register=False),
                          key="d1")
    assert (await store.read(COUNT[Label.DONOR]))[0]["total"] == 1


async def test_a_failed_batch_writes_nothing(store: FalkorStore) -> None:
    await store.write(CREATE_NODE[Label.DONOR], key="taken", props={})
    rows = [{"key": f"new-{i}", "props": {}} for i in range(100)] + [{"key": "taken", "props": {}}]
    batch = "UNWIND $rows AS row CREATE (n:Donor {key: row.key}) RETURN count(n) AS written"
    from graph_model.cypher import statement

    with pytest.raises(Conflict):
        await store.write(statement("test_create_donors", batch, write=True, register=False), rows=rows)
    assert (await store.read(COUNT[Label.DONOR]))[0]["total"] == 1


async def test_upsert_is_idempotent(store: FalkorStore) -> None:
    rows = [{"key": f"p{i}", "props": {"nameFa": "x", "nameEn": "y"}} for i in range(10)]
    for _ in range(2):
        await store.write(UPSERT_NODE[Label.PERSON], rows=rows)
    assert (await store.read(COUNT[Label.PERSON]))[0]["total"] == 10


async def test_parameters_must_match_the_statement(store: FalkorStore) -> None:
    with pytest.raises(TypeError, match="missing parameters"):
        await store.read(BY_KEYS[Label.PROVINCE])
    with pytest.raises(TypeError, match="unexpected"):
        await store.read(COUNT[Label.PROVINCE], label="Province")


async def test_round_trips_are_counted(store: FalkorStore) -> None:
    before = store.round_trips
    await store.read(COUNT[Label.PROVINCE])
    await store.read(COUNT[Label.COUNTY])
    assert store.round_trips == before + 2


async def test_ensure_schema_runs_twice(store: FalkorStore) -> None:
    await store.ensure_schema()
    await store.ensure_schema()
    constraints = await store._constraints()
    assert all(status == "OPERATIONAL" for status in constraints.values())
    assert ("NODE", "Institution", "key") in constraints
    assert ("RELATIONSHIP", "DONATED_TO", "key") in constraints


async def test_statement_errors_are_translated(store: FalkorStore) -> None:
    from graph_model.cypher import statement

    with pytest.raises(StoreError, match="test_bad"):
        await store.read(statement("test_bad", "RETURN 1/0 AS x", register=False))
