"""The audit log end to end: mutations through the ASGI app, read back through `auditLog`.

Every mutation call is logged (allowed, refused by the policy, failed with a typed error) with
who, when, the keys and the values given; individual donors' personal data is redacted; only
admins read the log; it is append-only and stays out of the graph's counts and version.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import httpx

from graph_model import audit, version
from graph_model.cypher import all_statements
from graph_model.enums import MetaLabel
from graph_model.errors import StoreUnavailable
from graph_model.stores.falkordb import FalkorStore
from hub.auth.principal import Principal, Role
from tests.asgi import asgi_client, token
from tests.builders import build_world

LOG = """query Log($first: Int, $after: String, $operation: String, $subject: String, $since: DateTime,
                    $until: DateTime) {
  auditLog(first: $first, after: $after, operation: $operation, subject: $subject, since: $since, until: $until) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { key at subject role operation keys values outcome }
  }
}"""
CREATE_INSTITUTION = """mutation { createInstitution(input: {kind: NGO, county: "IR-00-0002", nameFa: "مرکز",
  nameEn: "Audit Centre"}) { __typename ... on Institution { key } } }"""
UPDATE_INSTITUTION = """mutation U($key: String!) { updateInstitution(key: $key, input: {residents: 40, lat: null}) {
  __typename ... on MutationError { code } } }"""
CREATE_DONOR = """mutation D($input: CreateDonorInput!) { createDonor(input: $input) {
  __typename ... on Donor { key } } }"""
RECORD_DONATION = """mutation R($donor: String!) { recordDonation(input: {donor: $donor, amount: "7654321",
  date: "1403/01/02", institution: "inst-a"}) { __typename ... on Donation { key } } }"""


async def gql(http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None,
              as_role: str | None = None, subject: str = "tester") -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token(as_role, subject=subject)}"} if as_role else {}
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def log(http: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    """The audit log as an admin sees it."""
    answer = await gql(http, LOG, variables, as_role="admin")
    assert "errors" not in answer, answer
    return answer["data"]["auditLog"]


async def test_editor_writes_are_logged_with_who_what_keys_and_values(store: FalkorStore) -> None:
    await build_world(store)
    async with asgi_client(store, role="editor") as http:
        created = await gql(http, CREATE_INSTITUTION)
        key = created["data"]["createInstitution"]["key"]
        updated = await gql(http, UPDATE_INSTITUTION, {"key": key})
        assert updated["data"]["updateInstitution"]["__typename"] == "Institution"
        now = dt.datetime.now(dt.UTC)
        entries = (await log(http))["nodes"]

    assert [e["operation"] for e in entries] == ["updateInstitution", "createInstitution"]  # newest first
    update, create = entries
    for entry in entries:
        assert entry["subject"] == "jwt:tester" and entry["role"] == "editor" and entry["outcome"] == "ok"
        assert now - dt.timedelta(minutes=1) < dt.datetime.fromisoformat(entry["at"]) <= now
    assert create["key"] < update["key"]  # keys sort by time
    assert set(create["keys"]) == {key, "IR-00-0002"}  # the new record's key and the county it links
    given = json.loads(create["values"])["input"]
    assert (given["kind"], given["county"], given["nameEn"]) == ("NGO", "IR-00-0002", "Audit Centre")
    assert update["keys"] == [key]
    assert json.loads(update["values"]) == {"key": key, "input": {"residents": 40, "lat": None}}


async def test_individual_donors_personal_data_is_redacted_and_companies_kept(store: FalkorStore) -> None:
    await build_world(store)
    person = {"kind": "INDIVIDUAL", "nameFa": "علی رضایی", "nameEn": "Ali Rezaei", "province": "IR-00",
              "phone": "۰۹۱۲ ۷۷۷ ۸۸۹۹"}
    company = {"kind": "COMPANY", "nameFa": "شرکت نمونه", "nameEn": "Sample Co", "province": "IR-00"}
    async with asgi_client(store, role="editor") as http:
        donor = (await gql(http, CREATE_DONOR, {"input": person}))["data"]["createDonor"]["key"]
        await gql(http, CREATE_DONOR, {"input": company})
        await gql(http, f'mutation {{ updateDonor(key: "{donor}", input: {{nameEn: "A. Rezaei"}}) {{ __typename }} }}')
        await gql(http, 'mutation { updateDonor(key: "donor-1", input: {nameEn: "Donor One Ltd"}) { __typename } }')
        await gql(http, RECORD_DONATION, {"donor": donor})
        await gql(http, RECORD_DONATION, {"donor": "donor-1"})
        answer = await gql(http, LOG, {"first": 10}, as_role="admin")
    entries = answer["data"]["auditLog"]["nodes"]
    company_gift, person_gift, company_update, person_update, company_new, person_new = (
        (e["operation"], json.loads(e["values"])["input"]) for e in entries)

    assert person_new == ("createDonor", {"kind": "INDIVIDUAL", "nameFa": "[redacted]", "nameEn": "[redacted]",
                                          "province": "IR-00", "key": None, "source": None,
                                          "phone": "[redacted]"})
    assert company_new[1]["nameEn"] == "Sample Co" and company_new[1]["nameFa"] == "شرکت نمونه"
    assert person_update == ("updateDonor", {"nameEn": "[redacted]"})  # the update did not say the kind
    assert company_update == ("updateDonor", {"nameEn": "Donor One Ltd"})
    assert person_gift[0] == "recordDonation" and person_gift[1]["amount"] == "[redacted]"
    assert person_gift[1]["donor"] == donor and person_gift[1]["date"] == "2024-03-21"
    assert company_gift[1]["amount"] == 7654321
    text = json.dumps(answer, ensure_ascii=False)
    for secret in ("Ali Rezaei", "علی رضایی", "A. Rezaei", "۰۹۱۲ ۷۷۷ ۸۸۹۹"):
        assert secret not in text


async def test_refused_and_failed_mutations_are_logged_with_their_code(store: FalkorStore) -> None:
    await build_world(store)
    async with asgi_client(store, role="viewer") as http:
        refused = await gql(http, UPDATE_INSTITUTION, {"key": "inst-a"})
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN" and refused["data"] is None
        missing = await gql(http, UPDATE_INSTITUTION, {"key": "inst-nope"}, as_role="editor")
        assert missing["data"]["updateInstitution"] == {"__typename": "NotFoundError", "code": "NOT_FOUND"}
        bad = await gql(http, 'mutation { updateInstitution(key: "inst-a", input: {residents: -1}) { __typename } }',
                        as_role="editor")
        assert bad["data"]["updateInstitution"]["__typename"] == "ValidationError"
        taken = await gql(http, 'mutation { createPerson(input: {key: "person-1", nameFa: "ن", nameEn: "N"}) '
                                '{ __typename } }', as_role="editor")
        assert taken["data"]["createPerson"]["__typename"] == "ConflictError"
        entries = (await log(http))["nodes"]

    conflict, invalid, not_found, forbidden = entries
    assert (forbidden["operation"], forbidden["role"], forbidden["outcome"]) == ("updateInstitution", "viewer",
                                                                                 "FORBIDDEN")
    assert forbidden["keys"] == ["inst-a"] and json.loads(forbidden["values"])["input"]["residents"] == 40
    assert (not_found["role"], not_found["outcome"], not_found["keys"]) == ("editor", "NOT_FOUND", ["inst-nope"])
    assert (invalid["outcome"], invalid["keys"]) == ("VALIDATION_FAILED", ["inst-a"])
    assert (conflict["operation"], conflict["outcome"], conflict["keys"]) == ("createPerson", "CONFLICT",
                                                                              ["person-1"])


async def test_only_admins_read_the_log(store: FalkorStore) -> None:
    await build_world(store)
    async with asgi_client(store, role="editor") as http:
        await gql(http, CREATE_INSTITUTION)
        assert (await log(http))["totalCount"] == 1
        for role in ("editor", "viewer", "planner", "council_member"):
            answer = await gql(http, LOG, as_role=role)
            assert answer["data"] is None, role
            assert [e["extensions"]["code"] for e in answer["errors"]] == ["FORBIDDEN"], role
        no_credentials = await http.post("/graphql", json={"query": LOG}, headers={"Authorization": ""})
        assert no_credentials.status_code == 401


async def test_filters_and_pages(store: FalkorStore) -> None:
    await build_world(store)
    async with asgi_client(store, role="editor") as http:
        for subject in ("alice", "bob", "alice"):
            await gql(http, CREATE_INSTITUTION, as_role="editor", subject=subject)
        await gql(http, UPDATE_INSTITUTION, {"key": "inst-a"}, as_role="editor", subject="bob")
        everything = await log(http)
        assert everything["totalCount"] == 4 and not everything["pageInfo"]["hasNextPage"]
        newest, third, second, oldest = everything["nodes"]

        by_alice = await log(http, subject="jwt:alice")
        assert [e["key"] for e in by_alice["nodes"]] == [third["key"], oldest["key"]] and by_alice["totalCount"] == 2
        creates = await log(http, operation="createInstitution")
        assert creates["totalCount"] == 3 and newest["key"] not in [e["key"] for e in creates["nodes"]]
        window = await log(http, since=second["at"], until=third["at"])
        assert [e["key"] for e in window["nodes"]] == [third["key"], second["key"]]
        assert (await log(http, until=oldest["at"]))["nodes"] == [oldest]
        future = (dt.datetime.fromisoformat(newest["at"]) + dt.timedelta(seconds=1)).isoformat()
        assert (await log(http, since=future))["totalCount"] == 0

        first = await log(http, first=3)
        assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
        rest = await log(http, first=3, after=first["pageInfo"]["endCursor"])
        assert first["nodes"] + rest["nodes"] == everything["nodes"]
        assert not rest["pageInfo"]["hasNextPage"] and rest["pageInfo"]["hasPreviousPage"]
        # The maximum page size holds here as in every list: refused before anything runs.
        too_many = await http.post("/graphql", json={"query": LOG, "variables": {"first": 1000}},
                                   headers={"Authorization": f"Bearer {token('admin')}"})
        assert too_many.status_code == 400
        assert too_many.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


async def test_the_log_is_not_part_of_the_graph_counts_or_version(store: FalkorStore) -> None:
    await build_world(store)
    async with asgi_client(store, role="viewer") as http:
        counts = '{ counts { label total } }'
        counted = await gql(http, counts)
        graph_version = await version.current(store)
        refused = await gql(http, CREATE_INSTITUTION)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert (await log(http))["totalCount"] == 1  # written ...
        assert await version.current(store) == graph_version  # ... without bumping the version
        assert await gql(http, counts) == counted
        assert MetaLabel.AUDIT_ENTRY.value not in {c["label"] for c in counted["data"]["counts"]}


async def test_record_without_a_principal_and_after_an_exception(store: FalkorStore) -> None:
    """What HTTP cannot reach directly: no principal at all, and a mutation that raised."""
    await audit.record(store, None, "deleteDonor", {"key": "donor-9"}, None, None)
    admin = Principal(Role.ADMIN, subject="cli:ops")
    await audit.record(store, admin, "createPerson", {"input": {"nameEn": "Reza", "email": "r@example.org"}},
                       None, StoreUnavailable("the store is down"))
    await audit.record(store, admin, "deleteDonor", {"key": "donor-9"}, None, RuntimeError("bug"))
    bug, down, nobody = await audit.entries(store, limit=10)
    assert (nobody.subject, nobody.role, nobody.outcome, nobody.keys) == ("unauthenticated", "none", "ok",
                                                                          ("donor-9",))
    assert (down.subject, down.role, down.outcome) == ("cli:ops", "admin", "STORE_UNAVAILABLE")
    assert json.loads(down.values) == {"input": {"nameEn": "Reza", "email": "[redacted]"}}  # contact details
    assert bug.outcome == "INTERNAL_ERROR"
    assert await audit.count(store) == 3 and await audit.count(store, subject="cli:ops") == 2


def test_no_statement_changes_or_removes_an_audit_entry() -> None:
    """Append-only: statements naming AuditEntry only create entries (and their key index) or read them."""
    naming = [s for s in all_statements() if re.search(rf"\b{MetaLabel.AUDIT_ENTRY.value}\b", s.text)]
    assert {s.name for s in naming} >= {"audit_entry_create", "audit_entries", "audit_entries_count"}
    for stmt in naming:
        assert not re.search(r"\b(SET|DELETE|DETACH|REMOVE)\b", stmt.text, re.I), stmt.name
    writes = [s for s in naming if s.write and not re.match(r"CREATE (INDEX|CONSTRAINT)\b", s.text)]
    assert [s.name for s in writes] == ["audit_entry_create"]
    # MERGE of the whole entry with no SET (safe to retry, issue 15): it can only add an entry.
    assert writes[0].text.startswith(f"MERGE (a:{MetaLabel.AUDIT_ENTRY.value} ")
    assert "RETURN" not in writes[0].text  # no rows back: the graph version is not bumped
