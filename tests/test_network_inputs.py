"""Writes that cannot change what the network analyses read leave them cached (graph_model.networks.inputs).

The named statements are read as text: none writes a node or relationship of the networks' labels.
Through the API, over the hand-made network of tests/test_api_networks.py: a new donor (with its
province, company or individual) and an institution's `source` leave the networks count as it was,
and every network answer (projection, brokers on both sides, communities, shared donors, suggestions,
isolated institutions, a neighbourhood, a connection), as a viewer (individual donors redacted) and
as an admin, is the cached one and equals a fresh computation; a gift, an institution's name and a
donor's kind bump the count and change the answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from strawberry.relay import to_base64

from graph_model import version
from graph_model.coverage.inputs import INSTITUTION_NEUTRAL_PROPS
from graph_model.cypher import REGISTRY, Statement
from graph_model.enums import ENDPOINTS, Label, Rel
from graph_model.mutations import create_node, record_donation
from graph_model.networks import inputs
from graph_model.networks.scope import NetworkScope
from graph_model.networks.service import Networks
from graph_model.statements import networks as network_statements
from graph_model.statements import networks_explore, privacy
from graph_model.stores.falkordb import FalkorStore
from hub.settings import Limits, Settings
from tests.asgi import asgi_client, token
from tests.test_api_networks import build_network
from tests.test_coverage_inputs import TOKEN, _clauses, _targets

OPERATIONS = (Path(__file__).resolve().parent.parent / "operations" / "networks.graphql").read_text()
WRITES = ("SET", "DELETE", "DETACH DELETE", "REMOVE")


def _network_statements() -> list[Statement]:
    found: list[Statement] = []
    for module in (network_statements, networks_explore, privacy):
        for value in vars(module).values():
            values = [s for d in value.values() for s in d.values()] if module is network_statements and \
                isinstance(value, dict) and value and isinstance(next(iter(value.values())), dict) else [value]
            found += [s for s in values if isinstance(s, Statement)]
    return found


def test_the_labels_the_networks_read_are_the_ones_their_statements_match() -> None:
    stmts = _network_statements()
    assert len(stmts) >= 20  # the scope rows of both dialects, the council's area, the explorer, the kinds
    read = {name for stmt in stmts for name in TOKEN.findall(stmt.text)}
    types = {rel.value for rel in Rel}
    # a relationship type's two ends are read too: a deleted node takes its relationships along
    ends = {label.value for name in read if name in types for label in ENDPOINTS[Rel(name)]}
    assert read | ends == inputs.NETWORK_LABELS


def _labelled(text: str) -> dict[str, str]:
    """Each variable the statement binds to a label, with its label; a FOREACH variable over a
    ``collect(x) AS xs`` list takes ``x``'s; an untyped relationship of such a node, a name for it."""
    labels = dict(re.findall(r"[(\[]\s*(\w+)\s*:\s*`?(\w+)", text))
    for node, rel in re.findall(r"\((\w+)\)<?-\[(\w+)\]-", text):
        # an untyped relationship of a node outside the networks' labels: its type is too (the
        # labels are closed over the ends of every relationship type read)
        if rel not in labels and node in labels and labels[node] not in inputs.NETWORK_LABELS:
            labels[rel] = f"a relationship of {labels[node]}"
    lists = dict((name, of) for of, name in re.findall(r"collect\((?:DISTINCT )?(\w+)\) AS (\w+)", text))
    for var, xs in re.findall(r"FOREACH \((\w+) IN (\w+) \|", text):
        if lists.get(xs) in labels:
            labels[var] = labels[lists[xs]]
    return labels


def test_no_statement_named_neutral_writes_what_the_networks_read() -> None:
    """Stricter than coverage's rule: every variable a neutral statement writes must be bound to a
    label outside the networks' (an unlabelled one could be anything)."""
    neutral = [stmt for name, stmt in REGISTRY.items() if stmt.write and inputs.neutral(name)]
    assert len(neutral) > 40  # real statements: licences, assessments, complaints, needs, audit, keys
    for stmt in neutral:
        labels = _labelled(stmt.text)
        for keyword, body in _clauses(stmt.text):
            if keyword in ("MERGE", "CREATE"):
                assert not set(TOKEN.findall(body)) & inputs.NETWORK_LABELS, (stmt.name, keyword, body)
            if keyword in WRITES:
                for var in _targets(keyword, body):
                    assert labels.get(var, "Institution") not in inputs.NETWORK_LABELS, (stmt.name, keyword, body)


def test_a_new_donor_writes_only_a_new_donor_and_its_province() -> None:
    """entity_create_Donor creates the donor (ON CREATE only: an existing donor is never changed) and
    BASED_IN links from it; nothing else is created, set or deleted."""
    stmt = REGISTRY[inputs.NEW_DONOR]
    clauses = _clauses(stmt.text)
    made = {name for keyword, body in clauses if keyword in ("MERGE", "CREATE") for name in TOKEN.findall(body)}
    assert made == {"Donor", "BASED_IN"}
    for n, (keyword, body) in enumerate(clauses):
        if keyword in WRITES:
            assert keyword == "SET" and clauses[n - 1][0] == "ON CREATE", (keyword, body)
            assert _targets(keyword, body) == {"n"} and _labelled(stmt.text)["n"] == "Donor"


def test_the_networks_never_read_an_institutions_source() -> None:
    for stmt in _network_statements():
        for prop in INSTITUTION_NEUTRAL_PROPS:
            for var in re.findall(rf"\b(\w+)\.{prop}\b", stmt.text):
                assert re.search(rf"UNWIND \$\w+ AS {var}\b", stmt.text), (stmt.name, var)  # a parameter's field


def test_writes_that_change_the_networks_inputs_are_seen_as_such() -> None:
    changes = inputs.changes_networks
    for name in ("donation_record_DONATED_TO", "donation_update", "donation_delete", "partners_link",
                 "pair_set_OFFERS", "pair_set_DONOR_MEMBER_OF", "pair_remove_INSTITUTION_MEMBER_OF",
                 "upsert_DONATED_TO", "upsert_Donor", "create_Donor", "entity_delete_Donor", "entity_update_Council",
                 "entity_update_Person", "entity_update_Event", "upsert_LOCATED_IN", "fill_County_provinceKey",
                 "entity_delete_Service"):
        assert changes(REGISTRY[name], {}), name
    update = REGISTRY["entity_update_Institution"]
    assert changes(update, {"key": "i", "props": {"nameEn": "x"}})
    assert changes(update, {"key": "i", "props": {"source": "x", "nameFa": "ی"}})
    assert changes(update, {"key": "i", "props": {}, "link_county": ["IR-00-0002"], "replace_county": True})
    assert changes(REGISTRY["entity_update_Donor"], {"key": "d", "props": {"kind": "INDIVIDUAL"}})
    assert changes(None, None)
    assert not changes(update, {"key": "i", "props": {"source": "x"}, "link_county": [], "replace_county": False})
    assert not changes(REGISTRY["entity_create_Donor"], {"key": "d", "props": {}, "link_province": ["IR-00"]})
    for name in ("audit_entry_create", "api_key_create", "entity_update_Licence", "pair_set_NEEDS", "upsert_HOLDS"):
        assert not changes(REGISTRY[name], {}), name


def _questions() -> list[tuple[str, dict[str, Any]]]:
    def inst(key: str) -> str:
        return to_base64("Institution", key)
    return [
        ("NetworkProjection", {"of": "a3"}),
        ("Brokers", {}),
        ("Brokers", {"metric": "DEGREE", "projection": "DONORS"}),
        ("Communities", {}),
        ("SharedDonors", {"institution": "a1"}),
        ("DonorOverlap", {"institution": "a3", "other": "b1"}),
        ("DonorSuggestions", {"institution": "z"}),
        ("IsolatedInstitutions", {}),
        ("Network", {"center": inst("a1")}),
        ("Connection", {"source": inst("a3"), "target": inst("b2")}),
    ]


async def _ask(client: Any, operation: str, variables: dict[str, Any], role: str) -> dict[str, Any]:
    body = (await client.post("/graphql", json={"query": OPERATIONS, "operationName": operation,
                                                "variables": variables},
                              headers={"Authorization": f"Bearer {token(role)}"})).json()
    assert not body.get("errors"), (operation, body)
    return body["data"]


async def _answers(client: Any, role: str) -> list[dict[str, Any]]:
    return [await _ask(client, op, v, role) for op, v in _questions()]


async def _write(client: Any, mutation: str) -> None:
    body = (await client.post("/graphql", json={"query": f"mutation {{ {mutation} }}"})).json()
    assert not body.get("errors") and "MutationError" not in str(body), body


async def _fresh(store: FalkorStore, settings: Settings, role: str) -> list[dict[str, Any]]:
    """The answers of a new app (an empty cache): computed now."""
    async with asgi_client(store, settings) as client:
        return await _answers(client, role)


@pytest.mark.parametrize("settings", [Settings(limits=Limits(rate_per_minute=0))])
async def test_writes_that_cannot_change_the_networks_leave_them_cached(store: FalkorStore,
                                                                      settings: Settings) -> None:
    await build_network(store)
    async with asgi_client(store, settings) as admin:  # one app, one cache: both roles ask it
        await _write(admin, """createDonor(input: {key: "dI", kind: INDIVIDUAL, nameFa: "ف", nameEn: "Private",
                               province: "IR-00"}) { __typename }""")
        await _write(admin, """recordDonation(input: {donor: "dI", institution: "a1", amount: "300",
                               date: "2024-05-02"}) { __typename }""")
        seen = {role: await _answers(admin, role) for role in ("admin", "viewer")}
        assert "Private" in str(seen["admin"]) and "Private" not in str(seen["viewer"])  # redacted per request
        assert seen["admin"][-1]["connection"]["hops"] == 4 and len(seen["admin"][-2]["network"]["nodes"]) > 3
        graph, kept = await version.current(store), await version.current_networks(store)

        for mutation in (
                """createDonor(input: {key: "d-new", kind: COMPANY, nameFa: "ن", nameEn: "New", province: "IR-01"})
                   { __typename }""",
                """createDonor(input: {key: "d-new-2", kind: INDIVIDUAL, nameFa: "ن", nameEn: "Someone"})
                   { __typename }""",
                """updateInstitution(key: "a1", input: {source: "a register"}) { __typename }"""):
            await _write(admin, mutation)
        assert await version.current(store) > graph  # they wrote
        assert await version.current_networks(store) == kept  # none could change a network answer
        for role in ("admin", "viewer"):
            assert await _answers(admin, role) == seen[role], role  # from the cache ...
            assert await _fresh(store, settings, role) == seen[role], role  # ... and what computing gives now

        changes = (
            # a gift from the new donor: z is no longer isolated, d-new joins the projections
            ("""recordDonation(input: {donor: "d-new", institution: "z", amount: "900", date: "2024-08-01"})
                { __typename }""", ("admin", "viewer")),
            # a name the neighbourhood shows
            ("""updateInstitution(key: "a1", input: {nameEn: "Renamed a1"}) { __typename }""", ("admin", "viewer")),
            # a donor's kind: the viewer no longer sees dA, nor its gifts in the shared donors' amounts
            # (an admin sees every donor alike: the same answer)
            ("""updateDonor(key: "dA", input: {kind: INDIVIDUAL}) { __typename }""", ("viewer",)))
        for mutation, moved in changes:
            before = await version.current_networks(store)
            await _write(admin, mutation)
            assert await version.current_networks(store) > before, mutation
            for role in ("admin", "viewer"):
                now = await _answers(admin, role)
                assert (now != seen[role]) == (role in moved), (role, mutation)
                fresh = await _fresh(store, settings, role)
                for (op, _), a, b in zip(_questions(), now, fresh, strict=True):
                    assert a == b, (role, mutation, op, a, b)
                seen[role] = now
        assert "Renamed a1" in str(seen["admin"])


async def test_a_cached_network_answer_is_served_without_computing(store: FalkorStore) -> None:
    """In process: after a neutral write the answers come from the cache (no miss), after a gift
    they are computed again."""
    await build_network(store)
    networks = Networks(store)
    scope = NetworkScope()
    first = await networks.communities(scope)
    misses = networks.kept.misses
    await create_node(store, Label.DONOR, {"key": "d-x", "kind": "COMPANY", "province": "IR-00", "nameFa": "x",
                                           "nameEn": "x"})
    assert await networks.communities(scope) is first and networks.kept.misses == misses
    await record_donation(store, donor="d-x", institution="z", amount=5, date="2024-05-01")
    assert await networks.communities(scope) is not first and networks.kept.misses > misses
