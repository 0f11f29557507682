"""The role matrix: who may use which part of the API, through the real ASGI app.

One table row per area (a root query field, a mutation or an export), one column per role;
"ok" means the request ran, "FORBIDDEN" that the field answered that code, 401 that the request
was refused before it reached the schema. Then province scope (an editor of Khuzestan cannot
change Markazi) and nested access to an individual donor's data.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from graph_model.enums import Label
from graph_model.errors import Forbidden, Unauthenticated
from graph_model.mutations import create_node, record_donation
from graph_model.mutations.relations import add_member, offer_service
from graph_model.queries import by_keys
from graph_model.stores.falkordb import FalkorStore
from hub.auth import policy
from hub.auth.principal import Principal, Role
from hub.schema import schema
from hub.settings import Settings
from hub.strawberry_compat import graphql_schema
from tests.asgi import asgi_client
from tests.builders import build_world, names

ROLES = ("anonymous", "viewer", "planner", "council_member", "editor", "admin")
OK, NO = "ok", "FORBIDDEN"

# area: (request, outcome per role in ROLES order). Requests are GraphQL text, or "GET /path".
MATRIX: dict[str, tuple[str, tuple[str, ...]]] = {
    "directory list": ("{ provinces(first: 5) { totalCount } }", (OK, OK, OK, OK, OK, OK)),
    "entity by key": ('{ institution(key: "inst-a") { key } }', (OK, OK, OK, OK, OK, OK)),
    "nested relations": ('{ institution(key: "inst-b") { county { province { key } } donations(first: 5) '
                         "{ totalCount } } }", (OK, OK, OK, OK, OK, OK)),
    "overview": ("{ overview(expiringWithinDays: 30) { __typename } }", (OK, OK, OK, OK, OK, OK)),
    "coverage": ('{ coverage(question: {service: "svc-care", level: COUNTY, method: RATIO}) { __typename } }',
                 (OK, OK, OK, OK, OK, OK)),
    "who what where": ("{ whoWhatWhere(level: PROVINCE) { __typename } }", (OK, OK, OK, OK, OK, OK)),
    "networks": ("{ isolatedInstitutions(first: 5) { __typename } }", (NO, OK, OK, OK, OK, OK)),
    "shared donors": ('{ sharedDonors(institution: "inst-a", order: AMOUNT, first: 5) { __typename } }',
                      (NO, OK, OK, OK, OK, OK)),
    "coverage what-if": ('{ coverageWhatIf(question: {service: "svc-care", level: COUNTY, method: RATIO}, '
                         'changes: [{closeInstitution: "inst-a"}]) { __typename } }', (NO, NO, OK, NO, NO, OK)),
    "own role": ("{ me { role rights } }", (OK, OK, OK, OK, OK, OK)),
    "audit log": ("{ auditLog(first: 5) { totalCount } }", (NO, NO, NO, NO, NO, OK)),
    "entity mutation": ('mutation { updateInstitution(key: "inst-a", input: {residents: 5}) { __typename } }',
                        (NO, NO, NO, NO, OK, OK)),
    "relation mutation": ('mutation { linkPartners(institution: "inst-a", partner: "inst-b") { __typename } }',
                          (NO, NO, NO, NO, OK, OK)),
    "catalogue mutation": ('mutation { updateService(key: "svc-care", input: {nameEn: "Care"}) { __typename } }',
                           (NO, NO, NO, NO, NO, OK)),
    "need figures": ('mutation { setNeed(county: "IR-00-0001", targetGroup: "tg-elderly", people: 10, '
                     'source: "survey", year: 1402) { __typename } }', (NO, NO, OK, NO, NO, OK)),
    "coverage export": ("GET /export/coverage.csv?service=svc-care&level=COUNTY&method=RATIO",
                        (OK, OK, OK, OK, OK, OK)),
    "3W export": ("GET /export/3w.csv?level=PROVINCE", (OK, OK, OK, OK, OK, OK)),
    "network export": ("GET /export/network.gexf", (NO, OK, OK, OK, OK, OK)),
    "institution ranking": ("{ institutionRanking(first: 5) { totalCount } }", (NO, NO, NO, NO, NO, OK)),
    "supervision plan": ('{ supervisionPlan(from: "2026-01-01", until: "2026-01-30") { total } }',
                         (NO, NO, NO, NO, NO, OK)),
    "alerts": ("{ alerts { total } }", (NO, NO, NO, NO, NO, OK)),
    "alerts export": ("GET /export/alerts.csv", (NO, NO, NO, NO, NO, OK)),
    # a file travels only in a multipart request (tests/test_import_upload.py); the right is checked first
    "import upload": ('mutation { importFile(kind: "donors", file: "none") { __typename } }',
                      (NO, NO, NO, NO, OK, OK)),
}


async def outcome(client: httpx.AsyncClient, request: str) -> str:
    if request.startswith("GET "):
        response = await client.get(request[4:])
        if response.status_code == 403:
            return NO
        assert response.status_code == 200, response.text
        return OK
    response = await client.post("/graphql", json={"query": request})
    if response.status_code == 401:
        return "401"
    body = response.json()
    codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors", [])}
    if "FORBIDDEN" in codes:
        assert response.status_code == 200 and all(v is None for v in (body.get("data") or {}).values()), body
        return NO
    assert not body.get("errors"), body
    return OK


@pytest.fixture
async def roles_world(store: FalkorStore) -> FalkorStore:
    await build_world(store)
    await create_node(store, Label.DONOR, {"key": "donor-ind", "kind": "INDIVIDUAL", "province": "IR-00",
                                           **names("Private person")})
    await record_donation(store, donor="donor-ind", amount=1_000_000, date="2024-01-01", institution="inst-a",
                          key="don-ind")
    await record_donation(store, donor="donor-1", amount=5_000_000, date="2024-01-02", institution="inst-a",
                          key="don-co")
    await offer_service(store, "inst-a", "svc-care", capacity=20)
    return store


def test_every_root_field_has_a_rule() -> None:
    """Deny by default is a safety net, not the plan: each field the schema has declares its right
    (hub.auth.access), and the policy table generated from the declarations covers every field."""
    built = graphql_schema(schema)
    table = policy.table(schema)
    for operation, root in (("query", built.query_type), ("mutation", built.mutation_type)):
        assert root is not None
        assert {name for op, name in table if op == operation} == set(root.fields)
        missing = [name for name in root.fields if table[(operation, name)] is None]
        assert not missing, f"{operation} fields with no declared right (hub.auth.access): {missing}"


def test_an_undeclared_root_field_is_refused_to_everyone() -> None:
    """Deny by default: a field without a declaration is refused even to an admin."""
    for principal in (Principal(Role.ADMIN), Principal(Role.EDITOR)):
        with pytest.raises(Forbidden):
            policy.check(principal, None, "somethingNew")
    with pytest.raises(Unauthenticated):
        policy.check(None, None, "somethingNew")


@pytest.mark.parametrize("area", MATRIX)
async def test_role_matrix(roles_world: FalkorStore, area: str) -> None:
    request, expected = MATRIX[area]
    seen = {}
    for role in ROLES:
        settings = Settings(anonymous=True)
        async with asgi_client(roles_world, settings, role=None if role == "anonymous" else role) as client:
            seen[role] = await outcome(client, request)
    assert seen == dict(zip(ROLES, expected, strict=True))


async def test_no_credentials_is_401_unless_anonymous_is_on(roles_world: FalkorStore) -> None:
    async with asgi_client(roles_world, role=None) as client:
        for request in ("{ provinces(first: 1) { totalCount } }", "GET /export/3w.csv?level=PROVINCE"):
            response = await (client.get(request[4:]) if request.startswith("GET ")
                              else client.post("/graphql", json={"query": request}))
            assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert (await client.get("/healthz")).status_code == 200
        html = {"accept": "text/html"}
        assert (await client.get("/graphql", headers=html)).status_code == 200  # the GraphiQL page runs nothing
        persisted = {"query": "{ __schema { types { name } } }", "extensions": '{"persistedQuery": {"version": 1}}'}
        assert (await client.get("/graphql", params=persisted, headers=html)).status_code == 401


async def post(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    return response.json()


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return (errors[0].get("extensions") or {}).get("code") if errors else None


# (mutation, allowed for an editor of Khuzestan, IR-01)
SCOPED: list[tuple[str, bool]] = [
    ('updateInstitution(key: "inst-b", input: {residents: 7})', True),
    ('updateInstitution(key: "inst-a", input: {residents: 7})', False),  # inst-a lies in Markazi
    ('updateInstitution(key: "inst-b", input: {county: "IR-00-0001"})', False),  # moving it to Markazi
    ('createInstitution(input: {kind: NGO, county: "IR-01-0001", nameFa: "تازه", nameEn: "New"})', True),
    ('createInstitution(input: {kind: NGO, county: "IR-00-0001", nameFa: "تازه", nameEn: "New"})', False),
    ('createDonor(input: {kind: COMPANY, province: "IR-01", nameFa: "شرکت", nameEn: "Co"})', True),
    ('createDonor(input: {kind: COMPANY, nameFa: "شرکت", nameEn: "Co"})', False),  # in no province
    ('createPerson(input: {nameFa: "کس", nameEn: "Someone"})', False),  # a person lies in no province
    # donor-1 is based in Markazi: its gifts are not Khuzestan's to record (tests/test_scope_arguments.py)
    ('recordDonation(input: {donor: "donor-1", amount: "10", date: "2024-02-02", institution: "inst-b"})', False),
    ('recordDonation(input: {donor: "donor-1", amount: "10", date: "2024-02-02", institution: "inst-a"})', False),
    ('updateDonation(key: "don-co", input: {amount: "11"})', False),
    ('updateCouncil(key: "council-1", input: {nameEn: "Renamed"})', False),  # covers Markazi
    ('linkPartners(institution: "inst-b", partner: "inst-a")', False),
    ('registerParticipant(event: "evt-1", institution: "inst-b")', True),
    ('deleteInstitution(key: "inst-a")', False),
]


@pytest.mark.parametrize(("mutation", "allowed"), SCOPED, ids=[m.split("(")[0] + str(i) for i, (m, _) in
                                                                 enumerate(SCOPED)])
async def test_an_editor_of_khuzestan_cannot_change_markazi(roles_world: FalkorStore, mutation: str,
                                                            allowed: bool) -> None:
    before = await by_keys(roles_world, Label.INSTITUTION, ["inst-a", "inst-b"])
    async with asgi_client(roles_world, role="editor", provinces=["IR-01"]) as client:
        body = await post(client, f"mutation {{ m: {mutation} {{ __typename }} }}")
    if allowed:  # ran, and was not a typed refusal (ValidationError, NotFoundError, ...)
        assert code(body) is None and not body["data"]["m"]["__typename"].endswith("Error"), body
    else:
        assert code(body) == "FORBIDDEN", body
        assert "IR-01 only" in body["errors"][0]["message"]
        assert await by_keys(roles_world, Label.INSTITUTION, ["inst-a", "inst-b"]) == before


async def test_an_unscoped_editor_and_an_admin_reach_every_province(roles_world: FalkorStore) -> None:
    for role, provinces in (("editor", []), ("admin", ["IR-01"])):
        async with asgi_client(roles_world, role=role, provinces=provinces) as client:
            body = await post(client, 'mutation { updateInstitution(key: "inst-a", input: {residents: 9}) '
                                      "{ __typename } }")
        assert code(body) is None, body


async def test_me_says_what_the_caller_may_do(roles_world: FalkorStore) -> None:
    """`me` gives the caller its own role, change scope and rights (the app hides what it may not use)."""
    cases: list[tuple[str | None, list[str], str, list[str], list[str]]] = [
        (None, [], "ANONYMOUS", [], ["READ"]),
        ("viewer", [], "VIEWER", [], ["READ", "NETWORKS"]),
        ("editor", ["IR-01"], "EDITOR", ["IR-01"], ["READ", "NETWORKS", "PERSONAL", "WRITE"]),
        ("supervisor", ["IR-01"], "SUPERVISOR", ["IR-01"], ["READ", "NETWORKS", "SUPERVISE", "ASSESS"]),
        ("institution", [], "INSTITUTION", [], ["READ", "SELF_ASSESS"]),
        ("admin", ["IR-01"], "ADMIN", [], ["READ", "NETWORKS", "PLAN", "PERSONAL", "WRITE", "ADMIN", "SUPERVISE",
                                           "ASSESS", "SELF_ASSESS"]),
    ]
    for role, provinces, shown, scope, rights in cases:
        institution = "inst-a" if role == "institution" else None
        async with asgi_client(roles_world, Settings(anonymous=True), role=role, provinces=provinces,
                               institution=institution) as client:
            body = await post(client, "{ me { role provinces rights institution } }")
        assert body == {"data": {"me": {"role": shown, "provinces": scope, "rights": rights,
                                        "institution": institution}}}, (role, body)


NESTED = """{
  institution(key: "inst-a") {
    donations(first: 10) { totalCount nodes { key amount donor { key kind } } }
    donors(first: 10) { totalCount nodes { key } }
  }
  donor(key: "donor-ind") { key }
  donors(first: 10) { totalCount nodes { key } }
  donations(first: 10) { totalCount nodes { key } }
  d: donation(key: "don-ind") { key }
}"""


@pytest.mark.parametrize("role", ["anonymous", "viewer", "planner"])
async def test_without_the_personal_right_an_individual_donor_is_nowhere(roles_world: FalkorStore, role: str) -> None:
    async with asgi_client(roles_world, Settings(anonymous=True), role=None if role == "anonymous" else role) as client:
        body = await post(client, NESTED)
    assert "errors" not in body, body
    data = body["data"]
    inst = data["institution"]
    assert [n["key"] for n in inst["donations"]["nodes"]] == ["don-co"] and inst["donations"]["totalCount"] == 1
    assert [n["key"] for n in inst["donors"]["nodes"]] == ["donor-1"]
    assert data["donor"] is None and data["d"] is None
    assert [n["key"] for n in data["donors"]["nodes"]] == ["donor-1"]
    assert [n["key"] for n in data["donations"]["nodes"]] == ["don-co"]
    assert "donor-ind" not in str(body) and "1000000" not in str(body)


@pytest.mark.parametrize("role", ["council_member", "editor", "admin"])
async def test_with_the_personal_right_individual_donors_are_shown(roles_world: FalkorStore, role: str) -> None:
    async with asgi_client(roles_world, role=role) as client:
        body = await post(client, NESTED)
    data = body["data"]
    assert sorted(n["key"] for n in data["institution"]["donations"]["nodes"]) == ["don-co", "don-ind"]
    assert data["donor"] == {"key": "donor-ind"} and data["d"] == {"key": "don-ind"}
    assert data["donors"]["totalCount"] == 2


async def test_giving_of_fewer_than_k_individuals_is_suppressed(roles_world: FalkorStore) -> None:
    query = '{ institution(key: "inst-a") { giving { amount count suppressed } } }'
    async with asgi_client(roles_world, role="viewer") as client:
        assert (await post(client, query))["data"]["institution"]["giving"] == {
            "amount": None, "count": None, "suppressed": True}
    async with asgi_client(roles_world, Settings(privacy_k=1), role="viewer") as client:
        shown = (await post(client, query))["data"]["institution"]["giving"]
        assert shown["suppressed"] is False and shown["count"] == 2
    async with asgi_client(roles_world, role="council_member") as client:
        assert (await post(client, query))["data"]["institution"]["giving"]["suppressed"] is False


async def test_an_individual_donor_is_not_reached_by_id_or_through_a_council(roles_world: FalkorStore) -> None:
    await add_member(roles_world, "council-1", donor="donor-ind")
    async with asgi_client(roles_world, role="admin") as client:
        donor_id = (await post(client, '{ donor(key: "donor-ind") { id } }'))["data"]["donor"]["id"]
        seat = (await post(client, '{ council(key: "council-1") { members(first: 1) { nodes { id } } } }'))
        seat_id = seat["data"]["council"]["members"]["nodes"][0]["id"]
    query = f"""{{
      council(key: "council-1") {{ members(first: 10) {{ totalCount nodes {{ key member {{ __typename }} }} }} }}
      node(id: "{donor_id}") {{ id }}
      nodes(ids: ["{donor_id}", "{seat_id}"]) {{ id }}
    }}"""
    async with asgi_client(roles_world, role="viewer") as client:
        body = await post(client, query)
    assert "errors" not in body, body
    assert body["data"]["node"] is None and body["data"]["nodes"] == [None, None]
    assert "donor-ind" not in str(body) and donor_id not in str(body) and seat_id not in str(body)
    async with asgi_client(roles_world, role="council_member") as client:
        body = await post(client, query)
    assert body["data"]["node"] == {"id": donor_id} and body["data"]["nodes"] == [{"id": donor_id}, {"id": seat_id}]
    assert body["data"]["council"]["members"]["totalCount"] == 1
