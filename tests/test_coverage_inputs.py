"""Writes that cannot change coverage's inputs leave coverage cached, and those that cannot change the
donation figures leave their disclosure pattern (graph_model.coverage.inputs).

The named statements are read as text: none writes a node or relationship coverage reads. Through
the API: a new donor and an institution's `source` leave the coverage count and the cached table as
they were; a moved institution, a changed offer or a need bumps it and the table is computed again,
with the new figures.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from graph_model import version
from graph_model.coverage import inputs
from graph_model.cypher import REGISTRY
from graph_model.statements import coverage as coverage_statements
from graph_model.stores.falkordb import FalkorStore
from hub.settings import Limits, Settings
from tests.asgi import asgi_client
from tests.test_api_coverage import build_coverage_world

TOKEN = re.compile(r":\s*`?([A-Za-z_][A-Za-z0-9_]*)")
CLAUSE = re.compile(r"\b(OPTIONAL MATCH|MATCH|MERGE|CREATE|SET|DELETE|DETACH DELETE|REMOVE|WITH|UNWIND|RETURN|"
                    r"FOREACH|WHERE|ON CREATE|ON MATCH|CALL)\b")


def _clauses(text: str) -> list[tuple[str, str]]:
    """(keyword, body) of each clause of a statement, in order (a rough split, enough to tell
    which clauses write)."""
    marks = list(CLAUSE.finditer(text))
    return [(m.group(1), text[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)])
            for i, m in enumerate(marks)]


def _targets(keyword: str, body: str) -> set[str]:
    """The variables a SET, DELETE or REMOVE clause writes: each item's leading name (the left side
    of `=` or `+=`, `n.prop`, `n:Label`, or a deleted variable), but for a lock (`n.key = n.key`)."""
    items = re.split(r",(?![^(\[{]*[)\]}])", body.split("|")[0].split(")")[0] if keyword != "SET" else body)
    locks = re.compile(r"\s*(\w+)\.key\s*=\s*\1\.key\s*$")  # graph_model.statements.writes.lock: no change
    return {m.group(1) for item in items if not locks.match(item) and (m := re.match(r"\s*(\w+)", item))}


def test_the_labels_coverage_reads_are_the_ones_its_statements_match() -> None:
    read = {name for stmt in vars(coverage_statements).values() if hasattr(stmt, "text")
            for name in TOKEN.findall(stmt.text)}
    assert read == inputs.COVERAGE_LABELS


def test_no_statement_named_neutral_writes_what_coverage_reads() -> None:
    neutral = [stmt for name, stmt in REGISTRY.items() if stmt.write and inputs.neutral(name)]
    assert len(neutral) > 30  # the rule names real statements (donors, gifts, councils, events, audit, keys)
    for stmt in neutral:
        bound = {var for var, label in re.findall(r"[(\[]\s*(\w+)\s*:\s*`?(\w+)", stmt.text)
                 if label in inputs.COVERAGE_LABELS}
        for keyword, body in _clauses(stmt.text):
            if keyword in ("MERGE", "CREATE"):
                assert not set(TOKEN.findall(body)) & inputs.COVERAGE_LABELS, (stmt.name, keyword, body)
            if keyword in ("SET", "DELETE", "DETACH DELETE", "REMOVE"):
                assert not _targets(keyword, body) & bound, (stmt.name, keyword, body)


def test_an_institution_update_of_its_source_alone_is_neutral() -> None:
    update = REGISTRY["entity_update_Institution"]
    assert not inputs.changes_coverage(update, {"key": "i", "props": {"source": "x"}, "link_county": [],
                                                "replace_county": False})
    assert inputs.changes_coverage(update, {"key": "i", "props": {"lat": 31.0}})
    assert inputs.changes_coverage(update, {"key": "i", "props": {}, "link_county": ["IR-00-0002"],
                                            "replace_county": True})
    assert inputs.changes_coverage(None, None)
    assert inputs.changes_coverage(REGISTRY["pair_set_OFFERS"], {})


def test_the_writes_that_move_donation_figures_are_seen_as_such() -> None:
    """By their text: a gift, a donor's kind, an institution's county, a county's province, the
    totals' rebuild; and not a new donor, a person, a partnership or an institution's source (a
    council names the counties it covers: counted as a change, which is always safe)."""
    changes = inputs.changes_donations
    for name in ("donation_record_DONATED_TO", "donation_update", "donation_delete", "donation_totals_replace",
                 "entity_update_County", "upsert_DONATED_TO", "upsert_IN_PROVINCE", "upsert_LOCATED_IN"):
        assert changes(REGISTRY[name], {}), name
    assert changes(REGISTRY["entity_update_Donor"], {"key": "d", "props": {"kind": "INDIVIDUAL"}})
    assert changes(REGISTRY["entity_update_Institution"], {"key": "i", "props": {}, "link_county": ["IR-00-0002"],
                                                           "replace_county": True})
    for name in ("entity_create_Donor", "entity_create_Person", "partners_link", "audit_entry_create",
                 "api_key_create"):
        assert not changes(REGISTRY[name], {}), name
    assert not changes(REGISTRY["entity_update_Institution"], {"key": "i", "props": {"source": "x"}})
    assert changes(None, None)


QUESTION = """query ($q: CoverageQuestion!) { coverage(question: $q) {
  areas(first: 100) { key capacity reached shortfall } } }"""


async def _post(client: Any, query: str, **variables: Any) -> dict[str, Any]:
    body = (await client.post("/graphql", json={"query": query, "variables": variables})).json()
    assert not body.get("errors"), body
    return body["data"]


@pytest.mark.parametrize("settings", [Settings(limits=Limits(rate_per_minute=0))])
async def test_writes_that_cannot_change_coverage_leave_it_cached(store: FalkorStore, settings: Settings) -> None:
    await build_coverage_world(store)
    async with asgi_client(store, settings) as client:
        ask = {"q": {"service": "svc-home", "method": "RATIO"}}
        first = await _post(client, QUESTION, **ask)
        graph, kept = await version.current(store), await version.current_coverage(store)
        gifts = await version.current_donations(store)

        await _post(client, """mutation { createDonor(input: {key: "d-new", kind: COMPANY, nameFa: "ن",
                                nameEn: "New"}) { ... on Donor { key } } }""")
        await _post(client, """mutation { updateInstitution(key: "inst-1", input: {source: "a register"})
                                { ... on Institution { key } } }""")
        assert await version.current(store) > graph  # both wrote
        assert await version.current_coverage(store) == kept  # neither could change coverage
        assert await version.current_donations(store) == gifts  # nor the donation figures
        assert await _post(client, QUESTION, **ask) == first

        # An offer's capacity: coverage's input; the count moves and the table is computed again.
        await _post(client, """mutation { offerService(institution: "inst-1", service: "svc-home", capacity: 999)
                                { ... on MutationError { message } } }""")
        assert await version.current_coverage(store) > kept
        assert await _post(client, QUESTION, **ask) != first
        assert await version.current_donations(store) == gifts
        await _post(client, """mutation { recordDonation(input: {donor: "d-new", institution: "inst-1",
                                amount: "5000", date: "2024-05-01"}) { ... on MutationError { message } } }""")
        assert await version.current_donations(store) > gifts
