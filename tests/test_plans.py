"""FalkorDB's plans for the statements that find a donation by its key: from the key index of the
donations' relationship type, never from a scan of one end's nodes (graph_model.cypher.rel_by_key).

With labelled ends (``(:Donor)-[r:DONATED_TO]->(:Institution) WHERE r.key = k``) FalkorDB scanned
every donor and sought the key index once per donor: one donation by key cost 340 ms on the
``national`` profile, its update some 600 ms. A plan is chosen from the statement and the schema
(the indexes), not from the rows, so a store holding only the hub's schema shows it; the key
parameters are given as texts (a null key is a predicate no index can serve, and the planner
then scans whatever the statement says)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from falkordb.asyncio import FalkorDB

from graph_model.cypher import Statement, all_statements
from graph_model.enums import KEYED_RELS
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb_params import header
from tests.stores import fresh_store

_KEYED = "|".join(sorted(rel.value for rel in KEYED_RELS))
_KEYED_VAR = re.compile(rf"\[(\w+):(?:{_KEYED})\]")


def _lookups(stmt: Statement) -> list[str]:
    """The variables of keyed relationships that ``stmt`` finds by key (``r.key = ...``)."""
    return [v for v in _KEYED_VAR.findall(stmt.text) if re.search(rf"\b{v}\.key\s*=", stmt.text)]


LOOKUPS = [s for s in all_statements() if s.dialect in ("both", "falkordb") and _lookups(s)]


def _params(stmt: Statement) -> dict[str, Any]:
    """Texts for the keys (one key in a list for the UNWIND forms), null for the rest."""
    keys = {"key": "k", "donor": "d", "target": "t", "ids": ["k"], "keys": ["k"]}
    return {name: keys.get(name) for name in stmt.params}


@pytest.fixture(scope="module")
async def explain(server: EmbeddedServer) -> AsyncIterator[Callable[[Statement], Awaitable[list[str]]]]:
    """The plan FalkorDB makes for a statement on a graph holding only the hub's schema."""
    client = FalkorDB(unix_socket_path=str(server.socket_path))
    async with fresh_store(server) as store:
        async def plan(stmt: Statement) -> list[str]:
            reply = await client.connection.execute_command(
                "GRAPH.EXPLAIN", store.graph_name, f"CYPHER {header(_params(stmt))}{stmt.text}")
            return [line.decode() if isinstance(line, bytes) else line for line in reply]

        yield plan
    await client.connection.aclose()


def test_the_lookups_are_found() -> None:
    """The statements below are the ones expected: a rename that hid them would pass vacuously."""
    names = {s.name for s in LOOKUPS}
    assert {"donations_by_keys", "donation_update", "donation_delete", "donation_key_used",
            "provinces_of_donations", "provinces_of_donation_donors", "import_donated_to_by_keys",
            "donation_record_DONATED_TO", "donation_record_DONATED_TO_EVENT"} <= names, names


@pytest.mark.parametrize("stmt", LOOKUPS, ids=lambda s: s.name)
async def test_a_donation_by_key_is_read_from_its_key_index(
        explain: Callable[[Statement], Awaitable[list[str]]], stmt: Statement) -> None:
    plan = await explain(stmt)
    for var in _lookups(stmt):
        seeks = [i for i, line in enumerate(plan) if re.search(rf"Edge By Index Scan \| \[{var}:", line)]
        assert seeks, (var, plan)
        for i in seeks:
            below = plan[i + 1].strip() if i + 1 < len(plan) else ""
            # fed by nothing, by an UNWIND of the keys or by the row so far, never by a scan of nodes
            assert "Scan" not in below, (var, plan[i:i + 3])
