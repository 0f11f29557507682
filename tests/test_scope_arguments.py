"""Province scope covers every argument of every mutation, and every record without a province.

The first tests read the mutations from the schema itself: every String or ID argument and input
field (at any depth, lists included) must be classified by the mutation's declaration
(hub.auth.access): a record key with its label, the new record's own key, or text that names no
record; so an argument added tomorrow cannot slip past the scope check. The behavioural tests then
probe, as an editor of Khuzestan (IR-01), every way out of its province: records of another
province, records of none (a national council, a person on no council, a donor based nowhere),
and moving a record of its own out of every province.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import (GraphQLField, GraphQLInputObjectType, GraphQLInputType, GraphQLList, GraphQLNonNull,
                     GraphQLScalarType)

from graph_model.enums import Label
from graph_model.mutations import create_node, record_donation
from graph_model.mutations.relations import add_member
from graph_model.provinces_of import DONATION
from graph_model.statements.provinces_of import PROVINCES_OF
from graph_model.stores.falkordb import FalkorStore
from hub.auth import policy
from hub.auth.access import NEW, Access
from hub.auth.scope import CATALOGUES
from hub.schema import schema
from hub.strawberry_compat import graphql_schema
from tests.asgi import asgi_client
from tests.builders import build_world, names, snapshot

KHUZESTAN = ["IR-01"]
# Names a record key goes by (a label, its plural, the aliases the API uses): a `text` path with
# such a name, or a description speaking of a key, is a record key declared as text by mistake.
KEY_WORDS = re.compile(r"\bkeys?\b", re.IGNORECASE)
RECORD_NAMES = {n[0].lower() + n[1:] for label in Label for n in (label.value, label.value + "s")} | {
    "people", "holder", "partner", "member", "recipient", "organiserInstitutions", "organiserCouncils"}


def _strings(kind: GraphQLInputType) -> tuple[bool, GraphQLInputType]:
    """(whether ``kind``, lists and non-null unwrapped, is String or ID; the unwrapped type)."""
    while isinstance(kind, (GraphQLNonNull, GraphQLList)):
        kind = kind.of_type
    return isinstance(kind, GraphQLScalarType) and kind.name in ("String", "ID"), kind


def string_paths(field: GraphQLField) -> Iterator[tuple[str, str]]:
    """(path, description) of every String/ID argument and input field of a mutation, at any depth."""
    stack: list[tuple[str, Any, str]] = [(name, arg.type, arg.description or "") for name, arg in field.args.items()]
    while stack:
        path, kind, text = stack.pop()
        textual, inner = _strings(kind)
        if textual:
            yield path, text
        elif isinstance(inner, GraphQLInputObjectType):
            stack += [(f"{path}.{name}", f.type, f.description or "") for name, f in inner.fields.items()]


def mutations() -> dict[str, tuple[GraphQLField, Access | None]]:
    built = graphql_schema(schema)
    assert built.mutation_type is not None
    table = policy.table(schema)
    return {name: (field, table[("mutation", name)]) for name, field in built.mutation_type.fields.items()}


def test_every_record_argument_of_every_mutation_is_declared() -> None:
    found = mutations()
    assert len(found) > 50  # the enumeration sees the real schema
    undeclared, disguised, stale, unlocated = [], [], [], []
    for name, (field, access) in found.items():
        assert access is not None, f"{name} declares no access"
        paths = dict(string_paths(field))
        for path, text in paths.items():
            if path not in access.keys and path not in access.text:
                undeclared.append(f"{name}.{path}")
            leaf = path.rsplit(".", 1)[-1]
            if path in access.text and (leaf in RECORD_NAMES or KEY_WORDS.search(text) or leaf == "key"):
                disguised.append(f"{name}.{path}")
        stale += [f"{name}.{path}" for path in access.keys if path not in paths]
        # scope can only check a record it can place: a label with no lookup would pass unchecked
        unlocated += [f"{name}.{path}" for path, label in access.keys.items()
                      if label not in (NEW, DONATION, Label.PROVINCE) and label not in PROVINCES_OF
                      and label not in CATALOGUES]
    assert not undeclared, f"String arguments with no scope declaration (hub.auth.access): {undeclared}"
    assert not disguised, f"record keys declared as text: {disguised}"
    assert not stale, f"declared paths the schema does not have: {stale}"
    assert not unlocated, f"declared labels graph_model.provinces_of cannot locate: {unlocated}"


def test_every_mutation_that_changes_a_record_declares_it() -> None:
    """A mutation with a `key` argument changes the record it names: it must be checked by label."""
    for name, (field, access) in mutations().items():
        assert access is not None
        if "key" in field.args:
            assert access.keys.get("key") not in (None, NEW), name
        if name.startswith("create") or name in ("recordDonation", "issueLicence"):
            assert access.creates, name


@pytest.fixture
async def scope_world(store: FalkorStore) -> FalkorStore:
    """build_world (Markazi IR-00, Khuzestan IR-01) and records in Khuzestan, in Markazi and in none."""
    await build_world(store)
    await create_node(store, Label.DONOR, {"key": "donor-kh", "kind": "COMPANY", "province": "IR-01",
                                           **names("Khuzestan co")})
    await create_node(store, Label.DONOR, {"key": "donor-nowhere", "kind": "COMPANY", **names("Nowhere co")})
    await create_node(store, Label.COUNCIL, {"key": "council-kh", "kind": "PARTICIPATION_COUNCIL",
                                             "level": "PROVINCIAL", "provinces": ["IR-01"], **names("Khuzestan")})
    await create_node(store, Label.COUNCIL, {"key": "council-nat", "kind": "PARTICIPATION_COUNCIL",
                                             "level": "NATIONAL", **names("National council")})
    for key, council in (("person-kh", "council-kh"), ("person-mk", "council-1"), ("person-nat", "council-nat")):
        await create_node(store, Label.PERSON, {"key": key, **names(key)})
        await add_member(store, council, person=key)
    await add_member(store, "council-kh", donor="donor-kh")
    await add_member(store, "council-nat", institution="inst-b")
    await record_donation(store, donor="donor-1", amount=10, date="2024-01-01", institution="inst-b", key="don-mk")
    await record_donation(store, donor="donor-kh", amount=10, date="2024-01-01", institution="inst-b", key="don-kh")
    return store


async def run(client: httpx.AsyncClient, mutation: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": mutation, "variables": variables or {}})
    assert response.status_code == 200, response.text
    return response.json()


def refused(body: dict[str, Any]) -> bool:
    errors = body.get("errors") or []
    return bool(errors) and (errors[0].get("extensions") or {}).get("code") == "FORBIDDEN"


DONATE = 'amount: "10", date: "2024-02-02"'
# What a Khuzestan editor may not do: reach another province's records, or national ones.
REFUSED = [
    # the national council: renamed, deleted, its seats added, changed or removed
    'updateCouncil(key: "council-nat", input: {nameEn: "Renamed"})',
    'deleteCouncil(key: "council-nat")',
    'addCouncilMember(council: "council-nat", institution: "inst-b")',
    'updateCouncilMember(council: "council-nat", person: "person-nat", role: CHAIR)',
    'removeCouncilMember(council: "council-nat", person: "person-nat")',
    'removeCouncilMember(council: "council-nat", institution: "inst-b")',
    'createEvent(input: {kind: MAWKIB, startsOn: "2024-09-01", county: "IR-01-0001", nameFa: "ت", nameEn: "E", '
    'organiserCouncils: ["council-nat"]})',
    'createCouncil(input: {kind: PARTICIPATION_COUNCIL, level: NATIONAL, nameFa: "ش", nameEn: "National two"})',
    # another province's donor or person, through the `donor` and `person` arguments
    'addCouncilMember(council: "council-kh", donor: "donor-1")',
    'addCouncilMember(council: "council-kh", person: "person-mk")',
    'removeCouncilMember(council: "council-kh", person: "person-mk")',
    f'recordDonation(input: {{donor: "donor-1", {DONATE}, institution: "inst-b"}})',
    f'recordDonation(input: {{donor: "donor-1", {DONATE}, event: "evt-1"}})',
    'updateDonor(key: "donor-1", input: {nameEn: "Renamed"})',
    'updatePerson(key: "person-mk", input: {nameEn: "Renamed"})',
    'updateDonation(key: "don-mk", input: {amount: "11"})',  # to Khuzestan, but by a Markazi donor
    'deleteDonation(key: "don-mk")',
    # records of no province: a person on no council, a donor based nowhere
    'addCouncilMember(council: "council-kh", person: "person-1")',
    'updatePerson(key: "person-1", input: {nameEn: "Renamed"})',
    'addCouncilMember(council: "council-kh", donor: "donor-nowhere")',
    f'recordDonation(input: {{donor: "donor-nowhere", {DONATE}, institution: "inst-b"}})',
    'createPerson(input: {nameFa: "کس", nameEn: "Someone"})',
    # moving its own records out of every province, or into another
    'updateDonor(key: "donor-kh", input: {province: null})',
    'updateCouncil(key: "council-kh", input: {provinces: []})',
    'updateCouncil(key: "council-kh", input: {provinces: ["IR-01", "IR-00"]})',
    'updateEvent(key: "evt-1", input: {organiserInstitutions: ["inst-b", "inst-a"]})',
    # catalogue entries may be named, never changed
    'updateService(key: "svc-care", input: {nameEn: "Care"})',
    # other relation mutations naming a Markazi record
    'offerService(institution: "inst-a", service: "svc-care", capacity: 3)',
    'registerParticipant(event: "evt-1", institution: "inst-a")',
    'issueLicence(input: {holder: "inst-a", licenceType: "lt-care", services: ["svc-care"], issuedOn: "2024-01-01"})',
    'setNeed(county: "IR-00-0001", targetGroup: "tg-elderly", people: 5, source: "s", year: 1402)',
]
ALLOWED = [
    'updateCouncil(key: "council-kh", input: {nameEn: "Renamed"})',
    'updateCouncil(key: "council-kh", input: {provinces: [], counties: ["IR-01-0001"]})',
    'addCouncilMember(council: "council-kh", institution: "inst-b", role: CHAIR)',
    'updateCouncilMember(council: "council-kh", person: "person-kh", role: CHAIR)',
    'updateDonor(key: "donor-kh", input: {nameEn: "Renamed"})',
    'updatePerson(key: "person-kh", input: {nameEn: "Renamed"})',
    f'recordDonation(input: {{donor: "donor-kh", {DONATE}, institution: "inst-b"}})',
    'updateDonation(key: "don-kh", input: {amount: "12"})',
    'offerService(institution: "inst-b", service: "svc-care", capacity: 3)',
    'issueLicence(input: {holder: "inst-b", licenceType: "lt-care", services: ["svc-care"], issuedOn: "2024-01-01"})',
    'removeCouncilMember(council: "council-kh", donor: "donor-kh")',
]


async def test_a_scoped_editor_reaches_no_record_outside_its_provinces(scope_world: FalkorStore) -> None:
    before = await snapshot(scope_world)
    passed = []
    async with asgi_client(scope_world, role="editor", provinces=KHUZESTAN) as client:
        for mutation in REFUSED:
            body = await run(client, f"mutation {{ m: {mutation} {{ __typename }} }}")
            if not refused(body):
                passed.append((mutation, body))
        # the same through variables: the check reads the arguments as executed, however they came
        body = await run(client, "mutation M($i: CreateEventInput!) { createEvent(input: $i) { __typename } }",
                         {"i": {"kind": "MAWKIB", "startsOn": "2024-09-01", "county": "IR-01-0001", "nameFa": "ت",
                                "nameEn": "E", "organiserInstitutions": ["inst-a"]}})
        if not refused(body):
            passed.append(("createEvent with a Markazi organiser, in variables", body))
        body = await run(client, 'mutation { updateCouncil(key: "council-nat", input: {nameEn: "X"}) { __typename } }')
    assert not passed, passed
    assert "lies in no province" in body["errors"][0]["message"] and "IR-01 only" in body["errors"][0]["message"]
    assert await snapshot(scope_world) == before  # nothing written by any refusal


async def test_a_scoped_editor_works_inside_its_province(scope_world: FalkorStore) -> None:
    async with asgi_client(scope_world, role="editor", provinces=KHUZESTAN) as client:
        for mutation in ALLOWED:
            body = await run(client, f"mutation {{ m: {mutation} {{ __typename }} }}")
            assert "errors" not in body and not body["data"]["m"]["__typename"].endswith("Error"), (mutation, body)
    # an unscoped editor reaches the national council and every province
    async with asgi_client(scope_world, role="editor") as client:
        for mutation in ('updateCouncil(key: "council-nat", input: {nameEn: "Renamed"})',
                         'removeCouncilMember(council: "council-nat", person: "person-nat")',
                         f'recordDonation(input: {{donor: "donor-1", {DONATE}, institution: "inst-a"}})'):
            body = await run(client, f"mutation {{ m: {mutation} {{ __typename }} }}")
            assert "errors" not in body and not body["data"]["m"]["__typename"].endswith("Error"), (mutation, body)
