"""Cypher injection payloads in every string input: stored as text, or refused with a typed error;
the graph's shape is untouched but for the record the mutation meant to write.

The string inputs are enumerated from the served schema (every String argument of every mutation
and query, and every String field of their input objects, lists of strings included), so a new
input is covered the day it lands; ``BASE`` gives each mutation valid arguments to vary one at a
time, and a test fails when a mutation has none. The hub stores text as given (names keep their
spelling; only the derived ``searchText`` is normalised), so a stored value must read back equal
to the payload. Every call is compared with a full dump of the graph (``snapshot``) taken before
it: a refused call leaves it identical; an accepted one changes only nodes and relationships of
the keys it names or creates.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import dataclasses
import itertools
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import graphql
import httpx
import pytest

from graph_model.enums import MetaLabel
from graph_model.stores.falkordb import FalkorStore
from graph_model.text import DEFAULT_TEXT_LIMIT
from hub.schema import schema
from hub.settings import Limits, Settings
from hub.strawberry_compat import graphql_schema
from tests.asgi import asgi_client
from graph_model.cypher import statement
from tests.builders import DUMP_RELS, build_world

GRAPHQL = graphql_schema(schema)
# The domain's nodes (not the graph version, audit log or API keys, which every call touches).
DUMP_NODES = statement("test_injection_dump_nodes", "MATCH (n) WHERE " + " AND ".join(
    f"NOT n:{label.value}" for label in MetaLabel) + " RETURN labels(n) AS labels, properties(n) AS props",
    register=False)
DUMP_ALL = statement("test_injection_dump_all", "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props "
                     "ORDER BY n.key", register=False)
GONE = ("delete", "remove", "withdraw", "unlink")  # mutations that answer with what they removed
SETTINGS = dataclasses.replace(Settings(), limits=dataclasses.replace(Limits(), rate_per_minute=0))
NUL = "a\x00b"
PAYLOADS = [
    "' OR 1=1 //",
    '"}) MATCH (n) DETACH DELETE n //',
    "\u0027) RETURN 1 //",
    "$key",
    "`n`) DETACH DELETE n //`",
    "{name: 'x'}",
    "x\"}) SET n.key = 'owned' WITH n MATCH (m) DETACH DELETE m RETURN n //",
    "\\' \\\" \\u0027 \\\\",
    "CYPHER key='x' MATCH (n) DELETE n",
    "/* */ ; \n MATCH (n) RETURN n \r\n --",
    "\u202eنهاد\u200f abc \u200c\u200d\u2066x\u2069",  # RTL override, RLM, ZWNJ, ZWJ, isolates
    "كهريزك ي ۱۲ 🧪",  # Arabic letters and digits stay as given (only searchText is normalised)
    "ب" * 3_000,  # 6,000 bytes: past the ~4,096 at which a unique key crashed FalkorDB
]

_serial = itertools.count(1)


def fresh(prefix: str) -> str:
    return f"{prefix}{next(_serial)}"


def _update(key: str) -> Callable[[], dict[str, Any]]:
    return lambda: {"key": key, "input": {"source": "base"}}


# Valid arguments per mutation; the callables make keys no earlier call took. SETUP (below) has
# created what the updates and removals name.
BASE: dict[str, Callable[[], dict[str, Any]]] = {
    "createProvince": lambda: {"input": {"key": fresh("IR-9"), "nameFa": "ا", "nameEn": "P"}},
    "createCounty": lambda: {"input": {"key": fresh("IR-00-9"), "nameFa": "ش", "nameEn": "C", "province": "IR-00"}},
    "createInstitution": lambda: {"input": {"nameFa": "ن", "nameEn": "I", "kind": "CHARITY", "county": "IR-00-0001"}},
    "createDonor": lambda: {"input": {"nameFa": "خ", "nameEn": "D", "kind": "COMPANY", "province": "IR-00"}},
    "createPerson": lambda: {"input": {"nameFa": "ف", "nameEn": "P"}},
    "createCouncil": lambda: {"input": {"nameFa": "ش", "nameEn": "C", "kind": "PARTICIPATION_COUNCIL",
                                       "level": "PROVINCIAL", "provinces": ["IR-00"]}},
    "createService": lambda: {"input": {"nameFa": "خ", "nameEn": "S", "domain": "SOCIAL",
                                        "targetGroups": ["tg-elderly"]}},
    "createTargetGroup": lambda: {"input": {"nameFa": "گ", "nameEn": "T"}},
    "createLicenceType": lambda: {"input": {"nameFa": "م", "nameEn": "L", "services": ["svc-care"]}},
    "createEvent": lambda: {"input": {"nameFa": "ر", "nameEn": "E", "kind": "MAWKIB", "startsOn": "2024-08-20",
                                      "county": "IR-01-0001"}},
    "createAssessment": lambda: {"input": {"level": "SELF", "score": 3.5, "date": "2024-01-01",
                                           "institution": "inst-a"}},
    "createAssessmentFramework": lambda: {"input": {"nameFa": "چ", "nameEn": "F", "version": 2}},
    "createCriterion": lambda: {"input": {"nameFa": "م", "nameEn": "C", "framework": "fw-1", "area": "STAFFING",
                                          "weight": 1.0, "scaleMax": 5}},
    "createCorrectiveAction": lambda: {"input": {"description": "d", "dueOn": "2024-03-01", "status": "OPEN",
                                                 "assessment": "asm-1"}},
    "createComplaint": lambda: {"input": {"summary": "s", "receivedOn": "2024-01-01", "status": "OPEN",
                                          "institution": "inst-a"}},
    "recordAssessment": lambda: {"input": {"institution": "inst-a", "framework": "fw-1", "level": "COUNTY",
                                           "date": "2024-01-01", "assessorKind": "OFFICE", "assessor": "a",
                                           "findings": "f", "scores": [{"criterion": "crit-1", "value": 3}],
                                           "actions": [{"description": "d", "dueOn": "2024-02-01"}]}},
    "setCorrectiveActionStatus": lambda: {"key": "act-1", "status": "OPEN"},
    # JSON cannot carry a file: the kind's payload is refused as it stands (tests/test_import_upload.py uploads)
    "importFile": lambda: {"kind": "donors", "file": "not-a-file"},
    "recordDonation": lambda: {"input": {"donor": "donor-1", "institution": "inst-a", "amount": "1000",
                                         "date": "2024-01-01"}},
    "issueLicence": lambda: {"input": {"holder": "inst-a", "licenceType": "lt-care", "services": ["svc-care"],
                                       "issuedOn": "2024-01-01", "status": "ACTIVE"}},
    **{f"update{entity}": _update(key) for entity, key in (
        ("Province", "IR-00"), ("County", "IR-00-0001"), ("Institution", "inst-a"), ("Donor", "donor-1"),
        ("Person", "person-1"), ("Council", "council-1"), ("Service", "svc-care"), ("TargetGroup", "tg-elderly"),
        ("LicenceType", "lt-care"), ("Licence", "lic-1"), ("Event", "evt-1"), ("Assessment", "asm-1"),
        ("Donation", "don-1"), ("AssessmentFramework", "fw-1"), ("Criterion", "crit-1"),
        ("CorrectiveAction", "act-1"), ("Complaint", "cmpl-1"))},
    **{name: (lambda: {"key": "unused"}) for name in (
        "deleteProvince deleteCounty deleteInstitution deleteDonor deletePerson deleteCouncil deleteService "
        "deleteTargetGroup deleteLicenceType deleteLicence deleteEvent deleteAssessment deleteDonation "
        "suspendLicence reinstateLicence revokeLicence activateLicence renewLicence requestLicenceRenewal "
        "deleteAssessmentFramework "
        "deleteCriterion deleteCorrectiveAction deleteComplaint").split()},
    "offerService": lambda: {"institution": "inst-a", "service": "svc-skills", "capacity": 5},
    "withdrawService": lambda: {"institution": "inst-a", "service": "svc-care"},
    "addCouncilMember": lambda: {"council": "council-1", "institution": "inst-a", "role": "MEMBER"},
    "updateCouncilMember": lambda: {"council": "council-1", "person": "person-1", "role": "CHAIR"},
    "removeCouncilMember": lambda: {"council": "council-1", "person": "person-1"},
    "linkPartners": lambda: {"institution": "inst-a", "partner": "inst-b"},
    "unlinkPartners": lambda: {"institution": "inst-a", "partner": "inst-b"},
    "registerParticipant": lambda: {"event": "evt-1", "institution": "inst-b"},
    "removeParticipant": lambda: {"event": "evt-1", "institution": "inst-b"},
    "recordProvidedService": lambda: {"event": "evt-1", "service": "svc-care", "people": 3},
    "removeProvidedService": lambda: {"event": "evt-1", "service": "svc-care"},
    "setNeed": lambda: {"county": "IR-00-0001", "targetGroup": "tg-elderly", "people": 10, "source": "base",
                        "year": 2024},
    "removeNeed": lambda: {"county": "IR-00-0001", "targetGroup": "tg-elderly"},
}
# What the updates and removals above find: a donation, an assessment, a licence, links.
SETUP = """mutation {
  d: recordDonation(input: {key: "don-1", donor: "donor-1", institution: "inst-a", amount: "5",
                            date: "2024-01-01"}) { __typename }
  a: createAssessment(input: {key: "asm-1", level: SELF, score: 1, date: "2024-01-01",
                              institution: "inst-a"}) { __typename }
  l: issueLicence(input: {key: "lic-1", holder: "inst-a", licenceType: "lt-care", services: ["svc-care"],
                  issuedOn: "2024-01-01", status: ACTIVE}) { __typename }
  o: offerService(institution: "inst-a", service: "svc-care", capacity: 10) { __typename }
  ca: createCorrectiveAction(input: {key: "act-1", description: "d", dueOn: "2024-03-01", status: OPEN,
                                     assessment: "asm-1"}) { __typename }
  cm: createComplaint(input: {key: "cmpl-1", summary: "s", receivedOn: "2024-01-01", status: OPEN,
                              institution: "inst-a"}) { __typename }
  m: addCouncilMember(council: "council-1", person: "person-1", role: MEMBER) { __typename }
  p: linkPartners(institution: "inst-a", partner: "inst-b") { __typename }
  r: registerParticipant(event: "evt-1", institution: "inst-b") { __typename }
  s: recordProvidedService(event: "evt-1", service: "svc-care", people: 1) { __typename }
  n: setNeed(county: "IR-00-0001", targetGroup: "tg-elderly", people: 1, source: "s", year: 2024) { __typename }
}"""
# Required arguments of queries that are not the string being varied.
QUERY_DEFAULTS: dict[str, Any] = {"ID": base64.b64encode(b"Institution:inst-a").decode(), "String": "inst-a",
                                  "Int": 1, "Float": 1.0, "Boolean": False, "Date": "2024-01-01", "Rials": "1"}


def nullable(type_: graphql.GraphQLType) -> graphql.GraphQLType:
    """``graphql.get_nullable_type``, typed for any type (its overloads leave out the GraphQLWrappingType
    that GraphQLInputType includes)."""
    return type_.of_type if isinstance(type_, graphql.GraphQLNonNull) else type_


def default(type_: graphql.GraphQLInputType) -> Any:
    """A valid value of a required argument or input field."""
    inner = nullable(type_)
    if isinstance(inner, graphql.GraphQLList):
        return [default(inner.of_type)]
    if isinstance(inner, graphql.GraphQLEnumType):
        return next(iter(inner.values))
    if isinstance(inner, graphql.GraphQLInputObjectType):
        return {name: default(f.type) for name, f in inner.fields.items()
                if graphql.is_non_null_type(f.type) and f.default_value is graphql.Undefined}
    return QUERY_DEFAULTS[named(inner).name]


def named(type_: graphql.GraphQLType) -> graphql.GraphQLNamedType:
    return graphql.get_named_type(type_)


def string_sites(args: dict[str, graphql.GraphQLArgument]) -> Iterator[tuple[str, ...]]:
    """Paths to every String value an operation's arguments take: ``(arg,)`` or ``(arg, field)``
    (input objects nested deeper would be walked the same way; the hub's are one level)."""
    for name, arg in args.items():
        inner = named(arg.type)
        if inner is graphql.GraphQLString:
            yield (name,)
        elif isinstance(inner, graphql.GraphQLInputObjectType):
            for field_name, field in inner.fields.items():
                if named(field.type) is graphql.GraphQLString:
                    yield (name, field_name)


def with_payload(args: dict[str, Any], site: tuple[str, ...], payload: str,
                 types: dict[str, graphql.GraphQLArgument]) -> dict[str, Any]:
    """``args`` with ``payload`` at ``site`` (as a one-item list where the input is a list)."""
    varied = copy.deepcopy(args)
    holder, leaf_type = varied, types[site[0]].type
    if len(site) == 2:  # a field of an input object, or of the first of a list of them
        outer = varied[site[0]] = varied.get(site[0]) or ({} if graphql.is_input_object_type(
            nullable(leaf_type)) else [{}])
        holder = outer if isinstance(outer, dict) else outer[0]
        leaf_type = named(leaf_type).fields[site[1]].type  # type: ignore[attr-defined]
    unwrapped = nullable(leaf_type)
    holder[site[-1]] = [payload] if isinstance(unwrapped, graphql.GraphQLList) else payload
    return varied


def selection(type_: graphql.GraphQLOutputType) -> str:
    """What to ask of a root field's result: its type, a typed error's code, a Node's id and key."""
    inner = named(type_)
    if not isinstance(inner, (graphql.GraphQLObjectType, graphql.GraphQLInterfaceType, graphql.GraphQLUnionType)):
        return ""
    parts = ["__typename"]
    members = (GRAPHQL.get_possible_types(inner)
               if isinstance(inner, (graphql.GraphQLInterfaceType, graphql.GraphQLUnionType)) else [inner])
    error, node = GRAPHQL.get_type("MutationError"), GRAPHQL.get_type("Node")
    if any(GRAPHQL.is_sub_type(error, m) for m in members):  # type: ignore[arg-type]
        parts.append("... on MutationError { code message }")
    if any(GRAPHQL.is_sub_type(node, m) for m in members):  # type: ignore[arg-type]
        parts.append("... on Node { id }")
    return "{ " + " ".join(parts) + " }"


def document(kind: str, field: graphql.GraphQLField, name: str, args: dict[str, Any], extra: str = "") -> str:
    declared = ", ".join(f"${a}: {field.args[a].type}" for a in args)
    passed = ", ".join(f"{a}: ${a}" for a in args)
    return (f"{kind}{f'({declared})' if declared else ''} {{ {name}{f'({passed})' if passed else ''} "
            f"{selection(field.type)[:-1] + extra + '}' if extra else selection(field.type)} }}")


def stored_field(field: graphql.GraphQLField, leaf: str) -> str | None:
    """The success type of a mutation and whether it shows ``leaf`` as a String field."""
    inner = named(field.type)
    if isinstance(inner, (graphql.GraphQLInterfaceType, graphql.GraphQLUnionType)):
        members = GRAPHQL.get_possible_types(inner)
    elif isinstance(inner, graphql.GraphQLObjectType):
        members = [inner]
    else:
        return None
    for member in members:
        own = member.fields.get(leaf)
        if own is not None and named(own.type) is graphql.GraphQLString \
                and not isinstance(nullable(own.type), graphql.GraphQLList):
            return member.name
    return None


Snapshot = tuple[Counter[str], Counter[str]]


async def snapshot(store: FalkorStore) -> Snapshot:
    """Every node of the domain and every relationship, with their properties, as multisets."""
    node_rows, rel_rows = await asyncio.gather(store.read(DUMP_NODES), store.read(DUMP_RELS))  # both at once
    nodes = Counter(repr((sorted(r["labels"]), sorted(r["props"].items()))) for r in node_rows)
    rels = Counter(repr((r["type"], r["start"], r["end"], sorted(r["props"].items()))) for r in rel_rows)
    return nodes, rels


def changes(before: Snapshot, after: Snapshot) -> tuple[set[str | None], set[tuple[str | None, ...]]]:
    """Keys of the nodes, and of the relationships and their ends, that appeared, vanished or changed."""
    (nodes_before, rels_before), (nodes_after, rels_after) = before, after
    keys = {dict(eval(item)[1]).get("key")  # noqa: S307 - our own repr of plain values
            for item in (nodes_after - nodes_before) + (nodes_before - nodes_after)}
    ends = {(*eval(item)[1:3], dict(eval(item)[3]).get("key"))  # noqa: S307
            for item in (rels_after - rels_before) + (rels_before - rels_after)}
    return keys, ends


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


@pytest.fixture
async def hub(store: FalkorStore) -> AsyncIterator[tuple[httpx.AsyncClient, FalkorStore]]:
    await build_world(store)
    async with asgi_client(store, SETTINGS) as client:
        response = (await client.post("/graphql", json={"query": SETUP})).json()
        assert "errors" not in response and all("code" not in v for v in response["data"].values()), response
        yield client, store


async def post(client: httpx.AsyncClient, text: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": text, "variables": variables})
    assert response.status_code == 200, f"{response.status_code} {text} {variables!r:.300} {response.text:.500}"
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code in ("VALIDATION_FAILED", "NOT_FOUND"), f"{text} {variables!r:.300}: {error}"
    return body


LICENCE_WRITES = ("Licence", "LicenceRenewal")  # issueLicence, suspendLicence, ..., requestLicenceRenewal


def test_every_mutation_has_base_arguments() -> None:
    assert GRAPHQL.mutation_type is not None
    assert sorted(set(GRAPHQL.mutation_type.fields) - set(BASE)) == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: repr(p)[:24])
async def test_payload_in_every_mutation_string_is_text(hub: tuple[httpx.AsyncClient, FalkorStore],
                                                        payload: str) -> None:
    client, store = hub
    assert GRAPHQL.mutation_type is not None
    stored = refused = 0
    after = await snapshot(store)
    for name, field in GRAPHQL.mutation_type.fields.items():
        for site in string_sites(field.args):
            args = with_payload(BASE[name](), site, payload, field.args)
            member = stored_field(field, site[-1])
            text = document("mutation", field, name, args, f" ... on {member} {{ {site[-1]} }} " if member else "")
            before = after
            body = await post(client, text, args)
            after = await snapshot(store)
            result = (body.get("data") or {}).get(name)
            if result is None or "code" in result:  # refused: nothing written
                assert after == before, f"{name} {site} refused but changed the graph"
                refused += 1
                continue
            keys, ends = changes(before, after)
            named_keys = set(strings_in(args))
            if "id" in result:
                named_keys.add(base64.b64decode(result["id"]).decode().split(":", 1)[1])
            # recordAssessment makes its corrective actions with it, keyed `<assessment key>-action-<n>`
            made_with = {k for k in keys if k and any(k.startswith(f"{n}-action-") for n in named_keys)}
            # a licence's every write records its change (LicenceChange, CHANGE_OF the licence) with it
            made_with |= {k for k in keys if k and k.startswith("lchg-") and name.endswith(LICENCE_WRITES)}
            keys -= made_with
            assert len(keys) <= 1 and keys <= named_keys, f"{name} {site} changed nodes {keys - named_keys}"
            strays = {rel for rel in ends if not named_keys & set(rel)}
            assert not strays, f"{name} {site} changed relationships {strays}"
            if member:
                assert result[site[-1]] == payload, f"{name} {site} returned {result[site[-1]]!r:.80}"
                if "id" in result and not name.startswith(GONE):  # and from the store, by the global id
                    again = await post(client, f'query($id: ID!) {{ node(id: $id) {{ ... on {member} '
                                               f'{{ {site[-1]} }} }} }}', {"id": result["id"]})
                    assert (again["data"]["node"] or {}).get(site[-1]) == payload, f"{name} {site} stored as {again}"
                stored += 1
    if len(payload) > DEFAULT_TEXT_LIMIT:  # longer than any text may be (graph_model.text): refused everywhere
        assert stored == 0 and refused >= 80, (stored, refused)
    else:
        assert stored >= 40 and refused >= 40, (stored, refused)  # both paths really ran


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: repr(p)[:24])
async def test_payload_in_every_query_string_leaves_the_graph(hub: tuple[httpx.AsyncClient, FalkorStore],
                                                              payload: str) -> None:
    client, store = hub
    assert GRAPHQL.query_type is not None
    before = await snapshot(store)
    asked = 0
    for name, field in GRAPHQL.query_type.fields.items():
        required = {a: default(arg.type) for a, arg in field.args.items()
                    if graphql.is_non_null_type(arg.type) and arg.default_value is graphql.Undefined}
        for site in string_sites(field.args):
            args = with_payload(required, site, payload, field.args)
            await post(client, document("query", field, name, args), args)
            asked += 1
    assert asked >= 60, asked
    assert await snapshot(store) == before


async def test_a_nul_character_is_refused_before_anything_runs(hub: tuple[httpx.AsyncClient, FalkorStore]) -> None:
    """No value may hold U+0000 (FalkorDB reads parameters only up to one): the request is a 400,
    in a variable, in the query text or in a GET; written as a GraphQL escape (``\\u0000``) it is a
    VALIDATION_FAILED field error. The graph (audit log included) is unchanged."""
    client, store = hub
    before = await store.read(DUMP_ALL)
    requests = [
        client.post("/graphql", json={"query": "mutation($n: String!) { createPerson(input: {nameFa: $n, "
                                               'nameEn: "x"}) { __typename } }', "variables": {"n": NUL}}),
        client.post("/graphql", json={"query": '{ council(key: "a\u0000b") { key } }'}),
        client.get("/graphql", params={"query": "query($k: String!) { council(key: $k) { key } }",
                                       "variables": json.dumps({"k": NUL})}),
    ]
    for request in requests:
        response = await request
        assert response.status_code == 400, response.text
        assert "NUL character" in response.json()["errors"][0]["message"]
    # Written as a GraphQL escape, it reaches the field, which refuses it before the store sees it.
    body = (await client.post("/graphql", json={"query": '{ council(key: "a\\u0000b") { key } }'})).json()
    assert body["data"] == {"council": None} and body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    assert await store.read(DUMP_ALL) == before
